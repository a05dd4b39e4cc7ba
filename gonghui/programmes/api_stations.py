"""Stations over JSON: the same selectors, services and restrict as the pages."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.programmes import selectors_stations, services_stations
from gonghui.programmes.common import api_payload
from gonghui.programmes.models.stations import (
    FACILITY_BITS,
    BuildKind,
    CoordSystem,
    HostType,
    Inspection,
    InspectionResult,
    Station,
    StationStatus,
    UsageReport,
)

router = Router(tags=["工会驿站"])

Facility = Annotated[str, Field(description="设施编码：" + "、".join(FACILITY_BITS))]


class StationOut(Schema):
    id: int
    org_id: int
    name: str
    host_type: HostType
    host_name: str
    address: str
    region_code: str
    lat: float = Field(description="登记的纬度（coord_system 坐标系）")
    lng: float
    coord_system: CoordSystem
    wgs_lat: float = Field(description="换算到 WGS-84 的纬度")
    wgs_lng: float
    opening_hours: str
    service_phone: str
    facilities: list[str]
    star_rating: int
    star_rated_on: datetime.date | None
    star_grounds: str
    status: StationStatus
    build_kind: BuildKind
    built_on: datetime.date | None
    inspection_interval_days: int
    last_inspected_on: datetime.date | None
    next_inspection_due: datetime.date | None

    @staticmethod
    def resolve_facilities(obj):
        return obj.facility_codes


class NearbyOut(Schema):
    distance_m: float
    station: StationOut


class StationIn(Schema):
    org_id: int
    name: str = Field(..., min_length=1, max_length=100)
    host_type: HostType = HostType.EMPLOYER
    host_name: str = Field(..., min_length=1, max_length=100)
    address: str = Field(..., min_length=1, max_length=200)
    region_code: str = Field(..., pattern=r"^\d{6}$")
    lat: float = Field(..., ge=-90, le=90)
    lng: float = Field(..., ge=-180, le=180)
    coord_system: CoordSystem = CoordSystem.GCJ02
    opening_hours: str = Field(..., min_length=1, max_length=100)
    service_phone: str = ""
    facilities: list[Facility] = []
    star_rating: int = Field(0, ge=0, le=5)
    star_rated_on: datetime.date | None = None
    star_grounds: str = ""
    status: StationStatus = StationStatus.OPERATING
    build_kind: BuildKind = BuildKind.NEW
    built_on: datetime.date | None = None
    inspection_interval_days: int = Field(90, ge=7, le=366)
    remark: str = ""


class StationPatch(Schema):
    org_id: int | None = None
    name: str | None = None
    host_type: HostType | None = None
    host_name: str | None = None
    address: str | None = None
    region_code: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    coord_system: CoordSystem | None = None
    opening_hours: str | None = None
    service_phone: str | None = None
    facilities: list[Facility] | None = None
    star_rating: int | None = Field(None, ge=0, le=5)
    star_rated_on: datetime.date | None = None
    star_grounds: str | None = None
    status: StationStatus | None = None
    build_kind: BuildKind | None = None
    built_on: datetime.date | None = None
    inspection_interval_days: int | None = Field(None, ge=7, le=366)
    remark: str | None = None


class StationFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["name__icontains", "address__icontains", "host_name__icontains"])] = None
    status: StationStatus | None = None
    region_code: Annotated[str | None, FilterLookup("region_code__startswith")] = None
    star_rating: int | None = None
    built_from: Annotated[datetime.date | None, FilterLookup("built_on__gte")] = None
    built_to: Annotated[datetime.date | None, FilterLookup("built_on__lte")] = None


class InspectionOut(Schema):
    id: int
    station_id: int
    inspected_on: datetime.date
    inspector: str
    checklist: dict[str, bool]
    result: InspectionResult
    issues_found: str
    fix_deadline: datetime.date | None
    follow_up_of_id: int | None
    fixed_on: datetime.date | None


class InspectionIn(Schema):
    inspected_on: datetime.date
    inspector: str = Field(..., min_length=1, max_length=50)
    passed_items: list[str] = Field(default=[], description="达标的检查项编码；未列出的即不达标")
    result: InspectionResult
    issues_found: str = ""
    fix_deadline: datetime.date | None = None
    follow_up_of_id: int | None = Field(None, description="复查时填原巡查的编号")


class UsageIn(Schema):
    month: datetime.date = Field(..., description="该月任意一天，按月保存")
    visits: int = Field(..., ge=0, le=1_000_000)
    remark: str = ""


class UsageOut(Schema):
    id: int
    station_id: int
    month: datetime.date
    visits: int
    remark: str


def _check_facilities(codes: list[str] | None) -> None:
    unknown = [code for code in codes or () if code not in FACILITY_BITS]
    if unknown:
        raise HttpError(422, f"未知的设施编码：{'、'.join(unknown)}；可选：{'、'.join(FACILITY_BITS)}。")


def _data(request, payload: dict) -> dict:
    data = api_payload(request, payload)
    _check_facilities(data.get("facilities"))
    return data


@router.get("/stations", response=list[StationOut], summary="驿站列表")
@paginate(PageNumberPagination)
def list_stations(request, filters: Query[StationFilter], facility: Annotated[list[Facility] | None, Query()] = None):
    require_permission(request, Station, "view")
    _check_facilities(facility)
    queryset = filters.filter(selectors_stations.stations_for(request.user))
    return selectors_stations.with_facilities(queryset, facility or [])


@router.get("/stations/nearest", response=list[NearbyOut], summary="离某点最近的驿站")
def nearest_stations(
    request,
    lat: float = Query(..., ge=-90, le=90),
    lng: float = Query(..., ge=-180, le=180),
    coord_system: CoordSystem = CoordSystem.WGS84,
    limit: int = Query(10, ge=1, le=100),
    any_status: bool = Query(False, description="包括建设中、暂停的驿站（默认只查运营中的）"),
    facility: Annotated[list[Facility] | None, Query()] = None,
    max_distance_m: float | None = Query(None, gt=0, le=2_000_000),
):
    """The nearest stations in your scope to a point, nearest first, with the great-circle distance in metres.
    The point may be given in WGS-84, GCJ-02 or BD-09."""
    require_permission(request, Station, "view")
    _check_facilities(facility)
    queryset = Station.objects.restrict(request.user, "view")
    if not any_status:
        queryset = queryset.filter(status=StationStatus.OPERATING)
    queryset = selectors_stations.with_facilities(queryset, facility or [])
    found = selectors_stations.nearest(
        queryset, lat, lng, coord_system=coord_system, limit=limit, max_distance_m=max_distance_m
    )
    return [{"distance_m": round(item.distance_m, 1), "station": item.station} for item in found]


@router.get("/stations/overdue", response=list[StationOut], summary="巡查超期的驿站")
@paginate(PageNumberPagination)
def overdue_stations(request):
    require_permission(request, Station, "view")
    return selectors_stations.overdue_inspections(request.user)


@router.get("/stations/{int:pk}", response=StationOut, summary="驿站详情")
def get_station(request, pk: int):
    return get_restricted_or_404(Station, request.user, "view", pk=pk)


@router.post("/stations", response={201: StationOut}, summary="登记驿站")
def create_station(request, payload: StationIn):
    require_permission(request, Station, "add")
    data = _data(request, payload.dict())
    try:
        return Status(201, services_stations.station_create(user=request.user, data=data))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.patch("/stations/{int:pk}", response=StationOut, summary="修改驿站")
def update_station(request, pk: int, payload: StationPatch):
    station = get_restricted_or_404(Station, request.user, "change", pk=pk)
    data = _data(request, payload.dict(exclude_unset=True))
    try:
        return services_stations.station_update(user=request.user, station=station, data=data)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.delete("/stations/{int:pk}", response={204: None}, summary="删除驿站")
def delete_station(request, pk: int):
    station = get_restricted_or_404(Station, request.user, "delete", pk=pk)
    try:
        services_stations.station_delete(user=request.user, station=station)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(204, None)


@router.get("/stations/{int:pk}/inspections", response=list[InspectionOut], summary="驿站巡查记录")
@paginate(PageNumberPagination)
def list_inspections(request, pk: int):
    station = get_restricted_or_404(Station, request.user, "view", pk=pk)
    return Inspection.objects.restrict(request.user, "view").filter(station=station)


@router.post("/stations/{int:pk}/inspections", response={201: InspectionOut}, summary="登记巡查或复查")
def create_inspection(request, pk: int, payload: InspectionIn):
    station = get_restricted_or_404(Station, request.user, "change", pk=pk)
    require_permission(request, Inspection, "add")
    data = payload.dict()
    follow_up = None
    if data.pop("follow_up_of_id"):
        try:
            follow_up = get_restricted_or_404(
                Inspection, request.user, "change", pk=payload.follow_up_of_id, station=station
            )
        except Http404:
            raise HttpError(422, f"巡查 {payload.follow_up_of_id} 不是该驿站的巡查或不在您的数据权限范围内。") from None
    try:
        inspection = services_stations.inspection_create(
            user=request.user, station=station, data=data, follow_up_of=follow_up
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, inspection)


@router.put("/stations/{int:pk}/usage", response=UsageOut, summary="填报或更正某月服务人次")
def save_usage(request, pk: int, payload: UsageIn):
    station = get_restricted_or_404(Station, request.user, "change", pk=pk)
    require_permission(request, UsageReport, "add")
    try:
        return services_stations.usage_report_save(
            user=request.user, station=station, month=payload.month, visits=payload.visits, remark=payload.remark
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
