"""Readers for health checks and recuperation, restricted to the user.

A batch or a route is run by a union above the ones that take part, so a union sees it when it may see the
batch itself or an allocation of its places (a route: a quota for the route's year under the route's
organiser). The allocations and quotas a user sees are those ``restrict`` gives and, for a user who may see
allocations (quotas) at all, the ones given to their own union's ancestors: the places a grassroots union
books from were given to its district.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from gonghui.core.querysets import can
from gonghui.programmes.models.health import (
    HOLDING,
    AppointmentStatus,
    ExamVehicleVisit,
    HealthCheckAllocation,
    HealthCheckAppointment,
    HealthCheckBatch,
)
from gonghui.programmes.models.recuperation import (
    ParticipantStatus,
    RecuperationGroup,
    RecuperationParticipant,
    RecuperationQuota,
    RecuperationRoute,
)
from gonghui.programmes.services_health import ancestor_paths


def _upward(user, model) -> Q | None:
    """The rows of ``model`` (allocations, quotas) given to the user's own union or its ancestors."""
    if not getattr(user, "org_id", None) or not can(user, model, "view"):
        return None
    return Q(org__path__in=ancestor_paths(user.org.path))


def visible_allocations(user) -> QuerySet[HealthCheckAllocation]:
    queryset = HealthCheckAllocation.objects.restrict(user, "view")
    upward = _upward(user, HealthCheckAllocation)
    if upward is None:
        return queryset
    return HealthCheckAllocation.objects.filter(Q(pk__in=queryset.values("pk")) | upward)


def batches_for(user, action: str = "view") -> QuerySet[HealthCheckBatch]:
    own = HealthCheckBatch.objects.restrict(user, action)
    if action != "view":
        return own.select_related("org")
    allocated = visible_allocations(user).values("batch_id")
    return HealthCheckBatch.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=allocated)).select_related("org")


def allocations_for(user, batch: HealthCheckBatch) -> QuerySet[HealthCheckAllocation]:
    """The batch's allocations the user sees: all of them for whoever may see the batch itself."""
    queryset = HealthCheckAllocation.objects.filter(batch=batch).select_related("org")
    if HealthCheckBatch.objects.restrict(user, "view").filter(pk=batch.pk).exists():
        return queryset
    return queryset.filter(pk__in=visible_allocations(user).values("pk"))


def appointments_for(user, action: str = "view") -> QuerySet[HealthCheckAppointment]:
    return HealthCheckAppointment.objects.restrict(user, action).select_related(
        "org", "member", "batch", "visit__employer"
    )


def visits_for(user, action: str = "view") -> QuerySet[ExamVehicleVisit]:
    return ExamVehicleVisit.objects.restrict(user, action).select_related("org", "employer", "batch")


@dataclass
class AllocationProgress:
    allocation: HealthCheckAllocation
    booked: int
    completed: int
    no_show: int

    @property
    def used(self) -> int:
        return self.booked + self.completed + self.no_show

    @property
    def free(self) -> int:
        return max(0, self.allocation.slots - self.used)

    @property
    def completed_percent(self) -> int:
        return int(self.completed * 100 / self.allocation.slots) if self.allocation.slots else 0


def allocation_progress(user, batch: HealthCheckBatch) -> list[AllocationProgress]:
    """Per allocation the user sees: places used and checks completed (one query)."""
    allocations = list(allocations_for(user, batch))
    counts: dict[tuple[int, str], int] = {}
    rows = (
        HealthCheckAppointment.objects.filter(allocation__in=allocations, status__in=HOLDING)
        .values_list("allocation_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for allocation_id, status, n in rows:
        counts[(allocation_id, status)] = n
    return [
        AllocationProgress(
            a,
            counts.get((a.pk, AppointmentStatus.BOOKED), 0),
            counts.get((a.pk, AppointmentStatus.COMPLETED), 0),
            counts.get((a.pk, AppointmentStatus.NO_SHOW), 0),
        )
        for a in allocations
    ]


# --- recuperation -------------------------------------------------------------------------------


def routes_for(user, action: str = "view") -> QuerySet[RecuperationRoute]:
    own = RecuperationRoute.objects.restrict(user, action)
    if action != "view":
        return own.select_related("org")
    clauses = Q(pk__in=own.values("pk"))
    quotas = RecuperationQuota.objects.restrict(user, "view")
    upward = _upward(user, RecuperationQuota)
    if upward is not None:
        quotas = RecuperationQuota.objects.filter(Q(pk__in=quotas.values("pk")) | upward)
    for org_path, year in quotas.values_list("org__path", "year").distinct().order_by():
        clauses |= Q(year=year, org__path__in=ancestor_paths(org_path))
    return RecuperationRoute.objects.filter(clauses).select_related("org")


def groups_for(user, route: RecuperationRoute) -> QuerySet[RecuperationGroup]:
    holding = ~Q(participants__status=ParticipantStatus.CANCELLED)
    return route.groups.annotate(taken=Count("participants", filter=holding)).order_by("start_on", "pk")


def participants_for(user, action: str = "view") -> QuerySet[RecuperationParticipant]:
    return RecuperationParticipant.objects.restrict(user, action).select_related(
        "org", "member", "group", "group__route", "honour"
    )


def quotas_for(user, action: str = "view") -> QuerySet[RecuperationQuota]:
    return RecuperationQuota.objects.restrict(user, action).select_related("org")


def quota_usage(quota: RecuperationQuota) -> int:
    return (
        RecuperationParticipant.objects.filter(year=quota.year, org__path__subtree=quota.org.path)
        .exclude(status=ParticipantStatus.CANCELLED)
        .count()
    )
