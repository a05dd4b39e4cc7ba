"""What the programme imports share (job-fair employer rows, stations), on the generic pipeline of
gonghui/utilities/importing.py: whole-number cells, running an import in one of the two modes, keeping the
per-row report (原行号, the file's columns, 结果, 错误说明) for its uploader, and the upload form.

These files are small (a fair's employers, a county's stations), so the import runs in the request; the
per-row report is stored under MEDIA_ROOT/imports/reports/ and its name kept in the uploader's session, so
only they can download it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gonghui.utilities.importing import CellError, ImportAborted, ImportPipeline, ImportReport, ImportRow

MODES = ("valid-only", "all-or-nothing")
MODE_CHOICES = [
    ("all-or-nothing", "整批导入（任何一行有错误则全部不导入）"),
    ("valid-only", "只导入正确的行（有错误的行跳过，在结果中列出）"),
]
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
REPORT_DIR = "imports/reports"
SESSION_KEY = "programmes_import_reports"
KEEP_REPORTS = 10


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="导入文件", help_text="支持 .xlsx、.xls、.csv；可先下载导入模板")
    mode = forms.ChoiceField(label="导入方式", choices=MODE_CHOICES, initial="all-or-nothing", widget=forms.RadioSelect)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("文件超过 10 MB，请拆分成几个文件分别导入。")
        return upload


def whole_number(label: str, maximum: int) -> Callable[[Any], int]:
    """A parser for a cell that must hold a whole number from 0 to ``maximum``."""

    def parse(value: Any) -> int:
        if isinstance(value, float) or not isinstance(value, int):
            raise CellError(None, f"“{label}”应为整数（如 120），不能有小数。", "number_invalid")
        if value < 0:
            raise CellError(None, f"“{label}”不能为负数。", "number_range")
        if value > maximum:
            raise CellError(None, f"“{label}”{value} 过大（最多 {maximum}），请核对。", "number_range")
        return value

    return parse


def row_errors(error: ValidationError, labels: dict[str, str]) -> list[CellError]:
    """A model ValidationError as CellErrors naming the spreadsheet column (``labels``: field → column)."""
    if not hasattr(error, "error_dict"):
        return [CellError(None, message) for message in error.messages]
    found = []
    for field, items in error.message_dict.items():
        for message in items:
            found.append(CellError(labels.get(field, ""), message))
    return found


def apply_each(apply_one: Callable[[dict], str], labels: dict[str, str]) -> Callable[[list[ImportRow]], list]:
    """An ``apply_batch`` writing row by row, each in a savepoint: a row that fails validation is rejected
    with its column named, the others go on."""

    def apply_batch(rows: list[ImportRow]) -> list:
        outcomes: list = []
        for row in rows:
            try:
                with transaction.atomic():
                    outcomes.append(apply_one(row.values))
            except ValidationError as error:
                outcomes.append(row_errors(error, labels))
            except CellError as error:
                outcomes.append(error)
        return outcomes

    return apply_batch


def run(pipeline: ImportPipeline, upload, *, mode: str, apply_batch) -> ImportReport:
    """Run the import of ``upload`` in ``mode``; raises SpreadsheetError when the file cannot be read."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    with pipeline.open(upload, filename=getattr(upload, "name", None)) as table:
        if mode == "valid-only":
            return pipeline.run(table, apply_batch=apply_batch)
        try:
            with transaction.atomic():
                return pipeline.run(table, apply_batch=apply_batch, all_or_nothing=True)
        except ImportAborted as aborted:
            return aborted.report


def keep_report(request, report: ImportReport, stem: str) -> str:
    """Store the per-row report for the requesting user; returns the token for ``report_url``."""
    token = uuid.uuid4().hex
    name = f"{REPORT_DIR}/{timezone.now():%Y%m}/{token}.xlsx"
    from io import BytesIO

    buffer = BytesIO()
    report.to_xlsx(buffer)
    stored = default_storage.save(name, ContentFile(buffer.getvalue()))
    reports = dict(request.session.get(SESSION_KEY, {}))
    reports[token] = {"name": stored, "filename": f"{stem[:60]}_导入结果.xlsx"}
    while len(reports) > KEEP_REPORTS:
        _old, entry = next(iter(reports.items()))
        reports.pop(_old)
        default_storage.delete(entry["name"])
    request.session[SESSION_KEY] = reports
    return token


def stored_report(request, token: str) -> dict | None:
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or not default_storage.exists(entry["name"]):
        return None
    return entry
