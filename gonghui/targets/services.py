"""Writers of plans, targets and their breakdown (分解下达), and of local indicators.

Who may change what:

- A unit sets its own targets (``assigned_by`` = itself) in its plan. A target its parent gave it
  (``assigned_by`` = the parent) is the parent's figure: only the parent changes it, through
  ``targets_breakdown``. The unit still sets the assessment *weights* on all its targets, since those
  are what it uses to assess its own sub-units.
- ``targets_breakdown`` sets the targets of the direct sub-units of a target's unit. It may be run by
  a user of that unit or of any unit above it (a city may fill in a district's breakdown).
- Weights: ``weights_set`` saves what it is given and answers ``progress.check_weights``' complaints
  as warnings (the page shows them); an unfinished set of weights must be savable while it is being
  worked out, and the assessment shows the same warning until it sums to 100.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.notices.models import MessageCategory
from gonghui.notices.services import message_send
from gonghui.orgs.models import Organization
from gonghui.targets import progress, sources
from gonghui.targets.models import (
    Indicator,
    IndicatorKind,
    IndicatorSource,
    Plan,
    PlanStatus,
    ReportValue,
    Target,
)

PLAN_FIELDS = (
    "title",
    "progress_basis",
    "yellow_margin",
    "completion_cap",
    "bonus_rate",
    "bonus_cap",
    "report_due_days",
    "note",
)
INDICATOR_FIELDS = ("name", "unit", "category", "kind", "phrases", "components", "description", "is_active", "sort")
BUILTIN_EDITABLE = ("is_active", "sort")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,59}$")
SUMMED_KINDS = (IndicatorKind.CUMULATIVE, IndicatorKind.STOCK)
MAX_VALUE = Decimal("1e14")
HUNDRED = Decimal(100)
COMPONENTS_EXAMPLE = '[{"key": "health_checks", "weight": 50}]'


def number_text(value: Decimal | None) -> str:
    """A decimal as people write it: 45, 3.5 (no trailing zeros, no exponent)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def check_value(value: Any, what: str) -> Decimal:
    """A target value as a Decimal: a number, not negative, at most 4 decimal places."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": f"{what}“{value}”不是数字，请填写数字，如 50 或 3.5。"}) from None
    if not number.is_finite():
        raise ValidationError({"value": f"{what}“{value}”不是数字，请填写数字，如 50 或 3.5。"})
    if number < 0:
        raise ValidationError({"value": f"{what}不能为负数（当前为 {number_text(number)}），请填写 0 或正数。"})
    if number >= MAX_VALUE:
        raise ValidationError({"value": f"{what} {number_text(number)} 过大，请核对后重新填写。"})
    if number != number.quantize(Decimal("0.0001")):
        raise ValidationError({"value": f"{what} {number_text(number)} 的小数位过多，最多保留 4 位小数。"})
    return number


def _require(user, model, action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")


def _org_in_scope(user, org: Organization) -> bool:
    return Organization.objects.restrict(user, "view").filter(pk=org.pk).exists()


# --- plans ---------------------------------------------------------------------------------------


def default_plan_title(org: Organization, year: int) -> str:
    return f"{org.name}{year}年工作计划"


@transaction.atomic
def plan_create(*, user, org: Organization, year: int, data: Mapping[str, Any]) -> Plan:
    """One plan per unit and year; the unit must be in the user's scope."""
    _require(user, Plan, "add")
    if not _org_in_scope(user, org):
        raise PermissionDenied(f"「{org.name}」不在您的数据权限范围内，请选择您有权管理的单位。")
    if Plan.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": f"「{org.name}」{year}年的工作计划已经存在，请打开它修改，不要重复新建。"})
    plan = Plan(org=org, year=year, created_by=user)
    assign_fields(plan, PLAN_FIELDS, data, strip=True)
    plan.title = plan.title or default_plan_title(org, year)
    plan.full_clean()
    plan.save()
    ensure_in_scope(user, plan, "add")
    return plan


@transaction.atomic
def plan_update(*, user, plan: Plan, data: Mapping[str, Any]) -> Plan:
    plan = fetch_for_update(Plan, user, "change", plan.pk)
    plan.snapshot()
    assign_fields(plan, PLAN_FIELDS, data, strip=True)
    plan.title = plan.title or default_plan_title(plan.org, plan.year)
    plan.full_clean()
    plan.save()
    ensure_in_scope(user, plan, "change")
    return plan


def _receiving_units(plan: Plan) -> list[Organization]:
    """The direct sub-units that received targets from the plan's unit for its year."""
    ids = (
        Target.objects.filter(assigned_by=plan.org, year=plan.year)
        .exclude(org=plan.org)
        .values_list("org_id", flat=True)
        .distinct()
    )
    return list(Organization.objects.filter(pk__in=ids))


@transaction.atomic
def plan_issue(*, user, plan: Plan) -> Plan:
    """编制中 → 已下达; each sub-unit that received targets is told (site message to its active users)."""
    plan = fetch_for_update(Plan, user, "approve", plan.pk)
    if plan.status == PlanStatus.ISSUED:
        raise ValidationError(f"「{plan}」已经下达，不需要再次下达。")
    if not plan.targets.exists():
        raise ValidationError(f"「{plan}」还没有任何目标，请先设置目标并分解到下级单位，再下达。")
    plan.snapshot()
    plan.status = PlanStatus.ISSUED
    plan.issued_at = timezone.now()
    plan.full_clean()
    plan.save()
    ensure_in_scope(user, plan, "approve")
    users = get_user_model().objects.filter(is_active=True)
    for unit in _receiving_units(plan):
        child_plan = Plan.objects.filter(org=unit, year=plan.year).first()
        message_send(
            recipients=users.filter(org=unit),
            title=f"{plan.org.name}下达了{plan.year}年目标任务",
            body=f"{plan.org.name}已下达《{plan}》，请查看本单位{plan.year}年的目标任务，并按要求分解落实。",
            link=reverse("targets:plan_detail", args=[child_plan.pk]) if child_plan else "",
            category=MessageCategory.NOTICE,
        )
    return plan


@transaction.atomic
def plan_delete(*, user, plan: Plan) -> None:
    """Only a draft holding neither a parent's targets nor targets broken down below it."""
    plan = fetch_for_update(Plan, user, "delete", plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(f"「{plan}」已经下达，不能删除。")
    if plan.targets.exclude(assigned_by=plan.org).exists():
        raise ValidationError(f"「{plan}」包含上级下达的目标，不能删除。")
    if Target.objects.filter(parent__plan=plan).exists():
        raise ValidationError(f"「{plan}」的目标已分解到下级单位，不能删除；请先清除下级单位的分解目标。")
    for target in plan.targets.all():
        target.delete()
    plan.delete()


# --- own targets and weights ---------------------------------------------------------------------


def _own_target(plan: Plan, indicator: Indicator, *, lock: bool = False) -> Target | None:
    queryset = Target.objects.filter(org=plan.org, indicator=indicator, year=plan.year)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.first()


def _parent_assigned_error(target: Target) -> ValidationError:
    return ValidationError(
        f"「{target.indicator.name}」的目标由上级「{target.assigned_by.name}」下达，本单位不能修改或删除；"
        f"如需调整，请联系「{target.assigned_by.name}」。"
    )


@transaction.atomic
def target_set(*, user, plan: Plan, indicator: Indicator, value: Any, weight: Any = 0, note: str = "") -> Target:
    """Create or update the plan unit's own target for ``indicator``."""
    plan = fetch_for_update(Plan, user, "change", plan.pk)
    indicator = Indicator.objects.get(pk=indicator.pk)  # fresh: it may have been deactivated meanwhile
    target = _own_target(plan, indicator, lock=True)
    number = check_value(value, f"「{indicator.name}」的目标值")
    if target is None:
        _require(user, Target, "add")
        if not indicator.is_active:
            raise ValidationError({"indicator": f"指标「{indicator.name}」已停用，不能设置新的目标。"})
        target = Target(
            plan=plan, org=plan.org, indicator=indicator, year=plan.year, assigned_by=plan.org, created_by=user
        )
    else:
        target = fetch_for_update(Target, user, "change", target.pk)
        if target.assigned_by_id != plan.org_id:
            raise _parent_assigned_error(target)
        target.snapshot()
    target.value = number
    target.weight = _check_weight(weight, indicator)
    target.note = (note or "").strip()
    target.full_clean()
    target.save()
    ensure_in_scope(user, target, "change")
    return target


@transaction.atomic
def target_remove(*, user, target: Target) -> None:
    target = fetch_for_update(Target, user, "delete", target.pk)
    if target.assigned_by_id != target.org_id:
        raise _parent_assigned_error(target)
    if target.parts.exists():
        raise ValidationError(
            f"「{target.indicator.name}」的目标已分解到下级单位，不能删除；请先清除下级单位的分解目标。"
        )
    target.delete()


def _check_weight(weight: Any, indicator: Indicator) -> Decimal:
    try:
        number = Decimal(str(weight if weight not in (None, "") else 0).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"weight": f"「{indicator.name}」的权重“{weight}”不是数字，请填写 0 至 100。"}) from None
    if not number.is_finite() or number < 0 or number > HUNDRED:
        raise ValidationError({"weight": f"「{indicator.name}」的权重须在 0 至 100 之间（当前为 {weight}）。"})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({"weight": f"「{indicator.name}」的权重最多保留 2 位小数。"})
    return number


def weight_warnings(plan: Plan) -> list[str]:
    """``progress.check_weights`` over the weighted targets of the plan's unit (as the assessment reads them)."""
    weighted = Target.objects.filter(org=plan.org, year=plan.year, weight__gt=0).select_related("indicator")
    weights = {target.indicator.name: target.weight for target in weighted}
    return progress.check_weights(weights)


@transaction.atomic
def weights_set(*, user, plan: Plan, weights: Mapping[str, Any]) -> list[str]:
    """Set the assessment weight of the plan unit's targets by indicator key; answers the warnings.

    Saved even when they do not sum to 100 (see the module docstring); a bad single weight
    (not a number, outside 0–100) or an indicator without a target is refused.
    """
    plan = fetch_for_update(Plan, user, "change", plan.pk)
    targets = {
        target.indicator.key: target
        for target in Target.objects.filter(org=plan.org, year=plan.year).select_related("indicator")
    }
    for key, weight in weights.items():
        target = targets.get(key)
        if target is None:
            indicator = Indicator.objects.filter(key=key).first()
            name = indicator.name if indicator else key
            raise ValidationError(f"本单位{plan.year}年还没有「{name}」的目标，不能设置它的权重；请先设置目标。")
        number = _check_weight(weight, target.indicator)
        if number != target.weight:
            target = fetch_for_update(Target, user, "change", target.pk)
            target.snapshot()
            target.weight = number
            target.full_clean()
            target.save()
            ensure_in_scope(user, target, "change")
    return weight_warnings(plan)


# --- breakdown -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownCheck:
    """The sum of a target's parts against the whole: level "short" (warning), "over" (info) or "ok"."""

    level: str
    total: Decimal
    message: str = ""


def breakdown_check(target: Target, total: Decimal | None) -> BreakdownCheck | None:
    """None when there is nothing to check: no parts, or a kind whose parts do not add up."""
    if total is None or target.indicator.kind not in SUMMED_KINDS:
        return None
    name, unit = target.indicator.name, target.indicator.unit
    whole = target.value
    if total < whole:
        return BreakdownCheck(
            "short",
            total,
            f"「{name}」分解合计 {number_text(total)} {unit}，少于总目标 {number_text(whole)} {unit}"
            f"（差 {number_text(whole - total)} {unit}）",
        )
    if total > whole:
        return BreakdownCheck(
            "over",
            total,
            f"「{name}」分解合计 {number_text(total)} {unit}，超过总目标 {number_text(whole)} {unit}"
            f"（多 {number_text(total - whole)} {unit}），可留有余量",
        )
    return BreakdownCheck("ok", total)


def parts_total(target: Target) -> Decimal | None:
    return target.parts.aggregate(total=Sum("value"))["total"]


def _may_break_down(user, target: Target) -> bool:
    if user.is_superuser:
        return True
    return bool(user.org_id) and target.org.path.startswith(user.org.path)


def child_plan(*, user, org: Organization, year: int) -> Plan:
    """The sub-unit's plan for the year; created as issued when it has none (it receives targets now)."""
    plan = Plan.objects.select_for_update().filter(org=org, year=year).first()
    if plan is not None:
        return plan
    plan = Plan(
        org=org,
        year=year,
        title=default_plan_title(org, year),
        status=PlanStatus.ISSUED,
        issued_at=timezone.now(),
        created_by=user,
    )
    plan.full_clean()
    plan.save()
    ensure_in_scope(user, plan, "add")
    return plan


def _check_child(user, whole: Target, child: Organization) -> None:
    parent = whole.org
    if not (child.path.startswith(parent.path) and child.depth == parent.depth + 1):
        raise ValidationError(f"「{child.name}」不是「{parent.name}」的直属下级单位，目标只能分解给直属下级单位。")
    if not _org_in_scope(user, child):
        raise PermissionDenied(f"「{child.name}」不在您的数据权限范围内，不能为它分解目标。")


def _set_part(*, user, whole: Target, child: Organization, value: Decimal) -> None:
    existing = (
        Target.objects.select_for_update(of=("self",))
        .filter(org=child, indicator=whole.indicator, year=whole.year)
        .first()
    )
    if existing is None:
        part = Target(org=child, indicator=whole.indicator, year=whole.year, created_by=user)
    else:
        part = existing
        part.snapshot()
    part.plan = child_plan(user=user, org=child, year=whole.year)
    part.value = value
    part.parent = whole
    part.assigned_by = whole.org
    part.full_clean()
    part.save()
    ensure_in_scope(user, part, "change")


def _clear_part(*, user, whole: Target, child: Organization) -> None:
    existing = Target.objects.filter(org=child, indicator=whole.indicator, year=whole.year).first()
    if existing is None or existing.assigned_by_id != whole.org_id:
        return  # nothing of ours to clear: the child's own target stays
    if existing.parts.exists():
        raise ValidationError(
            f"「{child.name}」的「{whole.indicator.name}」目标已继续分解到它的下级单位，不能清除；"
            f"请先由「{child.name}」清除其下级的分解目标。"
        )
    fetch_for_update(Target, user, "delete", existing.pk).delete()


@transaction.atomic
def targets_breakdown(*, user, target: Target, parts: Mapping[Organization, Any]) -> list[str]:
    """分解下达: set the direct sub-units' shares of ``target``; answers the sum-short warnings.

    Units not in ``parts`` keep theirs; a value of None clears that unit's share. A parent's
    assignment replaces a sub-unit's own target for the same indicator.
    """
    _require(user, Target, "change")
    whole = Target.objects.restrict(user, "view").select_related("org", "indicator").filter(pk=target.pk).first()
    if whole is None:
        raise PermissionDenied("对象不存在或不在您的数据权限范围内。")
    if not _may_break_down(user, whole):
        raise PermissionDenied(f"只有「{whole.org.name}」或其上级单位可以分解「{whole.indicator.name}」的目标。")
    for child, value in parts.items():
        _check_child(user, whole, child)
        if value is None or value == "":
            _clear_part(user=user, whole=whole, child=child)
        else:
            number = check_value(value, f"「{child.name}」的「{whole.indicator.name}」分解值")
            _set_part(user=user, whole=whole, child=child, value=number)
    check = breakdown_check(whole, parts_total(whole))
    return [check.message] if check and check.level == "short" else []


@transaction.atomic
def plan_breakdown(*, user, grid: Mapping[Target, Mapping[Organization, Any]]) -> list[str]:
    """The breakdown grid of a plan page: several targets' shares at once, all or nothing."""
    warnings: list[str] = []
    for target, parts in grid.items():
        warnings += targets_breakdown(user=user, target=target, parts=parts)
    return warnings


# --- local indicators ----------------------------------------------------------------------------


def _check_key(indicator: Indicator) -> None:
    if not KEY_PATTERN.match(indicator.key or ""):
        raise ValidationError(
            {"key": "指标编码须以小写英文字母开头，由 3 至 60 位小写字母、数字和下划线组成，如 stations_built。"}
        )
    if Indicator.objects.filter(key=indicator.key).exclude(pk=indicator.pk).exists():
        raise ValidationError({"key": f"指标编码「{indicator.key}」已被使用，请换一个。"})


def _check_components(indicator: Indicator) -> None:
    if indicator.kind != IndicatorKind.COMPOSITE:
        indicator.components = []
        return
    components = indicator.components
    if not isinstance(components, list) or not components:
        raise ValidationError(
            {"components": '综合型指标须填写组成指标及权重，如 [{"key": "health_checks", "weight": 50}]。'}
        )
    total = Decimal(0)
    seen: set[str] = set()
    for item in components:
        if not isinstance(item, dict) or "key" not in item or "weight" not in item:
            raise ValidationError({"components": '每个组成指标须写成 {"key": 指标编码, "weight": 权重}。'})
        key = str(item["key"])
        part = Indicator.objects.filter(key=key).first()
        if part is None:
            raise ValidationError({"components": f"组成指标「{key}」不存在，请填写已有指标的编码。"})
        if part.kind == IndicatorKind.COMPOSITE or key == indicator.key:
            raise ValidationError({"components": f"组成指标「{part.name}」本身是综合型指标，不能再作为组成指标。"})
        if key in seen:
            raise ValidationError({"components": f"组成指标「{part.name}」重复填写了，每个指标只能出现一次。"})
        seen.add(key)
        try:
            weight = Decimal(str(item["weight"]))
        except (InvalidOperation, ValueError):
            raise ValidationError(
                {"components": f"组成指标「{part.name}」的权重“{item['weight']}”不是数字。"}
            ) from None
        if not weight.is_finite() or weight <= 0:
            raise ValidationError({"components": f"组成指标「{part.name}」的权重须大于 0。"})
        total += weight
    if total != HUNDRED:
        raise ValidationError({"components": f"组成指标的权重合计应为 100，当前合计为 {number_text(total)}，请调整。"})


@transaction.atomic
def indicator_create(*, user, data: Mapping[str, Any]) -> Indicator:
    """A local indicator: reported, unless its key names a registered computed source."""
    _require(user, Indicator, "add")
    indicator = Indicator(key=str(data.get("key") or "").strip())
    assign_fields(indicator, INDICATOR_FIELDS, data, strip=True)
    _check_key(indicator)
    indicator.source = IndicatorSource.COMPUTED if sources.get(indicator.key) else IndicatorSource.REPORTED
    _check_components(indicator)
    indicator.full_clean()
    indicator.save()
    ensure_in_scope(user, indicator, "add")
    return indicator


@transaction.atomic
def indicator_update(*, user, indicator: Indicator, data: Mapping[str, Any]) -> Indicator:
    """Built-in indicators follow the catalog: only 启用 and 排序 may change. The key never changes."""
    indicator = fetch_for_update(Indicator, user, "change", indicator.pk)
    if "key" in data and str(data["key"]).strip() != indicator.key:
        raise ValidationError({"key": "指标编码创建后不能修改；如需新编码，请新增一个指标。"})
    if indicator.is_builtin:
        locked = [
            Indicator._meta.get_field(name).verbose_name
            for name in INDICATOR_FIELDS
            if name not in BUILTIN_EDITABLE and name in data and data[name] != getattr(indicator, name)
        ]
        if locked:
            raise ValidationError(f"内置指标只能修改「启用」和「排序」，不能修改{'、'.join(locked)}。")
        fields = BUILTIN_EDITABLE
    else:
        fields = INDICATOR_FIELDS
    indicator.snapshot()
    assign_fields(indicator, fields, data, strip=True)
    if not indicator.is_builtin:
        _check_components(indicator)
    indicator.full_clean()
    indicator.save()
    ensure_in_scope(user, indicator, "change")
    return indicator


@transaction.atomic
def indicator_delete(*, user, indicator: Indicator) -> None:
    indicator = fetch_for_update(Indicator, user, "delete", indicator.pk)
    if indicator.is_builtin:
        raise ValidationError(f"「{indicator.name}」是内置指标，不能删除；不再使用时请停用它。")
    used = Target.objects.filter(indicator=indicator).count()
    if used:
        raise ValidationError(f"指标「{indicator.name}」已被 {used} 个目标使用，不能删除；不再使用时请停用它。")
    if ReportValue.objects.filter(indicator=indicator).exists():
        raise ValidationError(f"指标「{indicator.name}」已有季度报表数据，不能删除；不再使用时请停用它。")
    composites = [
        other.name
        for other in Indicator.objects.filter(kind=IndicatorKind.COMPOSITE)
        if any(str(item.get("key")) == indicator.key for item in other.components if isinstance(item, dict))
    ]
    if composites:
        raise ValidationError(f"指标「{indicator.name}」是综合型指标「{'、'.join(composites)}」的组成指标，不能删除。")
    indicator.delete()
