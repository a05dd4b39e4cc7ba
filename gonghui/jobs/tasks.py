"""The one generic task: the queue carries a job id, never data (see services)."""

from __future__ import annotations

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it.
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    from gonghui.jobs.services import job_run

    return job_run(job_id)
