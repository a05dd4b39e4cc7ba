"""Import and export as background jobs, the import page, the template, concurrency and a killed worker."""

from __future__ import annotations

import datetime
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.jobs import services
from gonghui.jobs.models import Job, JobStatus
from gonghui.members.importing import BATCH_SIZE, import_members
from gonghui.members.jobs import store_upload
from gonghui.members.models import Member, MembershipEvent, MemberStatus
from gonghui.utilities.idnumber import make_id_number
from tests.jobs.utils import run_worker
from tests.members.helpers import add_member, grant_full_pii, id_number
from tests.members.test_import import HEADER, person, write_xlsx

pytestmark = pytest.mark.django_db(transaction=True)

postgresql_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs concurrent writers (SQLite has a single write lock)",
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def rows_of(job) -> list[list]:
    with job.result_file.open("rb") as handle:
        content = handle.read()
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_import_page_submits_a_job_whose_report_is_downloadable(world, login, tmp_path, media_root):
    client = login(world.wujin_admin)
    url = reverse("members_import:import", args=[world.wujin_union.pk])
    assert client.get(url).status_code == 200
    path = write_xlsx(tmp_path / "花名册.xlsx", [person(1, "张三"), person(1, "重复"), person(2, "李四")])
    with open(path, "rb") as handle:
        response = client.post(url, {"file": handle, "mode": "valid-only"})
    assert response.status_code == 302
    job = Job.objects.get(kind="members.import")
    assert set(job.params) == {"org_id", "upload", "filename", "sheet", "mode"}
    assert job.params["upload"].startswith("imports/")
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result_summary == {"total_rows": 3, "imported": 2, "updated": 0, "skipped": 0, "rejected": 1}
    rows = rows_of(job)
    assert rows[0][0] == "原行号" and rows[0][-2:] == ["结果", "错误说明"]
    assert [row[-2] for row in rows[1:]] == ["新增", "拒绝", "新增"]
    assert "重复" in rows[2][-1]
    assert not list((media_root / "imports").rglob("*.xlsx"))  # the upload is removed once done
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 200
    page = client.get(response["Location"])
    assert "job-progress" in page.content.decode()
    assert Member.objects.filter(org=world.wujin_union).count() == 2


def test_import_page_asks_which_sheet(world, login, tmp_path):
    client = login(world.wujin_admin)
    url = reverse("members_import:import", args=[world.wujin_union.pk])
    path = write_xlsx(tmp_path / "a.xlsx", [person(1)], sheets={"去年": [HEADER, person(2)]})
    with open(path, "rb") as handle:
        response = client.post(url, {"file": handle, "mode": "valid-only"})
    assert response.status_code == 200 and "去年" in response.content.decode()
    assert not Job.objects.exists()
    upload = response.context["form"].initial["upload"]
    response = client.post(url, {"upload": upload, "filename": "a.xlsx", "mode": "valid-only", "sheet": "去年"})
    assert response.status_code == 302
    assert Job.objects.get().params["sheet"] == "去年"


def test_import_page_rejects_a_bad_file(world, login, tmp_path):
    client = login(world.wujin_admin)
    url = reverse("members_import:import", args=[world.wujin_union.pk])
    response = client.post(url, {"file": io.BytesIO(b"not a spreadsheet at all"), "mode": "valid-only"})
    assert response.status_code == 200 and not Job.objects.exists()
    assert response.context["form"].non_field_errors()


def test_import_page_of_another_subtree_is_404(world, login):
    client = login(world.tianning_admin)
    assert client.get(reverse("members_import:import", args=[world.wujin_union.pk])).status_code == 404
    client = login(world.nobody)
    assert client.get(reverse("members_import:import", args=[world.wujin_union.pk])).status_code == 403


def test_template_has_dropdowns(world, login):
    response = login(world.wujin_admin).get(reverse("members_import:template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    sheet = book.worksheets[0]
    assert len(sheet.data_validations.dataValidation) >= 4
    # the template is itself importable
    assert any("身份证号码" in str(cell.value) for row in sheet.iter_rows(max_row=5) for cell in row)


def test_export_job_is_masked_without_permission_and_full_with_it(world, login):
    add_member(world, world.wujin_union, name="张三", serial=1, phone="13812345678")
    add_member(world, world.tianning_union, name="李四", serial=2)
    client = login(world.wujin_admin)
    assert client.post(reverse("members_import:export"), {"unmasked": "1"}).status_code == 302
    run_worker()
    job = Job.objects.get(kind="members.export")
    assert job.status == JobStatus.SUCCEEDED, job.error
    rows = rows_of(job)
    assert [row[0] for row in rows[1:]] == ["张三"]
    assert rows[1][1] != id_number(1, "320412") and "*" in rows[1][1]
    grant_full_pii(world.wujin_admin)
    client.post(reverse("members_import:export"), {"unmasked": "1"})
    run_worker()
    job = Job.objects.filter(kind="members.export").order_by("-pk").first()
    rows = rows_of(job)
    assert rows[1][1] == id_number(1, "320412") and rows[1][2] == "13812345678"


@postgresql_only
def test_two_concurrent_imports_of_the_same_person_leave_one_active_membership(world, tmp_path):
    shared = [person(serial, f"人{serial}") for serial in range(1, 40)]
    first = write_xlsx(tmp_path / "a.xlsx", shared)
    second = write_xlsx(tmp_path / "b.xlsx", list(reversed(shared)))
    reports = {}
    barrier = threading.Barrier(2)

    def work(name, org, path):
        try:
            barrier.wait(10)
            reports[name] = import_members(user=world.city_admin, org=org, file=path, batch_size=7)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=("a", world.wujin_union, first)),
        threading.Thread(target=work, args=("b", world.tianning_union, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(reports) == {"a", "b"}
    assert reports["a"].imported + reports["b"].imported == 39
    assert reports["a"].rejected + reports["b"].rejected == 39
    assert Member.objects.filter(status=MemberStatus.ACTIVE).count() == 39
    assert MembershipEvent.objects.count() == 39


@postgresql_only
def test_valid_only_import_writes_on_a_writer_thread_and_reports_rows_in_order(world, tmp_path):
    """Outside a transaction on PostgreSQL, batches are COPYed by a writer thread while the next
    batch is validated; the report still lists every row, in file order, with its own outcome."""
    add_member(world, world.tianning_union, name="别处", serial=5, id_number=id_number(5))
    rows = [person(serial, f"人{serial}") for serial in range(1, 30)]
    rows[10] = person(3, "重复")  # same ID number as row 3 of the data: rejected in the file
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    seen = set()

    def progress(done, total):
        seen.update(thread.name for thread in threading.enumerate())

    report = import_members(user=world.city_admin, org=world.wujin_union, file=path, batch_size=4, progress=progress)
    assert any(name.startswith("import-writer") for name in seen)
    assert (report.imported, report.rejected) == (27, 2)
    statuses = [(number, status) for number, _raw, status, _error in report.iter_rows()]
    assert [number for number, _status in statuses] == sorted(number for number, _status in statuses)
    rejected = {number for number, status in statuses if status == "rejected"}
    assert rejected == {statuses[4][0], statuses[10][0]}  # serial 5 is active in 天宁; the repeat
    assert Member.objects.filter(org=world.wujin_union, status=MemberStatus.ACTIVE).count() == 27
    assert MembershipEvent.objects.filter(org=world.wujin_union).count() == 27
    assert not any(thread.name.startswith("import-writer") for thread in threading.enumerate())


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


WORKER_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("jobs_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1")
"""


def _wait_for(condition, what: str, *, worker=None, timeout: float = 300):
    """Poll ``condition()`` until it returns something truthy; fail (not hang) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the worker exited (code {worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def _query(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _backends() -> set[int]:
    """The server processes of every connection to this test database but ours."""
    rows = _query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
    return {pid for (pid,) in rows}


def _table_bytes(model) -> int:
    """Size on disk: it grows with rows a transaction has written even while no one else can see them."""
    return _query("SELECT pg_relation_size(%s)", [model._meta.db_table])[0][0]


class OpenRegistration(threading.Thread):
    """Another connection registers one person and keeps its transaction open until ``release``.

    An import that reaches the same person then waits for this transaction inside its own:
    the test knows exactly where the worker is when it kills it. The registration rolls back.
    """

    def __init__(self, world, number: str) -> None:
        super().__init__(daemon=True)
        self.world, self.number = world, number
        self.ready, self.release = threading.Event(), threading.Event()
        self.pid: int | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                self.pid = _query("SELECT pg_backend_pid()")[0][0]
                add_member(self.world, self.world.tianning_union, name="并发登记", serial=0, id_number=self.number)
                self.ready.set()
                self.release.wait(600)
                transaction.set_rollback(True)
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            self.ready.set()
            connections.close_all()


@postgresql_only
def test_a_worker_killed_mid_import_leaves_nothing_and_the_rerun_completes(world, tmp_path, media_root):
    """kill -9 inside an all-or-nothing import's transaction, one batch written: nothing stays; the re-run completes.

    The kill lands at a known point, whatever the machine's load: the last person of the file is
    being registered elsewhere (an open transaction on another connection), so the worker's insert
    of the second batch waits on it, after the first batch's members and events were written.
    """
    total = BATCH_SIZE + 200
    rows = []
    for serial in range(1, total + 1):
        row = person(serial % 900, f"人{serial}")
        row[2] = make_id_number("320412", datetime.date(1980, 1, 1) + datetime.timedelta(days=serial), 11)
        rows.append(row)
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    with open(path, "rb") as handle:
        upload = store_upload(File(handle, name="big.xlsx"))
    job = services.job_submit(
        user=world.wujin_admin,
        kind="members.import",
        title="导入",
        params={"org_id": world.wujin_union.pk, "upload": upload, "filename": "big.xlsx", "sheet": "",
                "mode": "all-or-nothing"},
    )  # fmt: skip
    registration = OpenRegistration(world, rows[-1][2])
    registration.start()
    assert registration.ready.wait(60) and registration.error is None, registration.error
    members_bytes = _table_bytes(Member)
    before = _backends()
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "gonghui.settings",
           "MEDIA_ROOT": str(media_root)}  # fmt: skip
    worker = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT], cwd=Path(settings.BASE_DIR), env=env)
    try:
        blocking = "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))"
        waiting = _wait_for(
            lambda: [pid for (pid,) in _query(blocking, [registration.pid])],
            "the worker's import to reach the person being registered elsewhere",
            worker=worker,
        )
        workers = _backends() - before - {registration.pid}
        assert set(waiting) <= workers
        # inside the import's transaction: a whole batch of members written, invisible to everyone else
        assert _table_bytes(Member) - members_bytes > BATCH_SIZE * 100
        assert (Member.objects.count(), MembershipEvent.objects.count()) == (0, 0)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
        registration.release.set()
        registration.join(60)
    assert registration.error is None, registration.error
    # The server process of the killed worker's import only notices its client is gone when the
    # registration ends and it reads again; wait for it to roll back and exit.
    _wait_for(lambda: not (_backends() & workers), "PostgreSQL to end the killed worker's connections")
    assert (Member.objects.count(), MembershipEvent.objects.count()) == (0, 0)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)
    assert services.job_recover(stale_seconds=0)["requeued"] == [job.pk]
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2), job.error
    assert job.result_summary["imported"] == total
    assert Member.objects.filter(org=world.wujin_union, status=MemberStatus.ACTIVE).count() == total
    assert MembershipEvent.objects.count() == total


def test_a_worker_killed_after_the_import_committed_reruns_to_success(world, tmp_path):
    """Killed between the import's commit and the job's record of it: the re-run still finds the upload."""
    from gonghui.members.jobs import run_import

    path = write_xlsx(tmp_path / "a.xlsx", [person(1, "张三"), person(2, "李四")])
    with open(path, "rb") as handle:
        upload = store_upload(File(handle, name="a.xlsx"))
    job = services.job_submit(
        user=world.wujin_admin,
        kind="members.import",
        title="导入",
        params={"org_id": world.wujin_union.pk, "upload": upload, "filename": "a.xlsx", "sheet": "",
                "mode": "all-or-nothing"},
    )  # fmt: skip
    # What the killed worker did: claim the job, run the handler to its end, and die before recording it.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    job.refresh_from_db()
    outcome = run_import(job, services.JobProgress(job))
    Path(outcome.path).unlink()
    assert Member.objects.count() == 2
    assert services.job_recover(stale_seconds=0)["requeued"] == [job.pk]
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result_summary["skipped"] == 2 and Member.objects.count() == 2


def test_import_index_lists_only_unions_in_scope(world, login):
    page = login(world.wujin_admin).get(reverse("members_import:index")).content.decode()
    assert "武进甲公司工会" in page and "天宁乙公司工会" not in page
    assert login(world.nobody).get(reverse("members_import:index")).status_code == 403
    assert "导入会员" in login(world.wujin_admin).get(reverse("members:member_list")).content.decode()
