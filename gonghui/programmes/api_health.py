"""Health checks (职工体检) and recuperation (疗休养) over JSON. Members appear by name and masked ID only."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.members.models import EmploymentCategory, Member
from gonghui.orgs.models import Organization
from gonghui.programmes import selectors_health, services_health, services_recuperation
from gonghui.programmes.common import api_payload
from gonghui.programmes.models.health import (
    AppointmentStatus,
    BatchStatus,
    EligibleGroup,
    ExamVehicleVisit,
    HealthCheckAllocation,
    HealthCheckAppointment,
    HealthCheckBatch,
    VisitStatus,
)
from gonghui.programmes.models.recuperation import (
    ParticipantStatus,
    Priority,
    RecuperationGroup,
    RecuperationParticipant,
    RecuperationQuota,
    RecuperationRoute,
)

router = Router(tags=["职工体检与疗休养"])
NOT_FOUND = "对象不存在或不在您的数据权限范围内。"


# --- schemas ------------------------------------------------------------------------------------


class AllocationOut(Schema):
    id: int
    org_id: int
    org_name: str
    slots: int
    used: int
    completed: int
    no_show: int


class BatchOut(Schema):
    id: int
    org_id: int
    year: int
    name: str
    provider: str
    package: str
    start_on: datetime.date
    end_on: datetime.date
    total_slots: int
    eligible_categories: list[EmploymentCategory]
    eligible_groups: list[EligibleGroup]
    status: BatchStatus


class BatchDetailOut(BatchOut):
    allocations: list[AllocationOut]


class BatchIn(Schema):
    org_id: int
    year: int = Field(..., ge=2000, le=2100)
    name: str = Field(..., min_length=1, max_length=100)
    provider: str = Field(..., min_length=1, max_length=100)
    provider_contact: str = ""
    package: str = ""
    start_on: datetime.date
    end_on: datetime.date
    total_slots: int = Field(..., ge=1)
    eligible_categories: list[EmploymentCategory] = []
    eligible_groups: list[EligibleGroup] = []
    status: BatchStatus = BatchStatus.PLANNING
    note: str = ""


class BatchPatch(Schema):
    name: str | None = None
    provider: str | None = None
    package: str | None = None
    start_on: datetime.date | None = None
    end_on: datetime.date | None = None
    total_slots: int | None = Field(None, ge=1)
    eligible_categories: list[EmploymentCategory] | None = None
    eligible_groups: list[EligibleGroup] | None = None
    status: BatchStatus | None = None
    note: str | None = None


class AllocationIn(Schema):
    org_id: int
    slots: int = Field(..., ge=1)
    note: str = ""


class AppointmentOut(Schema):
    id: int
    batch_id: int
    org_id: int
    member_id: int
    member_name: str = Field(..., alias="member.name")
    id_number_masked: str = Field(..., alias="member.id_number_masked")
    scheduled_on: datetime.date
    front_line: bool
    job_post: str
    visit_id: int | None
    status: AppointmentStatus
    completed_on: datetime.date | None


class AppointmentIn(Schema):
    member_id: int
    scheduled_on: datetime.date
    front_line: bool = False
    job_post: str = ""
    visit_id: int | None = None
    note: str = ""


class CompleteIn(Schema):
    completed_on: datetime.date


class AppointmentFilter(Schema):
    batch_id: int | None = None
    status: AppointmentStatus | None = None
    completed_from: datetime.date | None = None
    completed_to: datetime.date | None = None


class VisitOut(Schema):
    id: int
    batch_id: int
    org_id: int
    employer_id: int
    employer_name: str = Field(..., alias="employer.name")
    visit_on: datetime.date
    place: str
    planned_count: int
    examined_count: int | None
    status: VisitStatus


class GroupOut(Schema):
    id: int
    name: str
    start_on: datetime.date
    end_on: datetime.date
    capacity: int
    taken: int = 0
    allow_repeat: bool
    repeat_reason: str


class RouteOut(Schema):
    id: int
    org_id: int
    year: int
    name: str
    destination: str
    days: int
    provider: str


class RouteDetailOut(RouteOut):
    description: str
    groups: list[GroupOut]


class RouteIn(Schema):
    org_id: int
    year: int = Field(..., ge=2000, le=2100)
    name: str = Field(..., min_length=1, max_length=100)
    destination: str = Field(..., min_length=1, max_length=100)
    days: int = Field(..., ge=1, le=30)
    provider: str = ""
    description: str = ""


class GroupIn(Schema):
    name: str = Field(..., min_length=1, max_length=40)
    start_on: datetime.date
    end_on: datetime.date
    capacity: int = Field(..., ge=1)
    allow_repeat: bool = False
    repeat_reason: str = ""


class ParticipantOut(Schema):
    id: int
    group_id: int
    year: int
    org_id: int
    member_id: int
    member_name: str = Field(..., alias="member.name")
    id_number_masked: str = Field(..., alias="member.id_number_masked")
    priority: Priority
    honour_id: int | None
    status: ParticipantStatus
    completed_on: datetime.date | None
    repeat_allowed: bool
    repeat_reason: str


class ParticipantIn(Schema):
    member_id: int
    front_line: bool = False
    repeat_allowed: bool = False
    repeat_reason: str = ""
    note: str = ""


class ParticipantStatusIn(Schema):
    status: ParticipantStatus
    completed_on: datetime.date | None = None


class ParticipantFilter(Schema):
    year: int | None = None
    group_id: int | None = None
    status: ParticipantStatus | None = None


class QuotaOut(Schema):
    id: int
    org_id: int
    year: int
    quota: int
    note: str


class QuotaIn(Schema):
    org_id: int
    year: int = Field(..., ge=2000, le=2100)
    quota: int = Field(..., ge=1)
    note: str = ""


# --- health checks ------------------------------------------------------------------------------


def _batch(request, pk: int) -> HealthCheckBatch:
    batch = selectors_health.batches_for(request.user).filter(pk=pk).first()
    if batch is None:
        raise HttpError(404, NOT_FOUND)
    return batch


def _batch_detail(request, batch: HealthCheckBatch) -> dict:
    data = BatchOut.from_orm(batch).dict()
    data["allocations"] = [
        {
            "id": p.allocation.pk,
            "org_id": p.allocation.org_id,
            "org_name": p.allocation.org.name,
            "slots": p.allocation.slots,
            "used": p.used,
            "completed": p.completed,
            "no_show": p.no_show,
        }
        for p in selectors_health.allocation_progress(request.user, batch)
    ]
    return data


@router.get("/health-check-batches", response=list[BatchOut], summary="体检批次列表")
@paginate(PageNumberPagination)
def health_batch_list(request, year: int | None = None, status: BatchStatus | None = None):
    if not (can(request.user, HealthCheckBatch, "view") or can(request.user, HealthCheckAllocation, "view")):
        raise HttpError(403, "您没有此功能的权限。")
    queryset = selectors_health.batches_for(request.user)
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@router.get("/health-check-batches/{int:pk}", response=BatchDetailOut, summary="体检批次详情（含各单位名额和完成数）")
def health_batch_get(request, pk: int):
    return _batch_detail(request, _batch(request, pk))


@router.post("/health-check-batches", response={201: BatchOut}, summary="新建体检批次")
def health_batch_create(request, payload: BatchIn):
    require_permission(request, HealthCheckBatch, "add")
    data = api_payload(request, payload.dict())
    try:
        return Status(201, services_health.batch_create(user=request.user, data=data))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.patch("/health-check-batches/{int:pk}", response=BatchOut, summary="修改体检批次（如开放预约）")
def health_batch_update(request, pk: int, payload: BatchPatch):
    batch = get_restricted_or_404(HealthCheckBatch, request.user, "change", pk=pk)
    try:
        return services_health.batch_update(user=request.user, batch=batch, data=payload.dict(exclude_unset=True))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.put("/health-check-batches/{int:pk}/allocations", response=BatchDetailOut, summary="分配（修改）单位名额")
def health_allocation_save(request, pk: int, payload: AllocationIn):
    batch = get_restricted_or_404(HealthCheckBatch, request.user, "change", pk=pk)
    org = Organization.objects.restrict(request.user, "view").filter(pk=payload.org_id).first()
    if org is None:
        raise HttpError(422, f"单位 {payload.org_id} 不存在或不在您的数据权限范围内。")
    try:
        services_health.allocation_save(user=request.user, batch=batch, org=org, slots=payload.slots, note=payload.note)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return _batch_detail(request, batch)


@router.get("/health-check-appointments", response=list[AppointmentOut], summary="体检预约列表")
@paginate(PageNumberPagination)
def health_appointment_list(request, filters: Query[AppointmentFilter]):
    require_permission(request, HealthCheckAppointment, "view")
    queryset = selectors_health.appointments_for(request.user)
    if filters.batch_id:
        queryset = queryset.filter(batch_id=filters.batch_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.completed_from:
        queryset = queryset.filter(completed_on__gte=filters.completed_from)
    if filters.completed_to:
        queryset = queryset.filter(completed_on__lte=filters.completed_to)
    return queryset


@router.post("/health-check-batches/{int:pk}/appointments", response={201: AppointmentOut}, summary="为会员预约体检")
def health_appointment_create(request, pk: int, payload: AppointmentIn):
    require_permission(request, HealthCheckAppointment, "add")
    batch = _batch(request, pk)
    visit = None
    if payload.visit_id:
        visit = ExamVehicleVisit.objects.filter(pk=payload.visit_id, batch=batch).first()
        if visit is None:
            raise HttpError(422, f"体检车站点 {payload.visit_id} 不属于本批次。")
    try:
        appointment = services_health.appointment_create(
            user=request.user,
            batch=batch,
            member=payload.member_id,
            scheduled_on=payload.scheduled_on,
            front_line=payload.front_line,
            job_post=payload.job_post,
            visit=visit,
            note=payload.note,
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, appointment)


def _appointment(request, pk: int) -> HealthCheckAppointment:
    try:
        return get_restricted_or_404(HealthCheckAppointment, request.user, "change", pk=pk)
    except Http404:
        raise HttpError(404, NOT_FOUND) from None


@router.post("/health-check-appointments/{int:pk}/complete", response=AppointmentOut, summary="登记体检完成")
def health_appointment_complete(request, pk: int, payload: CompleteIn):
    appointment = _appointment(request, pk)
    try:
        return services_health.appointment_complete(
            user=request.user, appointment=appointment, completed_on=payload.completed_on
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/health-check-appointments/{int:pk}/no-show", response=AppointmentOut, summary="登记未到检")
def health_appointment_no_show(request, pk: int):
    try:
        return services_health.appointment_no_show(user=request.user, appointment=_appointment(request, pk))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/health-check-appointments/{int:pk}/cancel", response=AppointmentOut, summary="取消体检预约")
def health_appointment_cancel(request, pk: int):
    try:
        return services_health.appointment_cancel(user=request.user, appointment=_appointment(request, pk))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.get("/health-check-visits", response=list[VisitOut], summary="体检车送检站点列表")
@paginate(PageNumberPagination)
def health_visit_list(request, batch_id: int | None = None):
    require_permission(request, ExamVehicleVisit, "view")
    queryset = selectors_health.visits_for(request.user)
    return queryset.filter(batch_id=batch_id) if batch_id else queryset


# --- recuperation -------------------------------------------------------------------------------


def _route(request, pk: int) -> RecuperationRoute:
    route = selectors_health.routes_for(request.user).filter(pk=pk).first()
    if route is None:
        raise HttpError(404, NOT_FOUND)
    return route


def _route_detail(request, route: RecuperationRoute) -> dict:
    data = RouteOut.from_orm(route).dict()
    data["description"] = route.description
    data["groups"] = [GroupOut.from_orm(g).dict() for g in selectors_health.groups_for(request.user, route)]
    return data


@router.get("/recuperation-routes", response=list[RouteOut], summary="疗休养线路列表")
@paginate(PageNumberPagination)
def recuperation_route_list(request, year: int | None = None):
    if not (can(request.user, RecuperationRoute, "view") or can(request.user, RecuperationParticipant, "view")):
        raise HttpError(403, "您没有此功能的权限。")
    queryset = selectors_health.routes_for(request.user)
    return queryset.filter(year=year) if year else queryset


@router.get("/recuperation-routes/{int:pk}", response=RouteDetailOut, summary="疗休养线路详情（含批次）")
def recuperation_route_get(request, pk: int):
    return _route_detail(request, _route(request, pk))


@router.post("/recuperation-routes", response={201: RouteOut}, summary="新建疗休养线路")
def recuperation_route_create(request, payload: RouteIn):
    require_permission(request, RecuperationRoute, "add")
    try:
        return Status(
            201, services_recuperation.route_create(user=request.user, data=api_payload(request, payload.dict()))
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/recuperation-routes/{int:pk}/groups", response={201: GroupOut}, summary="新增疗休养批次")
def recuperation_group_create(request, pk: int, payload: GroupIn):
    route = get_restricted_or_404(RecuperationRoute, request.user, "change", pk=pk)
    try:
        group = services_recuperation.group_create(user=request.user, route=route, data=payload.dict())
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, group)


@router.get("/recuperation-participants", response=list[ParticipantOut], summary="疗休养人员列表")
@paginate(PageNumberPagination)
def recuperation_participant_list(request, filters: Query[ParticipantFilter]):
    require_permission(request, RecuperationParticipant, "view")
    queryset = selectors_health.participants_for(request.user)
    if filters.year:
        queryset = queryset.filter(year=filters.year)
    if filters.group_id:
        queryset = queryset.filter(group_id=filters.group_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return queryset


@router.post("/recuperation-groups/{int:pk}/participants", response={201: ParticipantOut}, summary="疗休养报名")
def recuperation_participant_add(request, pk: int, payload: ParticipantIn):
    require_permission(request, RecuperationParticipant, "add")
    group = RecuperationGroup.objects.filter(pk=pk).first()
    if group is None or not selectors_health.routes_for(request.user).filter(pk=group.route_id).exists():
        raise HttpError(404, NOT_FOUND)
    if not Member.objects.restrict(request.user, "view").filter(pk=payload.member_id).exists():
        raise HttpError(422, f"会员 {payload.member_id} 不存在或不在您的数据权限范围内。")
    try:
        participant = services_recuperation.participant_add(
            user=request.user,
            group=group,
            member=payload.member_id,
            front_line=payload.front_line,
            repeat_allowed=payload.repeat_allowed,
            repeat_reason=payload.repeat_reason,
            note=payload.note,
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, participant)


@router.post("/recuperation-participants/{int:pk}/status", response=ParticipantOut, summary="确认、完成或取消疗休养")
def recuperation_participant_status(request, pk: int, payload: ParticipantStatusIn):
    try:
        participant = get_restricted_or_404(RecuperationParticipant, request.user, "change", pk=pk)
    except Http404:
        raise HttpError(404, NOT_FOUND) from None
    try:
        return services_recuperation.participant_set_status(
            user=request.user, participant=participant, status=payload.status, completed_on=payload.completed_on
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.get("/recuperation-quotas", response=list[QuotaOut], summary="疗休养名额列表")
@paginate(PageNumberPagination)
def recuperation_quota_list(request, year: int | None = None):
    require_permission(request, RecuperationQuota, "view")
    queryset = selectors_health.quotas_for(request.user)
    return queryset.filter(year=year) if year else queryset


@router.put("/recuperation-quotas", response=QuotaOut, summary="下达（修改）单位年度疗休养名额")
def recuperation_quota_save(request, payload: QuotaIn):
    require_permission(request, RecuperationQuota, "add")
    data = api_payload(request, payload.dict())
    try:
        return services_recuperation.quota_save(
            user=request.user, org=data["org"], year=data["year"], quota=data["quota"], note=data["note"]
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
