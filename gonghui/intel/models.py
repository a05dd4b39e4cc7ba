"""Stored work reports (工作材料) and the figures read from them.

- ``Document`` is one report a union uploaded or pasted for a period (year + quarter): the original file,
  the cleaned Simplified body, the metadata the library read, and the jieba tokens full-text search uses.
- ``Fact`` is one figure the library found in the body, mapped to a catalog indicator, with its evidence
  (``body[start:end]``). A person confirms, corrects or drops each one; confirmed actual figures prefill
  the unit's quarterly report (``services.prefill_quarterly_report``).
- ``PrefilledValue`` remembers which quarterly report value was filled from confirmed figures and with
  what number, so a later confirmation refreshes it while a number the unit typed itself is left alone.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import ChangeLoggedModel, ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.targets.models import VALUE_DIGITS
from gonghui.utilities.periods import Period

#: what the library reads (``gonghui.intel.extract.extract_bytes``)
DOCUMENT_EXTENSIONS = ("txt", "html", "htm", "docx")
DOCUMENT_TYPES_LABEL = "txt、html、htm、docx"
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_document_file(file) -> None:
    name = PurePath(getattr(file, "name", "") or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            f"文件「{name}」的类型不支持：只能上传 {DOCUMENT_TYPES_LABEL} 格式的工作材料；"
            "doc 或 pdf 文件请另存为 docx 或 txt 后再上传。",
            code="document_type",
        )
    size = getattr(file, "size", 0) or 0
    if size > DOCUMENT_MAX_BYTES:
        raise ValidationError(f"文件「{name}」超过 10 MB 的上限，请拆分后再上传。", code="document_size")


def document_upload_to(instance: Document, filename: str) -> str:
    # A random stored name: the user's file name (kept in original_name) never reaches the file system.
    extension = PurePath(filename).suffix.lower()
    return f"intel/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class DocumentSource(models.TextChoices):
    UPLOAD = "upload", "上传文件"
    PASTE = "paste", "粘贴文本"
    BATCH = "batch", "批量上传"


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "待读取"
    FAILED = "failed", "读取失败"
    PENDING = "pending", "待确认"
    REVIEWED = "reviewed", "已确认"


class Document(ScopedModel):
    """工作材料: one report of ``org`` (the reporting unit) for one quarter."""

    # body and tokens are large and derived from the file; the log keeps who changed what else.
    changelog_exclude = ("body", "search_tokens", "file")

    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField("季度", validators=[MinValueValidator(1), MaxValueValidator(4)])
    title = models.CharField("标题", max_length=200)
    source = models.CharField("来源", max_length=8, choices=DocumentSource.choices, default=DocumentSource.UPLOAD)
    status = models.CharField("状态", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING)
    error = models.CharField("读取失败原因", max_length=300, blank=True)
    file = models.FileField(
        "原始文件", upload_to=document_upload_to, validators=[validate_document_file], blank=True, max_length=200
    )
    original_name = models.CharField("文件名", max_length=200, blank=True)
    size = models.PositiveIntegerField("大小", default=0)
    script = models.CharField("原文字体", max_length=4, blank=True, help_text="hans 简体 / hant 繁体")
    date = models.DateField("日期", null=True, blank=True)
    date_kind = models.CharField("日期类型", max_length=10, blank=True)
    region = models.CharField("地区", max_length=60, blank=True)
    stated_org = models.CharField("文中报告单位", max_length=120, blank=True)
    body = models.TextField("正文", blank=True)
    #: the body segmented by jieba: " token token … " (every distinct token once, lower case)
    search_tokens = models.TextField(editable=False, blank=True)
    reviewed_at = models.DateTimeField("确认时间", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "-quarter", "-created_at", "-pk"]
        verbose_name = verbose_name_plural = "工作材料"
        indexes = [
            models.Index(fields=["org", "year", "quarter"], name="intel_doc_org_period"),
            models.Index(fields=["year", "quarter", "status"], name="intel_doc_period_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("intel:document_detail", args=[self.pk])

    @property
    def period(self) -> Period:
        return Period.quarter_of(self.year, self.quarter)


class FactKind(models.TextChoices):
    ACTUAL = "actual", "完成数"
    TARGET = "target", "目标数"


class FactStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    DROPPED = "dropped", "已舍弃"


class Fact(ChangeLoggedModel):
    """One figure read from a document; ``extracted`` keeps what the library said before any correction."""

    scope_kind = "org"
    scope_org_field = "document__org"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="facts")
    indicator = models.ForeignKey("targets.Indicator", on_delete=models.PROTECT, related_name="+", verbose_name="指标")
    value = models.DecimalField("数值", **VALUE_DIGITS, validators=[MinValueValidator(0)])
    unit = models.CharField("计量单位", max_length=10, blank=True)
    approx = models.BooleanField("约数", default=False)
    kind = models.CharField("类型", max_length=6, choices=FactKind.choices, default=FactKind.ACTUAL)
    cumulative = models.BooleanField("累计数", default=False)
    component = models.BooleanField("分项数", default=False)
    evidence = models.CharField("原文", max_length=300)
    start = models.PositiveIntegerField("起始位置")
    end = models.PositiveIntegerField("结束位置")
    status = models.CharField("状态", max_length=10, choices=FactStatus.choices, default=FactStatus.PENDING)
    extracted = models.JSONField("提取结果", default=dict, blank=True, editable=False)
    #: the quarterly report value this confirmed figure fed or is shown beside
    report_value = models.ForeignKey(
        "targets.ReportValue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField("确认时间", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["document", "start", "pk"]
        verbose_name = verbose_name_plural = "材料数值"
        indexes = [models.Index(fields=["indicator", "status"], name="intel_fact_indicator_status")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}（{self.evidence}）"

    def clean(self) -> None:
        if self.end < self.start:
            raise ValidationError({"end": "原文结束位置不能早于起始位置。"})

    @property
    def is_corrected(self) -> bool:
        original = self.extracted or {}
        if not original:
            return False
        return (
            original.get("indicator") != getattr(self.indicator, "key", None)
            or str(original.get("value")) != format(self.value.normalize(), "f")
            or original.get("kind") != self.kind
        )


class PrefilledValue(models.Model):
    """A quarterly report value filled in from confirmed figures, and the number that was filled in."""

    scope_kind = "org"
    scope_org_field = "report_value__report__org"

    report_value = models.OneToOneField("targets.ReportValue", on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField("填入数值", **VALUE_DIGITS)
    filled_at = models.DateTimeField("填入时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        verbose_name = verbose_name_plural = "季度报表预填数值"

    def __str__(self) -> str:
        return f"{self.report_value_id}: {self.value}"
