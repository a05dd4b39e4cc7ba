"""Readers of quarterly reports: the user's reports, the late and missing list, reported actuals, and the
figures table of one report (target, this quarter, year to date, completion)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gonghui.orgs.models import Organization
from gonghui.targets import progress, sources
from gonghui.targets.models import (
    IndicatorKind,
    QuarterlyReport,
    ReportStatus,
    ReportValue,
    Target,
)
from gonghui.targets.services_reports import due_days_by_unit
from gonghui.utilities.periods import Period, due_date

FILED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
LEVEL_KINDS = (IndicatorKind.STOCK, IndicatorKind.RATE, IndicatorKind.DECREASING)


def reports_for(user: Any, action: str = "view") -> QuerySet[QuarterlyReport]:
    return QuarterlyReport.objects.restrict(user, action).select_related("org", "submitted_by", "reviewed_by")


# --- late and missing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportState:
    """One reporting unit's state for a quarter, as the parent sees it."""

    unit: Organization
    report: QuarterlyReport | None
    due_date: datetime.date
    #: days past the due date: of the submission when late, of ``today`` when missing, else 0
    days_late: int
    is_missing: bool
    is_late: bool

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else "未填报"

    @property
    def status(self) -> str:
        return self.report.status if self.report else ""

    @property
    def situation(self) -> str:
        if self.is_missing:
            return "未报"
        if self.is_late:
            return "逾期报送"
        return "按时报送" if self.report and self.report.status in FILED_STATUSES else "未到期"


def reporting_units(user: Any, parent: Organization, year: int) -> QuerySet[Organization]:
    """Units below ``parent`` (not ``parent`` itself, whose report its own parent follows) that the user
    may see and that have targets for ``year``, in tree order."""
    with_targets = Target.objects.filter(year=year).values("org_id")
    return (
        Organization.objects.restrict(user, "view")
        .filter(path__startswith=parent.path, pk__in=with_targets)
        .exclude(pk=parent.pk)
        .order_by("path")
    )


def late_and_missing(
    user: Any, parent: Organization, year: int, quarter: int, today: datetime.date
) -> list[ReportState]:
    """Every unit below ``parent`` with targets for the year, with its report for the quarter (or None).

    "Missing": no submitted report and the due date has passed (a draft or a returned report counts as
    not submitted). "Late": submitted after the due date.
    """
    period = Period.quarter_of(year, quarter)
    units = list(reporting_units(user, parent, year))
    reports = {report.org_id: report for report in reports_for(user).filter(org__in=units, year=year, quarter=quarter)}
    days = due_days_by_unit([unit.pk for unit in units], year)
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        due = report.due_date if report else due_date(period, days[unit.pk])
        rows.append(_state(unit, report, due, today))
    return rows


def _state(unit: Organization, report: QuarterlyReport | None, due: datetime.date, today: datetime.date) -> ReportState:
    filed = report is not None and report.status in FILED_STATUSES and report.submitted_at is not None
    if filed:
        submitted_on = timezone.localdate(report.submitted_at)
        late_days = max((submitted_on - due).days, 0)
        return ReportState(unit, report, due, late_days, is_missing=False, is_late=late_days > 0)
    missing_days = max((today - due).days, 0)
    return ReportState(unit, report, due, missing_days, is_missing=missing_days > 0, is_late=False)


# --- reported actuals -----------------------------------------------------------------------------------


def _filed_values(units: Iterable[Organization], year: int, last_quarter: int):
    return (
        ReportValue.objects.filter(
            report__org__in=list(units),
            report__year=year,
            report__quarter__lte=last_quarter,
            report__status__in=FILED_STATUSES,
            value__isnull=False,
        )
        .exclude(indicator__kind=IndicatorKind.COMPOSITE)
        .values_list("indicator__key", "indicator__kind", "report__org_id", "report__quarter", "value")
        .order_by("report__quarter")
    )


def _fold(result: dict[tuple[str, int], Decimal], key: str, kind: str, unit_id: int, value: Decimal) -> None:
    if kind == IndicatorKind.CUMULATIVE:
        result[(key, unit_id)] = result.get((key, unit_id), Decimal(0)) + value
    else:
        result[(key, unit_id)] = value  # rows come by quarter: the latest wins


def reported_actuals(units: Iterable[Organization], year: int, quarter: int) -> dict[tuple[str, int], Decimal]:
    """{(indicator key, unit id): actual} from submitted or accepted reports up to ``quarter``.

    Cumulative indicators: the sum of quarters 1..``quarter``; stock, rate and decreasing: the value of the
    latest reported quarter ≤ ``quarter``. A unit without any such figure is not in the dict. The units are
    the caller's (already restricted) choice.
    """
    result: dict[tuple[str, int], Decimal] = {}
    for key, kind, unit_id, _quarter, value in _filed_values(units, year, quarter):
        _fold(result, key, kind, unit_id, value)
    return result


def reported_actuals_by_quarter(units: Iterable[Organization], year: int) -> dict[int, dict[tuple[str, int], Decimal]]:
    """``reported_actuals`` at the end of each quarter 1..4, from one read: {quarter: {(key, unit id): actual}}."""
    rows = list(_filed_values(units, year, 4))
    result: dict[int, dict[tuple[str, int], Decimal]] = {}
    running: dict[tuple[str, int], Decimal] = {}
    position = 0
    for quarter in range(1, 5):
        while position < len(rows) and rows[position][3] <= quarter:
            key, kind, unit_id, _quarter, value = rows[position]
            _fold(running, key, kind, unit_id, value)
            position += 1
        result[quarter] = dict(running)
    return result


# --- one report's figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    value: ReportValue
    target: Decimal | None
    ytd: Decimal | None
    completion: Decimal | None
    records_link: str

    @property
    def indicator(self):
        return self.value.indicator

    @property
    def value_display(self) -> str:
        return number_display(self.value.value)

    @property
    def target_display(self) -> str:
        return number_display(self.target)

    @property
    def ytd_display(self) -> str:
        return number_display(self.ytd)

    @property
    def completion_display(self) -> str:
        return f"{number_display(self.completion * 100)}%" if self.completion is not None else ""


def number_display(value: Decimal | None) -> str:
    """A stored Decimal as people write it: 12.0000 → "12", 3.5000 → "3.5"; None → ""."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def report_figures(report: QuarterlyReport) -> list[FigureRow]:
    """The figures table: per indicator its annual target, this quarter's value, the year-to-date value
    (cumulative: earlier filed quarters plus this one; levels: this quarter's) and completion."""
    period = Period.quarter_of(report.year, report.quarter)
    values = list(report.values.select_related("indicator").order_by("indicator__sort", "pk"))
    targets = dict(Target.objects.filter(org=report.org, year=report.year).values_list("indicator_id", "value"))
    earlier = reported_actuals([report.org], report.year, report.quarter - 1) if report.quarter > 1 else {}
    rows = []
    for row in values:
        indicator = row.indicator
        ytd = _ytd(indicator, row.value, earlier.get((indicator.key, report.org_id)))
        target = targets.get(indicator.pk)
        completion = progress.completion_rate(ytd, target, indicator.kind) if ytd is not None else None
        source = sources.get(indicator.key) if row.is_computed else None
        link = source.records_link(report.org, period) if source else ""
        rows.append(FigureRow(row, target, ytd, completion, link))
    return rows


def _ytd(indicator, this_quarter: Decimal | None, earlier: Decimal | None) -> Decimal | None:
    if indicator.kind != IndicatorKind.CUMULATIVE:
        return this_quarter
    if this_quarter is None and earlier is None:
        return None
    return (earlier or Decimal(0)) + (this_quarter or Decimal(0))


def report_log(report: QuarterlyReport) -> QuerySet:
    return report.log.select_related("user").order_by("time", "pk")
