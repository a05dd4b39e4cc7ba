"""Writers for service centres (职工服务阵地)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.orgs.models import Organization, OrgStatus
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


def _owner(user, org: Organization | None) -> Organization:
    if org is None:
        raise ValidationError({"org": "请选择所属工会。"})
    if not Organization.objects.restrict(user, "view").filter(pk=org.pk).exists():
        raise PermissionDenied("您无权为该单位登记阵地，请选择您管理范围内的工会。")
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError({"org": f"「{org}」已撤销，不能再登记阵地。"})
    return org


@transaction.atomic
def center_create(*, user, data: dict) -> ServiceCenter:
    center = ServiceCenter(created_by=user, org=_owner(user, data.get("org")))
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
        center.org = _owner(user, data["org"])
    assign_fields(center, CENTER_FIELDS, data, strip=True)
    center.full_clean()
    center.save()
    ensure_in_scope(user, center, "change")
    return center


@transaction.atomic
def center_delete(*, user, center: ServiceCenter) -> None:
    center = fetch_for_update(ServiceCenter, user, "delete", center.pk)
    center.delete()
