"""Writers for the government–union joint meeting (联席会议).

Each year a federation has an obligation (年度任务) to hold the meeting by a deadline; a meeting held that
year fulfils it. Each decision (议定事项) of a meeting becomes a supervision task (督办事项) created through
the targets task services — assigned by the meeting's federation, led by the chosen union, with the lead
government department as the 责任部门 — so the reminders, urging and overdue lists of the task module
follow it up. The decision keeps the link and shows the task's progress.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gonghui.core.models import ChangeAction
from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, changelog_record, fetch_for_update
from gonghui.targets import services_tasks
from gonghui.targets.models import Task, TaskSource, TaskState
from gonghui.unionwork.common import owning_unit
from gonghui.unionwork.models import JointMeeting, JointMeetingDecision, JointMeetingObligation
from gonghui.unionwork.services_info import _delete_after_commit

OBLIGATION_FIELDS = ("year", "deadline", "note")
MEETING_FIELDS = ("title", "held_on", "location", "government_attendees", "union_attendees", "departments", "agenda")


# --- obligations ---------------------------------------------------------------------------------------------


def _check_obligation_unique(obligation: JointMeetingObligation) -> None:
    clash = JointMeetingObligation.objects.filter(org_id=obligation.org_id, year=obligation.year)
    if clash.exclude(pk=obligation.pk).exists():
        raise ValidationError({"year": f"{obligation.org.name}已有 {obligation.year} 年的联席会议任务。"})


def _link_meetings(obligation: JointMeetingObligation) -> None:
    JointMeeting.objects.filter(org_id=obligation.org_id, held_on__year=obligation.year).update(obligation=obligation)


@transaction.atomic
def obligation_create(*, user: Any, data: dict) -> JointMeetingObligation:
    obligation = JointMeetingObligation(
        created_by=user, org=owning_unit(user, data.get("org"), "联席会议任务", federation=True)
    )
    assign_fields(obligation, OBLIGATION_FIELDS, data, strip=True)
    obligation.full_clean(validate_constraints=False)
    _check_obligation_unique(obligation)
    obligation.save()
    ensure_in_scope(user, obligation, "add")
    _link_meetings(obligation)
    return obligation


@transaction.atomic
def obligation_update(*, user: Any, obligation: JointMeetingObligation, data: dict) -> JointMeetingObligation:
    obligation = fetch_for_update(JointMeetingObligation, user, "change", obligation.pk)
    obligation.snapshot()
    if "org" in data and data["org"] is not None and data["org"].pk != obligation.org_id:
        obligation.org = owning_unit(user, data["org"], "联席会议任务", federation=True)
    assign_fields(obligation, OBLIGATION_FIELDS, data, strip=True)
    obligation.full_clean(validate_constraints=False)
    _check_obligation_unique(obligation)
    obligation.save()
    ensure_in_scope(user, obligation, "change")
    JointMeeting.objects.filter(obligation=obligation).update(obligation=None)
    _link_meetings(obligation)
    return obligation


@transaction.atomic
def obligation_delete(*, user: Any, obligation: JointMeetingObligation) -> None:
    obligation = fetch_for_update(JointMeetingObligation, user, "delete", obligation.pk)
    obligation.delete()


# --- meetings ----------------------------------------------------------------------------------------------


def _set_minutes(meeting: JointMeeting, upload) -> list:
    old = []
    if upload is False:
        if meeting.minutes:
            old.append((meeting.minutes.storage, meeting.minutes.name))
        meeting.minutes, meeting.minutes_name = "", ""
    elif upload:
        if meeting.minutes:
            old.append((meeting.minutes.storage, meeting.minutes.name))
        meeting.minutes, meeting.minutes_name = upload, upload.name[:200]
    return old


def _obligation_for(meeting: JointMeeting) -> JointMeetingObligation | None:
    return JointMeetingObligation.objects.filter(org_id=meeting.org_id, year=meeting.held_on.year).first()


@transaction.atomic
def meeting_create(*, user: Any, data: dict) -> JointMeeting:
    meeting = JointMeeting(created_by=user, org=owning_unit(user, data.get("org"), "联席会议", federation=True))
    assign_fields(meeting, MEETING_FIELDS, data, strip=True)
    _set_minutes(meeting, data.get("minutes"))
    meeting.full_clean()
    meeting.obligation = _obligation_for(meeting)
    meeting.save()
    ensure_in_scope(user, meeting, "add")
    return meeting


@transaction.atomic
def meeting_update(*, user: Any, meeting: JointMeeting, data: dict) -> JointMeeting:
    meeting = fetch_for_update(JointMeeting, user, "change", meeting.pk)
    meeting.snapshot()
    if "org" in data and data["org"] is not None and data["org"].pk != meeting.org_id:
        if meeting.decisions.exists():
            raise ValidationError({"org": "该会议已有议定事项并已交办，不能再更换召开单位。"})
        meeting.org = owning_unit(user, data["org"], "联席会议", federation=True)
    assign_fields(meeting, MEETING_FIELDS, data, strip=True)
    old = _set_minutes(meeting, data.get("minutes")) if "minutes" in data else []
    meeting.full_clean()
    meeting.obligation = _obligation_for(meeting)
    meeting.save()
    ensure_in_scope(user, meeting, "change")
    _delete_after_commit(old)
    return meeting


@transaction.atomic
def meeting_delete(*, user: Any, meeting: JointMeeting) -> None:
    meeting = fetch_for_update(JointMeeting, user, "delete", meeting.pk)
    if meeting.decisions.filter(task__isnull=False).exclude(task__state=TaskState.ASSIGNED).exists():
        raise ValidationError("该会议的议定事项已在办理，不能删除会议；请在督办事项中办结。")
    for decision in meeting.decisions.select_related("task"):
        if decision.task is not None:
            services_tasks.task_delete(user=user, task=decision.task)
    files = [(meeting.minutes.storage, meeting.minutes.name)] if meeting.minutes else []
    meeting.delete()
    _delete_after_commit(files)


# --- decisions → supervision tasks ---------------------------------------------------------------------------


def _meeting_for_decisions(user: Any, meeting: JointMeeting) -> JointMeeting:
    if not can(user, JointMeeting, "change"):
        raise PermissionDenied("您没有登记联席会议议定事项的权限，请联系安全管理员分配角色。")
    if not can(user, Task, "add"):
        raise PermissionDenied("议定事项要作为督办事项交办，您没有立项交办督办事项的权限。")
    return fetch_for_update(JointMeeting, user, "change", meeting.pk)


@transaction.atomic
def decision_add(*, user: Any, meeting: JointMeeting, data: dict) -> JointMeetingDecision:
    """Record a decision and assign it as a supervision task (source 联席会议) led by ``lead_unit``."""
    meeting = _meeting_for_decisions(user, meeting)
    decision = JointMeetingDecision(meeting=meeting)
    assign_fields(decision, ("title", "description", "lead_department", "deadline"), data, strip=True)
    decision.lead_unit = data.get("lead_unit") or meeting.org
    decision.full_clean(exclude=["task"])
    department = decision.lead_department
    task = services_tasks.task_create(
        user=user,
        data={
            "title": f"{meeting.held_on.year}年联席会议议定事项：{decision.title}"[:200],
            "source": TaskSource.JOINT_MEETING,
            "description": "\n".join(
                part
                for part in (
                    f"{meeting.title}（{meeting.held_on:%Y-%m-%d}）议定。",
                    f"牵头政府部门：{department}。" if department else "",
                    decision.description,
                )
                if part
            ),
            "org": decision.lead_unit,
            "assigned_by": meeting.org,
            "department": department[:60],
            "deadline": decision.deadline,
        },
    )
    decision.task = task
    decision.save()
    changelog_record(
        obj=meeting, action=ChangeAction.UPDATE, before=None, after={"decision": decision.title, "task": task.pk}
    )
    return decision


@transaction.atomic
def decision_remove(*, user: Any, decision: JointMeetingDecision) -> None:
    """Only while its task has not been received; the task goes with it."""
    meeting = _meeting_for_decisions(user, decision.meeting)
    decision = JointMeetingDecision.objects.select_related("task").get(pk=decision.pk, meeting=meeting)
    if decision.task is not None:
        services_tasks.task_delete(user=user, task=decision.task)  # refuses once the lead unit has received it
    changelog_record(obj=meeting, action=ChangeAction.UPDATE, before={"decision": decision.title}, after=None)
    decision.delete()
