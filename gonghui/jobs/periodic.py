"""Periodic work started by the job workers, so a deployment needs no cron of its own.

An app registers a hook in its ``ready``::

    periodic.register("targets.task_reminders", enqueue_task_reminders)

Every ``jobs_worker`` calls every hook from its recovery sweep (at start and every
``JOB_RECOVER_INTERVAL`` seconds) with the current time. A hook decides itself whether its work is
due and then enqueues a django-tasks task, which any worker runs; it must be cheap when nothing is
due and its task must be safe to run more than once (several workers may each enqueue it).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.utils import timezone

logger = logging.getLogger("gonghui.jobs")

Hook = Callable[[datetime.datetime], object]
_HOOKS: dict[str, Hook] = {}


def register(name: str, hook: Hook) -> Hook:
    _HOOKS[name] = hook
    return hook


def registered() -> dict[str, Hook]:
    return dict(_HOOKS)


def run_due(now: datetime.datetime | None = None) -> None:
    """Call every hook; one that fails is logged and tried again at the next sweep."""
    now = now or timezone.now()
    for name, hook in registered().items():
        try:
            hook(now)
        except DatabaseError:
            logger.exception("periodic hook %s failed; it runs again at the next sweep", name)
