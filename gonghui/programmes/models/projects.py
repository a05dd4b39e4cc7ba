"""民生实事 (livelihood projects): a public commitment with a number, a unit, a deadline and a data source."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from gonghui.core.models import ScopedModel


class LivelihoodProject(ScopedModel):
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)], db_index=True)
    title = models.CharField("项目名称", max_length=120, help_text="如 新建提升200家户外劳动者驿站")
    target_value = models.DecimalField("目标数", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField("计量单位", max_length=10, help_text="如 家、人、个")
    deadline = models.DateField("完成时限")
    indicator = models.ForeignKey(
        "targets.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="数据来源指标",
        help_text="选系统计算的指标，进度直接来自业务记录；不选或选填报指标时，由经办人填报完成数",
    )
    reported_value = models.DecimalField(
        "填报完成数", max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    reported_on = models.DateField("填报截至日期", null=True, blank=True)
    department = models.CharField("牵头部门", max_length=50, blank=True)
    description = models.TextField("项目内容", blank=True)
    is_public = models.BooleanField("对外公开进度", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "sort", "pk"]
        verbose_name = verbose_name_plural = "民生实事"
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "title"], name="livelihood_unique_title_per_year")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:project_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.year and self.deadline and self.deadline.year != self.year:
            errors["deadline"] = f"完成时限应在 {self.year} 年内。"
        if self.target_value is not None and self.target_value <= 0:
            errors["target_value"] = "目标数应大于 0。"
        if self.reported_on and self.reported_on > datetime.date.today():
            errors["reported_on"] = "填报截至日期不能晚于今天。"
        if self.reported_value is not None and not self.reported_on:
            errors["reported_on"] = "填报完成数时请写明截至哪一天。"
        # 家 and 个 both count places; any other difference from the indicator's unit is a mismatch.
        if (
            self.indicator_id
            and self.indicator.unit
            and self.unit
            and self.indicator.unit != self.unit
            and {self.indicator.unit, self.unit} != {"个", "家"}
        ):
            errors["unit"] = f"计量单位与指标「{self.indicator}」的单位（{self.indicator.unit}）不一致。"
        if errors:
            raise ValidationError(errors)
