"""就业服务 over JSON: job fairs and their participating employers, through the same services and restrict."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs.models import Employer
from gonghui.programmes import services_jobfairs
from gonghui.programmes.common import api_payload
from gonghui.programmes.models.jobfairs import MAX_FIGURE, FairMode, FairStatus, JobFair, JobFairEmployer

router = Router(tags=["就业服务"])
Figure = Annotated[int, Field(ge=0, le=MAX_FIGURE)]


class JobFairOut(Schema):
    id: int
    org_id: int
    name: str
    mode: FairMode
    held_on: datetime.date
    ends_on: datetime.date | None
    organiser: str
    venue: str
    region_code: str
    status: FairStatus
    positions: int = Field(description="提供岗位数")
    applicants: int = Field(description="应聘人数")
    intents: int = Field(description="达成就业意向人数")
    remark: str


class JobFairIn(Schema):
    org_id: int
    name: str = Field(..., min_length=1, max_length=120)
    mode: FairMode = FairMode.OFFLINE
    held_on: datetime.date
    ends_on: datetime.date | None = None
    organiser: str = Field(..., min_length=1, max_length=120)
    venue: str = Field("", max_length=200)
    region_code: str = Field("", pattern=r"^(\d{6})?$")
    status: FairStatus = FairStatus.HELD
    positions: Figure = 0
    applicants: Figure = 0
    intents: Figure = 0
    remark: str = Field("", max_length=200)


class JobFairPatch(Schema):
    org_id: int | None = None
    name: str | None = Field(None, min_length=1, max_length=120)
    mode: FairMode | None = None
    held_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    organiser: str | None = Field(None, min_length=1, max_length=120)
    venue: str | None = Field(None, max_length=200)
    region_code: str | None = Field(None, pattern=r"^(\d{6})?$")
    status: FairStatus | None = None
    positions: Figure | None = None
    applicants: Figure | None = None
    intents: Figure | None = None
    remark: str | None = Field(None, max_length=200)


class JobFairFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["name__icontains", "organiser__icontains", "venue__icontains"])] = None
    mode: FairMode | None = None
    status: FairStatus | None = None
    held_from: Annotated[datetime.date | None, FilterLookup("held_on__gte")] = None
    held_to: Annotated[datetime.date | None, FilterLookup("held_on__lte")] = None


class FairEmployerOut(Schema):
    id: int
    fair_id: int
    employer_id: int | None = Field(None, description="已登记的用人单位；未登记的单位为空")
    employer_name: str
    positions: int
    applicants: int
    intents: int
    remark: str


class FairEmployerIn(Schema):
    employer_id: int | None = Field(None, description="已登记的用人单位（须在您的数据权限范围内）")
    employer_name: str = Field("", max_length=100, description="未登记的单位填名称；选了用人单位可留空")
    positions: Figure = 0
    applicants: Figure = 0
    intents: Figure = 0
    remark: str = Field("", max_length=200)


def _fair_data(request, payload: dict) -> dict:
    return api_payload(request, payload)


@router.get("/job-fairs", response=list[JobFairOut], summary="招聘会列表")
@paginate(PageNumberPagination)
def jobfairs_list(request, filters: Query[JobFairFilter]):
    require_permission(request, JobFair, "view")
    return filters.filter(JobFair.objects.restrict(request.user, "view")).order_by("-held_on", "-pk")


@router.get("/job-fairs/{int:pk}", response=JobFairOut, summary="招聘会详情")
def jobfairs_get(request, pk: int):
    return get_restricted_or_404(JobFair, request.user, "view", pk=pk)


@router.post("/job-fairs", response={201: JobFairOut}, summary="登记招聘会")
def jobfairs_create(request, payload: JobFairIn):
    require_permission(request, JobFair, "add")
    data = _fair_data(request, payload.dict())
    try:
        return Status(201, services_jobfairs.fair_create(user=request.user, data=data))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.patch(
    "/job-fairs/{int:pk}", response=JobFairOut, summary="修改招聘会（已登记参会单位的，三项数字按参会单位汇总）"
)
def jobfairs_update(request, pk: int, payload: JobFairPatch):
    fair = get_restricted_or_404(JobFair, request.user, "change", pk=pk)
    data = _fair_data(request, payload.dict(exclude_unset=True))
    try:
        return services_jobfairs.fair_update(user=request.user, fair=fair, data=data)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.delete("/job-fairs/{int:pk}", response={204: None}, summary="删除招聘会（连同参会单位）")
def jobfairs_delete(request, pk: int):
    fair = get_restricted_or_404(JobFair, request.user, "delete", pk=pk)
    try:
        services_jobfairs.fair_delete(user=request.user, fair=fair)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(204, None)


@router.get("/job-fairs/{int:pk}/employers", response=list[FairEmployerOut], summary="招聘会参会单位")
@paginate(PageNumberPagination)
def jobfairs_employers(request, pk: int):
    fair = get_restricted_or_404(JobFair, request.user, "view", pk=pk)
    return JobFairEmployer.objects.restrict(request.user, "view").filter(fair=fair)


@router.post("/job-fairs/{int:pk}/employers", response={201: FairEmployerOut}, summary="登记参会单位")
def jobfairs_employer_add(request, pk: int, payload: FairEmployerIn):
    fair = get_restricted_or_404(JobFair, request.user, "change", pk=pk)
    require_permission(request, JobFairEmployer, "add")
    data = payload.dict()
    employer_id = data.pop("employer_id")
    data["employer"] = None
    if employer_id is not None:
        try:
            data["employer"] = get_restricted_or_404(Employer, request.user, "view", pk=employer_id)
        except Http404:
            raise HttpError(422, f"用人单位 {employer_id} 不存在或不在您的数据权限范围内。") from None
    if not data["employer"] and not data["employer_name"].strip():
        raise HttpError(422, "请给出已登记的用人单位（employer_id）或参会单位名称（employer_name）。")
    try:
        return Status(201, services_jobfairs.employer_add(user=request.user, fair=fair, data=data))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.delete("/job-fairs/{int:pk}/employers/{int:row_pk}", response={204: None}, summary="删除参会单位")
def jobfairs_employer_delete(request, pk: int, row_pk: int):
    get_restricted_or_404(JobFair, request.user, "change", pk=pk)
    row = get_restricted_or_404(JobFairEmployer, request.user, "delete", pk=row_pk, fair_id=pk)
    try:
        services_jobfairs.employer_delete(user=request.user, row=row)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(204, None)
