"""JSON API of the statistics annual returns (added to the root API in gonghui/api.py).

The same selectors, services and restrict as the pages: a campaign or return outside the user's scope is 404.
Operation names are prefixed ``returns_``.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.exports import XLSX_TYPE
from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs.models import Organization
from gonghui.reports import returns as forms
from gonghui.reports import selectors_returns as selectors
from gonghui.reports import services_returns as services
from gonghui.reports.models import CampaignStatus, ReturnCampaign, ReturnForm, ReturnStatus, UnitReturn
from gonghui.reports.xlsx_returns import return_xlsx

router = Router(tags=["统计年报"])


class CampaignOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int = Field(..., description="统计年度 N：上年10月1日至本年9月30日")
    title: str
    period_start: datetime.date
    period_end: datetime.date
    deadline: datetime.date
    status: CampaignStatus


CAMPAIGN_FIELDS = ("id", "org_id", "year", "title", "period_start", "period_end", "deadline", "status")
RETURN_FIELDS = ("id", "campaign_id", "org_id", "form", "status", "submitted_at", "reviewed_at", "review_comment")


class StatusCount(Schema):
    status: ReturnStatus
    label: str
    count: int


class CampaignDetailOut(CampaignOut):
    counts: list[StatusCount] = Field(..., description="您权限范围内各状态的单位数")


class CampaignIn(Schema):
    org_id: int = Field(..., description="布置单位（总工会）")
    year: int = Field(..., ge=2000, le=2100)
    deadline: datetime.date
    title: str = ""
    note: str = ""


class ReturnOut(Schema):
    id: int
    campaign_id: int
    org_id: int
    org_name: str
    year: int
    form: ReturnForm
    status: ReturnStatus
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    review_comment: str
    is_late: bool


class ValueOut(Schema):
    code: str
    label: str
    unit: str
    section: str
    how: str = Field(..., description="计算口径")
    is_manual: bool = Field(..., description="填报：没有可计算的业务记录")
    records_value: Decimal | None = Field(None, description="业务记录值")
    computed_value: Decimal | None = Field(None, description="系统计算值（含已审核下级的更正）")
    final_value: Decimal | None = Field(None, description="本年数（报送值）")
    computed_text: str = ""
    final_text: str = ""
    is_corrected: bool
    correction_reason: str


class ReturnDetailOut(ReturnOut):
    table_number: str
    title: str
    preparer_name: str
    preparer_phone: str
    head_name: str
    missing_note: str
    reviewer_name: str
    values: list[ValueOut]


class ChildOut(Schema):
    id: int
    org_id: int
    org_name: str
    form: ReturnForm
    status: ReturnStatus
    is_late: bool


class ChildrenOut(Schema):
    total: int
    accepted: int
    children: list[ChildOut]
    missing: list[ChildOut] = Field(..., description="尚未审核通过的直属下级单位")


class EntryIn(Schema):
    value: str | None = Field(None, description="数值或文字；空表示恢复系统计算值（填报栏目为清空）")
    reason: str = Field("", description="更正原因：改动系统计算值时必填")


class SaveIn(Schema):
    entries: dict[str, EntryIn] = Field(default_factory=dict, description="代码 → 数值和更正原因")
    preparer_name: str | None = None
    preparer_phone: str | None = None
    head_name: str | None = None
    missing_note: str | None = None


class CommentIn(Schema):
    comment: str = ""


class ReturnFilter(FilterSchema):
    campaign_id: int | None = None
    status: ReturnStatus | None = None
    form: ReturnForm | None = None


def _child_out(ret: UnitReturn) -> dict:
    return {
        "id": ret.pk,
        "org_id": ret.org_id,
        "org_name": ret.org.name,
        "form": ret.form,
        "status": ret.status,
        "is_late": ret.is_late,
    }


def _detail(ret: UnitReturn) -> dict:
    form = forms.FORMS[ret.form]
    values = {value.code: value for value in ret.values.all()}
    rows = []
    for field in form.fields:
        value = values.get(field.code)
        rows.append(
            {
                "code": field.code,
                "label": field.label,
                "unit": field.unit,
                "section": field.section,
                "how": field.describe(),
                "is_manual": value.is_manual if value else field.is_manual_now(),
                "records_value": value.records_value if value else None,
                "computed_value": value.computed_value if value else None,
                "final_value": value.final_value if value else None,
                "computed_text": value.computed_text if value else "",
                "final_text": value.final_text if value else "",
                "is_corrected": bool(value and value.is_corrected),
                "correction_reason": value.correction_reason if value else "",
            }
        )
    out = {name: getattr(ret, name) for name in RETURN_FIELDS}
    out.update(
        org_name=ret.org.name,
        year=ret.campaign.year,
        is_late=ret.is_late,
        table_number=form.table_number,
        title=form.title,
        preparer_name=ret.preparer_name,
        preparer_phone=ret.preparer_phone,
        head_name=ret.head_name,
        missing_note=ret.missing_note,
        reviewer_name=ret.reviewer_name,
        values=rows,
    )
    return out


def _return(request, pk: int, action: str = "view") -> UnitReturn:
    queryset = UnitReturn.objects.select_related("org", "campaign")
    return get_restricted_or_404(queryset, request.user, action, pk=pk)


@router.get("/returns/campaigns", response=list[CampaignOut], summary="统计年报任务列表")
@paginate(PageNumberPagination)
def returns_campaign_list(request, year: int | None = None):
    require_permission(request, ReturnCampaign, "view")
    queryset = selectors.campaigns_for(request.user)
    if year:
        queryset = queryset.filter(year=year)
    return queryset.order_by("-year", "org__path", "pk")


@router.post("/returns/campaigns", response={201: CampaignDetailOut}, summary="布置统计年报")
def returns_campaign_open(request, payload: CampaignIn):
    require_permission(request, ReturnCampaign, "add")
    org = get_restricted_or_404(Organization, request.user, "view", pk=payload.org_id)
    try:
        campaign = services.campaign_open(
            user=request.user,
            org=org,
            year=payload.year,
            deadline=payload.deadline,
            title=payload.title,
            note=payload.note,
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, _campaign_detail(request, campaign))


def _campaign_detail(request, campaign: ReturnCampaign) -> dict:
    out = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
    out["org_name"] = campaign.org.name
    out["counts"] = selectors.status_counts(selectors.returns_for(request.user).filter(campaign=campaign))
    return out


@router.get("/returns/campaigns/{int:pk}", response=CampaignDetailOut, summary="统计年报任务详情（含填报进度）")
def returns_campaign_detail(request, pk: int):
    campaign = get_restricted_or_404(ReturnCampaign.objects.select_related("org"), request.user, "view", pk=pk)
    return _campaign_detail(request, campaign)


@router.get("/returns", response=list[ReturnOut], summary="统计年报列表")
@paginate(PageNumberPagination)
def returns_unit_list(request, filters: Query[ReturnFilter]):
    require_permission(request, UnitReturn, "view")
    return filters.filter(selectors.returns_for(request.user)).order_by("campaign_id", "org__path", "pk")


@router.get("/returns/{int:pk}", response=ReturnDetailOut, summary="统计年报详情（含各栏数值）")
def returns_unit_detail(request, pk: int):
    return _detail(_return(request, pk))


@router.get("/returns/{int:pk}/children", response=ChildrenOut, summary="直属下级单位的上报情况（谁未报）")
def returns_unit_children(request, pk: int):
    ret = _return(request, pk)
    status = selectors.children_status(ret)
    return {
        "total": status["total"],
        "accepted": status["accepted"],
        "children": [_child_out(child) for child in status["children"]],
        "missing": [_child_out(child) for child in status["missing"]],
    }


@router.post("/returns/{int:pk}/compile", response=ReturnDetailOut, summary="计算（重新计算）统计年报")
def returns_unit_compile(request, pk: int):
    ret = _return(request, pk)
    require_permission(request, UnitReturn, "change")
    ret = _return(request, pk, "change")
    try:
        return _detail(services.return_compile(user=request.user, unit_return=ret))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/returns/{int:pk}/values", response=ReturnDetailOut, summary="更正或填报统计年报数值")
def returns_unit_save(request, pk: int, payload: SaveIn):
    """A correction of a computed figure needs a reason; hand-entered (填报) rows do not. All or nothing: 422 lists
    every wrong entry by its code."""
    ret = _return(request, pk)
    require_permission(request, UnitReturn, "change")
    ret = _return(request, pk, "change")
    entries = {code: {"value": entry.value, "reason": entry.reason} for code, entry in payload.entries.items()}
    people = {
        name: getattr(payload, name)
        for name in ("preparer_name", "preparer_phone", "head_name", "missing_note")
        if getattr(payload, name) is not None
    }
    try:
        return _detail(services.return_save(user=request.user, unit_return=ret, entries=entries, people=people))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/returns/{int:pk}/submit", response=ReturnDetailOut, summary="上报统计年报")
def returns_unit_submit(request, pk: int):
    ret = _return(request, pk)
    require_permission(request, UnitReturn, "change")
    ret = _return(request, pk, "change")
    try:
        return _detail(services.return_submit(user=request.user, unit_return=ret))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/returns/{int:pk}/accept", response=ReturnDetailOut, summary="审核通过下级统计年报")
def returns_unit_accept(request, pk: int, payload: CommentIn):
    ret = _return(request, pk)
    require_permission(request, UnitReturn, "approve")
    ret = _return(request, pk, "approve")
    try:
        return _detail(services.return_accept(user=request.user, unit_return=ret, comment=payload.comment))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/returns/{int:pk}/return", response=ReturnDetailOut, summary="退回下级统计年报（须填写原因）")
def returns_unit_return(request, pk: int, payload: CommentIn):
    ret = _return(request, pk)
    require_permission(request, UnitReturn, "approve")
    ret = _return(request, pk, "approve")
    try:
        return _detail(services.return_return(user=request.user, unit_return=ret, comment=payload.comment))
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.get("/returns/{int:pk}/xlsx", summary="导出统计年报（标准表式 xlsx）", response={200: None})
def returns_unit_xlsx(request, pk: int):
    ret = _return(request, pk)
    if not (
        UnitReturn.objects.restrict(request.user, "export").filter(pk=pk).exists()
        or UnitReturn.objects.restrict(request.user, "change").filter(pk=pk).exists()
    ):
        raise HttpError(403, "您没有导出该年报的权限。")
    if ret.status == ReturnStatus.NOT_STARTED:
        raise HttpError(422, "该年报尚未计算，请先计算后再导出。")
    response = HttpResponse(return_xlsx(ret), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="return-{ret.pk}.xlsx"'
    return response
