"""Users, departments, roles with data scope, login log, API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.db import models
from django.utils import timezone

from gonghui.core.models import ChangeLoggedModel, ScopedModel
from gonghui.core.querysets import DataScope, RestrictedQuerySet, RestrictedQuerySetMixin


class UserQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    pass


class GonghuiUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class Department(ScopedModel):
    """部门: a department inside one organisation (组织部, 权益保障部, …)."""

    name = models.CharField("部门名称", max_length=60)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta(ScopedModel.Meta):
        ordering = ["org__path", "sort", "pk"]
        verbose_name = verbose_name_plural = "部门"
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(ChangeLoggedModel):
    """角色: permissions per app action plus a data scope (RuoYi vocabulary)."""

    scope_kind = "global"

    name = models.CharField("角色名称", max_length=60, unique=True)
    code = models.SlugField("角色编码", max_length=60, unique=True)
    data_scope = models.CharField(
        "数据范围", max_length=20, choices=DataScope.choices, default=DataScope.OWN_ORG_AND_BELOW
    )
    custom_orgs = models.ManyToManyField(
        "orgs.Organization", blank=True, related_name="+", verbose_name="自定义数据范围"
    )
    permissions = models.ManyToManyField(Permission, blank=True, related_name="roles", verbose_name="权限")
    is_active = models.BooleanField("启用", default=True)
    is_builtin = models.BooleanField("内置角色", default=False, editable=False)
    # The permissions the code last granted a built-in role, so upgrades add what is new
    # without undoing what administrators changed on the role page.
    builtin_permissions = models.JSONField(default=list, blank=True, editable=False)
    sort = models.PositiveIntegerField("排序", default=0)
    remark = models.CharField("备注", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["sort", "pk"]
        verbose_name = verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser, ChangeLoggedModel):
    """A staff account. It belongs to an organisation; its roles decide what it sees."""

    scope_kind = "org"
    scope_org_field = "org"
    scope_owner_field = "pk"
    changelog_exclude = ("last_login", "failed_login_count", "locked_until")

    org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="所属单位",
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="users", verbose_name="部门"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name="角色")
    display_name = models.CharField("姓名", max_length=60, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    failed_login_count = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    is_demo = models.BooleanField("演示账号", default=False)

    objects = GonghuiUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]
        verbose_name = verbose_name_plural = "用户"
        default_permissions = ("add", "change", "delete", "view", "export")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class LoginEvent(models.TextChoices):
    LOGIN = "login", "登录成功"
    FAILED = "failed", "登录失败"
    LOCKED = "locked", "账号锁定"
    LOGOUT = "logout", "退出"
    TIMEOUT = "timeout", "超时退出"


class LoginLog(models.Model):
    scope_kind = "global"

    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    username = models.CharField("登录账号", max_length=150, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.CharField("事件", max_length=10, choices=LoginEvent.choices)
    reason = models.CharField("说明", max_length=200, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-pk"]
        default_permissions = ("view", "export")
        verbose_name = verbose_name_plural = "登录日志"

    def __str__(self) -> str:
        return f"{self.username} {self.get_event_display()}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the raw token is shown once."""

    scope_kind = "org"
    scope_org_field = "user__org"
    scope_owner_field = "user"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=60)
    prefix = models.CharField("前缀", max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return "gh_" + secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
