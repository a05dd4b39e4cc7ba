"""Pages of the indicator catalog, the plans, their own targets and the breakdown (分解下达) grid.

Thin: read through ``restrict`` (other subtrees are 404), write through ``services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_POST

from gonghui.core.exports import xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.orgs.models import Organization
from gonghui.targets import breakdown_xlsx, services
from gonghui.targets.filtersets import IndicatorFilterSet, PlanFilterSet
from gonghui.targets.forms import (
    BreakdownImportForm,
    BuiltinIndicatorForm,
    IndicatorForm,
    PlanCreateForm,
    PlanForm,
    TargetForm,
)
from gonghui.targets.models import Indicator, Plan, PlanStatus, Target
from gonghui.targets.tables import IndicatorTable, PlanTable


def _error_text(error: Exception) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


# --- indicators ----------------------------------------------------------------------------------


class IndicatorListView(ObjectListView):
    model = Indicator
    table_class = IndicatorTable
    filterset_class = IndicatorFilterSet
    title = "工作指标"
    add_url_name = "targets:indicator_add"
    export_filename = "工作指标"
    empty_text = "没有符合条件的指标。"


@login_required
def indicator_detail(request, pk: int):
    user = request.user
    indicator = get_restricted_or_404(Indicator, user, "view", pk=pk)
    components = []
    for item in indicator.components or []:
        part = Indicator.objects.filter(key=item.get("key")).first() if isinstance(item, dict) else None
        components.append({"indicator": part, "key": item.get("key"), "weight": item.get("weight")})
    return render(
        request,
        "targets/indicator_detail.html",
        {
            "title": indicator.name,
            "indicator": indicator,
            "components": components,
            "target_count": Target.objects.restrict(user, "view").filter(indicator=indicator).count(),
            "can_change": can(user, Indicator, "change"),
            "can_delete": can(user, Indicator, "delete") and not indicator.is_builtin,
            "breadcrumbs": [("工作指标", reverse("targets:indicator_list")), (indicator.name, None)],
        },
    )


class IndicatorEditView(ObjectEditView):
    model = Indicator
    list_url_name = "targets:indicator_list"

    def make_form(self, data=None, files=None):
        form_class = BuiltinIndicatorForm if self.obj is not None and self.obj.is_builtin else IndicatorForm
        if self.obj is not None:
            return form_class(user=self.request.user, data=data, files=files, instance=self.obj)
        return form_class(user=self.request.user, data=data, files=files, initial={"is_active": True})

    def create(self, form):
        return services.indicator_create(user=self.request.user, data=form.service_data())

    def update(self, obj, form):
        data = form.service_data() if hasattr(form, "service_data") else dict(form.cleaned_data)
        data.pop("key", None)
        return services.indicator_update(user=self.request.user, indicator=obj, data=data)


class IndicatorDeleteView(ObjectDeleteView):
    model = Indicator
    list_url_name = "targets:indicator_list"

    def delete(self, obj):
        services.indicator_delete(user=self.request.user, indicator=obj)


# --- plans ---------------------------------------------------------------------------------------


class PlanListView(ObjectListView):
    model = Plan
    table_class = PlanTable
    filterset_class = PlanFilterSet
    title = "年度工作计划"
    add_url_name = "targets:plan_add"
    export_filename = "年度工作计划"
    empty_text = "还没有工作计划。"

    def get_queryset(self, action):
        return self.restricted(action).select_related("org").annotate(target_count=Count("targets"))


class PlanEditView(ObjectEditView):
    model = Plan
    list_url_name = "targets:plan_list"

    def make_form(self, data=None, files=None):
        if self.obj is not None:
            return PlanForm(user=self.request.user, data=data, files=files, instance=self.obj)
        return PlanCreateForm(user=self.request.user, data=data, files=files)

    def create(self, form):
        data = dict(form.cleaned_data)
        org, year = data.pop("org"), data.pop("year")
        return services.plan_create(user=self.request.user, org=org, year=year, data=data)

    def update(self, obj, form):
        return services.plan_update(user=self.request.user, plan=obj, data=form.cleaned_data)


class PlanDeleteView(ObjectDeleteView):
    model = Plan
    list_url_name = "targets:plan_list"

    def delete(self, obj):
        services.plan_delete(user=self.request.user, plan=obj)


@dataclass
class GridCell:
    unit: Organization
    name: str  # the input's name
    target: Target | None

    @property
    def value(self) -> str:
        return services.number_text(self.target.value) if self.target else ""

    @property
    def is_units_own(self) -> bool:
        """The sub-unit set this figure itself; a value entered here replaces it."""
        return self.target is not None and self.target.assigned_by_id == self.target.org_id


@dataclass
class GridRow:
    target: Target
    cells: list[GridCell]
    check: services.BreakdownCheck | None
    total: Decimal | None


def _may_break_down(user, plan: Plan) -> bool:
    if not can(user, Target, "change"):
        return False
    return user.is_superuser or (bool(user.org_id) and plan.org.path.startswith(user.org.path))


def _own_targets(user, plan: Plan) -> list[Target]:
    return list(
        Target.objects.restrict(user, "view")
        .filter(org=plan.org, year=plan.year)
        .select_related("indicator", "assigned_by", "org")
        .order_by("indicator__sort", "indicator__pk")
    )


def _grid(user, plan: Plan, own: list[Target], units: list[Organization]) -> list[GridRow]:
    parts = {
        (target.org_id, target.indicator_id): target
        for target in Target.objects.restrict(user, "view").filter(org__in=units, year=plan.year)
    }
    rows = []
    for target in own:
        cells = [
            GridCell(unit, f"part-{target.pk}-{unit.pk}", parts.get((unit.pk, target.indicator_id))) for unit in units
        ]
        total = sum((c.target.value for c in cells if c.target and c.target.parent_id == target.pk), Decimal(0))
        has_parts = any(c.target and c.target.parent_id == target.pk for c in cells)
        total = total if has_parts else None
        rows.append(GridRow(target, cells, services.breakdown_check(target, total), total))
    return rows


@login_required
def plan_detail(request, pk: int):
    user = request.user
    plan = get_restricted_or_404(Plan.objects.select_related("org"), user, "view", pk=pk)
    own = _own_targets(user, plan)
    units = breakdown_xlsx.sub_units(plan, user)
    unit_plans = {p.org_id: p for p in Plan.objects.restrict(user, "view").filter(org__in=units, year=plan.year)}
    parent_plan = None
    if plan.org.depth > 1:
        parent_path = plan.org.path[: -Organization.steplen]
        parent_plan = Plan.objects.restrict(user, "view").filter(org__path=parent_path, year=plan.year).first()
    own_change = can(user, Target, "change") and Plan.objects.restrict(user, "change").filter(pk=plan.pk).exists()
    weight_total = sum((target.weight for target in own), Decimal(0))
    return render(
        request,
        "targets/plan_detail.html",
        {
            "title": str(plan),
            "plan": plan,
            "own": own,
            "units": [(unit, unit_plans.get(unit.pk)) for unit in units],
            "grid": _grid(user, plan, own, units),
            "weight_total": weight_total,
            "weight_warnings": services.weight_warnings(plan) if own else [],
            "parent_plan": parent_plan,
            "can_edit_targets": own_change,
            "can_add_target": own_change and can(user, Target, "add"),
            "can_break_down": _may_break_down(user, plan) and bool(units),
            "can_change": Plan.objects.restrict(user, "change").filter(pk=plan.pk).exists(),
            "can_issue": plan.status == PlanStatus.DRAFT
            and Plan.objects.restrict(user, "approve").filter(pk=plan.pk).exists(),
            "can_delete": plan.status == PlanStatus.DRAFT
            and Plan.objects.restrict(user, "delete").filter(pk=plan.pk).exists(),
            "can_export": can(user, Target, "export"),
            "breadcrumbs": [("年度工作计划", reverse("targets:plan_list")), (str(plan), None)],
        },
    )


@login_required
@require_POST
def plan_weights(request, pk: int):
    plan = get_restricted_or_404(Plan, request.user, "change", pk=pk)
    weights = {key.removeprefix("weight-"): value for key, value in request.POST.items() if key.startswith("weight-")}
    try:
        warnings = services.weights_set(user=request.user, plan=plan, weights=weights)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "已保存考核权重。")
        for warning in warnings:
            messages.warning(request, warning)
    return HttpResponseRedirect(plan.get_absolute_url() + "#weights")


@login_required
@require_POST
def plan_breakdown(request, pk: int):
    """Save the grid: only the cells whose value changed are sent to the service (all or nothing)."""
    user = request.user
    plan = get_restricted_or_404(Plan, user, "view", pk=pk)
    if not _may_break_down(user, plan):
        raise PermissionDenied("只有本单位或上级单位的业务人员可以分解下达目标。")
    units = breakdown_xlsx.sub_units(plan, user)
    grid: dict[Target, dict[Organization, str | None]] = {}
    for row in _grid(user, plan, _own_targets(user, plan), units):
        for cell in row.cells:
            if cell.name not in request.POST:
                continue
            submitted = request.POST[cell.name].strip().replace(",", "")
            if submitted != cell.value:
                grid.setdefault(row.target, {})[cell.unit] = submitted or None
    if not grid:
        messages.info(request, "分解数值没有变化。")
        return HttpResponseRedirect(plan.get_absolute_url() + "#breakdown")
    try:
        warnings = services.plan_breakdown(user=user, grid=grid)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, f"未保存：{_error_text(error)}")
    else:
        messages.success(request, "已保存分解目标。")
        for warning in warnings:
            messages.warning(request, warning)
    return HttpResponseRedirect(plan.get_absolute_url() + "#breakdown")


class PlanIssueView(LoginRequiredMixin, View):
    """下达: a confirmation page, then the service (which notifies the receiving units)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.plan = get_restricted_or_404(Plan.objects.select_related("org"), request.user, "approve", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        if self.plan.status != PlanStatus.DRAFT:
            messages.error(request, f"「{self.plan}」已经下达。")
            return HttpResponseRedirect(self.plan.get_absolute_url())
        units = Target.objects.filter(assigned_by=self.plan.org, year=self.plan.year).exclude(org=self.plan.org)
        count = units.values("org_id").distinct().count()
        return render(
            request,
            "core/object_confirm.html",
            {
                "title": f"下达计划：{self.plan}",
                "question": f"确定下达「{self.plan}」吗？下达后将通知已分解目标的 {count} 个下级单位。",
                "confirm_label": "确认下达",
                "cancel_url": self.plan.get_absolute_url(),
            },
        )

    def post(self, request, pk):
        try:
            services.plan_issue(user=request.user, plan=self.plan)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"已下达「{self.plan}」。")
        return HttpResponseRedirect(self.plan.get_absolute_url())


# --- own targets ---------------------------------------------------------------------------------


class TargetEditView(LoginRequiredMixin, View):
    """Add (``plan_pk``) or edit (``pk``) one of the plan unit's own targets."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        if "pk" in kwargs:
            self.target = get_restricted_or_404(
                Target.objects.select_related("plan__org", "indicator", "assigned_by"), user, "change", pk=kwargs["pk"]
            )
            self.plan = self.target.plan
        else:
            self.target = None
            self.plan = get_restricted_or_404(Plan.objects.select_related("org"), user, "change", pk=kwargs["plan_pk"])
            if not can(user, Target, "add"):
                raise PermissionDenied("您没有新增目标的权限，请联系安全管理员分配角色。")
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        return TargetForm(user=self.request.user, plan=self.plan, data=data, instance=self.target or Target())

    def render_form(self, form):
        title = f"修改目标：{self.target.indicator}" if self.target else "新增目标"
        return render(
            self.request,
            "targets/target_edit.html",
            {
                "title": title,
                "form": form,
                "plan": self.plan,
                "target": self.target,
                "cancel_url": self.plan.get_absolute_url(),
                "breadcrumbs": [
                    ("年度工作计划", reverse("targets:plan_list")),
                    (str(self.plan), self.plan.get_absolute_url()),
                    (title, None),
                ],
            },
        )

    def get(self, request, **kwargs):
        if self.target and self.target.assigned_by_id != self.target.org_id:
            messages.error(request, _error_text(services._parent_assigned_error(self.target)))
            return HttpResponseRedirect(self.plan.get_absolute_url())
        return self.render_form(self.form())

    def post(self, request, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            indicator = self.target.indicator if self.target else data["indicator"]
            try:
                services.target_set(
                    user=request.user,
                    plan=self.plan,
                    indicator=indicator,
                    value=data["value"],
                    weight=data.get("weight") or 0,
                    note=data.get("note", ""),
                )
            except (ValidationError, PermissionDenied) as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, f"已保存「{indicator.name}」的目标。")
                return HttpResponseRedirect(self.plan.get_absolute_url())
        return self.render_form(form)


class TargetRemoveView(ObjectDeleteView):
    model = Target
    list_url_name = "targets:plan_list"

    def context(self):
        context = super().context()
        context["question"] = f"确定要删除本单位「{self.obj.indicator}」的目标吗？删除后不能恢复。"
        return context

    def delete(self, obj):
        services.target_remove(user=self.request.user, target=obj)

    def post(self, request, *args, **kwargs):
        plan_url = self.obj.plan.get_absolute_url()
        response = super().post(request, *args, **kwargs)
        if isinstance(response, HttpResponseRedirect):
            return HttpResponseRedirect(plan_url)
        return response


# --- 目标分解表 -----------------------------------------------------------------------------------


@login_required
def plan_export(request, pk: int):
    user = request.user
    if not can(user, Target, "export"):
        raise PermissionDenied("您没有导出权限，请联系安全管理员分配角色。")
    plan = get_restricted_or_404(Plan.objects.select_related("org"), user, "export", pk=pk)
    content = breakdown_xlsx.export_plan(plan, user)
    mark_operation(request, f"导出目标分解表：{plan}")
    return xlsx_response(content, f"{plan.org.name}{plan.year}年目标任务分解表")


@login_required
def plan_import(request, pk: int):
    user = request.user
    plan = get_restricted_or_404(Plan.objects.select_related("org"), user, "view", pk=pk)
    if not _may_break_down(user, plan):
        raise PermissionDenied("只有本单位或上级单位的业务人员可以导入目标分解表。")
    form = BreakdownImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = breakdown_xlsx.import_sheet(plan, user, upload, filename=upload.name)
        mark_operation(request, f"导入目标分解表：{plan}")
        if result.applied:
            messages.success(request, f"已导入目标分解表：{result.indicators} 项指标，{result.units} 个下级单位。")
            for text in result.notes + result.warnings:
                messages.warning(request, text)
            return HttpResponseRedirect(plan.get_absolute_url() + "#breakdown")
    return render(
        request,
        "targets/plan_import.html",
        {
            "title": f"导入目标分解表：{plan}",
            "plan": plan,
            "form": form,
            "result": result,
            "breadcrumbs": [
                ("年度工作计划", reverse("targets:plan_list")),
                (str(plan), plan.get_absolute_url()),
                ("导入目标分解表", None),
            ],
        },
    )
