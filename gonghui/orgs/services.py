"""Writers for organisations and employers: validated, atomic, re-checked against scope."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from gonghui.core.locks import tree_lock
from gonghui.core.models import ChangeAction
from gonghui.core.querysets import ensure_in_scope, scope_q
from gonghui.core.services import assign_fields, changelog_record
from gonghui.orgs.models import Employer, Organization, OrgStatus, OrgType, check_placement

ORG_FIELDS = (
    "name",
    "short_name",
    "code",
    "org_type",
    "level",
    "region_code",
    "status",
    "founded_on",
    "chair_name",
    "term_end",
    "contact_person",
    "contact_phone",
    "address",
)
EMPLOYER_FIELDS = (
    "name",
    "uscc",
    "ownership",
    "industry",
    "staff_count",
    "women_count",
    "address",
    "region_code",
    "is_platform",
    "union",
)


def _require_parent_access(user, parent: Organization | None, action: str) -> None:
    if parent is None:
        if scope_q(user, Organization, action) != Q():
            raise PermissionDenied("只有拥有全部数据权限的用户才能创建顶级组织。")
        return
    if not Organization.objects.restrict(user, action).filter(pk=parent.pk).exists():
        raise PermissionDenied("您无权在该上级单位下操作，请选择您管理范围内的单位。")


@transaction.atomic
def org_create(*, user, parent: Organization | None, data: dict) -> Organization:
    """设立组织: a new node under ``parent`` (or a root, for whole-system administrators)."""
    _require_parent_access(user, parent, "add")
    tree_lock()
    if parent is not None:
        parent.refresh_from_db()
    org = Organization()
    assign_fields(org, ORG_FIELDS, data)
    if org.org_type != OrgType.FEDERATION:
        org.level = ""
    check_placement(org.org_type, org.level, parent)
    org.full_clean(exclude=["path", "depth", "numchild"])
    if parent is not None:
        org = Organization.objects.add_child(parent, instance=org)
    else:
        org = Organization.objects.add_root(instance=org)
    ensure_in_scope(user, org, "add")
    return org


@transaction.atomic
def org_update(*, user, org: Organization, data: dict) -> Organization:
    org = Organization.objects.restrict(user, "change").select_for_update().get(pk=org.pk)
    org.snapshot()
    if data.get("status") == OrgStatus.DISSOLVED and org.status != OrgStatus.DISSOLVED:
        raise ValidationError({"status": "撤销组织请使用「撤销」功能，以便记录撤销日期和原因。"})
    assign_fields(org, tuple(f for f in ORG_FIELDS if f != "org_type"), data)
    if "org_type" in data and data["org_type"] != org.org_type:
        leaf_types = (OrgType.GRASSROOTS, OrgType.JOINT, OrgType.GROUP)
        if data["org_type"] in leaf_types and Organization.objects.get_children(org).exists():
            raise ValidationError({"org_type": "该组织有下级单位，不能改为基层工会或工会小组。"})
        org.org_type = data["org_type"]
    if org.org_type != OrgType.FEDERATION:
        org.level = ""
    check_placement(org.org_type, org.level, Organization.objects.get_parent(org))
    for child in Organization.objects.get_children(org):
        check_placement(child.org_type, child.level, org)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save()
    ensure_in_scope(user, org, "change")
    return org


@transaction.atomic
def org_move(*, user, org: Organization, new_parent: Organization) -> Organization:
    """Move a whole subtree under ``new_parent``, holding the tree lock."""
    tree_lock()
    org = Organization.objects.restrict(user, "change").get(pk=org.pk)
    new_parent = Organization.objects.restrict(user, "change").filter(pk=new_parent.pk).first()
    if new_parent is None:
        raise PermissionDenied("您无权移入该上级单位，请选择您管理范围内的单位。")
    if new_parent.path.startswith(org.path):
        raise ValidationError("不能把组织移动到它自己或它的下级单位之下。")
    if Organization.objects.get_parent(org) and Organization.objects.get_parent(org).pk == new_parent.pk:
        raise ValidationError(f"「{org.name}」已经在「{new_parent.name}」之下。")
    check_placement(org.org_type, org.level, new_parent)
    before = {"parent": str(Organization.objects.get_parent(org) or ""), "path": org.path}
    Organization.objects.move(org, new_parent, pos="last-child")
    org = Organization.objects.get(pk=org.pk)
    ensure_in_scope(user, org, "change")
    _log_move(org, before, new_parent)
    return org


def _log_move(org: Organization, before: dict, new_parent: Organization) -> None:
    changelog_record(
        obj=org, action=ChangeAction.UPDATE, before=before, after={"parent": str(new_parent), "path": org.path}
    )


@transaction.atomic
def org_dissolve(*, user, org: Organization, dissolved_on: datetime.date, reason: str) -> Organization:
    """撤销: the node stays for history; active sub-units must be moved or dissolved first."""
    org = Organization.objects.restrict(user, "delete").select_for_update().get(pk=org.pk)
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError(f"「{org.name}」已经撤销。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销原因。"})
    active_children = Organization.objects.get_descendants(org).exclude(status=OrgStatus.DISSOLVED).count()
    if active_children:
        raise ValidationError(f"「{org.name}」下还有 {active_children} 个未撤销的下级组织，请先移动或撤销它们。")
    if org.founded_on and dissolved_on < org.founded_on:
        raise ValidationError({"dissolved_on": "撤销日期不能早于成立日期。"})
    org.snapshot()
    org.status = OrgStatus.DISSOLVED
    org.dissolved_on = dissolved_on
    org.dissolve_reason = reason.strip()
    org.save()
    Employer.objects.filter(union=org).update(union=None)
    return org


def _employer_owner(union: Organization | None, org: Organization | None) -> Organization:
    if union is not None:
        return union
    if org is None:
        raise ValidationError({"org": "没有所属基层工会的单位，请选择负责的乡镇(街道)或上级工会。"})
    return org


@transaction.atomic
def employer_create(*, user, data: dict) -> Employer:
    employer = Employer(created_by=user)
    assign_fields(employer, EMPLOYER_FIELDS, data)
    employer.org = _employer_owner(data.get("union"), data.get("org"))
    employer.full_clean()
    employer.save()
    ensure_in_scope(user, employer, "add")
    return employer


@transaction.atomic
def employer_update(*, user, employer: Employer, data: dict) -> Employer:
    employer = Employer.objects.restrict(user, "change").select_for_update().get(pk=employer.pk)
    employer.snapshot()
    assign_fields(employer, EMPLOYER_FIELDS, data)
    employer.org = _employer_owner(employer.union, data.get("org", employer.org))
    employer.full_clean()
    employer.save()
    ensure_in_scope(user, employer, "change")
    return employer


@transaction.atomic
def employer_delete(*, user, employer: Employer) -> None:
    employer = Employer.objects.restrict(user, "delete").get(pk=employer.pk)
    employer.delete()
