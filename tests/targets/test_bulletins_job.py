"""The bulletin job end to end: the page submits it, the real worker runs it, the files are read back."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse

from gonghui.jobs.models import JobStatus
from gonghui.targets.models import Bulletin
from tests.jobs.utils import run_worker
from tests.targets.test_bulletins import TASK_TITLE, _docx_upload, build_scenario, docx_text, ranking_units

# The worker closes its connection between tasks, which ends a test transaction on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scenario(world, settings, tmp_path):
    settings.TARGETS_FIGURES_MAX_LAG = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    build_scenario(world)
    return world


def pdftotext(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def generate(client, org, **extra) -> Bulletin:
    data = {"org": org.pk, "year": 2026, "quarter": 3, "doc_number": "常总工〔2026〕12号", "requirements": ""}
    response = client.post(reverse("targets:bulletin_list"), {**data, **extra})
    assert response.status_code == 302, response.content.decode()
    run_worker()
    bulletin = Bulletin.objects.select_related("job").latest("pk")
    assert bulletin.job.status == JobStatus.SUCCEEDED, bulletin.job.error
    return bulletin


def test_the_job_renders_word_and_pdf_with_the_figures(scenario, login, tmp_path):
    world = scenario
    client = login(world.city_admin)
    bulletin = generate(client, world.city)
    job = bulletin.job
    assert job.result_name == "常州市总工会2026年第3季度通报.zip"
    assert job.result_summary == {"indicators": 2, "units": 2, "behind": 2, "overdue_tasks": 1}

    word = client.get(reverse("targets:bulletin_download", args=[bulletin.pk, "docx"]))
    assert word.status_code == 200 and word["Content-Type"].startswith("application/vnd.openxmlformats")
    text = docx_text(io.BytesIO(word.content))
    for expected in ("常州市总工会", "常总工〔2026〕12号", "50.0%", "70.00", TASK_TITLE):
        assert expected in text, expected
    assert ranking_units(io.BytesIO(word.content)) == ["武进区总工会", "天宁区总工会"]

    pdf = client.get(reverse("targets:bulletin_download", args=[bulletin.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdf_text = pdftotext(pdf.content, tmp_path)
    for expected in ("常州市总工会", "50.0%", "70.00", TASK_TITLE):
        assert expected in pdf_text, expected
    assert pdf_text.index("武进区总工会") < pdf_text.index("天宁区总工会")

    # the download centre holds both, for the requester
    archive = client.get(reverse("jobs:job_download", args=[job.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert sorted(names) == ["常州市总工会2026年第3季度通报.docx", "常州市总工会2026年第3季度通报.pdf"]
    body = client.get(reverse("targets:bulletin_list")).content.decode()
    assert reverse("targets:bulletin_download", args=[bulletin.pk, "pdf"]) in body

    # another subtree: neither the bulletin's files nor the job
    other = login(world.tianning_admin)
    assert other.get(reverse("targets:bulletin_download", args=[bulletin.pk, "docx"])).status_code == 404
    assert other.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_the_job_uses_the_uploaded_template_and_the_typed_requirements(scenario, login):
    world = scenario
    client = login(world.wujin_admin)
    upload = _docx_upload("武进模板.docx", "武进模板标记")
    assert client.post(reverse("targets:bulletin_template"), {"org": world.wujin.pk, "file": upload}).status_code == 302
    bulletin = generate(client, world.wujin, requirements="第一条要求。\n第二条要求。")
    text = docx_text(io.BytesIO(client.get(reverse("targets:bulletin_download", args=[bulletin.pk, "docx"])).content))
    assert "武进模板标记" in text and "第一条要求。" in text and "第二条要求。" in text
    assert TASK_TITLE not in text  # 天宁's task is outside 武进's subtree


def test_the_job_fails_clearly_when_the_user_lost_the_scope(scenario, login):
    world = scenario
    client = login(world.wujin_admin)
    client.post(reverse("targets:bulletin_list"), {"org": world.wujin.pk, "year": 2026, "quarter": 3, "doc_number": ""})
    world.wujin_admin.roles.clear()
    run_worker()
    job = Bulletin.objects.get().job
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "不在您的数据权限范围内" in job.error
