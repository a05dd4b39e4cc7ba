"""Readers for innovation studios; every function returns restricted data."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from gonghui.honours.models import AchievementKind, InnovationStudio, StudioAchievement


def studios_for(user: Any, action: str = "view") -> QuerySet:
    return InnovationStudio.objects.restrict(user, action).select_related("org", "leader", "employer")


def _per_studio(kind: str, aggregate, output):
    rows = (
        StudioAchievement.objects.filter(studio=OuterRef("pk"), kind=kind)
        .order_by()
        .values("studio")
        .annotate(total=aggregate)
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=output), Value(0), output_field=output)


def with_achievements(queryset: QuerySet) -> QuerySet:
    """Annotate patents, awards and savings (元) from the achievements (one subquery each), and the team size."""
    money = DecimalField(max_digits=16, decimal_places=2)
    return queryset.annotate(
        patent_count=_per_studio(AchievementKind.PATENT, Count("pk"), IntegerField()),
        award_count=_per_studio(AchievementKind.AWARD, Count("pk"), IntegerField()),
        savings=_per_studio(AchievementKind.SAVING, Sum("amount"), money),
        team_size=Count("members", distinct=True),
    )
