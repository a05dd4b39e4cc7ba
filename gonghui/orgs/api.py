"""Organisations and employers over JSON: the same selectors, services and restrict as the pages."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs import selectors, services
from gonghui.orgs.models import (
    Employer,
    FederationLevel,
    Industry,
    Organization,
    OrgStatus,
    OrgType,
    Ownership,
)

router = Router(tags=["组织"])


class OrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    org_type: OrgType
    level: FederationLevel | None = None
    region_code: str
    status: OrgStatus
    founded_on: datetime.date | None
    chair_name: str
    term_end: datetime.date | None
    contact_person: str
    address: str
    depth: int
    numchild: int
    parent_id: int | None = None

    @staticmethod
    def resolve_level(obj):
        return obj.level or None

    @staticmethod
    def resolve_parent_id(obj):
        parent = Organization.objects.get_parent(obj)
        return parent.pk if parent else None


class OrganizationIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    short_name: str = ""
    code: str = Field(..., min_length=1, max_length=32)
    org_type: OrgType
    level: FederationLevel | None = None
    region_code: str = Field(..., pattern=r"^\d{6}$")
    status: OrgStatus = OrgStatus.ACTIVE
    founded_on: datetime.date | None = None
    chair_name: str = ""
    term_end: datetime.date | None = None
    contact_person: str = ""
    contact_phone: str = ""
    address: str = ""


class OrganizationCreate(OrganizationIn):
    parent_id: int


class OrganizationPatch(Schema):
    name: str | None = None
    short_name: str | None = None
    code: str | None = None
    org_type: OrgType | None = None
    level: FederationLevel | None = None
    region_code: str | None = None
    status: OrgStatus | None = None
    founded_on: datetime.date | None = None
    chair_name: str | None = None
    term_end: datetime.date | None = None
    contact_person: str | None = None
    contact_phone: str | None = None
    address: str | None = None


class OrganizationFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["name__icontains", "short_name__icontains", "code__iexact"])] = None
    org_type: OrgType | None = None
    status: OrgStatus | None = None
    region_code: Annotated[str | None, FilterLookup("region_code__startswith")] = None


class EmployerOut(Schema):
    id: int
    name: str
    uscc: str
    ownership: Ownership
    industry: Industry
    staff_count: int
    women_count: int
    address: str
    region_code: str
    is_platform: bool
    union_id: int | None
    org_id: int


class EmployerIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    uscc: str = Field(..., min_length=18, max_length=18)
    ownership: Ownership
    industry: Industry
    staff_count: int = Field(0, ge=0)
    women_count: int = Field(0, ge=0)
    address: str = ""
    region_code: str = Field(..., pattern=r"^\d{6}$")
    is_platform: bool = False
    union_id: int | None = None
    org_id: int | None = None


class EmployerPatch(Schema):
    name: str | None = None
    uscc: str | None = None
    ownership: Ownership | None = None
    industry: Industry | None = None
    staff_count: int | None = Field(None, ge=0)
    women_count: int | None = Field(None, ge=0)
    address: str | None = None
    region_code: str | None = None
    is_platform: bool | None = None
    union_id: int | None = None
    org_id: int | None = None


class EmployerFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["name__icontains", "uscc__iexact"])] = None
    ownership: Ownership | None = None
    industry: Industry | None = None
    is_platform: bool | None = None
    union_id: int | None = None


def _org(request, pk: int, action: str = "view") -> Organization:
    return get_restricted_or_404(Organization, request.user, action, pk=pk)


def _visible_org(request, pk: int | None, action: str = "view") -> Organization | None:
    if pk is None:
        return None
    try:
        return _org(request, pk, action)
    except Http404:
        raise HttpError(422, f"单位 {pk} 不存在或不在您的数据权限范围内。") from None


@router.get("/orgs", response=list[OrganizationOut], summary="工会组织列表")
@paginate(PageNumberPagination)
def list_orgs(request, filters: Query[OrganizationFilter]):
    require_permission(request, Organization, "view")
    return filters.filter(Organization.objects.restrict(request.user, "view"))


@router.get("/orgs/{pk}", response=OrganizationOut, summary="工会组织详情")
def get_org(request, pk: int):
    return _org(request, pk)


@router.get("/orgs/{pk}/children", response=list[OrganizationOut], summary="直属下级组织")
@paginate(PageNumberPagination)
def org_children(request, pk: int):
    parent = _org(request, pk)
    return selectors.children_with_counts(request.user, parent)


@router.post("/orgs", response={201: OrganizationOut}, summary="设立组织")
def create_org(request, payload: OrganizationCreate):
    require_permission(request, Organization, "add")
    data = payload.dict(exclude={"parent_id"})
    data["level"] = data["level"] or ""
    parent = _visible_org(request, payload.parent_id, "add")
    try:
        return Status(201, services.org_create(user=request.user, parent=parent, data=data))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.patch("/orgs/{pk}", response=OrganizationOut, summary="修改组织")
def update_org(request, pk: int, payload: OrganizationPatch):
    org = _org(request, pk, "change")
    data = payload.dict(exclude_unset=True)
    if "level" in data:
        data["level"] = data["level"] or ""
    try:
        return services.org_update(user=request.user, org=org, data=data)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.get("/employers", response=list[EmployerOut], summary="用人单位列表")
@paginate(PageNumberPagination)
def list_employers(request, filters: Query[EmployerFilter]):
    require_permission(request, Employer, "view")
    return filters.filter(Employer.objects.restrict(request.user, "view"))


@router.get("/employers/{pk}", response=EmployerOut, summary="用人单位详情")
def get_employer(request, pk: int):
    return get_restricted_or_404(Employer, request.user, "view", pk=pk)


def _employer_data(request, payload: dict) -> dict:
    data = dict(payload)
    if "union_id" in data:
        data["union"] = _visible_org(request, data.pop("union_id"))
    if "org_id" in data:
        data["org"] = _visible_org(request, data.pop("org_id"))
    return data


@router.post("/employers", response={201: EmployerOut}, summary="新增用人单位")
def create_employer(request, payload: EmployerIn):
    require_permission(request, Employer, "add")
    try:
        return Status(201, services.employer_create(user=request.user, data=_employer_data(request, payload.dict())))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.patch("/employers/{pk}", response=EmployerOut, summary="修改用人单位")
def update_employer(request, pk: int, payload: EmployerPatch):
    employer = get_restricted_or_404(Employer, request.user, "change", pk=pk)
    data = _employer_data(request, payload.dict(exclude_unset=True))
    try:
        return services.employer_update(user=request.user, employer=employer, data=data)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
