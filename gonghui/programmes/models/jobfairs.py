"""就业服务: job fairs (招聘会) with their three reported figures, and the employers that took part.

A fair's figures — positions offered (提供岗位), applicants (应聘), intentions reached (达成就业意向) — are
entered on the fair, or, once employer rows are entered or imported, kept as the sums of those rows (the
services recompute them), so the fair and its employers never disagree.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from gonghui.core.models import ScopedModel
from gonghui.utilities.validators import validate_region_code

MAX_FIGURE = 10_000_000


class FairMode(models.TextChoices):
    OFFLINE = "offline", "线下"
    ONLINE = "online", "线上"
    HYBRID = "hybrid", "线上线下结合"


class FairStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


def _figure(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0, validators=[MaxValueValidator(MAX_FIGURE)])


class JobFair(ScopedModel):
    name = models.CharField("招聘会名称", max_length=120, help_text="如 “工会送岗位 乐业在江淮”春风行动专场招聘会")
    mode = models.CharField("举办形式", max_length=8, choices=FairMode.choices, default=FairMode.OFFLINE)
    held_on = models.DateField("举办日期", db_index=True)
    ends_on = models.DateField("结束日期", null=True, blank=True, help_text="多日或线上持续举办时填写")
    organiser = models.CharField("主办单位", max_length=120, help_text="如 市总工会、市人社局")
    venue = models.CharField("地点/平台", max_length=200, blank=True, help_text="线下填场馆地址，线上填平台名称")
    region_code = models.CharField(
        "行政区划代码", max_length=6, blank=True, validators=[validate_region_code], help_text="六位 GB/T 2260 代码"
    )
    status = models.CharField("状态", max_length=10, choices=FairStatus.choices, default=FairStatus.HELD, db_index=True)
    positions = _figure("提供岗位数")
    applicants = _figure("应聘人数")
    intents = _figure("达成就业意向人数")
    remark = models.CharField("备注", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-held_on", "-pk"]
        verbose_name = verbose_name_plural = "招聘会"
        constraints = [
            models.UniqueConstraint(fields=["org", "held_on", "name"], name="jobfair_unique_name_per_day"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:jobfair_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        today = datetime.date.today()
        if self.held_on and self.ends_on and self.ends_on < self.held_on:
            errors["ends_on"] = "结束日期不能早于举办日期。"
        if self.status == FairStatus.HELD and self.held_on and self.held_on > today:
            errors["status"] = "举办日期在今天之后的招聘会，状态请选“筹备中”。"
        if self.status != FairStatus.HELD and (self.positions or self.applicants or self.intents):
            errors["status"] = "只有“已举办”的招聘会才能填写岗位、应聘和达成意向数。"
        if self.intents > self.applicants:
            errors["intents"] = f"达成就业意向人数（{self.intents}）不能多于应聘人数（{self.applicants}）。"
        if self.mode == FairMode.OFFLINE and not self.venue.strip():
            errors["venue"] = "线下招聘会请填写举办地点。"
        if errors:
            raise ValidationError(errors)


class JobFairEmployer(ScopedModel):
    """One employer at a fair (参会单位): a registered one (``employer``) or, when it is not registered, a name."""

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="employers", verbose_name="招聘会")
    employer = models.ForeignKey(
        "orgs.Employer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="已登记的用人单位",
    )
    employer_name = models.CharField("参会单位", max_length=100)
    positions = _figure("提供岗位数")
    applicants = _figure("应聘人数")
    intents = _figure("达成意向人数")
    remark = models.CharField("备注", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["fair", "-positions", "employer_name", "pk"]
        verbose_name = verbose_name_plural = "招聘会参会单位"
        constraints = [
            models.UniqueConstraint(fields=["fair", "employer_name"], name="jobfair_employer_once_per_fair"),
        ]

    def __str__(self) -> str:
        return self.employer_name

    def get_absolute_url(self) -> str:
        return reverse("programmes:jobfair_detail", args=[self.fair_id]) + f"#employer-{self.pk}"

    def clean(self) -> None:
        errors = {}
        if not self.employer_name.strip():
            errors["employer_name"] = "请填写参会单位名称，或选择已登记的用人单位。"
        if self.intents > self.applicants:
            errors["intents"] = f"达成意向人数（{self.intents}）不能多于应聘人数（{self.applicants}）。"
        if errors:
            raise ValidationError(errors)
