"""Login, logout and password change, with the lockout message and forced change."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as django_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.accounts.models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续多次输错后账号将被临时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"

    def clean(self):
        username = self.cleaned_data.get("username")
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "login_refusal", None) == "inactive":
                raise forms.ValidationError(self.error_messages["inactive"], code="inactive") from None
            user = User.objects.filter(username=username).first() if username else None
            if user is not None and user.is_locked:
                minutes = max(1, int((user.locked_until - timezone.now()).total_seconds() // 60) + 1)
                raise forms.ValidationError(
                    f"账号因多次密码错误已被锁定，请 {minutes} 分钟后再试，或联系系统管理员解锁。", code="locked"
                ) from None
            raise


class LoginView(django_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("login")


class GonghuiPasswordChangeForm(PasswordChangeForm):
    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and self.user.check_password(new):
            raise forms.ValidationError("新密码不能与当前密码相同。")
        return new


class PasswordChangeView(django_views.PasswordChangeView):
    form_class = GonghuiPasswordChangeForm
    template_name = "registration/password_change.html"

    def form_valid(self, form):
        user = form.save()
        User.objects.filter(pk=user.pk).update(must_change_password=False, password_changed_at=timezone.now())
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "密码已修改。")
        return redirect("home")
