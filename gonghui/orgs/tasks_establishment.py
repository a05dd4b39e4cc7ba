"""The daily 换届 reminders, which every job worker enqueues each morning by itself (gonghui.jobs.periodic)."""

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
def send_reelection_reminders(day: str) -> str:
    from gonghui.orgs.services_establishment import reelection_send_reminders

    return reelection_send_reminders(today=datetime.date.fromisoformat(day)).text


def enqueue_reelection_reminders(now: datetime.datetime) -> bool:
    """Once a day from ``REELECTION_REMINDER_HOUR`` (8 o'clock local time) enqueue the day's reminders.
    A second run sends nothing new: each (union, term end, kind) is reminded once."""
    local = timezone.localtime(now)
    if local.hour < getattr(settings, "REELECTION_REMINDER_HOUR", 8):
        return False
    day = local.date().isoformat()
    if not cache.add(f"orgs:reelection_reminders:{day}", True, timeout=2 * 24 * 3600):
        return False
    send_reelection_reminders.enqueue(day)
    return True
