"""Background job: ``unionwork.dues_import`` — a monthly dues statement, run as the requesting user.

Params: ``{"upload", "filename", "sheet", "mode"}``; ``upload`` is the stored file's name under
MEDIA_ROOT/imports/ (the queue carries the path, never data). The result file is the per-row report.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from gonghui.core.context import actor
from gonghui.jobs.models import Job
from gonghui.jobs.services import JobError, JobOutcome, job_handler
from gonghui.members.jobs import IMPORT_DIR, SUMMARY_LABELS
from gonghui.utilities.spreadsheets import SpreadsheetError

KIND = "unionwork.dues_import"


@job_handler(KIND, labels=SUMMARY_LABELS)
def run_dues_import(job: Job, progress) -> JobOutcome:
    from gonghui.unionwork.importing import import_dues

    params = job.params
    user = job.requested_by
    upload = params.get("upload") or ""
    if not upload.startswith(f"{IMPORT_DIR}/") or ".." in upload:
        raise JobError("导入文件的位置无效，请重新上传。")
    if not default_storage.exists(upload):
        raise JobError("上传的文件已不存在（可能已被清理），请重新上传。")
    path = default_storage.path(upload)
    progress(0, None, "正在读取经费月报……")
    try:
        with actor(user):
            report = import_dues(
                user=user,
                file=path,
                filename=params.get("filename") or path,
                sheet=params.get("sheet") or None,
                mode=params.get("mode") or "valid-only",
                progress=lambda done, total: progress(done, total),
            )
    except SpreadsheetError as error:
        default_storage.delete(upload)
        raise JobError(error.message) from None
    except (PermissionDenied, ValidationError):
        default_storage.delete(upload)
        raise
    handle, out = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        report.to_xlsx(out)
    finally:
        report.close()
    summary = {key: value for key, value in report.as_dict().items() if key != "errors"}
    stem = Path(params.get("filename") or "经费月报").stem[:60]
    return JobOutcome(
        message=report.summary(),
        summary=summary,
        path=out,
        filename=f"{stem}_导入结果.xlsx",
        cleanup=[upload],
    )
