"""The honours registry (劳动模范, 先进工作者, 五一劳动奖章/奖状, 工人先锋号, 工匠, 金牌职工, 巾帼标兵岗) and
model workers' care (体检, 疗休养, 困难帮扶, 补充养老/劳模津贴).

- ``Honour``: one honour for one person (a member of the registry) or one collective, nominated by ``org``
  (推荐单位), moving 推荐 → 审核 → 公示 → 授予 (or 不予授予); historical honours are registered as awarded.
  Each step is an ``HonourStep`` row.
- ``CareRecord``: one benefit or care item for an awarded model worker, planned (``due_on``) and done
  (``done_on``); ``selectors_honours.care_due`` lists what is due.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from gonghui.core.models import ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.honours.models.common import Level, StepLog


class HonourKind(models.TextChoices):
    MODEL_WORKER = "model_worker", "劳动模范"
    ADVANCED_WORKER = "advanced_worker", "先进工作者"
    MAY_DAY_MEDAL = "may_day_medal", "五一劳动奖章"
    MAY_DAY_CERTIFICATE = "may_day_certificate", "五一劳动奖状"
    PIONEER = "pioneer", "工人先锋号"
    CRAFTSMAN = "craftsman", "工匠"
    GOLD_WORKER = "gold_worker", "金牌职工"
    WOMEN_POST = "women_post", "巾帼标兵岗"


#: honours given to one person (a member); the others go to a collective
PERSON_KINDS = (
    HonourKind.MODEL_WORKER,
    HonourKind.ADVANCED_WORKER,
    HonourKind.MAY_DAY_MEDAL,
    HonourKind.CRAFTSMAN,
    HonourKind.GOLD_WORKER,
)
#: the honours whose holders are model workers (劳模) entitled to care
CARE_KINDS = (HonourKind.MODEL_WORKER, HonourKind.ADVANCED_WORKER, HonourKind.MAY_DAY_MEDAL)


class HonourState(models.TextChoices):
    NOMINATED = "nominated", "已推荐"
    REVIEWING = "reviewing", "审核中"
    PUBLICISED = "publicised", "公示中"
    AWARDED = "awarded", "已授予"
    REJECTED = "rejected", "不予授予"


class Honour(ScopedModel):
    kind = models.CharField("荣誉类别", max_length=20, choices=HonourKind.choices)
    level = models.CharField("荣誉级别", max_length=12, choices=Level.choices)
    title = models.CharField(
        "荣誉称号", max_length=60, blank=True, help_text="如「常州市劳动模范」「金坛工匠」；留空按级别和类别显示"
    )
    year = models.PositiveSmallIntegerField("评选年度")
    awarding_body = models.CharField("授予机关", max_length=80, help_text="如「常州市人民政府」「江苏省总工会」")
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="获得者（个人）",
    )
    collective_name = models.CharField(
        "获得集体", max_length=120, blank=True, help_text="集体荣誉填写，如「某公司电气车间」"
    )
    employer = models.ForeignKey(
        "orgs.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在单位"
    )
    deeds = models.TextField("主要事迹")
    state = models.CharField(
        "状态", max_length=12, choices=HonourState.choices, default=HonourState.NOMINATED, editable=False
    )
    notice_start = models.DateField("公示开始", null=True, blank=True, editable=False)
    notice_end = models.DateField("公示结束", null=True, blank=True, editable=False)
    awarded_on = models.DateField("授予日期", null=True, blank=True, editable=False)
    certificate_no = models.CharField("证书编号", max_length=40, blank=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "kind", "pk"]
        verbose_name = verbose_name_plural = "荣誉"
        indexes = [models.Index(fields=["state", "awarded_on"], name="honour_state_awarded")]

    def __str__(self) -> str:
        return f"{self.holder_name}（{self.display_title}）"

    @property
    def holder_name(self) -> str:
        if self.kind in PERSON_KINDS:
            return self.member.name if self.member_id else "—"
        return self.collective_name

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        return f"{Level(self.level).label}{HonourKind(self.kind).label}" if self.level and self.kind else ""

    @property
    def is_personal(self) -> bool:
        return self.kind in PERSON_KINDS

    def get_absolute_url(self) -> str:
        return reverse("honours:honour_detail", args=[self.pk])

    def clean(self) -> None:
        if self.kind in PERSON_KINDS:
            if not self.member_id:
                raise ValidationError({"member": f"{HonourKind(self.kind).label}授予个人，请选择获得者（会员）。"})
            self.collective_name = ""
        elif self.kind:
            if not self.collective_name.strip():
                raise ValidationError({"collective_name": f"{HonourKind(self.kind).label}授予集体，请填写获得集体。"})
            self.member = None
        if self.year and not 1950 <= self.year <= 2100:
            raise ValidationError({"year": "评选年度应为四位年份，如 2026。"})


class HonourAction(models.TextChoices):
    NOMINATE = "nominate", "推荐"
    REGISTER = "register", "登记（已授予）"
    REVIEW = "review", "审核通过"
    PUBLICISE = "publicise", "公示"
    AWARD = "award", "授予"
    REJECT = "reject", "不予授予"


class HonourStep(StepLog):
    scope_kind = "org"
    scope_org_field = "honour__org"

    honour = models.ForeignKey(Honour, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("操作", max_length=10, choices=HonourAction.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta(StepLog.Meta):
        verbose_name = verbose_name_plural = "荣誉评选记录"

    def __str__(self) -> str:
        return self.get_action_display()


class CareKind(models.TextChoices):
    HEALTH_CHECK = "health_check", "年度健康体检"
    RECUPERATION = "recuperation", "疗休养"
    HARDSHIP_SUBSIDY = "hardship_subsidy", "困难帮扶补助"
    PENSION = "pension", "补充养老保险/劳模津贴"
    VISIT = "visit", "走访慰问"


#: care every model worker is due once a year
ANNUAL_CARE = (CareKind.HEALTH_CHECK, CareKind.RECUPERATION)


class CareRecord(ScopedModel):
    honour = models.ForeignKey(Honour, on_delete=models.PROTECT, related_name="care", verbose_name="劳模荣誉")
    kind = models.CharField("待遇/关爱项目", max_length=20, choices=CareKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    due_on = models.DateField("计划日期")
    done_on = models.DateField("落实日期", null=True, blank=True)
    amount = models.DecimalField("金额(元)", max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["due_on", "pk"]
        verbose_name = verbose_name_plural = "劳模待遇落实"

    def __str__(self) -> str:
        return f"{self.honour.holder_name} {self.year}年{self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("honours:honour_detail", args=[self.honour_id]) + "#care"

    def clean(self) -> None:
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": "金额不能为负数。"})
        if self.due_on and self.year and self.due_on.year != self.year:
            raise ValidationError({"due_on": f"计划日期应在 {self.year} 年内，请核对年度或计划日期。"})
