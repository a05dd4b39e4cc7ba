"""Writers for service centres (职工服务阵地)."""

from __future__ import annotations

from django.db import transaction

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.centres import ServiceCenter

CENTER_FIELDS = (
    "name",
    "kind",
    "address",
    "region_code",
    "status",
    "started_on",
    "completed_on",
    "transferred_on",
    "floor_area",
    "investment",
    "progress_note",
)


@transaction.atomic
def center_create(*, user, data: dict) -> ServiceCenter:
    center = ServiceCenter(created_by=user, org=owning_union(user, data.get("org"), "服务阵地"))
    assign_fields(center, CENTER_FIELDS, data, strip=True)
    center.full_clean()
    center.save()
    ensure_in_scope(user, center, "add")
    return center


@transaction.atomic
def center_update(*, user, center: ServiceCenter, data: dict) -> ServiceCenter:
    center = fetch_for_update(ServiceCenter, user, "change", center.pk)
    center.snapshot()
    if "org" in data and data["org"] != center.org:
        center.org = owning_union(user, data["org"], "服务阵地")
    assign_fields(center, CENTER_FIELDS, data, strip=True)
    center.full_clean()
    center.save()
    ensure_in_scope(user, center, "change")
    return center


@transaction.atomic
def center_delete(*, user, center: ServiceCenter) -> None:
    center = fetch_for_update(ServiceCenter, user, "delete", center.pk)
    center.delete()
