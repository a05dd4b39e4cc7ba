"""Writers for the industrial-worker reform (产改): pilot enterprises with their 一企一策 checklist, paired
liaison (挂点联系) and demonstration sites. The unit that keeps a pilot (``org``) maintains its checklist
(``change_pilotenterprise``); every save is change-logged."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.honours.models import DemoSite, MeasureStatus, PilotEnterprise, PilotLiaison, ReformMeasure
from gonghui.orgs.models import Employer, Organization, OrgType

PILOT_FIELDS = ("org", "employer", "batch", "designated_on", "feature", "status")
MEASURE_FIELDS = ("title", "due_on", "status", "done_on", "note")
SITE_FIELDS = ("org", "name", "level", "employer", "named_on", "named_by", "description")


def _check_unit(user: Any, obj: Any) -> None:
    if obj.org_id is None:
        raise ValidationError({"org": "请选择负责的工会。"})
    if not Organization.objects.restrict(user, "view").filter(pk=obj.org_id).exists():
        raise ValidationError({"org": "所选工会不在您的数据权限范围内，请选择本单位或下级单位。"})
    if obj.employer_id and not Employer.objects.restrict(user, "view").filter(pk=obj.employer_id).exists():
        raise ValidationError({"employer": "该企业不在您的数据权限范围内。"})


def _save(obj: Any, user: Any, action: str) -> None:
    obj.full_clean()
    _check_unit(user, obj)
    obj.save()
    ensure_in_scope(user, obj, action)


@transaction.atomic
def pilot_create(*, user: Any, data: dict) -> PilotEnterprise:
    pilot = PilotEnterprise(created_by=user)
    assign_fields(pilot, PILOT_FIELDS, data, strip=True)
    if pilot.employer_id and PilotEnterprise.objects.filter(employer_id=pilot.employer_id).exists():
        raise ValidationError({"employer": f"「{pilot.employer.name}」已是产改试点企业，不能重复登记。"})
    _save(pilot, user, "add")
    return pilot


@transaction.atomic
def pilot_update(*, user: Any, pilot: PilotEnterprise, data: dict) -> PilotEnterprise:
    pilot = fetch_for_update(PilotEnterprise, user, "change", pilot.pk)
    pilot.snapshot()
    assign_fields(pilot, PILOT_FIELDS, data, strip=True)
    if PilotEnterprise.objects.filter(employer_id=pilot.employer_id).exclude(pk=pilot.pk).exists():
        raise ValidationError({"employer": "该企业已是产改试点企业，不能重复登记。"})
    _save(pilot, user, "change")
    return pilot


@transaction.atomic
def pilot_delete(*, user: Any, pilot: PilotEnterprise) -> None:
    pilot = fetch_for_update(PilotEnterprise, user, "delete", pilot.pk)
    if pilot.measures.exists():
        raise ValidationError("该试点企业已有一企一策举措，不能删除；不再试点的请把状态改为「已退出」。")
    for liaison in pilot.liaisons.all():
        liaison.delete()
    pilot.delete()


def _pilot_for_change(user: Any, pilot: PilotEnterprise) -> PilotEnterprise:
    if not can(user, PilotEnterprise, "change"):
        raise PermissionDenied("您没有维护产改试点企业的权限，请联系安全管理员分配角色。")
    return fetch_for_update(PilotEnterprise, user, "change", pilot.pk)


@transaction.atomic
def measure_add(*, user: Any, pilot: PilotEnterprise, data: dict) -> ReformMeasure:
    pilot = _pilot_for_change(user, pilot)
    measure = ReformMeasure(pilot=pilot)
    assign_fields(measure, MEASURE_FIELDS, data, strip=True)
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_update(*, user: Any, measure: ReformMeasure, data: dict) -> ReformMeasure:
    _pilot_for_change(user, measure.pilot)
    measure = ReformMeasure.objects.select_for_update().get(pk=measure.pk)
    measure.snapshot()
    assign_fields(measure, MEASURE_FIELDS, data, strip=True)
    if measure.status == MeasureStatus.DONE and measure.done_on and measure.done_on > timezone.localdate():
        raise ValidationError({"done_on": "完成日期不能晚于今天。"})
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_delete(*, user: Any, measure: ReformMeasure) -> None:
    _pilot_for_change(user, measure.pilot)
    measure.delete()


@transaction.atomic
def liaison_assign(*, user: Any, pilot: PilotEnterprise, data: dict) -> PilotLiaison:
    """Pair a federation staff member (a user of the pilot's unit or above, visible to the caller)."""
    pilot = _pilot_for_change(user, pilot)
    staff: User | None = data.get("staff")
    if staff is None:
        raise ValidationError({"staff": "请选择挂点联系人。"})
    if not User.objects.restrict(user, "view").filter(pk=staff.pk, is_active=True).exists():
        raise ValidationError({"staff": "该用户不在您的数据权限范围内或已停用。"})
    if not staff.org_id or not pilot.org.path.startswith(staff.org.path) or staff.org.org_type != OrgType.FEDERATION:
        raise ValidationError({"staff": f"挂点联系人须是「{pilot.org.name}」上级总工会的工作人员。"})
    if pilot.liaisons.filter(staff=staff, until__isnull=True).exists():
        raise ValidationError({"staff": f"{staff}已在挂点联系该企业。"})
    liaison = PilotLiaison(pilot=pilot, staff=staff, since=data.get("since"), note=(data.get("note") or "").strip())
    liaison.full_clean()
    liaison.save()
    return liaison


@transaction.atomic
def liaison_end(*, user: Any, liaison: PilotLiaison) -> PilotLiaison:
    _pilot_for_change(user, liaison.pilot)
    liaison = PilotLiaison.objects.select_for_update().get(pk=liaison.pk)
    if liaison.until:
        raise ValidationError("该挂点联系已结束。")
    liaison.snapshot()
    liaison.until = max(timezone.localdate(), liaison.since)
    liaison.full_clean()
    liaison.save()
    return liaison


@transaction.atomic
def demo_site_create(*, user: Any, data: dict) -> DemoSite:
    site = DemoSite(created_by=user)
    assign_fields(site, SITE_FIELDS, data, strip=True)
    _save(site, user, "add")
    return site


@transaction.atomic
def demo_site_update(*, user: Any, site: DemoSite, data: dict) -> DemoSite:
    site = fetch_for_update(DemoSite, user, "change", site.pk)
    site.snapshot()
    assign_fields(site, SITE_FIELDS, data, strip=True)
    _save(site, user, "change")
    return site


@transaction.atomic
def demo_site_delete(*, user: Any, site: DemoSite) -> None:
    site = fetch_for_update(DemoSite, user, "delete", site.pk)
    site.delete()
