"""Service centres over JSON."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.programmes import services_centres
from gonghui.programmes.common import api_payload
from gonghui.programmes.models.centres import CenterKind, ConstructionStatus, ServiceCenter

router = Router(tags=["职工服务阵地"])


class CenterOut(Schema):
    id: int
    org_id: int
    name: str
    kind: CenterKind
    address: str
    region_code: str
    status: ConstructionStatus
    started_on: datetime.date | None
    completed_on: datetime.date | None
    transferred_on: datetime.date | None
    floor_area: Decimal | None
    investment: Decimal | None
    progress_note: str


class CenterIn(Schema):
    org_id: int
    name: str = Field(..., min_length=1, max_length=100)
    kind: CenterKind
    address: str = Field(..., min_length=1, max_length=200)
    region_code: str = Field(..., pattern=r"^\d{6}$")
    status: ConstructionStatus = ConstructionStatus.PLANNING
    started_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    transferred_on: datetime.date | None = None
    floor_area: Decimal | None = Field(None, ge=0)
    investment: Decimal | None = Field(None, ge=0)
    progress_note: str = ""


class CenterPatch(Schema):
    org_id: int | None = None
    name: str | None = None
    kind: CenterKind | None = None
    address: str | None = None
    region_code: str | None = None
    status: ConstructionStatus | None = None
    started_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    transferred_on: datetime.date | None = None
    floor_area: Decimal | None = Field(None, ge=0)
    investment: Decimal | None = Field(None, ge=0)
    progress_note: str | None = None


class CenterFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["name__icontains", "address__icontains"])] = None
    kind: CenterKind | None = None
    status: ConstructionStatus | None = None


@router.get("/service-centres", response=list[CenterOut], summary="职工服务阵地列表")
@paginate(PageNumberPagination)
def list_centres(request, filters: Query[CenterFilter]):
    require_permission(request, ServiceCenter, "view")
    return filters.filter(ServiceCenter.objects.restrict(request.user, "view"))


@router.get("/service-centres/{int:pk}", response=CenterOut, summary="职工服务阵地详情")
def get_centre(request, pk: int):
    return get_restricted_or_404(ServiceCenter, request.user, "view", pk=pk)


@router.post("/service-centres", response={201: CenterOut}, summary="登记职工服务阵地")
def create_centre(request, payload: CenterIn):
    require_permission(request, ServiceCenter, "add")
    try:
        return Status(201, services_centres.center_create(user=request.user, data=api_payload(request, payload.dict())))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.patch("/service-centres/{int:pk}", response=CenterOut, summary="修改职工服务阵地（如更新建设状态）")
def update_centre(request, pk: int, payload: CenterPatch):
    center = get_restricted_or_404(ServiceCenter, request.user, "change", pk=pk)
    data = api_payload(request, payload.dict(exclude_unset=True))
    try:
        return services_centres.center_update(user=request.user, center=center, data=data)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
