"""Writers for hardship files (困难职工档案): application, the steps to 建档, review, exit and follow-up visits.

Every step takes the file through ``restrict(user, "change")`` (建档 through ``approve``), checks it is in
the state the step belongs to, records its evidence, moves the state on, sets the next deadline and writes a
``HardshipEvent`` naming who acted. Deadlines count working days (``periods.working_days_after``); a deployment
changes them in ``settings.HARDSHIP_LIMITS`` (working days).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core.querysets import ensure_in_scope, get_restricted_or_404
from gonghui.members.models import Member, MemberStatus
from gonghui.members.models import id_number_index as member_id_index
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.hardship import (
    OPEN_STATES,
    CivilResult,
    EvidenceKind,
    HardshipAttachment,
    HardshipEvent,
    HardshipEventKind,
    HardshipFile,
    HardshipLevel,
    HardshipState,
)
from gonghui.utilities.idnumber import parse_id_number
from gonghui.utilities.periods import working_days_after
from gonghui.utilities.pii import blind_index

DEFAULT_LIMITS = {"review": 5, "survey": 10, "civil_send": 5, "civil_result": 15, "notice": 5, "file": 3}
LIMIT_LABELS = {
    "review": "初审",
    "survey": "入户调查",
    "civil_send": "送民政核对",
    "civil_result": "民政核对结果",
    "notice": "公示",
    "file": "公示结束后建档",
}
FILE_FIELDS = ("name", "employer", "employer_name", "household_size", "housing", "cause", "cause_detail")


def limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **(getattr(settings, "HARDSHIP_LIMITS", {}) or {})}


def person_index(id_number: str) -> str:
    """The blind index of a person (the hardship file's column context), shared by assistance records."""
    return blind_index(parse_id_number(id_number).number, context=HardshipFile.id_number_context)


def _today() -> datetime.date:
    return timezone.localdate()


def _actor(user) -> str:
    if user is None:
        return "职工本人"
    return user.get_full_name() or user.username if hasattr(user, "get_full_name") else str(user)


def _event(file: HardshipFile, kind: str, *, user, on: datetime.date, note: str = "", relapsed: bool = False):
    HardshipEvent.objects.create(
        file_record=file,
        org=file.org,
        kind=kind,
        on=on,
        note=note,
        relapsed=relapsed,
        user=user,
        created_by=user,
        actor_name=_actor(user),
    )


def _open_file_conflict(index: str, *, exclude_pk: int | None = None) -> ValidationError | None:
    """The clear error when this person already holds an open file (in any union: a global check)."""
    other = (
        HardshipFile.objects.filter(id_number_index=index, state__in=OPEN_STATES)
        .exclude(pk=exclude_pk)
        .select_related("org")
        .first()
    )
    if other is None:
        return None
    return ValidationError(
        {
            "id_number": (
                f"该职工已有一份「{other.get_state_display()}」的困难职工档案（{other.org}，档案编号 {other.number}），"
                "同一人只能有一份在办或在档的档案；如情况有变，请联系该工会复核或办理退档后再申请。"
            )
        }
    )


def _next_number(org) -> str:
    year = _today().year
    prefix = f"KN{year}"
    last = (
        HardshipFile.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    ).first()
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def _parse_income(value) -> str:
    if value in (None, ""):
        raise ValidationError({"monthly_income": "请填写家庭月收入（元），没有收入填 0。"})
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"monthly_income": "家庭月收入应是数字（元），如 2350。"}) from None
    if amount < 0:
        raise ValidationError({"monthly_income": "家庭月收入不能为负数。"})
    return str(amount.quantize(Decimal("0.01")))


def _link_member(number: str) -> Member | None:
    return (
        Member.objects.filter(id_number_index=member_id_index(number), status=MemberStatus.ACTIVE)
        .select_related("org")
        .first()
    )


def _fill(file: HardshipFile, data: dict) -> None:
    for name in FILE_FIELDS:
        if name in data:
            value = data[name]
            setattr(file, name, value.strip() if isinstance(value, str) else value)
    if data.get("employer") is not None and not file.employer_name:
        file.employer_name = data["employer"].name
    file.set_sensitive(
        income=_parse_income(data.get("monthly_income")),
        health=(data.get("health") or "").strip(),
        household=(data.get("household_members") or "").strip(),
    )
    if "phone" in data:
        file.set_phone(data.get("phone") or "")


def _save_new(file: HardshipFile, data: dict, *, user) -> HardshipFile:
    try:
        number = parse_id_number(data.get("id_number") or "").number
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    file.set_id_number(number)
    conflict = _open_file_conflict(file.id_number_index)
    if conflict:
        raise conflict
    _fill(file, data)
    file.member = _link_member(number)
    file.applied_on = data.get("applied_on") or _today()
    file.state = HardshipState.APPLIED
    file.current_due = working_days_after(file.applied_on, limits()["review"])
    file.number = _next_number(file.org)
    file.full_clean(exclude=["number"])
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError:
        raise _open_file_conflict(file.id_number_index) or ValidationError("保存失败，请重试。") from None
    _event(file, HardshipEventKind.APPLY, user=user, on=file.applied_on, note=file.get_source_display())
    for upload in data.get("attachments") or ():
        _attach(file, EvidenceKind.APPLICATION, upload, user=user)
    return file


@transaction.atomic
def hardship_file_create(*, user, data: dict) -> HardshipFile:
    """工会代为申请: the union files the application on the worker's behalf."""
    org = owning_union(user, data.get("org"), "困难职工档案")
    file = HardshipFile(org=org, created_by=user, source="union")
    file = _save_new(file, data, user=user)
    ensure_in_scope(user, file, "add")
    return file


@transaction.atomic
def hardship_apply_public(*, org, data: dict) -> HardshipFile:
    """职工本人在线申请 (no login): the file belongs to the union whose page the worker used."""
    return _save_new(HardshipFile(org=org, source="worker"), data, user=None)


def _fetch(user, file: HardshipFile, action: str, states: tuple[str, ...], step: str) -> HardshipFile:
    file = get_restricted_or_404(HardshipFile.objects.select_for_update(), user, action, pk=file.pk)
    if file.state not in states:
        raise ValidationError(f"档案当前为「{file.get_state_display()}」，不能办理「{step}」。请刷新页面查看最新状态。")
    file.snapshot()
    return file


def _save(user, file: HardshipFile, action: str = "change") -> HardshipFile:
    file.full_clean()
    file.save()
    ensure_in_scope(user, file, action)
    return file


def _check_date(value, label: str, *, not_before: datetime.date | None = None, before_label: str = ""):
    if not value:
        raise ValidationError({"on": f"请填写{label}。"})
    if value > _today():
        raise ValidationError({"on": f"{label}不能晚于今天。"})
    if not_before and value < not_before:
        raise ValidationError({"on": f"{label}不能早于{before_label}（{not_before:%Y-%m-%d}）。"})
    return value


def _attach(file: HardshipFile, kind: str, upload, *, user) -> HardshipAttachment:
    attachment = HardshipAttachment(
        file_record=file, org=file.org, kind=kind, file=upload, original_name=upload.name[:200], created_by=user
    )
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def hardship_file_update(*, user, file: HardshipFile, data: dict) -> HardshipFile:
    file = _fetch(user, file, "change", (HardshipState.APPLIED, HardshipState.SURVEY), "修改申请信息")
    _fill(file, data)
    return _save(user, file)


@transaction.atomic
def hardship_review(*, user, file: HardshipFile, passed: bool, on: datetime.date, opinion: str) -> HardshipFile:
    file = _fetch(user, file, "change", (HardshipState.APPLIED,), "初审")
    _check_date(on, "初审日期", not_before=file.applied_on, before_label="申请日期")
    if not (opinion or "").strip():
        raise ValidationError({"opinion": "请填写初审意见。"})
    file.reviewed_on, file.review_opinion = on, opinion.strip()
    if passed:
        file.state = HardshipState.SURVEY
        file.current_due = working_days_after(on, limits()["survey"])
    else:
        file.state, file.rejected_reason, file.current_due = HardshipState.REJECTED, opinion.strip(), None
    _event(file, HardshipEventKind.REVIEW if passed else HardshipEventKind.REJECT, user=user, on=on, note=opinion)
    return _save(user, file)


@transaction.atomic
def hardship_survey(
    *, user, file: HardshipFile, on: datetime.date, investigators: str, findings: str, signed_form
) -> HardshipFile:
    """入户调查 (offline): done only with the date, at least two investigators, findings and the signed form."""
    file = _fetch(user, file, "change", (HardshipState.SURVEY,), "入户调查")
    _check_date(on, "入户调查日期", not_before=file.reviewed_on, before_label="初审日期")
    names = [name for name in (investigators or "").replace("，", "、").replace(",", "、").split("、") if name.strip()]
    if len(names) < 2:
        raise ValidationError({"investigators": "入户调查应有两名以上调查人，请用顿号分隔填写，如「张三、李四」。"})
    if not (findings or "").strip():
        raise ValidationError({"findings": "请填写入户调查情况。"})
    if not signed_form:
        raise ValidationError({"signed_form": "请上传调查人和职工签字的入户调查表（扫描件或照片）。"})
    file.survey_on, file.investigators, file.survey_findings = on, "、".join(n.strip() for n in names), findings
    file.state = HardshipState.CIVIL
    file.current_due = working_days_after(on, limits()["civil_send"])
    _attach(file, EvidenceKind.SURVEY_FORM, signed_form, user=user)
    _event(file, HardshipEventKind.SURVEY, user=user, on=on, note=f"调查人：{file.investigators}")
    return _save(user, file)


@transaction.atomic
def hardship_civil_send(*, user, file: HardshipFile, on: datetime.date) -> HardshipFile:
    file = _fetch(user, file, "change", (HardshipState.CIVIL,), "送民政核对")
    if file.civil_sent_on:
        raise ValidationError("已登记送民政核对日期，请等待并登记核对结果。")
    _check_date(on, "送民政核对日期", not_before=file.survey_on, before_label="入户调查日期")
    file.civil_sent_on = on
    file.current_due = working_days_after(on, limits()["civil_result"])
    _event(file, HardshipEventKind.CIVIL_SENT, user=user, on=on)
    return _save(user, file)


@transaction.atomic
def hardship_civil_result(
    *, user, file: HardshipFile, result: str, on: datetime.date, note: str, document
) -> HardshipFile:
    """民政核对 (offline): done only with the result, its date and the returned document."""
    file = _fetch(user, file, "change", (HardshipState.CIVIL,), "登记民政核对结果")
    if not file.civil_sent_on:
        raise ValidationError("请先登记送民政核对的日期。")
    _check_date(on, "核对结果返回日期", not_before=file.civil_sent_on, before_label="送核对日期")
    if result not in CivilResult.values:
        raise ValidationError({"result": "请选择民政核对结果：核对相符或核对不符。"})
    if not document:
        raise ValidationError({"document": "请上传民政部门返回的核对结果（扫描件或照片）。"})
    file.civil_result, file.civil_returned_on, file.civil_note = result, on, (note or "").strip()
    _attach(file, EvidenceKind.CIVIL_DOCUMENT, document, user=user)
    if result == CivilResult.CONFIRMED:
        file.state = HardshipState.NOTICE
        # the notice should start within the notice limit; starting it sets the filing deadline
        file.current_due = working_days_after(on, limits()["notice"])
        kind = HardshipEventKind.CIVIL_RESULT
    else:
        file.state, file.current_due = HardshipState.REJECTED, None
        file.rejected_reason = f"民政核对不符：{file.civil_note}" if file.civil_note else "民政核对不符"
        kind = HardshipEventKind.REJECT
    _event(file, kind, user=user, on=on, note=f"{file.get_civil_result_display()} {file.civil_note}".strip())
    return _save(user, file)


@transaction.atomic
def hardship_notice_start(
    *, user, file: HardshipFile, start: datetime.date, place: str, days: int | None = None
) -> HardshipFile:
    """公示: the notice runs ``days`` working days (default 5) from ``start``; the file may be filed after it."""
    file = _fetch(user, file, "change", (HardshipState.NOTICE,), "开始公示")
    if file.notice_start:
        raise ValidationError("公示已开始，请在公示期满后建档或登记异议。")
    if not start:
        raise ValidationError({"start": "请填写公示开始日期。"})
    if file.civil_returned_on and start < file.civil_returned_on:
        raise ValidationError({"start": "公示开始日期不能早于民政核对结果返回日期。"})
    if not (place or "").strip():
        raise ValidationError({"place": "请填写公示地点，如「单位公告栏」。"})
    days = limits()["notice"] if days is None else days
    if days < 5:
        raise ValidationError({"days": "公示期不少于 5 个工作日。"})
    file.notice_start, file.notice_place = start, place.strip()
    file.notice_end = working_days_after(start, days - 1) if start.weekday() < 5 else working_days_after(start, days)
    file.current_due = working_days_after(file.notice_end, limits()["file"])
    _event(file, HardshipEventKind.NOTICE, user=user, on=start, note=f"{place}，至 {file.notice_end:%Y-%m-%d}")
    return _save(user, file)


@transaction.atomic
def hardship_objection(*, user, file: HardshipFile, on: datetime.date, note: str, upheld: bool) -> HardshipFile:
    file = _fetch(user, file, "change", (HardshipState.NOTICE,), "登记公示异议")
    if not file.notice_start:
        raise ValidationError("公示尚未开始，不能登记异议。")
    _check_date(on, "异议日期", not_before=file.notice_start, before_label="公示开始日期")
    if not (note or "").strip():
        raise ValidationError({"note": "请写明异议内容和核实情况。"})
    file.objection_count += 1
    _event(
        file,
        HardshipEventKind.OBJECTION,
        user=user,
        on=on,
        note=("（异议成立）" if upheld else "（异议不成立）") + note,
    )
    if upheld:
        file.state, file.current_due, file.rejected_reason = HardshipState.REJECTED, None, f"公示异议成立：{note}"[:300]
    return _save(user, file)


@transaction.atomic
def hardship_establish(*, user, file: HardshipFile, level: str, on: datetime.date) -> HardshipFile:
    """建档: after the notice period ends without an upheld objection."""
    file = _fetch(user, file, "approve", (HardshipState.NOTICE,), "建档")
    if not file.notice_end:
        raise ValidationError("请先登记公示，公示期满后才能建档。")
    _check_date(on, "建档日期")
    if on <= file.notice_end:
        raise ValidationError({"on": f"公示期至 {file.notice_end:%Y-%m-%d} 止，期满后才能建档。"})
    if level not in HardshipLevel.values:
        raise ValidationError({"level": "请选择困难类别：深度困难、相对困难或意外致困。"})
    file.state, file.level, file.filed_on, file.current_due = HardshipState.FILED, level, on, None
    file.review_due = _one_year_after(on)
    _event(file, HardshipEventKind.FILE, user=user, on=on, note=file.get_level_display())
    return _save(user, file, "approve")


def _one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def hardship_annual_review(*, user, file: HardshipFile, on: datetime.date, level: str, note: str) -> HardshipFile:
    file = _fetch(user, file, "change", (HardshipState.FILED,), "年度复核")
    _check_date(on, "复核日期", not_before=file.filed_on, before_label="建档日期")
    if level not in HardshipLevel.values:
        raise ValidationError({"level": "请选择复核后的困难类别。"})
    if not (note or "").strip():
        raise ValidationError({"note": "请填写复核情况。"})
    before = file.get_level_display()
    file.level, file.last_reviewed_on, file.review_due = level, on, _one_year_after(on)
    _event(
        file, HardshipEventKind.ANNUAL_REVIEW, user=user, on=on, note=f"{before} → {file.get_level_display()}：{note}"
    )
    return _save(user, file)


@transaction.atomic
def hardship_exit(*, user, file: HardshipFile, resolved: bool, on: datetime.date, reason: str) -> HardshipFile:
    """解困脱困 (``resolved``) or 退档, each with a reason; the file stays for follow-up visits."""
    step = "解困脱困" if resolved else "退档"
    file = _fetch(user, file, "change", (HardshipState.FILED,), step)
    _check_date(on, f"{step}日期", not_before=file.filed_on, before_label="建档日期")
    if not (reason or "").strip():
        raise ValidationError({"reason": f"请填写{step}原因。"})
    file.state = HardshipState.RESOLVED if resolved else HardshipState.CLOSED
    file.exited_on, file.exit_reason, file.review_due = on, reason.strip(), None
    _event(file, HardshipEventKind.RESOLVE if resolved else HardshipEventKind.CLOSE, user=user, on=on, note=reason)
    return _save(user, file)


@transaction.atomic
def hardship_visit(*, user, file: HardshipFile, on: datetime.date, note: str, relapsed: bool) -> HardshipFile:
    """脱困后回访: catches 返困; a relapsed household may apply again (the old file is no longer open)."""
    file = _fetch(user, file, "change", (HardshipState.RESOLVED, HardshipState.CLOSED), "回访")
    _check_date(on, "回访日期", not_before=file.exited_on, before_label="解困/退档日期")
    if not (note or "").strip():
        raise ValidationError({"note": "请填写回访情况。"})
    _event(file, HardshipEventKind.VISIT, user=user, on=on, note=note, relapsed=relapsed)
    file.save(update_fields=["updated_at"])
    return file


@transaction.atomic
def hardship_attachment_add(*, user, file: HardshipFile, kind: str, upload) -> HardshipAttachment:
    file = get_restricted_or_404(HardshipFile.objects.select_for_update(), user, "change", pk=file.pk)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": "请选择材料类别。"})
    if not upload:
        raise ValidationError({"upload": "请选择要上传的文件。"})
    return _attach(file, kind, upload, user=user)


def require_sensitive(user, file: HardshipFile) -> None:
    from gonghui.programmes.selectors_hardship import may_view_sensitive

    if not may_view_sensitive(user, file):
        raise PermissionDenied("您没有查看困难职工敏感信息的权限，请联系安全管理员。")
