"""Job handlers used only by the tests (registered on import by tests/jobs/conftest.py)."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.jobs.services import JobOutcome, job_handler
from gonghui.orgs.models import Organization


@job_handler("tests.echo", labels={"visible_orgs": "可见组织数"})
def echo(job, progress):
    """Counts what the requesting user sees: proves the handler runs as that user."""
    visible = Organization.objects.restrict(job.requested_by, "view").count()
    progress(1, 1)
    return JobOutcome(
        message=f"看到 {visible} 个组织。",
        summary={"visible_orgs": visible, "user": job.requested_by.username, "params": job.params},
        content="结果".encode(),
        filename="结果.txt",
    )


@job_handler("tests.invalid")
def invalid(job, progress):
    raise ValidationError("第 3 行「身份证号」列不是有效的公民身份号码，请改正后重新导入。")


@job_handler("tests.crash")
def crash(job, progress):
    raise RuntimeError("unexpected bug")


@job_handler("tests.summary")
def summary_only(job, progress):
    return {"rows": 7}


@job_handler("tests.wait_for_page")
def wait_for_page(job, progress):
    """Reports half the work, then waits until the progress fragment (a page request) shows it."""
    check = WAITERS[job.params["waiter"]]
    progress(2, 4, "已处理第一批")
    seen = ""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        seen = check(job)
        if seen:
            break
        time.sleep(0.1)
    progress(4, 4)
    return {"seen": seen}


@job_handler("tests.progress_in_transaction")
def progress_in_transaction(job, progress):
    """Progress reported inside the handler's own transaction (an all-or-nothing import)."""
    check = WAITERS[job.params["waiter"]]
    with transaction.atomic():
        Organization.objects.filter(pk=job.org_id).update(address="touched")  # hold a write
        progress(3, 9, "事务中")
        seen = ""
        deadline = time.monotonic() + float(job.params.get("wait", 5))
        while time.monotonic() < deadline:
            seen = check(job)
            if seen:
                break
            time.sleep(0.1)
    return {"seen": seen}


@job_handler("tests.until_cancelled")
def until_cancelled(job, progress):
    """Works in steps until the user's cancel reaches it through progress().

    With ``atomic`` it works inside one transaction (PostgreSQL only: on SQLite an open
    transaction holds the database write lock, so nobody could record the cancel meanwhile).
    """
    start_cancel = WAITERS[job.params["waiter"]]

    def work():
        Organization.objects.filter(pk=job.org_id).update(address="half-done")
        start_cancel(job)
        deadline = time.monotonic() + 10
        step = 0
        while time.monotonic() < deadline:
            step += 1
            progress(step, 0)
            time.sleep(0.05)
        return {"steps": step}

    if job.params.get("atomic"):
        with transaction.atomic():
            return work()
    return work()


@job_handler("tests.record_run")
def record_run(job, progress):
    """Appends its run to a shared list: two workers must not both run one job."""
    RUNS.append(job.pk)
    time.sleep(0.05)
    return {"ok": True}


#: test-provided callbacks by name (params carry the name, never a callable)
WAITERS: dict = {}
RUNS: list = []


@job_handler("tests.sleepy")
def sleepy(job, progress):
    """Gets killed on its first run (the test sends SIGKILL to the worker); completes when re-run."""
    progress(1, 2, "第一步")
    if job.attempts == 1:
        time.sleep(60)
    progress(2, 2)
    return {"attempt": job.attempts}


@job_handler("tests.consume_input")
def consume_input(job, progress):
    """Reads an uploaded file and leaves its removal to the framework (``cleanup``)."""
    from django.core.files.storage import default_storage
    from django.db.models import F

    from gonghui.jobs.models import Job

    with default_storage.open(job.params["input"]) as handle:
        size = len(handle.read())
    if job.params.get("superseded"):
        # meanwhile recovery thought this worker dead and gave the job to another run
        Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
    return JobOutcome(summary={"bytes": size}, cleanup=[job.params["input"]])
