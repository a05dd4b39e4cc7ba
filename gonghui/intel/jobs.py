"""Background jobs of the intel app.

``intel.read_documents`` — read the documents of a batch upload. Params: ``{"document_ids": [int, ...]}``
(ids only; the files are already stored with their documents). Runs as the requesting user: each document
is re-read through ``restrict``, so one removed or moved out of scope meanwhile is reported, not read. Each
document is read in its own transaction, so a re-queued run skips those already read and a file that
cannot be read marks only its own document as failed. The result file lists every file with what was read.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.context import actor
from gonghui.core.exports import write_xlsx
from gonghui.intel import services
from gonghui.intel.models import Document, DocumentStatus
from gonghui.jobs.models import Job
from gonghui.jobs.services import JobError, JobOutcome, job_handler

SUMMARY_LABELS = {"files": "文件数", "read": "读取成功", "failed": "读取失败", "facts": "读到数值"}
RESULT_HEADERS = ["序号", "文件名", "标题", "报告单位", "报告期", "状态", "读到数值（个）", "说明"]


@job_handler(services.BATCH_JOB_KIND, labels=SUMMARY_LABELS)
def run_read_documents(job: Job, progress) -> JobOutcome:
    user = job.requested_by
    ids = [int(pk) for pk in job.params.get("document_ids") or []]
    if not ids:
        raise JobError("任务中没有要读取的材料。")
    visible = {d.pk: d for d in Document.objects.restrict(user, "change").filter(pk__in=ids).select_related("org")}
    total = len(ids)
    rows, read, failed, facts = [], 0, 0, 0
    progress(0, total, f"正在读取 {total} 份材料……")
    for number, pk in enumerate(ids, start=1):
        document = visible.get(pk)
        if document is None:
            failed += 1
            rows.append((number, "", "", "", "", "未读取", 0, "材料已删除，或已不在您的数据权限范围内"))
            progress(number, total)
            continue
        note = ""
        if document.status == DocumentStatus.QUEUED:
            try:
                with actor(user):
                    document = services.document_read(user=user, document=document)
            except (ValidationError, PermissionDenied) as error:
                note = "；".join(getattr(error, "messages", [str(error)]))
                with actor(user):
                    document = services.document_mark_failed(user=user, document=document, error=note)
        if document.status == DocumentStatus.FAILED:
            failed += 1
            note = note or document.error
        else:
            read += 1
        count = document.facts.count()
        facts += count
        rows.append(
            (
                number,
                document.original_name,
                document.title,
                document.org.name,
                document.period.label,
                document.get_status_display(),
                count,
                note,
            )
        )
        progress(number, total, f"已读取 {number} / {total} 份：{document.original_name}"[:300])
    content = write_xlsx(RESULT_HEADERS, rows, sheet="读取结果")
    return JobOutcome(
        message=f"读取完成：{read} 份成功，{failed} 份失败，共读到 {facts} 个数值，请到“工作材料”逐份确认。",
        summary={"files": total, "read": read, "failed": failed, "facts": facts},
        content=content,
        filename="工作材料读取结果.xlsx",
    )
