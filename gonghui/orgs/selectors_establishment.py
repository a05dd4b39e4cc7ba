"""Readers for 建会 and 换届: every queryset is restricted to the user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from gonghui.orgs.models import UNION_TYPES, Employer, Organization, OrgStatus, OrgType
from gonghui.orgs.models_establishment import (
    OPEN_STATES,
    EstablishmentCase,
    LeadSource,
    ReElection,
    ReElectionStatus,
)

SIZE_BANDS = ((100, None, "≥100 人"), (25, 99, "25–99 人"))
# Unions whose term the re-election lists follow (groups below a union have no committee of their own).
TERM_TYPES = tuple(t for t in OrgType.values if t not in (OrgType.GROUP, OrgType.ONLINE_HOME))


def cases_for(user, action: str = "view") -> QuerySet:
    return EstablishmentCase.objects.restrict(user, action).select_related("org", "created_union")


def overdue_cases(user, today: datetime.date | None = None) -> QuerySet:
    """超期案卷 of the user's subtree: open cases whose current step is past its deadline. The parent union
    and every ancestor above it see them (the case belongs to the parent)."""
    today = today or timezone.localdate()
    return cases_for(user).filter(state__in=OPEN_STATES, deadline__lt=today).order_by("deadline", "pk")


@dataclass(frozen=True)
class Lead:
    """建会线索: an employer (or an employer name from join applications) that should have a union."""

    source: str
    employer: Employer | None
    employer_name: str
    staff_count: int
    band: str
    applicants: int
    unions: str
    responsible: Organization | None

    @property
    def source_label(self) -> str:
        return LeadSource(self.source).label


def _employers_with_open_case() -> QuerySet:
    return EstablishmentCase.objects.filter(state__in=OPEN_STATES).values("employers")


def leads_for(user, *, band: str = "", q: str = "") -> list[Lead]:
    """Two kinds of leads in the user's scope: the member registry's join-cluster signal (以入会促建会,
    gonghui.members.join.establishment_leads) and employers in a size band (≥100, 25–99 staff) without a
    union. Employers that already have an open case are left out."""
    from gonghui.members.join import establishment_leads

    busy = set(_employers_with_open_case().values_list("employers", flat=True))
    leads: list[Lead] = []
    seen: set[int] = set()
    if band in ("", "cluster"):
        for item in establishment_leads(user):
            employer = item.employer
            if employer is not None and (employer.pk in busy or employer.pk in seen):
                continue
            if q and q not in item.employer_name:
                continue
            if employer is not None:
                seen.add(employer.pk)
            leads.append(
                Lead(
                    LeadSource.JOIN_CLUSTER,
                    employer,
                    item.employer_name,
                    employer.staff_count if employer else 0,
                    "入会申请聚集",
                    item.applicants,
                    item.unions,
                    employer.org if employer else None,
                )
            )
    if band != "cluster":
        employers = Employer.objects.restrict(user, "view").filter(union__isnull=True).select_related("org")
        if q:
            employers = employers.filter(Q(name__icontains=q) | Q(uscc=q.strip().upper()))
        if band == "100":
            employers = employers.filter(staff_count__gte=100)
        elif band == "25":
            employers = employers.filter(staff_count__gte=25, staff_count__lt=100)
        else:
            employers = employers.filter(staff_count__gte=25)
        for employer in employers.exclude(pk__in=busy).order_by("-staff_count", "name", "pk"):
            if employer.pk in seen:
                continue
            label = "≥100 人" if employer.staff_count >= 100 else "25–99 人"
            leads.append(
                Lead(LeadSource.SIZE_BAND, employer, employer.name, employer.staff_count, label, 0, "", employer.org)
            )
    return leads


def parents_for(user) -> QuerySet:
    """Unions a case may be filed under: in scope for adding, not dissolved, able to hold a union."""
    return (
        Organization.objects.restrict(user, "add")
        .exclude(status=OrgStatus.DISSOLVED)
        .exclude(org_type__in=(*UNION_TYPES, OrgType.GROUP, OrgType.ONLINE_HOME))
    )


# --- re-election ---------------------------------------------------------------------------------------


def reelections_for(user, action: str = "view") -> QuerySet:
    return ReElection.objects.restrict(user, action).select_related("org")


def _months_ahead(day: datetime.date, months: int) -> datetime.date:
    from gonghui.orgs.services_establishment import _months_before

    return _months_before(day, -months)


def term_orgs(user, *, today: datetime.date | None = None, window: str = "due") -> QuerySet:
    """Unions of the user's subtree by term end: ``overdue`` (term ended), ``due`` (ends within six
    months, overdue included) or ``three`` (within three months). Annotated with whether a re-election
    is under way."""
    today = today or timezone.localdate()
    orgs = Organization.objects.restrict(user, "view").filter(
        status=OrgStatus.ACTIVE, term_end__isnull=False, org_type__in=TERM_TYPES
    )
    if window == "overdue":
        orgs = orgs.filter(term_end__lt=today)
    elif window == "three":
        orgs = orgs.filter(term_end__lte=_months_ahead(today, 3))
    else:
        orgs = orgs.filter(term_end__lte=_months_ahead(today, 6))
    open_election = ReElection.objects.filter(
        org=OuterRef("pk"), status__in=(ReElectionStatus.PLANNED, ReElectionStatus.HELD)
    )
    return orgs.annotate(reelection_open=Exists(open_election)).order_by("term_end", "path")
