"""The progress board and the quarterly trend, kept in Django's cache under the version of their inputs.

A leader's dashboard is read far more often than its inputs change, so a repeated view should be a cache
read, not a recomputation. An entry is keyed by what the caller asked for (organisation, year, quarter, the
day it is computed at) and by the user's data scope on targets, organisations, reports and tasks (two users who see the
same units share it). It is stored together with a *version* of everything the board is computed from,
read back in one SQL statement on every view and compared before the entry is used:

- the units of the organisation's subtree with targets for the year (count and latest change: a renamed
  or moved unit);
- the organisation's plan for the year (its progress and scoring settings);
- the targets in the organisation's subtree for the year (a new, changed or removed one);
- the supervision tasks in the subtree (the dashboard's overdue list);
- the quarterly reports of those units for the year (every submission, acceptance, return and reopening saves the
  report, and its values cannot change while it counts);
- the indicator catalog (the change log of ``Indicator``: names, kinds, composite weights);
- when the computed figures of the year were last rebuilt (``figures.refresh``).

Counts catch deletions, the latest ``updated_at`` catches inserts and edits, so any write through the
models shows at once; nothing has to remember to invalidate. An entry that read computed figures first
lets ``figures.ensure_fresh`` rebuild stale ones (as an uncached read would), so records changed since show
as promptly as without the cache. ``TARGETS_BOARD_CACHE_SECONDS`` bounds an entry's life (0 turns the cache
off); with several web processes, configure a shared ``CACHES`` backend to share entries — correctness
does not depend on it, since the version comes from the database.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import F, Func, QuerySet, Subquery

from gonghui.core.models import ChangeLog
from gonghui.core.querysets import scope_q
from gonghui.orgs.models import Organization
from gonghui.targets import figures
from gonghui.targets.models import FigureRefresh, Indicator, Plan, QuarterlyReport, Target, Task

T = TypeVar("T")
PREFIX = "targets:board:v1:"


def timeout() -> int:
    return getattr(settings, "TARGETS_BOARD_CACHE_SECONDS", 900)


def _aggregate(queryset: QuerySet, function: str, field: str) -> Subquery:
    """``(SELECT function(field) FROM … WHERE …)`` as an expression (Func, not an aggregate: no GROUP BY)."""
    return Subquery(queryset.order_by().annotate(_v=Func(F(field), function=function)).values("_v")[:1])


def version(org: Organization, year: int) -> tuple:
    """Everything the board of ``org`` for ``year`` is computed from, as one row read in one statement."""
    return _read(org, year)[0]


def _read(org: Organization, year: int) -> tuple[tuple, bool]:
    """(the version, whether the year's figures are current) — ``figures.ensure_fresh``'s test, read in
    the same statement so that a warm view needs no query of its own for it."""
    from gonghui.members.models import MembershipEvent

    # The units a board shows are the organisation and its direct sub-units with targets, and the
    # dashboard's late-report list every unit below with targets: reach them from the year's targets (few)
    # rather than the organisation's subtree (a city's is every union in it).
    targets = Target.objects.filter(year=year, org__path__subtree=org.path)
    stamped = {
        "units": Organization.objects.filter(pk__in=targets.values("org_id")),
        "plan": Plan.objects.filter(org=org, year=year),
        "targets": targets,
        "reports": QuarterlyReport.objects.filter(org__in=targets.values("org_id"), year=year),
        "tasks": Task.objects.filter(org__path__subtree=org.path),
    }
    columns: dict[str, Any] = {}
    for name, queryset in stamped.items():
        columns[f"{name}_n"] = _aggregate(queryset, "COUNT", "pk")
        columns[f"{name}_at"] = _aggregate(queryset, "MAX", "updated_at")
    indicator_type = ContentType.objects.get_for_model(Indicator)
    # The change log only grows: its count of indicator changes moves with every edit of the catalog (a
    # MAX(id) here would walk the whole log backwards on PostgreSQL when indicators rarely change).
    columns["catalog"] = _aggregate(ChangeLog.objects.filter(content_type=indicator_type), "COUNT", "pk")
    marker = FigureRefresh.objects.filter(pk=year)
    columns["figures"] = _aggregate(marker, "MAX", "refreshed_at")
    freshness = {
        "stale": Subquery(marker.values("stale")[:1]),
        "watermark": Subquery(marker.values("event_watermark")[:1]),
        "events": _aggregate(MembershipEvent.objects.all(), "MAX", "pk"),
    }
    row = Organization.objects.filter(pk=org.pk).annotate(**columns, **freshness).values_list(*columns, *freshness)
    found = row.first()
    if found is None:
        return (), False
    stamps, (stale, watermark, events) = found[: len(columns)], found[len(columns) :]
    current = stale is False and watermark == (events or 0)
    return tuple(_text(value) for value in stamps), current  # the figures' refresh time comes last


def _text(value) -> str:
    return value.isoformat() if isinstance(value, datetime.datetime) else str(value)


def _scope(user) -> str:
    """The user's data scope on what the board reads: users who see the same units share entries."""
    return repr(tuple(scope_q(user, model, "view") for model in (Target, Organization, QuarterlyReport, Task)))


def _key(parts: tuple, user) -> str:
    digest = hashlib.sha256(repr((parts, _scope(user))).encode()).hexdigest()
    return PREFIX + digest


def fetch(
    parts: tuple,
    user,
    org: Organization,
    year: int,
    build: Callable[[], tuple[T, datetime.datetime | None]],
) -> T:
    """The cached value of ``parts`` if its inputs have not changed since, else ``build()`` stored anew.

    ``build`` returns the value and, when it read computed figures, their refresh time (else None).
    """
    seconds = timeout()
    if seconds <= 0:
        return build()[0]
    key = _key(parts, user)
    entry = cache.get(key)
    # The version is read before building: a write that lands while we build leaves an older version
    # stored, so the next read rebuilds instead of serving the write's absence.
    current, figures_current = _read(org, year)
    if entry is not None and entry[1] and not figures_current:
        # An entry that read computed figures: let stale ones be rebuilt (or queued) first, exactly as an
        # uncached read would, and compare with the version after that.
        figures.ensure_fresh(year)
        current, _current = _read(org, year)
    if entry is not None and entry[0] == current:
        return entry[2]
    value, refreshed = build()
    if refreshed is not None and current:
        # The build may have rebuilt stale figures itself: it holds the figures of that refresh.
        current = (*current[:-1], _text(refreshed))
    cache.set(key, (current, refreshed is not None, value), seconds)
    return value
