"""Readers for rights cases: restricted querysets, lights in SQL, who may take which step, figures.

Lights: ``current_due`` is the deadline of the step the case waits for (派单, 首次响应, 办结 or 回访);
past it the case is red, from ``current_warn_at`` on yellow, otherwise green; a closed case has none.
The same rule is ``deadlines.light`` for one case and ``with_light`` / ``overdue_q`` / ``warning_q`` in SQL.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr

from gonghui.core.querysets import permission_scope_q
from gonghui.orgs.models import Organization
from gonghui.rights import deadlines
from gonghui.rights.models import CaseNote, CaseState, RightsCase
from gonghui.rights.models.cases import SATISFIED_VALUES, Satisfaction
from gonghui.rights.models.personal import FULL_PII_PERMISSION
from gonghui.targets.selectors_tasks import Light, unit_choices  # noqa: F401  (re-exported for forms)

OPEN_STATES = (CaseState.REGISTERED, CaseState.DISPATCHED, CaseState.HANDLING, CaseState.RESOLVED)
#: states in which the responsible union still owes work
ACTIVE_STATES = (CaseState.DISPATCHED, CaseState.HANDLING)
#: which deadline each open state waits for
WAITING_FOR = {
    CaseState.REGISTERED: "dispatch",
    CaseState.DISPATCHED: "response",
    CaseState.HANDLING: "resolution",
    CaseState.RESOLVED: "callback",
}


def cases_for(user: Any, action: str = "view") -> QuerySet:
    return RightsCase.objects.restrict(user, action).select_related("org", "received_by")


def case_light(case: RightsCase, now: datetime.datetime) -> str:
    return deadlines.light(now, case.current_due, case.current_warn_at)


def overdue_q(now: datetime.datetime) -> Q:
    return Q(current_due__isnull=False, current_due__lt=now)


def warning_q(now: datetime.datetime) -> Q:
    return Q(current_due__isnull=False, current_due__gte=now, current_warn_at__lte=now)


def with_light(queryset: QuerySet, now: datetime.datetime) -> QuerySet:
    return queryset.annotate(
        light=Case(
            When(current_due__isnull=True, then=Value(Light.CLOSED)),
            When(overdue_q(now), then=Value(Light.RED)),
            When(warning_q(now), then=Value(Light.YELLOW)),
            default=Value(Light.GREEN),
            output_field=CharField(),
        )
    )


def overdue_cases(user: Any, now: datetime.datetime) -> QuerySet:
    """超时预警: open cases in the user's subtree that are past (red) or near (yellow) their current deadline."""
    queryset = cases_for(user, "view").filter(overdue_q(now) | warning_q(now))
    return with_light(queryset, now).order_by("org__path", "current_due", "pk")


def overdue_summary(queryset: QuerySet) -> list[dict]:
    rows = (
        queryset.order_by()
        .values("org_id", "org__name", "org__path")
        .annotate(
            red=Count("pk", filter=Q(light=Light.RED)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        )
        .order_by("org__path")
    )
    return list(rows)


def case_notes(case: RightsCase) -> QuerySet:
    return CaseNote.objects.filter(case=case).order_by("time", "pk")


def note_for_download(user: Any, pk: int) -> CaseNote | None:
    visible = RightsCase.objects.restrict(user, "view").values("pk")
    return CaseNote.objects.filter(case__in=visible, pk=pk).exclude(file="").first()


def may_view_full_pii(user: Any, case: RightsCase) -> bool:
    condition = permission_scope_q(user, RightsCase, FULL_PII_PERMISSION)
    if condition is None:
        return False
    return RightsCase.objects.filter(condition).filter(pk=case.pk).exists()


def rights_recipients(orgs: QuerySet | list) -> QuerySet:
    """Active accounts of these units that may see rights cases: who hears about a case."""
    users = get_user_model().objects.filter(org__in=orgs, is_active=True)
    return users.filter(
        Q(is_superuser=True)
        | Q(
            roles__is_active=True,
            roles__permissions__codename="view_rightscase",
            roles__permissions__content_type__app_label="rights",
        )
    ).distinct()


def ancestors_of(org: Organization) -> QuerySet:
    step = Organization.steplen
    paths = [org.path[:end] for end in range(step, len(org.path), step)]
    return Organization.objects.filter(path__in=paths)


# --- who may do what ---------------------------------------------------------------------------------


def _has(user: Any, case: RightsCase, action: str) -> bool:
    return RightsCase.objects.restrict(user, action).filter(pk=case.pk).exists()


def is_handling_actor(user: Any, case: RightsCase) -> bool:
    """Responsible-union steps (respond, notes, resolve): change_rightscase over the case."""
    return _has(user, case, "change")


def is_supervising_actor(user: Any, case: RightsCase) -> bool:
    """Dispatch, transfer, urge, call back: approve_rightscase over the case, and the user's unit is the
    receiving unit or above it (the 12351 centre that took the call closes the loop)."""
    if not _has(user, case, "approve"):
        return False
    if user.is_superuser:
        return True
    if not user.org_id:
        return False
    return case.received_by.path.startswith(user.org.path)


def available_steps(user: Any, case: RightsCase) -> set[str]:
    steps: set[str] = set()
    state = case.state
    handling = state != CaseState.CLOSED and is_handling_actor(user, case)
    supervising = is_supervising_actor(user, case)
    if handling and state in (CaseState.DISPATCHED, CaseState.HANDLING):
        steps.update({"note", "resolve"})
        if state == CaseState.DISPATCHED:
            steps.add("respond")
    if handling:
        steps.add("edit")
    if supervising:
        if state == CaseState.REGISTERED:
            steps.add("dispatch")
        if state in ACTIVE_STATES:
            steps.update({"transfer", "urge"})
        if state == CaseState.RESOLVED:
            steps.add("callback")
        if state == CaseState.REGISTERED and _has(user, case, "delete"):
            steps.add("delete")
    return steps


# --- figures -------------------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def case_figures(queryset: QuerySet) -> dict:
    """统计: totals, on-time rates and satisfaction over the given (already restricted) cases, in SQL."""
    totals = queryset.aggregate(
        cases=Count("pk"),
        persons=Coalesce(Sum("persons_count"), Value(0)),
        group_incidents=Count("pk", filter=Q(is_group_incident=True)),
        group_persons=Coalesce(Sum("persons_count", filter=Q(is_group_incident=True)), Value(0)),
        amount=Coalesce(Sum("amount_recovered"), Value(0), output_field=RightsCase._meta.get_field("amount_recovered")),
        dispatched=Count("pk", filter=Q(dispatched_at__isnull=False)),
        dispatched_on_time=Count("pk", filter=Q(dispatched_at__lte=F("dispatch_due"))),
        responded=Count("pk", filter=Q(responded_at__isnull=False)),
        responded_on_time=Count("pk", filter=Q(responded_at__lte=F("response_due"))),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        resolved_on_time=Count("pk", filter=Q(resolved_at__lte=F("resolution_due"))),
        called_back=Count("pk", filter=Q(callback_at__isnull=False)),
        called_back_on_time=Count("pk", filter=Q(callback_at__lte=F("callback_due"))),
        rated=Count("pk", filter=Q(satisfaction__in=[*SATISFIED_VALUES, Satisfaction.DISSATISFIED])),
        satisfied=Count("pk", filter=Q(satisfaction__in=SATISFIED_VALUES)),
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
    )
    totals["rates"] = {
        "dispatch": _rate(totals["dispatched_on_time"], totals["dispatched"]),
        "response": _rate(totals["responded_on_time"], totals["responded"]),
        "resolution": _rate(totals["resolved_on_time"], totals["resolved"]),
        "callback": _rate(totals["called_back_on_time"], totals["called_back"]),
        "satisfaction": _rate(totals["satisfied"], totals["rated"]),
    }
    return totals


def breakdown(queryset: QuerySet, field: str, choices) -> list[dict]:
    """Cases and persons per value of ``field`` (channel, category, outcome, tier, state), in choice order."""
    counted = {
        row[field]: row
        for row in queryset.order_by()
        .values(field)
        .annotate(cases=Count("pk"), persons=Coalesce(Sum("persons_count"), Value(0)))
    }
    rows = []
    for value, label in choices:
        row = counted.get(value, {"cases": 0, "persons": 0})
        rows.append({"value": value, "label": label, "cases": row["cases"], "persons": row["persons"]})
    return rows


def by_unit(queryset: QuerySet, units: list[Organization]) -> list[dict]:
    """Per unit (each over its own subtree; the units are siblings): cases, persons, group incidents and the
    on-time resolution rate, in one grouped query."""
    if not units:
        return []
    length = len(units[0].path)
    grouped = (
        queryset.annotate(_unit_path=Substr("org__path", 1, length))
        .filter(_unit_path__in=[unit.path for unit in units])
        .order_by()
        .values("_unit_path")
        .annotate(
            cases=Count("pk"),
            persons=Coalesce(Sum("persons_count"), Value(0)),
            group_incidents=Count("pk", filter=Q(is_group_incident=True)),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            resolved_on_time=Count("pk", filter=Q(resolved_at__lte=F("resolution_due"))),
        )
    )
    found = {row.pop("_unit_path"): row for row in grouped}
    empty = {"cases": 0, "persons": 0, "group_incidents": 0, "resolved": 0, "resolved_on_time": 0}
    rows = []
    for unit in units:
        row = found.get(unit.path, empty)
        rows.append({"unit": unit, **row, "resolution_rate": _rate(row["resolved_on_time"], row["resolved"])})
    return rows
