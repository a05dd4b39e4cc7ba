"""Readers for announcements and messages. Every function takes the user and returns only what they may see.

An announcement is visible to a user who holds the announcement view permission when it is
(a) within their data scope (issued by a unit they manage), or
(b) published and addressed to their own unit (the inbox).
Messages are visible to their recipient only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from gonghui.core.querysets import scope_q
from gonghui.notices.models import (
    Announcement,
    AnnouncementReceipt,
    AnnouncementStatus,
    AnnouncementTarget,
    AudienceMode,
    Message,
)
from gonghui.orgs.models import Organization


def _ancestor_paths(org: Organization) -> list[str]:
    """The paths of ``org`` and every ancestor (materialised path prefixes)."""
    steplen = Organization.steplen
    return [org.path[: steplen * depth] for depth in range(1, len(org.path) // steplen + 1)]


def inbox_q(user: Any) -> Q | None:
    """Published announcements addressed to the user's unit; None when the user has no unit."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active or not user.org_id:
        return None
    paths = _ancestor_paths(user.org)
    chosen = AnnouncementTarget.objects.filter(announcement=OuterRef("pk")).filter(
        Q(org_id=user.org_id) | Q(include_subtree=True, org__path__in=paths)
    )
    return Q(status=AnnouncementStatus.PUBLISHED) & (
        Q(audience_mode=AudienceMode.SUBTREE, org__path__in=paths)
        | (Q(audience_mode=AudienceMode.UNITS) & Exists(chosen))
    )


def visible_announcements(user: Any) -> QuerySet:
    """Announcements the user may open: managed ones in scope plus their inbox. Nothing without the permission."""
    managed = scope_q(user, Announcement, "view")
    if managed is None:
        return Announcement.objects.none()
    queryset = Announcement.objects.select_related("org", "published_by")
    if not managed:  # an empty Q means all rows; OR-ing it with anything would lose that
        return queryset.all()
    inbox = inbox_q(user)
    return queryset.filter(managed | inbox) if inbox is not None else queryset.filter(managed)


def inbox_announcements(user: Any) -> QuerySet:
    if scope_q(user, Announcement, "view") is None:
        return Announcement.objects.none()
    inbox = inbox_q(user)
    if inbox is None:
        return Announcement.objects.none()
    return Announcement.objects.select_related("org", "published_by").filter(inbox)


def managed_announcements(user: Any, action: str = "view") -> QuerySet:
    return Announcement.objects.restrict(user, action).select_related("org", "published_by")


def with_read_counts(queryset: QuerySet) -> QuerySet:
    receipts = (
        AnnouncementReceipt.objects.filter(announcement=OuterRef("pk"))
        .order_by()
        .values("announcement")
        .annotate(c=Count("pk"))
        .values("c")
    )
    return queryset.annotate(read_count=Coalesce(Subquery(receipts, output_field=IntegerField()), Value(0)))


def is_recipient(user: Any, announcement: Announcement) -> bool:
    inbox = inbox_q(user)
    if inbox is None or user.pk == announcement.published_by_id:
        return False
    return Announcement.objects.filter(pk=announcement.pk).filter(inbox).exists()


def audience_orgs(announcement: Announcement) -> QuerySet:
    """The units an announcement is addressed to (its whole subtree, or the chosen units)."""
    if announcement.audience_mode == AudienceMode.SUBTREE:
        return Organization.objects.filter(path__subtree=announcement.org.path)
    condition = Q(pk__in=[])
    exact: list[int] = []
    for target in announcement.targets.select_related("org"):
        if target.include_subtree:
            condition |= Q(path__subtree=target.org.path)
        else:
            exact.append(target.org_id)
    if exact:
        condition |= Q(pk__in=exact)
    return Organization.objects.filter(condition)


def announcement_recipients(announcement: Announcement) -> QuerySet:
    """Every active user whose unit is in the audience, except the one who published it."""
    queryset = (
        get_user_model()
        .objects.filter(is_active=True, org__in=audience_orgs(announcement).values("pk"))
        .select_related("org")
    )
    if announcement.published_by_id:
        queryset = queryset.exclude(pk=announcement.published_by_id)
    return queryset


def users_who_may_view_announcements(users: QuerySet) -> QuerySet:
    """Of ``users``, those whose roles grant the announcement view permission (or superusers)."""
    permission = Permission.objects.filter(content_type__app_label="notices", codename="view_announcement").values("pk")
    granted = users.filter(roles__is_active=True, roles__permissions__in=permission).values("pk")
    return users.filter(Q(is_superuser=True) | Q(pk__in=granted))


def receipt_summary(announcement: Announcement) -> dict:
    """Per recipient unit: how many users, how many have read; plus the totals."""
    read_ids = AnnouncementReceipt.objects.filter(announcement=announcement).values("user_id")
    rows = list(
        announcement_recipients(announcement)
        .order_by()
        .values("org_id", "org__name", "org__path")
        .annotate(total=Count("pk"), read=Count("pk", filter=Q(pk__in=read_ids)))
        .order_by("org__path")
    )
    for row in rows:
        row["unread"] = row["total"] - row["read"]
    total = sum(row["total"] for row in rows)
    read = sum(row["read"] for row in rows)
    return {"units": rows, "total": total, "read": read, "unread": total - read}


def unread_recipients(announcement: Announcement, org_id: int | None = None) -> QuerySet:
    read_ids = AnnouncementReceipt.objects.filter(announcement=announcement).values("user_id")
    queryset = announcement_recipients(announcement).exclude(pk__in=read_ids)
    if org_id:
        queryset = queryset.filter(org_id=org_id)
    return queryset.order_by("org__path", "username")


def recent_announcements_for(user: Any) -> QuerySet:
    """Published announcements the user may open, newest first (the home page shows a few)."""
    return visible_announcements(user).filter(status=AnnouncementStatus.PUBLISHED).order_by("-published_at", "-pk")


# --- messages ---------------------------------------------------------------------------------


def messages_for(user: Any) -> QuerySet:
    if user is None or not getattr(user, "is_authenticated", False):
        return Message.objects.none()
    return Message.objects.filter(recipient=user)


def unread_message_count(user: Any) -> int:
    return messages_for(user).filter(is_read=False).count()
