"""Computed indicator sources: indicator key → a value over an organisation's subtree and a period, in SQL.

A module registers a source for each indicator its records answer, with ``register``. The one shape
every source has: a queryset of records, the date that places a record in a period, the organisation
whose subtree it counts in, and the aggregate that turns records into a value. From that one
declaration the same numbers come two ways:

- live (``value``, ``values_by_unit``): straight from the records, used by quarterly reports and the
  drill-down to the records;
- rolled up per month into ``Figure`` rows (``figures.refresh``), which dashboards and rankings read.

A stock source (``stock=True``, e.g. members in total) adds up every record dated up to the period's end;
its records carry +1 / −1 so joins and departures net out.

Later modules (stations, assistance, mutual aid, …) add theirs in their ``apps.ready``::

    register(RecordSource(key="stations_built", model="programmes.Station", date_field="built_on",
                          records_page=("programmes:station_list", "within", "built_from", "built_to", "")))
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils.http import urlencode

from gonghui.orgs.models import Organization, OrgType
from gonghui.utilities.periods import Period

ZERO = Decimal("0")


@dataclass(frozen=True)
class RecordSource:
    key: str
    model: str  # "app_label.ModelName"
    date_field: str
    #: path to the owning organisation; "" when the records are organisations themselves
    org_field: str = "org"
    filter: Q = field(default_factory=Q)
    #: the aggregate over the records; counts them by default
    value: Callable[[], Any] = lambda: Count("pk")
    stock: bool = False
    #: (url name, subtree parameter, from-date parameter, to-date parameter, fixed parameters) of the list
    #: page that shows the records behind a figure
    records_page: tuple[str, str, str, str, str] | None = None

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def path_field(self) -> str:
        return f"{self.org_field}__path" if self.org_field else "path"

    @property
    def org_id_field(self) -> str:
        return f"{self.org_field}_id" if self.org_field else "pk"

    def records(self) -> models.QuerySet:
        """All records that count for this source (no scope: callers restrict through the organisation)."""
        return self.model_class._default_manager.filter(self.filter)

    def in_period(self, queryset: models.QuerySet, period: Period) -> models.QuerySet:
        if self.stock:
            return queryset.filter(**{f"{self.date_field}__lte": period.end})
        return queryset.filter(**{f"{self.date_field}__range": (period.start, period.end)})

    def records_link(self, org: Organization, period: Period) -> str:
        """The list page of the records behind the figure of ``org`` in ``period``."""
        if not self.records_page:
            return ""
        url_name, within, date_from, date_to, fixed = self.records_page
        query = {within: org.pk, date_to: period.end.isoformat()}
        if not self.stock:
            query[date_from] = period.start.isoformat()
        return f"{reverse(url_name)}?{urlencode(query)}{'&' + fixed if fixed else ''}"


_REGISTRY: dict[str, RecordSource] = {}


def register(source: RecordSource) -> RecordSource:
    if source.key in _REGISTRY and _REGISTRY[source.key] != source:
        raise ValueError(f"a source for {source.key!r} is already registered")
    _REGISTRY[source.key] = source
    return source


def get(key: str) -> RecordSource | None:
    return _REGISTRY.get(key)


def registered() -> dict[str, RecordSource]:
    return dict(_REGISTRY)


def _aggregate(source: RecordSource, queryset: models.QuerySet) -> Decimal:
    result = queryset.aggregate(result=source.value())["result"]
    return Decimal(result or 0)


def value(key: str, org: Organization, period: Period) -> Decimal:
    """The source's value over ``org``'s whole subtree in ``period``, live from the records."""
    source = _REGISTRY[key]
    queryset = source.in_period(source.records(), period).filter(**{f"{source.path_field}__subtree": org.path})
    return _aggregate(source, queryset)


def values_by_unit(key: str, units: Sequence[Organization], period: Period) -> dict[int, Decimal]:
    """Each unit's value over its own subtree, live, one query per tree depth among ``units``."""
    source = _REGISTRY[key]
    result = {unit.pk: ZERO for unit in units}
    by_depth: dict[int, list[Organization]] = {}
    for unit in units:
        by_depth.setdefault(len(unit.path), []).append(unit)
    for length, group in by_depth.items():
        paths = {unit.path: unit.pk for unit in group}
        queryset = source.in_period(source.records(), period)
        common = _common_prefix(list(paths))
        if common:
            queryset = queryset.filter(**{f"{source.path_field}__subtree": common})
        queryset = (
            queryset.annotate(_unit_path=Substr(source.path_field, 1, length))
            .filter(_unit_path__in=list(paths))
            .values("_unit_path")
            .annotate(_value=source.value())
            .order_by()
        )
        for row in queryset:
            result[paths[row["_unit_path"]]] = Decimal(row["_value"] or 0)
    return result


def _common_prefix(paths: list[str]) -> str:
    """The longest whole-step path prefix the paths share (the deepest common ancestor's path)."""
    first, last = min(paths), max(paths)
    size = 0
    while size < len(first) and size < len(last) and first[size] == last[size]:
        size += 1
    return first[: size - size % Organization.steplen]


def leaf_values(source: RecordSource, year: int) -> models.QuerySet:
    """Per owning organisation and month of ``year`` (0 = before the year, for stock sources) — the rows
    ``figures.refresh`` rolls up the tree. Columns: leaf_org, leaf_month, leaf_value."""
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31)
    queryset = source.records().filter(**{f"{source.date_field}__lte": end})
    if not source.stock:
        queryset = queryset.filter(**{f"{source.date_field}__gte": start})
    month = Case(
        When(**{f"{source.date_field}__lt": start}, then=Value(0)),
        default=models.functions.ExtractMonth(source.date_field),
        output_field=IntegerField(),
    )
    return (
        queryset.annotate(leaf_org=models.F(source.org_id_field), leaf_month=month)
        .values("leaf_org", "leaf_month")
        .annotate(leaf_value=source.value())
        .order_by()
    )


# --- the sources the member registry and the organisation tree answer ---------------------------


def _signed_membership() -> Any:
    from gonghui.members.models import EventKind

    return Coalesce(
        Sum(
            Case(
                When(kind__in=[EventKind.JOIN, EventKind.REJOIN, EventKind.TRANSFER_IN], then=Value(1)),
                When(kind__in=[EventKind.TRANSFER_OUT, EventKind.LEAVE, EventKind.DEATH], then=Value(-1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        ),
        Value(0),
    )


JOINS = Q(kind__in=["join", "rejoin"])
MEMBER_PAGE = ("members:member_list", "within", "joined_from", "joined_to", "")
ORG_PAGE = ("orgs:org_list", "within", "founded_from", "founded_to", "")
UNION_TYPES = (OrgType.GRASSROOTS, OrgType.JOINT)
JOINT_TYPES = (OrgType.JOINT, OrgType.ALLIANCE)

MEMBER_SOURCES: Iterable[RecordSource] = (
    RecordSource(
        key="members_recruited",
        model="members.MembershipEvent",
        date_field="date",
        filter=JOINS,
        records_page=MEMBER_PAGE,
    ),
    RecordSource(
        key="new_employment_members",
        model="members.MembershipEvent",
        date_field="date",
        filter=JOINS & Q(member__employment_category="new_employment"),
        records_page=(*MEMBER_PAGE[:4], "employment_category=new_employment"),
    ),
    RecordSource(
        key="members_total",
        model="members.MembershipEvent",
        date_field="date",
        value=_signed_membership,
        stock=True,
        records_page=(*MEMBER_PAGE[:4], "status=active"),
    ),
    RecordSource(
        key="unions_established",
        model="orgs.Organization",
        date_field="founded_on",
        org_field="",
        filter=Q(org_type__in=UNION_TYPES),
        records_page=ORG_PAGE,
    ),
    RecordSource(
        key="joint_unions_established",
        model="orgs.Organization",
        date_field="founded_on",
        org_field="",
        filter=Q(org_type__in=JOINT_TYPES),
        records_page=ORG_PAGE,
    ),
)

for _source in MEMBER_SOURCES:
    register(_source)
