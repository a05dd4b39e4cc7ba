"""Choices shared by competitions, honours, studios and reform sites."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Level(models.TextChoices):
    """The level of a competition, honour, studio or demonstration site (who names or runs it)."""

    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县(区)级"
    TOWN = "town", "乡镇(街道)级"
    ENTERPRISE = "enterprise", "企业级"


class AwardGrade(models.TextChoices):
    SPECIAL = "special", "特等奖"
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
    EXCELLENCE = "excellence", "优秀奖"


def actor_name(user: Any) -> str:
    """The name a step log keeps for its actor (kept even if the account goes)."""
    return (getattr(user, "display_name", "") or user.get_username())[:150] if user else "系统"


class StepLog(models.Model):
    """One step of a workflow (a project's review, an honour's selection): who, when, with what opinion."""

    note = models.CharField("意见", max_length=500, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user_name = models.CharField("经办人", max_length=150, blank=True)
    time = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        abstract = True
        default_permissions = ()
        ordering = ["time", "pk"]
