"""Shared builders of the rights tests (not a test module)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from gonghui.rights import services
from gonghui.rights.models import CaseCategory, Channel, Tier

T0 = timezone.make_aware(datetime.datetime(2026, 6, 1, 9, 0))
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


def at(minutes: float) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


def register(world, user=None, now=None, **overrides):
    data = {
        "channel": Channel.HOTLINE,
        "category": CaseCategory.WAGES,
        "tier": Tier.GENERAL,
        "title": "拖欠三个月工资",
        "description": "公司拖欠一线职工三个月工资共计约 4 万元。",
        "complainant_name": "张三",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "persons_count": 3,
        "employer": world.wujin_employer,
        "received_at": T0,
        "received_by": world.city,
    }
    data.update(overrides)
    return services.case_register(user=user or world.city_admin, data=data, now=now or at(2))
