"""Readers for legal aid, lawyers, duty slots, committees, contracts and instructors."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from gonghui.rights.models import (
    BargainingInstructor,
    BookingStatus,
    CollectiveContract,
    DutySlot,
    LegalSupervisionCommittee,
)
from gonghui.rights.models.supervision import EXPIRY_NOTICE_DAYS


def expiring_q(today: datetime.date) -> Q:
    return Q(ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS))


def contracts_to_remind(today: datetime.date) -> QuerySet:
    """Across the whole tree (the reminder command runs as the system and tells each union about its own)."""
    return CollectiveContract.objects.filter(expiring_q(today), expiry_notified_on__isnull=True).order_by("ends_on")


def committees_for(user: Any, action: str = "view") -> QuerySet:
    return (
        LegalSupervisionCommittee.objects.restrict(user, action)
        .select_related("org", "employer")
        .annotate(member_count=Count("members", distinct=True), document_count=Count("documents", distinct=True))
    )


def slots_for(user: Any, action: str = "view") -> QuerySet:
    return with_booked(DutySlot.objects.restrict(user, action).select_related("org", "lawyer"))


def with_booked(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))


def public_slots(today: datetime.date, days: int = 14) -> QuerySet:
    """The duty calendar the public phone page shows: the next two weeks, with places left. Public by design:
    a lawyer's name, the centre and the time, never a phone number."""
    return with_booked(
        DutySlot.objects.filter(
            date__gte=today, date__lte=today + datetime.timedelta(days=days), lawyer__is_active=True
        )
        .select_related("lawyer", "org")
        .order_by("date", "start_time", "pk")
    )


def instructors_for(user: Any, action: str = "view") -> QuerySet:
    return BargainingInstructor.objects.restrict(user, action).select_related("org").prefetch_related("assigned_units")
