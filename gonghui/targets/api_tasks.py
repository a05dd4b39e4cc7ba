"""JSON API for the targets app's tasks (督办事项): the same selectors, services and restrict as the pages."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.targets import selectors_tasks as selectors
from gonghui.targets import services_tasks as services
from gonghui.targets.models import Task, TaskNoteKind, TaskSource, TaskState

router = Router(tags=["目标督办"])


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: datetime.date
    done_on: datetime.date | None


class TaskOut(Schema):
    id: int
    title: str
    source: TaskSource
    description: str
    org_id: int = Field(..., description="牵头单位")
    org_name: str
    assigned_by_id: int = Field(..., description="交办单位")
    assigned_by_name: str
    responsible_leader: str
    department: str
    owner_name: str
    deadline: datetime.date
    state: TaskState
    light: str = Field(..., description="green 绿 / yellow 黄（3 天内到期）/ red 红（已超期）/ closed 已销号")
    assigned_at: datetime.datetime | None
    received_at: datetime.datetime | None
    started_at: datetime.datetime | None
    reported_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    completion_report: str
    acceptance_note: str

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_assigned_by_name(obj):
        return obj.assigned_by.name

    @staticmethod
    def resolve_light(obj):
        return getattr(obj, "light", None) or selectors.task_light(obj, timezone.localdate())


class TaskDetailOut(TaskOut):
    cooperating_unit_ids: list[int]
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_cooperating_unit_ids(obj):
        return sorted(unit.pk for unit in obj.cooperating_units.all())

    @staticmethod
    def resolve_milestones(obj):
        return list(obj.milestones.all())


class NoteIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000, description="进展情况")


class NoteOut(Schema):
    id: int
    task_id: int
    kind: TaskNoteKind
    text: str
    user_name: str
    time: datetime.datetime


def _task(request, pk: int) -> Task:
    return get_restricted_or_404(Task.objects.select_related("org", "assigned_by"), request.user, "view", pk=pk)


@router.get("/tasks", response=list[TaskOut], summary="督办事项列表")
@paginate(PageNumberPagination)
def list_tasks(
    request,
    state: TaskState | None = None,
    overdue: bool | None = None,
    due_soon: bool | None = None,
):
    """``overdue=true``: open tasks past their deadline (red); ``due_soon=true``: due within 3 days (yellow)."""
    require_permission(request, Task, "view")
    today = timezone.localdate()
    queryset = selectors.with_light(selectors.tasks_for(request.user, "view"), today)
    if state is not None:
        queryset = queryset.filter(state=state)
    if overdue is not None:
        condition = selectors.overdue_q(today)
        queryset = queryset.filter(condition) if overdue else queryset.exclude(condition)
    if due_soon is not None:
        condition = selectors.due_soon_q(today)
        queryset = queryset.filter(condition) if due_soon else queryset.exclude(condition)
    return queryset.order_by("deadline", "pk")


@router.get("/tasks/{int:pk}", response=TaskDetailOut, summary="督办事项详情")
def get_task(request, pk: int):
    return _task(request, pk)


@router.post("/tasks/{int:pk}/progress", response={201: NoteOut}, summary="填写进展情况（牵头单位）")
def add_progress(request, pk: int, payload: NoteIn):
    """A task not yet started moves to 推进中. Attachments are uploaded on the page."""
    task = _task(request, pk)
    try:
        return Status(201, services.task_add_note(user=request.user, task=task, text=payload.text))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/tasks/{int:pk}/receive", response=TaskOut, summary="接收督办事项（牵头单位）")
def receive_task(request, pk: int):
    task = _task(request, pk)
    try:
        return services.task_receive(user=request.user, task=task)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
