"""职工体检 (health checks): batches with a provider and a number of places, places allocated to unions,
appointments of registry members, and the exam vehicle's 送上门 stops at employers.

- ``HealthCheckBatch`` (体检批次): owned by the union that runs it (``org``), e.g. the city federation.
- ``HealthCheckAllocation``: the places (名额) given to one union of the owner's subtree; allocations do not
  nest, so each member falls under at most one allocation of a batch.
- ``HealthCheckAppointment``: one member's appointment under an allocation, owned by the member's union (so
  the grassroots union sees its own people and the ``health_checks`` source counts them there). One per
  person per batch (a partial unique index on the person's blind index, cancelled ones aside).
- ``ExamVehicleVisit`` (体检车送上门): a scheduled stop of the exam vehicle at an employer.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.models import ScopedModel


class EligibleGroup(models.TextChoices):
    FRONT_LINE = "front_line", "一线职工"
    MODEL_WORKER = "model_worker", "劳模（先进）"
    WOMEN = "women", "女职工"


#: 一线职工 without a declaration: the employment categories that are front-line work by nature
FRONT_LINE_CATEGORIES = ("migrant", "new_employment")


class BatchStatus(models.TextChoices):
    PLANNING = "planning", "筹备中"
    OPEN = "open", "预约中"
    CLOSED = "closed", "已结束"


class HealthCheckBatch(ScopedModel):
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField("批次名称", max_length=100, help_text="如 2026年一线职工健康体检（第一批）")
    provider = models.CharField("体检机构", max_length=100)
    provider_contact = models.CharField("机构联系人及电话", max_length=60, blank=True)
    package = models.CharField("体检项目", max_length=300, blank=True, help_text="如 血常规、肝功能、B超、心电图")
    start_on = models.DateField("体检开始日期")
    end_on = models.DateField("体检结束日期")
    total_slots = models.PositiveIntegerField("总名额", validators=[MinValueValidator(1)])
    eligible_categories = models.JSONField(
        "人员类别", default=list, blank=True, help_text="只限这些人员类别；不选为不限"
    )
    eligible_groups = models.JSONField(
        "体检对象", default=list, blank=True, help_text="符合其中任一项即可；不选为全体在会会员"
    )
    status = models.CharField("状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.PLANNING)
    note = models.CharField("备注", max_length=300, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "-start_on", "pk"]
        verbose_name = verbose_name_plural = "体检批次"
        constraints = [models.UniqueConstraint(fields=["org", "year", "name"], name="healthbatch_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:health_batch_detail", args=[self.pk])

    @property
    def eligibility_label(self) -> str:
        from gonghui.members.models import EmploymentCategory

        parts = []
        if self.eligible_categories:
            parts.append("、".join(EmploymentCategory(c).label for c in self.eligible_categories))
        if self.eligible_groups:
            parts.append("或".join(EligibleGroup(g).label for g in self.eligible_groups))
        return "；".join(parts) or "全体在会会员"

    def clean(self) -> None:
        from gonghui.members.models import EmploymentCategory

        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = "体检结束日期不能早于开始日期。"
        if self.year and self.start_on and self.start_on.year != self.year:
            errors["start_on"] = f"体检开始日期应在 {self.year} 年内。"
        bad = [c for c in self.eligible_categories or [] if c not in EmploymentCategory.values]
        if bad:
            errors["eligible_categories"] = f"人员类别「{'、'.join(map(str, bad))}」不存在。"
        bad = [g for g in self.eligible_groups or [] if g not in EligibleGroup.values]
        if bad:
            errors["eligible_groups"] = f"体检对象「{'、'.join(map(str, bad))}」不存在。"
        if errors:
            raise ValidationError(errors)


class HealthCheckAllocation(ScopedModel):
    batch = models.ForeignKey(HealthCheckBatch, on_delete=models.CASCADE, related_name="allocations")
    slots = models.PositiveIntegerField("名额", validators=[MinValueValidator(1)])
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["batch", "org__path"]
        verbose_name = verbose_name_plural = "体检名额分配"
        constraints = [models.UniqueConstraint(fields=["batch", "org"], name="healthalloc_one_per_union")]

    def __str__(self) -> str:
        return f"{self.org}（{self.slots} 人）"

    def get_absolute_url(self) -> str:
        return reverse("programmes:health_batch_detail", args=[self.batch_id]) + "#allocations"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    COMPLETED = "completed", "已体检"
    NO_SHOW = "no_show", "未到检"
    CANCELLED = "cancelled", "已取消"


#: the appointments that hold a place
HOLDING = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)


class HealthCheckAppointment(ScopedModel):
    pii_fields = ("person_index",)

    batch = models.ForeignKey(HealthCheckBatch, on_delete=models.PROTECT, related_name="appointments")
    allocation = models.ForeignKey(HealthCheckAllocation, on_delete=models.PROTECT, related_name="appointments")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="会员")
    #: the member's identity blind index: one person keeps one appointment per batch across transfers
    person_index = models.CharField(max_length=32, editable=False)
    scheduled_on = models.DateField("预约日期")
    front_line = models.BooleanField("一线岗位", default=False, help_text="由工会核实申报的一线岗位职工")
    job_post = models.CharField("岗位", max_length=60, blank=True)
    visit = models.ForeignKey(
        "ExamVehicleVisit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name="体检车站点",
    )
    status = models.CharField(
        "状态", max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED, db_index=True
    )
    completed_on = models.DateField("体检日期", null=True, blank=True, db_index=True)
    note = models.CharField("备注", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-scheduled_on", "pk"]
        verbose_name = verbose_name_plural = "体检预约"
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "person_index"],
                condition=~Q(status="cancelled"),
                name="healthappt_one_per_person_batch",
                violation_error_message="该职工在本批次已有预约，同一批次每人只能预约一次。",
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False)
                | (~Q(status="completed") & Q(completed_on__isnull=True)),
                name="healthappt_completed_on_iff_completed",
            ),
        ]
        indexes = [models.Index(fields=["allocation", "status"], name="healthappt_alloc_status")]

    def __str__(self) -> str:
        return f"{self.member.name} {self.batch.name}" if self.member_id and self.batch_id else "体检预约"

    def get_absolute_url(self) -> str:
        return reverse("programmes:health_batch_detail", args=[self.batch_id]) + "#appointments"


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已排期"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


class ExamVehicleVisit(ScopedModel):
    batch = models.ForeignKey(HealthCheckBatch, on_delete=models.CASCADE, related_name="visits")
    employer = models.ForeignKey("orgs.Employer", on_delete=models.PROTECT, related_name="+", verbose_name="用人单位")
    visit_on = models.DateField("到场日期")
    place = models.CharField("停靠地点", max_length=150)
    planned_count = models.PositiveIntegerField("计划体检人数", validators=[MinValueValidator(1)])
    examined_count = models.PositiveIntegerField("实际体检人数", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED)
    contact = models.CharField("单位联系人", max_length=30, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["visit_on", "pk"]
        verbose_name = verbose_name_plural = "体检车送检"

    def __str__(self) -> str:
        return f"{self.visit_on:%Y-%m-%d} {self.employer.name}" if self.employer_id and self.visit_on else "送检"

    def get_absolute_url(self) -> str:
        return reverse("programmes:health_batch_detail", args=[self.batch_id]) + "#visits"

    def clean(self) -> None:
        errors = {}
        batch = self.batch if self.batch_id else None
        if batch and self.visit_on and not batch.start_on <= self.visit_on <= batch.end_on:
            errors["visit_on"] = (
                f"到场日期应在本批次体检时间内（{batch.start_on:%Y-%m-%d} 至 {batch.end_on:%Y-%m-%d}）。"
            )
        if self.status == VisitStatus.DONE and self.examined_count is None:
            errors["examined_count"] = "送检完成后请填写实际体检人数。"
        if self.status == VisitStatus.SCHEDULED and self.examined_count is not None:
            errors["examined_count"] = "尚未完成的送检不填实际体检人数；已完成请把状态改为“已完成”。"
        if errors:
            raise ValidationError(errors)
