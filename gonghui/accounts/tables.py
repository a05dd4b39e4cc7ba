from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from gonghui.accounts.models import ApiToken, Department, LoginLog, Role, User
from gonghui.core.querysets import can


class UserTable(tables.Table):
    username = tables.Column(linkify=("accounts:user_detail", {"pk": tables.A("pk")}), verbose_name="用户名")
    display_name = tables.Column(verbose_name="姓名")
    org = tables.Column(verbose_name="所属单位", order_by=("org__path",))
    department = tables.Column(verbose_name="部门", default="—")
    roles = tables.Column(verbose_name="角色", accessor="pk", orderable=False)
    status = tables.Column(verbose_name="状态", accessor="is_active", order_by=("is_active",))
    last_login = tables.DateTimeColumn(verbose_name="最近登录", format="Y-m-d H:i", default="从未登录")

    class Meta:
        model = User
        fields = ("username", "display_name", "org", "department", "email", "roles", "status", "last_login")
        order_by = ("username",)
        attrs = {"class": "table"}

    def render_roles(self, record):
        return "、".join(role.name for role in record.roles.all()) or "—"

    def value_roles(self, record):
        return self.render_roles(record)

    def render_status(self, record):
        css = {"停用": "dissolved", "锁定": "preparing", "正常": "active"}
        label = self.value_status(record)
        return format_html('<span class="tag {}">{}</span>', css[label], label)

    def value_status(self, record):
        if not record.is_active:
            return "停用"
        return "锁定" if record.is_locked else "正常"


class DepartmentTable(tables.Table):
    name = tables.Column(verbose_name="部门名称")
    org = tables.Column(verbose_name="所属单位", order_by=("org__path",))
    user_count = tables.Column(verbose_name="用户数")
    actions = tables.Column(verbose_name="操作", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta:
        model = Department
        fields = ("name", "org", "sort", "user_count")
        order_by = ("org", "sort")
        attrs = {"class": "table"}

    def _allowed(self, action: str) -> bool:
        cache = self.__dict__.setdefault("_allowed_cache", {})
        if action not in cache:
            request = getattr(self, "request", None)
            cache[action] = request is not None and can(request.user, Department, action)
        return cache[action]

    def render_actions(self, record):
        links = []
        if self._allowed("change"):
            links.append(format_html('<a href="{}">编辑</a>', reverse("accounts:department_edit", args=[record.pk])))
        if self._allowed("delete"):
            links.append(format_html('<a href="{}">删除</a>', reverse("accounts:department_delete", args=[record.pk])))
        return format_html(" ".join(["{}"] * len(links)), *links) if links else "—"


class RoleTable(tables.Table):
    name = tables.Column(linkify=("accounts:role_detail", {"pk": tables.A("pk")}), verbose_name="角色名称")
    user_count = tables.Column(verbose_name="用户数")
    is_builtin = tables.BooleanColumn(verbose_name="内置", yesno="是,否")
    is_active = tables.BooleanColumn(verbose_name="启用", yesno="是,否")

    class Meta:
        model = Role
        fields = ("name", "code", "data_scope", "user_count", "is_builtin", "is_active", "sort", "remark")
        order_by = ("sort",)
        attrs = {"class": "table"}


class TokenTable(tables.Table):
    prefix = tables.Column(verbose_name="令牌前缀")
    expires_at = tables.DateTimeColumn(verbose_name="过期时间", format="Y-m-d H:i", default="长期有效")
    last_used_at = tables.DateTimeColumn(verbose_name="最近使用", format="Y-m-d H:i", default="从未使用")
    created_at = tables.DateTimeColumn(verbose_name="创建时间", format="Y-m-d H:i")
    state = tables.Column(verbose_name="状态", accessor="pk", orderable=False)
    actions = tables.Column(verbose_name="操作", accessor="pk", orderable=False)

    class Meta:
        model = ApiToken
        fields = ("name", "prefix", "created_at", "expires_at", "last_used_at")
        order_by = ("-created_at",)
        attrs = {"class": "table"}

    def render_prefix(self, value):
        return f"{value}…"

    def render_state(self, record):
        if record.is_expired:
            return format_html('<span class="tag {}">{}</span>', "dissolved", "已过期")
        return format_html('<span class="tag {}">{}</span>', "active", "有效")

    def render_actions(self, record):
        return format_html('<a href="{}">吊销</a>', reverse("accounts:token_revoke", args=[record.pk]))


class LoginLogTable(tables.Table):
    time = tables.DateTimeColumn(verbose_name="时间", format="Y-m-d H:i:s")

    class Meta:
        model = LoginLog
        fields = ("time", "username", "event", "reason", "ip", "user_agent")
        order_by = ("-time",)
        attrs = {"class": "table"}

    def render_event(self, record, value):
        css = {"login": "active", "logout": "", "timeout": "", "failed": "preparing", "locked": "dissolved"}
        return format_html('<span class="tag {}">{}</span>', css.get(record.event, ""), value)

    def value_event(self, value):
        return value
