"""JSON API of the intel app (added to the root API in gonghui/api.py): documents and their figures.

The same filter sets, selectors, services and restrict as the pages: a document outside the user's scope
is 404.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.intel import selectors, services
from gonghui.intel.filtersets import DocumentFilterSet, FactFilterSet
from gonghui.intel.models import Document, DocumentSource, DocumentStatus, FactKind, FactStatus
from gonghui.orgs.models import Organization

router = Router(tags=["工作材料"])


class FactOut(Schema):
    id: int
    document_id: int
    indicator: str = Field(..., description="指标编码")
    indicator_name: str
    value: Decimal = Field(..., description="按指标计量单位的数值（41万余元 → 410000）")
    unit: str
    approx: bool = Field(..., description="约数（余、多、近、以上、约）")
    kind: FactKind
    cumulative: bool = Field(..., description="累计数（截至目前、累计、共有）")
    component: bool = Field(..., description="“其中”的分项")
    evidence: str = Field(..., description="原文，等于 body[start:end]")
    start: int
    end: int
    status: FactStatus
    report_value_id: int | None = Field(None, description="填入或对照的季度报表数值")

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator.key

    @staticmethod
    def resolve_indicator_name(obj):
        return obj.indicator.name


class DocumentOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    quarter: int = Field(..., description="季度 1–4")
    title: str
    source: DocumentSource
    status: DocumentStatus
    original_name: str
    date: datetime.date | None
    date_kind: str
    region: str
    stated_org: str = Field(..., description="文中的报告单位")
    script: str = Field(..., description="原文字体：hans 简体 / hant 繁体")
    created_at: datetime.datetime

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name


class DocumentDetailOut(DocumentOut):
    body: str = Field(..., description="清理后的简体正文")
    error: str
    facts: list[FactOut]

    @staticmethod
    def resolve_facts(obj):
        return list(obj.facts.select_related("indicator").order_by("start", "pk"))


class DocumentFilter(Schema):
    q: str | None = Field(None, description="全文检索（按中文词语，须全部出现）")
    unit: int | None = Field(None, description="单位编号（含下级）")
    year: int | None = None
    quarter: int | None = Field(None, ge=1, le=4)
    indicator: str | None = Field(None, description="含该指标数值的材料（指标编码）")
    status: DocumentStatus | None = None


class FactFilter(Schema):
    unit: int | None = Field(None, description="单位编号（含下级）")
    year: int | None = None
    quarter: int | None = Field(None, ge=1, le=4)
    indicator: str | None = Field(None, description="指标编码")
    status: FactStatus | None = None
    kind: FactKind | None = None


class TextIn(Schema):
    org_id: int
    year: int
    quarter: int = Field(..., ge=1, le=4)
    text: str = Field(..., description="正文（可含网页杂项和繁体字）")
    title: str = ""


class DecisionIn(Schema):
    fact: int = Field(..., description="数值编号")
    action: str = Field("confirm", description="confirm 确认 / drop 舍弃 / pending 待定")
    indicator: str | None = Field(None, description="更正的指标编码")
    value: Decimal | None = Field(None, description="更正的数值")
    kind: FactKind | None = None


class ReviewIn(Schema):
    decisions: list[DecisionIn]


class ReviewOut(Schema):
    document: DocumentDetailOut
    confirmed: int
    dropped: int
    quarterly_report_id: int | None
    prefilled: list[str] = Field(..., description="填入季度报表的指标")
    message: str


def _filtered(filterset_class, request, filters: Schema, queryset):
    params = {key: value for key, value in filters.dict().items() if value is not None}
    filterset = filterset_class(params, queryset=queryset, request=request)
    if not filterset.is_valid():
        problems = "；".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        raise_api_error(ValidationError(f"筛选条件无效：{problems}"))
    return filterset.qs


@router.get("/intel/documents", response=list[DocumentOut], summary="工作材料列表和全文检索")
@paginate(PageNumberPagination)
def list_documents(request, filters: Query[DocumentFilter]):
    require_permission(request, Document, "view")
    documents = _filtered(DocumentFilterSet, request, filters, selectors.documents_for(request.user))
    return documents.order_by("-year", "-quarter", "-created_at", "-pk")


@router.get("/intel/documents/{int:pk}", response=DocumentDetailOut, summary="工作材料详情（含正文和数值）")
def get_document(request, pk: int):
    return get_restricted_or_404(selectors.documents_for(request.user), request.user, "view", pk=pk)


def _org(request, org_id: int) -> Organization:
    return get_restricted_or_404(Organization, request.user, "view", pk=org_id)


@router.post("/intel/documents", response={201: DocumentDetailOut}, summary="登记工作材料（粘贴正文）")
def create_document(request, payload: TextIn):
    require_permission(request, Document, "add")
    try:
        document = services.document_create(
            user=request.user,
            org=_org(request, payload.org_id),
            year=payload.year,
            quarter=payload.quarter,
            text=payload.text,
            title=payload.title,
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, document)


@router.post("/intel/documents/upload", response={201: DocumentDetailOut}, summary="登记工作材料（上传文件）")
def upload_document(
    request, org_id: Form[int], year: Form[int], quarter: Form[int], file: File[UploadedFile], title: Form[str] = ""
):
    require_permission(request, Document, "add")
    try:
        document = services.document_create(
            user=request.user, org=_org(request, org_id), year=year, quarter=quarter, file=file, title=title
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, document)


@router.post("/intel/documents/{int:pk}/review", response=ReviewOut, summary="确认、更正或舍弃数值")
def review_document(request, pk: int, payload: ReviewIn):
    """Confirmed actual figures prefill the unit's quarterly report for the same quarter (empty reported
    values only; a value the unit typed is kept)."""
    get_restricted_or_404(Document, request.user, "view", pk=pk)
    require_permission(request, Document, "change")
    document = get_restricted_or_404(Document, request.user, "change", pk=pk)
    decisions = [
        {
            "fact": d.fact,
            "action": d.action,
            "indicator": d.indicator,
            "value": None if d.value is None else str(d.value),
            "kind": d.kind,
        }
        for d in payload.decisions
    ]
    try:
        outcome = services.facts_review(user=request.user, document=document, decisions=decisions)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    prefill = outcome.prefill or services.PrefillResult()
    return {
        "document": selectors.documents_for(request.user).get(pk=pk),
        "confirmed": outcome.confirmed,
        "dropped": outcome.dropped,
        "quarterly_report_id": prefill.report.pk if prefill.report else None,
        "prefilled": prefill.filled,
        "message": prefill.message,
    }


@router.delete("/intel/documents/{int:pk}", response={204: None}, summary="删除工作材料")
def delete_document(request, pk: int):
    get_restricted_or_404(Document, request.user, "view", pk=pk)
    require_permission(request, Document, "delete")
    document = get_restricted_or_404(Document, request.user, "delete", pk=pk)
    try:
        services.document_delete(user=request.user, document=document)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(204, None)


@router.get("/intel/facts", response=list[FactOut], summary="材料数值列表")
@paginate(PageNumberPagination)
def list_facts(request, filters: Query[FactFilter]):
    require_permission(request, Document, "view")
    facts = _filtered(FactFilterSet, request, filters, selectors.facts_for(request.user))
    return facts.order_by("-document__year", "-document__quarter", "document_id", "start", "pk")
