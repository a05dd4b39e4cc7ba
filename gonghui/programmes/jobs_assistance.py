"""``programmes.assistance_import`` — a beneficiary list into one campaign for one union, as a background job.

Params: ``{"campaign_id", "org_id", "upload", "filename"}``; ``upload`` is the stored file's name under
MEDIA_ROOT/imports/ (the members importer's ``store_upload``). Runs as the requesting user; the result file is
the per-row report (original columns + 结果 + 错误说明) in the download centre.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from gonghui.core.context import actor
from gonghui.core.querysets import get_restricted_or_404
from gonghui.jobs.models import Job
from gonghui.jobs.services import JobError, JobOutcome, job_handler
from gonghui.members.jobs import IMPORT_DIR, SUMMARY_LABELS
from gonghui.orgs.models import Organization
from gonghui.programmes.importing_assistance import import_assistance
from gonghui.programmes.services_assistance import campaign_or_404
from gonghui.utilities.spreadsheets import SpreadsheetError


@job_handler("programmes.assistance_import", labels=SUMMARY_LABELS)
def run_assistance_import(job: Job, progress) -> JobOutcome:
    params, user = job.params, job.requested_by
    upload = params.get("upload") or ""
    if not upload.startswith(f"{IMPORT_DIR}/") or ".." in upload:
        raise JobError("导入文件的位置无效，请重新上传。")
    if not default_storage.exists(upload):
        raise JobError("上传的文件已不存在（可能已被清理），请重新上传。")
    try:
        campaign = campaign_or_404(user, params.get("campaign_id"))
        org = get_restricted_or_404(Organization, user, "view", pk=params.get("org_id"))
    except Exception:
        raise JobError("活动或发放单位已不存在或不在您的数据权限范围内，导入未进行。") from None
    progress(0, None, "正在读取文件……")
    path = default_storage.path(upload)
    try:
        with actor(user):
            report = import_assistance(
                user=user, campaign=campaign, org=org, file=path, filename=params.get("filename") or path
            )
    except SpreadsheetError as error:
        raise JobError(error.message) from None
    except (PermissionDenied, ValidationError):
        raise
    handle, out = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        report.to_xlsx(out)
    finally:
        report.close()
    summary = {key: value for key, value in report.as_dict().items() if key != "errors"}
    stem = Path(params.get("filename") or "帮扶名单").stem[:60]
    return JobOutcome(
        message=report.summary(), summary=summary, path=out, filename=f"{stem}_导入结果.xlsx", cleanup=[upload]
    )
