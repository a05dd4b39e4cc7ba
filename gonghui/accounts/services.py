"""Account services: the only writers of users, roles and login records."""

from __future__ import annotations

from gonghui.accounts.models import LoginLog
from gonghui.core.middleware import client_ip


def record_login_event(request, username: str, event: str, *, user=None, reason: str = "") -> LoginLog:
    agent = request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""
    return LoginLog.objects.create(
        username=username[:150],
        user=user,
        event=event,
        reason=reason[:200],
        ip=client_ip(request) if request is not None else None,
        user_agent=agent,
    )
