"""The real worker: progress seen mid-run, cancelling a running job, a killed worker, two workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from gonghui.jobs import services
from gonghui.jobs.models import Job, JobStatus
from gonghui.orgs.models import Organization
from tests.jobs import handlers
from tests.jobs.utils import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

postgresql_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL behaviour (on SQLite an open transaction holds the only write lock)",
)


def in_other_connection(func):
    """Run ``func`` in a thread, i.e. on a database connection of its own (as a web request would)."""
    result = {}

    def target():
        try:
            result["value"] = func()
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    return result.get("value")


def submit(user, kind, **params):
    return services.job_submit(user=user, kind=kind, title="测试任务", params=params)


def test_progress_shows_on_the_page_while_the_job_runs(world, client):
    client.force_login(world.wujin_admin)

    def page_shows_half(job):
        body = client.get(reverse("jobs:job_progress", args=[job.pk])).content.decode()
        return body if "2 / 4（50%）" in body else ""

    handlers.WAITERS["page"] = page_shows_half
    job = submit(world.wujin_admin, "tests.wait_for_page", waiter="page")
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    seen = job.result_summary["seen"]
    assert "已处理第一批" in seen and 'value="50"' in seen and 'hx-trigger="every 2s"' in seen
    assert 'hx-trigger="every 2s"' not in client.get(reverse("jobs:job_progress", args=[job.pk])).content.decode()


@postgresql_only
def test_progress_shows_while_the_handler_holds_a_transaction(world):
    def other_connection_sees_it(job):
        row = in_other_connection(
            lambda: Job.objects.values("progress_done", "progress_total", "message").get(pk=job.pk)
        )
        return row if row["progress_done"] == 3 else None

    handlers.WAITERS["tx"] = other_connection_sees_it
    job = submit(world.wujin_admin, "tests.progress_in_transaction", waiter="tx")
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result_summary["seen"] == {"progress_done": 3, "progress_total": 9, "message": "事务中"}


def _cancel_from_the_page(job):
    user = job.requested_by
    in_other_connection(lambda: services.job_cancel(user=user, job=job))


def test_cancelling_a_running_job_stops_it_at_its_next_progress_call(world):
    handlers.WAITERS["cancel"] = _cancel_from_the_page
    job = submit(world.wujin_admin, "tests.until_cancelled", waiter="cancel")
    started = time.monotonic()
    run_worker()
    assert time.monotonic() - started < 5  # the handler would otherwise work for 10 s
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.message == "已取消。" and job.finished_at
    assert job.progress_done > 0
    # outside a transaction the work done before the cancel stays (the page warns about this)
    assert Organization.objects.get(pk=world.wujin.pk).address == "half-done"


@postgresql_only
def test_cancelling_rolls_back_the_handler_s_transaction(world):
    handlers.WAITERS["cancel"] = _cancel_from_the_page
    job = submit(world.wujin_admin, "tests.until_cancelled", waiter="cancel", atomic=True)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert Organization.objects.get(pk=world.wujin.pk).address == ""


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


WORKER_SCRIPT = """
import django
django.setup()
import tests.jobs.handlers
from django.core.management import call_command
call_command("jobs_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1")
"""


@postgresql_only
def test_a_job_killed_with_its_worker_is_recovered_and_completes(world):
    job = submit(world.wujin_admin, "tests.sleepy")
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "gonghui.settings"}
    root = Path(settings.BASE_DIR)
    worker = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT], cwd=root, env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == JobStatus.RUNNING and job.progress_done == 1:
                break
            time.sleep(0.2)
        assert (job.status, job.progress_done, job.message) == (JobStatus.RUNNING, 1, "第一步")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    assert services.job_recover(stale_seconds=0)["requeued"] == [job.pk]
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result_summary == {"attempt": 2}


@postgresql_only
def test_two_workers_claim_different_tasks_with_skip_locked(world):
    first_job, second_job = submit(world.wujin_admin, "tests.summary"), submit(world.wujin_admin, "tests.summary")
    with transaction.atomic():
        mine = DBTaskResult.objects.ready().get_locked()  # SELECT … FOR UPDATE SKIP LOCKED, row lock held

        def claim_elsewhere():
            with transaction.atomic():
                other = DBTaskResult.objects.ready().get_locked()
                return other.id if other else None

        theirs = in_other_connection(claim_elsewhere)
    assert mine is not None and theirs is not None and mine.id != theirs
    assert {str(mine.id), str(theirs)} == {first_job.task_result_id, second_job.task_result_id}


@postgresql_only
def test_two_workers_never_run_the_same_job_twice(world):
    from django_tasks_db.management.commands.db_worker import Worker

    jobs = [submit(world.wujin_admin, "tests.record_run") for _ in range(12)]
    handlers.RUNS.clear()

    def work(name):
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=name,
            excluded_queue_names=[],
        ).run()

    threads = [threading.Thread(target=lambda n=n: in_other_connection(lambda: work(n))) for n in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(handlers.RUNS) == sorted(job.pk for job in jobs)
    assert set(Job.objects.values_list("status", "attempts")) == {(JobStatus.SUCCEEDED, 1)}
    workers = [task.worker_ids for task in DBTaskResult.objects.all()]
    assert all(len(ids) == 1 for ids in workers)
