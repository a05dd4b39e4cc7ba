"""Readers for the member registry. Every function takes the user and returns restricted data,
except the aggregate counts, which carry no personal data and are asked for a visible unit."""

from __future__ import annotations

import datetime
import re

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from gonghui.core.querysets import permission_scope_q
from gonghui.members.models import (
    FULL_PII_PERMISSION,
    EmploymentCategory,
    EventKind,
    Member,
    MembershipEvent,
    MemberStatus,
    NewEmploymentType,
    Transfer,
    id_number_index,
    phone_index,
)
from gonghui.orgs.models import Organization
from gonghui.utilities.idnumber import normalize_id_number
from gonghui.utilities.validators import normalize_phone

_ID_LIKE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_LIKE = re.compile(r"^1\d{10}$")
_CARD_LIKE = re.compile(r"^\d{15}$")


def members_for(user, action: str = "view") -> QuerySet:
    return Member.objects.restrict(user, action).select_related("org", "employer")


# --- full personal data ---------------------------------------------------------------------------


def full_pii_q(user) -> Q | None:
    """The members whose full ID and phone the user may see (the scope of the roles granting it)."""
    return permission_scope_q(user, Member, FULL_PII_PERMISSION)


def has_full_pii_permission(user) -> bool:
    """Whether the user may see full personal data of at least some members."""
    return full_pii_q(user) is not None


def may_view_full_pii(user, member: Member) -> bool:
    condition = full_pii_q(user)
    if condition is None:
        return False
    return Member.objects.restrict(user, "view").filter(condition).filter(pk=member.pk).exists()


def with_full_pii_flag(queryset: QuerySet, user) -> QuerySet:
    """Annotate ``full_pii``: whether this row may be shown (or exported) unmasked to the user."""
    condition = full_pii_q(user)
    if condition is None:
        return queryset.annotate(full_pii=Value(False, output_field=BooleanField()))
    if not condition:
        return queryset.annotate(full_pii=Value(True, output_field=BooleanField()))
    return queryset.annotate(full_pii=Case(When(condition, then=Value(True)), default=Value(False)))


# --- search ------------------------------------------------------------------------------------


def member_search_q(term: str) -> Q:
    """By exact ID number or phone (blind index, never a LIKE on ciphertext), card number, or name."""
    term = (term or "").strip()
    if not term:
        return Q()
    compact = normalize_id_number(term)
    if _ID_LIKE.match(compact):
        return Q(id_number_index=id_number_index(compact))
    phone = normalize_phone(compact)
    if _MOBILE_LIKE.match(phone):
        return Q(phone_index=phone_index(phone))
    if _CARD_LIKE.match(compact):
        return Q(member_card_number=compact)
    return Q(name__icontains=term)


def exact_lookup_q(term: str) -> Q | None:
    """Only an exact identity number, mobile number or card number; None for anything else."""
    condition = member_search_q(term)
    if not condition or "name__icontains" in dict(condition.children):
        return None
    return condition


def search_members(queryset: QuerySet, term: str) -> QuerySet:
    return queryset.filter(member_search_q(term))


# --- one member's history ------------------------------------------------------------------------


def other_memberships(user, member: Member) -> QuerySet:
    """The same person's rows in other unions that the user may see (e.g. the union they left)."""
    return (
        Member.objects.restrict(user, "view")
        .filter(id_number_index=member.id_number_index)
        .exclude(pk=member.pk)
        .select_related("org")
        .order_by("-join_date")
    )


def member_history(user, member: Member) -> QuerySet:
    """Events of this membership and of the person's other memberships the user may see."""
    rows = [member.pk, *other_memberships(user, member).values_list("pk", flat=True)]
    return (
        MembershipEvent.objects.restrict(user, "view")
        .filter(member_id__in=rows)
        .select_related("org", "from_org", "to_org", "approved_by")
        .order_by("-date", "-pk")
    )


def transfers_for(user, action: str = "view") -> QuerySet:
    return Transfer.objects.restrict(user, action).select_related("member", "org", "from_org", "requested_by")


def open_transfer_for(member: Member) -> Transfer | None:
    return Transfer.objects.filter(member=member, state="requested").select_related("org").first()


# --- counts -------------------------------------------------------------------------------------


def member_counts(org: Organization, *, since: datetime.date | None = None, until: datetime.date | None = None) -> dict:
    """Cumulative member figures over ``org`` and every unit below it: one grouped query over the
    members and one over the join events. ``since``/``until`` bound the joins (default: this year)."""
    today = timezone.localdate()
    since = since or datetime.date(today.year, 1, 1)
    until = until or today
    active = Q(status=MemberStatus.ACTIVE)
    aggregates = {
        "active": Count("pk", filter=active),
        "transferred_out": Count("pk", filter=Q(status=MemberStatus.TRANSFERRED_OUT)),
        "left": Count("pk", filter=Q(status=MemberStatus.LEFT)),
        "deceased": Count("pk", filter=Q(status=MemberStatus.DECEASED)),
        "migrant_workers": Count("pk", filter=active & Q(is_migrant_worker=True)),
        "women": Count("pk", filter=active & Q(gender="female")),
    }
    for category in EmploymentCategory:
        aggregates[f"category_{category.value}"] = Count("pk", filter=active & Q(employment_category=category))
    for kind in NewEmploymentType:
        aggregates[f"type_{kind.value}"] = Count("pk", filter=active & Q(new_employment_type=kind))
    row = Member.objects.filter(org__path__subtree=org.path).order_by().aggregate(**aggregates)
    joins = (
        MembershipEvent.objects.filter(
            org__path__subtree=org.path,
            kind__in=(EventKind.JOIN, EventKind.REJOIN),
            date__gte=since,
            date__lte=until,
        )
        .order_by()
        .aggregate(joined=Count("pk"))
    )
    return {
        "active": row["active"],
        "transferred_out": row["transferred_out"],
        "left": row["left"],
        "deceased": row["deceased"],
        "migrant_workers": row["migrant_workers"],
        "women": row["women"],
        "new_employment": row[f"category_{EmploymentCategory.NEW_EMPLOYMENT.value}"],
        "by_category": [
            {"value": c.value, "label": c.label, "count": row[f"category_{c.value}"]} for c in EmploymentCategory
        ],
        "by_new_employment_type": [
            {"value": t.value, "label": t.label, "count": row[f"type_{t.value}"]} for t in NewEmploymentType
        ],
        "joined": joins["joined"],
        "joined_since": since,
        "joined_until": until,
    }
