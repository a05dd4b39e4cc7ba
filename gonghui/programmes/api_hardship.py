"""Hardship files and assistance over JSON (operations named ``hardship_*`` / ``assistance_*``).

Lists and details are masked like the pages (no income, health or household data over the API); a full ID
number or phone for exact lookup goes in the POST body of ``/hardship-files/lookup``, never the query string.
Every detail read is written to the operation log.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import get_restricted_or_404
from gonghui.programmes import selectors_hardship, services_assistance
from gonghui.programmes.common import api_payload
from gonghui.programmes.models.assistance import Assistance, AssistanceState, Campaign, CampaignKind, SchoolStage
from gonghui.programmes.models.hardship import HardshipCause, HardshipFile, HardshipLevel, HardshipState
from gonghui.utilities.pii import mask_name

router = Router(tags=["困难职工帮扶"])


class HardshipFileOut(Schema):
    id: int
    number: str
    org_id: int
    name_masked: str
    id_number_masked: str
    employer_name: str
    cause: HardshipCause
    state: HardshipState
    level: str
    applied_on: datetime.date
    current_due: datetime.date | None
    filed_on: datetime.date | None
    review_due: datetime.date | None
    exited_on: datetime.date | None

    @staticmethod
    def resolve_name_masked(obj) -> str:
        return mask_name(obj.name)


class HardshipFilter(FilterSchema):
    name: Annotated[str | None, FilterLookup("name__icontains")] = None
    employer_name: Annotated[str | None, FilterLookup("employer_name__icontains")] = None
    state: HardshipState | None = None
    level: HardshipLevel | None = None
    cause: HardshipCause | None = None
    within: int | None = Field(None, description="单位编号（含下级）")

    def filter_within(self, value):
        from django.db.models import Q

        from gonghui.orgs.models import Organization

        if value is None:
            return Q()
        parent = Organization.objects.filter(pk=value).first()
        return Q(org__path__subtree=parent.path) if parent else Q(pk__in=[])


class LookupIn(Schema):
    lookup: str = Field(..., description="完整的 18 位身份证号码或 11 位手机号码")


class CountOut(Schema):
    label: str
    count: int


class HardshipStatsOut(Schema):
    filed: int
    open: int
    levels: list[CountOut]
    causes: list[CountOut]
    states: list[CountOut]


@router.get("/hardship-files", response=list[HardshipFileOut], summary="困难职工档案列表（脱敏）")
@paginate(PageNumberPagination)
def hardship_file_list(request, filters: Query[HardshipFilter]):
    require_permission(request, HardshipFile, "view")
    return filters.filter(selectors_hardship.files_for(request.user)).order_by("-applied_on", "-pk")


@router.post("/hardship-files/lookup", response=list[HardshipFileOut], summary="按身份证号或手机号精确查找困难档案")
def hardship_file_lookup(request, payload: LookupIn):
    require_permission(request, HardshipFile, "view")
    condition = selectors_hardship.exact_lookup_q(payload.lookup)
    if condition is None:
        raise_api_error(ValidationError({"lookup": "请输入完整的 18 位身份证号码或 11 位手机号码。"}))
    return list(selectors_hardship.files_for(request.user).filter(condition))


@router.get("/hardship-files/{int:pk}", response=HardshipFileOut, summary="困难职工档案详情（脱敏）")
def hardship_file_get(request, pk: int):
    file = get_restricted_or_404(HardshipFile, request.user, "view", pk=pk)
    mark_operation(request, f"接口查看困难职工档案：{file.number}")
    return file


def _counts(pairs) -> list[dict]:
    return [{"label": label, "count": count} for label, count in pairs]


@router.get("/hardship-stats", response=HardshipStatsOut, summary="困难职工统计（按类别、原因、状态，含下级）")
def hardship_stats_get(request, within: int | None = None):
    require_permission(request, HardshipFile, "view")
    from gonghui.orgs.models import Organization

    root = get_restricted_or_404(Organization, request.user, "view", pk=within) if within else None
    stats = selectors_hardship.statistics(request.user, root)
    return {
        "filed": stats["filed"],
        "open": stats["open"],
        "levels": _counts(stats["levels"]),
        "causes": _counts(stats["causes"]),
        "states": _counts(stats["states"]),
    }


# --- assistance ---------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    org_id: int
    name: str
    kind: CampaignKind
    year: int
    starts_on: datetime.date
    ends_on: datetime.date
    budget: Decimal
    standards: dict
    participant_ids: list[int]

    @staticmethod
    def resolve_participant_ids(obj) -> list[int]:
        return [org.pk for org in obj.participants.all()]


class CampaignFilter(FilterSchema):
    kind: CampaignKind | None = None
    year: int | None = None


class AssistanceOut(Schema):
    id: int
    campaign_id: int
    org_id: int
    name_masked: str
    id_number_masked: str
    hardship_file_id: int | None
    hardship_level: str
    school_stage: str
    cash_amount: Decimal
    in_kind_value: Decimal
    in_kind_items: str
    given_on: datetime.date
    state: AssistanceState

    @staticmethod
    def resolve_name_masked(obj) -> str:
        return mask_name(obj.name)


class AssistanceCreatedOut(AssistanceOut):
    warning: str = ""


class AssistanceIn(Schema):
    org_id: int
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., min_length=15, max_length=30)
    phone: str = ""
    employer_name: str = ""
    school_stage: SchoolStage | None = None
    cash_amount: Decimal | None = Field(None, ge=0)
    in_kind_value: Decimal | None = Field(None, ge=0)
    in_kind_items: str = ""
    given_on: datetime.date
    note: str = ""


class AssistanceFilter(FilterSchema):
    campaign_id: int | None = None
    state: AssistanceState | None = None
    kind: Annotated[CampaignKind | None, FilterLookup("campaign__kind")] = None


@router.get("/assistance-campaigns", response=list[CampaignOut], summary="帮扶慰问活动列表")
@paginate(PageNumberPagination)
def assistance_campaign_list(request, filters: Query[CampaignFilter]):
    require_permission(request, Campaign, "view")
    campaigns = services_assistance.campaigns_for(request.user).prefetch_related("participants")
    return filters.filter(campaigns).order_by("-year", "-starts_on", "pk")


@router.get("/assistance-campaigns/{int:pk}", response=CampaignOut, summary="帮扶慰问活动详情")
def assistance_campaign_get(request, pk: int):
    return services_assistance.campaign_or_404(request.user, pk)


@router.get("/assistance-records", response=list[AssistanceOut], summary="帮扶慰问记录列表（脱敏）")
@paginate(PageNumberPagination)
def assistance_record_list(request, filters: Query[AssistanceFilter]):
    require_permission(request, Assistance, "view")
    return filters.filter(Assistance.objects.restrict(request.user, "view")).order_by("-given_on", "-pk")


@router.get("/assistance-records/{int:pk}", response=AssistanceOut, summary="帮扶慰问记录详情（脱敏）")
def assistance_record_get(request, pk: int):
    return get_restricted_or_404(Assistance, request.user, "view", pk=pk)


@router.post(
    "/assistance-campaigns/{int:pk}/records",
    response={201: AssistanceCreatedOut},
    summary="登记帮扶慰问（同一活动每人一次，跨工会核查）",
)
def assistance_record_create(request, pk: int, payload: AssistanceIn):
    require_permission(request, Assistance, "add")
    campaign = services_assistance.campaign_or_404(request.user, pk)
    data = api_payload(request, payload.dict())
    data["school_stage"] = data.get("school_stage") or ""
    try:
        record, warning = services_assistance.assistance_create(user=request.user, campaign=campaign, data=data)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    record.warning = warning
    return Status(201, record)
