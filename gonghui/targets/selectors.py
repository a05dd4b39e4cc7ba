"""Readers for plans, targets, schedule progress and rankings; every query goes through ``restrict``.

``progress_board`` is the one place that puts targets and actuals together. For an organisation, a year and
a quarter it answers, for the organisation itself and each direct sub-unit with targets: every indicator's
target, actual (computed indicators from the rolled-up figures, reported ones from submitted reports),
completion rate, expected progress and light, plus the weighted assessment (比一比). Pages, the API, the
dashboard and the bulletin all read it, so they cannot disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from gonghui.orgs.models import Organization
from gonghui.targets import board_cache, figures, progress, sources
from gonghui.targets.models import Indicator, IndicatorKind, IndicatorSource, Plan, Target
from gonghui.utilities.periods import Period, expected_progress

HUNDRED = Decimal(100)


def plans_for(user, action: str = "view") -> QuerySet[Plan]:
    return Plan.objects.restrict(user, action).select_related("org")


def targets_for(user, action: str = "view") -> QuerySet[Target]:
    return Target.objects.restrict(user, action).select_related("org", "indicator", "assigned_by", "plan")


def indicators_for(user, action: str = "view") -> QuerySet[Indicator]:
    return Indicator.objects.restrict(user, action)


def visible_orgs(user) -> QuerySet[Organization]:
    return Organization.objects.restrict(user, "view")


@dataclass(frozen=True)
class Settings:
    """A plan's progress and scoring settings, as fractions for ``progress``."""

    basis: str = "day"
    margin: Decimal = Decimal("0.10")
    cap: Decimal = Decimal("1")
    bonus_rate: Decimal = Decimal("0")
    bonus_cap: Decimal = Decimal("0")
    report_due_days: int = 10

    @classmethod
    def of(cls, plan: Plan | None) -> Settings:
        if plan is None:
            return cls()
        return cls(
            basis=plan.progress_basis,
            margin=plan.yellow_margin / HUNDRED,
            cap=plan.completion_cap / HUNDRED,
            # the plan's rate is per percentage point of excess; progress.item_score's is per unit of completion
            bonus_rate=plan.bonus_rate * HUNDRED,
            bonus_cap=plan.bonus_cap / HUNDRED,
            report_due_days=plan.report_due_days,
        )


@dataclass
class Cell:
    """One indicator for one unit."""

    indicator: Indicator
    unit: Organization
    target: Decimal | None
    actual: Decimal | None
    status: progress.Progress
    link: str = ""

    @property
    def light(self) -> str:
        return self.status.light.value

    @property
    def completion(self) -> Decimal | None:
        return self.status.completion


@dataclass
class UnitRow:
    unit: Organization
    cells: dict[str, Cell]
    score: Decimal | None = None
    rank: int | None = None
    items: dict[str, Decimal] = field(default_factory=dict)

    @property
    def behind(self) -> list[Cell]:
        lagging = (progress.Light.YELLOW, progress.Light.RED)
        return [cell for cell in self.cells.values() if cell.status.light in lagging]


@dataclass
class Board:
    org: Organization
    year: int
    quarter: int
    as_of: datetime.date
    expected: Decimal
    settings: Settings
    indicators: list[Indicator]
    own: UnitRow
    units: list[UnitRow]  # direct sub-units with targets, by assessment rank
    weights: dict[str, Decimal]
    weight_errors: list[str]
    figures_at: datetime.datetime | None
    indicator_ranks: dict[str, dict[int, int | None]] = field(default_factory=dict)

    @property
    def behind(self) -> list[Cell]:
        """Sub-units' cells that are yellow or red, worst first."""
        cells = [cell for row in self.units for cell in row.behind]
        return sorted(cells, key=lambda cell: (cell.status.gap is None, cell.status.gap or 0))


def as_of_for(year: int, quarter: int, today: datetime.date | None = None) -> datetime.date:
    """The date a (year, quarter) view is computed at: the quarter's end, or today while it runs."""
    today = today or timezone.localdate()
    end = Period.quarter_of(year, quarter).end
    start = datetime.date(year, 1, 1)
    return max(min(today, end), start)


def current_quarter(today: datetime.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def plan_of(org: Organization, year: int) -> Plan | None:
    return Plan.objects.filter(org=org, year=year).first()


def _actuals(
    indicators: Sequence[Indicator], units: Sequence[Organization], year: int, quarter: int, as_of: datetime.date
) -> tuple[dict[tuple[str, int], Decimal], datetime.datetime | None]:
    """The actuals of ``units`` and when the computed figures among them were rebuilt (None: none read)."""
    from gonghui.targets.selectors_reports import reported_actuals

    result: dict[tuple[str, int], Decimal] = {}
    refreshed = None
    computed = _computed_keys(indicators)
    if computed:
        refreshed = figures.ensure_fresh(year).refreshed_at
        period = Period.month_of(year, as_of.month)
        result.update(figures.values(computed, units, period, year_to_date=True))
    reported = reported_actuals(units, year, quarter)
    for (key, unit_id), value in reported.items():
        result.setdefault((key, unit_id), value)
    return result, refreshed


def _computed_keys(indicators: Iterable[Indicator]) -> list[str]:
    return [ind.key for ind in indicators if ind.source == IndicatorSource.COMPUTED and sources.get(ind.key)]


def _cell(
    indicator: Indicator,
    unit: Organization,
    target: Decimal | None,
    actual: Decimal | None,
    *,
    year: int,
    as_of: datetime.date,
    settings: Settings,
    component_cells: dict[str, Cell] | None = None,
) -> Cell:
    deadline = datetime.date(year, 12, 31)
    if indicator.kind == IndicatorKind.COMPOSITE:
        parts = [
            (Decimal(str(part.get("weight", 0))), (component_cells or {}).get(part.get("key")))
            for part in indicator.components
        ]
        completion = progress.composite_value([(weight, cell.completion if cell else None) for weight, cell in parts])
        expected = progress.expected_for(indicator.kind, year, as_of, settings.basis)
        status = progress.Progress(
            actual=None,
            target=target,
            completion=completion,
            expected=expected,
            gap=None if completion is None else completion - expected,
            light=progress.light(completion, expected, margin=settings.margin),
        )
    else:
        status = progress.schedule_status(
            actual,
            target,
            indicator.kind,
            year,
            as_of,
            basis=settings.basis,
            margin=settings.margin,
            deadline=deadline,
        )
    link = ""
    source = sources.get(indicator.key) if indicator.is_computed else None
    if source is not None:
        link = source.records_link(unit, Period.year_of(year))
    return Cell(indicator=indicator, unit=unit, target=target, actual=actual, status=status, link=link)


def _row(
    indicators: Sequence[Indicator],
    unit: Organization,
    targets: dict[str, Decimal | None],
    actuals: dict[tuple[str, int], Decimal],
    *,
    year: int,
    as_of: datetime.date,
    settings: Settings,
) -> UnitRow:
    """One unit's cells, in the order of ``indicators``; composites after the components they weigh."""
    cells: dict[str, Cell] = {}
    for indicator in sorted(indicators, key=lambda ind: ind.kind == IndicatorKind.COMPOSITE):
        cells[indicator.key] = _cell(
            indicator,
            unit,
            targets.get(indicator.key),
            actuals.get((indicator.key, unit.pk)),
            year=year,
            as_of=as_of,
            settings=settings,
            component_cells=cells,
        )
    return UnitRow(unit=unit, cells={ind.key: cells[ind.key] for ind in indicators})


def progress_board(
    user, org: Organization, year: int, quarter: int, *, today: datetime.date | None = None, own_only: bool = False
) -> Board:
    """Targets against actuals for ``org`` and its direct sub-units (see the module docstring).

    ``org`` must already be one the user may view (callers fetch it with ``get_restricted_or_404``); the
    sub-units shown are those in the user's scope. ``own_only`` leaves the sub-units out.

    The board is kept in the cache (``board_cache``) under its inputs' version, so a repeated view is a
    cache read; any change to what it is computed from makes the next read compute it afresh.
    """
    as_of = as_of_for(year, quarter, today)
    return board_cache.fetch(
        ("board", org.pk, year, quarter, as_of.isoformat(), own_only),
        user,
        org,
        year,
        lambda: _build_board(user, org, year, quarter, as_of, own_only),
    )


def _build_board(
    user, org: Organization, year: int, quarter: int, as_of: datetime.date, own_only: bool
) -> tuple[Board, datetime.datetime | None]:
    plan = plan_of(org, year)
    settings = Settings.of(plan)
    own_targets = {
        t.indicator.key: t
        for t in targets_for(user).filter(org=org, year=year).select_related("indicator").order_by("indicator__sort")
    }
    child_targets = (
        []
        if own_only
        else list(
            targets_for(user)
            .filter(org__path__subtree=org.path, org__depth=org.depth + 1, year=year)
            .order_by("org__path", "indicator__sort")
        )
    )
    indicators = sorted(
        {t.indicator.key: t.indicator for t in [*own_targets.values(), *child_targets]}.values(),
        key=lambda ind: (ind.sort, ind.pk),
    )
    units: list[Organization] = []
    seen: set[int] = set()
    for target in child_targets:
        if target.org_id not in seen:
            seen.add(target.org_id)
            units.append(target.org)
    actuals, refreshed = _actuals(indicators, [org, *units], year, quarter, as_of)
    expected = expected_progress(year, as_of, settings.basis)
    shape = {"year": year, "as_of": as_of, "settings": settings}
    own = _row(indicators, org, {key: t.value for key, t in own_targets.items()}, actuals, **shape)
    by_unit: dict[int, dict[str, Decimal | None]] = {}
    for target in child_targets:
        by_unit.setdefault(target.org_id, {})[target.indicator.key] = target.value
    rows = [_row(indicators, unit, by_unit.get(unit.pk, {}), actuals, **shape) for unit in units]
    weights = {key: t.weight for key, t in own_targets.items() if t.weight}
    weight_errors = progress.check_weights(weights) if weights else []
    if weights and rows:
        scored = progress.assessment(
            {row.unit.pk: {key: row.cells[key].completion for key in weights if key in row.cells} for row in rows},
            weights,
            cap=settings.cap,
            bonus_rate=settings.bonus_rate,
            bonus_cap=settings.bonus_cap,
        )
        by_pk = {row.unit.pk: row for row in rows}
        ordered_rows = []
        for result in scored:
            row = by_pk[result.unit]
            row.score, row.rank, row.items = result.total, result.rank, dict(result.items)
            ordered_rows.append(row)
        rows = ordered_rows
    indicator_ranks = {
        ind.key: progress.rank({row.unit.pk: row.cells[ind.key].completion for row in rows}) for ind in indicators
    }
    figures_at = refreshed
    if figures_at is None:
        figures_at = figures.FigureRefresh.objects.filter(pk=year).values_list("refreshed_at", flat=True).first()
    board = Board(
        org=org,
        year=year,
        quarter=quarter,
        as_of=as_of,
        expected=expected,
        settings=settings,
        indicators=indicators,
        own=own,
        units=rows,
        weights=weights,
        weight_errors=weight_errors,
        figures_at=figures_at,
        indicator_ranks=indicator_ranks,
    )
    return board, refreshed


@dataclass
class Dashboard:
    board: Board
    trend: dict[str, list]
    #: every unit below with targets and its report state for the quarter (``late_and_missing``)
    report_states: list
    #: overdue supervision tasks in the subtree, most overdue first, at most ``tasks_shown``
    overdue_tasks: list


def dashboard_data(
    user, org: Organization, year: int, quarter: int, *, today: datetime.date | None = None, tasks_shown: int = 50
) -> Dashboard:
    """Everything the dashboard shows, cached as one entry (one version read)."""
    from gonghui.targets.models import Task
    from gonghui.targets.selectors_reports import late_and_missing
    from gonghui.targets.selectors_tasks import overdue_q

    today = today or timezone.localdate()
    as_of = as_of_for(year, quarter, today)

    def build():
        board, refreshed = _build_board(user, org, year, quarter, as_of, own_only=False)
        trend, trend_refreshed = _build_trend(user, org, year, board.indicators, today)
        states = late_and_missing(user, org, year, quarter, today) if board.indicators else []
        tasks = (
            Task.objects.restrict(user, "view")
            .filter(overdue_q(today), org__path__subtree=org.path)
            .select_related("org")
            .order_by("deadline", "pk")
        )
        return Dashboard(board, trend, states, list(tasks[:tasks_shown])), refreshed or trend_refreshed

    parts = ("dashboard", org.pk, year, quarter, today.isoformat(), tasks_shown)
    return board_cache.fetch(parts, user, org, year, build)


def quarter_trend(user, org: Organization, year: int, indicators: Sequence[Indicator]) -> dict[str, list]:
    """Completion per quarter 1..4 of ``org``'s own targets (None for quarters not reached yet, and for
    indicators ``org`` has no target of its own). Cached like ``progress_board``."""
    today = timezone.localdate()
    keys = tuple(ind.key for ind in indicators)
    return board_cache.fetch(
        ("trend", org.pk, year, today.isoformat(), keys),
        user,
        org,
        year,
        lambda: _build_trend(user, org, year, indicators, today),
    )


def _build_trend(
    user, org: Organization, year: int, indicators: Sequence[Indicator], today: datetime.date
) -> tuple[dict[str, list], datetime.datetime | None]:
    """One read of the unit's targets, monthly figures and filed reports for the whole year, then each
    quarter's cells as ``progress_board`` would compute them."""
    from gonghui.targets.selectors_reports import reported_actuals_by_quarter

    result: dict[str, list] = {ind.key: [None] * 4 for ind in indicators}
    reached = [q for q in range(1, 5) if Period.quarter_of(year, q).start <= today]
    own_targets = {
        t.indicator.key: t
        for t in targets_for(user).filter(org=org, year=year).select_related("indicator").order_by("indicator__sort")
    }
    own = sorted((t.indicator for t in own_targets.values()), key=lambda ind: (ind.sort, ind.pk))
    if not reached or not own:
        return result, None
    settings = Settings.of(plan_of(org, year))
    computed = _computed_keys(own)
    refreshed = figures.ensure_fresh(year).refreshed_at if computed else None
    monthly = figures.monthly(computed, org, year) if computed else {}
    reported = reported_actuals_by_quarter([org], year)
    targets = {key: t.value for key, t in own_targets.items()}
    for quarter in reached:
        as_of = as_of_for(year, quarter, today)
        actuals: dict[tuple[str, int], Decimal] = {}
        for key, series in monthly.items():
            source = sources.get(key)
            upto = series[: as_of.month]
            actuals[(key, org.pk)] = upto[-1] if source.stock else sum(upto, Decimal(0))
        for (key, unit_id), value in reported.get(quarter, {}).items():
            actuals.setdefault((key, unit_id), value)
        row = _row(own, org, targets, actuals, year=year, as_of=as_of, settings=settings)
        for key in result:
            cell = row.cells.get(key)
            result[key][quarter - 1] = cell.completion if cell else None
    return result, refreshed
