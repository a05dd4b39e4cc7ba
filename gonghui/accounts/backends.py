"""Authentication with lockout, and permissions that come from roles."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.utils import timezone

from gonghui.accounts.models import LoginEvent


class AccountLocked(Exception):
    pass


class RoleBackend(ModelBackend):
    """ModelBackend whose "group" permissions are the permissions of the user's active roles."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from gonghui.accounts.services import record_login_event

        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = User._default_manager.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.is_locked:
            record_login_event(request, username, LoginEvent.LOCKED, user=user, reason="账号已锁定，拒绝登录")
            if request is not None:
                request.login_refusal = "locked"
            return None
        password_ok = user.check_password(password)
        if password_ok and not self.user_can_authenticate(user):
            # Right password, disabled account: say so (the form shows 「已停用」), count no failure.
            record_login_event(request, username, LoginEvent.FAILED, user=user, reason="账号已停用，拒绝登录")
            if request is not None:
                request.login_refusal = "inactive"
            return None
        if password_ok:
            if user.failed_login_count:
                User._default_manager.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
                user.failed_login_count = 0
            return user
        failures = user.failed_login_count + 1
        locked_until = None
        if failures >= settings.LOGIN_MAX_FAILURES:
            locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            failures = 0
        User._default_manager.filter(pk=user.pk).update(failed_login_count=failures, locked_until=locked_until)
        if locked_until is not None:
            record_login_event(
                request,
                username,
                LoginEvent.LOCKED,
                user=user,
                reason=f"连续 {settings.LOGIN_MAX_FAILURES} 次密码错误，锁定 {settings.LOGIN_LOCKOUT_MINUTES} 分钟",
            )
            if request is not None:
                request.login_refusal = "locked"
        return None

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(roles__users=user_obj, roles__is_active=True)
