"""Shared pieces of the JSON API endpoints."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja.errors import HttpError

from gonghui.core.querysets import can


def raise_api_error(error: Exception):
    """A service's PermissionDenied → 403, ValidationError → 422 with the Chinese messages."""
    if isinstance(error, PermissionDenied):
        raise HttpError(403, str(error))
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            detail = {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
        else:
            detail = {"__all__": error.messages}
        raise HttpError(422, "；".join(f"{k}: {' '.join(v)}" for k, v in detail.items()))
    raise error


def require_permission(request, model, action: str) -> None:
    if not can(request.user, model, action):
        raise HttpError(403, "您没有此功能的权限。")
