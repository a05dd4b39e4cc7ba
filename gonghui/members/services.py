"""Writers for the member registry: validated, atomic, re-checked against scope, each writing its event.

Every function takes the acting ``user`` and keyword arguments only. Personal data
enters as clear text (``id_number``, ``phone``) and is sealed here; nothing in this
module logs or returns it. Errors are ``ValidationError`` (what is wrong and how to fix
it, in Chinese) or ``PermissionDenied`` (out of scope); both roll the transaction back.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.members.models import (
    MEMBER_UNION_TYPES,
    CardSequence,
    EventKind,
    Member,
    MembershipEvent,
    MemberStatus,
    Transfer,
    TransferSource,
    TransferState,
    id_number_index,
)
from gonghui.orgs.models import Organization
from gonghui.utilities.idnumber import normalize_id_number

#: what a page, the API or an importer may set on a member besides org, id_number and phone
MEMBER_FIELDS = (
    "name",
    "ethnicity",
    "education",
    "political_status",
    "employment_category",
    "new_employment_type",
    "is_migrant_worker",
    "employer",
    "employer_name",
    "join_date",
)
#: the person's own data, copied to the receiving union's row on a transfer
PERSON_FIELDS = (
    "name",
    "id_number_cipher",
    "id_number_index",
    "id_number_masked",
    "phone_cipher",
    "phone_index",
    "phone_masked",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "political_status",
    "employment_category",
    "new_employment_type",
    "is_migrant_worker",
)
ACTIVE_ELSEWHERE = "该人员已在其他工会登记为在会会员，请办理转会。"


# ---------------------------------------------------------------------------
# Member card numbers: region code (6) + sequence per region (8) + Luhn check digit (1)


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # 2·d with its digits summed


def luhn_check_digit(digits: str) -> str:
    codes = digits.encode("ascii")[::-1]  # the rightmost digit is doubled
    doubled, kept = codes[0::2], codes[1::2]
    total = sum(_LUHN_DOUBLED[code - 48] for code in doubled) + sum(kept) - 48 * len(kept)
    return str(-total % 10)


def card_number(region_code: str, sequence: int) -> str:
    body = f"{region_code}{sequence:08d}"
    return body + luhn_check_digit(body)


def is_valid_card_number(value: str) -> bool:
    return len(value) == 15 and value.isdigit() and luhn_check_digit(value[:14]) == value[14]


def allocate_card_numbers(region_code: str, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive card numbers for a region; one row lock, whatever the count.

    The lock is held until the surrounding transaction ends: bulk importers should allocate
    a whole batch at once.
    """
    if count <= 0:
        return []
    with transaction.atomic():
        CardSequence.objects.get_or_create(region_code=region_code)
        sequence = CardSequence.objects.select_for_update().get(region_code=region_code)
        start = sequence.last_value + 1
        sequence.last_value += count
        sequence.save(update_fields=["last_value"])
    return [card_number(region_code, value) for value in range(start, start + count)]


# ---------------------------------------------------------------------------
# One active membership per person


def _union_label(user, org: Organization) -> str | None:
    """The union's name if the user may see it, else None (do not reveal other subtrees)."""
    if user is not None and Organization.objects.restrict(user, "view").filter(pk=org.pk).exists():
        return org.name
    return None


def membership_conflict(*, user, index: str, org: Organization, exclude_pk: int | None = None) -> str | None:
    """Why a person (by blind index) cannot become an active member of ``org`` now, or None.

    Checks, in order: registered as deceased anywhere; already a member row in ``org``;
    active in another union (named only if the user may see that union).
    """
    rows = list(Member.objects.filter(id_number_index=index).exclude(pk=exclude_pk).select_related("org"))
    for row in rows:
        if row.status == MemberStatus.DECEASED:
            where = _union_label(user, row.org)
            return (
                f"该身份证号码对应的人员已{'在「' + where + '」' if where else ''}登记为已故，不能登记为会员。"
                "请核对身份证号码。"
            )
    for row in rows:
        if row.org_id == org.pk:
            if row.status == MemberStatus.ACTIVE:
                return f"该人员已是本工会在会会员（会员证号 {row.member_card_number}），不要重复登记。"
            return (
                f"该人员曾在本工会登记（状态：{row.get_status_display()}），"
                "请在其会员页面办理「重新入会」，不要重复新增。"
            )
    for row in rows:
        if row.status == MemberStatus.ACTIVE:
            where = _union_label(user, row.org)
            return f"该人员已在「{where}」登记为在会会员，请办理转会。" if where else ACTIVE_ELSEWHERE
    return None


def _active_conflict(*, user, member: Member) -> str | None:
    """For a row about to become active: active elsewhere, or deceased anywhere."""
    rows = Member.objects.filter(id_number_index=member.id_number_index).exclude(pk=member.pk).select_related("org")
    for row in rows:
        if row.status == MemberStatus.DECEASED:
            return "该身份证号码对应的人员已登记为已故，不能恢复会籍。请核对。"
        if row.status == MemberStatus.ACTIVE:
            where = _union_label(user, row.org)
            return f"该人员已在「{where}」登记为在会会员，请办理转会。" if where else ACTIVE_ELSEWHERE
    return None


def _save_guarded(member: Member, *, user) -> None:
    """Save; a unique-constraint race lost to another transaction becomes a Chinese error."""
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        message = membership_conflict(user=user, index=member.id_number_index, org=member.org, exclude_pk=member.pk)
        raise ValidationError({"id_number": message or ACTIVE_ELSEWHERE}) from None


def _event(
    member: Member,
    kind: str,
    date: datetime.date,
    *,
    user,
    from_org: Organization | None = None,
    to_org: Organization | None = None,
    approved_by=None,
    note: str = "",
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        org_id=member.org_id,
        member=member,
        kind=kind,
        date=date,
        from_org=from_org,
        to_org=to_org,
        approved_by=approved_by,
        note=note[:200],
        created_by=user,
    )


def _check_union(org: Organization | None) -> None:
    if org is None:
        raise ValidationError({"org": "请选择会员所在的工会。"})
    if org.org_type not in MEMBER_UNION_TYPES:
        raise ValidationError(
            {
                "org": f"「{org.name}」是{org.get_org_type_display()}，会员只能登记在基层工会、联合基层工会"
                "或网上会员之家，请选择会员所在的工会。"
            }
        )
    if org.is_dissolved:
        raise ValidationError({"org": f"「{org.name}」已撤销，请选择正常状态的工会。"})


def _apply_personal(member: Member, data: dict, *, creating: bool) -> tuple[str, ...]:
    """Seal the identity number and phone from ``data``; returns the ID parser's warnings."""
    warnings: tuple[str, ...] = ()
    id_number = data.get("id_number")
    if creating or id_number:
        if not id_number:
            raise ValidationError({"id_number": "请填写身份证号码。"})
        try:
            warnings = member.set_id_number(id_number).warnings
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
    if "phone" in data:
        try:
            member.set_phone(data["phone"] or "")
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    return warnings


# ---------------------------------------------------------------------------
# Members


@transaction.atomic
def member_create(*, user, data: dict, note: str = "") -> Member:
    """入会登记: a new member of ``data["org"]``, with a card number and a join event.

    ``data``: org, name, id_number, phone (optional) and the ``MEMBER_FIELDS``. The ID
    parser's warnings (an unknown area code) are on ``member.id_warnings``.
    """
    org = data.get("org")
    _check_union(org)
    member = Member(org=org, created_by=user, region_code=org.region_code)
    assign_fields(member, MEMBER_FIELDS, data, strip=True)
    member.id_warnings = _apply_personal(member, data, creating=True)
    conflict = membership_conflict(user=user, index=member.id_number_index, org=org)
    if conflict:
        raise ValidationError({"id_number": conflict})
    member.member_card_number = allocate_card_numbers(org.region_code)[0]
    member.full_clean(validate_constraints=False)
    _save_guarded(member, user=user)
    ensure_in_scope(user, member, "add")
    _event(member, EventKind.JOIN, member.join_date, user=user, to_org=org, approved_by=user, note=note)
    return member


@transaction.atomic
def member_update(*, user, member: Member, data: dict) -> Member:
    """修改会员信息. ``id_number`` empty or absent keeps the number; ``phone`` present ("" clears) replaces it.

    The union is not changed here: that is a transfer.
    """
    member = fetch_for_update(Member, user, "change", member.pk)
    member.snapshot()
    assign_fields(member, MEMBER_FIELDS, data, strip=True)
    if "employer" in data and data["employer"] is None and "employer_name" not in data:
        member.employer_name = ""
    old_index = member.id_number_index
    member.id_warnings = _apply_personal(member, data, creating=False)
    if member.id_number_index != old_index:
        if member.status == MemberStatus.ACTIVE:
            conflict = membership_conflict(
                user=user, index=member.id_number_index, org=member.org, exclude_pk=member.pk
            )
        else:
            clash = Member.objects.filter(org=member.org, id_number_index=member.id_number_index).exclude(pk=member.pk)
            conflict = "本工会已有该身份证号码的会员记录，请核对。" if clash.exists() else None
        if conflict:
            raise ValidationError({"id_number": conflict})
    member.full_clean(validate_constraints=False)
    _save_guarded(member, user=user)
    ensure_in_scope(user, member, "change")
    return member


def _today_or(date: datetime.date | None) -> datetime.date:
    return date or timezone.localdate()


def _check_date(date: datetime.date, member: Member, label: str) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": f"{label}日期不能晚于今天。"})
    if date < member.join_date:
        raise ValidationError({"date": f"{label}日期不能早于入会日期 {member.join_date.isoformat()}。"})


@transaction.atomic
def member_leave(*, user, member: Member, date: datetime.date, reason: str) -> Member:
    """退会: the row stays for history; the person may join any union afterwards."""
    member = fetch_for_update(Member, user, "change", member.pk)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(f"「{member.name}」当前状态为{member.get_status_display()}，不能办理退会。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退会原因。"})
    _check_date(date, member, "退会")
    member.snapshot()
    member.status = MemberStatus.LEFT
    member.left_on = date
    member.leave_reason = reason[:200]
    member.save()
    _event(member, EventKind.LEAVE, date, user=user, from_org=member.org, approved_by=user, note=reason)
    return member


@transaction.atomic
def member_rejoin(*, user, member: Member, date: datetime.date, note: str = "") -> Member:
    """重新入会 in the same union after leaving (or after being transferred out)."""
    member = fetch_for_update(Member, user, "change", member.pk)
    if member.status not in (MemberStatus.LEFT, MemberStatus.TRANSFERRED_OUT):
        raise ValidationError(f"「{member.name}」当前状态为{member.get_status_display()}，不能办理重新入会。")
    _check_union(member.org)
    if date > timezone.localdate():
        raise ValidationError({"date": "重新入会日期不能晚于今天。"})
    if member.left_on and date < member.left_on:
        raise ValidationError({"date": f"重新入会日期不能早于离会日期 {member.left_on.isoformat()}。"})
    conflict = _active_conflict(user=user, member=member)
    if conflict:
        raise ValidationError(conflict)
    member.snapshot()
    member.status = MemberStatus.ACTIVE
    member.join_date = date
    member.left_on = None
    member.leave_reason = ""
    member.full_clean(validate_constraints=False)
    _save_guarded(member, user=user)
    _event(member, EventKind.REJOIN, date, user=user, to_org=member.org, approved_by=user, note=note)
    return member


@transaction.atomic
def member_mark_deceased(*, user, member: Member, date: datetime.date, note: str = "") -> Member:
    """标记已故: ends an active membership; the number can then never be registered again."""
    member = fetch_for_update(Member, user, "change", member.pk)
    if member.status == MemberStatus.DECEASED:
        raise ValidationError(f"「{member.name}」已标记为已故。")
    if date > timezone.localdate():
        raise ValidationError({"date": "去世日期不能晚于今天。"})
    if date < member.birth_date:
        raise ValidationError({"date": "去世日期不能早于出生日期。"})
    member.snapshot()
    if member.status == MemberStatus.ACTIVE:
        member.left_on = max(date, member.join_date)
        member.leave_reason = "去世"
    member.status = MemberStatus.DECEASED
    member.save()
    _event(member, EventKind.DEATH, date, user=user, from_org=member.org, approved_by=user, note=note)
    return member


@transaction.atomic
def member_delete(*, user, member: Member) -> None:
    """删除 a record entered by mistake, with its events and transfer requests (all change-logged)."""
    member = fetch_for_update(Member, user, "delete", member.pk)
    member.delete()


# ---------------------------------------------------------------------------
# Transfers (转会)


def _move(
    member: Member,
    to_org: Organization,
    date: datetime.date,
    *,
    user,
    approved_by,
    note: str = "",
) -> Member:
    """Close ``member`` (locked, active) as transferred out and activate the person in ``to_org``."""
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(f"「{member.name}」当前状态为{member.get_status_display()}，不能办理转会。")
    if member.org_id == to_org.pk:
        raise ValidationError({"to_org": f"「{member.name}」已在「{to_org.name}」，无需转会。"})
    _check_union(to_org)
    _check_date(date, member, "转会")
    from_org = member.org
    member.snapshot()
    member.status = MemberStatus.TRANSFERRED_OUT
    member.left_on = date
    member.leave_reason = f"转入「{to_org.name}」"[:200]
    member.save()
    _event(
        member,
        EventKind.TRANSFER_OUT,
        date,
        user=user,
        from_org=from_org,
        to_org=to_org,
        approved_by=approved_by,
        note=note,
    )
    target = Member.objects.select_for_update().filter(org=to_org, id_number_index=member.id_number_index).first()
    if target is None:
        target = Member(
            org=to_org,
            created_by=user,
            region_code=to_org.region_code,
            member_card_number=allocate_card_numbers(to_org.region_code)[0],
        )
    else:
        target.snapshot()
    for field in PERSON_FIELDS:
        setattr(target, field, getattr(member, field))
    keep_employer = member.employer_id is not None and member.employer.union_id == to_org.pk
    target.employer = member.employer if keep_employer else None
    target.employer_name = member.employer_name if keep_employer else ""
    target.join_date = member.join_date  # membership is continuous across a transfer
    target.status = MemberStatus.ACTIVE
    target.left_on = None
    target.leave_reason = ""
    target.full_clean(validate_constraints=False)
    _save_guarded(target, user=user)
    _event(
        target,
        EventKind.TRANSFER_IN,
        date,
        user=user,
        from_org=from_org,
        to_org=to_org,
        approved_by=approved_by,
        note=note,
    )
    return target


@transaction.atomic
def member_transfer_direct(
    *, user, member: Member, to_org: Organization, date: datetime.date | None = None, note: str = ""
) -> Member:
    """Move a member between two unions the user manages (no approval round). Returns the new active row."""
    member = fetch_for_update(Member, user, "change", member.pk)
    date = _today_or(date)
    from_org = member.org
    new_row = _move(member, to_org, date, user=user, approved_by=user, note=note)
    ensure_in_scope(user, new_row, "add")
    Transfer.objects.create(
        org=to_org,
        member=member,
        from_org=from_org,
        state=TransferState.APPROVED,
        source=TransferSource.DIRECT,
        reason=note[:200],
        requested_by=user,
        decided_by=user,
        decided_at=timezone.now(),
        effective_on=date,
        new_member=new_row,
        created_by=user,
    )
    return new_row


def find_active_member(*, id_number: str, name: str) -> Member | None:
    """The active membership of the person with this ID number and exactly this name, system-wide.

    Unrestricted on purpose: a transfer starts in the receiving union, which cannot see the
    sending one. Requiring the name as well as the number stops probing by number alone.
    """
    number = normalize_id_number(id_number)
    member = (
        Member.objects.filter(id_number_index=id_number_index(number), status=MemberStatus.ACTIVE)
        .select_related("org")
        .first()
    )
    if member is None or member.name != (name or "").strip():
        return None
    return member


def transfer_open(
    *,
    member: Member,
    to_org: Organization,
    source: str,
    requested_by=None,
    reason: str = "",
) -> Transfer:
    """Create a transfer request without a scope check: for ``transfer_request`` and the member's own
    request from a phone (``source=TransferSource.MEMBER``, ``requested_by=None``)."""
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError("该人员不是在会会员，不能办理转会；请按新会员办理入会。")
    _check_union(to_org)
    if member.org_id == to_org.pk:
        raise ValidationError({"to_org": f"该会员已在「{to_org.name}」，无需转会。"})
    if Transfer.objects.filter(member=member, state=TransferState.REQUESTED).exists():
        raise ValidationError("该会员已有一条待审批的转会申请，请等待审批结果或先撤回它。")
    transfer = Transfer(
        org=to_org,
        member=member,
        from_org=member.org,
        source=source,
        reason=(reason or "").strip()[:200],
        requested_by=requested_by,
        created_by=requested_by,
    )
    transfer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        raise ValidationError("该会员已有一条待审批的转会申请，请等待审批结果或先撤回它。") from None
    return transfer


@transaction.atomic
def transfer_request(*, user, to_org: Organization, id_number: str, name: str, reason: str = "") -> Transfer:
    """转会申请 by the receiving union: names the person by ID number and name."""
    if not can(user, Transfer, "add"):
        raise PermissionDenied("您没有办理转会的权限。")
    member = find_active_member(id_number=id_number, name=name)
    if member is None:
        raise ValidationError(
            {"id_number": "没有找到身份证号码与姓名都匹配的在会会员。请核对；如该人员尚未入会，请按新会员登记。"}
        )
    transfer = transfer_open(
        member=member, to_org=to_org, source=TransferSource.UNION, requested_by=user, reason=reason
    )
    ensure_in_scope(user, transfer, "add")
    return transfer


def _sending_union_recipients(org: Organization) -> list:
    """Users of the sending union who may see members; else those of its nearest ancestor who may."""
    from gonghui.accounts.models import User

    for unit in [org, *reversed(Organization.objects.get_ancestors(org))]:
        users = [u for u in User.objects.filter(org=unit, is_active=True) if can(u, Member, "view")]
        if users:
            return users
    return []


def _notify_sending_union(old_row: Member, new_row: Member, date: datetime.date) -> None:
    from gonghui.notices.services import message_send

    recipients = _sending_union_recipients(old_row.org)
    if not recipients:
        return
    message_send(
        recipients=recipients,
        title=f"会员转出：{old_row.name}",
        body=(
            f"会员{old_row.name}（身份证号 {old_row.id_number_masked}）已于 {date:%Y年%m月%d日} "
            f"转入「{new_row.org.name}」，其在「{old_row.org.name}」的会籍已标记为已转出。"
        ),
        link=old_row.get_absolute_url(),
    )


@transaction.atomic
def transfer_approve(*, user, transfer: Transfer, date: datetime.date | None = None, note: str = "") -> Transfer:
    """批准转会 (by the receiving union): moves the membership, writes both events, notifies the sending union."""
    transfer = fetch_for_update(Transfer, user, "approve", transfer.pk)
    if transfer.state != TransferState.REQUESTED:
        raise ValidationError(f"该转会申请{transfer.get_state_display()}，不能再审批。")
    member = Member.objects.select_for_update().select_related("org").get(pk=transfer.member_id)
    if member.status != MemberStatus.ACTIVE or member.org_id != transfer.from_org_id:
        raise ValidationError("该会员已不在原工会在会，这条转会申请已失效，请撤回。")
    date = _today_or(date)
    new_row = _move(member, transfer.org, date, user=user, approved_by=user, note=note or transfer.reason)
    transfer.snapshot()
    transfer.state = TransferState.APPROVED
    transfer.decided_by = user
    transfer.decided_at = timezone.now()
    transfer.decision_note = note.strip()[:200]
    transfer.effective_on = date
    transfer.new_member = new_row
    transfer.save()
    ensure_in_scope(user, transfer, "approve")
    _notify_sending_union(member, new_row, date)
    return transfer


@transaction.atomic
def transfer_reject(*, user, transfer: Transfer, reason: str) -> Transfer:
    transfer = fetch_for_update(Transfer, user, "approve", transfer.pk)
    if transfer.state != TransferState.REQUESTED:
        raise ValidationError(f"该转会申请{transfer.get_state_display()}，不能再审批。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "驳回转会申请时请填写原因，以便申请人了解。"})
    transfer.snapshot()
    transfer.state = TransferState.REJECTED
    transfer.decided_by = user
    transfer.decided_at = timezone.now()
    transfer.decision_note = reason[:200]
    transfer.save()
    return transfer


@transaction.atomic
def transfer_cancel(*, user, transfer: Transfer) -> Transfer:
    """撤回 an open request (the receiving union, e.g. when it was made by mistake)."""
    transfer = fetch_for_update(Transfer, user, "change", transfer.pk)
    if transfer.state != TransferState.REQUESTED:
        raise ValidationError(f"该转会申请{transfer.get_state_display()}，不能撤回。")
    transfer.snapshot()
    transfer.state = TransferState.CANCELLED
    transfer.decided_by = user
    transfer.decided_at = timezone.now()
    transfer.save()
    return transfer


def member_data_from_form(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Form data → service data: a blank ID keeps the number; a blank phone keeps it unless cleared."""
    data = dict(cleaned)
    if not data.get("id_number"):
        data.pop("id_number", None)
    clear_phone = data.pop("clear_phone", False)
    if clear_phone:
        data["phone"] = ""
    elif not data.get("phone"):
        data.pop("phone", None)
    return data
