"""JSON API of rights protection: the same selectors, services and restrict as the pages.

Personal data leaves only masked (``phone_masked``, ``id_number_masked``); the full values are on the
page's logged 显示完整信息 only. Registration takes the numbers in the body, never in the URL.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs.models import Employer, Organization
from gonghui.rights import selectors, services
from gonghui.rights import selectors_supervision as supervision
from gonghui.rights.models import (
    BargainingInstructor,
    CaseCategory,
    CaseState,
    Channel,
    CollectiveContract,
    DutySlot,
    Lawyer,
    LegalAidCase,
    LegalSupervisionCommittee,
    Outcome,
    RightsCase,
    Satisfaction,
    Tier,
)

router = Router(tags=["权益保障"])


class CaseOut(Schema):
    id: int
    number: str
    channel: Channel
    category: CaseCategory
    tier: Tier
    state: CaseState
    title: str
    is_anonymous: bool
    complainant_name: str
    phone_masked: str
    id_number_masked: str
    persons_count: int
    is_group_incident: bool
    employer_name: str
    received_by_id: int = Field(..., description="受理单位")
    org_id: int = Field(..., description="承办单位")
    org_name: str
    received_at: datetime.datetime
    dispatched_at: datetime.datetime | None
    responded_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    callback_at: datetime.datetime | None
    dispatch_due: datetime.datetime
    response_due: datetime.datetime
    resolution_due: datetime.datetime
    callback_due: datetime.datetime | None
    current_due: datetime.datetime | None = Field(None, description="当前环节时限")
    light: str = Field(..., description="green 绿 / yellow 黄（临近时限）/ red 红（已超时）/ closed 已结案")
    outcome: str
    amount_recovered: Decimal
    satisfaction: str

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_light(obj):
        return getattr(obj, "light", None) or selectors.case_light(obj, timezone.now())


class CaseDetailOut(CaseOut):
    description: str
    resolution: str
    callback_note: str


class CaseIn(Schema):
    channel: Channel
    category: CaseCategory
    tier: Tier = Tier.GENERAL
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1)
    received_at: datetime.datetime | None = Field(None, description="接听（收到）时间，默认现在")
    received_by_id: int | None = Field(None, description="受理单位，默认本单位")
    is_anonymous: bool = False
    complainant_name: str = ""
    id_number: str = Field("", description="身份证号码（可选，加密保存）")
    phone: str = Field("", description="手机号码（可选，加密保存）")
    persons_count: int = Field(1, ge=1)
    is_group_incident: bool = False
    employer_id: int | None = None
    employer_name: str = ""


class UnitIn(Schema):
    org_id: int = Field(..., description="承办（转办）单位")
    text: str = Field("", max_length=500, description="派单意见或转办原因")


class TextIn(Schema):
    text: str = Field("", max_length=5000)


class ResolveIn(Schema):
    outcome: Outcome
    resolution: str = Field(..., min_length=1, max_length=5000)
    amount_recovered: Decimal = Field(Decimal(0), ge=0)


class CallbackIn(Schema):
    satisfaction: Satisfaction
    note: str = Field("", max_length=500)


def _case(request, pk: int) -> RightsCase:
    return get_restricted_or_404(RightsCase.objects.select_related("org", "received_by"), request.user, "view", pk=pk)


def _unit(request, pk: int | None) -> Organization | None:
    if pk is None:
        return None
    unit = selectors.unit_choices(request.user).filter(pk=pk).first()
    if unit is None:
        raise HttpError(422, "单位不存在或不在您的数据权限范围内。")
    return unit


@router.get("/rights/cases", response=list[CaseOut], summary="维权案件列表")
@paginate(PageNumberPagination)
def list_cases(
    request,
    state: CaseState | None = None,
    channel: Channel | None = None,
    category: CaseCategory | None = None,
    overdue: bool | None = None,
    group: bool | None = None,
    received_from: datetime.date | None = None,
    received_to: datetime.date | None = None,
):
    """``overdue=true``: open cases past their current deadline (red)."""
    require_permission(request, RightsCase, "view")
    now = timezone.now()
    queryset = selectors.with_light(selectors.cases_for(request.user, "view"), now)
    for field, value in (("state", state), ("channel", channel), ("category", category), ("is_group_incident", group)):
        if value is not None:
            queryset = queryset.filter(**{field: value})
    if received_from:
        queryset = queryset.filter(received_on__gte=received_from)
    if received_to:
        queryset = queryset.filter(received_on__lte=received_to)
    if overdue is not None:
        condition = selectors.overdue_q(now)
        queryset = queryset.filter(condition) if overdue else queryset.exclude(condition)
    return queryset.order_by("-received_at", "-pk")


@router.get("/rights/cases/{int:pk}", response=CaseDetailOut, summary="维权案件详情")
def get_case(request, pk: int):
    return _case(request, pk)


@router.post("/rights/cases", response={201: CaseDetailOut}, summary="登记维权案件")
def register_case(request, payload: CaseIn):
    require_permission(request, RightsCase, "add")
    data = payload.dict()
    data["received_by"] = _unit(request, data.pop("received_by_id"))
    employer_id = data.pop("employer_id")
    data["employer"] = None
    if employer_id is not None:
        data["employer"] = Employer.objects.restrict(request.user, "view").filter(pk=employer_id).first()
        if data["employer"] is None:
            raise HttpError(422, "employer_id: 用人单位不存在或不在您的数据权限范围内。")
    try:
        return Status(201, services.case_register(user=request.user, data=data))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


def _step(request, pk: int, call):
    case = _case(request, pk)
    try:
        call(case)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return _case(request, pk)


@router.post("/rights/cases/{int:pk}/dispatch", response=CaseOut, summary="派单（受理单位）")
def dispatch_case(request, pk: int, payload: UnitIn):
    unit = _unit(request, payload.org_id)
    return _step(
        request, pk, lambda case: services.case_dispatch(user=request.user, case=case, to_org=unit, note=payload.text)
    )


@router.post("/rights/cases/{int:pk}/transfer", response=CaseOut, summary="转办（受理单位）")
def transfer_case(request, pk: int, payload: UnitIn):
    unit = _unit(request, payload.org_id)
    return _step(
        request,
        pk,
        lambda case: services.case_transfer(user=request.user, case=case, to_org=unit, reason=payload.text),
    )


@router.post("/rights/cases/{int:pk}/respond", response=CaseOut, summary="首次响应（承办单位）")
def respond_case(request, pk: int, payload: TextIn):
    return _step(request, pk, lambda case: services.case_respond(user=request.user, case=case, text=payload.text))


@router.post("/rights/cases/{int:pk}/urge", response=CaseOut, summary="督办（受理单位）")
def urge_case(request, pk: int, payload: TextIn):
    return _step(request, pk, lambda case: services.case_urge(user=request.user, case=case, text=payload.text))


@router.post("/rights/cases/{int:pk}/resolve", response=CaseOut, summary="办结（承办单位）")
def resolve_case(request, pk: int, payload: ResolveIn):
    return _step(
        request,
        pk,
        lambda case: services.case_resolve(
            user=request.user,
            case=case,
            outcome=payload.outcome,
            resolution=payload.resolution,
            amount_recovered=payload.amount_recovered,
        ),
    )


@router.post("/rights/cases/{int:pk}/callback", response=CaseOut, summary="回访（受理单位）")
def callback_case(request, pk: int, payload: CallbackIn):
    return _step(
        request,
        pk,
        lambda case: services.case_callback(
            user=request.user, case=case, satisfaction=payload.satisfaction, note=payload.note
        ),
    )


class FiguresOut(Schema):
    cases: int
    persons: int
    group_incidents: int
    amount: Decimal
    open: int
    rates: dict[str, float | None]


@router.get("/rights/figures", response=FiguresOut, summary="维权统计（本单位及下级）")
def case_figures(
    request, org_id: int | None = None, date_from: datetime.date | None = None, date_to: datetime.date | None = None
):
    require_permission(request, RightsCase, "view")
    queryset = selectors.cases_for(request.user, "view")
    if org_id is not None:
        org = get_restricted_or_404(Organization, request.user, "view", pk=org_id)
        queryset = queryset.filter(org__path__startswith=org.path)
    if date_from:
        queryset = queryset.filter(received_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(received_on__lte=date_to)
    return selectors.case_figures(queryset)


# --- the other registers (read) ------------------------------------------------------------------------


class AidOut(Schema):
    id: int
    org_id: int
    kind: str
    applicant_name: str
    phone_masked: str
    persons_count: int
    employer_name: str
    lawyer_id: int | None
    rights_case_id: int | None
    accepted_on: datetime.date
    closed_on: datetime.date | None
    outcome: str
    amount_recovered: Decimal


class LawyerOut(Schema):
    id: int
    org_id: int
    name: str
    kind: str
    law_firm: str
    license_number: str
    specialties: str
    phone_masked: str
    is_active: bool


class SlotOut(Schema):
    id: int
    org_id: int
    lawyer_id: int
    lawyer_name: str
    location: str
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    capacity: int
    booked: int

    @staticmethod
    def resolve_lawyer_name(obj):
        return obj.lawyer.name


class CommitteeOut(Schema):
    id: int
    org_id: int
    name: str
    employer_id: int | None
    established_on: datetime.date
    chair_name: str
    member_count: int
    document_count: int


class ContractOut(Schema):
    id: int
    org_id: int
    kind: str
    title: str
    employer_ids: list[int]
    signed_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date
    workers_covered: int
    wage_increase: Decimal | None
    filed_on: datetime.date | None
    filing_number: str

    @staticmethod
    def resolve_employer_ids(obj):
        return sorted(employer.pk for employer in obj.employers.all())


class InstructorOut(Schema):
    id: int
    org_id: int
    name: str
    phone_masked: str
    background: str
    appointed_on: datetime.date
    is_active: bool
    assigned_unit_ids: list[int]

    @staticmethod
    def resolve_assigned_unit_ids(obj):
        return sorted(unit.pk for unit in obj.assigned_units.all())


@router.get("/rights/legal-aid", response=list[AidOut], summary="法律援助案件列表")
@paginate(PageNumberPagination)
def list_legal_aid(request):
    require_permission(request, LegalAidCase, "view")
    return LegalAidCase.objects.restrict(request.user, "view").order_by("-accepted_on", "-pk")


@router.get("/rights/lawyers", response=list[LawyerOut], summary="律师团成员列表")
@paginate(PageNumberPagination)
def list_lawyers(request):
    require_permission(request, Lawyer, "view")
    return Lawyer.objects.restrict(request.user, "view").order_by("name", "pk")


@router.get("/rights/duty-slots", response=list[SlotOut], summary="律师值班安排")
@paginate(PageNumberPagination)
def list_duty_slots(request, date_from: datetime.date | None = None):
    require_permission(request, DutySlot, "view")
    queryset = supervision.slots_for(request.user, "view")
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    return queryset.order_by("date", "start_time", "pk")


@router.get("/rights/committees", response=list[CommitteeOut], summary="劳动法律监督委员会列表")
@paginate(PageNumberPagination)
def list_committees(request):
    require_permission(request, LegalSupervisionCommittee, "view")
    return supervision.committees_for(request.user, "view").order_by("-established_on", "pk")


@router.get("/rights/contracts", response=list[ContractOut], summary="集体合同列表")
@paginate(PageNumberPagination)
def list_contracts(request, expiring: bool | None = None):
    """``expiring=true``: contracts ending within 60 days."""
    require_permission(request, CollectiveContract, "view")
    queryset = CollectiveContract.objects.restrict(request.user, "view").prefetch_related("employers")
    if expiring is not None:
        condition = supervision.expiring_q(timezone.localdate())
        queryset = queryset.filter(condition) if expiring else queryset.exclude(condition)
    return queryset.order_by("ends_on", "pk")


@router.get("/rights/instructors", response=list[InstructorOut], summary="集体协商指导员列表")
@paginate(PageNumberPagination)
def list_instructors(request):
    require_permission(request, BargainingInstructor, "view")
    return supervision.instructors_for(request.user, "view").order_by("name", "pk")
