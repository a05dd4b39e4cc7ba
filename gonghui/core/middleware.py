"""Request context and the operation log."""

from __future__ import annotations

import time
import uuid

from gonghui.core import context

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by clients and must not be trusted blindly.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4().hex
        ctx = context.RequestContext(request=request, request_id=request.id, ip=client_ip(request))
        with context.bind(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class OperationLogMiddleware:
    """Log every write request and every request a view marks as an operation (exports).

    Only the method, path, view and outcome are logged, never the body or the query
    string, so personal data cannot leak into the log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        summary = getattr(request, "operation_summary", "")
        if request.method in UNSAFE_METHODS or summary:
            self._record(request, response, summary, started)
        return response

    def _record(self, request, response, summary, started):
        from gonghui.core.models import OperationLog

        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
        match = getattr(request, "resolver_match", None)
        OperationLog.objects.create(
            user=user,
            user_name=user.get_username() if user else "",
            request_id=getattr(request, "id", ""),
            method=request.method,
            path=request.path[:300],
            view_name=(match.view_name if match else "")[:120],
            summary=summary[:200],
            status_code=response.status_code,
            duration_ms=int((time.monotonic() - started) * 1000),
            ip=client_ip(request),
        )


def mark_operation(request, summary: str) -> None:
    """Ask the operation log to record this request (e.g. an export) with a summary."""
    request.operation_summary = summary
