"""Computed actuals rolled up the tree: ``Figure`` rows per source, unit and month, rebuilt in SQL.

``refresh(year)`` aggregates each computed source's records once per owning organisation and month, then
adds every leaf row into each of its ancestors in the same statement, so a unit's row is the total over its
whole subtree. Reading a unit's value for a period is then a handful of indexed rows however large the
subtree is; that is what keeps the dashboard fast on a city of millions of members.

Freshness: writes that change the records mark the figures stale (signals call ``mark_stale``; rows
loaded by COPY are caught by the membership-event watermark). ``ensure_fresh(year)`` rebuilds a stale
year unless it was rebuilt less than ``TARGETS_FIGURES_MAX_LAG`` seconds ago, which bounds the cost of a
busy registry. A year whose last rebuild took longer than ``TARGETS_FIGURES_SYNC_MS`` is rebuilt by the
job worker instead (queued once), so no page waits for it; pages show the time the figures were computed.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from gonghui.orgs.models import Organization
from gonghui.targets import sources
from gonghui.targets.models import Figure, FigureRefresh
from gonghui.utilities.periods import Period

ZERO = Decimal("0")
_STALE = {"stale": True}


def _rollup_sql(source: sources.RecordSource, year: int, max_depth: int) -> tuple[str, list]:
    leaf_sql, leaf_params = sources.leaf_values(source, year).query.sql_with_params()
    steplen = Organization.steplen
    depths = " UNION ALL ".join(f"SELECT {n} AS n" for n in range(1, max_depth + 1))
    org_table = connection.ops.quote_name(Organization._meta.db_table)
    figure_table = connection.ops.quote_name(Figure._meta.db_table)
    sql = (
        f"INSERT INTO {figure_table} (indicator_key, org_id, year, month, value) "
        f"SELECT %s, a.id, %s, leaf.leaf_month, SUM(leaf.leaf_value) "
        f"FROM ({leaf_sql}) leaf "
        f"JOIN {org_table} o ON o.id = leaf.leaf_org "
        f"JOIN ({depths}) d ON LENGTH(o.path) >= {steplen} * d.n "
        f"JOIN {org_table} a ON a.path = SUBSTR(o.path, 1, {steplen} * d.n) "
        f"GROUP BY a.id, leaf.leaf_month"
    )
    return sql, [source.key, year, *leaf_params]


@transaction.atomic
def refresh(year: int) -> FigureRefresh:
    """Rebuild every computed source's figures for ``year`` from the records."""
    started = time.perf_counter()
    # One rebuild at a time per year; a second caller waits and then finds the figures fresh.
    marker, _ = FigureRefresh.objects.get_or_create(year=year, defaults={"refreshed_at": timezone.now(), "stale": True})
    FigureRefresh.objects.select_for_update().filter(pk=year).first()
    max_depth = Organization.objects.order_by("-depth").values_list("depth", flat=True).first() or 0
    watermark = _event_watermark()
    Figure.objects.filter(year=year).delete()
    with connection.cursor() as cursor:
        for source in sources.registered().values():
            if max_depth:
                cursor.execute(*_rollup_sql(source, year, max_depth))
    rows = Figure.objects.filter(year=year).count()
    marker.refreshed_at = timezone.now()
    marker.duration_ms = round((time.perf_counter() - started) * 1000)
    marker.rows = rows
    marker.stale = False
    marker.queued_at = None
    marker.event_watermark = watermark
    marker.save()
    return marker


def mark_stale() -> None:
    """The records behind computed figures changed: rebuild before the next read (see ``ensure_fresh``)."""
    FigureRefresh.objects.filter(stale=False).update(**_STALE)


def _event_watermark() -> int:
    from gonghui.members.models import MembershipEvent

    return MembershipEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def ensure_fresh(year: int) -> FigureRefresh:
    marker = FigureRefresh.objects.filter(pk=year).first()
    if marker is None:
        return refresh(year)
    if marker.stale or marker.event_watermark != _event_watermark():
        lag = datetime.timedelta(seconds=getattr(settings, "TARGETS_FIGURES_MAX_LAG", 60))
        if timezone.now() - marker.refreshed_at < lag:
            return marker
        if marker.duration_ms <= getattr(settings, "TARGETS_FIGURES_SYNC_MS", 3000):
            return refresh(year)
        _queue_refresh(marker)
    return marker


def _queue_refresh(marker: FigureRefresh) -> None:
    """Queue one background rebuild of a large year; a rebuild queued in the last hour is not repeated."""
    from gonghui.targets.tasks import refresh_figures

    now = timezone.now()
    recent = now - datetime.timedelta(hours=1)
    with transaction.atomic():
        claimed = FigureRefresh.objects.filter(pk=marker.pk).exclude(queued_at__gt=recent).update(queued_at=now)
        if claimed:
            transaction.on_commit(lambda: refresh_figures.enqueue(marker.year))


def _months(period: Period, stock: bool, year_to_date: bool) -> list[int]:
    last = period.months[-1]
    if stock:
        return list(range(0, last + 1))
    return list(range(1, last + 1)) if year_to_date else list(period.months)


def values(
    keys: Iterable[str], units: Sequence[Organization], period: Period, *, year_to_date: bool = False
) -> dict[tuple[str, int], Decimal]:
    """{(key, unit id): value} for computed ``keys`` over each unit's subtree, from Figure rows.

    The value within ``period``, or from the start of its year to its end with ``year_to_date`` (stock
    sources are always the level at the period's end). Units with no records get zero. Call
    ``ensure_fresh(period.year)`` first.
    """
    unit_ids = [unit.pk for unit in units]
    result: dict[tuple[str, int], Decimal] = {}
    wanted = Q()
    for key in keys:
        source = sources.get(key)
        if source is None:
            continue
        for unit_id in unit_ids:
            result[(key, unit_id)] = ZERO
        wanted |= Q(indicator_key=key, month__in=_months(period, source.stock, year_to_date))
    if not result:
        return result
    # One statement for every key: a board of twenty indicators is one indexed read, not twenty.
    rows = (
        Figure.objects.filter(wanted, year=period.year, org_id__in=unit_ids)
        .values("indicator_key", "org_id")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in rows:
        result[(row["indicator_key"], row["org_id"])] = row["total"] or ZERO
    return result


def monthly(keys: Iterable[str], unit: Organization, year: int) -> dict[str, list[Decimal]]:
    """{key: [value of each month 1..12]} for one unit — within the month, or at its end for stock sources."""
    wanted = {key: source for key in keys if (source := sources.get(key)) is not None}
    by_month: dict[str, dict[int, Decimal]] = {key: {} for key in wanted}
    rows = Figure.objects.filter(indicator_key__in=list(wanted), year=year, org=unit).values_list(
        "indicator_key", "month", "value"
    )
    for key, month, value in rows.order_by():
        by_month[key][month] = value
    result: dict[str, list[Decimal]] = {}
    for key, source in wanted.items():
        months = by_month[key]
        running = months.get(0, ZERO) if source.stock else ZERO
        series = []
        for month in range(1, 13):
            if source.stock:
                running += months.get(month, ZERO)
                series.append(running)
            else:
                series.append(months.get(month, ZERO))
        result[key] = series
    return result
