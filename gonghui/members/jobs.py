"""Background jobs of the member registry.

``members.import`` — a roster file into one union. Params: ``{"org_id", "upload", "filename",
"sheet", "mode"}`` where ``upload`` is the stored file's name under MEDIA_ROOT/imports/ (the
queue carries the path, never data). Runs ``import_members`` as the requesting user; the
result file is the per-row report (original columns + 结果 + 错误说明). The uploaded file is
removed once the job has finished (a re-queued run after a crash still finds it). An
all-or-nothing import commits in one transaction, so a killed worker leaves nothing and the
re-run starts clean; a valid-only re-run skips the rows already imported.

``members.export`` — the member roster as xlsx (streamed to a temporary file), in the user's
export scope, optionally one union's subtree. Params: ``{"org_id": int | None, "unmasked": bool}``.
ID numbers and phones are masked unless ``unmasked`` and the user may see the row in full
(members.view_full_pii in scope); an unmasked export is written to the operation log.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from gonghui.core.context import actor
from gonghui.core.querysets import can
from gonghui.jobs.models import Job
from gonghui.jobs.services import JobError, JobOutcome, job_handler
from gonghui.members.importing import import_members
from gonghui.members.models import (
    Education,
    EmploymentCategory,
    Ethnicity,
    Gender,
    Member,
    MemberStatus,
    NewEmploymentType,
    PoliticalStatus,
)
from gonghui.orgs.models import Organization
from gonghui.utilities.spreadsheets import SpreadsheetError

IMPORT_DIR = "imports"
SUMMARY_LABELS = {
    "total_rows": "总行数",
    "imported": "新增",
    "updated": "更新",
    "skipped": "跳过",
    "rejected": "拒绝",
}


def store_upload(uploaded) -> str:
    """Save an uploaded roster under MEDIA_ROOT/imports/ and return its storage name."""
    suffix = Path(getattr(uploaded, "name", "") or "").suffix.lower()[:8]
    name = f"{IMPORT_DIR}/{timezone.now():%Y%m}/{uuid.uuid4().hex}{suffix}"
    return default_storage.save(name, uploaded)


@job_handler("members.import", labels=SUMMARY_LABELS)
def run_import(job: Job, progress) -> JobOutcome:
    params = job.params
    user = job.requested_by
    upload = params.get("upload") or ""
    if not upload.startswith(f"{IMPORT_DIR}/") or ".." in upload:
        raise JobError("导入文件的位置无效，请重新上传。")
    org = Organization.objects.filter(pk=params.get("org_id")).first()
    if org is None:
        raise JobError("目标工会已不存在，导入未进行。")
    if not default_storage.exists(upload):
        raise JobError("上传的文件已不存在（可能已被清理），请重新上传。")
    path = default_storage.path(upload)
    progress(0, None, "正在读取文件……")
    try:
        with actor(user):
            report = import_members(
                user=user,
                org=org,
                file=path,
                filename=params.get("filename") or path,
                sheet=params.get("sheet") or None,
                mode=params.get("mode") or "valid-only",
                keep_rows="auto",
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
    stem = Path(params.get("filename") or "花名册").stem[:60]
    return JobOutcome(
        message=report.summary(),
        summary=summary,
        path=out,
        filename=f"{stem}_导入结果.xlsx",
        # removed once the job is recorded as done: a run killed before that is re-queued and needs it
        cleanup=[upload],
    )


EXPORT_HEADERS = [
    "姓名", "身份证号码", "手机", "性别", "出生年月", "民族", "文化程度", "政治面貌", "用工类别",
    "新就业形态类型", "工作单位", "所在工会", "入会日期", "会籍状态", "会员证号",
]  # fmt: skip


def _neutral(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@job_handler("members.export", labels={"rows": "导出行数"})
def run_export(job: Job, progress) -> JobOutcome:
    import xlsxwriter

    from gonghui.core.models import OperationLog
    from gonghui.members.selectors import has_full_pii_permission, with_full_pii_flag

    user = job.requested_by
    if not can(user, Member, "export"):
        raise PermissionDenied("您已没有导出会员的权限，导出未进行。请联系安全管理员分配角色后重新提交。")
    queryset = Member.objects.restrict(user, "export")
    org_id = job.params.get("org_id")
    if org_id:
        org = Organization.objects.restrict(user, "view").filter(pk=org_id).first()
        if org is None:
            raise JobError("所选单位不在您的数据权限范围内，导出未进行。")
        queryset = queryset.filter(org__path__subtree=org.path)
    unmasked = bool(job.params.get("unmasked")) and has_full_pii_permission(user)
    queryset = with_full_pii_flag(queryset, user) if unmasked else queryset
    total = queryset.count()
    progress(0, total, f"正在导出 {total} 名会员……")
    labels = {
        "gender": dict(Gender.choices),
        "ethnicity": dict(Ethnicity.choices),
        "education": dict(Education.choices),
        "political_status": dict(PoliticalStatus.choices),
        "employment_category": dict(EmploymentCategory.choices),
        "new_employment_type": dict(NewEmploymentType.choices),
        "status": dict(MemberStatus.choices),
    }
    fields = [
        "name", "id_number_masked", "phone_masked", "gender", "birth_date", "ethnicity", "education",
        "political_status", "employment_category", "new_employment_type", "employer_name", "org__name",
        "join_date", "status", "member_card_number",
    ]  # fmt: skip
    if unmasked:
        fields += ["full_pii", "id_number_cipher", "phone_cipher"]
    handle, out = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    workbook = xlsxwriter.Workbook(
        out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
              "strings_to_numbers": False},
    )  # fmt: skip
    try:
        sheet = workbook.add_worksheet("会员名册")
        for col, header in enumerate(EXPORT_HEADERS):
            sheet.write_string(0, col, header)
        probe = Member()
        for number, record in enumerate(queryset.order_by("org__path", "name", "pk").values(*fields).iterator(2000), 1):
            id_text, phone_text = record["id_number_masked"], record["phone_masked"]
            if unmasked and record["full_pii"]:
                probe.id_number_cipher, probe.phone_cipher = record["id_number_cipher"], record["phone_cipher"]
                id_text, phone_text = probe.reveal_id_number(), probe.reveal_phone()
            birth = record["birth_date"]
            values = [
                record["name"], id_text, phone_text, labels["gender"].get(record["gender"], ""),
                f"{birth:%Y-%m}" if birth else "", labels["ethnicity"].get(record["ethnicity"], ""),
                labels["education"].get(record["education"], ""),
                labels["political_status"].get(record["political_status"], ""),
                labels["employment_category"].get(record["employment_category"], ""),
                labels["new_employment_type"].get(record["new_employment_type"], ""),
                record["employer_name"], record["org__name"],
                record["join_date"].isoformat() if record["join_date"] else "",
                labels["status"].get(record["status"], ""), record["member_card_number"],
            ]  # fmt: skip
            for col, value in enumerate(values):
                if value:
                    sheet.write_string(number, col, _neutral(str(value)))
            if number % 2000 == 0:
                progress(number, total)
    finally:
        workbook.close()
    progress(total, total)
    if unmasked:
        OperationLog.objects.create(
            user=user,
            user_name=user.get_username(),
            method="JOB",
            path=f"/jobs/{job.pk}/",
            view_name="members.export",
            summary=f"导出会员名册（含完整身份证号和手机号，{total} 条）"[:200],
        )
    suffix = "_完整信息" if unmasked else ""
    return JobOutcome(
        message=f"已导出 {total} 名会员。",
        summary={"rows": total},
        path=out,
        filename=f"会员名册{suffix}_{timezone.localdate():%Y%m%d}.xlsx",
    )


__all__ = ["IMPORT_DIR", "run_export", "run_import", "store_upload"]
