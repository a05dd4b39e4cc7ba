"""Industrial-worker reform (产改, 产业工人队伍建设改革).

- ``PilotEnterprise``: an employer designated as a pilot in a batch (第 N 批), kept by ``org`` (its union or the
  federation that follows it), with its own plan (一企一策) as a checklist of ``ReformMeasure`` rows and its
  feature (一企一特色).
- ``PilotLiaison``: a federation staff member paired with a pilot (挂点联系).
- ``DemoSite``: a demonstration site (产改示范点) named at a level.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from gonghui.core.models import ChangeLoggedModel, ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.honours.models.common import Level


class PilotStatus(models.TextChoices):
    PILOTING = "piloting", "试点中"
    ACCEPTED = "accepted", "已验收"
    WITHDRAWN = "withdrawn", "已退出"


class PilotEnterprise(ScopedModel):
    employer = models.OneToOneField(
        "orgs.Employer", on_delete=models.PROTECT, related_name="+", verbose_name="试点企业"
    )
    batch = models.PositiveSmallIntegerField("批次", help_text="第几批试点，如 2")
    designated_on = models.DateField("确定日期")
    feature = models.CharField("一企一特色", max_length=120, blank=True, help_text="如「金蓝领技能提升计划」")
    status = models.CharField("状态", max_length=10, choices=PilotStatus.choices, default=PilotStatus.PILOTING)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["batch", "pk"]
        verbose_name = verbose_name_plural = "产改试点企业"

    def __str__(self) -> str:
        return self.employer.name if self.employer_id else "产改试点企业"

    def get_absolute_url(self) -> str:
        return reverse("honours:pilot_detail", args=[self.pk])

    def clean(self) -> None:
        if self.batch is not None and not 1 <= self.batch <= 99:
            raise ValidationError({"batch": "批次应为 1 到 99 之间的整数。"})


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


class ReformMeasure(ChangeLoggedModel):
    """One measure of a pilot's 一企一策 plan."""

    scope_kind = "org"
    scope_org_field = "pilot__org"

    pilot = models.ForeignKey(PilotEnterprise, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField("改革举措", max_length=200)
    due_on = models.DateField("完成时限")
    status = models.CharField("进展", max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.NOT_STARTED)
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("进展情况", max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["due_on", "pk"]
        verbose_name = verbose_name_plural = "一企一策改革举措"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.status == MeasureStatus.DONE and not self.done_on:
            raise ValidationError({"done_on": "已完成的举措请填写完成日期。"})
        if self.status != MeasureStatus.DONE:
            self.done_on = None


class PilotLiaison(ChangeLoggedModel):
    """挂点联系: a federation staff member follows a pilot from ``since`` (to ``until``)."""

    scope_kind = "org"
    scope_org_field = "pilot__org"

    pilot = models.ForeignKey(PilotEnterprise, on_delete=models.CASCADE, related_name="liaisons")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="联系人"
    )
    since = models.DateField("挂点开始")
    until = models.DateField("挂点结束", null=True, blank=True)
    note = models.CharField("联系内容", max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["-since", "pk"]
        verbose_name = verbose_name_plural = "挂点联系"

    def __str__(self) -> str:
        return f"{self.staff} 挂点 {self.pilot}"


class DemoSite(ScopedModel):
    name = models.CharField("示范点名称", max_length=120)
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    employer = models.ForeignKey(
        "orgs.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在企业"
    )
    named_on = models.DateField("命名日期")
    named_by = models.CharField("命名单位", max_length=80)
    description = models.TextField("示范内容", blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-named_on", "pk"]
        verbose_name = verbose_name_plural = "产改示范点"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("honours:demo_site_detail", args=[self.pk])
