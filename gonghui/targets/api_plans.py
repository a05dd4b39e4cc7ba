"""JSON API for the targets app's plans (added to the root API in gonghui/api.py).

GET /targets/plans, GET /targets/plans/{id} (with its unit's targets and their parts) and
PUT /targets/{id}/parts (the breakdown of one target). Same selectors, services and restrict as the
pages: another subtree's plan or target is 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs.models import Organization
from gonghui.targets import selectors, services
from gonghui.targets.models import Plan, PlanStatus, Target

router = Router(tags=["目标督办"])


class PlanOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    title: str
    status: PlanStatus
    issued_at: str | None

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_issued_at(obj):
        return obj.issued_at.isoformat() if obj.issued_at else None


class PartOut(Schema):
    target_id: int
    org_id: int
    org_name: str
    value: Decimal


class TargetOut(Schema):
    id: int
    indicator_key: str
    indicator_name: str
    unit: str
    value: Decimal
    weight: Decimal
    assigned_by_id: int
    assigned_by_name: str
    parent_id: int | None
    parts: list[PartOut]
    parts_total: Decimal | None
    check: str | None = Field(None, description="分解合计核对：short 少于总目标，over 超过，ok 相等，空为不核对")


class PlanDetailOut(PlanOut):
    targets: list[TargetOut]
    weight_warnings: list[str]

    @staticmethod
    def resolve_targets(obj):
        return obj.target_rows


class PartIn(Schema):
    org_id: int
    value: Decimal | None = Field(..., description="分解值；null 表示清除该单位的分解目标")


class PartsIn(Schema):
    parts: list[PartIn] = Field(..., max_length=500)


class PartsOut(Schema):
    target: TargetOut
    warnings: list[str]


def _target_out(user, target: Target) -> dict:
    parts = list(
        Target.objects.restrict(user, "view").filter(parent=target).select_related("org").order_by("org__path")
    )
    total = sum((part.value for part in parts), Decimal(0)) if parts else None
    check = services.breakdown_check(target, total)
    return {
        "id": target.pk,
        "indicator_key": target.indicator.key,
        "indicator_name": target.indicator.name,
        "unit": target.indicator.unit,
        "value": target.value,
        "weight": target.weight,
        "assigned_by_id": target.assigned_by_id,
        "assigned_by_name": target.assigned_by.name,
        "parent_id": target.parent_id,
        "parts": [{"target_id": p.pk, "org_id": p.org_id, "org_name": p.org.name, "value": p.value} for p in parts],
        "parts_total": total,
        "check": check.level if check else None,
    }


@router.get("/targets/plans", response=list[PlanOut], summary="年度工作计划列表")
@paginate(PageNumberPagination)
def list_plans(request, year: int | None = None, org_id: int | None = None):
    require_permission(request, Plan, "view")
    queryset = selectors.plans_for(request.user)
    if year is not None:
        queryset = queryset.filter(year=year)
    if org_id is not None:
        queryset = queryset.filter(org_id=org_id)
    return queryset.order_by("-year", "org__path")


@router.get("/targets/plans/{int:pk}", response=PlanDetailOut, summary="年度工作计划详情（含本单位目标及分解）")
def get_plan(request, pk: int):
    user = request.user
    plan = get_restricted_or_404(Plan.objects.select_related("org"), user, "view", pk=pk)
    targets = (
        selectors.targets_for(user).filter(org=plan.org, year=plan.year).order_by("indicator__sort", "indicator__pk")
    )
    plan.target_rows = [_target_out(user, target) for target in targets]
    plan.weight_warnings = services.weight_warnings(plan) if plan.target_rows else []
    return plan


def _unit(user, org_id: int) -> Organization:
    try:
        return get_restricted_or_404(Organization, user, "view", pk=org_id)
    except Http404:
        raise HttpError(422, f"单位 {org_id} 不存在或不在您的数据权限范围内。") from None


@router.put("/targets/{int:pk}/parts", response=PartsOut, summary="分解下达一项目标到直属下级单位")
def put_parts(request, pk: int, payload: PartsIn):
    """Units not listed keep their shares; ``value: null`` clears one. Answers the sum-short warnings."""
    user = request.user
    target = get_restricted_or_404(Target.objects.select_related("indicator", "org"), user, "view", pk=pk)
    require_permission(request, Target, "change")
    parts = {_unit(user, item.org_id): item.value for item in payload.parts}
    try:
        warnings = services.targets_breakdown(user=user, target=target, parts=parts)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    target = Target.objects.select_related("indicator", "assigned_by").get(pk=target.pk)
    return {"target": _target_out(user, target), "warnings": warnings}
