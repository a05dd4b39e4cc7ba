"""建会 and 换届 over JSON: the same selectors, services and restrict as the pages."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs import selectors_establishment as selectors
from gonghui.orgs import services_establishment as services
from gonghui.orgs.models import Employer, Organization
from gonghui.orgs.models_establishment import (
    EstablishmentCase,
    EstablishmentState,
    LeadSource,
    ReElection,
    ReElectionStatus,
)

router = Router(tags=["建会与换届"])


class StepOut(Schema):
    kind: str
    acted_on: datetime.date
    actor_name: str
    deadline: datetime.date | None
    note: str


class EstablishmentOut(Schema):
    id: int
    number: str
    union_name: str
    union_type: str
    union_code: str
    region_code: str
    org_id: int
    employer_ids: list[int]
    lead_source: LeadSource
    state: EstablishmentState
    applied_on: datetime.date
    deadline: datetime.date | None
    worker_count: int
    member_count: int
    chair_name: str
    vice_chairs: str
    committee: str
    created_union_id: int | None
    closed_on: datetime.date | None

    @staticmethod
    def resolve_employer_ids(obj):
        return [e.pk for e in obj.employers.all()]


class EstablishmentDetailOut(EstablishmentOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.all())


class EstablishmentIn(Schema):
    org_id: int
    employer_ids: list[int] = []
    union_name: str = Field(..., min_length=1, max_length=100)
    union_type: str = "grassroots"
    union_code: str = Field(..., min_length=1, max_length=32)
    region_code: str = ""
    lead_source: LeadSource = LeadSource.MANUAL
    applicant_name: str = Field(..., min_length=1, max_length=40)
    worker_count: int = Field(0, ge=0)
    applied_on: datetime.date
    term_years: int = Field(5, ge=1, le=5)
    remark: str = ""


class StepIn(Schema):
    acted_on: datetime.date
    note: str = ""
    member_count: int | None = None
    election_on: datetime.date | None = None
    chair_name: str = ""
    vice_chairs: str = ""
    committee: str = ""


class ReasonIn(Schema):
    acted_on: datetime.date
    reason: str = Field(..., min_length=1)


class EstablishmentFilter(Schema):
    state: EstablishmentState | None = None
    q: str | None = None


class LeadOut(Schema):
    source: str
    employer_id: int | None
    employer_name: str
    staff_count: int
    band: str
    applicants: int
    unions: str


class ReElectionOut(Schema):
    id: int
    org_id: int
    status: ReElectionStatus
    previous_term_end: datetime.date | None
    planned_on: datetime.date | None
    election_on: datetime.date | None
    term_start: datetime.date | None
    term_end: datetime.date | None
    chair_name: str
    vice_chairs: str
    committee: str
    approved_on: datetime.date | None


class ReElectionIn(Schema):
    org_id: int
    planned_on: datetime.date | None = None
    remark: str = ""


class ResultsIn(Schema):
    election_on: datetime.date
    term_start: datetime.date | None = None
    term_end: datetime.date | None = None
    chair_name: str = Field(..., min_length=1, max_length=40)
    vice_chairs: str = ""
    committee: str = ""


class ApproveIn(Schema):
    approved_on: datetime.date


class TermOut(Schema):
    id: int
    name: str
    code: str
    chair_name: str
    term_end: datetime.date
    reelection_open: bool


def _visible(model, request, pk: int, action: str, label: str):
    try:
        return get_restricted_or_404(model, request.user, action, pk=pk)
    except Http404:
        raise HttpError(422, f"{label} {pk} 不存在或不在您的数据权限范围内。") from None


def _case(request, pk: int, action: str = "view") -> EstablishmentCase:
    return get_restricted_or_404(selectors.cases_for(request.user, action), request.user, action, pk=pk)


@router.get("/establishments", response=list[EstablishmentOut], summary="建会案卷列表")
@paginate(PageNumberPagination)
def establishment_list(request, filters: Query[EstablishmentFilter]):
    require_permission(request, EstablishmentCase, "view")
    queryset = selectors.cases_for(request.user).prefetch_related("employers")
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.q:
        queryset = queryset.filter(union_name__icontains=filters.q)
    return queryset


@router.get("/establishments/overdue", response=list[EstablishmentOut], summary="建会超期案卷")
@paginate(PageNumberPagination)
def establishment_overdue(request):
    require_permission(request, EstablishmentCase, "view")
    return selectors.overdue_cases(request.user).prefetch_related("employers")


@router.get("/establishments/leads", response=list[LeadOut], summary="建会线索")
@paginate(PageNumberPagination)
def establishment_leads(request, band: str = "", q: str = ""):
    require_permission(request, Employer, "view")
    return [
        {
            "source": lead.source,
            "employer_id": lead.employer.pk if lead.employer else None,
            "employer_name": lead.employer_name,
            "staff_count": lead.staff_count,
            "band": lead.band,
            "applicants": lead.applicants,
            "unions": lead.unions,
        }
        for lead in selectors.leads_for(request.user, band=band, q=q)
    ]


@router.get("/establishments/{int:pk}", response=EstablishmentDetailOut, summary="建会案卷详情")
def establishment_detail(request, pk: int):
    return _case(request, pk)


@router.post("/establishments", response={201: EstablishmentDetailOut}, summary="登记建会申请")
def establishment_create(request, payload: EstablishmentIn):
    require_permission(request, EstablishmentCase, "add")
    parent = _visible(Organization, request, payload.org_id, "add", "上级工会")
    employers = [_visible(Employer, request, pk, "view", "用人单位") for pk in payload.employer_ids]
    data = payload.dict(exclude={"org_id", "employer_ids"})
    try:
        case = services.establishment_create(user=request.user, parent=parent, employers=employers, data=data)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, case)


@router.post("/establishments/{int:pk}/advance", response=EstablishmentDetailOut, summary="办理下一环节")
def establishment_advance(request, pk: int, payload: StepIn):
    case = _case(request, pk)
    data = payload.dict(exclude={"acted_on", "note"})
    try:
        if case.state == EstablishmentState.RETURNED:
            return services.establishment_resubmit(
                user=request.user, case=case, acted_on=payload.acted_on, note=payload.note
            )
        return services.establishment_advance(
            user=request.user, case=case, acted_on=payload.acted_on, note=payload.note, data=data
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/establishments/{int:pk}/return", response=EstablishmentDetailOut, summary="退回修改")
def establishment_return(request, pk: int, payload: ReasonIn):
    case = _case(request, pk)
    try:
        return services.establishment_return(user=request.user, case=case, **payload.dict())
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/establishments/{int:pk}/reject", response=EstablishmentDetailOut, summary="不予批准")
def establishment_reject(request, pk: int, payload: ReasonIn):
    case = _case(request, pk)
    try:
        return services.establishment_reject(user=request.user, case=case, **payload.dict())
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


def _reelection(request, pk: int, action: str = "view") -> ReElection:
    return get_restricted_or_404(selectors.reelections_for(request.user, action), request.user, action, pk=pk)


@router.get("/reelections", response=list[ReElectionOut], summary="换届记录列表")
@paginate(PageNumberPagination)
def reelection_list(request, status: ReElectionStatus | None = None):
    require_permission(request, ReElection, "view")
    queryset = selectors.reelections_for(request.user)
    return queryset.filter(status=status) if status else queryset


@router.get("/reelections/due", response=list[TermOut], summary="到期换届工会")
@paginate(PageNumberPagination)
def reelection_due(request, window: str = "due"):
    require_permission(request, ReElection, "view")
    if window not in ("due", "three", "overdue"):
        raise HttpError(422, "window 只能是 due（六个月内）、three（三个月内）或 overdue（已超期）。")
    return selectors.term_orgs(request.user, window=window)


@router.get("/reelections/{int:pk}", response=ReElectionOut, summary="换届记录详情")
def reelection_detail(request, pk: int):
    return _reelection(request, pk)


@router.post("/reelections", response={201: ReElectionOut}, summary="计划换届")
def reelection_create(request, payload: ReElectionIn):
    require_permission(request, ReElection, "add")
    org = _visible(Organization, request, payload.org_id, "view", "工会")
    try:
        item = services.reelection_create(user=request.user, org=org, data=payload.dict(exclude={"org_id"}))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, item)


@router.post("/reelections/{int:pk}/results", response=ReElectionOut, summary="报送选举结果")
def reelection_results(request, pk: int, payload: ResultsIn):
    item = _reelection(request, pk)
    try:
        return services.reelection_record_results(user=request.user, re_election=item, data=payload.dict())
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/reelections/{int:pk}/approve", response=ReElectionOut, summary="批复换届结果")
def reelection_approve(request, pk: int, payload: ApproveIn):
    item = _reelection(request, pk)
    try:
        return services.reelection_approve(user=request.user, re_election=item, approved_on=payload.approved_on)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
