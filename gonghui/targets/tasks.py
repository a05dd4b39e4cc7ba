"""Background task: rebuild a year's computed figures when doing it inside a page request would be slow."""

from __future__ import annotations

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it.
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task


@task()
def refresh_figures(year: int) -> int:
    from gonghui.targets.figures import refresh

    return refresh(year).rows
