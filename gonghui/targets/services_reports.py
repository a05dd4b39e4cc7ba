"""Writers of quarterly reports (一季一报): open, save, submit, accept, return, reopen, attachments.

Workflow: draft → submitted → accepted, or → returned (with comments) → submitted again. Accepted and
submitted reports are locked; the reviewing side may reopen one (with a reason) by returning it.

Computed figures are never taken from input: they are read from the records when the report is opened,
on every save and on submit, and frozen from then on. Reported figures are what the unit types in.
Each workflow step writes a ``ReportLog`` row; the report itself is change-logged by its base model.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import fetch_for_update
from gonghui.notices.models import MessageCategory
from gonghui.notices.services import message_send
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.targets import sources
from gonghui.targets.models import (
    Indicator,
    IndicatorKind,
    Plan,
    QuarterlyReport,
    ReportAction,
    ReportAttachment,
    ReportLog,
    ReportStatus,
    ReportValue,
    Target,
)
from gonghui.utilities.periods import Period, due_date

DEFAULT_DUE_DAYS = 10
NARRATIVE_FIELDS = ("highlights", "problems", "next_steps")
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
REVIEWABLE_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
MAX_PLACES = 4
MAX_INTEGER_DIGITS = 14  # VALUE_DIGITS: 18 digits, 4 of them decimals
RATE_MAX = Decimal(100)
FOUR_PLACES = Decimal("0.0001")

NOT_EDITABLE = (
    "「{report}」当前为{status}，不能修改。只有草稿或已退回的报表可以修改；"
    "如需更正已报送或已审核的报表，请联系上级单位重新打开。"
)


# --- which indicators, which due date ------------------------------------------------------------


def report_indicators(org: Organization, year: int) -> QuerySet[Indicator]:
    """The indicators a unit reports: those it has targets for in ``year``, in catalog order.

    Composite indicators are left out: their figure is a weighted average of other indicators' completion,
    worked out by the progress pages, never a number a unit reports.
    """
    return (
        Indicator.objects.filter(targets__org=org, targets__year=year)
        .exclude(kind=IndicatorKind.COMPOSITE)
        .distinct()
        .order_by("sort", "pk")
    )


def due_days_by_unit(unit_ids: Iterable[int], year: int) -> dict[int, int]:
    """Days after the quarter each unit's report is due: the ``report_due_days`` of the plan of the unit
    that assigned its targets. Several assigning units with plans: the strictest (fewest days) applies;
    no plan: the default 10 days."""
    assigners: dict[int, set[int]] = {}
    rows = Target.objects.filter(org_id__in=list(unit_ids), year=year).values_list("org_id", "assigned_by_id")
    for org_id, assigned_by_id in rows.distinct():
        assigners.setdefault(org_id, set()).add(assigned_by_id)
    wanted = {pk for ids in assigners.values() for pk in ids}
    days = dict(Plan.objects.filter(org_id__in=wanted, year=year).values_list("org_id", "report_due_days"))
    result = {}
    for unit_id in unit_ids:
        found = [days[pk] for pk in assigners.get(unit_id, ()) if pk in days]
        result[unit_id] = min(found) if found else DEFAULT_DUE_DAYS
    return result


def report_due_date(org: Organization, year: int, quarter: int) -> datetime.date:
    return due_date(Period.quarter_of(year, quarter), due_days_by_unit([org.pk], year)[org.pk])


# --- helpers -------------------------------------------------------------------------------------------


def _log(report: QuarterlyReport, action: str, user: Any, comment: str = "") -> ReportLog:
    return ReportLog.objects.create(
        report=report, action=action, user=user, user_name=str(user)[:150], comment=comment[:500]
    )


def _period(report: QuarterlyReport) -> Period:
    return Period.quarter_of(report.year, report.quarter)


def _is_computed(indicator: Indicator) -> bool:
    """Computed from the records when the indicator says so and a source answers it; a computed indicator
    whose module is not installed yet is reported by hand until it is."""
    return indicator.is_computed and sources.get(indicator.key) is not None


def _sync_values(report: QuarterlyReport) -> None:
    """Add a row for every indicator the unit now has a target for (targets may come after the draft)."""
    present = set(report.values.values_list("indicator_id", flat=True))
    ReportValue.objects.bulk_create(
        ReportValue(report=report, indicator=indicator, is_computed=_is_computed(indicator))
        for indicator in report_indicators(report.org, report.year)
        if indicator.pk not in present
    )


def _refresh_computed(report: QuarterlyReport) -> None:
    period = _period(report)
    for row in report.values.select_related("indicator"):
        computed = _is_computed(row.indicator)
        value = sources.value(row.indicator.key, report.org, period) if computed else row.value
        if computed != row.is_computed or value != row.value:
            row.is_computed = computed
            row.value = value
            row.save(update_fields=["is_computed", "value"])


def _ensure_editable(report: QuarterlyReport) -> None:
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(NOT_EDITABLE.format(report=report, status=report.get_status_display()))


def _users_holding(org: Organization, codename: str) -> QuerySet:
    """Active users of ``org`` whose roles grant ``targets.<codename>`` (or superusers)."""
    permission = Permission.objects.filter(content_type__app_label="targets", codename=codename).values("pk")
    users = get_user_model().objects.filter(org=org, is_active=True)
    granted = users.filter(roles__is_active=True, roles__permissions__in=permission).values("pk")
    return users.filter(Q(is_superuser=True) | Q(pk__in=granted))


def may_review(user: Any, report: QuarterlyReport) -> bool:
    """Reviewing (accept, return, reopen) needs the approve permission over the report, and the reviewer's
    organisation must be a proper ancestor of the reporting unit: a unit never reviews its own report."""
    if not QuarterlyReport.objects.restrict(user, "approve").filter(pk=report.pk).exists():
        return False
    if user.org_id is None:
        return user.is_superuser
    own_path = user.org.path
    return report.org.path.startswith(own_path) and report.org.path != own_path


def _fetch_for_review(user: Any, report: QuarterlyReport) -> QuarterlyReport:
    report = fetch_for_update(QuarterlyReport, user, "approve", report.pk)
    if not may_review(user, report):
        raise PermissionDenied(f"只有「{report.org.name}」的上级单位可以审核其报表，本单位不能审核自己的报表。")
    return report


# --- values --------------------------------------------------------------------------------------------


def parse_value(indicator: Indicator, raw: Any) -> Decimal | None:
    """A reported figure from input: empty → None; otherwise a number ≥ 0 with at most 4 decimals,
    and for rate indicators between 0 and 100. Raises ValidationError with a Chinese message."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    name = f"「{indicator.name}」"
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError(f"{name}的数值“{raw}”不是有效数字，请填写数字，如 12 或 3.5。") from None
    if not value.is_finite():
        raise ValidationError(f"{name}的数值“{raw}”不是有效数字，请填写数字，如 12 或 3.5。")
    if value < 0:
        raise ValidationError(f"{name}的数值不能为负数（当前为 {raw}），请填写 0 或正数。")
    if value >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise ValidationError(f"{name}的数值过大（当前为 {raw}），请核对后再填写。")
    if value != value.quantize(FOUR_PLACES):
        raise ValidationError(f"{name}的数值最多保留 {MAX_PLACES} 位小数（当前为 {raw}），请四舍五入后再填写。")
    if indicator.kind == IndicatorKind.RATE and value > RATE_MAX:
        raise ValidationError(f"{name}是比率（%），应在 0 至 100 之间（当前为 {raw}）；如 85% 请填写 85。")
    return value.quantize(FOUR_PLACES)


def _apply_input(report: QuarterlyReport, data: Mapping[str, Any]) -> None:
    """Narrative fields and reported values (keyed by indicator key under ``values``; notes under ``notes``).
    Computed rows ignore input. All errors are collected and raised together."""
    for field in NARRATIVE_FIELDS:
        if field in data:
            setattr(report, field, (data[field] or "").strip())
    values = data.get("values") or {}
    notes = data.get("notes") or {}
    errors: dict[str, list[str]] = {}
    changed = []
    for row in report.values.select_related("indicator"):
        key = row.indicator.key
        if key in notes:
            row.note = (notes[key] or "").strip()[:200]
        if key in values and not row.is_computed:
            try:
                row.value = parse_value(row.indicator, values[key])
            except ValidationError as error:
                errors[f"value_{key}"] = error.messages
        changed.append(row)
    unknown = sorted(set(values) - {row.indicator.key for row in changed})
    if unknown:
        errors["values"] = [f"本报表没有这些指标：{'、'.join(unknown)}。请只填写报表中列出的指标。"]
    if errors:
        raise ValidationError(errors)
    for row in changed:
        row.save(update_fields=["value", "note"])


def _check_complete(report: QuarterlyReport) -> None:
    errors: dict[str, list[str]] = {}
    missing = [
        row.indicator.name
        for row in report.values.select_related("indicator").order_by("indicator__sort", "pk")
        if not row.is_computed and row.value is None
    ]
    if missing:
        errors["values"] = [f"以下指标尚未填写本季数值：{'、'.join(missing)}。请填写后再报送。"]
    if not report.highlights.strip():
        errors["highlights"] = ["请填写工作亮点后再报送。"]
    if errors:
        raise ValidationError(errors)


# --- workflow ------------------------------------------------------------------------------------------


@transaction.atomic
def report_open(*, user: Any, org: Organization, year: int, quarter: int) -> QuarterlyReport:
    """Get the unit's report for the quarter, creating the draft (with its figures) the first time."""
    try:
        period = Period.quarter_of(int(year), int(quarter))
    except (TypeError, ValueError):
        raise ValidationError({"quarter": "请选择有效的年度和季度（季度为 1 至 4）。"}) from None
    if period.start > timezone.localdate():
        raise ValidationError({"quarter": f"{period.label}尚未开始，不能填报。请选择本季度或以前的季度。"})
    existing = QuarterlyReport.objects.filter(org=org, year=period.year, quarter=period.index).first()
    if existing is not None:
        report = fetch_for_update(QuarterlyReport, user, "view", existing.pk)
        if (
            report.status in EDITABLE_STATUSES
            and QuarterlyReport.objects.restrict(user, "change").filter(pk=report.pk).exists()
        ):
            _sync_values(report)
            _refresh_computed(report)
        return report
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError({"org": f"「{org.name}」已撤销，不能再填报季度报表。"})
    report = QuarterlyReport(
        org=org,
        year=period.year,
        quarter=period.index,
        due_date=report_due_date(org, period.year, period.index),
        created_by=user,
    )
    report.full_clean()
    report.save()
    try:
        ensure_in_scope(user, report, "add")
    except PermissionDenied:
        raise PermissionDenied(f"您无权填报「{org.name}」的季度报表，只能填报本单位或下级单位的报表。") from None
    _sync_values(report)
    _refresh_computed(report)
    _log(report, ReportAction.CREATE, user)
    return report


@transaction.atomic
def report_save(
    *,
    user: Any,
    report: QuarterlyReport,
    data: Mapping[str, Any],
    files: Iterable[UploadedFile] = (),
    remove_attachments: Iterable[Any] = (),
) -> QuarterlyReport:
    """Save the narrative, the reported figures and the attachments of a draft or returned report."""
    report = fetch_for_update(QuarterlyReport, user, "change", report.pk)
    _ensure_editable(report)
    report.snapshot()
    _sync_values(report)
    _apply_input(report, data)
    _change_attachments(user=user, report=report, files=files, remove=remove_attachments)
    _refresh_computed(report)
    report.full_clean()
    report.save()
    ensure_in_scope(user, report, "change")
    _log(report, ReportAction.SAVE, user)
    return report


@transaction.atomic
def report_submit(
    *,
    user: Any,
    report: QuarterlyReport,
    data: Mapping[str, Any] | None = None,
    files: Iterable[UploadedFile] = (),
    remove_attachments: Iterable[Any] = (),
) -> QuarterlyReport:
    """报送: optionally with the form's latest input (saved in the same transaction, so a refused
    submission changes nothing); computed figures are frozen from now on. The parent unit's reviewers
    are notified."""
    report = fetch_for_update(QuarterlyReport, user, "change", report.pk)
    _ensure_editable(report)
    report.snapshot()
    _sync_values(report)
    if data is not None:
        _apply_input(report, data)
    _change_attachments(user=user, report=report, files=files, remove=remove_attachments)
    _refresh_computed(report)
    _check_complete(report)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report.full_clean()
    report.save()
    ensure_in_scope(user, report, "change")
    _log(report, ReportAction.SUBMIT, user)
    parent = Organization.objects.get_parent(report.org)
    if parent is not None:
        late = "（已逾期）" if report.is_late else ""
        message_send(
            recipients=_users_holding(parent, "approve_quarterlyreport"),
            title=f"{report.org.name}已报送{_period(report).label}报表{late}",
            body=f"{report.org.name}于 {timezone.localtime(report.submitted_at):%Y-%m-%d %H:%M} 报送了"
            f"{_period(report).label}报表，请及时审核。",
            link=report.get_absolute_url(),
            category=MessageCategory.NOTICE,
        )
    return report


@transaction.atomic
def report_accept(*, user: Any, report: QuarterlyReport, comment: str = "") -> QuarterlyReport:
    """审核通过: the report is locked from now on."""
    report = _fetch_for_review(user, report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(f"「{report}」当前为{report.get_status_display()}，只有已报送的报表可以审核通过。")
    comment = (comment or "").strip()
    report.snapshot()
    report.status = ReportStatus.ACCEPTED
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    report.review_comment = comment[:500]
    report.full_clean()
    report.save()
    ensure_in_scope(user, report, "approve")
    _log(report, ReportAction.ACCEPT, user, comment)
    return report


def _notify_unit(report: QuarterlyReport, title: str, body: str) -> None:
    message_send(
        recipients=_users_holding(report.org, "change_quarterlyreport"),
        title=title,
        body=body,
        link=report.get_absolute_url(),
        category=MessageCategory.REMINDER,
    )


@transaction.atomic
def report_return(*, user: Any, report: QuarterlyReport, comment: str) -> QuarterlyReport:
    """退回: back to the unit with the reviewer's comments, which are required."""
    report = _fetch_for_review(user, report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(f"「{report}」当前为{report.get_status_display()}，只有已报送的报表可以退回。")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "请填写退回意见，说明需要修改的内容。"})
    _to_returned(user, report, comment)
    _log(report, ReportAction.RETURN, user, comment)
    _notify_unit(
        report,
        f"{_period(report).label}报表已被退回",
        f"{user.org.name if user.org_id else '上级单位'}退回了{report.org.name}的{_period(report).label}报表。"
        f"\n\n退回意见：{comment}\n\n请修改后重新报送。",
    )
    return report


def _to_returned(user: Any, report: QuarterlyReport, comment: str) -> None:
    report.snapshot()
    report.status = ReportStatus.RETURNED
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    report.review_comment = comment[:500]
    report.full_clean()
    report.save()
    ensure_in_scope(user, report, "approve")


@transaction.atomic
def report_reopen(*, user: Any, report: QuarterlyReport, reason: str) -> QuarterlyReport:
    """重新打开: a submitted or accepted report goes back to the unit (as returned) so it can be corrected.
    Only the reviewing side may do it, and only with a reason, which is logged."""
    report = _fetch_for_review(user, report)
    if report.status not in REVIEWABLE_STATUSES:
        raise ValidationError(
            f"「{report}」当前为{report.get_status_display()}，只有已报送或已审核的报表可以重新打开。"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写重新打开的原因。"})
    _to_returned(user, report, reason)
    _log(report, ReportAction.REOPEN, user, reason)
    _notify_unit(
        report,
        f"{_period(report).label}报表已重新打开",
        f"{report.org.name}的{_period(report).label}报表已重新打开，可以修改后重新报送。\n\n原因：{reason}",
    )
    return report


# --- attachments ---------------------------------------------------------------------------------------


def _change_attachments(
    *, user: Any, report: QuarterlyReport, files: Iterable[UploadedFile], remove: Iterable[Any]
) -> None:
    """Add and remove attachments of an editable report. Every new file is validated before any is
    stored; removed files leave the disk only after the transaction commits."""
    attachments = []
    for upload in files:
        attachment = ReportAttachment(
            report=report, file=upload, original_name=upload.name[:200], size=upload.size or 0, uploaded_by=user
        )
        try:
            attachment.full_clean()
        except ValidationError as error:
            raise ValidationError({"new_attachments": error.messages}) from None
        attachments.append(attachment)
    remove_ids = [getattr(item, "pk", item) for item in remove]
    removed = list(report.attachments.filter(pk__in=remove_ids)) if remove_ids else []
    stored = [(a.file.storage, a.file.name) for a in removed]
    for attachment in removed:
        attachment.delete()
    for attachment in attachments:
        attachment.save()
    if stored:
        transaction.on_commit(lambda: _delete_files(stored), robust=True)


def _delete_files(stored: list[tuple[Any, str]]) -> None:
    for storage, name in stored:
        storage.delete(name)
