"""The background job worker: django-tasks-db's ``db_worker`` plus a recovery sweep.

Takes every ``db_worker`` option (``--batch``, ``--max-tasks``, ``--queue-name``, …). Before
it starts, and then every ``JOB_RECOVER_INTERVAL`` seconds (60) in a background thread, it runs
``job_recover``: jobs whose worker died are re-queued (or failed after JOB_MAX_ATTEMPTS runs); and the
periodic hooks of ``gonghui.jobs.periodic`` (e.g. the daily supervision-task reminders).
Start as many as you like on as many machines as you like; they share the queue.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from gonghui.jobs import periodic
from gonghui.jobs.services import job_recover

logger = logging.getLogger("gonghui.jobs")


def _sweep() -> None:
    try:
        job_recover()
    except DatabaseError:
        logger.exception("job recovery sweep failed; it will run again")
    periodic.run_due()  # daily work the apps registered (gonghui.jobs.periodic)


def _sweep_forever(stop: threading.Event, interval: float) -> None:
    try:
        while not stop.wait(interval):
            _sweep()
    finally:
        connections.close_all()


class Command(DbWorkerCommand):
    help = "Run background jobs (django-tasks-db's db_worker) and recover jobs whose worker died."

    def handle(self, *args, **options):
        # With --reload the parent process only watches files; the child does the work.
        working = not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if working:
            _sweep()
            if not options.get("batch"):
                interval = getattr(settings, "JOB_RECOVER_INTERVAL", 60)
                threading.Thread(
                    target=_sweep_forever, args=(threading.Event(), interval), name="job-recovery", daemon=True
                ).start()
        return super().handle(*args, **options)
