"""Readers of union work: the dues collection table, the information ranking and the meeting obligations.

Tables by unit are one SQL aggregation per period: the records of the chosen unit's subtree, grouped by
the path prefix of its direct subordinate units (records filed under the unit itself form its 本级 row).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from gonghui.orgs.models import Organization
from gonghui.unionwork.common import restrict_child
from gonghui.unionwork.models import (
    DuesRecord,
    InfoAdoption,
    InfoItem,
    JointMeeting,
    JointMeetingObligation,
)

ZERO = Decimal("0.00")
ONE_DECIMAL = Decimal("0.1")


def money_total(value) -> Decimal:
    """A sum of money to the fen (SQLite sums decimals without their scale)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _points(value) -> Decimal:
    return Decimal(value or 0).quantize(ONE_DECIMAL)


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def growth(now: Decimal | int, before: Decimal | int) -> Decimal | None:
    """Change from ``before`` to ``now`` in percent (None when there is nothing to compare with)."""
    if not before:
        return None
    return ((Decimal(now) - Decimal(before)) * 100 / Decimal(before)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def units_under(root: Organization) -> list[Organization]:
    """The root's direct subordinate units, in tree order, after the root itself (its 本级 row)."""
    children = Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path")
    return [root, *children]


def _grouped(queryset: QuerySet, root: Organization, path_field: str, **aggregates: Any) -> dict[str, dict]:
    length = len(root.path) + Organization.steplen
    rows = (
        queryset.filter(**{f"{path_field}__startswith": root.path})
        .annotate(_unit=Substr(path_field, 1, length))
        .values("_unit")
        .annotate(**aggregates)
        .order_by()
    )
    return {row["_unit"]: row for row in rows}


def _unit_row(grouped: dict[str, dict], unit: Organization, root: Organization) -> dict:
    return grouped.get(unit.path if unit.pk != root.pk else root.path, {})


# --- dues collection ------------------------------------------------------------------------------------


@dataclass
class CollectionRow:
    unit: Organization
    is_root: bool
    employers: int = 0
    payroll: Decimal = ZERO
    due: Decimal = ZERO
    paid: Decimal = ZERO
    paid_last_year: Decimal = ZERO

    @property
    def arrears(self) -> Decimal:
        return max(self.due - self.paid, ZERO)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.paid, self.due)

    @property
    def growth(self) -> Decimal | None:
        return growth(self.paid, self.paid_last_year)

    @property
    def label(self) -> str:
        return f"{self.unit.name}（本级）" if self.is_root else self.unit.name


@dataclass
class CollectionTable:
    root: Organization
    year: int
    month: int
    rows: list[CollectionRow] = field(default_factory=list)
    total: CollectionRow | None = None


def _dues_by_unit(queryset: QuerySet, root: Organization, start: datetime.date, end: datetime.date) -> dict:
    return _grouped(
        queryset.filter(period__range=(start, end)),
        root,
        "org__path",
        employers=Count("employer", distinct=True),
        payroll=Sum("payroll_base"),
        due=Sum("due"),
        paid=Sum("paid"),
    )


def collection_table(user: Any, root: Organization, year: int, month: int) -> CollectionTable:
    """应缴/实缴/欠缴/收缴率 for 所属期 January–``month`` of ``year``; 同比 against the same months a year before."""
    records = DuesRecord.objects.restrict(user, "view")
    start, end = datetime.date(year, 1, 1), datetime.date(year, month, 1)
    now = _dues_by_unit(records, root, start, end)
    before = _dues_by_unit(records, root, start.replace(year=year - 1), end.replace(year=year - 1))
    table = CollectionTable(root=root, year=year, month=month)
    total = CollectionRow(unit=root, is_root=False)
    for unit in units_under(root):
        current, last = _unit_row(now, unit, root), _unit_row(before, unit, root)
        row = CollectionRow(
            unit=unit,
            is_root=unit.pk == root.pk,
            employers=current.get("employers") or 0,
            payroll=money_total(current.get("payroll")),
            due=money_total(current.get("due")),
            paid=money_total(current.get("paid")),
            paid_last_year=money_total(last.get("paid")),
        )
        if row.is_root and not (row.due or row.paid or row.paid_last_year):
            continue
        table.rows.append(row)
        total.employers += row.employers
        total.payroll += row.payroll
        total.due += row.due
        total.paid += row.paid
        total.paid_last_year += row.paid_last_year
    table.total = total
    return table


COLLECTION_HEADERS = ["单位", "缴费单位数", "计费工资总额(元)", "应缴(元)", "实缴(元)", "欠缴(元)", "收缴率(%)",
                      "上年同期实缴(元)", "同比增长(%)"]  # fmt: skip


def collection_rows_for_export(table: CollectionTable) -> list[list[Any]]:
    rows = []
    for row in [*table.rows, table.total]:
        label = "合计" if row is table.total else row.label
        rows.append([label, row.employers, row.payroll, row.due, row.paid, row.arrears, row.rate,
                     row.paid_last_year, row.growth])  # fmt: skip
    return rows


# --- information ranking --------------------------------------------------------------------------------


@dataclass
class RankingRow:
    unit: Organization
    is_root: bool
    submitted: int = 0
    submitted_last_month: int = 0
    submitted_last_year: int = 0
    adopted: int = 0
    score: Decimal = Decimal("0.0")
    ytd_submitted: int = 0
    ytd_adopted: int = 0
    ytd_score: Decimal = Decimal("0.0")
    rank: int = 0

    @property
    def month_change(self) -> Decimal | None:
        return growth(self.submitted, self.submitted_last_month)

    @property
    def year_change(self) -> Decimal | None:
        return growth(self.submitted, self.submitted_last_year)

    @property
    def label(self) -> str:
        return f"{self.unit.name}（本级）" if self.is_root else self.unit.name


def _month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def info_ranking(user: Any, root: Organization, year: int, month: int) -> list[RankingRow]:
    """Per unit: items submitted in the month, the month before and the same month a year before (环比/同比),
    adoptions and score in the month (by adoption date), and the year to date; ranked by the year's score."""
    items = InfoItem.objects.restrict(user, "view")
    adoptions = restrict_child(InfoAdoption, InfoItem, user)

    def submitted(start, end):
        return _grouped(items.filter(submitted_on__range=(start, end)), root, "org__path", n=Count("pk"))

    def adopted(start, end):
        return _grouped(
            adoptions.filter(adopted_on__range=(start, end)), root, "item__org__path", n=Count("pk"), s=Sum("score")
        )

    start, end = _month_bounds(year, month)
    last_start, last_end = _month_bounds(*_previous_month(year, month))
    year_start, year_end = _month_bounds(year - 1, month)
    ytd_start = datetime.date(year, 1, 1)
    now, last, a_year_ago = submitted(start, end), submitted(last_start, last_end), submitted(year_start, year_end)
    ytd = submitted(ytd_start, end)
    adopted_now, adopted_ytd = adopted(start, end), adopted(ytd_start, end)
    rows = []
    for unit in units_under(root):
        row = RankingRow(
            unit=unit,
            is_root=unit.pk == root.pk,
            submitted=_unit_row(now, unit, root).get("n") or 0,
            submitted_last_month=_unit_row(last, unit, root).get("n") or 0,
            submitted_last_year=_unit_row(a_year_ago, unit, root).get("n") or 0,
            adopted=_unit_row(adopted_now, unit, root).get("n") or 0,
            score=_points(_unit_row(adopted_now, unit, root).get("s")),
            ytd_submitted=_unit_row(ytd, unit, root).get("n") or 0,
            ytd_adopted=_unit_row(adopted_ytd, unit, root).get("n") or 0,
            ytd_score=_points(_unit_row(adopted_ytd, unit, root).get("s")),
        )
        if row.is_root and not (row.ytd_submitted or row.submitted_last_year or row.submitted_last_month):
            continue
        rows.append(row)
    rows.sort(key=lambda r: (-r.ytd_score, -r.ytd_submitted, r.unit.path))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        key = (row.ytd_score, row.ytd_submitted)
        if key != previous:
            rank, previous = position, key
        row.rank = rank
    return rows


RANKING_HEADERS = ["名次", "单位", "本月报送", "上月报送", "环比(%)", "上年同月报送", "同比(%)", "本月采用", "本月得分",
                   "本年累计报送", "本年累计采用", "本年累计得分"]  # fmt: skip


def ranking_rows_for_export(rows: list[RankingRow]) -> list[list[Any]]:
    return [
        [row.rank, row.label, row.submitted, row.submitted_last_month, row.month_change, row.submitted_last_year,
         row.year_change, row.adopted, row.score, row.ytd_submitted, row.ytd_adopted, row.ytd_score]
        for row in rows
    ]  # fmt: skip


def monthly_counts(user: Any, root: Organization, year: int) -> list[dict]:
    """Items submitted and adopted per month of ``year`` over the root's subtree (the trend the seeds complain of)."""
    items = InfoItem.objects.restrict(user, "view").filter(org__path__startswith=root.path, submitted_on__year=year)
    adoptions = restrict_child(InfoAdoption, InfoItem, user).filter(
        item__org__path__startswith=root.path, adopted_on__year=year
    )
    from django.db.models.functions import ExtractMonth

    submitted = dict(
        items.annotate(m=ExtractMonth("submitted_on"))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("m", "n")
    )
    adopted = dict(
        adoptions.annotate(m=ExtractMonth("adopted_on"))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("m", "n")
    )
    return [{"month": m, "submitted": submitted.get(m, 0), "adopted": adopted.get(m, 0)} for m in range(1, 13)]


# --- joint meetings ---------------------------------------------------------------------------------------


def obligations_for(user: Any, action: str = "view") -> QuerySet:
    """Obligations with ``held_on`` (the first meeting held for them) annotated."""
    return (
        JointMeetingObligation.objects.restrict(user, action)
        .select_related("org")
        .annotate(held_on=Min("meetings__held_on"))
    )


def overdue_q(today: datetime.date) -> Q:
    return Q(deadline__lt=today) & ~Exists(JointMeeting.objects.filter(obligation=OuterRef("pk")))


def overdue_obligations(user: Any, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return obligations_for(user).filter(overdue_q(today))
