"""Idle session timeout and forced password change."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from gonghui.accounts.models import LoginEvent

LAST_SEEN_KEY = "gonghui_last_seen"
#: seconds: the idle timer is refreshed at most this often (a session write per page view costs a write
#: transaction; the timeout is counted in minutes)
LAST_SEEN_RESOLUTION = 30
PASSWORD_CHANGE_ALLOWED = {"password_change", "logout", "login"}


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle_limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - last_seen > idle_limit:
                from gonghui.accounts.services import record_login_event

                record_login_event(request, user.get_username(), LoginEvent.TIMEOUT, user=user, reason="长时间未操作")
                logout(request)
                messages.info(request, f"您已超过 {settings.SESSION_IDLE_TIMEOUT_MINUTES} 分钟未操作，请重新登录。")
                return self._to_login(request)
            stale = last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION
            if stale and not is_background_poll(request):
                # automatic polls are not activity; rewriting the session on every page is not needed
                request.session[LAST_SEEN_KEY] = now
            if user.must_change_password and not user.is_demo and not request.path.startswith("/api/"):
                match_name = self._url_name(request)
                if match_name not in PASSWORD_CHANGE_ALLOWED and not request.path.startswith("/static/"):
                    messages.warning(request, "为了账号安全，请先修改初始密码。")
                    return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _url_name(request):
        from django.urls import Resolver404, resolve

        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None

    @staticmethod
    def _to_login(request):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "会话已超时，请重新登录。"}, status=401)
        login_url = f"{reverse('login')}?next={request.path}"
        if request.headers.get("HX-Request"):
            # An HTMX swap would put the login page inside a table row: send the whole page there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        return redirect(login_url)


POLL_HEADER = "X-Gonghui-Poll"


def is_background_poll(request) -> bool:
    """Requests that page elements send on a timer (hx-trigger="every …") carry this header."""
    return request.headers.get(POLL_HEADER) == "1"
