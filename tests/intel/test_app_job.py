"""Batch upload end to end: the page stores the files and queues a job with ids only, the real worker reads
them (a broken file fails alone), the job page shows the progress and the download centre the result file."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as WordDocument
from python_calamine import CalamineWorkbook

from gonghui.intel.models import Document, DocumentStatus
from gonghui.jobs.models import Job, JobStatus
from tests.intel.app_helpers import QUARTER, TIANNING_TEXT, WUJIN_TEXT
from tests.jobs.utils import run_worker
from tests.targets.reports_helpers import YEAR

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def docx_bytes(*paragraphs: str) -> bytes:
    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html_bytes(title: str, text: str) -> bytes:
    page = (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        "<div class='nav'>首页 | 工会动态 | 联系我们</div>"
        f"<article><h1>{title}</h1><p>{text}</p></article>"
        "<div class='footer'>版权所有 © 武进区总工会 苏ICP备12345678号</div></body></html>"
    )
    return page.encode("utf-8")


def test_batch_upload_reads_every_file_in_the_background(login, world):
    client = login(world.wujin_admin)
    files = [
        SimpleUploadedFile("综述.txt", WUJIN_TEXT.encode("gb18030")),
        SimpleUploadedFile("驿站.docx", docx_bytes("天宁区驿站建设", TIANNING_TEXT)),
        SimpleUploadedFile(
            "送温暖.html", html_bytes("武进区送温暖活动", "武进区总工会走访慰问困难职工210人，发放慰问金30万元。")
        ),
        SimpleUploadedFile("损坏.docx", b"not a zip file"),
    ]
    response = client.post(
        reverse("intel:document_batch"), {"org": world.wujin.pk, "year": YEAR, "quarter": QUARTER, "files": files}
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.QUEUED and set(job.params) == {"document_ids"}  # ids, never data
    assert Document.objects.filter(status=DocumentStatus.QUEUED).count() == 4
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result_summary["files"] == 4 and job.result_summary["read"] == 3 and job.result_summary["failed"] == 1
    assert job.progress_done == job.progress_total == 4
    read = {d.original_name: d for d in Document.objects.all()}
    assert read["综述.txt"].status == DocumentStatus.PENDING and read["综述.txt"].title == "武进区总工会二季度工作综述"
    assert read["驿站.docx"].facts.filter(indicator__key="stations_built", value=3).exists()
    html = read["送温暖.html"]
    assert "ICP" not in html.body and "首页" not in html.body
    assert html.facts.filter(indicator__key="relief_amount", value=300000).exists()
    assert read["损坏.docx"].status == DocumentStatus.FAILED and read["损坏.docx"].error
    page = client.get(job.get_absolute_url()).content.decode()
    assert "读取完成" in page
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content))).get_sheet_by_index(0)
    table = rows.to_python()
    assert table[0][1] == "文件名" and len(table) == 5
    assert {row[1]: row[5] for row in table[1:]}["损坏.docx"] == "读取失败"
    failed = client.get(read["损坏.docx"].get_absolute_url()).content.decode()
    assert "读取失败" in failed


def test_a_bad_file_in_the_batch_stores_nothing(login, world):
    client = login(world.wujin_admin)
    files = [SimpleUploadedFile("a.txt", b"abc"), SimpleUploadedFile("b.pdf", b"%PDF")]
    response = client.post(
        reverse("intel:document_batch"), {"org": world.wujin.pk, "year": YEAR, "quarter": QUARTER, "files": files}
    )
    assert response.status_code == 200 and "第 2 个文件" in response.content.decode()
    assert not Document.objects.exists() and not Job.objects.exists()


def test_the_job_reads_only_what_the_user_may_still_change(login, world):
    client = login(world.wujin_admin)
    files = [SimpleUploadedFile("综述.txt", WUJIN_TEXT.encode())]
    client.post(
        reverse("intel:document_batch"), {"org": world.wujin.pk, "year": YEAR, "quarter": QUARTER, "files": files}
    )
    world.wujin_admin.roles.clear()
    run_worker()
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.result_summary["failed"] == 1
    assert Document.objects.get().status == DocumentStatus.QUEUED
