"""Base models (scoped business data, change log), logs and dictionaries."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from gonghui.core.querysets import RestrictedQuerySet

BUSINESS_PERMISSIONS = ("add", "change", "delete", "view", "export", "approve")


class ChangeLoggedModel(models.Model):
    """Every create/update/delete writes a ChangeLog row (see core.signals).

    ``pii_fields`` names the fields whose values are redacted in the log.
    """

    pii_fields: tuple[str, ...] = ()
    changelog_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def snapshot(self) -> None:
        from gonghui.core.changelog import serialize

        self._prechange_snapshot = serialize(self)


def owning_org_field(*, db_index: bool = True, db_constraint: bool = True) -> models.ForeignKey:
    """``ScopedModel.org``; a bulk table whose composite index leads with org redeclares it unindexed,
    one whose rows take their org from an already checked parent row may drop the database check."""
    return models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        db_index=db_index,
        db_constraint=db_constraint,
        related_name="%(app_label)s_%(class)s_set",
        verbose_name="所属单位",
    )


def created_by_field(*, db_index: bool = True, db_constraint: bool = True) -> models.ForeignKey:
    """``ScopedModel.created_by``; bulk tables redeclare it unindexed (no one searches by creator)
    and may drop the database's foreign-key check, an audit column's trigger per inserted row
    (Django's ``on_delete=SET_NULL`` still applies when a user is deleted)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        db_index=db_index,
        db_constraint=db_constraint,
        related_name="+",
        verbose_name="创建人",
    )


class ScopedModel(ChangeLoggedModel):
    """Abstract base of every business table: a non-null, indexed owning organisation."""

    scope_kind = "org"
    scope_org_field = "org"
    scope_owner_field = "created_by"

    org = owning_org_field()
    created_by = created_by_field()
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True
        default_permissions = BUSINESS_PERMISSIONS


class ChangeAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"


class ChangeLog(models.Model):
    scope_kind = "global"

    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_name = models.CharField("操作人", max_length=150, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True, db_index=True)
    action = models.CharField("动作", max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField("对象编号", max_length=64, db_index=True)
    object_repr = models.CharField("对象", max_length=200)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-pk"]
        default_permissions = ("view", "export")
        verbose_name = verbose_name_plural = "数据变更日志"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


class OperationLog(models.Model):
    scope_kind = "global"

    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_name = models.CharField("操作人", max_length=150, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True, db_index=True)
    method = models.CharField("方法", max_length=10)
    path = models.CharField("地址", max_length=300)
    view_name = models.CharField("功能", max_length=120, blank=True)
    summary = models.CharField("操作内容", max_length=200, blank=True)
    status_code = models.PositiveSmallIntegerField("状态码", default=0)
    duration_ms = models.PositiveIntegerField("耗时(毫秒)", default=0)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-pk"]
        default_permissions = ("view", "export")
        verbose_name = verbose_name_plural = "操作日志"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


class DictType(ChangeLoggedModel):
    """字典类型: a named list of choices administrators maintain."""

    scope_kind = "global"

    code = models.SlugField("字典编码", max_length=60, unique=True)
    name = models.CharField("字典名称", max_length=60)
    remark = models.CharField("备注", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "字典类型"

    def __str__(self) -> str:
        return self.name


class DictItem(ChangeLoggedModel):
    scope_kind = "global"

    dict_type = models.ForeignKey(DictType, on_delete=models.CASCADE, related_name="items")
    label = models.CharField("字典标签", max_length=60)
    value = models.CharField("字典键值", max_length=60)
    color = models.CharField("标签颜色", max_length=20, blank=True, help_text="如 #1677ff")
    sort = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["dict_type", "sort", "pk"]
        verbose_name = verbose_name_plural = "字典数据"
        constraints = [models.UniqueConstraint(fields=["dict_type", "value"], name="dictitem_unique_value")]

    def __str__(self) -> str:
        return self.label
