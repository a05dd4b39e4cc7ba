"""职工互助保障 over JSON: plans, enrolments, claims (masked, no health details), the rule checks, the review
steps (approve / reject / pay) and the figures by plan and by unit. Operation names start with ``mutualaid_``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs.models import Organization
from gonghui.programmes import selectors_mutualaid as selectors
from gonghui.programmes import services_mutualaid as services
from gonghui.programmes.models.mutualaid import MutualAidClaim, MutualAidEnrolment, MutualAidPlan
from gonghui.utilities.pii import mask_name

router = Router(tags=["职工互助保障"])


class PlanOut(Schema):
    id: int
    org_id: int
    name: str
    kind: str
    status: str
    period_start: datetime.date
    period_end: datetime.date
    premium: Decimal
    waiting_days: int
    claim_window_days: int
    deductible: Decimal
    reimbursement_ratio: Decimal | None
    fixed_amount: Decimal | None
    covered_diseases: list[str]
    per_claim_cap: Decimal
    per_person_cap: Decimal
    women_only: bool
    review_days: int
    payment_days: int


class EnrolmentOut(Schema):
    id: int
    plan_id: int
    org_id: int
    name: str
    id_number_masked: str = Field(description="身份证号（脱敏）")
    coverage_start: datetime.date
    coverage_end: datetime.date
    premium: Decimal
    status: str


class EnrolmentIn(Schema):
    org_id: int
    id_number: str
    coverage_start: datetime.date | None = None


class ClaimOut(Schema):
    id: int
    claim_no: str | None
    plan_id: int
    org_id: int
    person: str = Field(description="职工姓名（脱敏）")
    source: str
    state: str
    event_date: datetime.date
    submitted_at: datetime.datetime
    review_due: datetime.date
    pay_due: datetime.date | None
    approved_amount: Decimal | None
    decision_note: str
    paid_on: datetime.date | None
    overdue: bool


class CheckOut(Schema):
    code: str
    label: str
    ok: bool
    detail: str


class AssessmentOut(Schema):
    eligible: bool
    checks: list[CheckOut]
    computed: Decimal = Field(description="按给付规则计算的金额")
    max_payable: Decimal = Field(description="单次及累计上限内最多可给付")
    suggested: Decimal = Field(description="建议核定金额")


class ApproveIn(Schema):
    approved_amount: Decimal = Field(..., gt=0)
    decision_note: str = ""


class RejectIn(Schema):
    decision_note: str


class PayIn(Schema):
    paid_on: datetime.date
    payment_reference: str


class FigureOut(Schema):
    label: str
    key_id: int | None
    enrolled: int
    claims: int
    claims_rate: Decimal | None = Field(None, description="理赔率：理赔申请 ÷ 参保人数")
    decided: int
    granted: int
    approval_rate: Decimal | None = Field(None, description="核准率：核准（含已支付）÷ 已审核")
    paid: int
    average_days: Decimal | None = Field(None, description="提交到支付的平均天数")
    paid_amount: Decimal


class FiguresOut(Schema):
    unit_id: int
    by_plan: list[FigureOut]
    by_unit: list[FigureOut]
    total: FigureOut


def _enrolment_out(enrolment: MutualAidEnrolment) -> dict:
    return {
        "id": enrolment.pk,
        "plan_id": enrolment.plan_id,
        "org_id": enrolment.org_id,
        "name": enrolment.name,
        "id_number_masked": enrolment.member.id_number_masked,
        "coverage_start": enrolment.coverage_start,
        "coverage_end": enrolment.coverage_end,
        "premium": enrolment.premium,
        "status": enrolment.status,
    }


def _claim_out(claim: MutualAidClaim) -> dict:
    return {
        "id": claim.pk,
        "claim_no": claim.claim_no,
        "plan_id": claim.plan_id,
        "org_id": claim.org_id,
        "person": mask_name(claim.enrolment.name),
        "source": claim.source,
        "state": claim.state,
        "event_date": claim.event_date,
        "submitted_at": claim.submitted_at,
        "review_due": claim.review_due,
        "pay_due": claim.pay_due,
        "approved_amount": claim.approved_amount,
        "decision_note": claim.decision_note,
        "paid_on": claim.paid_on,
        "overdue": claim.is_overdue(),
    }


def _figure_out(row) -> dict:
    key = row.key
    return {
        "label": row.label,
        "key_id": key.pk if key is not None else None,
        "enrolled": row.enrolled,
        "claims": row.claims,
        "claims_rate": row.claims_rate,
        "decided": row.decided,
        "granted": row.granted,
        "approval_rate": row.approval_rate,
        "paid": row.paid,
        "average_days": row.average_days,
        "paid_amount": row.paid_amount,
    }


@router.get("/mutual-aid/plans", response=list[PlanOut], summary="互助保障计划")
def mutualaid_list_plans(request, status: str | None = None):
    require_permission(request, MutualAidPlan, "view")
    plans = selectors.plans_for(request.user)
    return list(plans.filter(status=status) if status else plans)


@router.get("/mutual-aid/plans/{int:pk}", response=PlanOut, summary="互助保障计划详情（给付规则）")
def mutualaid_get_plan(request, pk: int):
    return selectors.plan_or_404(request.user, pk)


@router.get("/mutual-aid/enrolments", response=list[EnrolmentOut], summary="参保名单（身份证号脱敏）")
@paginate(PageNumberPagination)
def mutualaid_list_enrolments(request, plan_id: int | None = None, org_id: int | None = None):
    require_permission(request, MutualAidEnrolment, "view")
    queryset = selectors.enrolments_for(request.user).order_by("plan", "org__path", "name", "pk")
    if plan_id:
        queryset = queryset.filter(plan_id=plan_id)
    if org_id:
        org = Organization.objects.restrict(request.user, "view").filter(pk=org_id).first()
        queryset = queryset.filter(org__path__subtree=org.path) if org else queryset.none()
    return [_enrolment_out(e) for e in queryset]


@router.post("/mutual-aid/plans/{int:pk}/enrolments", response={201: EnrolmentOut}, summary="登记参保")
def mutualaid_enrol(request, pk: int, payload: EnrolmentIn):
    require_permission(request, MutualAidEnrolment, "add")
    plan = selectors.plan_or_404(request.user, pk)
    try:
        org = get_restricted_or_404(Organization, request.user, "view", pk=payload.org_id)
    except Http404:
        raise HttpError(422, f"单位 {payload.org_id} 不存在或不在您的数据权限范围内。") from None
    try:
        enrolment = services.enrolment_create(
            user=request.user,
            plan=plan,
            org=org,
            id_number=payload.id_number,
            coverage_start=payload.coverage_start,
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return Status(201, _enrolment_out(enrolment))


@router.get("/mutual-aid/claims", response=list[ClaimOut], summary="理赔申请（姓名脱敏，不含健康信息）")
@paginate(PageNumberPagination)
def mutualaid_list_claims(request, plan_id: int | None = None, state: str | None = None, overdue: bool = False):
    require_permission(request, MutualAidClaim, "view")
    queryset = selectors.claims_for(request.user).order_by("-submitted_at", "-pk")
    if plan_id:
        queryset = queryset.filter(plan_id=plan_id)
    if state:
        queryset = queryset.filter(state=state)
    if overdue:
        queryset = queryset.filter(selectors.overdue_q(timezone.localdate()))
    return [_claim_out(c) for c in queryset]


def _claim(request, pk: int, action: str = "view") -> MutualAidClaim:
    return get_restricted_or_404(selectors.claims_for(request.user, action), request.user, action, pk=pk)


@router.get("/mutual-aid/claims/{int:pk}", response=ClaimOut, summary="理赔申请详情（记录日志）")
def mutualaid_get_claim(request, pk: int):
    claim = _claim(request, pk)
    mark_operation(request, f"查看互助保障理赔 {claim.claim_no}（API）")
    return _claim_out(claim)


@router.get("/mutual-aid/claims/{int:pk}/assessment", response=AssessmentOut, summary="理赔规则核对与建议金额")
def mutualaid_assess_claim(request, pk: int):
    claim = _claim(request, pk)
    disease = claim.reveal_health()["disease"] if selectors.may_view_health(request.user, claim) else None
    if disease is None and claim.plan.kind in services.FIXED_KINDS:
        raise HttpError(403, "定额给付计划的病种核对需要“查看理赔健康信息”权限。")
    result = services.assess(claim, disease=disease)
    mark_operation(request, f"核对互助保障理赔规则 {claim.claim_no}（API）")
    return {
        "eligible": result.eligible,
        "checks": [vars(check) for check in result.checks],
        "computed": result.computed,
        "max_payable": result.max_payable,
        "suggested": result.suggested,
    }


@router.post("/mutual-aid/claims/{int:pk}/approve", response=ClaimOut, summary="核准理赔")
def mutualaid_approve_claim(request, pk: int, payload: ApproveIn):
    claim = _claim(request, pk, "approve")
    try:
        claim = services.claim_approve(
            user=request.user, claim=claim, amount=payload.approved_amount, note=payload.decision_note
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return _claim_out(claim)


@router.post("/mutual-aid/claims/{int:pk}/reject", response=ClaimOut, summary="不予赔付（须写明原因）")
def mutualaid_reject_claim(request, pk: int, payload: RejectIn):
    claim = _claim(request, pk, "approve")
    try:
        claim = services.claim_reject(user=request.user, claim=claim, reason=payload.decision_note)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return _claim_out(claim)


@router.post("/mutual-aid/claims/{int:pk}/pay", response=ClaimOut, summary="登记理赔支付")
def mutualaid_pay_claim(request, pk: int, payload: PayIn):
    claim = _claim(request, pk, "approve")
    try:
        claim = services.claim_pay(
            user=request.user, claim=claim, paid_on=payload.paid_on, reference=payload.payment_reference
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return _claim_out(claim)


@router.get("/mutual-aid/figures", response=FiguresOut, summary="互助保障统计（按计划、按单位）")
def mutualaid_figures(request, org_id: int | None = None, kind: str | None = None):
    require_permission(request, MutualAidClaim, "view")
    visible = Organization.objects.restrict(request.user, "view")
    unit = visible.filter(pk=org_id).first() if org_id else (request.user.org if request.user.org_id else None)
    if unit is None or not visible.filter(pk=unit.pk).exists():
        raise HttpError(404, "单位不存在或不在您的数据权限范围内。")
    plans = selectors.plans_for(request.user)
    if kind:
        plans = plans.filter(kind=kind)
    by_plan, total = selectors.figures_by_plan(request.user, unit, plans)
    by_unit, _unit_total = selectors.figures_by_unit(request.user, unit, plans)
    return {
        "unit_id": unit.pk,
        "by_plan": [_figure_out(r) for r in by_plan],
        "by_unit": [_figure_out(r) for r in by_unit],
        "total": _figure_out(total),
    }
