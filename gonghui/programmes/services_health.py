"""Writers for health checks (职工体检): batches, allocations of places, appointments, exam-vehicle stops.

The place limits are kept under a row lock: booking locks the allocation row (``select_for_update``) before it
counts the places taken, so two concurrent bookings on PostgreSQL queue on the row and the second sees the
first; allocating locks the batch row the same way. One appointment per person per batch is also a partial
unique index, so no path can create a second one.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.members.models import EmploymentCategory, Gender, Member, MemberStatus
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.health import (
    FRONT_LINE_CATEGORIES,
    HOLDING,
    AppointmentStatus,
    BatchStatus,
    EligibleGroup,
    ExamVehicleVisit,
    HealthCheckAllocation,
    HealthCheckAppointment,
    HealthCheckBatch,
    VisitStatus,
)

BATCH_FIELDS = (
    "year",
    "name",
    "provider",
    "provider_contact",
    "package",
    "start_on",
    "end_on",
    "total_slots",
    "eligible_categories",
    "eligible_groups",
    "status",
    "note",
)
VISIT_FIELDS = ("visit_on", "place", "planned_count", "examined_count", "status", "contact", "note")


# --- shared by health checks and recuperation ---------------------------------------------------


def ancestor_paths(path: str) -> list[str]:
    """The paths of the organisation at ``path`` and of all its ancestors."""
    step = Organization.steplen
    return [path[:length] for length in range(step, len(path) + 1, step)]


def is_within(org: Organization, ancestor: Organization) -> bool:
    return org.path.startswith(ancestor.path)


def is_model_worker(member: Member):
    """The member's awarded 劳模/先进 honour (any union row of the same person), or None."""
    from gonghui.honours.models import CARE_KINDS, Honour, HonourState

    return (
        Honour.objects.filter(
            member__id_number_index=member.id_number_index, state=HonourState.AWARDED, kind__in=CARE_KINDS
        )
        .order_by("-awarded_on", "-pk")
        .first()
    )


def is_front_line(member: Member, declared: bool = False) -> bool:
    """一线职工: 农民工 and 新就业形态 by their category; others when their union declares a front-line post."""
    return declared or member.employment_category in FRONT_LINE_CATEGORIES or member.is_migrant_worker


def member_for(user, member: Member | int) -> Member:
    pk = member.pk if isinstance(member, Member) else member
    found = Member.objects.restrict(user, "view").select_related("org").filter(pk=pk).first()
    if found is None:
        raise ValidationError({"member": "会员不存在或不在您的数据权限范围内，请从会员名册中选择。"})
    if found.status != MemberStatus.ACTIVE:
        raise ValidationError(
            {"member": f"{found.name}的会籍状态为“{found.get_status_display()}”，只有在会会员可以参加。"}
        )
    return found


# --- batches ------------------------------------------------------------------------------------


def _check_batch(batch: HealthCheckBatch) -> None:
    batch.full_clean(validate_constraints=False)
    clash = HealthCheckBatch.objects.filter(org=batch.org, year=batch.year, name=batch.name).exclude(pk=batch.pk)
    if clash.exists():
        raise ValidationError({"name": f"{batch.year} 年已有同名的体检批次「{batch.name}」，请换一个名称。"})
    if batch.pk:
        allocated = batch.allocations.aggregate(n=Sum("slots"))["n"] or 0
        if batch.total_slots is not None and batch.total_slots < allocated:
            raise ValidationError(
                {"total_slots": f"已分配名额 {allocated} 人，总名额不能少于已分配数；请先调减各单位的名额。"}
            )


@transaction.atomic
def batch_create(*, user, data: dict) -> HealthCheckBatch:
    batch = HealthCheckBatch(created_by=user, org=owning_union(user, data.get("org"), "体检批次"))
    assign_fields(batch, BATCH_FIELDS, data, strip=True)
    _check_batch(batch)
    batch.save()
    ensure_in_scope(user, batch, "add")
    return batch


@transaction.atomic
def batch_update(*, user, batch: HealthCheckBatch, data: dict) -> HealthCheckBatch:
    batch = fetch_for_update(HealthCheckBatch, user, "change", batch.pk)
    batch.snapshot()
    if "org" in data and data["org"] != batch.org:
        if batch.allocations.exists():
            raise ValidationError({"org": "本批次已分配名额，不能更换主办单位。"})
        batch.org = owning_union(user, data["org"], "体检批次")
    assign_fields(batch, BATCH_FIELDS, data, strip=True)
    _check_batch(batch)
    batch.save()
    ensure_in_scope(user, batch, "change")
    return batch


@transaction.atomic
def batch_delete(*, user, batch: HealthCheckBatch) -> None:
    batch = fetch_for_update(HealthCheckBatch, user, "delete", batch.pk)
    if batch.appointments.exists():
        raise ValidationError("本批次已有体检预约，不能删除；如不再进行请把状态改为“已结束”。")
    for allocation in batch.allocations.all():
        allocation.delete()
    for visit in batch.visits.all():
        visit.delete()
    batch.delete()


# --- allocations --------------------------------------------------------------------------------


def used_slots(allocation: HealthCheckAllocation) -> int:
    return allocation.appointments.filter(status__in=HOLDING).count()


@transaction.atomic
def allocation_save(*, user, batch: HealthCheckBatch, org: Organization | None, slots: int, note: str = ""):
    """Give ``org`` ``slots`` places of ``batch`` (a second call for the same union changes its number)."""
    batch = fetch_for_update(HealthCheckBatch, user, "change", batch.pk)
    if org is None:
        raise ValidationError({"org": "请选择分配名额的单位。"})
    org = Organization.objects.get(pk=org.pk)
    if not is_within(org, batch.org):
        raise ValidationError({"org": f"「{org}」不在主办单位「{batch.org}」的下级范围内，不能分配本批次名额。"})
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError({"org": f"「{org}」已撤销，不能分配名额。"})
    if not slots or slots < 1:
        raise ValidationError({"slots": "名额应为正整数。"})
    allocation = HealthCheckAllocation.objects.filter(batch=batch, org=org).first()
    others = HealthCheckAllocation.objects.filter(batch=batch).select_related("org")
    if allocation:
        others = others.exclude(pk=allocation.pk)
    for other in others:
        if is_within(org, other.org) or is_within(other.org, org):
            raise ValidationError(
                {"org": f"已给「{other.org}」分配名额，上下级单位不能重复分配；请调整「{other.org}」的名额。"}
            )
    allocated = sum(other.slots for other in others)
    if allocated + slots > batch.total_slots:
        raise ValidationError(
            {
                "slots": f"本批次总名额 {batch.total_slots} 人，其他单位已分配 {allocated} 人，"
                f"最多还能分配 {batch.total_slots - allocated} 人。"
            }
        )
    if allocation is None:
        allocation = HealthCheckAllocation(batch=batch, org=org, created_by=user)
    else:
        allocation = HealthCheckAllocation.objects.select_for_update().get(pk=allocation.pk)
        allocation.snapshot()
        used = used_slots(allocation)
        if slots < used:
            raise ValidationError({"slots": f"「{org}」已预约 {used} 人，名额不能少于已预约人数。"})
    allocation.slots = slots
    allocation.note = (note or "").strip()
    allocation.full_clean(validate_constraints=False)
    allocation.save()
    return allocation


@transaction.atomic
def allocation_delete(*, user, allocation: HealthCheckAllocation) -> None:
    batch = fetch_for_update(HealthCheckBatch, user, "change", allocation.batch_id)
    allocation = HealthCheckAllocation.objects.select_for_update().get(pk=allocation.pk, batch=batch)
    if allocation.appointments.exists():
        raise ValidationError(f"「{allocation.org}」已有体检预约，不能删除其名额。")
    allocation.delete()


# --- eligibility and appointments ---------------------------------------------------------------


def ineligible_reason(batch: HealthCheckBatch, member: Member, *, front_line: bool = False) -> str | None:
    """Why ``member`` may not take part in ``batch`` (None when eligible)."""
    if member.status != MemberStatus.ACTIVE:
        return f"{member.name}不是在会会员（{member.get_status_display()}）。"
    if batch.eligible_categories and member.employment_category not in batch.eligible_categories:
        wanted = "、".join(EmploymentCategory(c).label for c in batch.eligible_categories)
        return (
            f"本批次只限{wanted}，{member.name}的人员类别为“{member.get_employment_category_display()}”，不符合条件。"
        )
    groups = batch.eligible_groups or []
    if not groups:
        return None
    if EligibleGroup.FRONT_LINE in groups and is_front_line(member, front_line):
        return None
    if EligibleGroup.WOMEN in groups and member.gender == Gender.FEMALE:
        return None
    if EligibleGroup.MODEL_WORKER in groups and is_model_worker(member):
        return None
    wanted = "或".join(EligibleGroup(g).label for g in groups)
    hint = "；一线岗位职工请勾选“一线岗位”并填写岗位" if EligibleGroup.FRONT_LINE in groups else ""
    return f"本批次体检对象为{wanted}，{member.name}不符合条件{hint}。"


def allocation_for(batch: HealthCheckBatch, member: Member) -> HealthCheckAllocation | None:
    return (
        HealthCheckAllocation.objects.filter(batch=batch, org__path__in=ancestor_paths(member.org.path))
        .select_related("org")
        .first()
    )


@transaction.atomic
def appointment_create(
    *,
    user,
    batch: HealthCheckBatch,
    member: Member | int,
    scheduled_on: datetime.date,
    front_line: bool = False,
    job_post: str = "",
    visit: ExamVehicleVisit | None = None,
    note: str = "",
) -> HealthCheckAppointment:
    from gonghui.programmes.selectors_health import batches_for

    if not batches_for(user).filter(pk=batch.pk).exists():
        raise PermissionDenied("体检批次不存在或不在您的数据权限范围内。")
    batch = HealthCheckBatch.objects.select_related("org").get(pk=batch.pk)
    member = member_for(user, member)
    if batch.status != BatchStatus.OPEN:
        raise ValidationError(f"体检批次「{batch}」状态为“{batch.get_status_display()}”，现在不能预约。")
    if not scheduled_on:
        raise ValidationError({"scheduled_on": "请填写预约日期。"})
    if not batch.start_on <= scheduled_on <= batch.end_on:
        raise ValidationError(
            {"scheduled_on": f"预约日期应在 {batch.start_on:%Y-%m-%d} 至 {batch.end_on:%Y-%m-%d} 之间。"}
        )
    if front_line and not (job_post or "").strip():
        raise ValidationError({"job_post": "申报一线岗位时请填写岗位，如 环卫工、建筑工。"})
    reason = ineligible_reason(batch, member, front_line=front_line)
    if reason:
        raise ValidationError({"member": reason})
    allocation = allocation_for(batch, member)
    if allocation is None:
        raise ValidationError({"member": f"本批次没有给{member.name}所在的「{member.org}」（或其上级）分配名额。"})
    allocation = HealthCheckAllocation.objects.select_for_update().get(pk=allocation.pk)  # the place-limit lock
    taken = HealthCheckAppointment.objects.filter(batch=batch, person_index=member.id_number_index).exclude(
        status=AppointmentStatus.CANCELLED
    )
    if taken.exists():
        raise ValidationError({"member": f"{member.name}在本批次已有预约，同一批次每人只能预约一次。"})
    used = used_slots(allocation)
    if used >= allocation.slots:
        raise ValidationError(
            {"member": f"「{allocation.org}」的 {allocation.slots} 个名额已全部约满，请联系主办单位调剂名额。"}
        )
    if visit is not None:
        visit = ExamVehicleVisit.objects.filter(pk=visit.pk, batch=batch).first()
        if visit is None or visit.status == VisitStatus.CANCELLED:
            raise ValidationError({"visit": "所选体检车站点不属于本批次或已取消。"})
        scheduled_on = visit.visit_on
    appointment = HealthCheckAppointment(
        batch=batch,
        allocation=allocation,
        member=member,
        org=member.org,
        person_index=member.id_number_index,
        scheduled_on=scheduled_on,
        front_line=front_line,
        job_post=(job_post or "").strip(),
        visit=visit,
        note=(note or "").strip(),
        created_by=user,
    )
    appointment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        raise ValidationError({"member": f"{member.name}在本批次已有预约，同一批次每人只能预约一次。"}) from None
    ensure_in_scope(user, appointment, "add")
    return appointment


def _appointment_for_change(user, appointment) -> HealthCheckAppointment:
    return fetch_for_update(HealthCheckAppointment, user, "change", appointment.pk)


@transaction.atomic
def appointment_complete(*, user, appointment: HealthCheckAppointment, completed_on: datetime.date):
    """体检完成: the appointment counts for ``health_checks`` on ``completed_on``."""
    appointment = _appointment_for_change(user, appointment)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise ValidationError("已取消的预约不能登记体检完成。")
    batch = appointment.batch
    if not completed_on:
        raise ValidationError({"completed_on": "请填写体检日期。"})
    if completed_on > datetime.date.today():
        raise ValidationError({"completed_on": "体检日期不能晚于今天。"})
    if completed_on < batch.start_on:
        raise ValidationError({"completed_on": f"体检日期不能早于本批次开始日期 {batch.start_on:%Y-%m-%d}。"})
    appointment.snapshot()
    appointment.status = AppointmentStatus.COMPLETED
    appointment.completed_on = completed_on
    appointment.save()
    ensure_in_scope(user, appointment, "change")
    return appointment


@transaction.atomic
def appointment_no_show(*, user, appointment: HealthCheckAppointment):
    """未到检: keeps the place (the slot was used), clears any completion."""
    appointment = _appointment_for_change(user, appointment)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise ValidationError("已取消的预约不能登记为未到检。")
    appointment.snapshot()
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.completed_on = None
    appointment.save()
    return appointment


@transaction.atomic
def appointment_cancel(*, user, appointment: HealthCheckAppointment):
    """取消预约: frees the place."""
    appointment = _appointment_for_change(user, appointment)
    if appointment.status == AppointmentStatus.COMPLETED:
        raise ValidationError("已完成体检的预约不能取消。")
    appointment.snapshot()
    appointment.status = AppointmentStatus.CANCELLED
    appointment.completed_on = None
    appointment.save()
    return appointment


# --- exam vehicle visits ------------------------------------------------------------------------


@transaction.atomic
def visit_create(*, user, batch: HealthCheckBatch, employer, data: dict) -> ExamVehicleVisit:
    from gonghui.orgs.models import Employer

    batch = fetch_for_update(HealthCheckBatch, user, "change", batch.pk)
    employer = Employer.objects.restrict(user, "view").filter(pk=getattr(employer, "pk", employer)).first()
    if employer is None:
        raise ValidationError({"employer": "用人单位不存在或不在您的数据权限范围内。"})
    org = employer.union or employer.org
    if not is_within(org, batch.org):
        raise ValidationError({"employer": f"「{employer}」不在主办单位「{batch.org}」的范围内。"})
    visit = ExamVehicleVisit(batch=batch, employer=employer, org=org, created_by=user)
    assign_fields(visit, VISIT_FIELDS, data, strip=True)
    visit.full_clean(validate_constraints=False)
    visit.save()
    ensure_in_scope(user, visit, "add")
    return visit


@transaction.atomic
def visit_update(*, user, visit: ExamVehicleVisit, data: dict) -> ExamVehicleVisit:
    visit = fetch_for_update(ExamVehicleVisit, user, "change", visit.pk)
    visit.snapshot()
    assign_fields(visit, VISIT_FIELDS, data, strip=True)
    visit.full_clean(validate_constraints=False)
    visit.save()
    ensure_in_scope(user, visit, "change")
    return visit


@transaction.atomic
def visit_delete(*, user, visit: ExamVehicleVisit) -> None:
    visit = fetch_for_update(ExamVehicleVisit, user, "delete", visit.pk)
    if visit.appointments.exclude(status=AppointmentStatus.CANCELLED).exists():
        raise ValidationError("该站点已有职工预约，不能删除；如不再前往请把状态改为“已取消”。")
    visit.delete()
