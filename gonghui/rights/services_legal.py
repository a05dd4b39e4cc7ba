"""Writers for legal aid cases, the lawyers roster, duty slots and workers' bookings (public, no login)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.rights.models import BookingStatus, DutyBooking, DutySlot, Lawyer, LegalAidCase
from gonghui.targets.selectors_tasks import unit_choices

AID_FIELDS = (
    "org",
    "kind",
    "applicant_name",
    "persons_count",
    "employer_name",
    "summary",
    "lawyer",
    "rights_case",
    "accepted_on",
    "closed_on",
    "outcome",
    "amount_recovered",
)
LAWYER_FIELDS = ("org", "name", "kind", "law_firm", "license_number", "specialties", "contract_ends_on", "is_active")
SLOT_FIELDS = ("org", "lawyer", "location", "date", "start_time", "end_time", "capacity")
NO_PERMISSION = "您没有此功能的权限，请联系安全管理员分配角色。"


def _check_org(user: Any, obj: Model) -> None:
    org = getattr(obj, "org", None) if obj.org_id else None
    if org is None:
        raise ValidationError({"org": "请选择所属单位。"})
    if not unit_choices(user).filter(pk=org.pk).exists():
        raise ValidationError({"org": f"「{org.name}」不在您的数据权限范围内或已撤销，请选择您有权管理的单位。"})


def _set_phone(obj: Any, data: dict, *, creating: bool) -> None:
    value = (data.get("phone") or "").strip()
    if value or creating:
        try:
            obj.set_phone(value)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None


def _save_new(user: Any, obj: Model) -> Model:
    obj.full_clean()
    obj.save()
    ensure_in_scope(user, obj, "add")
    return obj


def _save_changed(user: Any, obj: Model) -> Model:
    obj.full_clean()
    obj.save()
    ensure_in_scope(user, obj, "change")
    return obj


def _require(user: Any, model: type[Model], action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(NO_PERMISSION)


def _check_lawyer(user: Any, lawyer: Lawyer | None, field: str = "lawyer") -> None:
    if lawyer is not None and not Lawyer.objects.restrict(user, "view").filter(pk=lawyer.pk, is_active=True).exists():
        raise ValidationError({field: "所选律师不在您的数据权限范围内或已不在册，请重新选择。"})


# --- legal aid ---------------------------------------------------------------------------------------


@transaction.atomic
def legal_aid_create(*, user: Any, data: dict) -> LegalAidCase:
    _require(user, LegalAidCase, "add")
    aid = LegalAidCase(created_by=user)
    assign_fields(aid, AID_FIELDS, data, strip=True)
    if not aid.org_id:
        aid.org = user.org
    _check_org(user, aid)
    _check_lawyer(user, aid.lawyer)
    _check_rights_case(user, aid)
    _set_phone(aid, data, creating=True)
    return _save_new(user, aid)


def _check_rights_case(user: Any, aid: LegalAidCase) -> None:
    from gonghui.rights.models import RightsCase

    if aid.rights_case_id and not RightsCase.objects.restrict(user, "view").filter(pk=aid.rights_case_id).exists():
        raise ValidationError({"rights_case": "所选维权案件不在您的数据权限范围内。"})


@transaction.atomic
def legal_aid_update(*, user: Any, aid: LegalAidCase, data: dict) -> LegalAidCase:
    aid = fetch_for_update(LegalAidCase, user, "change", aid.pk)
    aid.snapshot()
    assign_fields(aid, AID_FIELDS, data, strip=True)
    _check_org(user, aid)
    _check_lawyer(user, aid.lawyer)
    _check_rights_case(user, aid)
    _set_phone(aid, data, creating=False)
    return _save_changed(user, aid)


@transaction.atomic
def legal_aid_delete(*, user: Any, aid: LegalAidCase) -> None:
    fetch_for_update(LegalAidCase, user, "delete", aid.pk).delete()


# --- lawyers -----------------------------------------------------------------------------------------


def _check_licence_unique(lawyer: Lawyer) -> None:
    clash = Lawyer.objects.filter(org_id=lawyer.org_id, license_number=(lawyer.license_number or "").strip())
    if clash.exclude(pk=lawyer.pk).exists():
        raise ValidationError({"license_number": "本单位律师团已有该执业证号的律师，请勿重复登记。"})


@transaction.atomic
def lawyer_create(*, user: Any, data: dict) -> Lawyer:
    _require(user, Lawyer, "add")
    lawyer = Lawyer(created_by=user)
    assign_fields(lawyer, LAWYER_FIELDS, data, strip=True)
    if not lawyer.org_id:
        lawyer.org = user.org
    _check_org(user, lawyer)
    _check_licence_unique(lawyer)
    _set_phone(lawyer, data, creating=True)
    return _save_new(user, lawyer)


@transaction.atomic
def lawyer_update(*, user: Any, lawyer: Lawyer, data: dict) -> Lawyer:
    lawyer = fetch_for_update(Lawyer, user, "change", lawyer.pk)
    lawyer.snapshot()
    assign_fields(lawyer, LAWYER_FIELDS, data, strip=True)
    _check_org(user, lawyer)
    _check_licence_unique(lawyer)
    _set_phone(lawyer, data, creating=False)
    return _save_changed(user, lawyer)


@transaction.atomic
def lawyer_delete(*, user: Any, lawyer: Lawyer) -> None:
    lawyer = fetch_for_update(Lawyer, user, "delete", lawyer.pk)
    if lawyer.duty_slots.exists() or lawyer.aid_cases.exists():
        raise ValidationError("该律师已有值班或承办案件记录，不能删除；不再合作的请取消「在册」。")
    lawyer.delete()


# --- duty slots --------------------------------------------------------------------------------------


def _check_slot(user: Any, slot: DutySlot) -> None:
    _check_org(user, slot)
    _check_lawyer(user, slot.lawyer)
    if slot.date and slot.start_time and slot.end_time and slot.lawyer_id:
        clash = DutySlot.objects.filter(
            lawyer_id=slot.lawyer_id, date=slot.date, start_time__lt=slot.end_time, end_time__gt=slot.start_time
        ).exclude(pk=slot.pk)
        if clash.exists():
            raise ValidationError({"start_time": f"{slot.lawyer.name}在 {slot.date:%Y-%m-%d} 这个时段已有值班安排。"})


@transaction.atomic
def duty_slot_create(*, user: Any, data: dict) -> DutySlot:
    _require(user, DutySlot, "add")
    slot = DutySlot(created_by=user)
    assign_fields(slot, SLOT_FIELDS, data, strip=True)
    if not slot.org_id:
        slot.org = user.org
    if slot.date and slot.date < timezone.localdate():
        raise ValidationError({"date": "值班日期已经过去，请选择今天或以后的日期。"})
    _check_slot(user, slot)
    return _save_new(user, slot)


@transaction.atomic
def duty_slot_update(*, user: Any, slot: DutySlot, data: dict) -> DutySlot:
    slot = fetch_for_update(DutySlot, user, "change", slot.pk)
    slot.snapshot()
    assign_fields(slot, SLOT_FIELDS, data, strip=True)
    _check_slot(user, slot)
    booked = slot.bookings.filter(status=BookingStatus.BOOKED).count()
    if slot.capacity < booked:
        raise ValidationError({"capacity": f"该时段已有 {booked} 人预约，可预约人数不能少于 {booked}。"})
    return _save_changed(user, slot)


@transaction.atomic
def duty_slot_delete(*, user: Any, slot: DutySlot) -> None:
    slot = fetch_for_update(DutySlot, user, "delete", slot.pk)
    if slot.bookings.filter(status=BookingStatus.BOOKED).exists():
        raise ValidationError("该时段已有职工预约，不能删除；请先联系预约职工并取消预约。")
    slot.delete()


@transaction.atomic
def duty_booking_create(*, slot_id: int, name: str, phone: str, topic: str) -> DutyBooking:
    """A worker books a duty slot from the public page (no user). Full slots and past slots are refused."""
    slot = DutySlot.objects.select_for_update().filter(pk=slot_id, date__gte=timezone.localdate()).first()
    if slot is None:
        raise ValidationError("该值班时段不存在或已经过去，请选择其他时段。")
    name, topic = (name or "").strip(), (topic or "").strip()
    errors = {}
    if not name:
        errors["name"] = "请填写姓名。"
    if not topic:
        errors["topic"] = "请简要填写咨询事项，便于律师提前准备。"
    if errors:
        raise ValidationError(errors)
    if slot.bookings.filter(status=BookingStatus.BOOKED).count() >= slot.capacity:
        raise ValidationError("该时段已约满，请选择其他时段。")
    booking = DutyBooking(slot=slot, name=name[:50], topic=topic[:300])
    try:
        booking.set_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    if not booking.phone_cipher:
        raise ValidationError({"phone": "请填写手机号码，便于值班律师联系您。"})
    if slot.bookings.filter(status=BookingStatus.BOOKED, phone_index=booking.phone_index).exists():
        raise ValidationError("该手机号已预约过这个时段，无需重复预约。")
    booking.full_clean()
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise ValidationError("该手机号已预约过这个时段，无需重复预约。") from None
    return booking


@transaction.atomic
def duty_booking_set_status(*, user: Any, booking: DutyBooking, status: str) -> DutyBooking:
    if status not in BookingStatus.values:
        raise ValidationError({"status": "请选择预约状态。"})
    locked = DutyBooking.objects.restrict(user, "change").select_for_update(of=("self",)).filter(pk=booking.pk).first()
    if locked is None:
        raise PermissionDenied("对象不存在或不在您的数据权限范围内。")
    locked.status = status
    locked.full_clean()
    locked.save()
    return locked
