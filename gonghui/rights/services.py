"""Writers for rights cases: the closed loop 接听 → 登记 → 派单 → 督办 → 回访.

Two parties act on a case. The receiving unit (``received_by``, e.g. the 12351 centre) or a unit above it
dispatches, transfers, urges (督办) and calls back: that needs ``approve_rightscase`` over the case and the
user's own unit at or above the receiving unit. The responsible union (``org``) responds, writes handling
notes and resolves: that needs ``change_rightscase`` over the case.

Every step sets its timestamp, moves ``current_due`` to the next step's deadline and writes a ``CaseNote``;
a step from the wrong state raises ``ValidationError`` saying why. Saves are change-logged (personal data
redacted) by ``ScopedModel``. Each service takes ``now`` so tests run on a fixed clock.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.notices.models import MessageCategory
from gonghui.notices.services import message_send
from gonghui.orgs.models import Employer, Organization
from gonghui.rights import deadlines, selectors
from gonghui.rights.models import CaseNote, CaseNoteKind, CaseState, Outcome, RightsCase, Satisfaction

CASE_FIELDS = (
    "channel",
    "category",
    "tier",
    "title",
    "description",
    "is_anonymous",
    "complainant_name",
    "persons_count",
    "employer",
    "employer_name",
)
STATE_PHRASES = {
    CaseState.REGISTERED: "尚未派单",
    CaseState.DISPATCHED: "已派单、等待承办单位响应",
    CaseState.HANDLING: "正在办理",
    CaseState.RESOLVED: "已办结、等待回访",
    CaseState.CLOSED: "已回访结案",
}
NOT_SUPERVISING = (
    "只有受理单位（或其上级单位）可以派单、转办、督办和回访；承办单位请使用响应、记录办理情况、办结等功能。"
)
NO_HANDLING_PERMISSION = "您没有办理维权案件的权限，请联系安全管理员分配角色。"
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _require_state(case: RightsCase, allowed: tuple[str, ...], verb: str) -> None:
    if case.state not in allowed:
        raise ValidationError(f"该案件{STATE_PHRASES[case.state]}，不能{verb}。")


def _actor_name(user: Any) -> str:
    if user is None:
        return "系统"
    return (getattr(user, "display_name", "") or user.get_username())[:150]


def _note(case: RightsCase, user: Any, text: str, now: datetime.datetime, kind: str = CaseNoteKind.STEP) -> CaseNote:
    return CaseNote.objects.create(case=case, kind=kind, text=text, user=user, user_name=_actor_name(user), time=now)


def _attach(case: RightsCase, user: Any, file: UploadedFile, text: str, now: datetime.datetime) -> CaseNote:
    note = CaseNote(
        case=case, kind=CaseNoteKind.ATTACHMENT, text=text, user=user, user_name=_actor_name(user), time=now
    )
    note.file = file
    note.original_name = file.name[:200]
    try:
        note.full_clean()
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    note.save()
    return note


def _save(case: RightsCase, user: Any, action: str) -> None:
    case.full_clean()
    case.save()
    ensure_in_scope(user, case, action)


def _notify(orgs, *, title: str, body: str, link: str, category: str, exclude: Any = None) -> int:
    recipients = selectors.rights_recipients(orgs)
    if exclude is not None:
        recipients = recipients.exclude(pk=exclude.pk)
    return len(message_send(recipients=recipients, title=title, body=body, link=link, category=category))


def _handling_case(user: Any, case: RightsCase) -> RightsCase:
    if not can(user, RightsCase, "change"):
        raise PermissionDenied(NO_HANDLING_PERMISSION)
    return fetch_for_update(RightsCase, user, "change", case.pk)


def _supervising_case(user: Any, case: RightsCase) -> RightsCase:
    if not can(user, RightsCase, "approve"):
        raise PermissionDenied(NOT_SUPERVISING)
    locked = fetch_for_update(RightsCase, user, "approve", case.pk)
    if not selectors.is_supervising_actor(user, locked):
        raise PermissionDenied(NOT_SUPERVISING)
    return locked


def _set_waiting(case: RightsCase, stage: str | None) -> None:
    """Point ``current_due``/``current_warn_at`` at the deadline the case now waits for."""
    if stage is None:
        case.current_due = case.current_warn_at = None
        return
    due = {
        "dispatch": case.dispatch_due,
        "response": case.response_due,
        "resolution": case.resolution_due,
        "callback": case.callback_due,
    }[stage]
    start = case.resolved_at if stage == "callback" else case.received_at
    case.current_due = due
    case.current_warn_at = deadlines.warn_at(start, due)


def _check_unit(user: Any, unit: Organization | None, field: str, label: str) -> Organization:
    if unit is None:
        raise ValidationError({field: f"请选择{label}。"})
    if not selectors.unit_choices(user).filter(pk=unit.pk).exists():
        raise ValidationError({field: f"「{unit.name}」不在您的数据权限范围内或已撤销，请选择您有权管理的单位。"})
    return unit


def _apply_person(case: RightsCase, data: dict, *, creating: bool) -> None:
    """Complainant: anonymous cases keep no name or numbers; the numbers are validated and sealed."""
    if case.is_anonymous:
        case.complainant_name = ""
        case.set_id_number("")
        case.set_phone("")
        return
    if not (case.complainant_name or "").strip():
        raise ValidationError({"complainant_name": "请填写诉求人姓名；不愿留名的请勾选「匿名」。"})
    for field, setter in (("id_number", case.set_id_number), ("phone", case.set_phone)):
        value = (data.get(field) or "").strip()
        if value or creating:
            try:
                setter(value)
            except ValidationError as error:
                raise ValidationError({field: error.messages}) from None


def _apply_employer(user: Any, case: RightsCase) -> None:
    if case.employer_id:
        if not Employer.objects.restrict(user, "view").filter(pk=case.employer_id).exists():
            raise ValidationError({"employer": "所选用人单位不在您的数据权限范围内，请直接填写单位名称。"})
        case.employer_name = case.employer.name


def _group_flag(case: RightsCase, requested: bool | None) -> None:
    case.is_group_incident = bool(requested) or case.persons_count >= deadlines.group_threshold()


def _notify_group_incident(case: RightsCase, user: Any) -> int:
    """群体性事件: the responsible union and every union above it hear at once."""
    orgs = [*selectors.ancestors_of(case.org), case.org]
    return _notify(
        orgs,
        title=f"群体性维权事件：{case.title}",
        body=f"{case.received_by.name}受理群体性维权诉求「{case.title}」（{case.get_category_display()}），"
        f"涉及 {case.persons_count} 人，用人单位：{case.employer_name or '未填写'}。请立即关注，及早化解。",
        link=case.get_absolute_url(),
        category=MessageCategory.WARNING,
        exclude=user,
    )


# --- 接听、登记 ------------------------------------------------------------------------------------------


@transaction.atomic
def case_register(
    *, user: Any, data: dict, file: UploadedFile | None = None, now: datetime.datetime | None = None
) -> RightsCase:
    """接听 + 登记: ``data`` holds the case fields, ``received_at`` (default now), ``received_by`` (default the
    user's unit), ``id_number`` and ``phone`` in clear (sealed here), ``is_group_incident`` (forced on from
    the group threshold). A group incident notifies the parent unions at once."""
    if not can(user, RightsCase, "add"):
        raise PermissionDenied("您没有登记维权案件的权限，请联系安全管理员分配角色。")
    now = _now(now)
    received_by = _check_unit(user, data.get("received_by") or user.org, "received_by", "受理单位")
    received_at = data.get("received_at") or now
    if received_at > now + FUTURE_TOLERANCE:
        raise ValidationError({"received_at": "接听（收到）时间不能晚于现在，请核对。"})
    case = RightsCase(created_by=user, org=received_by, received_by=received_by, state=CaseState.REGISTERED)
    assign_fields(case, CASE_FIELDS, data, strip=True)
    _apply_person(case, data, creating=True)
    _apply_employer(user, case)
    _group_flag(case, data.get("is_group_incident"))
    case.received_at = received_at
    case.received_on = timezone.localdate(received_at)
    case.registered_at = now
    if case.tier not in deadlines.DEFAULT_LIMITS:
        raise ValidationError({"tier": "请选择复杂程度（简单、一般、复杂）。"})
    due = deadlines.deadlines_for(case.tier, received_at)
    case.dispatch_due, case.response_due, case.resolution_due = due.dispatch, due.response, due.resolution
    _set_waiting(case, "dispatch")
    _save(case, user, "add")
    _note(
        case,
        user,
        f"接听登记：{case.get_channel_display()}，{case.get_category_display()}，{case.get_tier_display()}，"
        f"涉及 {case.persons_count} 人次。派单时限 {timezone.localtime(case.dispatch_due):%m-%d %H:%M}。",
        now,
    )
    if file:
        _attach(case, user, file, "登记时上传的材料", now)
    if case.is_group_incident:
        _notify_group_incident(case, user)
    return case


@transaction.atomic
def case_update(*, user: Any, case: RightsCase, data: dict, now: datetime.datetime | None = None) -> RightsCase:
    """Correct the registration; a new tier recomputes the deadlines from the time received. Blank ID number or
    phone keeps the stored one."""
    case = _handling_case(user, case)
    if case.state == CaseState.CLOSED:
        raise ValidationError("该案件已回访结案，不能修改。")
    now = _now(now)
    case.snapshot()
    was_group, old_tier = case.is_group_incident, case.tier
    assign_fields(case, CASE_FIELDS, data, strip=True)
    _apply_person(case, data, creating=False)
    _apply_employer(user, case)
    _group_flag(case, data.get("is_group_incident", was_group))
    if case.tier != old_tier:
        due = deadlines.deadlines_for(case.tier, case.received_at)
        case.dispatch_due, case.response_due, case.resolution_due = due.dispatch, due.response, due.resolution
        _set_waiting(case, selectors.WAITING_FOR.get(case.state))
    _save(case, user, "change")
    if case.tier != old_tier:
        _note(
            case,
            user,
            f"复杂程度由「{dict(RightsCase._meta.get_field('tier').choices)[old_tier]}」调整为"
            f"「{case.get_tier_display()}」，时限重新计算。",
            now,
        )
    else:
        _note(case, user, "修改了登记信息。", now)
    if case.is_group_incident and not was_group:
        _notify_group_incident(case, user)
    return case


@transaction.atomic
def case_delete(*, user: Any, case: RightsCase) -> None:
    """Only a case registered by mistake and not yet dispatched."""
    if not can(user, RightsCase, "delete"):
        raise PermissionDenied("您没有删除维权案件的权限。")
    case = _supervising_case(user, case)
    if case.state != CaseState.REGISTERED:
        raise ValidationError(f"该案件{STATE_PHRASES[case.state]}，只有尚未派单的案件可以删除。")
    files = [(note.file.storage, note.file.name) for note in case.notes.exclude(file="")]
    case.delete()

    def remove() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove, robust=True)


# --- 派单、转办、督办 -------------------------------------------------------------------------------------


@transaction.atomic
def case_dispatch(
    *, user: Any, case: RightsCase, to_org: Organization | None, note: str = "", now: datetime.datetime | None = None
) -> RightsCase:
    case = _supervising_case(user, case)
    _require_state(case, (CaseState.REGISTERED,), "派单")
    to_org = _check_unit(user, to_org, "to_org", "承办单位")
    if not to_org.path.startswith(case.received_by.path):
        raise ValidationError({"to_org": f"承办单位须是受理单位「{case.received_by.name}」或其下级单位。"})
    now = _now(now)
    case.snapshot()
    case.org = to_org
    case.state = CaseState.DISPATCHED
    case.dispatched_at = now
    _set_waiting(case, "response")
    _save(case, user, "approve")
    late = "（超过派单时限）" if now > case.dispatch_due else ""
    note = (note or "").strip()
    _note(case, user, f"派单至{to_org.name}{late}。{note}", now)
    _notify(
        [to_org],
        title=f"维权案件派单：{case.title}",
        body=f"{case.received_by.name}派来维权案件「{case.title}」（{case.get_category_display()}，"
        f"{case.persons_count} 人次），请在 {timezone.localtime(case.response_due):%m-%d %H:%M} 前响应。{note}",
        link=case.get_absolute_url(),
        category=MessageCategory.REMINDER,
        exclude=user,
    )
    return case


@transaction.atomic
def case_transfer(
    *, user: Any, case: RightsCase, to_org: Organization | None, reason: str, now: datetime.datetime | None = None
) -> RightsCase:
    """转办: another union takes over; the deadlines keep running from the time received."""
    case = _supervising_case(user, case)
    _require_state(case, selectors.ACTIVE_STATES, "转办")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写转办原因，例如：用人单位属地不符、诉求不属本单位职责。"})
    to_org = _check_unit(user, to_org, "to_org", "转办单位")
    if to_org.pk == case.org_id:
        raise ValidationError({"to_org": f"案件已由{to_org.name}承办，请选择另一个单位。"})
    now = _now(now)
    old = case.org
    case.snapshot()
    case.org = to_org
    _save(case, user, "approve")
    _note(case, user, f"由{old.name}转办至{to_org.name}。原因：{reason}", now, kind=CaseNoteKind.TRANSFER)
    _notify(
        [to_org],
        title=f"维权案件转办：{case.title}",
        body=f"维权案件「{case.title}」由{old.name}转来，请及时办理。转办原因：{reason}",
        link=case.get_absolute_url(),
        category=MessageCategory.REMINDER,
        exclude=user,
    )
    return case


@transaction.atomic
def case_urge(*, user: Any, case: RightsCase, text: str = "", now: datetime.datetime | None = None) -> CaseNote:
    """督办: a note and a message to the responsible union."""
    case = _supervising_case(user, case)
    _require_state(case, selectors.ACTIVE_STATES, "督办")
    now = _now(now)
    overdue = case.current_due is not None and now > case.current_due
    stage = deadlines.STAGE_LABELS[selectors.WAITING_FOR[case.state]]
    text = (text or "").strip() or (
        f"该案件已超过{stage}时限，请立即办理并反馈。"
        if overdue
        else f"请在 {timezone.localtime(case.current_due):%m-%d %H:%M} 前完成{stage}。"
    )
    note = _note(case, user, text[:2000], now, kind=CaseNoteKind.URGE)
    _notify(
        [case.org],
        title=f"维权案件督办：{case.title}",
        body=f"{_actor_name(user)}督办维权案件「{case.title}」：{text}",
        link=case.get_absolute_url(),
        category=MessageCategory.WARNING if overdue else MessageCategory.REMINDER,
        exclude=user,
    )
    return note


# --- 响应、办理、办结 -------------------------------------------------------------------------------------


def _respond(case: RightsCase, user: Any, now: datetime.datetime, text: str) -> None:
    case.responded_at = now
    case.state = CaseState.HANDLING
    _set_waiting(case, "resolution")
    _save(case, user, "change")
    late = "（超过响应时限）" if now > case.response_due else ""
    _note(case, user, f"首次响应{late}：{text}", now)


@transaction.atomic
def case_respond(*, user: Any, case: RightsCase, text: str, now: datetime.datetime | None = None) -> RightsCase:
    """首次响应: the responsible union has contacted the worker (or the employer) and starts handling."""
    case = _handling_case(user, case)
    _require_state(case, (CaseState.DISPATCHED,), "响应")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写响应情况：何时以何种方式联系了诉求人，初步意见是什么。"})
    case.snapshot()
    _respond(case, user, _now(now), text)
    return case


@transaction.atomic
def case_add_note(
    *,
    user: Any,
    case: RightsCase,
    text: str,
    file: UploadedFile | None = None,
    now: datetime.datetime | None = None,
) -> CaseNote:
    """办理情况 with an optional attachment; on a case not yet responded to it counts as the first response."""
    case = _handling_case(user, case)
    _require_state(case, selectors.ACTIVE_STATES, "记录办理情况")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写办理情况：做了什么、进展如何、下步打算。"})
    now = _now(now)
    if case.state == CaseState.DISPATCHED:
        case.snapshot()
        _respond(case, user, now, "（记录办理情况）")
    if file:
        return _attach(case, user, file, text, now)
    return _note(case, user, text, now, kind=CaseNoteKind.PROGRESS)


@transaction.atomic
def case_resolve(
    *,
    user: Any,
    case: RightsCase,
    outcome: str,
    resolution: str,
    amount_recovered: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> RightsCase:
    """办结 with the outcome and the amount recovered; the receiving unit is asked to call back within 24 h."""
    case = _handling_case(user, case)
    _require_state(case, selectors.ACTIVE_STATES, "办结")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "请选择办理结果。"})
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "请填写办理情况：如何处理的、结果如何、诉求人意见。"})
    amount = amount_recovered if amount_recovered is not None else Decimal(0)
    if amount < 0:
        raise ValidationError({"amount_recovered": "挽回金额不能为负数；没有金额的请填 0。"})
    now = _now(now)
    case.snapshot()
    if case.responded_at is None:
        case.responded_at = now
    case.state = CaseState.RESOLVED
    case.resolved_at = now
    case.outcome = outcome
    case.resolution = resolution
    case.amount_recovered = amount
    case.callback_due = now + deadlines.limits_for(case.tier)["callback"]
    _set_waiting(case, "callback")
    _save(case, user, "change")
    late = "（超过办结时限）" if now > case.resolution_due else ""
    money = f"，挽回金额 {amount:,.2f} 元" if amount else ""
    _note(case, user, f"办结{late}：{case.get_outcome_display()}{money}。", now)
    _notify(
        [case.received_by],
        title=f"维权案件待回访：{case.title}",
        body=f"{case.org.name}已办结维权案件「{case.title}」（{case.get_outcome_display()}），"
        f"请在 {timezone.localtime(case.callback_due):%m-%d %H:%M} 前回访诉求人。",
        link=case.get_absolute_url(),
        category=MessageCategory.REMINDER,
        exclude=user,
    )
    return case


# --- 回访 -----------------------------------------------------------------------------------------------


@transaction.atomic
def case_callback(
    *, user: Any, case: RightsCase, satisfaction: str, note: str = "", now: datetime.datetime | None = None
) -> RightsCase:
    """回访 with the worker's satisfaction; closes the loop. 不满意 needs a note saying why."""
    case = _supervising_case(user, case)
    _require_state(case, (CaseState.RESOLVED,), "回访")
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": "请选择回访满意度。"})
    note = (note or "").strip()
    if satisfaction == Satisfaction.DISSATISFIED and not note:
        raise ValidationError({"note": "诉求人不满意时，请记录不满意的原因和后续处理意见。"})
    if case.is_anonymous and satisfaction != Satisfaction.UNREACHABLE and not note:
        raise ValidationError({"note": "匿名诉求请记录回访方式（如 诉求人来电回访）。"})
    now = _now(now)
    case.snapshot()
    case.state = CaseState.CLOSED
    case.callback_at = now
    case.satisfaction = satisfaction
    case.callback_note = note[:500]
    _set_waiting(case, None)
    _save(case, user, "approve")
    late = "（超过回访时限）" if case.callback_due and now > case.callback_due else ""
    _note(case, user, f"回访{late}：{case.get_satisfaction_display()}。{note}", now)
    return case
