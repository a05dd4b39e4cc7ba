"""Statistics annual returns (统计年报).

- ``ReturnCampaign``: one statistics year (1 October of the year before – 30 September), opened by a
  federation (usually the city) with a deadline; every unit of its subtree that files a return gets one.
- ``UnitReturn``: one unit's return in a campaign, on one of the two forms (``returns.FORMS``): the grassroots
  form for grassroots and joint unions, the above-grassroots form for federations, towns, parks, industrial
  unions and alliances. Workflow 未开始 → 填报中 → 已上报 → 已审核, or → 已退回 → 已上报 again.
- ``ReturnValue``: one field of a return: the figure the records give (snapshot at compile time), the figure
  after accepted sub-units' corrections flowed in, and the unit's correction with its mandatory reason.
- ``ReturnLog``: the workflow and correction history.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from gonghui.core.models import ScopedModel
from gonghui.core.querysets import RestrictedQuerySet

VALUE_DIGITS = {"max_digits": 18, "decimal_places": 4}


def statistics_window(year: int) -> tuple[datetime.date, datetime.date]:
    """统计年度 N: 1 October N-1 to 30 September N."""
    return datetime.date(year - 1, 10, 1), datetime.date(year, 9, 30)


class CampaignStatus(models.TextChoices):
    OPEN = "open", "填报中"
    CLOSED = "closed", "已结束"


class ReturnCampaign(ScopedModel):
    """统计年报任务: ``org`` is the opening federation; its whole subtree files."""

    year = models.PositiveSmallIntegerField("统计年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField("任务名称", max_length=100)
    period_start = models.DateField("统计期起", editable=False)
    period_end = models.DateField("统计期止", editable=False)
    deadline = models.DateField("报送截止日期")
    status = models.CharField("状态", max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    note = models.TextField("填报说明", blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "org__path"]
        verbose_name = verbose_name_plural = "统计年报任务"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="return_campaign_one_per_org_year")]

    def __str__(self) -> str:
        return self.title or f"{self.year}年统计年报"

    def get_absolute_url(self) -> str:
        return reverse("reports:campaign_detail", args=[self.pk])

    def clean(self) -> None:
        if self.year:
            self.period_start, self.period_end = statistics_window(self.year)
            if self.deadline and self.deadline <= self.period_end:
                raise ValidationError(
                    {"deadline": f"报送截止日期应在统计期结束（{self.period_end:%Y-%m-%d}）之后，请重新选择。"}
                )

    @property
    def org_name(self) -> str:
        return self.org.name

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%Y年%-m月%-d日}—{self.period_end:%Y年%-m月%-d日}"


class ReturnStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    FILLING = "filling", "填报中"
    SUBMITTED = "submitted", "已上报"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已审核"


class ReturnForm(models.TextChoices):
    GRASSROOTS = "grassroots", "基层工会统计表"
    ABOVE = "above", "县以上工会统计表"


class UnitReturn(ScopedModel):
    """One unit's annual return in a campaign (``org`` is the filing unit)."""

    campaign = models.ForeignKey(
        ReturnCampaign, on_delete=models.CASCADE, related_name="returns", verbose_name="年报任务"
    )
    form = models.CharField("报表", max_length=12, choices=ReturnForm.choices)
    status = models.CharField(
        "状态", max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.NOT_STARTED, db_index=True
    )
    compiled_at = models.DateTimeField("计算时间", null=True, blank=True, editable=False)
    preparer_name = models.CharField("填报人", max_length=40, blank=True)
    preparer_phone = models.CharField("联系电话", max_length=20, blank=True)
    head_name = models.CharField("单位负责人", max_length=40, blank=True)
    missing_note = models.CharField("缺报说明", max_length=500, blank=True)
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    reviewer_name = models.CharField("审核人", max_length=150, blank=True, editable=False)
    review_comment = models.CharField("审核意见", max_length=500, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["campaign", "org__path"]
        verbose_name = verbose_name_plural = "统计年报"
        constraints = [models.UniqueConstraint(fields=["campaign", "org"], name="unit_return_one_per_campaign")]
        indexes = [models.Index(fields=["campaign", "status"], name="unit_return_campaign_status")]

    def __str__(self) -> str:
        return f"{self.org} {self.campaign.year}年{self.get_form_display()}"

    def get_absolute_url(self) -> str:
        return reverse("reports:return_detail", args=[self.pk])

    @property
    def org_name(self) -> str:
        return self.org.name

    @property
    def year(self) -> int:
        return self.campaign.year

    @property
    def is_editable(self) -> bool:
        return self.status in (ReturnStatus.NOT_STARTED, ReturnStatus.FILLING, ReturnStatus.RETURNED)

    @property
    def is_late(self) -> bool:
        from django.utils import timezone

        if self.submitted_at:
            return timezone.localdate(self.submitted_at) > self.campaign.deadline
        return self.status != ReturnStatus.ACCEPTED and timezone.localdate() > self.campaign.deadline


class ReturnValue(models.Model):
    """One field of a return. Numbers in the ``*_value`` columns, text (names, dates, choices) in ``*_text``.

    ``records_value`` — from the records over the unit's subtree at compile time;
    ``computed_value`` — the same plus the net corrections of accepted sub-unit returns (what the system proposes);
    ``corrected_value`` — the unit's own correction (with ``correction_reason``), or a hand-entered figure (填报);
    ``final_value`` — what the return reports: the correction if any, otherwise the computed figure.

    Not change-logged row by row (compiling rewrites every row); corrections write a change record and a log row.
    """

    scope_kind = "org"
    scope_org_field = "unit_return__org"

    unit_return = models.ForeignKey(UnitReturn, on_delete=models.CASCADE, related_name="values")
    code = models.CharField("代码", max_length=8)
    is_manual = models.BooleanField("填报", default=False)
    records_value = models.DecimalField("记录值", **VALUE_DIGITS, null=True, blank=True)
    computed_value = models.DecimalField("系统计算值", **VALUE_DIGITS, null=True, blank=True)
    corrected_value = models.DecimalField("更正值", **VALUE_DIGITS, null=True, blank=True)
    final_value = models.DecimalField("报送值", **VALUE_DIGITS, null=True, blank=True)
    computed_text = models.CharField("系统值（文字）", max_length=200, blank=True)
    corrected_text = models.CharField("更正值（文字）", max_length=200, blank=True)
    is_corrected = models.BooleanField("已更正", default=False)
    correction_reason = models.CharField("更正原因", max_length=300, blank=True)
    corrected_by_name = models.CharField("更正人", max_length=150, blank=True)
    corrected_at = models.DateTimeField("更正时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["unit_return", "pk"]
        verbose_name = verbose_name_plural = "统计年报数值"
        constraints = [models.UniqueConstraint(fields=["unit_return", "code"], name="return_value_unique")]
        indexes = [models.Index(fields=["code", "unit_return"], name="return_value_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.final_value if self.final_value is not None else self.final_text}"

    @property
    def final_text(self) -> str:
        return self.corrected_text if self.is_corrected else self.computed_text

    @property
    def delta(self) -> Decimal:
        """What the unit's report differs from the records by (its own and its sub-units' corrections)."""
        if self.final_value is None or self.records_value is None:
            return Decimal(0)
        return self.final_value - self.records_value


class ReturnAction(models.TextChoices):
    COMPILE = "compile", "计算"
    CORRECT = "correct", "更正"
    FILL = "fill", "填报"
    SAVE = "save", "保存"
    SUBMIT = "submit", "上报"
    ACCEPT = "accept", "审核通过"
    RETURN = "return", "退回"
    URGE = "urge", "催报"


class ReturnLog(models.Model):
    """Who did what to a return, when, why; corrections carry the field code and both values."""

    scope_kind = "org"
    scope_org_field = "unit_return__org"

    unit_return = models.ForeignKey(UnitReturn, on_delete=models.CASCADE, related_name="log")
    action = models.CharField("操作", max_length=10, choices=ReturnAction.choices)
    code = models.CharField("代码", max_length=8, blank=True)
    before = models.CharField("原值", max_length=200, blank=True)
    after = models.CharField("新值", max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user_name = models.CharField("操作人", max_length=150, blank=True)
    time = models.DateTimeField("时间", auto_now_add=True)
    comment = models.CharField("意见/原因", max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["time", "pk"]
        verbose_name = verbose_name_plural = "统计年报操作记录"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.user_name}"
