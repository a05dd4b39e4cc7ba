"""通知公告 (announcements with audiences, attachments and read receipts) and 站内消息 (messages)."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import ChangeLoggedModel, ScopedModel
from gonghui.core.querysets import RestrictedQuerySet

ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "zip")
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES_LABEL = "pdf、doc、docx、xls、xlsx、jpg、png、zip"


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def validate_attachment(file) -> None:
    """Only the office, image and archive types staff send around, at most 20 MB each."""
    name = PurePath(getattr(file, "name", "") or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            f"附件「{name}」的类型不支持：只能上传 {ATTACHMENT_TYPES_LABEL} 格式的文件，请转换格式后再上传。",
            code="attachment_type",
        )
    size = getattr(file, "size", 0) or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            f"附件「{name}」大小为 {format_size(size)}，超过了 20 MB 的上限，请压缩或拆分后再上传。",
            code="attachment_size",
        )


def attachment_upload_to(instance: AnnouncementAttachment, filename: str) -> str:
    # A random stored name: the user's file name (kept in original_name) never reaches the file system.
    extension = PurePath(filename).suffix.lower()
    return f"notices/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class AudienceMode(models.TextChoices):
    SUBTREE = "subtree", "发布单位及全部下级"
    UNITS = "units", "指定单位"


class Announcement(ScopedModel):
    """通知公告: issued by a union (``org``) to its whole subtree or to chosen units."""

    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    status = models.CharField(
        "状态", max_length=10, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT, db_index=True
    )
    audience_mode = models.CharField(
        "接收范围", max_length=10, choices=AudienceMode.choices, default=AudienceMode.SUBTREE
    )
    units = models.ManyToManyField(
        "orgs.Organization",
        through="AnnouncementTarget",
        blank=True,
        related_name="addressed_announcements",
        verbose_name="接收单位",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布人",
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤回人",
    )
    withdraw_reason = models.CharField("撤回原因", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        # Drafts (no publish time) first, then the newest published; the same on SQLite and PostgreSQL.
        ordering = [models.F("published_at").desc(nulls_first=True), "-created_at", "-pk"]
        verbose_name = verbose_name_plural = "通知公告"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notices:announcement_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == AnnouncementStatus.DRAFT

    def audience_label(self) -> str:
        if self.audience_mode == AudienceMode.SUBTREE:
            return f"{self.org.name}及全部下级"
        parts = [f"{t.org.name}{'（含下级）' if t.include_subtree else ''}" for t in self.targets.all()]
        return "、".join(parts) or "未选择接收单位"


class AnnouncementTarget(models.Model):
    """One chosen receiving unit, optionally with its whole subtree."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="targets")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="接收单位")
    include_subtree = models.BooleanField("含全部下级", default=False)

    class Meta:
        ordering = ["org__path"]
        verbose_name = verbose_name_plural = "通知接收单位"
        constraints = [
            models.UniqueConstraint(fields=["announcement", "org"], name="announcementtarget_unique_org"),
        ]

    def __str__(self) -> str:
        return f"{self.org}{'（含下级）' if self.include_subtree else ''}"


class AnnouncementAttachment(ChangeLoggedModel):
    """A file sent with an announcement. Served only through the checked download view."""

    scope_kind = "org"
    scope_org_field = "announcement__org"
    changelog_exclude = ("file",)

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_upload_to, max_length=200, validators=[validate_attachment])
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小(字节)", default=0)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        default_permissions = ()
        verbose_name = verbose_name_plural = "通知附件"

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("notices:attachment_download", args=[self.pk])

    @property
    def size_label(self) -> str:
        return format_size(self.size)


class AnnouncementReceipt(models.Model):
    """阅读回执: written the first time a recipient opens a published announcement."""

    scope_kind = "org"
    scope_org_field = "announcement__org"

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("阅读时间", default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-read_at"]
        default_permissions = ()
        verbose_name = verbose_name_plural = "阅读回执"
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="announcementreceipt_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} 已读 {self.announcement}"


class MessageCategory(models.TextChoices):
    NOTICE = "notice", "通知"
    REMINDER = "reminder", "提醒"
    WARNING = "warning", "预警"
    SYSTEM = "system", "系统"


def validate_internal_link(value: str) -> None:
    if value and (not value.startswith("/") or value.startswith("//") or "\\" in value):
        raise ValidationError("消息链接只能是本系统内以 / 开头的地址。", code="external_link")


class Message(models.Model):
    """站内消息: one message to one user. Each user sees only their own (views filter recipient=user)."""

    scope_kind = "org"
    scope_org_field = "recipient__org"
    scope_owner_field = "recipient"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages", verbose_name="接收人"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True, validators=[validate_internal_link])
    category = models.CharField("类别", max_length=10, choices=MessageCategory.choices, default=MessageCategory.NOTICE)
    is_read = models.BooleanField("已读", default=False)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)
        verbose_name = verbose_name_plural = "站内消息"
        indexes = [models.Index(fields=["recipient", "is_read"], name="message_recipient_unread")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notices:message_detail", args=[self.pk])

    @property
    def safe_link(self) -> str:
        """The link, only if it stays inside this site (rows written without validation included)."""
        try:
            validate_internal_link(self.link)
        except ValidationError:
            return ""
        return self.link
