"""Readers for livelihood projects and their live progress (序时进度 and lights from the targets module)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from gonghui.programmes.models.projects import LivelihoodProject
from gonghui.targets import sources
from gonghui.targets.progress import Light, light

LIGHT_LABELS = {Light.GREEN: "正常", Light.YELLOW: "滞后", Light.RED: "预警", Light.NONE: "暂无数据"}
LIGHT_COLORS = {Light.GREEN: "#2f9e44", Light.YELLOW: "#e8a200", Light.RED: "#c8102e", Light.NONE: "#868e96"}


def projects_for(user, action: str = "view") -> QuerySet[LivelihoodProject]:
    return LivelihoodProject.objects.restrict(user, action).select_related("org", "indicator")


def public_projects(org, year: int) -> QuerySet[LivelihoodProject]:
    """The projects a union has chosen to publish (对外公开), for its public progress page."""
    return LivelihoodProject.objects.filter(org=org, year=year, is_public=True).select_related("org", "indicator")


def is_computed(project: LivelihoodProject) -> bool:
    return bool(project.indicator_id and project.indicator.is_computed and sources.get(project.indicator.key))


@dataclass(frozen=True)
class _Span:
    """1 January to the day of reading: what ``sources.value`` needs of a period (its start and end)."""

    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class ProjectProgress:
    project: LivelihoodProject
    actual: Decimal | None
    as_of: datetime.date
    computed: bool
    completion: Decimal | None  # actual ÷ target, uncapped
    expected: Decimal  # 序时进度 towards the deadline
    light: Light

    @property
    def exceeded(self) -> bool:
        return self.actual is not None and self.actual > self.project.target_value

    @property
    def done(self) -> bool:
        return self.actual is not None and self.actual >= self.project.target_value

    @property
    def status_label(self) -> str:
        if self.exceeded:
            return "超额完成"
        if self.done:
            return "已完成"
        return LIGHT_LABELS[self.light]

    @property
    def color(self) -> str:
        return LIGHT_COLORS[Light.GREEN] if self.done else LIGHT_COLORS[self.light]

    @property
    def percent(self) -> int | None:
        return None if self.completion is None else int(self.completion * 100)

    @property
    def bar_percent(self) -> int:
        return min(100, self.percent or 0)

    @property
    def expected_percent(self) -> int:
        return int(self.expected * 100)


def expected_share(year: int, deadline: datetime.date, as_of: datetime.date) -> Decimal:
    """序时进度 towards a deadline: the share of the days from 1 January to the deadline that have passed."""
    start = datetime.date(year, 1, 1)
    if as_of < start:
        return Decimal("0.0000")
    if as_of >= deadline:
        return Decimal("1.0000")
    total = (deadline - start).days + 1
    return (Decimal((as_of - start).days + 1) / Decimal(total)).quantize(Decimal("0.0001"))


def progress(project: LivelihoodProject, as_of: datetime.date | None = None) -> ProjectProgress:
    as_of = as_of or datetime.date.today()
    computed = is_computed(project)
    if computed:
        end = min(as_of, project.deadline, datetime.date(project.year, 12, 31))
        start = datetime.date(project.year, 1, 1)
        actual = sources.value(project.indicator.key, project.org, _Span(start, end)) if end >= start else Decimal(0)
        measured = as_of
    else:
        actual = project.reported_value
        measured = project.reported_on or as_of
    completion = None
    if actual is not None and project.target_value:
        completion = (Decimal(actual) / project.target_value).quantize(Decimal("0.0001"))
    expected = expected_share(project.year, project.deadline, as_of)
    state = light(completion, expected, deadline_passed=as_of > project.deadline)
    return ProjectProgress(project, actual, measured, computed, completion, expected, state)


def progress_list(queryset, as_of: datetime.date | None = None) -> list[ProjectProgress]:
    return [progress(project, as_of) for project in queryset]
