"""Readers for hardship files: scoped lists, exact lookup by ID or phone, overdue lists and statistics."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from gonghui.core.querysets import permission_scope_q
from gonghui.orgs.models import Organization
from gonghui.programmes.models.hardship import (
    OPEN_STATES,
    PENDING_STATES,
    SENSITIVE_PERMISSION,
    HardshipCause,
    HardshipFile,
    HardshipLevel,
    HardshipState,
)
from gonghui.rights.models.personal import phone_index
from gonghui.utilities.idnumber import parse_id_number
from gonghui.utilities.pii import blind_index


def files_for(user, action: str = "view") -> QuerySet[HardshipFile]:
    return HardshipFile.objects.restrict(user, action).select_related("org", "member")


def may_view_sensitive(user: Any, file: HardshipFile) -> bool:
    condition = permission_scope_q(user, HardshipFile, SENSITIVE_PERMISSION)
    if condition is None:
        return False
    return HardshipFile.objects.filter(condition).filter(pk=file.pk).exists()


def has_sensitive_permission(user: Any) -> bool:
    return permission_scope_q(user, HardshipFile, SENSITIVE_PERMISSION) is not None


def sensitive_q(user: Any) -> Q | None:
    return permission_scope_q(user, HardshipFile, SENSITIVE_PERMISSION)


def exact_lookup_q(term: str) -> Q | None:
    """A full ID number or mobile number as a blind-index condition; None when the term is neither."""
    term = (term or "").strip().upper()
    if len(term) == 18:
        try:
            number = parse_id_number(term).number
        except Exception:
            return None
        return Q(id_number_index=blind_index(number, context=HardshipFile.id_number_context))
    digits = term.replace(" ", "").replace("-", "")
    if len(digits) == 11 and digits.isdigit():
        return Q(phone_index=phone_index(digits, HardshipFile.phone_context))
    return None


def overdue_files(user, today: datetime.date) -> QuerySet[HardshipFile]:
    """Files whose current step (初审, 入户调查, 民政核对, 公示/建档) is past its deadline."""
    return files_for(user).filter(state__in=PENDING_STATES, current_due__lt=today).order_by("current_due", "pk")


def review_overdue_files(user, today: datetime.date) -> QuerySet[HardshipFile]:
    """Filed households whose annual review (年度复核) is past due."""
    return files_for(user).filter(state=HardshipState.FILED, review_due__lt=today).order_by("review_due", "pk")


def statistics(user, root: Organization | None) -> dict:
    """Files by level, cause and state over ``root``'s subtree (or all the user sees), plus per child unit."""
    queryset = HardshipFile.objects.restrict(user, "view")
    if root is not None:
        queryset = queryset.filter(org__path__subtree=root.path)
    filed = queryset.filter(state=HardshipState.FILED)
    by_level = dict(filed.values_list("level").annotate(n=Count("pk")).order_by().values_list("level", "n"))
    by_cause = dict(filed.values_list("cause").annotate(n=Count("pk")).order_by().values_list("cause", "n"))
    by_state = dict(queryset.values_list("state").annotate(n=Count("pk")).order_by().values_list("state", "n"))
    units = []
    if root is not None:
        for child in Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path"):
            sub = queryset.filter(org__path__subtree=child.path)
            counts = dict(
                sub.filter(state=HardshipState.FILED)
                .values_list("level")
                .annotate(n=Count("pk"))
                .order_by()
                .values_list("level", "n")
            )
            units.append(
                {
                    "org": child,
                    "levels": [counts.get(value, 0) for value in HardshipLevel.values],
                    "filed": sum(counts.values()),
                    "pending": sub.filter(state__in=PENDING_STATES).count(),
                    "exited": sub.filter(state__in=(HardshipState.RESOLVED, HardshipState.CLOSED)).count(),
                }
            )
    return {
        "levels": [(label, by_level.get(value, 0)) for value, label in HardshipLevel.choices],
        "causes": [(label, by_cause.get(value, 0)) for value, label in HardshipCause.choices],
        "states": [(label, by_state.get(value, 0)) for value, label in HardshipState.choices],
        "filed": filed.count(),
        "open": queryset.filter(state__in=OPEN_STATES).count(),
        "units": units,
        "level_labels": HardshipLevel.labels,
    }
