"""Readers for supervision tasks (督办事项): restricted querysets, lights and who may do which step.

Lights: a closed task has none (已销号); an open task past its deadline is red; one due within
``DUE_SOON_DAYS`` days (the deadline included) is yellow; any other open task is green. The same rule is
a pure function (``task_light``) for one task and SQL (``with_light``, ``overdue_q``, ``due_soon_q``) for lists.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from gonghui.core.querysets import can
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.targets.models import Task, TaskNote, TaskNoteKind, TaskState

DUE_SOON_DAYS = 3

#: states in which the lead unit still owes work (reminders and 催办 apply)
ACTIVE_STATES = (TaskState.ASSIGNED, TaskState.RECEIVED, TaskState.IN_PROGRESS)
#: every state but closed (验收销号)
OPEN_STATES = (*ACTIVE_STATES, TaskState.REPORTED)


class Light:
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    CLOSED = "closed"

    labels = {GREEN: "绿", YELLOW: "黄", RED: "红", CLOSED: "已销号"}
    colors = {GREEN: "#2ea121", YELLOW: "#f59a23", RED: "#c8161d", CLOSED: "#646a73"}


def task_light(task: Task, today: datetime.date) -> str:
    if task.state == TaskState.CLOSED:
        return Light.CLOSED
    if today > task.deadline:
        return Light.RED
    if task.deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return Light.YELLOW
    return Light.GREEN


def days_overdue(task: Task, today: datetime.date) -> int:
    """Days past the deadline (0 when not overdue or closed)."""
    if task.state == TaskState.CLOSED or today <= task.deadline:
        return 0
    return (today - task.deadline).days


def overdue_q(today: datetime.date) -> Q:
    return Q(state__in=OPEN_STATES, deadline__lt=today)


def due_soon_q(today: datetime.date) -> Q:
    return Q(state__in=OPEN_STATES, deadline__gte=today, deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))


def with_light(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """Annotate ``light`` (the ``Light`` values) in SQL, so lists can filter and sort on it."""
    return queryset.annotate(
        light=Case(
            When(state=TaskState.CLOSED, then=Value(Light.CLOSED)),
            When(overdue_q(today), then=Value(Light.RED)),
            When(due_soon_q(today), then=Value(Light.YELLOW)),
            default=Value(Light.GREEN),
            output_field=CharField(),
        )
    )


def tasks_for(user: Any, action: str = "view") -> QuerySet:
    return Task.objects.restrict(user, action).select_related("org", "assigned_by")


def escalation_tasks(user: Any, today: datetime.date) -> QuerySet:
    """督办催办: open tasks in the user's subtree that are overdue or due soon, by lead unit then deadline."""
    queryset = tasks_for(user, "view").filter(overdue_q(today) | due_soon_q(today))
    return with_light(queryset, today).order_by("org__path", "deadline", "pk")


def urgeable_ids(user: Any, queryset: QuerySet) -> frozenset[int]:
    """Ids of the tasks in ``queryset`` the user may urge: open, and the user's unit assigned them or is above."""
    if not can(user, Task, "approve"):
        return frozenset()
    urgeable = queryset.filter(pk__in=Task.objects.restrict(user, "approve").values("pk"), state__in=ACTIVE_STATES)
    if not user.is_superuser:
        if not user.org_id:
            return frozenset()
        urgeable = urgeable.filter(assigned_by__path__startswith=user.org.path)
    return frozenset(urgeable.values_list("pk", flat=True))


def escalation_summary(queryset: QuerySet) -> list[dict]:
    """Per lead unit: how many of the listed tasks are overdue (red) and due soon (yellow)."""
    rows = (
        queryset.order_by()
        .values("org_id", "org__name", "org__path")
        .annotate(
            red=Count("pk", filter=Q(light=Light.RED)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        )
        .order_by("org__path")
    )
    return list(rows)


def task_notes(task: Task) -> QuerySet:
    """The timeline of one task the caller has already fetched through ``restrict``."""
    return TaskNote.objects.filter(task=task).select_related("user").order_by("time", "pk")


def note_for_download(user: Any, pk: int) -> TaskNote | None:
    """A note with a file, only when its task is in the user's view scope."""
    visible = Task.objects.restrict(user, "view").values("pk")
    return TaskNote.objects.filter(task__in=visible, pk=pk).exclude(file="").first()


def unit_choices(user: Any) -> QuerySet:
    """The units a task form offers: visible and not dissolved."""
    return Organization.objects.restrict(user, "view").exclude(status=OrgStatus.DISSOLVED)


def unit_users(org: Organization) -> QuerySet:
    """The active accounts of one unit (not of its subtree): who hears about a task of that unit."""
    return get_user_model().objects.filter(org=org, is_active=True)


# --- who may do what ---------------------------------------------------------------------------


def is_lead_actor(user: Any, task: Task) -> bool:
    """Lead-unit steps: change_task over the task's lead unit."""
    return Task.objects.restrict(user, "change").filter(pk=task.pk).exists()


def is_assigning_actor(user: Any, task: Task, action: str = "approve") -> bool:
    """Assigning-unit steps: the permission over the task, and the user's unit is the assigning unit or above it."""
    if not Task.objects.restrict(user, action).filter(pk=task.pk).exists():
        return False
    if user.is_superuser:
        return True
    if not user.org_id:
        return False
    return Organization.objects.filter(pk=task.assigned_by_id, path__startswith=user.org.path).exists()


def available_steps(user: Any, task: Task) -> set[str]:
    """The steps the detail page offers ``user`` on ``task`` in its current state."""
    steps: set[str] = set()
    state = task.state
    if state != TaskState.CLOSED and is_lead_actor(user, task):
        steps.add("note")
        steps.add("milestone")
        if state == TaskState.ASSIGNED:
            steps.add("receive")
        if state == TaskState.RECEIVED:
            steps.add("start")
        if state == TaskState.IN_PROGRESS:
            steps.add("report")
    if is_assigning_actor(user, task):
        if state == TaskState.REPORTED:
            steps.update({"accept", "send_back"})
        if state in ACTIVE_STATES:
            steps.add("urge")
        if state != TaskState.CLOSED:
            steps.add("edit")
        if state == TaskState.ASSIGNED and is_assigning_actor(user, task, "delete"):
            steps.add("delete")
    return steps


def system_reminder_prefix(today: datetime.date) -> str:
    return f"系统提醒（{today.isoformat()}）："


def reminder_sent(task: Task, today: datetime.date) -> bool:
    return TaskNote.objects.filter(
        task=task, kind=TaskNoteKind.URGE, user__isnull=True, text__startswith=system_reminder_prefix(today)
    ).exists()


def tasks_to_remind(today: datetime.date) -> QuerySet:
    """All active tasks due within the window or overdue, across the whole tree.

    The reminders command runs as the system, not as a user: it only tells each unit about its own
    tasks (the lead unit, and the assigning unit above it), so nothing crosses a scope.
    """
    window = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return (
        Task.objects.filter(state__in=ACTIVE_STATES, deadline__lte=window)
        .select_related("org", "assigned_by")
        .order_by("deadline", "pk")
    )
