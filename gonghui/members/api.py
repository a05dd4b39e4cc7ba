"""Members over JSON: the same selectors, services and restrict as the pages.

Responses carry only the masked ID and phone (computed at write time). The one exception is
``POST /members/{id}/reveal``: permission-checked exactly as the page's 显示完整信息, logged in the
operation log without the values, and answered with ``Cache-Control: no-store``.
"""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import get_restricted_or_404
from gonghui.members import selectors, services
from gonghui.members.models import (
    Education,
    EmploymentCategory,
    Ethnicity,
    Gender,
    Member,
    MemberStatus,
    NewEmploymentType,
    PoliticalStatus,
)
from gonghui.members.views import FULL_PII_DENIED
from gonghui.orgs.models import Employer, Organization

router = Router(tags=["会员"])


class MemberOut(Schema):
    id: int
    name: str
    id_number_masked: str = Field(..., description="脱敏身份证号，如 3204**********1234")
    phone_masked: str = Field(..., description="脱敏手机号，如 138****5678；无手机号为空")
    gender: Gender
    birth_year_month: str = Field(..., description="出生年月 YYYY-MM")
    ethnicity: str
    education: str
    political_status: PoliticalStatus
    employment_category: EmploymentCategory
    new_employment_type: str
    is_migrant_worker: bool
    employer_id: int | None
    employer_name: str
    org_id: int
    org_name: str
    join_date: datetime.date
    status: MemberStatus
    left_on: datetime.date | None
    member_card_number: str

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name


class MemberIn(Schema):
    org_id: int
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., min_length=15, max_length=30, description="18 位公民身份号码")
    phone: str = ""
    ethnicity: Ethnicity | None = Ethnicity.HAN
    education: Education | None = None
    political_status: PoliticalStatus = PoliticalStatus.MASSES
    employment_category: EmploymentCategory = EmploymentCategory.EMPLOYEE
    new_employment_type: NewEmploymentType | None = None
    is_migrant_worker: bool = False
    employer_id: int | None = None
    employer_name: str = ""
    join_date: datetime.date


class MemberPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    id_number: str | None = None
    phone: str | None = Field(None, description="空字符串表示清除手机号")
    ethnicity: Ethnicity | None = None
    education: Education | None = None
    political_status: PoliticalStatus | None = None
    employment_category: EmploymentCategory | None = None
    new_employment_type: NewEmploymentType | None = None
    is_migrant_worker: bool | None = None
    employer_id: int | None = None
    employer_name: str | None = None
    join_date: datetime.date | None = None


class MemberFilter(FilterSchema):
    q: str | None = Field(None, description="姓名（包含）、完整身份证号、完整手机号或会员证号")
    status: MemberStatus | None = None
    employment_category: EmploymentCategory | None = None
    new_employment_type: NewEmploymentType | None = None
    is_migrant_worker: bool | None = None
    gender: Gender | None = None
    joined_from: Annotated[datetime.date | None, FilterLookup("join_date__gte")] = None
    joined_to: Annotated[datetime.date | None, FilterLookup("join_date__lte")] = None

    def filter_q(self, value):
        return selectors.member_search_q(value) if value else Q()


class CountRow(Schema):
    value: str
    label: str
    count: int


class MemberCountsOut(Schema):
    org_id: int
    active: int
    transferred_out: int
    left: int
    deceased: int
    migrant_workers: int
    women: int
    new_employment: int
    by_category: list[CountRow]
    by_new_employment_type: list[CountRow]
    joined: int
    joined_since: datetime.date
    joined_until: datetime.date


def _visible(request, model, pk: int | None, label: str):
    if pk is None:
        return None
    try:
        return get_restricted_or_404(model, request.user, "view", pk=pk)
    except Http404:
        raise HttpError(422, f"{label} {pk} 不存在或不在您的数据权限范围内。") from None


def _member_data(request, payload: dict) -> dict:
    data = dict(payload)
    for key in ("ethnicity", "education", "new_employment_type"):
        if key in data and data[key] is None:
            data[key] = ""
    if "org_id" in data:
        data["org"] = _visible(request, Organization, data.pop("org_id"), "工会")
    if "employer_id" in data:
        data["employer"] = _visible(request, Employer, data.pop("employer_id"), "用人单位")
    return data


@router.get("/members", response=list[MemberOut], summary="会员列表")
@paginate(PageNumberPagination)
def list_members(request, filters: Query[MemberFilter], within: int | None = None):
    """``within``: a unit id; only members of that unit and the units below it."""
    require_permission(request, Member, "view")
    queryset = filters.filter(selectors.members_for(request.user, "view"))
    if within is not None:
        org = _visible(request, Organization, within, "单位")
        queryset = queryset.filter(org__path__subtree=org.path)
    return queryset.order_by("name", "pk")


class LookupIn(Schema):
    term: str = Field(..., max_length=40, description="完整的身份证号码、手机号码或会员证号")


@router.post("/members/lookup", response=list[MemberOut], summary="按身份证号或手机号精确查找会员")
def lookup_members(request, payload: LookupIn):
    """The number travels in the body, not in the URL, so it stays out of access logs."""
    require_permission(request, Member, "view")
    condition = selectors.exact_lookup_q(payload.term)
    if condition is None:
        raise HttpError(422, "请输入完整的 18 位身份证号码、11 位手机号码或 15 位会员证号。")
    return list(selectors.members_for(request.user, "view").filter(condition).order_by("pk")[:100])


@router.get("/members/{pk}", response=MemberOut, summary="会员详情")
def get_member(request, pk: int):
    return get_restricted_or_404(Member.objects.select_related("org"), request.user, "view", pk=pk)


class RevealOut(Schema):
    id_number: str = Field(..., description="完整的公民身份号码")
    phone: str = Field(..., description="完整的手机号码；无手机号为空")


@router.post("/members/{int:pk}/reveal", response=RevealOut, summary="查看会员完整个人信息（记录日志）")
def reveal_member(request, pk: int, response: HttpResponse):
    """The full ID number and phone of one member, for a role with 查看完整个人信息 over that member.

    Out of scope → 404, without the permission → 403. Every call is logged (who, which member,
    never the values); a POST so that nothing sensitive is cached or prefetched."""
    member = get_restricted_or_404(Member, request.user, "view", pk=pk)
    if not selectors.may_view_full_pii(request.user, member):
        raise HttpError(403, FULL_PII_DENIED)
    mark_operation(request, f"查看会员完整个人信息：{member.pk}")
    response["Cache-Control"] = "no-store"
    return {"id_number": member.reveal_id_number(), "phone": member.reveal_phone()}


@router.post("/members", response={201: MemberOut}, summary="会员入会登记")
def create_member(request, payload: MemberIn):
    require_permission(request, Member, "add")
    data = _member_data(request, payload.dict())
    try:
        return Status(201, services.member_create(user=request.user, data=data))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.patch("/members/{pk}", response=MemberOut, summary="修改会员信息")
def update_member(request, pk: int, payload: MemberPatch):
    member = get_restricted_or_404(Member, request.user, "change", pk=pk)
    data = _member_data(request, payload.dict(exclude_unset=True))
    if not data.get("id_number"):
        data.pop("id_number", None)
    if data.get("phone") is None:
        data.pop("phone", None)
    try:
        return services.member_update(user=request.user, member=member, data=data)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.get("/orgs/{pk}/member-counts", response=MemberCountsOut, summary="会员统计（累计，含各级下级单位）")
def org_member_counts(request, pk: int, since: datetime.date | None = None, until: datetime.date | None = None):
    """Cumulative counts over the unit and every unit below it; ``since``/``until`` bound the joins
    (default: this year)."""
    org = get_restricted_or_404(Organization, request.user, "view", pk=pk)
    require_permission(request, Member, "view")
    return {"org_id": org.pk, **selectors.member_counts(org, since=since, until=until)}
