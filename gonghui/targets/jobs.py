"""Background jobs of the targets app.

``targets.bulletin`` — render one quarterly bulletin (通报) as Word and PDF. Params: ``{"bulletin_id": int,
"requirements": [str, ...]}`` (an empty list means the requirements written from the figures). Runs as the
requesting user: the bulletin record and every figure are read through ``restrict`` again, so a user who lost
the scope meanwhile gets a clear failure, not someone else's figures. The result file is a .zip holding the
.docx and the .pdf (a job keeps one file); the bulletin list offers each of them on its own as well.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from io import BytesIO

from django.utils import timezone

from gonghui.jobs.models import Job
from gonghui.jobs.services import JobError, JobOutcome, job_handler
from gonghui.reports.bulletin import render_docx, render_pdf
from gonghui.targets.bulletins import JOB_KIND, bulletin_data, bulletins_for, template_for

SUMMARY_LABELS = {
    "indicators": "指标数",
    "units": "参与排名单位数",
    "behind": "滞后项数",
    "overdue_tasks": "逾期督办事项数",
}


def file_stem(bulletin) -> str:
    """The download name of a bulletin's files, without the suffix."""
    return f"{bulletin.org.name}{bulletin.year}年第{bulletin.quarter}季度通报"


@job_handler(JOB_KIND, labels=SUMMARY_LABELS)
def run_bulletin(job: Job, progress) -> JobOutcome:
    user = job.requested_by
    bulletin = bulletins_for(user, "view").filter(pk=job.params.get("bulletin_id")).first()
    if bulletin is None:
        raise JobError("通报记录已删除，或已不在您的数据权限范围内，通报未生成。")
    progress(0, 3, "正在汇总目标任务完成情况……")
    data = bulletin_data(
        user,
        bulletin.org,
        bulletin.year,
        bulletin.quarter,
        doc_number=bulletin.doc_number,
        issue_date=timezone.localdate(bulletin.created_at),
        requirements=job.params.get("requirements") or None,
    )
    progress(1, 3, "正在生成 Word 文档……")
    word = BytesIO()
    try:
        render_docx(data, word, template=template_for(bulletin.org).path)
    except ValueError as error:  # an administrator's template that no longer fits
        raise JobError(f"{error} 也可以在“通报”页面恢复默认模板后重新生成。") from None
    progress(2, 3, "正在生成 PDF……")
    pdf = BytesIO()
    render_pdf(data, pdf)
    stem = file_stem(bulletin)
    handle, out = tempfile.mkstemp(suffix=".zip")
    os.close(handle)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.docx", word.getvalue())
        archive.writestr(f"{stem}.pdf", pdf.getvalue())
    progress(3, 3)
    return JobOutcome(
        message=f"已生成{bulletin.title}（Word 和 PDF）。",
        summary={
            "indicators": len(data.indicators),
            "units": len(data.ranking),
            "behind": len(data.behind),
            "overdue_tasks": len(data.overdue_tasks),
        },
        path=out,
        filename=f"{stem}.zip",
    )
