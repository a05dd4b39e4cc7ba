"""Choices shared by competitions, honours, studios and reform sites."""

from __future__ import annotations

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
