"""Background jobs: submit, run with progress, recover, cancel, delete.

How a job flows
---------------
1. A view calls ``job_submit(user=..., kind=..., title=..., params=...)``. It saves the
   :class:`Job` and enqueues the one generic django-tasks task ``run_job(job_id)`` in the
   same transaction. The queue (django-tasks-db) lives in the same database, so the task row
   commits or rolls back with the job record: a worker never sees a task whose job is not
   committed, and a crash between the two cannot lose a job. (With any other task backend
   the enqueue waits for the commit.) The queue carries the id only, never data.
2. A worker (``manage.py jobs_worker``) claims the task — ``SELECT … FOR UPDATE SKIP LOCKED``
   on PostgreSQL, an exclusive transaction on SQLite — and calls :func:`job_run`, which claims
   the job itself with a conditional update (queued → running). So a job never runs twice at
   once, whatever the queue does.
3. The handler registered for the job's kind with ``@job_handler(kind)`` runs as the requesting
   user, re-read from the database: it gets the job (``job.requested_by`` is that user) and a
   ``progress(done, total=None, message=None)`` callable, and must read through
   ``restrict(job.requested_by, action)`` itself. It returns a :class:`JobOutcome` (or a summary
   dict, or None). Expected failures are ``ValidationError``/``PermissionDenied``/``JobError``
   with a Chinese message, shown to the user as is; anything else is logged with its traceback
   and the user sees a generic Chinese message with the job number.
4. A worker that dies leaves its job "running" with a heartbeat that stops. :func:`job_recover`
   (run by every ``jobs_worker`` at start and every minute, and by ``manage.py job_recover``)
   **re-queues** such a job while it has run fewer than ``JOB_MAX_ATTEMPTS`` times and **fails**
   it after that. Handlers must therefore be safe to re-run: exports are; imports either commit
   all-or-nothing or skip rows already imported. A superseded run notices at its next progress
   call (``JobSuperseded``) and its late writes to the job record are ignored.

Personal data never goes into ``params``, ``message``, ``error`` or the log lines written here.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone

from gonghui.core import context
from gonghui.jobs.models import FINISHED_STATUSES, Job, JobStatus

logger = logging.getLogger("gonghui.jobs")

#: ``params`` are ids and options; anything this large is data that belongs in the database.
MAX_PARAMS_BYTES = 8192
GENERIC_ERROR = "任务执行时发生系统错误，已记录日志。请稍后重新提交；如仍失败，请联系系统管理员并提供任务编号 {pk}。"


def _setting(name: str, default: float) -> float:
    return getattr(settings, name, default)


# --- handler registry -----------------------------------------------------------------------


class JobError(Exception):
    """An expected failure inside a handler; its message (Chinese, no personal data) is shown."""


class JobCancelled(Exception):
    """Raised by ``progress()`` once the user asked to cancel; the handler's transaction rolls back."""


class JobSuperseded(Exception):
    """Raised by ``progress()`` when this run lost the job (recovered and re-queued meanwhile)."""


@dataclass
class JobOutcome:
    """What a handler returns: a Chinese summary line, a JSON summary, and optionally one file.

    Give the file as ``content`` (bytes) or as ``path`` (a temporary file the handler wrote,
    moved into storage and then removed); ``filename`` is the name the user downloads.
    ``cleanup`` names files in default storage the job has consumed (an uploaded file): they are
    deleted only once the job is recorded as succeeded. A handler must not delete such a file
    itself: a worker killed after that but before the job was recorded leaves the job running,
    and the re-queued run needs the file again.
    """

    message: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    content: bytes | None = None
    path: str | Path | None = None
    filename: str = ""
    cleanup: list[str] = field(default_factory=list)


Progress = Callable[..., None]
Handler = Callable[[Job, Progress], "JobOutcome | dict | None"]


@dataclass(frozen=True)
class HandlerSpec:
    kind: str
    func: Handler
    labels: dict[str, str]


_HANDLERS: dict[str, HandlerSpec] = {}


def job_handler(kind: str, *, labels: dict[str, str] | None = None) -> Callable[[Handler], Handler]:
    """Register ``func(job, progress) -> JobOutcome | dict | None`` for jobs of ``kind``.

    ``labels`` give the Chinese names of the summary keys for the job detail page.
    """

    def register(func: Handler) -> Handler:
        existing = _HANDLERS.get(kind)
        if existing and (existing.func.__module__, existing.func.__qualname__) != (func.__module__, func.__qualname__):
            raise ImproperlyConfigured(
                f"job kind {kind!r} already has a handler: {existing.func.__module__}.{existing.func.__qualname__}"
            )
        _HANDLERS[kind] = HandlerSpec(kind=kind, func=func, labels=dict(labels or {}))
        return func

    return register


def handler_for(kind: str) -> HandlerSpec | None:
    return _HANDLERS.get(kind)


# --- submitting -----------------------------------------------------------------------------


@transaction.atomic
def job_submit(*, user: Any, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    """Record a job for ``user`` and put its id on the queue (see the module docstring)."""
    if kind not in _HANDLERS:
        raise ValueError(f"no job handler is registered for {kind!r}")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("请先登录，再提交后台任务。")
    if not user.org_id:
        raise ValidationError("您的账号没有所属单位，不能提交后台任务。请联系系统管理员为账号设置所属单位。")
    encoded = json.dumps(params or {}, cls=DjangoJSONEncoder, ensure_ascii=False)
    if len(encoded.encode()) > MAX_PARAMS_BYTES:
        raise ValueError(f"job params are ids and options, not data ({len(encoded.encode())} bytes for {kind!r})")
    job = Job(
        kind=kind,
        title=title[:200],
        params=json.loads(encoded),
        requested_by=user,
        created_by=user,
        org_id=user.org_id,
        message="排队中，等待后台处理……",
    )
    job.full_clean()
    job.save()
    _enqueue(job)
    return job


def _enqueue(job: Job) -> None:
    from django_tasks_db import DatabaseBackend

    from gonghui.jobs.tasks import run_job

    def put(job_id: int) -> None:
        result = run_job.enqueue(job_id)
        Job.objects.filter(pk=job_id).update(task_result_id=str(result.id))
        job.task_result_id = str(result.id)

    if isinstance(run_job.get_backend(), DatabaseBackend):
        put(job.pk)  # same database: the queue row is part of this transaction
    else:
        transaction.on_commit(partial(put, job.pk))


# --- running --------------------------------------------------------------------------------


class JobProgress:
    """The ``progress(done, total=None, message=None)`` callable handed to a handler.

    A call only records the numbers in memory, so a handler may call it for every row. A
    monitor thread with its own database connection writes them at most every
    ``JOB_PROGRESS_INTERVAL`` seconds (0.5) and beats the heartbeat every
    ``JOB_HEARTBEAT_SECONDS`` (15) while the handler runs. Because it writes on its own
    connection, progress shows even while the handler holds a long transaction on PostgreSQL
    (on SQLite a writing transaction blocks every other writer, so progress made inside one
    shows when it commits). A call raises ``JobCancelled`` once the user asked to cancel and
    ``JobSuperseded`` when recovery gave the job to another run.
    """

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.attempt = job.attempts
        self.done = 0
        self.total = 0
        self.message = ""
        self.cancel_requested = False
        self.superseded = False
        self._version = 0
        self._written = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        if self.superseded:
            raise JobSuperseded(f"job {self.job_id} attempt {self.attempt} was superseded")
        if self.cancel_requested:
            raise JobCancelled(f"job {self.job_id} was cancelled")
        with self._lock:
            self.done = max(0, int(done))
            if total is not None:
                self.total = max(0, int(total))
            if message is not None:
                self.message = str(message)[:300]
            self._version += 1

    def start(self) -> None:
        self._thread = threading.Thread(target=self._monitor, name=f"job-{self.job_id}-progress", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _monitor(self) -> None:
        interval = _setting("JOB_PROGRESS_INTERVAL", 0.5)
        heartbeat = _setting("JOB_HEARTBEAT_SECONDS", 15)
        last_beat = time.monotonic()
        try:
            while not self._stop.wait(interval):
                if self._version != self._written or time.monotonic() - last_beat >= heartbeat:
                    try:
                        self._flush()
                    except DatabaseError as error:
                        # SQLite while the handler's transaction holds the write lock: try again next time.
                        logger.debug("job %s: progress not written (%s)", self.job_id, type(error).__name__)
                    except Exception:
                        logger.exception("job %s: progress monitor error", self.job_id)
                    else:
                        last_beat = time.monotonic()
        finally:
            connections.close_all()  # this thread's own connections

    def _flush(self) -> None:
        with self._lock:
            version, values = self._version, {"progress_done": self.done, "progress_total": self.total}
            if self.message:
                values["message"] = self.message
        mine = Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING, attempts=self.attempt)
        if mine.filter(cancel_requested=False).update(heartbeat_at=timezone.now(), **values):
            self._written = version
            return
        row = Job.objects.filter(pk=self.job_id).values("status", "attempts", "cancel_requested").first()
        if row is None:
            return  # not visible to this connection (yet): nothing to conclude
        if row["status"] != JobStatus.RUNNING or row["attempts"] != self.attempt:
            self.superseded = True
        elif row["cancel_requested"]:
            self.cancel_requested = True
            mine.update(heartbeat_at=timezone.now(), **values)  # keep the beat while the handler winds down


def job_run(job_id: int) -> str:
    """Run one job in this process (the generic task calls this). Returns the final status."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        progress_done=0,
        message="正在处理……",
        error="",
    )
    if not claimed:
        status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first() or "missing"
        logger.info("job %s not run: it is %s", job_id, status)
        return status
    job = Job.objects.select_related("org").get(pk=job_id)
    attempt = job.attempts
    spec = _HANDLERS.get(job.kind)
    if spec is None:
        logger.error("job %s: no handler registered for kind %r", job.pk, job.kind)
        return _finish(
            job,
            attempt,
            JobStatus.FAILED,
            error=f"系统无法处理这种任务（任务类型未注册）。请联系系统管理员并提供任务编号 {job.pk}。",
        )
    from gonghui.accounts.models import User

    # Re-read the user: roles, scope and account state as of now, not as of the request.
    user = User.objects.filter(pk=job.requested_by_id, is_active=True).select_related("org").first()
    if user is None:
        return _finish(job, attempt, JobStatus.FAILED, error="提交任务的账号已停用或删除，任务未执行。")
    job.requested_by = user

    progress = JobProgress(job)
    progress.start()
    outcome: Any = None
    failure: tuple[str, str] | None = None
    try:
        with context.actor(user, request_id=f"job{job.pk}a{attempt}"):
            outcome = spec.func(job, progress)
    except JobSuperseded:
        logger.warning("job %s: attempt %s was superseded; its result is dropped", job.pk, attempt)
        return "superseded"
    except JobCancelled:
        failure = (JobStatus.CANCELLED, "")
    except (ValidationError, PermissionDenied, JobError) as error:
        failure = (JobStatus.FAILED, error_text(error))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        failure = (JobStatus.FAILED, GENERIC_ERROR.format(pk=job.pk))
    finally:
        progress.stop()
    if failure is not None:
        status, error = failure
        message = "已取消。" if status == JobStatus.CANCELLED else "失败。"
        return _finish(job, attempt, status, error=error, message=message, **_progress_values(progress))
    try:
        return _succeed(job, attempt, progress, outcome)
    except Exception:
        logger.exception("job %s (%s): storing the result failed", job.pk, job.kind)
        return _finish(job, attempt, JobStatus.FAILED, error=GENERIC_ERROR.format(pk=job.pk), message="失败。")


def error_text(error: Exception) -> str:
    """The Chinese sentence(s) of an expected failure."""
    if isinstance(error, ValidationError):
        return "；".join(str(m) for m in error.messages)[:2000]
    return (str(error) or "您没有完成此任务所需的权限，请联系安全管理员分配角色。")[:2000]


def _progress_values(progress: JobProgress) -> dict[str, int]:
    return {"progress_done": progress.done, "progress_total": progress.total}


def _finish(job: Job, attempt: int, status: str, **values: Any) -> str:
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=attempt).update(
        status=status, finished_at=now, heartbeat_at=now, **values
    )
    if not updated:
        logger.warning("job %s: attempt %s finished after it was superseded; result dropped", job.pk, attempt)
        return "superseded"
    return status


def _succeed(job: Job, attempt: int, progress: JobProgress, outcome: Any) -> str:
    if outcome is None:
        outcome = JobOutcome()
    elif isinstance(outcome, dict):
        outcome = JobOutcome(summary=outcome)
    elif not isinstance(outcome, JobOutcome):
        raise TypeError(f"job handler for {job.kind!r} returned {type(outcome).__name__}")
    summary = json.loads(json.dumps(outcome.summary, cls=DjangoJSONEncoder, ensure_ascii=False))
    file_field = Job._meta.get_field("result_file")
    stored = ""
    try:
        if outcome.content is not None or outcome.path is not None:
            filename = outcome.filename or "结果文件"
            name = file_field.generate_filename(job, filename)
            if outcome.path is not None:
                with open(outcome.path, "rb") as handle:
                    stored = file_field.storage.save(name, File(handle))
            else:
                stored = file_field.storage.save(name, ContentFile(outcome.content))
    finally:
        if outcome.path is not None:
            Path(outcome.path).unlink(missing_ok=True)
    done = progress.done if progress.total == 0 else max(progress.done, progress.total)
    status = _finish(
        job,
        attempt,
        JobStatus.SUCCEEDED,
        result_file=stored,
        result_name=(outcome.filename or "")[:200] if stored else "",
        result_summary=summary,
        message=(outcome.message or "已完成。")[:300],
        progress_done=done,
        progress_total=max(progress.total, done),
    )
    if status != JobStatus.SUCCEEDED:
        if stored:
            file_field.storage.delete(stored)
        return status  # superseded: the run that has the job now still needs the inputs
    for name in outcome.cleanup:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("job %s: could not delete a consumed input file", job.pk)
    return status


# --- recovery -------------------------------------------------------------------------------


def _close_task_result(task_result_id: str) -> None:
    """Mark the dead run's queue task failed, so the queue does not show it running forever."""
    from django_tasks_db.models import DBTaskResult

    if not task_result_id:
        return
    try:
        result = DBTaskResult.objects.filter(id=task_result_id, status="RUNNING").first()
    except ValidationError:
        return
    if result is not None:
        result.set_failed(JobError("the worker stopped while running this job; gonghui.jobs re-queued or failed it"))


def job_recover(*, stale_seconds: float | None = None, max_attempts: int | None = None) -> dict[str, list[int]]:
    """Re-queue (or, after ``max_attempts`` runs, fail) jobs whose worker died; re-enqueue lost tasks.

    A job is stale when it is running and its heartbeat is older than ``JOB_STALE_SECONDS``
    (the monitor beats every ``JOB_HEARTBEAT_SECONDS`` while a handler runs). A queued job is
    re-enqueued when, after the same delay, its queue task is gone or finished without
    claiming it. Safe to run from several workers at once.
    """
    from django_tasks_db.models import DBTaskResult

    stale = timedelta(seconds=stale_seconds if stale_seconds is not None else _setting("JOB_STALE_SECONDS", 120))
    limit = max_attempts if max_attempts is not None else int(_setting("JOB_MAX_ATTEMPTS", 2))
    now = timezone.now()
    cutoff = now - stale
    report: dict[str, list[int]] = {"requeued": [], "failed": [], "reenqueued": []}

    for pk in Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
                .first()
            )
            if job is None:
                continue  # finished, beating again, or another sweeper has it
            _close_task_result(job.task_result_id)
            if job.attempts < limit:
                Job.objects.filter(pk=pk).update(
                    status=JobStatus.QUEUED,
                    heartbeat_at=None,
                    message=f"上次执行因处理进程中断而未完成，已自动重新排队（第 {job.attempts + 1} 次执行）。",
                )
                _enqueue(job)
                report["requeued"].append(pk)
            else:
                Job.objects.filter(pk=pk).update(
                    status=JobStatus.FAILED,
                    finished_at=now,
                    message="失败。",
                    error=f"任务执行了 {job.attempts} 次，都因处理进程中断而未完成。请重新提交；"
                    f"如反复出现，请联系系统管理员并提供任务编号 {pk}。",
                )
                report["failed"].append(pk)

    waiting = list(
        Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff).values_list("pk", "task_result_id")
    )
    if waiting:
        ids = [task_id for _pk, task_id in waiting if task_id]
        live = {
            str(task_id)
            for task_id in DBTaskResult.objects.filter(id__in=ids, status__in=["READY", "RUNNING"]).values_list(
                "id", flat=True
            )
        }
        for pk, task_id in waiting:
            if task_id in live:
                continue
            with transaction.atomic():
                job = Job.objects.select_for_update(skip_locked=True).filter(pk=pk, status=JobStatus.QUEUED).first()
                if job is not None and job.task_result_id == task_id:
                    _enqueue(job)
                    report["reenqueued"].append(pk)

    if any(report.values()):
        logger.warning("job recovery: %s", report)
    return report


# --- user actions ---------------------------------------------------------------------------


def _own_for_update(user: Any, pk: int) -> Job:
    job = Job.objects.select_for_update().filter(pk=pk, requested_by=user).first() if user.is_authenticated else None
    if job is None:
        raise PermissionDenied("任务不存在，或不是您提交的任务。")
    return job


@transaction.atomic
def job_cancel(*, user: Any, job: Job) -> Job:
    """Cancel one of the user's own jobs: a queued job at once, a running one at its next progress call."""
    job = _own_for_update(user, job.pk)
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.CANCELLED
        job.finished_at = timezone.now()
        job.message = "已取消。"
        job.save(update_fields=["status", "finished_at", "message", "updated_at"])
    elif job.status == JobStatus.RUNNING:
        if not job.cancel_requested:
            job.cancel_requested = True
            job.message = "正在取消……"
            job.save(update_fields=["cancel_requested", "message", "updated_at"])
    else:
        raise ValidationError(f"任务「{job.title}」已经{job.get_status_display()}，不能再取消。")
    return job


@transaction.atomic
def job_delete(*, user: Any, job: Job) -> None:
    """Delete one of the user's own finished jobs and, once committed, its result file."""
    job = _own_for_update(user, job.pk)
    if job.status not in FINISHED_STATUSES:
        raise ValidationError(f"任务「{job.title}」还在{job.get_status_display()}，不能删除。请等它结束，或先取消。")
    _delete_with_file(job)


def _delete_with_file(job: Job) -> None:
    name = job.result_file.name
    storage = job.result_file.storage
    job.delete()
    if name:
        transaction.on_commit(partial(storage.delete, name))


def job_prune(*, days: int) -> int:
    """Delete finished jobs (and their files) older than ``days``: the download centre is not an archive."""
    cutoff = timezone.now() - timedelta(days=days)
    count = 0
    for pk in Job.objects.filter(status__in=FINISHED_STATUSES, finished_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            job = Job.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if job is not None:
                _delete_with_file(job)
                count += 1
    return count
