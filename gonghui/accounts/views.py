"""System pages: users, departments, roles, API tokens and the login log. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View

from gonghui.accounts import selectors, services
from gonghui.accounts.filtersets import DepartmentFilterSet, LoginLogFilterSet, RoleFilterSet, UserFilterSet
from gonghui.accounts.forms import DepartmentForm, RoleForm, TokenForm, UserForm, UserRolesForm
from gonghui.accounts.models import Department, LoginLog, Role, User
from gonghui.accounts.tables import DepartmentTable, LoginLogTable, RoleTable, TokenTable, UserTable
from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView, ScopedViewMixin

NO_PERMISSION = "您没有此功能的权限，请联系安全管理员分配角色。"


def _error_text(error: Exception) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


def _require(user, model, action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(NO_PERMISSION)


def _one_time_secret(request, template: str, context: dict):
    """A page that shows a password or token once: never cached, never stored."""
    response = render(request, template, context)
    add_never_cache_headers(response)
    return response


# ---------------------------------------------------------------------------
# Users (系统管理员)


class UserListView(ObjectListView):
    model = User
    table_class = UserTable
    filterset_class = UserFilterSet
    title = "用户"
    add_url_name = "accounts:user_add"
    export_filename = "用户"
    empty_text = "没有符合条件的用户。"

    def get_queryset(self, action):
        return selectors.users_for(self.request.user, action)


@login_required
def user_detail(request, pk: int):
    actor = request.user
    _require(actor, User, "view")
    target = get_restricted_or_404(selectors.users_for(actor), actor, "view", pk=pk)
    can_change = User.objects.restrict(actor, "change").filter(pk=target.pk).exists()
    return render(
        request,
        "accounts/user_detail.html",
        {
            "title": f"用户：{target.username}",
            "target": target,
            "roles": target.roles.order_by("sort", "pk"),
            "breadcrumbs": [("用户", reverse("accounts:user_list")), (target.username, None)],
            "can_change": can_change,
            "can_assign_roles": can(actor, Role, "change"),
            "is_self": target.pk == actor.pk,
        },
    )


class UserEditView(ObjectEditView):
    """新增 shows the generated initial password once; 修改 never touches roles or the password."""

    model = User
    form_class = UserForm
    list_url_name = "accounts:user_list"

    def page_title(self) -> str:
        return f"修改用户：{self.obj.username}" if self.obj else "新增用户"

    def update(self, obj, form):
        return services.user_update(user=self.request.user, target=obj, data=form.cleaned_data)

    def success_url(self, obj) -> str:
        return reverse("accounts:user_detail", args=[obj.pk])

    def post(self, request, *args, **kwargs):
        if self.obj is not None:
            return super().post(request, *args, **kwargs)
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                target, password = services.user_create(user=request.user, data=form.cleaned_data)
            except ValidationError as error:
                apply_form_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return _one_time_secret(
                    request,
                    "accounts/user_password.html",
                    {
                        "title": "用户已创建",
                        "target": target,
                        "password": password,
                        "intro": f"已创建用户「{target.username}」。",
                        "breadcrumbs": [("用户", reverse("accounts:user_list")), (target.username, None)],
                    },
                )
        return self.render_form(form)


class UserActionView(ScopedViewMixin, View):
    """A confirmation page (GET) and the action (POST) on one user the actor may change."""

    model = User
    template_name = "core/object_confirm.html"
    confirm_label = "确认"
    danger = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require("change")
        self.target = self.get_object("change", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def question(self) -> str:
        raise NotImplementedError

    def perform(self):
        raise NotImplementedError

    def context(self) -> dict:
        return {
            "title": self.confirm_label,
            "question": self.question(),
            "warning": self.warning(),
            "confirm_label": self.confirm_label,
            "cancel_url": reverse("accounts:user_detail", args=[self.target.pk]),
            "breadcrumbs": [
                ("用户", reverse("accounts:user_list")),
                (self.target.username, reverse("accounts:user_detail", args=[self.target.pk])),
                (self.confirm_label, None),
            ],
        }

    def warning(self) -> str:
        return ""

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context())

    def post(self, request, *args, **kwargs):
        try:
            response = self.perform()
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
            return render(request, self.template_name, self.context())
        return response or HttpResponseRedirect(reverse("accounts:user_detail", args=[self.target.pk]))


class UserToggleActiveView(UserActionView):
    @property
    def confirm_label(self):
        return "停用账号" if self.target.is_active else "启用账号"

    def question(self):
        if self.target.is_active:
            return (
                f"确定停用用户「{self.target}」（{self.target.username}）吗？"
                "停用后该账号不能登录，其 API 令牌也会失效。"
            )
        return f"确定重新启用用户「{self.target}」（{self.target.username}）吗？"

    def perform(self):
        active = not self.target.is_active
        services.user_set_active(user=self.request.user, target=self.target, active=active)
        messages.success(self.request, f"已{'启用' if active else '停用'}用户「{self.target.username}」。")


class UserResetPasswordView(UserActionView):
    confirm_label = "重置密码"

    def question(self):
        return f"确定为用户「{self.target}」（{self.target.username}）重置密码吗？系统会生成新的随机密码。"

    def warning(self):
        return "新密码只显示一次，请当面或通过安全渠道交给本人；本人下次登录时必须修改密码。"

    def perform(self):
        password = services.user_reset_password(user=self.request.user, target=self.target)
        return _one_time_secret(
            self.request,
            "accounts/user_password.html",
            {
                "title": "密码已重置",
                "target": self.target,
                "password": password,
                "intro": f"已为用户「{self.target.username}」重置密码。",
                "breadcrumbs": [
                    ("用户", reverse("accounts:user_list")),
                    (self.target.username, reverse("accounts:user_detail", args=[self.target.pk])),
                    ("重置密码", None),
                ],
            },
        )


class UserUnlockView(UserActionView):
    confirm_label = "解锁账号"

    def question(self):
        return f"确定解除用户「{self.target}」（{self.target.username}）的登录锁定吗？"

    def perform(self):
        services.user_unlock(user=self.request.user, target=self.target)
        messages.success(self.request, f"已解锁用户「{self.target.username}」。")


class UserRolesView(ScopedViewMixin, View):
    """分配角色: the 安全管理员's page; needs the permission to change roles."""

    model = User

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, Role, "change"):
            raise PermissionDenied(NO_PERMISSION)
        self.target = self.get_object("view", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form):
        return render(
            self.request,
            "accounts/user_roles.html",
            {
                "title": f"分配角色：{self.target}",
                "target": self.target,
                "form": form,
                "breadcrumbs": [
                    ("用户", reverse("accounts:user_list")),
                    (self.target.username, reverse("accounts:user_detail", args=[self.target.pk])),
                    ("分配角色", None),
                ],
            },
        )

    def get(self, request, *args, **kwargs):
        form = UserRolesForm(user=request.user, initial={"roles": list(self.target.roles.all())})
        return self.render_page(form)

    def post(self, request, *args, **kwargs):
        form = UserRolesForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.user_set_roles(user=request.user, target=self.target, roles=form.cleaned_data["roles"])
            except ValidationError as error:
                apply_form_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已更新用户「{self.target.username}」的角色。")
                return HttpResponseRedirect(reverse("accounts:user_detail", args=[self.target.pk]))
        return self.render_page(form)


# ---------------------------------------------------------------------------
# Departments


class DepartmentListView(ObjectListView):
    model = Department
    table_class = DepartmentTable
    filterset_class = DepartmentFilterSet
    title = "部门"
    add_url_name = "accounts:department_add"
    export_filename = "部门"
    empty_text = "没有符合条件的部门。"

    def get_queryset(self, action):
        return selectors.departments_for(self.request.user, action)


class DepartmentEditView(ObjectEditView):
    model = Department
    form_class = DepartmentForm
    list_url_name = "accounts:department_list"

    def create(self, form):
        return services.department_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services.department_update(user=self.request.user, department=obj, data=form.cleaned_data)


class DepartmentDeleteView(ObjectDeleteView):
    model = Department
    list_url_name = "accounts:department_list"

    def delete(self, obj):
        services.department_delete(user=self.request.user, department=obj)


# ---------------------------------------------------------------------------
# Roles (安全管理员)


class RoleListView(ObjectListView):
    model = Role
    table_class = RoleTable
    filterset_class = RoleFilterSet
    title = "角色"
    add_url_name = "accounts:role_add"
    empty_text = "没有符合条件的角色。"

    def get_queryset(self, action):
        return selectors.roles_for(self.request.user, action)


@login_required
def role_detail(request, pk: int):
    actor = request.user
    _require(actor, Role, "view")
    role = get_restricted_or_404(Role.objects.prefetch_related("custom_orgs"), actor, "view", pk=pk)
    columns, groups = selectors.permission_matrix()
    granted = set(role.permissions.values_list("pk", flat=True))
    holders = selectors.users_for(actor).filter(roles=role)
    return render(
        request,
        "accounts/role_detail.html",
        {
            "title": f"角色：{role.name}",
            "role": role,
            "columns": columns,
            "groups": groups,
            "granted": granted,
            "holders": holders[:200],
            "holder_count": holders.count(),
            "breadcrumbs": [("角色", reverse("accounts:role_list")), (role.name, None)],
            "can_change": can(actor, Role, "change"),
            "can_delete": can(actor, Role, "delete") and not role.is_builtin,
        },
    )


class RoleEditView(ObjectEditView):
    model = Role
    form_class = RoleForm
    template_name = "accounts/role_edit.html"
    list_url_name = "accounts:role_list"

    def _fields(self, form):
        data = dict(form.cleaned_data)
        permissions = data.pop("permissions", [])
        custom_orgs = data.pop("custom_orgs", [])
        return data, permissions, custom_orgs

    def create(self, form):
        data, permissions, custom_orgs = self._fields(form)
        return services.role_create(user=self.request.user, data=data, permissions=permissions, custom_orgs=custom_orgs)

    def update(self, obj, form):
        data, permissions, custom_orgs = self._fields(form)
        return services.role_update(
            user=self.request.user, role=obj, data=data, permissions=permissions, custom_orgs=custom_orgs
        )

    def success_url(self, obj) -> str:
        return reverse("accounts:role_detail", args=[obj.pk])

    def render_form(self, form):
        columns, groups = selectors.permission_matrix()
        cancel = reverse("accounts:role_detail", args=[self.obj.pk]) if self.obj else reverse(self.list_url_name)
        return render(
            self.request,
            self.template_name,
            {
                "title": self.page_title(),
                "form": form,
                "columns": columns,
                "groups": groups,
                "selected": form.selected_permission_ids(),
                "cancel_url": cancel,
                "breadcrumbs": [("角色", reverse(self.list_url_name)), (self.page_title(), None)],
            },
        )


class RoleDeleteView(ObjectDeleteView):
    model = Role
    list_url_name = "accounts:role_list"

    def context(self):
        context = super().context()
        context["cancel_url"] = reverse("accounts:role_detail", args=[self.obj.pk])
        return context

    def delete(self, obj):
        services.role_delete(user=self.request.user, role=obj)


# ---------------------------------------------------------------------------
# API tokens: each user, their own only


@login_required
def token_list(request):
    table = TokenTable(selectors.tokens_for(request.user), request=request)
    return render(
        request,
        "accounts/token_list.html",
        {"title": "API 令牌", "table": table, "breadcrumbs": [("API 令牌", None)]},
    )


@login_required
def token_add(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            return _one_time_secret(
                request,
                "accounts/token_created.html",
                {
                    "title": "令牌已创建",
                    "token": token,
                    "raw": raw,
                    "breadcrumbs": [("API 令牌", reverse("accounts:token_list")), ("令牌已创建", None)],
                },
            )
    return render(
        request,
        "core/object_edit.html",
        {
            "title": "新建 API 令牌",
            "form": form,
            "cancel_url": reverse("accounts:token_list"),
            "breadcrumbs": [("API 令牌", reverse("accounts:token_list")), ("新建", None)],
        },
    )


@login_required
def token_revoke(request, pk: int):
    # Only the owner's own tokens: no role, however wide, reaches another user's token.
    token = get_object_or_404(selectors.tokens_for(request.user), pk=pk)
    context = {
        "title": "吊销 API 令牌",
        "question": f"确定吊销令牌「{token}」吗？吊销后使用它的程序将立即无法访问，且不能恢复。",
        "confirm_label": "确认吊销",
        "cancel_url": reverse("accounts:token_list"),
        "breadcrumbs": [("API 令牌", reverse("accounts:token_list")), ("吊销", None)],
    }
    if request.method == "POST":
        try:
            services.token_revoke(user=request.user, token=token)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return render(request, "core/object_confirm.html", context)
        messages.success(request, f"已吊销令牌「{token.name}」。")
        return HttpResponseRedirect(reverse("accounts:token_list"))
    return render(request, "core/object_confirm.html", context)


# ---------------------------------------------------------------------------
# Login log (审计管理员)


class LoginLogListView(ObjectListView):
    model = LoginLog
    table_class = LoginLogTable
    filterset_class = LoginLogFilterSet
    title = "登录日志"
    export_filename = "登录日志"
    empty_text = "没有符合条件的登录记录。"
    per_page = 50

    def get_queryset(self, action):
        return selectors.login_logs_for(self.request.user, action)
