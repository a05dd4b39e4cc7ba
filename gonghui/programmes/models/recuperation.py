"""疗休养 (recuperation): a yearly quota of places per union, routes with their dated groups, participants.

- ``RecuperationQuota``: the number of people a union (and its subtree) may send in a year.
- ``RecuperationRoute`` (线路): name, destination, days; owned by the organising union.
- ``RecuperationGroup`` (批次/期): one dated departure of a route with its capacity. A group may allow people
  who already went this year (``allow_repeat`` with a reason, e.g. 劳模专场).
- ``RecuperationParticipant``: one member in one group, owned by the member's union. 劳模/先进 first, then
  front-line workers. No person twice in a year: a partial unique index on (year, person) over the rows that
  are not cancelled and carry no allowed exception.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.models import ScopedModel


class RecuperationQuota(ScopedModel):
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quota = models.PositiveIntegerField("名额(人)", validators=[MinValueValidator(1)])
    note = models.CharField("备注", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "org__path"]
        verbose_name = verbose_name_plural = "疗休养名额"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="recuquota_one_per_union_year")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年（{self.quota} 人）"

    def get_absolute_url(self) -> str:
        return reverse("programmes:recuperation_quota_list") + f"?year={self.year}"


class RecuperationRoute(ScopedModel):
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField("线路名称", max_length=100, help_text="如 溧阳天目湖疗休养线路")
    destination = models.CharField("目的地", max_length=100)
    days = models.PositiveSmallIntegerField("天数", validators=[MinValueValidator(1), MaxValueValidator(30)])
    provider = models.CharField("承接单位", max_length=100, blank=True, help_text="疗休养基地或旅行社")
    description = models.TextField("行程安排", blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "name", "pk"]
        verbose_name = verbose_name_plural = "疗休养线路"
        constraints = [models.UniqueConstraint(fields=["org", "year", "name"], name="recuroute_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:recuperation_route_detail", args=[self.pk])


class RecuperationGroup(ScopedModel):
    route = models.ForeignKey(RecuperationRoute, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("批次", max_length=40, help_text="如 第1期")
    start_on = models.DateField("出发日期")
    end_on = models.DateField("返回日期")
    capacity = models.PositiveIntegerField("人数上限", validators=[MinValueValidator(1)])
    allow_repeat = models.BooleanField("允许本年度已参加者再次参加", default=False, help_text="如劳模专场；须写明理由")
    repeat_reason = models.CharField("允许理由", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["start_on", "pk"]
        verbose_name = verbose_name_plural = "疗休养批次"
        constraints = [models.UniqueConstraint(fields=["route", "name"], name="recugroup_unique_name")]

    def __str__(self) -> str:
        return f"{self.route.name} {self.name}" if self.route_id else self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:recuperation_route_detail", args=[self.route_id]) + "#groups"

    def clean(self) -> None:
        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = "返回日期不能早于出发日期。"
        route = self.route if self.route_id else None
        if route and self.start_on and self.start_on.year != route.year:
            errors["start_on"] = f"出发日期应在线路的年度（{route.year} 年）内。"
        if self.allow_repeat and not (self.repeat_reason or "").strip():
            errors["repeat_reason"] = "允许本年度已参加者再次参加时，请写明理由。"
        if not self.allow_repeat:
            self.repeat_reason = ""
        if errors:
            raise ValidationError(errors)


class Priority(models.TextChoices):
    MODEL_WORKER = "model_worker", "劳模（先进）"
    FRONT_LINE = "front_line", "一线职工"
    OTHER = "other", "其他职工"


#: lower sorts first
PRIORITY_ORDER = {Priority.MODEL_WORKER: 0, Priority.FRONT_LINE: 1, Priority.OTHER: 2}


class ParticipantStatus(models.TextChoices):
    APPLIED = "applied", "已报名"
    CONFIRMED = "confirmed", "已确认"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"


class RecuperationParticipant(ScopedModel):
    pii_fields = ("person_index",)

    group = models.ForeignKey(RecuperationGroup, on_delete=models.PROTECT, related_name="participants")
    year = models.PositiveSmallIntegerField("年度", editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="会员")
    person_index = models.CharField(max_length=32, editable=False)
    priority = models.CharField("优先类别", max_length=14, choices=Priority.choices, default=Priority.OTHER)
    priority_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    honour = models.ForeignKey(
        "honours.Honour",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="劳模荣誉",
        editable=False,
    )
    status = models.CharField(
        "状态", max_length=10, choices=ParticipantStatus.choices, default=ParticipantStatus.APPLIED, db_index=True
    )
    completed_on = models.DateField("完成日期", null=True, blank=True, db_index=True)
    repeat_allowed = models.BooleanField("例外：允许本年度再次参加", default=False)
    repeat_reason = models.CharField("例外理由", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["priority_rank", "pk"]
        verbose_name = verbose_name_plural = "疗休养人员"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "person_index"],
                condition=~Q(status="cancelled") & Q(repeat_allowed=False),
                name="recupart_once_a_year",
                violation_error_message="该职工本年度已参加（或已报名）疗休养，同一人一年只能参加一次。",
            ),
            models.UniqueConstraint(
                fields=["group", "person_index"],
                condition=~Q(status="cancelled"),
                name="recupart_once_per_group",
                violation_error_message="该职工已在本批次名单中。",
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False)
                | (~Q(status="completed") & Q(completed_on__isnull=True)),
                name="recupart_completed_on_iff_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} {self.group}" if self.member_id and self.group_id else "疗休养人员"

    def get_absolute_url(self) -> str:
        return reverse("programmes:recuperation_route_detail", args=[self.group.route_id]) + "#participants"
