"""Background tasks: rebuild a year's computed figures when doing it inside a page request would be slow;
the daily supervision-task reminders, which every job worker enqueues each morning by itself."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it.
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task


@task()
def refresh_figures(year: int) -> int:
    from gonghui.targets.figures import refresh

    return refresh(year).rows


@task()
def send_task_reminders(day: str) -> str:
    from gonghui.targets.services_tasks import tasks_send_reminders

    return tasks_send_reminders(today=datetime.date.fromisoformat(day)).text


def enqueue_task_reminders(now: datetime.datetime) -> bool:
    """The job worker's periodic hook (``gonghui.jobs.periodic``): once a day, from
    ``TARGETS_REMINDER_HOUR`` (8 o'clock local time), enqueue that day's reminders. Each worker process
    enqueues at most once a day; a second run sends nothing new (one reminder per task per day)."""
    local = timezone.localtime(now)
    if local.hour < getattr(settings, "TARGETS_REMINDER_HOUR", 8):
        return False
    day = local.date().isoformat()
    if not cache.add(f"targets:task_reminders:{day}", True, timeout=2 * 24 * 3600):
        return False
    send_task_reminders.enqueue(day)
    return True
