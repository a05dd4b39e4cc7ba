"""Writers for legal supervision committees (with members and 一函两书), collective contracts (with the
expiry reminders) and collective-bargaining instructors."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core.models import ChangeAction
from gonghui.core.services import assign_fields, changelog_record, fetch_for_update
from gonghui.notices.models import MessageCategory
from gonghui.notices.services import message_send
from gonghui.orgs.models import Employer
from gonghui.rights import selectors_supervision as selectors
from gonghui.rights.models import (
    BargainingInstructor,
    CollectiveContract,
    CommitteeMember,
    LegalSupervisionCommittee,
    SupervisionDocument,
)
from gonghui.rights.models.supervision import EXPIRY_NOTICE_DAYS, MULTI_EMPLOYER_KINDS
from gonghui.rights.services_legal import _check_org, _require, _save_changed, _save_new, _set_phone
from gonghui.targets.selectors_tasks import unit_choices, unit_users

COMMITTEE_FIELDS = ("org", "name", "employer", "established_on", "chair_name")
DOCUMENT_FIELDS = ("kind", "issued_on", "subject", "content", "reply_due", "replied_on", "reply")
CONTRACT_FIELDS = (
    "org",
    "kind",
    "title",
    "employer_names",
    "signed_on",
    "starts_on",
    "ends_on",
    "workers_covered",
    "wage_increase",
    "filed_on",
    "filing_number",
)
INSTRUCTOR_FIELDS = ("org", "name", "background", "appointed_on", "is_active")


def _check_employers(user: Any, employers: Iterable[Employer], field: str) -> list[Employer]:
    employers = [employer for employer in employers if employer is not None]
    visible = set(
        Employer.objects.restrict(user, "view").filter(pk__in=[e.pk for e in employers]).values_list("pk", flat=True)
    )
    outside = [employer.name for employer in employers if employer.pk not in visible]
    if outside:
        raise ValidationError({field: f"用人单位「{'、'.join(outside)}」不在您的数据权限范围内。"})
    return employers


# --- committees --------------------------------------------------------------------------------------


def _check_committee(user: Any, committee: LegalSupervisionCommittee) -> None:
    _check_org(user, committee)
    if committee.employer_id:
        _check_employers(user, [committee.employer], "employer")
    clash = LegalSupervisionCommittee.objects.filter(org_id=committee.org_id, name=committee.name)
    if clash.exclude(pk=committee.pk).exists():
        raise ValidationError({"name": f"本单位已有名为「{committee.name}」的劳动法律监督委员会。"})


def _save_members(committee: LegalSupervisionCommittee, rows: Iterable[dict]) -> None:
    """Make the committee's members match ``rows`` (name, position, workplace); blank rows are skipped."""
    before = sorted(committee.members.values_list("name", flat=True))
    committee.members.all().delete()
    for number, row in enumerate(rows, start=1):
        name = (row.get("name") or "").strip()
        if not name:
            continue
        member = CommitteeMember(
            committee=committee,
            name=name[:50],
            position=(row.get("position") or "委员").strip()[:20],
            workplace=(row.get("workplace") or "").strip()[:100],
        )
        try:
            member.full_clean()
        except ValidationError as error:
            raise ValidationError({"members": f"第 {number} 位委员：{'；'.join(error.messages)}"}) from None
        member.save()
    after = sorted(committee.members.values_list("name", flat=True))
    if before != after:
        changelog_record(
            obj=committee, action=ChangeAction.UPDATE, before={"members": before}, after={"members": after}
        )


@transaction.atomic
def committee_create(*, user: Any, data: dict, members: Iterable[dict] = ()) -> LegalSupervisionCommittee:
    _require(user, LegalSupervisionCommittee, "add")
    committee = LegalSupervisionCommittee(created_by=user)
    assign_fields(committee, COMMITTEE_FIELDS, data, strip=True)
    if not committee.org_id:
        committee.org = user.org
    _check_committee(user, committee)
    _save_new(user, committee)
    _save_members(committee, members)
    return committee


@transaction.atomic
def committee_update(
    *, user: Any, committee: LegalSupervisionCommittee, data: dict, members: Iterable[dict] | None = None
) -> LegalSupervisionCommittee:
    committee = fetch_for_update(LegalSupervisionCommittee, user, "change", committee.pk)
    committee.snapshot()
    assign_fields(committee, COMMITTEE_FIELDS, data, strip=True)
    _check_committee(user, committee)
    _save_changed(user, committee)
    if members is not None:
        _save_members(committee, members)
    return committee


@transaction.atomic
def committee_delete(*, user: Any, committee: LegalSupervisionCommittee) -> None:
    committee = fetch_for_update(LegalSupervisionCommittee, user, "delete", committee.pk)
    if committee.documents.exists():
        raise ValidationError("该委员会已发出一函两书，不能删除。")
    committee.delete()


@transaction.atomic
def document_create(*, user: Any, committee: LegalSupervisionCommittee, data: dict) -> SupervisionDocument:
    committee = fetch_for_update(LegalSupervisionCommittee, user, "change", committee.pk)
    document = SupervisionDocument(committee=committee)
    assign_fields(document, DOCUMENT_FIELDS, data, strip=True)
    document.full_clean()
    document.save()
    changelog_record(
        obj=committee,
        action=ChangeAction.UPDATE,
        before=None,
        after={
            "document": document.get_kind_display(),
            "subject": document.subject,
            "issued_on": str(document.issued_on),
        },
    )
    return document


@transaction.atomic
def document_reply(
    *, user: Any, document: SupervisionDocument, replied_on: datetime.date, reply: str
) -> SupervisionDocument:
    """Record the employer's answer to a 提示函/意见书/建议书."""
    fetch_for_update(LegalSupervisionCommittee, user, "change", document.committee_id)
    document = SupervisionDocument.objects.select_for_update().get(pk=document.pk)
    if not (reply or "").strip():
        raise ValidationError({"reply": "请填写单位答复及整改情况。"})
    before = {"replied_on": str(document.replied_on) if document.replied_on else None}
    document.replied_on, document.reply = replied_on, reply.strip()
    document.full_clean()
    document.save()
    changelog_record(
        obj=document.committee, action=ChangeAction.UPDATE, before=before, after={"replied_on": str(replied_on)}
    )
    return document


# --- collective contracts ----------------------------------------------------------------------------


def _check_contract(user: Any, contract: CollectiveContract, employers: list[Employer]) -> None:
    _check_org(user, contract)
    _check_employers(user, employers, "employers")
    if not employers and not (contract.employer_names or "").strip():
        raise ValidationError({"employers": "请选择签约用人单位，或在「签约单位（未登记的）」中填写名称。"})
    if contract.kind not in MULTI_EMPLOYER_KINDS and len(employers) > 1:
        raise ValidationError({"employers": "综合及专项集体合同只能由一家用人单位签订；多家单位请选择行业性或区域性。"})


@transaction.atomic
def contract_create(*, user: Any, data: dict) -> CollectiveContract:
    _require(user, CollectiveContract, "add")
    contract = CollectiveContract(created_by=user)
    assign_fields(contract, CONTRACT_FIELDS, data, strip=True)
    if not contract.org_id:
        contract.org = user.org
    employers = list(data.get("employers") or [])
    _check_contract(user, contract, employers)
    _save_new(user, contract)
    contract.employers.set(employers)
    return contract


@transaction.atomic
def contract_update(*, user: Any, contract: CollectiveContract, data: dict) -> CollectiveContract:
    contract = fetch_for_update(CollectiveContract, user, "change", contract.pk)
    contract.snapshot()
    old_end = contract.ends_on
    assign_fields(contract, CONTRACT_FIELDS, data, strip=True)
    employers = list(data["employers"]) if "employers" in data else list(contract.employers.all())
    _check_contract(user, contract, employers)
    if contract.ends_on != old_end:
        contract.expiry_notified_on = None  # renewed: remind again before the new end
    _save_changed(user, contract)
    before = sorted(e.name for e in contract.employers.all())
    contract.employers.set(employers)
    after = sorted(e.name for e in employers)
    if before != after:
        changelog_record(
            obj=contract, action=ChangeAction.UPDATE, before={"employers": before}, after={"employers": after}
        )
    return contract


@transaction.atomic
def contract_delete(*, user: Any, contract: CollectiveContract) -> None:
    fetch_for_update(CollectiveContract, user, "delete", contract.pk).delete()


@transaction.atomic
def contract_send_expiry_notice(*, contract: CollectiveContract, today: datetime.date) -> int:
    """到期提醒 (system, once per contract and end date): the signing union's users, 60 days ahead."""
    contract = CollectiveContract.objects.select_for_update().select_related("org").get(pk=contract.pk)
    if contract.expiry_notified_on is not None or not (
        today <= contract.ends_on <= today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
    ):
        return 0
    days = (contract.ends_on - today).days
    sent = message_send(
        recipients=unit_users(contract.org),
        title=f"集体合同即将期满：{contract.title}",
        body=f"{contract.get_kind_display()}「{contract.title}」将于 {contract.ends_on:%Y-%m-%d} 期满"
        f"（还有 {days} 天），"
        "请及早启动新一轮集体协商，续签后报送人社部门审查。",
        link=contract.get_absolute_url(),
        category=MessageCategory.REMINDER,
    )
    CollectiveContract.objects.filter(pk=contract.pk).update(expiry_notified_on=today)
    return len(sent)


def contracts_send_expiry_notices(*, today: datetime.date) -> tuple[int, int]:
    """All contracts due a reminder; returns (contracts, messages)."""
    contracts = messages = 0
    for contract in selectors.contracts_to_remind(today):
        sent = contract_send_expiry_notice(contract=contract, today=today)
        contracts += 1
        messages += sent
    return contracts, messages


# --- bargaining instructors --------------------------------------------------------------------------


def _check_units(user: Any, units: list) -> None:
    visible = set(unit_choices(user).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    outside = [unit.name for unit in units if unit.pk not in visible]
    if outside:
        raise ValidationError({"assigned_units": f"「{'、'.join(outside)}」不在您的数据权限范围内或已撤销。"})


@transaction.atomic
def instructor_create(*, user: Any, data: dict) -> BargainingInstructor:
    _require(user, BargainingInstructor, "add")
    instructor = BargainingInstructor(created_by=user)
    assign_fields(instructor, INSTRUCTOR_FIELDS, data, strip=True)
    if not instructor.org_id:
        instructor.org = user.org
    _check_org(user, instructor)
    units = list(data.get("assigned_units") or [])
    _check_units(user, units)
    _set_phone(instructor, data, creating=True)
    _save_new(user, instructor)
    instructor.assigned_units.set(units)
    return instructor


@transaction.atomic
def instructor_update(*, user: Any, instructor: BargainingInstructor, data: dict) -> BargainingInstructor:
    instructor = fetch_for_update(BargainingInstructor, user, "change", instructor.pk)
    instructor.snapshot()
    assign_fields(instructor, INSTRUCTOR_FIELDS, data, strip=True)
    _check_org(user, instructor)
    units = list(data["assigned_units"]) if "assigned_units" in data else list(instructor.assigned_units.all())
    _check_units(user, units)
    _set_phone(instructor, data, creating=False)
    _save_changed(user, instructor)
    before = sorted(u.name for u in instructor.assigned_units.all())
    instructor.assigned_units.set(units)
    after = sorted(u.name for u in units)
    if before != after:
        changelog_record(obj=instructor, action=ChangeAction.UPDATE, before={"units": before}, after={"units": after})
    return instructor


@transaction.atomic
def instructor_delete(*, user: Any, instructor: BargainingInstructor) -> None:
    fetch_for_update(BargainingInstructor, user, "delete", instructor.pk).delete()
