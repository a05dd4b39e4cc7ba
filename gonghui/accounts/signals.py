from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gonghui.accounts.models import LoginEvent
from gonghui.accounts.services import record_login_event


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_login_event(request, user.get_username(), LoginEvent.LOGIN, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_login_event(request, user.get_username(), LoginEvent.LOGOUT, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is not None and getattr(request, "login_refusal", None) in ("locked", "inactive"):
        return  # already logged, with its reason, by the backend
    record_login_event(request, credentials.get("username", "")[:150], LoginEvent.FAILED, reason="用户名或密码错误")
