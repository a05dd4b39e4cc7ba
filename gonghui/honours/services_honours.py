"""Writers for the honours registry: nomination → review → public notice → award (or rejection), registering
honours already awarded, and model workers' care records.

Nominating needs ``add_honour`` over the nominating unit; the review steps need ``approve_honour`` over the
honour. A public notice (公示) lasts at least ``MIN_NOTICE_DAYS`` days and the award comes on or after its
last day. Every step writes an ``HonourStep`` row; saves are change-logged.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.honours.models import (
    CARE_KINDS,
    PERSON_KINDS,
    CareRecord,
    Honour,
    HonourAction,
    HonourState,
    HonourStep,
    actor_name,
)
from gonghui.members.models import Member
from gonghui.orgs.models import Employer, Organization

HONOUR_FIELDS = (
    "org",
    "kind",
    "level",
    "title",
    "year",
    "awarding_body",
    "member",
    "collective_name",
    "employer",
    "deeds",
)
CARE_FIELDS = ("kind", "year", "due_on", "done_on", "amount", "note")
MIN_NOTICE_DAYS = 5
STATE_PHRASES = {
    HonourState.NOMINATED: "刚推荐、尚未审核",
    HonourState.REVIEWING: "已审核通过、尚未公示",
    HonourState.PUBLICISED: "正在公示",
    HonourState.AWARDED: "已授予",
    HonourState.REJECTED: "已不予授予",
}


def _step(honour: Honour, user: Any, action: str, note: str = "") -> HonourStep:
    return HonourStep.objects.create(
        honour=honour, action=action, note=note[:500], user=user, user_name=actor_name(user)
    )


def _require(honour: Honour, state: str, verb: str) -> None:
    if honour.state != state:
        raise ValidationError(f"该荣誉{STATE_PHRASES[honour.state]}，不能{verb}。")


def _check_refs(user: Any, honour: Honour) -> None:
    if honour.org_id is None:
        raise ValidationError({"org": "请选择推荐单位。"})
    if not Organization.objects.restrict(user, "view").filter(pk=honour.org_id).exists():
        raise ValidationError({"org": "推荐单位不在您的数据权限范围内，请选择本单位或下级单位。"})
    if honour.member_id:
        member = Member.objects.restrict(user, "view").filter(pk=honour.member_id).select_related("org").first()
        if member is None:
            raise ValidationError({"member": "该会员不在您的数据权限范围内。"})
        if not member.org.path.startswith(honour.org.path):
            raise ValidationError(
                {"member": f"{member.name}不是推荐单位「{honour.org.name}」或其下级工会的会员，请核对推荐单位。"}
            )
    if honour.employer_id and not Employer.objects.restrict(user, "view").filter(pk=honour.employer_id).exists():
        raise ValidationError({"employer": "所在单位不在您的数据权限范围内。"})
    if honour.kind in PERSON_KINDS and honour.member_id:
        clash = (
            Honour.objects.filter(member_id=honour.member_id, kind=honour.kind, level=honour.level, year=honour.year)
            .exclude(state=HonourState.REJECTED)
            .exclude(pk=honour.pk)
        )
        if clash.exists():
            raise ValidationError({"member": "该会员本年度已有同级同类荣誉的推荐或授予记录，不能重复推荐。"})


def _save(honour: Honour, user: Any, action: str) -> None:
    honour.full_clean()
    _check_refs(user, honour)
    honour.save()
    ensure_in_scope(user, honour, action)


@transaction.atomic
def honour_nominate(*, user: Any, data: dict) -> Honour:
    honour = Honour(created_by=user)
    assign_fields(honour, HONOUR_FIELDS, data, strip=True)
    _save(honour, user, "add")
    _step(honour, user, HonourAction.NOMINATE, "提交推荐")
    return honour


@transaction.atomic
def honour_register(*, user: Any, data: dict, awarded_on: datetime.date, certificate_no: str = "") -> Honour:
    """登记: an honour awarded before the system (or outside it), straight into the registry as awarded."""
    if awarded_on is None:
        raise ValidationError({"awarded_on": "请填写授予日期。"})
    if awarded_on > timezone.localdate():
        raise ValidationError({"awarded_on": "授予日期不能晚于今天。"})
    honour = Honour(created_by=user, state=HonourState.AWARDED, awarded_on=awarded_on)
    honour.certificate_no = (certificate_no or "").strip()
    assign_fields(honour, HONOUR_FIELDS, data, strip=True)
    _save(honour, user, "add")
    _step(honour, user, HonourAction.REGISTER, f"登记已授予荣誉，授予日期 {awarded_on:%Y-%m-%d}")
    return honour


@transaction.atomic
def honour_update(*, user: Any, honour: Honour, data: dict) -> Honour:
    honour = fetch_for_update(Honour, user, "change", honour.pk)
    if honour.state not in (HonourState.NOMINATED, HonourState.AWARDED):
        raise ValidationError(f"该荣誉{STATE_PHRASES[honour.state]}，评选进行中不能修改推荐材料。")
    honour.snapshot()
    fields = HONOUR_FIELDS
    if honour.state == HonourState.AWARDED:  # who and what was awarded is settled; the record can be corrected
        fields = ("title", "awarding_body", "employer", "deeds")
    assign_fields(honour, fields, data, strip=True)
    _save(honour, user, "change")
    return honour


@transaction.atomic
def honour_delete(*, user: Any, honour: Honour) -> None:
    honour = fetch_for_update(Honour, user, "delete", honour.pk)
    if honour.state != HonourState.NOMINATED:
        raise ValidationError("只有尚未审核的推荐可以删除；已进入评选的请不予授予。")
    honour.steps.all().delete()
    honour.delete()


def _approving(user: Any, honour: Honour) -> Honour:
    if not can(user, Honour, "approve"):
        raise PermissionDenied("您没有审核荣誉的权限，请联系安全管理员分配角色。")
    locked = fetch_for_update(Honour, user, "approve", honour.pk)
    locked.snapshot()
    return locked


@transaction.atomic
def honour_review(*, user: Any, honour: Honour, note: str = "") -> Honour:
    honour = _approving(user, honour)
    _require(honour, HonourState.NOMINATED, "审核")
    honour.state = HonourState.REVIEWING
    _save(honour, user, "approve")
    _step(honour, user, HonourAction.REVIEW, note or "审核通过")
    return honour


@transaction.atomic
def honour_publicise(
    *, user: Any, honour: Honour, notice_start: datetime.date, notice_end: datetime.date, note: str = ""
) -> Honour:
    honour = _approving(user, honour)
    _require(honour, HonourState.REVIEWING, "公示")
    if notice_start is None or notice_end is None:
        raise ValidationError("请填写公示开始和结束日期。")
    if (notice_end - notice_start).days + 1 < MIN_NOTICE_DAYS:
        raise ValidationError({"notice_end": f"公示期不少于 {MIN_NOTICE_DAYS} 天，请推迟公示结束日期。"})
    honour.state = HonourState.PUBLICISED
    honour.notice_start, honour.notice_end = notice_start, notice_end
    _save(honour, user, "approve")
    _step(honour, user, HonourAction.PUBLICISE, note or f"公示 {notice_start:%Y-%m-%d} 至 {notice_end:%Y-%m-%d}")
    return honour


@transaction.atomic
def honour_award(
    *, user: Any, honour: Honour, awarded_on: datetime.date, certificate_no: str = "", note: str = ""
) -> Honour:
    honour = _approving(user, honour)
    _require(honour, HonourState.PUBLICISED, "授予")
    if awarded_on is None:
        raise ValidationError({"awarded_on": "请填写授予日期。"})
    if awarded_on < honour.notice_end:
        raise ValidationError({"awarded_on": f"公示到 {honour.notice_end:%Y-%m-%d} 结束，授予日期不能早于公示结束。"})
    if awarded_on > timezone.localdate():
        raise ValidationError({"awarded_on": "授予日期不能晚于今天。"})
    honour.state = HonourState.AWARDED
    honour.awarded_on = awarded_on
    honour.certificate_no = (certificate_no or "").strip()
    _save(honour, user, "approve")
    _step(honour, user, HonourAction.AWARD, note or f"授予，证书编号 {honour.certificate_no or '—'}")
    return honour


@transaction.atomic
def honour_reject(*, user: Any, honour: Honour, note: str) -> Honour:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写不予授予的理由（如公示期间收到的反映）。"})
    honour = _approving(user, honour)
    if honour.state in (HonourState.AWARDED, HonourState.REJECTED):
        raise ValidationError(f"该荣誉{STATE_PHRASES[honour.state]}，不能再不予授予。")
    honour.state = HonourState.REJECTED
    _save(honour, user, "approve")
    _step(honour, user, HonourAction.REJECT, note)
    return honour


# --- model workers' care ---------------------------------------------------------------------------


def _check_care(user: Any, record: CareRecord) -> None:
    honour = record.honour
    if honour.state != HonourState.AWARDED or honour.kind not in CARE_KINDS:
        raise ValidationError("只有已授予的劳动模范、先进工作者和五一劳动奖章获得者享受劳模待遇。")


@transaction.atomic
def care_create(*, user: Any, honour: Honour, data: dict) -> CareRecord:
    honour = Honour.objects.restrict(user, "view").filter(pk=honour.pk).first()
    if honour is None:
        raise PermissionDenied("该荣誉不存在或不在您的数据权限范围内。")
    record = CareRecord(honour=honour, org=honour.org, created_by=user)
    assign_fields(record, CARE_FIELDS, data, strip=True)
    _check_care(user, record)
    record.full_clean()
    record.save()
    ensure_in_scope(user, record, "add")
    return record


@transaction.atomic
def care_update(*, user: Any, record: CareRecord, data: dict) -> CareRecord:
    record = fetch_for_update(CareRecord, user, "change", record.pk)
    record.snapshot()
    assign_fields(record, CARE_FIELDS, data, strip=True)
    record.full_clean()
    record.save()
    ensure_in_scope(user, record, "change")
    return record


@transaction.atomic
def care_delete(*, user: Any, record: CareRecord) -> None:
    record = fetch_for_update(CareRecord, user, "delete", record.pk)
    record.delete()
