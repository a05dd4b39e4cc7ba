"""Writers for cadre training (培训班) and its trainees."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gonghui.accounts.models import User
from gonghui.core.models import ChangeAction
from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, changelog_record, fetch_for_update
from gonghui.members.models import Member
from gonghui.unionwork.common import owning_unit
from gonghui.unionwork.models import Trainee, TrainingCourse

COURSE_FIELDS = ("name", "kind", "start_on", "end_on", "hours", "location", "status", "note")
TRAINEE_FIELDS = ("name", "work_unit", "position", "is_chair", "user", "member", "hours_attended", "completed")


@transaction.atomic
def course_create(*, user: Any, data: dict) -> TrainingCourse:
    course = TrainingCourse(created_by=user, org=owning_unit(user, data.get("org"), "培训班"))
    assign_fields(course, COURSE_FIELDS, data, strip=True)
    course.full_clean()
    course.save()
    ensure_in_scope(user, course, "add")
    return course


@transaction.atomic
def course_update(*, user: Any, course: TrainingCourse, data: dict) -> TrainingCourse:
    course = fetch_for_update(TrainingCourse, user, "change", course.pk)
    course.snapshot()
    if "org" in data and data["org"] is not None and data["org"].pk != course.org_id:
        course.org = owning_unit(user, data["org"], "培训班")
    assign_fields(course, COURSE_FIELDS, data, strip=True)
    course.full_clean()
    over = course.trainees.filter(hours_attended__gt=course.hours).first()
    if over is not None:
        raise ValidationError(
            {"hours": f"学员「{over.name}」的实到学时 {over.hours_attended} 超过了新的学时，请先调整。"}
        )
    course.save()
    ensure_in_scope(user, course, "change")
    return course


@transaction.atomic
def course_delete(*, user: Any, course: TrainingCourse) -> None:
    course = fetch_for_update(TrainingCourse, user, "delete", course.pk)
    course.delete()


def _trainee_log(trainee: Trainee, before: dict | None, after: dict | None) -> None:
    changelog_record(obj=trainee.course, action=ChangeAction.UPDATE, before=before, after=after)


@transaction.atomic
def trainee_add(*, user: Any, course: TrainingCourse, data: dict) -> Trainee:
    """Add a trainee; a linked member or account fills the name and unit when they are left empty."""
    course = fetch_for_update(TrainingCourse, user, "change", course.pk)
    trainee = Trainee(course=course)
    assign_fields(trainee, TRAINEE_FIELDS, data, strip=True)
    member = trainee.member
    if member is not None:
        if not Member.objects.restrict(user, "view").filter(pk=member.pk).exists():
            raise PermissionDenied("所选会员不在您的数据权限范围内。")
        trainee.name = trainee.name or member.name
        trainee.work_unit = trainee.work_unit or (member.employer_name or "")[:100]
    if trainee.user is not None:
        account = trainee.user
        if not User.objects.restrict(user, "view").filter(pk=account.pk).exists():
            raise PermissionDenied("所选系统账号不在您的数据权限范围内。")
        trainee.name = trainee.name or (getattr(account, "display_name", "") or account.get_username())[:40]
        trainee.work_unit = trainee.work_unit or (account.org.name if account.org_id else "")
    if not trainee.name:
        raise ValidationError({"name": "请填写学员姓名，或选择会员/系统账号。"})
    if trainee.hours_attended is not None and trainee.hours_attended > course.hours:
        raise ValidationError({"hours_attended": f"实到学时不能超过培训班学时 {course.hours}。"})
    trainee.full_clean()
    trainee.save()
    _trainee_log(trainee, None, {"trainee_added": trainee.name, "is_chair": trainee.is_chair})
    return trainee


@transaction.atomic
def trainee_update(*, user: Any, trainee: Trainee, data: dict) -> Trainee:
    course = fetch_for_update(TrainingCourse, user, "change", trainee.course_id)
    trainee = Trainee.objects.select_for_update().get(pk=trainee.pk, course=course)
    before = {"trainee": trainee.name, "hours_attended": str(trainee.hours_attended), "completed": trainee.completed}
    assign_fields(trainee, ("hours_attended", "completed", "is_chair", "position", "work_unit"), data, strip=True)
    if trainee.hours_attended > course.hours:
        raise ValidationError({"hours_attended": f"实到学时不能超过培训班学时 {course.hours}。"})
    trainee.full_clean()
    trainee.save()
    after = {"trainee": trainee.name, "hours_attended": str(trainee.hours_attended), "completed": trainee.completed}
    _trainee_log(trainee, before, after)
    return trainee


@transaction.atomic
def trainee_remove(*, user: Any, trainee: Trainee) -> None:
    course = fetch_for_update(TrainingCourse, user, "change", trainee.course_id)
    trainee = Trainee.objects.get(pk=trainee.pk, course=course)
    _trainee_log(trainee, {"trainee_removed": trainee.name}, None)
    trainee.delete()


@transaction.atomic
def trainees_complete_all(*, user: Any, course: TrainingCourse) -> int:
    """结业: every trainee gets the full hours and completion (the common case of a short course)."""
    course = fetch_for_update(TrainingCourse, user, "change", course.pk)
    count = course.trainees.filter(completed=False).update(completed=True, hours_attended=course.hours)
    changelog_record(obj=course, action=ChangeAction.UPDATE, before=None, after={"trainees_completed": count})
    return count
