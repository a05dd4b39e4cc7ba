"""Writers for supervision tasks (督办事项): the chain 立项交办 → 接收 → 推进中 → 办结报告 → 验收销号.

Two parties act on a task. The lead unit (``org``, 牵头单位) receives it, starts it, writes progress notes,
ticks off milestones and reports completion: that needs ``change_task`` over the task. The assigning unit
(``assigned_by``, 交办单位) edits, urges, accepts or sends back, and deletes it while nobody has received it:
that needs ``approve_task`` over the task *and* the user's own unit must be the assigning unit or above it,
so a town that holds ``approve_task`` still cannot accept its own task.

Every step writes a ``TaskNote`` of kind ``step`` (who, when, what) and sets the step's timestamp; a step
from the wrong state raises ``ValidationError`` with a sentence saying why. Task saves are change-logged
by ``ScopedModel``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from gonghui.core.models import ChangeAction
from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, changelog_record, fetch_for_update
from gonghui.notices.models import MessageCategory
from gonghui.notices.services import message_send
from gonghui.orgs.models import Organization
from gonghui.targets import selectors_tasks as selectors
from gonghui.targets.models import Task, TaskMilestone, TaskNote, TaskNoteKind, TaskState

logger = logging.getLogger(__name__)

TASK_FIELDS = ("title", "source", "description", "responsible_leader", "department", "owner_name", "owner", "deadline")
STATE_ORDER = list(TaskState.values)
STATE_PHRASES = {
    TaskState.ASSIGNED: "尚未接收",
    TaskState.RECEIVED: "已接收",
    TaskState.IN_PROGRESS: "正在推进",
    TaskState.REPORTED: "已办结报告",
    TaskState.CLOSED: "已验收销号",
}
NOT_ASSIGNING_UNIT = "只有交办单位（或其上级单位）可以进行此操作；牵头单位请使用接收、填写进展、办结报告等功能。"
NO_LEAD_PERMISSION = "您没有办理该督办事项的权限，请联系安全管理员分配角色。"


# --- helpers ---------------------------------------------------------------------------------------


def _require_state(task: Task, allowed: Iterable[str], verb: str) -> None:
    """Refuse a step from a state it does not start from, saying where the task stands."""
    allowed = tuple(allowed)
    if task.state in allowed:
        return
    later = STATE_ORDER.index(task.state) > max(STATE_ORDER.index(state) for state in allowed)
    raise ValidationError(f"该事项{STATE_PHRASES[task.state]}，不能{'再' if later else ''}{verb}。")


def _lead_task(user: Any, task: Task) -> Task:
    if not can(user, Task, "change"):
        raise PermissionDenied(NO_LEAD_PERMISSION)
    return fetch_for_update(Task, user, "change", task.pk)


def _assigning_task(user: Any, task: Task, *actions: str) -> Task:
    actions = actions or ("approve",)
    for action in actions:
        if not can(user, Task, action):
            raise PermissionDenied(NOT_ASSIGNING_UNIT)
    locked = fetch_for_update(Task, user, actions[0], task.pk)
    if not all(selectors.is_assigning_actor(user, locked, action) for action in actions):
        raise PermissionDenied(NOT_ASSIGNING_UNIT)
    return locked


def _actor_name(user: Any) -> str:
    if user is None:
        return "系统"
    return (getattr(user, "display_name", "") or user.get_username())[:150]


def _note(task: Task, user: Any, text: str, kind: str = TaskNoteKind.STEP) -> TaskNote:
    return TaskNote.objects.create(task=task, kind=kind, text=text, user=user, user_name=_actor_name(user))


def _save(task: Task, user: Any, action: str) -> None:
    task.full_clean()
    task.save()
    ensure_in_scope(user, task, action)


def _notify(org: Organization, *, title: str, body: str, link: str, category: str, exclude: Any = None) -> int:
    recipients = selectors.unit_users(org)
    if exclude is not None:
        recipients = recipients.exclude(pk=exclude.pk)
    return len(message_send(recipients=recipients, title=title, body=body, link=link, category=category))


def _delete_files_after_commit(files: list[tuple[Any, str]]) -> None:
    def delete() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("督办附件删除失败：%s", name, exc_info=True)

    if files:
        transaction.on_commit(delete, robust=True)


# --- units, owner and milestones ---------------------------------------------------------------------


def _check_units(user: Any, assigned_by: Organization | None, lead: Organization | None, units: list) -> None:
    visible = selectors.unit_choices(user)
    if assigned_by is None:
        raise ValidationError({"assigned_by": "您的账号没有所属单位，请选择交办单位。"})
    if not visible.filter(pk=assigned_by.pk).exists():
        raise ValidationError(
            {"assigned_by": f"「{assigned_by.name}」不在您的数据权限范围内或已撤销，请选择本单位或下级单位。"}
        )
    if lead is None:
        raise ValidationError({"org": "请选择牵头单位。"})
    if not visible.filter(pk=lead.pk).exists():
        raise ValidationError({"org": f"「{lead.name}」不在您的数据权限范围内或已撤销，请选择您有权管理的单位。"})
    if not lead.path.startswith(assigned_by.path):
        raise ValidationError(
            {"org": f"牵头单位「{lead.name}」不是交办单位「{assigned_by.name}」或其下级单位，请重新选择。"}
        )
    visible_ids = set(visible.filter(pk__in=[unit.pk for unit in units]).values_list("pk", flat=True))
    outside = [unit.name for unit in units if unit.pk not in visible_ids or not unit.path.startswith(assigned_by.path)]
    if outside:
        raise ValidationError(
            {"cooperating_units": f"配合单位「{'、'.join(outside)}」须是交办单位「{assigned_by.name}」或其下级单位。"}
        )
    if any(unit.pk == lead.pk for unit in units):
        raise ValidationError({"cooperating_units": f"「{lead.name}」已是牵头单位，请不要再选为配合单位。"})


def _check_owner(task: Task) -> None:
    owner = task.owner
    if owner is None:
        return
    if not owner.org_id or not owner.org.path.startswith(task.org.path):
        raise ValidationError({"owner": "责任人账号须是牵头单位（或其下级单位）的用户，请重新选择或留空。"})


def _check_deadline_not_past(task: Task) -> None:
    if task.deadline and task.deadline < timezone.localdate():
        raise ValidationError({"deadline": f"完成时限 {task.deadline:%Y-%m-%d} 已经过去，请选择今天或以后的日期。"})


def _milestone_rows(rows: Iterable[dict], deadline: datetime.date) -> list[dict]:
    """Clean the milestone rows (title + due date ≤ deadline); blank rows are skipped."""
    cleaned = []
    for number, row in enumerate(rows, start=1):
        title = (row.get("title") or "").strip()
        due = row.get("due_date")
        if not title and not due:
            continue
        if not title or not due:
            raise ValidationError({"milestones": f"第 {number} 个节点须同时填写节点名称和节点时限。"})
        if due > deadline:
            raise ValidationError(
                {"milestones": f"节点「{title}」的时限 {due:%Y-%m-%d} 晚于完成时限 {deadline:%Y-%m-%d}，请调整。"}
            )
        cleaned.append({"id": row.get("id"), "title": title[:200], "due_date": due})
    return cleaned


def _save_milestones(task: Task, rows: Iterable[dict]) -> None:
    """Make the task's milestones match ``rows``: update those with an id, add the rest, drop the missing."""
    existing = {milestone.pk: milestone for milestone in task.milestones.all()}
    kept = set()
    for row in _milestone_rows(rows, task.deadline):
        milestone = existing.get(row["id"]) if row["id"] else None
        if milestone is None:
            milestone = TaskMilestone(task=task)
        milestone.title, milestone.due_date = row["title"], row["due_date"]
        milestone.full_clean()
        milestone.save()
        kept.add(milestone.pk)
    task.milestones.exclude(pk__in=kept).delete()


def _check_existing_milestones(task: Task) -> None:
    late = task.milestones.filter(due_date__gt=task.deadline).first()
    if late is not None:
        raise ValidationError(
            {
                "deadline": f"节点「{late.title}」的时限 {late.due_date:%Y-%m-%d} 晚于新的完成时限，"
                "请先调整节点时限或推迟完成时限。"
            }
        )


# --- 立项交办, edit, delete ------------------------------------------------------------------------


@transaction.atomic
def task_create(*, user: Any, data: dict, milestones: Iterable[dict] = ()) -> Task:
    """立项交办: ``data`` holds the task fields plus ``org`` (lead unit), ``assigned_by`` (default: the
    user's unit) and ``cooperating_units``; the lead unit's users get a message."""
    if not can(user, Task, "add"):
        raise PermissionDenied("您没有立项交办督办事项的权限，请联系安全管理员分配角色。")
    assigned_by = data.get("assigned_by") or user.org
    lead = data.get("org")
    units = list(data.get("cooperating_units") or [])
    _check_units(user, assigned_by, lead, units)
    task = Task(created_by=user, org=lead, assigned_by=assigned_by, state=TaskState.ASSIGNED)
    assign_fields(task, TASK_FIELDS, data, strip=True)
    task.assigned_at = timezone.now()
    task.full_clean()
    _check_deadline_not_past(task)
    _check_owner(task)
    task.save()
    ensure_in_scope(user, task, "add")
    task.cooperating_units.set(units)
    _save_milestones(task, milestones)
    _note(task, user, f"立项交办：{assigned_by.name}交{lead.name}牵头办理，完成时限 {task.deadline:%Y-%m-%d}。")
    _notify(
        lead,
        title=f"督办事项交办：{task.title}",
        body=f"{assigned_by.name}交办督办事项「{task.title}」，由{lead.name}牵头办理，"
        f"完成时限 {task.deadline:%Y-%m-%d}。请及时接收并推进。",
        link=task.get_absolute_url(),
        category=MessageCategory.NOTICE,
        exclude=user,
    )
    return task


def _unit_names(units: Iterable[Organization]) -> list[str]:
    return sorted(unit.name for unit in units)


@transaction.atomic
def task_update(*, user: Any, task: Task, data: dict, milestones: Iterable[dict] | None = None) -> Task:
    """Edit by the assigning unit: fields, lead unit (only before it is received), cooperating units, milestones.

    The assigning unit itself stays as it was set; ``milestones`` None keeps them unchanged."""
    task = _assigning_task(user, task, "approve")
    if task.state == TaskState.CLOSED:
        raise ValidationError("该事项已验收销号，不能修改。")
    task.snapshot()
    old_deadline, old_lead = task.deadline, task.org
    lead = data.get("org", old_lead)
    if lead is not None and lead.pk != old_lead.pk and task.state != TaskState.ASSIGNED:
        raise ValidationError({"org": f"该事项{STATE_PHRASES[task.state]}，不能再更换牵头单位。"})
    units = list(data["cooperating_units"]) if "cooperating_units" in data else list(task.cooperating_units.all())
    _check_units(user, task.assigned_by, lead, units)
    task.org = lead
    assign_fields(task, TASK_FIELDS, data, strip=True)
    task.full_clean()
    if task.deadline != old_deadline:
        _check_deadline_not_past(task)
    _check_owner(task)
    task.save()
    ensure_in_scope(user, task, "approve")
    _update_units(task, units)
    if milestones is not None:
        _save_milestones(task, milestones)
    _check_existing_milestones(task)
    _note_edit(task, user, old_deadline, old_lead)
    return task


def _update_units(task: Task, units: list[Organization]) -> None:
    before = _unit_names(task.cooperating_units.all())
    after = _unit_names(units)
    if before != after:
        task.cooperating_units.set(units)
        changelog_record(
            obj=task,
            action=ChangeAction.UPDATE,
            before={"cooperating_units": before},
            after={"cooperating_units": after},
        )


def _note_edit(task: Task, user: Any, old_deadline: datetime.date, old_lead: Organization) -> None:
    parts = ["修改了事项信息"]
    if task.deadline != old_deadline:
        parts.append(f"完成时限由 {old_deadline:%Y-%m-%d} 调整为 {task.deadline:%Y-%m-%d}")
    if task.org_id != old_lead.pk:
        parts.append(f"牵头单位由{old_lead.name}改为{task.org.name}")
        _notify(
            task.org,
            title=f"督办事项交办：{task.title}",
            body=f"{task.assigned_by.name}将督办事项「{task.title}」改由{task.org.name}牵头办理，"
            f"完成时限 {task.deadline:%Y-%m-%d}。请及时接收并推进。",
            link=task.get_absolute_url(),
            category=MessageCategory.NOTICE,
            exclude=user,
        )
    elif task.deadline != old_deadline:
        _notify(
            task.org,
            title=f"督办事项调整时限：{task.title}",
            body=f"督办事项「{task.title}」的完成时限调整为 {task.deadline:%Y-%m-%d}。",
            link=task.get_absolute_url(),
            category=MessageCategory.NOTICE,
            exclude=user,
        )
    _note(task, user, "；".join(parts) + "。")


@transaction.atomic
def task_delete(*, user: Any, task: Task) -> None:
    """Only before the lead unit has received it; notes, milestones and their files go with it."""
    task = _assigning_task(user, task, "approve", "delete")
    if task.state != TaskState.ASSIGNED:
        raise ValidationError(
            f"该事项{STATE_PHRASES[task.state]}，只有尚未接收的事项可以删除；已在办理的事项请验收销号或修改。"
        )
    files = [(note.file.storage, note.file.name) for note in task.notes.exclude(file="")]
    task.delete()
    _delete_files_after_commit(files)


# --- lead-unit steps ---------------------------------------------------------------------------------


@transaction.atomic
def task_receive(*, user: Any, task: Task) -> Task:
    task = _lead_task(user, task)
    _require_state(task, (TaskState.ASSIGNED,), "接收")
    task.snapshot()
    task.state = TaskState.RECEIVED
    task.received_at = timezone.now()
    _save(task, user, "change")
    _note(task, user, "已接收。")
    return task


@transaction.atomic
def task_start(*, user: Any, task: Task) -> Task:
    task = _lead_task(user, task)
    _require_state(task, (TaskState.RECEIVED,), "开始推进")
    _move_to_in_progress(task, user, "开始推进。")
    return task


def _move_to_in_progress(task: Task, user: Any, text: str) -> None:
    task.snapshot()
    now = timezone.now()
    task.received_at = task.received_at or now
    task.started_at = now
    task.state = TaskState.IN_PROGRESS
    _save(task, user, "change")
    _note(task, user, text)


@transaction.atomic
def task_add_note(*, user: Any, task: Task, text: str, file: UploadedFile | None = None) -> TaskNote:
    """进展情况 with an optional attachment; on a task not yet started it also moves it to 推进中."""
    task = _lead_task(user, task)
    if task.state == TaskState.CLOSED:
        raise ValidationError("该事项已验收销号，不能再填写进展情况。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写进展情况：做了什么、进度如何、下步打算。"})
    note = TaskNote(task=task, kind=TaskNoteKind.PROGRESS, text=text, user=user, user_name=_actor_name(user))
    if file:
        note.file = file
        note.original_name = file.name[:200]
    try:
        note.full_clean()
    except ValidationError as error:
        raise ValidationError({"file" if "file" in error.message_dict else "text": error.messages}) from None
    if task.state in (TaskState.ASSIGNED, TaskState.RECEIVED):
        _move_to_in_progress(task, user, "开始推进（填写了进展情况）。")
    note.save()
    return note


@transaction.atomic
def task_milestone_done(
    *, user: Any, task: Task, milestone: TaskMilestone, done_on: datetime.date | None = None
) -> TaskMilestone:
    task = _lead_task(user, task)
    if task.state == TaskState.CLOSED:
        raise ValidationError("该事项已验收销号，不能再修改节点。")
    locked = task.milestones.select_for_update().filter(pk=milestone.pk).first()
    if locked is None:
        raise ValidationError("该节点不属于这个督办事项，请刷新页面后重试。")
    if locked.done_on:
        raise ValidationError(f"节点「{locked.title}」已于 {locked.done_on:%Y-%m-%d} 完成。")
    today = timezone.localdate()
    done_on = done_on or today
    if done_on > today:
        raise ValidationError({"done_on": "完成日期不能晚于今天。"})
    locked.done_on = done_on
    locked.full_clean()
    locked.save()
    _note(task, user, f"完成节点「{locked.title}」（{done_on:%Y-%m-%d}）。")
    return locked


@transaction.atomic
def task_report(*, user: Any, task: Task, completion_report: str) -> Task:
    """办结报告: the lead unit says it is done; the assigning unit's users are asked to check it."""
    task = _lead_task(user, task)
    _require_state(task, (TaskState.IN_PROGRESS,), "提交办结报告")
    completion_report = (completion_report or "").strip()
    if not completion_report:
        raise ValidationError({"completion_report": "请填写办结情况：完成了哪些工作、取得了什么成效。"})
    task.snapshot()
    task.state = TaskState.REPORTED
    task.reported_at = timezone.now()
    task.completion_report = completion_report
    _save(task, user, "change")
    _note(task, user, "提交办结报告。")
    _notify(
        task.assigned_by,
        title=f"督办事项待验收：{task.title}",
        body=f"{task.org.name}已提交督办事项「{task.title}」的办结报告，请审核验收。",
        link=task.get_absolute_url(),
        category=MessageCategory.REMINDER,
        exclude=user,
    )
    return task


# --- assigning-unit steps ----------------------------------------------------------------------------


@transaction.atomic
def task_accept(*, user: Any, task: Task, note: str = "") -> Task:
    """验收销号."""
    task = _assigning_task(user, task, "approve")
    _require_state(task, (TaskState.REPORTED,), "验收销号")
    note = (note or "").strip()
    task.snapshot()
    task.state = TaskState.CLOSED
    task.closed_at = timezone.now()
    task.acceptance_note = note[:500]
    _save(task, user, "approve")
    _note(task, user, f"验收销号{'：' + note if note else '。'}")
    _notify(
        task.org,
        title=f"督办事项已销号：{task.title}",
        body=f"督办事项「{task.title}」已通过验收销号。{('验收意见：' + note) if note else ''}",
        link=task.get_absolute_url(),
        category=MessageCategory.NOTICE,
        exclude=user,
    )
    return task


@transaction.atomic
def task_send_back(*, user: Any, task: Task, reason: str) -> Task:
    """退回: back to 推进中 with the reason in the timeline and a message to the lead unit."""
    task = _assigning_task(user, task, "approve")
    _require_state(task, (TaskState.REPORTED,), "退回")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因，说明还需要补充或整改什么。"})
    task.snapshot()
    task.state = TaskState.IN_PROGRESS
    task.reported_at = None
    _save(task, user, "approve")
    _note(task, user, f"退回：{reason}")
    _notify(
        task.org,
        title=f"督办事项被退回：{task.title}",
        body=f"督办事项「{task.title}」的办结报告被退回。原因：{reason}",
        link=task.get_absolute_url(),
        category=MessageCategory.WARNING,
        exclude=user,
    )
    return task


@transaction.atomic
def task_urge(*, user: Any, task: Task, text: str = "") -> TaskNote:
    """催办: a note of kind urge and a message to the lead unit's users."""
    task = _assigning_task(user, task, "approve")
    _require_state(task, selectors.ACTIVE_STATES, "催办")
    today = timezone.localdate()
    text = (text or "").strip() or _default_urge_text(task, today)
    note = _note(task, user, text[:2000], kind=TaskNoteKind.URGE)
    overdue = selectors.days_overdue(task, today) > 0
    _notify(
        task.org,
        title=f"督办催办：{task.title}",
        body=f"{task.assigned_by.name}催办督办事项「{task.title}」：{text}",
        link=task.get_absolute_url(),
        category=MessageCategory.WARNING if overdue else MessageCategory.REMINDER,
        exclude=user,
    )
    return note


def _default_urge_text(task: Task, today: datetime.date) -> str:
    overdue = selectors.days_overdue(task, today)
    if overdue:
        return f"该事项已超过完成时限 {overdue} 天，请尽快办结并提交办结报告。"
    return f"该事项完成时限为 {task.deadline:%Y-%m-%d}，请抓紧推进，按时办结。"


# --- reminders (system) ------------------------------------------------------------------------------


class Reminder(NamedTuple):
    sent: bool
    overdue: bool
    messages: int


@transaction.atomic
def task_send_reminder(*, task: Task, today: datetime.date) -> Reminder:
    """系统提醒, at most once per task per day: the lead unit when due within the window; when overdue
    also the assigning unit. Runs as the system (the reminders command), so it reads the task unrestricted."""
    task = Task.objects.select_for_update(of=("self",)).select_related("org", "assigned_by").get(pk=task.pk)
    window = today + datetime.timedelta(days=selectors.DUE_SOON_DAYS)
    if task.state not in selectors.ACTIVE_STATES or task.deadline > window or selectors.reminder_sent(task, today):
        return Reminder(sent=False, overdue=False, messages=0)
    overdue = selectors.days_overdue(task, today)
    if overdue:
        detail = f"已超过完成时限 {overdue} 天，请尽快办结。"
    elif task.deadline == today:
        detail = "今天到期，请按时办结。"
    else:
        detail = f"距完成时限 {task.deadline:%Y-%m-%d} 还有 {(task.deadline - today).days} 天，请按时办结。"
    _note(task, None, selectors.system_reminder_prefix(today) + detail, kind=TaskNoteKind.URGE)
    link = task.get_absolute_url()
    count = _notify(
        task.org,
        title=f"督办提醒：{task.title}",
        body=f"督办事项「{task.title}」{detail}",
        link=link,
        category=MessageCategory.WARNING if overdue else MessageCategory.REMINDER,
    )
    if overdue and task.assigned_by_id != task.org_id:
        count += _notify(
            task.assigned_by,
            title=f"督办超期：{task.title}",
            body=f"{task.org.name}牵头的督办事项「{task.title}」已超过完成时限 {overdue} 天，请督促办理。",
            link=link,
            category=MessageCategory.WARNING,
        )
    return Reminder(sent=True, overdue=bool(overdue), messages=count)


class ReminderRun(NamedTuple):
    reminded: int
    overdue: int
    messages: int
    skipped: int

    @property
    def text(self) -> str:
        return (
            f"提醒督办事项 {self.reminded} 项（其中已超期 {self.overdue} 项），"
            f"发送站内消息 {self.messages} 条；今天已提醒过而跳过 {self.skipped} 项。"
        )


def tasks_send_reminders(*, today: datetime.date) -> ReminderRun:
    """The day's reminders for every task due soon or overdue (``task_send_reminder`` each, in its own
    transaction): run by ``manage.py task_reminders`` and daily by the job worker. A second run on the
    same day sends nothing new."""
    reminded = overdue = messages = skipped = 0
    for task in list(selectors.tasks_to_remind(today)):
        result = task_send_reminder(task=task, today=today)
        if not result.sent:
            skipped += 1
            continue
        reminded += 1
        overdue += int(result.overdue)
        messages += result.messages
    return ReminderRun(reminded, overdue, messages, skipped)
