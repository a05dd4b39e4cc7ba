"""职工服务中心, 职工之家, 工人文化宫, 妈妈小屋, 职工文体中心: a registry with construction status, so the
"文化宫建设" progress is a list with dates rather than a paragraph."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from gonghui.core.models import ScopedModel
from gonghui.utilities.validators import validate_region_code


class CenterKind(models.TextChoices):
    SERVICE_CENTER = "service_center", "职工服务中心"
    WORKERS_HOME = "workers_home", "职工之家"
    CULTURAL_PALACE = "cultural_palace", "工人文化宫"
    MOTHERS_ROOM = "mothers_room", "妈妈小屋"
    SPORTS_CENTER = "sports_center", "职工文体中心"


class ConstructionStatus(models.TextChoices):
    PLANNING = "planning", "筹备"
    UNDER_CONSTRUCTION = "under_construction", "在建"
    COMPLETED = "completed", "建成"
    ASSET_TRANSFERRED = "asset_transferred", "资产过户"


BUILT_STATUSES = (ConstructionStatus.COMPLETED, ConstructionStatus.ASSET_TRANSFERRED)


class ServiceCenter(ScopedModel):
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=CenterKind.choices, db_index=True)
    address = models.CharField("地址", max_length=200)
    region_code = models.CharField("行政区划代码", max_length=6, validators=[validate_region_code], db_index=True)
    status = models.CharField(
        "建设状态",
        max_length=20,
        choices=ConstructionStatus.choices,
        default=ConstructionStatus.PLANNING,
        db_index=True,
    )
    started_on = models.DateField("开工日期", null=True, blank=True)
    completed_on = models.DateField("建成日期", null=True, blank=True, db_index=True)
    transferred_on = models.DateField("资产过户日期", null=True, blank=True)
    floor_area = models.DecimalField(
        "建筑面积(平方米)", max_digits=10, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    investment = models.DecimalField(
        "投资额(万元)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10_000_000)],
    )
    progress_note = models.CharField("进展情况", max_length=300, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["org__path", "kind", "name"]
        verbose_name = verbose_name_plural = "职工服务阵地"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:center_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        today = datetime.date.today()
        status = self.status
        if status in (ConstructionStatus.UNDER_CONSTRUCTION, *BUILT_STATUSES) and not self.started_on:
            errors["started_on"] = "在建或建成的阵地请填写开工日期。"
        if status in BUILT_STATUSES and not self.completed_on:
            errors["completed_on"] = "建成的阵地请填写建成日期。"
        if status == ConstructionStatus.ASSET_TRANSFERRED and not self.transferred_on:
            errors["transferred_on"] = "资产过户的阵地请填写过户日期。"
        if status not in BUILT_STATUSES and self.completed_on:
            errors["completed_on"] = f"状态为“{self.get_status_display()}”时不应有建成日期；已建成请把状态改为“建成”。"
        for field in ("started_on", "completed_on", "transferred_on"):
            value = getattr(self, field)
            if value and value > today:
                errors.setdefault(field, f"{self._meta.get_field(field).verbose_name}不能晚于今天。")
        if self.started_on and self.completed_on and self.completed_on < self.started_on:
            errors.setdefault("completed_on", "建成日期不能早于开工日期。")
        if self.completed_on and self.transferred_on and self.transferred_on < self.completed_on:
            errors.setdefault("transferred_on", "资产过户日期不能早于建成日期。")
        if errors:
            raise ValidationError(errors)
