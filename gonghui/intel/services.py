"""Writers of stored documents (工作材料) and their figures.

Flow: a unit uploads or pastes a report for a quarter (``document_create``) or uploads many files at once
(``documents_batch_upload``: the documents are stored as 待读取 and a background job reads them one by one,
``document_read``). The library (``gonghui.intel.extract``) cleans the text and finds the figures; each
becomes a pending ``Fact``. A person confirms, corrects or drops each one (``facts_review``); the confirmed
actual figures then prefill the unit's quarterly report for the same quarter
(``prefill_quarterly_report``), through the quarterly report's own services, so the same checks, locks
and logs apply. A value the unit typed itself is never overwritten; a value filled from the figures is
refreshed when the figures change.
"""

from __future__ import annotations

import datetime
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import fetch_for_update
from gonghui.intel import search
from gonghui.intel.models import (
    DOCUMENT_MAX_BYTES,
    Document,
    DocumentSource,
    DocumentStatus,
    Fact,
    FactKind,
    FactStatus,
    PrefilledValue,
    validate_document_file,
)
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.targets import services_reports
from gonghui.targets.models import Indicator, IndicatorKind, QuarterlyReport, ReportValue
from gonghui.utilities.periods import Period

MAX_TEXT_CHARS = 200_000
MAX_BATCH_FILES = 200
BATCH_JOB_KIND = "intel.read_documents"
ACTIONS = ("confirm", "drop", "pending")
NOTE_PREFIX = "据工作材料"
NO_BODY = "没有读到正文内容：文件可能是空的、只有图片，或正文被网页的其他内容淹没。请检查后重新上传，或直接粘贴正文。"


# --- reading ---------------------------------------------------------------------------------------------


def _period(year: Any, quarter: Any) -> Period:
    try:
        period = Period.quarter_of(int(year), int(quarter))
    except (TypeError, ValueError):
        raise ValidationError({"quarter": "请选择有效的年度和季度（季度为 1 至 4）。"}) from None
    if period.start > timezone.localdate():
        raise ValidationError(
            {"quarter": f"{period.label}尚未开始，不能登记该季度的工作材料。请选择本季度或以前的季度。"}
        )
    return period


def _check_org(user: Any, org: Organization) -> None:
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError({"org": f"「{org.name}」已撤销，不能再登记工作材料。"})
    if not Organization.objects.restrict(user, "view").filter(pk=org.pk).exists():
        raise PermissionDenied("您无权为该单位登记工作材料，只能选择本单位或下级单位。")


def _extract_upload(data: bytes, filename: str) -> dict:
    """The library's reading of a file; an unreadable file is a clear Chinese error."""
    from gonghui.intel.extract import extract_bytes  # the library loads OpenCC and jieba on first use

    try:
        return extract_bytes(data, filename)
    except (UnicodeError, zipfile.BadZipFile, KeyError) as error:
        raise ValidationError(
            {"file": f"文件「{filename}」无法读取（{type(error).__name__}），请确认文件未损坏，或另存为 txt 后再上传。"}
        ) from None
    except ValueError as error:
        raise ValidationError({"file": f"文件「{filename}」无法读取：{error}"}) from None


def _apply_extraction(document: Document, result: Mapping[str, Any], title: str = "") -> list[Fact]:
    """Copy the library's result onto the document and build its facts (saved by the caller)."""
    body = result.get("body") or ""
    if not body.strip():
        raise ValidationError({"file": NO_BODY})
    document.body = body
    document.title = (title or result.get("title") or body.strip().splitlines()[0])[:200].strip() or "未命名材料"
    document.script = (result.get("script") or "")[:4]
    document.date = _date(result.get("date"))
    document.date_kind = (result.get("date_kind") or "")[:10] if document.date else ""
    document.region = (result.get("region") or "")[:60]
    document.stated_org = (result.get("org") or "")[:120]
    document.search_tokens = search.document_tokens(f"{document.title}\n{body}")
    document.status = DocumentStatus.PENDING
    document.error = ""
    indicators = {i.key: i for i in Indicator.objects.filter(is_active=True)}
    facts, seen = [], set()
    for item in result.get("facts") or ():
        indicator = indicators.get(item.get("indicator"))
        start, end = int(item.get("start") or 0), int(item.get("end") or 0)
        if indicator is None or body[start:end] != item.get("evidence"):
            continue  # an indicator switched off here, or evidence that does not point into the body
        if any(key == indicator.pk and start < other_end and other_start < end for key, other_start, other_end in seen):
            continue  # the same figure read twice
        seen.add((indicator.pk, start, end))
        value = Decimal(str(item.get("value")))
        kind = FactKind.TARGET if item.get("kind") == FactKind.TARGET else FactKind.ACTUAL
        facts.append(
            Fact(
                document=document,
                indicator=indicator,
                value=value,
                unit=(item.get("unit") or indicator.unit)[:10],
                approx=bool(item.get("approx")),
                kind=kind,
                cumulative=bool(item.get("cumulative")),
                component=bool(item.get("component")),
                evidence=item["evidence"][:300],
                start=start,
                end=end,
                extracted={"indicator": indicator.key, "value": _plain(value), "kind": kind},
            )
        )
    return facts


def _date(raw: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _save_facts(document: Document, facts: Sequence[Fact]) -> None:
    for fact in facts:
        fact.full_clean(exclude=["document"])
    Fact.objects.bulk_create(facts)


@transaction.atomic
def document_create(
    *,
    user: Any,
    org: Organization,
    year: int,
    quarter: int,
    file: UploadedFile | None = None,
    text: str = "",
    title: str = "",
) -> Document:
    """登记工作材料: one uploaded file or one pasted text for ``org``'s quarter, read at once."""
    period = _period(year, quarter)
    _check_org(user, org)
    text = (text or "").strip()
    if bool(file) == bool(text):
        raise ValidationError({"text": "请上传一个文件或粘贴正文（二选一）。"})
    document = Document(org=org, year=period.year, quarter=period.index, created_by=user, title="…")
    if file is not None:
        try:
            validate_document_file(file)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        data = file.read()
        result = _extract_upload(data, file.name)
        document.source = DocumentSource.UPLOAD
        document.original_name = file.name[:200]
        document.size = len(data)
        document.file.save(file.name, ContentFile(data), save=False)
    else:
        if len(text) > MAX_TEXT_CHARS:
            raise ValidationError(
                {"text": f"粘贴的正文有 {len(text)} 字，超过 {MAX_TEXT_CHARS} 字的上限，请分成几份登记。"}
            )
        from gonghui.intel.extract import extract_text

        result = extract_text(text)
        document.source = DocumentSource.PASTE
    facts = _apply_extraction(document, result, title)
    document.full_clean()
    document.save()
    ensure_in_scope(user, document, "add")
    _save_facts(document, facts)
    return document


@transaction.atomic
def documents_batch_upload(
    *, user: Any, org: Organization, year: int, quarter: int, files: Sequence[UploadedFile]
) -> tuple[list[Document], Any]:
    """批量上传: store every file as 待读取 and queue one job that reads them (the queue carries ids only).
    Every file is checked first; one bad file stores none."""
    from gonghui.jobs.services import job_submit

    period = _period(year, quarter)
    _check_org(user, org)
    files = list(files)
    if not files:
        raise ValidationError({"files": "请选择要上传的文件（可多选）。"})
    if len(files) > MAX_BATCH_FILES:
        raise ValidationError({"files": f"一次最多上传 {MAX_BATCH_FILES} 个文件（当前 {len(files)} 个），请分批上传。"})
    problems = []
    for number, upload in enumerate(files, start=1):
        try:
            validate_document_file(upload)
        except ValidationError as error:
            problems.append(f"第 {number} 个文件：{'；'.join(error.messages)}")
    if problems:
        raise ValidationError({"files": problems})
    documents = []
    for upload in files:
        name = upload.name[:200]
        document = Document(
            org=org,
            year=period.year,
            quarter=period.index,
            created_by=user,
            title=name.rsplit(".", 1)[0][:200] or name,
            source=DocumentSource.BATCH,
            status=DocumentStatus.QUEUED,
            original_name=name,
            size=upload.size or 0,
        )
        document.file.save(name, upload, save=False)
        document.full_clean()
        document.save()
        ensure_in_scope(user, document, "add")
        documents.append(document)
    job = job_submit(
        user=user,
        kind=BATCH_JOB_KIND,
        title=f"读取工作材料：{org.name} {period.label}（{len(documents)} 份）",
        params={"document_ids": [d.pk for d in documents]},
    )
    return documents, job


@transaction.atomic
def document_read(*, user: Any, document: Document) -> Document:
    """Read (again) a stored document's file: its body, metadata and pending figures are replaced.
    Confirmed or dropped figures are kept only when the document had not been read before."""
    document = fetch_for_update(Document, user, "change", document.pk)
    if not document.file:
        raise ValidationError("该材料是粘贴的文本，没有原始文件可重新读取。")
    document.snapshot()
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        raise ValidationError("原始文件已丢失，请重新上传。") from None
    if len(data) > DOCUMENT_MAX_BYTES:
        raise ValidationError(f"文件「{document.original_name}」超过 10 MB 的上限。")
    result = _extract_upload(data, document.original_name or document.file.name)
    keep_title = document.title if document.source != DocumentSource.BATCH else ""
    facts = _apply_extraction(document, result, keep_title)
    document.facts.filter(status=FactStatus.PENDING).delete()
    reviewed = {(f.indicator_id, f.start) for f in document.facts.all()}
    facts = [f for f in facts if (f.indicator_id, f.start) not in reviewed]
    document.full_clean()
    document.save()
    ensure_in_scope(user, document, "change")
    _save_facts(document, facts)
    return document


@transaction.atomic
def document_mark_failed(*, user: Any, document: Document, error: str) -> Document:
    document = fetch_for_update(Document, user, "change", document.pk)
    document.snapshot()
    document.status = DocumentStatus.FAILED
    document.error = error[:300]
    document.save(update_fields=["status", "error", "updated_at"])
    return document


@transaction.atomic
def document_update(*, user: Any, document: Document, title: str, year: int, quarter: int) -> Document:
    """Correct the title or the quarter a document belongs to; the figures of both quarters are refilled."""
    document = fetch_for_update(Document, user, "change", document.pk)
    period = _period(year, quarter)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写标题。"})
    old = (document.year, document.quarter)
    document.snapshot()
    document.title = title[:200]
    document.year, document.quarter = period.year, period.index
    document.search_tokens = search.document_tokens(f"{document.title}\n{document.body}")
    document.full_clean()
    document.save()
    ensure_in_scope(user, document, "change")
    if old != (document.year, document.quarter):
        _prefill_quietly(user, document.org, *old)
    _prefill_quietly(user, document.org, document.year, document.quarter)
    return document


@transaction.atomic
def document_delete(*, user: Any, document: Document) -> None:
    """Delete a document and its figures. Values already in a quarterly report stay as they are (the
    report is the unit's own record); they lose the link to this evidence."""
    document = fetch_for_update(Document, user, "delete", document.pk)
    stored = (document.file.storage, document.file.name) if document.file else None
    document.delete()
    if stored:
        transaction.on_commit(lambda: stored[0].delete(stored[1]), robust=True)


# --- review ------------------------------------------------------------------------------------------------


@dataclass
class ReviewOutcome:
    document: Document
    confirmed: int = 0
    dropped: int = 0
    prefill: PrefillResult | None = None


def _decision_errors(fact: Fact, number: int, decision: Mapping[str, Any], indicators: dict[str, Indicator]):
    """(indicator, value, kind) of one decision, or raise with the row number and what is wrong."""
    where = f"第 {number} 项（原文“{fact.evidence[:30]}”）"
    key = decision.get("indicator") or fact.indicator.key
    indicator = indicators.get(key)
    if indicator is None:
        raise ValidationError(f"{where}：指标“{key}”不存在或已停用，请从列表中选择指标。")
    raw = decision.get("value")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        value = fact.value
    else:
        try:
            value = services_reports.parse_value(indicator, raw)
        except ValidationError as error:
            raise ValidationError(f"{where}：{'；'.join(error.messages)}") from None
    kind = decision.get("kind") or fact.kind
    if kind not in FactKind.values:
        raise ValidationError(f"{where}：类型“{kind}”无效，请选择完成数或目标数。")
    return indicator, value, kind


@transaction.atomic
def facts_review(*, user: Any, document: Document, decisions: Iterable[Mapping[str, Any]]) -> ReviewOutcome:
    """确认数值: each decision is ``{"fact": id, "action": "confirm"|"drop"|"pending", "indicator": key,
    "value": number, "kind": "actual"|"target"}`` (indicator, value and kind correct the figure; omitted,
    they keep it). All are checked before any is saved. Then the quarterly report is prefilled."""
    document = fetch_for_update(Document, user, "change", document.pk)
    if document.status in (DocumentStatus.QUEUED, DocumentStatus.FAILED):
        raise ValidationError("该材料尚未读取成功，没有可确认的数值。")
    facts = {fact.pk: fact for fact in document.facts.select_related("indicator")}
    order = {pk: number for number, pk in enumerate(sorted(facts, key=lambda pk: (facts[pk].start, pk)), start=1)}
    indicators = {i.key: i for i in Indicator.objects.filter(is_active=True)}
    errors: list[str] = []
    changes = []
    for decision in decisions:
        try:
            fact = facts[int(decision.get("fact"))]
        except (KeyError, TypeError, ValueError):
            errors.append(f"数值编号“{decision.get('fact')}”不属于本材料，请刷新页面后重试。")
            continue
        action = decision.get("action") or "confirm"
        if action not in ACTIONS:
            errors.append(f"第 {order[fact.pk]} 项：操作“{action}”无效，只能是确认、舍弃或待定。")
            continue
        try:
            indicator, value, kind = _decision_errors(fact, order[fact.pk], decision, indicators)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        changes.append((fact, action, indicator, value, kind))
    if errors:
        raise ValidationError({"facts": errors})
    outcome = ReviewOutcome(document=document)
    now = timezone.now()
    status = {"confirm": FactStatus.CONFIRMED, "drop": FactStatus.DROPPED, "pending": FactStatus.PENDING}
    for fact, action, indicator, value, kind in changes:
        before = (fact.status, fact.indicator_id, fact.value, fact.kind)
        fact.snapshot()
        fact.status, fact.indicator, fact.value, fact.kind = status[action], indicator, value, kind
        if indicator.unit and fact.indicator_id != before[1]:
            fact.unit = indicator.unit
        if (fact.status, fact.indicator_id, fact.value, fact.kind) == before:
            continue
        fact.reviewed_at, fact.reviewed_by = now, user
        fact.full_clean()
        fact.save()
        outcome.confirmed += action == "confirm"
        outcome.dropped += action == "drop"
    document.snapshot()
    if not document.facts.filter(status=FactStatus.PENDING).exists():
        document.status = DocumentStatus.REVIEWED
        document.reviewed_at, document.reviewed_by = now, user
    else:
        document.status = DocumentStatus.PENDING
    document.save()
    ensure_in_scope(user, document, "change")
    outcome.prefill = _prefill_quietly(user, document.org, document.year, document.quarter)
    return outcome


# --- prefilling the quarterly report ----------------------------------------------------------------------


@dataclass
class PrefillResult:
    report: QuarterlyReport | None = None
    filled: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    message: str = ""


def confirmed_facts(user: Any, org: Organization, year: int, quarter: int):
    """Confirmed figures of the unit's documents for the quarter that the user may see."""
    documents = Document.objects.restrict(user, "view").filter(org=org, year=year, quarter=quarter)
    return (
        Fact.objects.filter(document__in=documents, status=FactStatus.CONFIRMED)
        .select_related("indicator", "document")
        .order_by("document__date", "document__created_at", "start", "pk")
    )


def prefill_value(indicator: Indicator, facts: Iterable[Fact]) -> Decimal | None:
    """The quarter's figure the confirmed facts state: actual, not a part of a total; the same figure quoted
    in two documents counts once. Cumulative indicators add the quarter's amounts (running totals are a
    cross-check only); stock and rate indicators take the latest figure."""
    usable, seen = [], set()
    for fact in facts:
        if fact.kind != FactKind.ACTUAL or fact.component:
            continue
        if (fact.value, fact.evidence) in seen:
            continue
        seen.add((fact.value, fact.evidence))
        usable.append(fact)
    if indicator.kind == IndicatorKind.CUMULATIVE:
        parts = [fact.value for fact in usable if not fact.cumulative]
        return sum(parts, Decimal(0)) if parts else None
    return usable[-1].value if usable else None


def _prefill_quietly(user: Any, org: Organization, year: int, quarter: int) -> PrefillResult:
    """Prefill in a savepoint: a report that cannot take the figures is a message, never a failed review."""
    try:
        with transaction.atomic():
            return prefill_quarterly_report(user=user, org=org, year=year, quarter=quarter)
    except (ValidationError, PermissionDenied) as error:
        return PrefillResult(message="未填入季度报表：" + "；".join(getattr(error, "messages", [str(error)])))


@transaction.atomic
def prefill_quarterly_report(*, user: Any, org: Organization, year: int, quarter: int) -> PrefillResult:
    """Fill the unit's quarterly report (opened as a draft if there is none) from the confirmed figures.

    Reported indicators: an empty value, or one still holding what was filled in last time, takes the
    figures' value (``prefill_value``); a value the unit typed is kept and the figures show beside it.
    Computed indicators are never filled: the figures are linked to them as a cross-check. Every confirmed
    figure is linked to the report value it fed or is shown beside (``Fact.report_value``).
    """
    facts = list(confirmed_facts(user, org, year, quarter))
    linked = Fact.objects.filter(report_value__report__org=org, report_value__report__year=year).filter(
        report_value__report__quarter=quarter
    )
    if not facts and not linked.exists():
        return PrefillResult()
    if not (can(user, QuarterlyReport, "add") and can(user, QuarterlyReport, "change")):
        return PrefillResult(message="您没有填报季度报表的权限，确认的数值未填入季度报表。")
    report = services_reports.report_open(user=user, org=org, year=year, quarter=quarter)
    result = PrefillResult(report=report)
    if report.status not in services_reports.EDITABLE_STATUSES:
        result.message = (
            f"「{report}」{report.get_status_display()}，确认的数值未填入；如需更正请联系上级单位重新打开。"
        )
        _link(report, facts)
        return result
    by_indicator: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_indicator[fact.indicator_id].append(fact)
    rows = list(report.values.select_related("indicator"))
    prefilled = {p.report_value_id: p for p in PrefilledValue.objects.filter(report_value__in=rows)}
    values, notes, written = {}, {}, {}
    for row in rows:
        if row.is_computed:
            continue
        value = prefill_value(row.indicator, by_indicator.get(row.indicator_id, ()))
        previous = prefilled.get(row.pk)
        ours = row.value is None or (previous is not None and row.value == previous.value)
        if not ours:
            if value is not None and value != row.value:
                result.kept.append(row.indicator.name)
            continue
        if value == row.value and (value is None or previous is not None):
            continue
        values[row.indicator.key] = "" if value is None else _plain(value)
        written[row.pk] = value
        if value is not None:
            result.filled.append(row.indicator.name)
            if not row.note or row.note.startswith(NOTE_PREFIX):
                titles = {fact.document.title for fact in by_indicator[row.indicator_id]}
                notes[row.indicator.key] = f"{NOTE_PREFIX}《{sorted(titles)[0][:60]}》" + (
                    f"等 {len(titles)} 份" if len(titles) > 1 else ""
                )
    if values:
        services_reports.report_save(user=user, report=report, data={"values": values, "notes": notes})
    for row_id, value in written.items():
        if value is None:
            PrefilledValue.objects.filter(report_value_id=row_id).delete()
        else:
            PrefilledValue.objects.update_or_create(report_value_id=row_id, defaults={"value": value})
    _link(report, facts)
    if result.filled:
        result.message = f"已填入「{report}」：{'、'.join(result.filled)}。"
    if result.kept:
        result.message += f"{'、'.join(result.kept)}已有单位填写的数值，未覆盖，请在季度报表中核对。"
    return result


def _link(report: QuarterlyReport, facts: Sequence[Fact]) -> None:
    rows = dict(report.values.values_list("indicator_id", "pk"))
    Fact.objects.filter(report_value__report=report).exclude(pk__in=[f.pk for f in facts]).update(report_value=None)
    by_row: dict[int | None, list[int]] = defaultdict(list)
    for fact in facts:
        by_row[rows.get(fact.indicator_id)].append(fact.pk)
    for row_id, pks in by_row.items():
        Fact.objects.filter(pk__in=pks).update(report_value_id=row_id)


def report_value_facts(report_value: ReportValue):
    return Fact.objects.filter(report_value=report_value, status=FactStatus.CONFIRMED)
