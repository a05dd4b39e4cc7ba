"""Readers for the download centre. Each takes the user and returns only what they may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gonghui.core.querysets import can
from gonghui.jobs.models import Job


def own_jobs(user: Any) -> QuerySet[Job]:
    """The user's own jobs, newest first: what the download centre shows everyone."""
    if user is None or not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(requested_by=user).order_by("-created_at", "-pk")


def may_view_scope_jobs(user: Any) -> bool:
    """Administrators with jobs.view_job see the jobs of their data scope in a separate tab."""
    return can(user, Job, "view")


def scope_jobs(user: Any) -> QuerySet[Job]:
    return Job.objects.restrict(user, "view").select_related("requested_by", "org").order_by("-created_at", "-pk")


def visible_jobs(user: Any) -> QuerySet[Job]:
    """Own jobs plus, for administrators, their scope's jobs (for the detail page, not downloads)."""
    if may_view_scope_jobs(user):
        return own_jobs(user) | Job.objects.restrict(user, "view")
    return own_jobs(user)
