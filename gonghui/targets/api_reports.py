"""JSON API for the targets app's reports (added to the root API in gonghui/api.py).

The same selectors, services and restrict as the pages: a report outside the user's scope is 404.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.targets import selectors_reports as selectors
from gonghui.targets import services_reports as services
from gonghui.targets.models import QuarterlyReport, ReportStatus

router = Router(tags=["目标督办"])


class ReportOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    quarter: int = Field(..., description="季度 1–4")
    status: ReportStatus
    due_date: datetime.date
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    review_comment: str
    is_late: bool = Field(..., description="报送时间（未报送时为今天）晚于报送期限")

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name


class ReportValueOut(Schema):
    indicator_key: str
    indicator_name: str
    unit: str
    kind: str
    value: Decimal | None = Field(..., description="本季数值：累计型为季度内数值，存量型和比率型为季末数值")
    is_computed: bool = Field(..., description="由系统根据业务记录计算")
    note: str

    @staticmethod
    def resolve_indicator_key(obj):
        return obj.indicator.key

    @staticmethod
    def resolve_indicator_name(obj):
        return obj.indicator.name

    @staticmethod
    def resolve_unit(obj):
        return obj.indicator.unit

    @staticmethod
    def resolve_kind(obj):
        return obj.indicator.kind


class ReportDetailOut(ReportOut):
    highlights: str
    problems: str
    next_steps: str
    values: list[ReportValueOut]

    @staticmethod
    def resolve_values(obj):
        return list(obj.values.select_related("indicator").order_by("indicator__sort", "pk"))


class ReportFilter(FilterSchema):
    year: int | None = None
    quarter: int | None = Field(None, ge=1, le=4)
    status: ReportStatus | None = None


@router.get("/reports", response=list[ReportOut], summary="季度报表列表")
@paginate(PageNumberPagination)
def list_reports(request, filters: Query[ReportFilter]):
    require_permission(request, QuarterlyReport, "view")
    return filters.filter(selectors.reports_for(request.user)).order_by("-year", "-quarter", "org__path", "pk")


@router.get("/reports/{int:pk}", response=ReportDetailOut, summary="季度报表详情（含指标数值）")
def get_report(request, pk: int):
    return get_restricted_or_404(QuarterlyReport.objects.select_related("org"), request.user, "view", pk=pk)


@router.post("/reports/{int:pk}/submit", response=ReportDetailOut, summary="报送季度报表")
def submit_report(request, pk: int):
    """Submits the report as saved; computed figures are recomputed and frozen. 422 lists what is missing."""
    report = get_restricted_or_404(QuarterlyReport, request.user, "view", pk=pk)
    require_permission(request, QuarterlyReport, "change")
    report = get_restricted_or_404(QuarterlyReport, request.user, "change", pk=pk)
    try:
        return services.report_submit(user=request.user, report=report)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
