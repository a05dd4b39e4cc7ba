"""Readers for the honours registry and model workers' care; every function returns restricted data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from gonghui.honours.models import ANNUAL_CARE, CARE_KINDS, CareKind, CareRecord, Honour, HonourState

DUE_WITHIN_DAYS = 30


def honours_for(user: Any, action: str = "view") -> QuerySet:
    return Honour.objects.restrict(user, action).select_related("org", "member", "member__org", "employer")


def model_workers(user: Any) -> QuerySet:
    """Awarded model workers (劳模: 劳动模范, 先进工作者, 五一劳动奖章) in scope — those entitled to care."""
    return honours_for(user).filter(state=HonourState.AWARDED, kind__in=CARE_KINDS)


def care_for(user: Any, action: str = "view") -> QuerySet:
    return CareRecord.objects.restrict(user, action).select_related("honour", "honour__member", "org")


@dataclass(frozen=True)
class MissingCare:
    honour: Honour
    kind: CareKind


def care_due(user: Any, today: datetime.date) -> tuple[QuerySet, list[MissingCare]]:
    """What is due: planned care not done by ``DUE_WITHIN_DAYS`` from today (overdue first), and awarded model
    workers with no record at all this year for each annual item (体检, 疗休养)."""
    planned = (
        care_for(user)
        .filter(done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS))
        .order_by("due_on", "pk")
    )
    missing: list[MissingCare] = []
    workers = model_workers(user)
    for kind in ANNUAL_CARE:
        has = CareRecord.objects.filter(honour=OuterRef("pk"), kind=kind, year=today.year)
        for honour in workers.annotate(has=Exists(has)).filter(has=False).order_by("org__path", "member__name"):
            missing.append(MissingCare(honour, CareKind(kind)))
    return planned, missing


def care_kinds_of(honour: Honour) -> bool:
    return honour.state == HonourState.AWARDED and honour.kind in CARE_KINDS
