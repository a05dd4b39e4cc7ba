"""Readers for 职工互助保障: restricted querysets, who may see health details, overdue claims, and the figures
(claims rate, approval rate, days from submission to payment, paid amounts) by plan and by unit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from gonghui.core.querysets import permission_scope_q, scope_q
from gonghui.orgs.models import Organization
from gonghui.programmes.models.mutualaid import (
    HEALTH_PERMISSION,
    ClaimState,
    EnrolmentStatus,
    MutualAidClaim,
    MutualAidClaimDocument,
    MutualAidEnrolment,
    MutualAidPayment,
    MutualAidPlan,
)

OPEN_STATES = (ClaimState.SUBMITTED, ClaimState.APPROVED)
DECIDED_STATES = (ClaimState.APPROVED, ClaimState.REJECTED, ClaimState.PAID)
GRANTED_STATES = (ClaimState.APPROVED, ClaimState.PAID)


def plans_for(user: Any, action: str = "view") -> QuerySet[MutualAidPlan]:
    """Plans in the user's scope, and for reading also the plans their federations above run: a city plan is
    offered to every union below it, which enrol their members in it (only its owner's scope may change it)."""
    if action != "view":
        return MutualAidPlan.objects.restrict(user, action).select_related("org")
    condition = scope_q(user, MutualAidPlan, "view")
    if condition is None:
        return MutualAidPlan.objects.none()
    if condition and user.org_id:
        path, step = user.org.path, Organization.steplen
        condition |= Q(org__path__in=[path[:end] for end in range(step, len(path), step)])
    return MutualAidPlan.objects.filter(condition).select_related("org")


def plan_or_404(user: Any, pk: Any, action: str = "view") -> MutualAidPlan:
    plan = plans_for(user, action).filter(pk=pk).first() if str(pk).isdigit() else None
    if plan is None:
        raise Http404("计划不存在或不在您的数据权限范围内。")
    return plan


def enrolments_for(user: Any, action: str = "view") -> QuerySet[MutualAidEnrolment]:
    return MutualAidEnrolment.objects.restrict(user, action).select_related("plan", "org", "member")


def payments_for(user: Any, action: str = "view") -> QuerySet[MutualAidPayment]:
    return MutualAidPayment.objects.restrict(user, action).select_related("plan", "org")


def claims_for(user: Any, action: str = "view") -> QuerySet[MutualAidClaim]:
    return MutualAidClaim.objects.restrict(user, action).select_related("plan", "org", "enrolment__member")


def may_view_health(user: Any, claim: MutualAidClaim) -> bool:
    """Health details and documents: the claim must be within the scope of a role holding the permission."""
    condition = permission_scope_q(user, MutualAidClaim, HEALTH_PERMISSION)
    if condition is None:
        return False
    return MutualAidClaim.objects.filter(condition).filter(pk=claim.pk).exists()


def document_for(user: Any, claim: MutualAidClaim, pk: int) -> MutualAidClaimDocument | None:
    if not may_view_health(user, claim):
        return None
    return MutualAidClaimDocument.objects.filter(claim=claim, pk=pk).first()


def overdue_q(today: datetime.date) -> Q:
    return Q(state=ClaimState.SUBMITTED, review_due__lt=today) | Q(state=ClaimState.APPROVED, pay_due__lt=today)


def warning_q(today: datetime.date, days: int = 3) -> Q:
    soon = today + datetime.timedelta(days=days)
    return Q(state=ClaimState.SUBMITTED, review_due__gte=today, review_due__lte=soon) | Q(
        state=ClaimState.APPROVED, pay_due__gte=today, pay_due__lte=soon
    )


def overdue_claims(user: Any, today: datetime.date, action: str = "view") -> QuerySet[MutualAidClaim]:
    """超时预警: claims past (or within three days of) their review or payment deadline."""
    return claims_for(user, action).filter(overdue_q(today) | warning_q(today)).order_by("review_due", "pk")


# --- figures ------------------------------------------------------------------------------------------


@dataclass
class FigureRow:
    label: str
    key: Any = None
    enrolled: int = 0
    claims: int = 0
    decided: int = 0
    granted: int = 0
    paid: int = 0
    paid_amount: Decimal = Decimal(0)
    payment_days: list[int] = field(default_factory=list, repr=False)

    @property
    def claims_rate(self) -> Decimal | None:
        """理赔率: claims ÷ enrolled."""
        return (Decimal(self.claims) / self.enrolled).quantize(Decimal("0.0001")) if self.enrolled else None

    @property
    def approval_rate(self) -> Decimal | None:
        """核准率: approved or paid ÷ decided."""
        return (Decimal(self.granted) / self.decided).quantize(Decimal("0.0001")) if self.decided else None

    @property
    def average_days(self) -> Decimal | None:
        if not self.payment_days:
            return None
        return (Decimal(sum(self.payment_days)) / len(self.payment_days)).quantize(Decimal("0.1"))

    @property
    def claims_percent(self) -> str:
        return "—" if self.claims_rate is None else f"{self.claims_rate * 100:.2f}%"

    @property
    def approval_percent(self) -> str:
        return "—" if self.approval_rate is None else f"{self.approval_rate * 100:.2f}%"

    def add(self, other: FigureRow) -> None:
        self.enrolled += other.enrolled
        self.claims += other.claims
        self.decided += other.decided
        self.granted += other.granted
        self.paid += other.paid
        self.paid_amount += other.paid_amount
        self.payment_days.extend(other.payment_days)


def _claim_counts():
    return {
        "claims": Count("pk"),
        "decided": Count("pk", filter=Q(state__in=DECIDED_STATES)),
        "granted": Count("pk", filter=Q(state__in=GRANTED_STATES)),
        "paid": Count("pk", filter=Q(state=ClaimState.PAID)),
        "paid_amount": Sum("approved_amount", filter=Q(state=ClaimState.PAID)),
    }


def _fill(rows: dict, key_field: str, enrolments: QuerySet, claims: QuerySet) -> None:
    for row in enrolments.values(key_field).annotate(n=Count("pk")).order_by():
        if row[key_field] in rows:
            rows[row[key_field]].enrolled = row["n"]
    for row in claims.values(key_field).annotate(**_claim_counts()).order_by():
        target = rows.get(row[key_field])
        if target is None:
            continue
        target.claims, target.decided, target.granted = row["claims"], row["decided"], row["granted"]
        target.paid, target.paid_amount = row["paid"], row["paid_amount"] or Decimal(0)
    paid = claims.filter(state=ClaimState.PAID).values_list(key_field, "submitted_at", "paid_on")
    for key, submitted_at, paid_on in paid.iterator():
        if key in rows:
            rows[key].payment_days.append((paid_on - timezone.localtime(submitted_at).date()).days)


def _scoped(user: Any, unit: Organization, plans: QuerySet) -> tuple[QuerySet, QuerySet]:
    enrolments = MutualAidEnrolment.objects.restrict(user, "view").filter(
        plan__in=plans, status=EnrolmentStatus.ACTIVE, org__path__subtree=unit.path
    )
    claims = MutualAidClaim.objects.restrict(user, "view").filter(plan__in=plans, org__path__subtree=unit.path)
    return enrolments, claims


def figures_by_plan(user: Any, unit: Organization, plans: QuerySet) -> tuple[list[FigureRow], FigureRow]:
    plans = list(plans.order_by("-period_start", "name"))
    rows = {plan.pk: FigureRow(label=str(plan), key=plan) for plan in plans}
    enrolments, claims = _scoped(user, unit, [plan.pk for plan in plans])
    _fill(rows, "plan_id", enrolments, claims)
    total = FigureRow(label="合计")
    for row in rows.values():
        total.add(row)
    return list(rows.values()), total


def figures_by_unit(user: Any, unit: Organization, plans: QuerySet) -> tuple[list[FigureRow], FigureRow]:
    """The unit's own records and each child's subtree, so the rows add up to the unit's figure."""
    children = list(
        Organization.objects.restrict(user, "view").filter(path__startswith=unit.path, depth=unit.depth + 1)
    )
    children.sort(key=lambda org: org.path)
    enrolments, claims = _scoped(user, unit, list(plans.values_list("pk", flat=True)))
    length = len(unit.path) + Organization.steplen
    rows = {child.path: FigureRow(label=child.name, key=child) for child in children}
    rows[unit.path] = FigureRow(label=f"{unit.name}（本级）", key=unit)
    cut = Substr("org__path", 1, length)
    _fill(rows, "_unit", enrolments.annotate(_unit=cut), claims.annotate(_unit=cut))
    own = rows.pop(unit.path)  # records the unit itself owns: their cut path is the unit's own
    ordered = [own, *rows.values()] if (own.enrolled or own.claims) else list(rows.values())
    total = FigureRow(label="合计")
    for row in ordered:
        total.add(row)
    return ordered, total
