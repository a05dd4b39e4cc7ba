"""Innovation studios (劳模创新工作室 / 职工创新工作室 / 工匠创新工作室).

A studio belongs to ``org`` (the union of the unit where it works), is named at a level on ``named_on``, has a
leader and members from the member registry, records its achievements (patents, awards, savings) and is
reviewed once a year; a studio that fails review or closes is revoked (摘牌) and stops counting.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from gonghui.core.models import ChangeLoggedModel, ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.honours.models.common import Level


class StudioKind(models.TextChoices):
    MODEL_WORKER = "model_worker", "劳模创新工作室"
    WORKER = "worker", "职工创新工作室"
    CRAFTSMAN = "craftsman", "工匠创新工作室"


class StudioStatus(models.TextChoices):
    ACTIVE = "active", "已命名"
    REVOKED = "revoked", "已摘牌"


class InnovationStudio(ScopedModel):
    name = models.CharField("工作室名称", max_length=100)
    kind = models.CharField("工作室类别", max_length=14, choices=StudioKind.choices)
    level = models.CharField("命名级别", max_length=12, choices=Level.choices)
    employer = models.ForeignKey(
        "orgs.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在单位"
    )
    leader = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="领办人（带头人）"
    )
    members = models.ManyToManyField("members.Member", blank=True, related_name="+", verbose_name="团队成员")
    field = models.CharField("创新领域", max_length=100, help_text="如「数控加工」「电力检修」")
    named_on = models.DateField("命名日期")
    named_by = models.CharField("命名单位", max_length=80, help_text="如「常州市总工会」")
    status = models.CharField(
        "状态", max_length=8, choices=StudioStatus.choices, default=StudioStatus.ACTIVE, editable=False
    )
    revoked_on = models.DateField("摘牌日期", null=True, blank=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-named_on", "pk"]
        verbose_name = verbose_name_plural = "创新工作室"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("honours:studio_detail", args=[self.pk])


class AchievementKind(models.TextChoices):
    PATENT = "patent", "专利"
    AWARD = "award", "获奖"
    SAVING = "saving", "创效/节约"
    INNOVATION = "innovation", "技术革新/攻关"
    TRAINING = "training", "带徒/培训"


class StudioAchievement(ChangeLoggedModel):
    scope_kind = "org"
    scope_org_field = "studio__org"

    studio = models.ForeignKey(InnovationStudio, on_delete=models.CASCADE, related_name="achievements")
    kind = models.CharField("成果类别", max_length=12, choices=AchievementKind.choices)
    title = models.CharField("成果名称", max_length=120)
    achieved_on = models.DateField("取得日期")
    reference = models.CharField("专利号/获奖名称", max_length=80, blank=True)
    amount = models.DecimalField(
        "创效金额(元)", max_digits=14, decimal_places=2, null=True, blank=True, help_text="创效/节约类填写"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["-achieved_on", "pk"]
        verbose_name = verbose_name_plural = "工作室成果"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": "金额不能为负数。"})
        if self.kind == AchievementKind.SAVING and self.amount is None:
            raise ValidationError({"amount": "创效/节约类成果请填写创效金额。"})


class ReviewRating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    UNQUALIFIED = "unqualified", "不合格"


class StudioReview(ChangeLoggedModel):
    """The yearly review (年度考核) of a studio."""

    scope_kind = "org"
    scope_org_field = "studio__org"

    studio = models.ForeignKey(InnovationStudio, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField("考核年度")
    rating = models.CharField("考核结果", max_length=12, choices=ReviewRating.choices)
    reviewed_on = models.DateField("考核日期")
    comments = models.CharField("考核意见", max_length=500, blank=True)
    reviewer = models.CharField("考核单位", max_length=80)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["-year", "pk"]
        verbose_name = verbose_name_plural = "工作室年度考核"
        constraints = [models.UniqueConstraint(fields=["studio", "year"], name="studio_review_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year}年度考核：{self.get_rating_display()}"
