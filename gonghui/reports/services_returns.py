"""Writers of the statistics annual returns (统计年报): open a campaign, compile, correct and fill, submit,
accept, return.

Workflow of a unit's return: 未开始 → 填报中 (first compiled) → 已上报 → 已审核, or → 已退回 (with a reason)
→ 已上报 again. Submitted and accepted returns are locked. Only a proper ancestor of the unit reviews.

Figures are never taken from input except where the row is hand-entered (填报) or the unit corrects one, and a
correction needs a reason. Compiling again (重新计算) refreshes every figure from the records and keeps the
corrections; both the computed and the corrected value are kept and shown, and every change is logged.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.core.models import ChangeAction
from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import changelog_record, fetch_for_update
from gonghui.notices.models import MessageCategory
from gonghui.notices.services import message_send
from gonghui.orgs.models import Organization, OrgStatus, OrgType
from gonghui.reports import returns as forms
from gonghui.reports.models import (
    CampaignStatus,
    ReturnAction,
    ReturnCampaign,
    ReturnLog,
    ReturnStatus,
    ReturnValue,
    UnitReturn,
)
from gonghui.targets.figures import mark_stale

TWO_PLACES = Decimal("0.01")
MAX_VALUE = Decimal(10) ** 13
EDITABLE = (ReturnStatus.NOT_STARTED, ReturnStatus.FILLING, ReturnStatus.RETURNED)
NOT_EDITABLE = "「{ret}」当前为{status}，不能修改。已上报或已审核的年报如需更正，请联系上级单位退回。"


# --- helpers ---------------------------------------------------------------------------------------------


def _log(ret: UnitReturn, action: str, user: Any, comment: str = "", code: str = "", before="", after="") -> None:
    ReturnLog.objects.create(
        unit_return=ret,
        action=action,
        user=user,
        user_name=str(user)[:150],
        comment=comment[:500],
        code=code,
        before=str(before)[:200],
        after=str(after)[:200],
    )


def form_of(ret: UnitReturn) -> forms.FormDef:
    return forms.FORMS[ret.form]


def window_of(campaign: ReturnCampaign) -> forms.Window:
    return forms.Window(campaign.period_start, campaign.period_end)


def _display(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text


def child_returns(ret: UnitReturn) -> QuerySet[UnitReturn]:
    """The returns of the unit's direct sub-units in the same campaign (no scope: the caller holds ``ret``)."""
    return (
        UnitReturn.objects.filter(campaign_id=ret.campaign_id, org__path__startswith=ret.org.path)
        .filter(org__depth=ret.org.depth + 1)
        .select_related("org")
        .order_by("org__path")
    )


def _users_holding(org: Organization, codename: str) -> QuerySet:
    permission = Permission.objects.filter(content_type__app_label="reports", codename=codename).values("pk")
    users = get_user_model().objects.filter(org=org, is_active=True)
    granted = users.filter(roles__is_active=True, roles__permissions__in=permission).values("pk")
    return users.filter(Q(is_superuser=True) | Q(pk__in=granted))


def may_review(user: Any, ret: UnitReturn) -> bool:
    """Reviewing needs approve over the return, from a proper ancestor: a unit never reviews its own return."""
    if not UnitReturn.objects.restrict(user, "approve").filter(pk=ret.pk).exists():
        return False
    if user.org_id is None:
        return bool(user.is_superuser)
    return ret.org.path.startswith(user.org.path) and ret.org.path != user.org.path


def _ensure_editable(ret: UnitReturn) -> None:
    if ret.status not in EDITABLE:
        raise ValidationError(NOT_EDITABLE.format(ret=ret, status=ret.get_status_display()))
    if ret.campaign.status != CampaignStatus.OPEN:
        raise ValidationError(f"「{ret.campaign}」已结束，不能再修改年报。")


# --- campaigns -------------------------------------------------------------------------------------------


@transaction.atomic
def campaign_open(
    *, user: Any, org: Organization, year: int, deadline: datetime.date, title: str = "", note: str = ""
) -> ReturnCampaign:
    """布置统计年报: a federation opens the statistics year for its whole subtree. Every active unit that files
    a return gets one (未开始)."""
    if org.org_type != OrgType.FEDERATION:
        raise ValidationError({"org": f"「{org.name}」不是总工会，统计年报由市、县(区)总工会布置。"})
    if ReturnCampaign.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": f"「{org.name}」已布置过{year}年统计年报，不能重复布置。"})
    campaign = ReturnCampaign(
        org=org,
        year=year,
        deadline=deadline,
        title=(title or "").strip() or f"{org.name}{year}年工会统计年报",
        note=(note or "").strip(),
        created_by=user,
    )
    campaign.full_clean()
    campaign.save()
    try:
        ensure_in_scope(user, campaign, "add")
    except PermissionDenied:
        raise PermissionDenied(f"您无权为「{org.name}」布置统计年报，只能为本单位或下级单位布置。") from None
    units = (
        Organization.objects.filter(path__startswith=org.path)
        .exclude(status=OrgStatus.DISSOLVED)
        .filter(org_type__in=forms.GRASSROOTS_FILERS + forms.ABOVE_FILERS)
        .only("pk", "org_type")
    )
    UnitReturn.objects.bulk_create(
        UnitReturn(campaign=campaign, org_id=unit.pk, form=forms.form_for_org_type(unit.org_type), created_by=user)
        for unit in units.iterator()
    )
    return campaign


@transaction.atomic
def campaign_close(*, user: Any, campaign: ReturnCampaign) -> ReturnCampaign:
    campaign = fetch_for_update(ReturnCampaign, user, "change", campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(f"「{campaign}」已经结束。")
    campaign.snapshot()
    campaign.status = CampaignStatus.CLOSED
    campaign.full_clean()
    campaign.save()
    ensure_in_scope(user, campaign, "change")
    return campaign


# --- compile ---------------------------------------------------------------------------------------------


def _children_adjustments(ret: UnitReturn) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Per concept, over the accepted direct sub-units' returns: the net correction (final − records) and the
    reported total (for rows the parent has no records for)."""
    deltas: dict[str, Decimal] = {}
    totals: dict[str, Decimal] = {}
    accepted = child_returns(ret).filter(status=ReturnStatus.ACCEPTED)
    for child in accepted.prefetch_related("values"):
        form = forms.FORMS[child.form]
        for value in child.values.all():
            field = form.by_code.get(value.code)
            if field is None or not field.concept or value.final_value is None:
                continue
            deltas[field.concept] = deltas.get(field.concept, Decimal(0)) + value.delta
            totals[field.concept] = totals.get(field.concept, Decimal(0)) + value.final_value
    return deltas, totals


def _apply_ratios(ret: UnitReturn, rows: dict[str, ReturnValue], *, save: bool = True) -> None:
    for field in form_of(ret).fields:
        if field.ratio:
            row = rows[field.code]
            top, bottom = (rows[code].final_value for code in field.ratio)
            row.computed_value = row.final_value = forms.ratio_of(top, bottom)
            if save:
                row.save(update_fields=["computed_value", "final_value"])


COMPILED_FIELDS = ["is_manual", "records_value", "computed_value", "final_value", "computed_text"]


def _compile(ret: UnitReturn) -> None:
    form = form_of(ret)
    window = window_of(ret.campaign)
    existing = {row.code: row for row in ret.values.all()}
    deltas, totals = _children_adjustments(ret) if ret.form == forms.ABOVE_FORM.key else ({}, {})
    rows: dict[str, ReturnValue] = {}
    for field in form.fields:
        row = existing.get(field.code) or ReturnValue(unit_return=ret, code=field.code)
        row.is_manual = field.is_manual_now()
        if field.kind in (forms.TEXT, forms.CHOICE):
            row.computed_text = "" if row.is_manual else str(forms.records_value(field, ret.org, window) or "")
        elif not field.ratio:
            if row.is_manual:
                row.records_value = None
                row.computed_value = totals.get(field.concept) if field.concept else None
            else:
                row.records_value = Decimal(forms.records_value(field, ret.org, window) or 0)
                row.computed_value = row.records_value + deltas.get(field.concept, Decimal(0))
            row.final_value = row.corrected_value if row.is_corrected else row.computed_value
        rows[field.code] = row
    _apply_ratios(ret, rows, save=False)
    new = [row for row in rows.values() if row.pk is None]
    old = [row for row in rows.values() if row.pk is not None]
    ReturnValue.objects.bulk_create(new)
    if old:
        ReturnValue.objects.bulk_update(old, COMPILED_FIELDS)
    ret.compiled_at = timezone.now()


@transaction.atomic
def return_compile(*, user: Any, unit_return: UnitReturn) -> UnitReturn:
    """计算 / 重新计算: refresh every figure from the records (and accepted sub-units); corrections stay."""
    ret = fetch_for_update(UnitReturn, user, "change", unit_return.pk)
    _ensure_editable(ret)
    ret.snapshot()
    _compile(ret)
    if ret.status == ReturnStatus.NOT_STARTED:
        ret.status = ReturnStatus.FILLING
    ret.full_clean()
    ret.save()
    ensure_in_scope(user, ret, "change")
    _log(ret, ReturnAction.COMPILE, user)
    return ret


# --- corrections and hand-entered rows -------------------------------------------------------------------


def parse_entry(field: forms.Field, raw: Any) -> Decimal | str | None:
    """A figure from input. Empty → None. Numbers ≥ 0; whole numbers for counts, two decimals for amounts."""
    label = f"代码{field.code}「{field.label}」"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip()
    if field.kind == forms.CHOICE:
        if text not in field.choices:
            raise ValidationError(f"{label}应填写{'或'.join(field.choices)}（当前为“{text}”）。")
        return text
    if field.kind == forms.TEXT:
        if len(text) > 200:
            raise ValidationError(f"{label}最多 200 个字（当前 {len(text)} 个），请精简。")
        return text
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(f"{label}的数值“{text}”不是有效数字，请填写数字，如 12 或 3.5。") from None
    if not value.is_finite():
        raise ValidationError(f"{label}的数值“{text}”不是有效数字，请填写数字，如 12 或 3.5。")
    if value < 0:
        raise ValidationError(f"{label}不能为负数（当前为 {text}），请填写 0 或正数。")
    if value >= MAX_VALUE:
        raise ValidationError(f"{label}的数值过大（当前为 {text}），请核对后再填写。")
    if field.is_whole and value != value.to_integral_value():
        raise ValidationError(f"{label}的计量单位是“{field.unit}”，应填写整数（当前为 {text}）。")
    if value != value.quantize(TWO_PLACES):
        raise ValidationError(f"{label}最多保留 2 位小数（当前为 {text}），请四舍五入后再填写。")
    return value


def _apply_entry(user: Any, ret: UnitReturn, row: ReturnValue, field: forms.Field, raw: Any, reason: str) -> bool:
    """Apply one entry; returns whether it changed anything. Raises ValidationError for the field."""
    value = parse_entry(field, raw)
    is_text = field.kind in (forms.TEXT, forms.CHOICE)
    if is_text:
        value = value or ""
        computed: Any = row.computed_text
        current: Any = row.final_text
    else:
        computed, current = row.computed_value, row.final_value
    if value == current:
        return False
    hand_entered = row.is_manual and computed in (None, "")
    reason = (reason or "").strip()
    if not hand_entered and not reason:
        raise ValidationError(
            f"代码{field.code}「{field.label}」：系统计算值为 {computed if computed not in (None, '') else '空'}，"
            f"更正为 {value if value is not None else '空'} 须填写更正原因（如：名册漏登 3 人，已补录）。"
        )
    before = current if current is not None else ""
    if value in (None, "") or value == computed:
        row.is_corrected = False
        row.corrected_value, row.corrected_text = None, ""
        row.correction_reason = reason[:300]
    else:
        row.is_corrected = True
        if is_text:
            row.corrected_text = value
        else:
            row.corrected_value = value
        row.correction_reason = reason[:300]
    if not is_text:
        row.final_value = row.corrected_value if row.is_corrected else row.computed_value
    row.corrected_by_name = str(user)[:150]
    row.corrected_at = timezone.now()
    row.save()
    changelog_record(
        obj=row,
        action=ChangeAction.UPDATE,
        before={"code": field.code, "value": _fmt(before)},
        after={"code": field.code, "value": _fmt(value), "reason": row.correction_reason},
    )
    action = ReturnAction.FILL if hand_entered else ReturnAction.CORRECT
    after = value if value not in (None, "") else "（恢复系统计算值）"
    _log(ret, action, user, reason, code=field.code, before=_fmt(before), after=_fmt(after))
    return True


def _fmt(value: Any) -> str:
    return _display(value) if isinstance(value, Decimal) else str(value)


@transaction.atomic
def return_save(
    *, user: Any, unit_return: UnitReturn, entries: Mapping[str, Mapping[str, Any]], people: Mapping[str, Any] = ()
) -> UnitReturn:
    """Save corrections and hand-entered figures: ``entries`` maps a row code to {"value": …, "reason": …}.
    All errors are collected and raised together; nothing is saved when any entry is wrong."""
    ret = fetch_for_update(UnitReturn, user, "change", unit_return.pk)
    _ensure_editable(ret)
    if ret.status == ReturnStatus.NOT_STARTED:
        _compile(ret)
        ret.status = ReturnStatus.FILLING
    form = form_of(ret)
    rows = {row.code: row for row in ret.values.all()}
    errors: dict[str, list[str]] = {}
    unknown = sorted(code for code in entries if code not in form.by_code)
    if unknown:
        errors["entries"] = [f"{form.title}没有这些代码：{'、'.join(unknown)}。请只填写表中列出的代码。"]
    for code, entry in entries.items():
        field = form.by_code.get(code)
        if field is None:
            continue
        if field.ratio:
            errors[f"value_{code}"] = [f"代码{code}「{field.label}」由其他栏目计算得出，不能直接修改。"]
            continue
        try:
            _apply_entry(user, ret, rows[code], field, entry.get("value"), entry.get("reason", ""))
        except ValidationError as error:
            errors[f"value_{code}"] = error.messages
    if errors:
        raise ValidationError(errors)
    _apply_ratios(ret, rows)
    ret.snapshot()
    for name in ("preparer_name", "preparer_phone", "head_name", "missing_note"):
        if name in people:
            setattr(ret, name, (people[name] or "").strip())
    ret.full_clean()
    ret.save()
    ensure_in_scope(user, ret, "change")
    return ret


# --- submit and review -----------------------------------------------------------------------------------


def missing_children(ret: UnitReturn) -> list[UnitReturn]:
    return [child for child in child_returns(ret) if child.status != ReturnStatus.ACCEPTED]


def _check_complete(ret: UnitReturn) -> None:
    form = form_of(ret)
    errors: dict[str, list[str]] = {}
    empty = []
    for row in ret.values.all():
        field = form.by_code.get(row.code)
        if field is None or field.optional or field.ratio or not row.is_manual:
            continue
        missing = not row.final_text if field.kind in (forms.TEXT, forms.CHOICE) else row.final_value is None
        if missing:
            empty.append(f"代码{field.code}「{field.label}」")
    if empty:
        errors["entries"] = [f"以下填报栏目尚未填写：{'、'.join(empty)}。请填写后再上报。"]
    if not ret.preparer_name.strip():
        errors["preparer_name"] = ["请填写填报人姓名后再上报。"]
    missing = missing_children(ret)
    if missing and not ret.missing_note.strip():
        names = "、".join(child.org.name for child in missing[:10])
        more = f"等 {len(missing)} 个单位" if len(missing) > 10 else ""
        errors["missing_note"] = [
            f"下级单位{names}{more}的年报尚未审核，其数据按业务记录计入。请等待其上报并审核，或填写缺报说明后上报。"
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def return_submit(*, user: Any, unit_return: UnitReturn) -> UnitReturn:
    """上报: the figures are recomputed one last time (corrections kept) and locked."""
    ret = fetch_for_update(UnitReturn, user, "change", unit_return.pk)
    _ensure_editable(ret)
    ret.snapshot()
    _compile(ret)
    _check_complete(ret)
    ret.status = ReturnStatus.SUBMITTED
    ret.submitted_at = timezone.now()
    ret.submitted_by = user
    ret.full_clean()
    ret.save()
    ensure_in_scope(user, ret, "change")
    _log(ret, ReturnAction.SUBMIT, user)
    parent = Organization.objects.get_parent(ret.org)
    if parent is not None:
        late = "（已逾期）" if ret.is_late else ""
        message_send(
            recipients=_users_holding(parent, "approve_unitreturn"),
            title=f"{ret.org.name}已上报{ret.campaign.year}年统计年报{late}",
            body=f"{ret.org.name}于 {timezone.localtime(ret.submitted_at):%Y-%m-%d %H:%M} 上报了"
            f"{ret.campaign.year}年{ret.get_form_display()}，请及时审核。",
            link=ret.get_absolute_url(),
            category=MessageCategory.NOTICE,
        )
    return ret


def _fetch_for_review(user: Any, ret: UnitReturn) -> UnitReturn:
    ret = fetch_for_update(UnitReturn, user, "approve", ret.pk)
    if not may_review(user, ret):
        raise PermissionDenied(f"只有「{ret.org.name}」的上级单位可以审核其年报，本单位不能审核自己的年报。")
    return ret


@transaction.atomic
def return_accept(*, user: Any, unit_return: UnitReturn, comment: str = "") -> UnitReturn:
    """审核通过: locked; its figures (with corrections) now count in the parent's above-grassroots form."""
    ret = _fetch_for_review(user, unit_return)
    if ret.status != ReturnStatus.SUBMITTED:
        raise ValidationError(f"「{ret}」当前为{ret.get_status_display()}，只有已上报的年报可以审核通过。")
    comment = (comment or "").strip()
    ret.snapshot()
    ret.status = ReturnStatus.ACCEPTED
    ret.reviewed_at = timezone.now()
    ret.reviewed_by = user
    ret.reviewer_name = str(user)[:150]
    ret.review_comment = comment[:500]
    ret.full_clean()
    ret.save()
    ensure_in_scope(user, ret, "approve")
    _log(ret, ReturnAction.ACCEPT, user, comment)
    mark_stale()  # accepted returns feed computed indicator sources (sources_returns)
    return ret


@transaction.atomic
def return_return(*, user: Any, unit_return: UnitReturn, comment: str) -> UnitReturn:
    """退回: a submitted or accepted return goes back to the unit with the reviewer's reason (required)."""
    ret = _fetch_for_review(user, unit_return)
    if ret.status not in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED):
        raise ValidationError(f"「{ret}」当前为{ret.get_status_display()}，只有已上报或已审核的年报可以退回。")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "请填写退回原因，说明需要核实或修改的内容。"})
    parent = Organization.objects.get_parent(ret.org)
    if parent is not None:
        above = UnitReturn.objects.filter(campaign_id=ret.campaign_id, org=parent).first()
        if above is not None and above.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED):
            raise ValidationError(
                f"「{parent.name}」的年报已上报，已计入其中的下级年报不能再退回。请先由其上级退回「{parent.name}」的年报。"
            )
    ret.snapshot()
    ret.status = ReturnStatus.RETURNED
    ret.reviewed_at = timezone.now()
    ret.reviewed_by = user
    ret.reviewer_name = str(user)[:150]
    ret.review_comment = comment[:500]
    ret.full_clean()
    ret.save()
    ensure_in_scope(user, ret, "approve")
    _log(ret, ReturnAction.RETURN, user, comment)
    mark_stale()
    message_send(
        recipients=_users_holding(ret.org, "change_unitreturn"),
        title=f"{ret.campaign.year}年统计年报已被退回",
        body=f"{user.org.name if user.org_id else '上级单位'}退回了{ret.org.name}的{ret.campaign.year}年统计年报。"
        f"\n\n退回原因：{comment}\n\n请核实修改后重新上报。",
        link=ret.get_absolute_url(),
        category=MessageCategory.REMINDER,
    )
    return ret


def return_urge(*, user: Any, unit_return: UnitReturn) -> int:
    """催报: remind every direct sub-unit whose return is not yet submitted or accepted; returns how many units were
    reminded. Only the unit itself (or above) may urge its sub-units."""
    ret = fetch_for_update(UnitReturn, user, "change", unit_return.pk)
    if ret.campaign.status != CampaignStatus.OPEN:
        raise ValidationError(f"「{ret.campaign}」已结束，不能再催报。")
    pending = [
        child
        for child in missing_children(ret)
        if child.status in (ReturnStatus.NOT_STARTED, ReturnStatus.FILLING, ReturnStatus.RETURNED)
    ]
    if not pending:
        raise ValidationError("没有需要催报的下级单位：直属下级单位均已上报。")
    with transaction.atomic():
        for child in pending:
            message_send(
                recipients=_users_holding(child.org, "change_unitreturn"),
                title=f"请尽快上报{ret.campaign.year}年统计年报",
                body=f"{ret.org.name}提醒：{child.org.name}的{ret.campaign.year}年{child.get_form_display()}"
                f"尚未上报（当前{child.get_status_display()}），报送截止日期为 {ret.campaign.deadline:%Y-%m-%d}。",
                link=child.get_absolute_url(),
                category=MessageCategory.REMINDER,
            )
        _log(ret, ReturnAction.URGE, user, f"催报 {len(pending)} 个单位：" + "、".join(c.org.name for c in pending))
    return len(pending)
