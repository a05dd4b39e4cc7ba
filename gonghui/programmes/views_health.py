"""Health-check pages: batches (list, detail with places per union, edit), allocations, appointments and the
exam vehicle's stops. Every read goes through the selectors (``restrict``); anything out of scope is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.programmes import selectors_health, services_health
from gonghui.programmes.filtersets_health import HealthAppointmentFilterSet, HealthBatchFilterSet, VisitFilterSet
from gonghui.programmes.forms_health import AllocationForm, AppointmentForm, CompleteForm, HealthBatchForm, VisitForm
from gonghui.programmes.models.health import (
    ExamVehicleVisit,
    HealthCheckAllocation,
    HealthCheckAppointment,
    HealthCheckBatch,
)
from gonghui.programmes.tables_health import HealthAppointmentTable, HealthBatchTable, VisitTable

LIST = "programmes:health_batch_list"


def _errors(error) -> str:
    return "；".join(getattr(error, "messages", [str(error)]))


def form_page(request, *, title: str, form, cancel_url: str, crumbs: list) -> object:
    return render(
        request,
        "core/object_edit.html",
        {"title": title, "form": form, "cancel_url": cancel_url, "breadcrumbs": [*crumbs, (title, None)]},
    )


def batch_visible(request, pk: int) -> HealthCheckBatch:
    if not can(request.user, HealthCheckBatch, "view") and not can(request.user, HealthCheckAllocation, "view"):
        raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")
    batch = selectors_health.batches_for(request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404("对象不存在或不在您的数据权限范围内。")
    return batch


class BatchListView(ObjectListView):
    model = HealthCheckBatch
    table_class = HealthBatchTable
    filterset_class = HealthBatchFilterSet
    title = "体检批次"
    add_url_name = "programmes:health_batch_add"
    export_filename = "体检批次"
    empty_text = "还没有体检批次。"

    def get_queryset(self, action):
        return selectors_health.batches_for(self.request.user, action)


@login_required
def batch_detail(request, pk: int):
    return _render_detail(request, batch_visible(request, pk))


def _render_detail(request, batch, **forms):
    user = request.user
    can_change = HealthCheckBatch.objects.restrict(user, "change").filter(pk=batch.pk).exists()
    progress = selectors_health.allocation_progress(user, batch)
    totals = {
        "slots": sum(p.allocation.slots for p in progress),
        "used": sum(p.used for p in progress),
        "completed": sum(p.completed for p in progress),
        "no_show": sum(p.no_show for p in progress),
    }
    visits = selectors_health.visits_for(user).filter(batch=batch)
    if can_change:
        visits = ExamVehicleVisit.objects.filter(batch=batch).select_related("employer", "org")
    context = {
        "title": batch.name,
        "batch": batch,
        "breadcrumbs": [("体检批次", reverse(LIST)), (batch.name, None)],
        "progress": progress,
        "totals": totals,
        "unallocated": batch.total_slots - totals["slots"],
        "visits": visits,
        "can_change": can_change,
        "can_delete": HealthCheckBatch.objects.restrict(user, "delete").filter(pk=batch.pk).exists(),
        "can_book": can(user, HealthCheckAppointment, "add") and batch.status == "open",
        "allocation_form": forms.get("allocation_form")
        or (AllocationForm(user=user, batch=batch) if can_change else None),
        "appointments_url": reverse("programmes:health_appointment_list") + f"?batch={batch.pk}",
    }
    return render(request, "programmes/health/batch_detail.html", context)


class BatchEditView(ObjectEditView):
    model = HealthCheckBatch
    form_class = HealthBatchForm
    list_url_name = LIST

    def create(self, form):
        return services_health.batch_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_health.batch_update(user=self.request.user, batch=obj, data=form.cleaned_data)


class BatchDeleteView(ObjectDeleteView):
    model = HealthCheckBatch
    list_url_name = LIST

    def delete(self, obj):
        services_health.batch_delete(user=self.request.user, batch=obj)


def _batch_for_change(request, pk: int) -> HealthCheckBatch:
    if not can(request.user, HealthCheckBatch, "change"):
        raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")
    return get_restricted_or_404(HealthCheckBatch.objects.select_related("org"), request.user, "change", pk=pk)


@login_required
@require_POST
def allocation_save(request, pk: int):
    batch = _batch_for_change(request, pk)
    form = AllocationForm(request.POST, user=request.user, batch=batch)
    if form.is_valid():
        try:
            allocation = services_health.allocation_save(user=request.user, batch=batch, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已给「{allocation.org}」分配 {allocation.slots} 个名额。")
            return HttpResponseRedirect(batch.get_absolute_url() + "#allocations")
    return _render_detail(request, batch, allocation_form=form)


@login_required
@require_POST
def allocation_delete(request, pk: int, allocation_pk: int):
    batch = _batch_for_change(request, pk)
    allocation = HealthCheckAllocation.objects.filter(batch=batch, pk=allocation_pk).select_related("org").first()
    if allocation is None:
        raise Http404("对象不存在或不在您的数据权限范围内。")
    try:
        services_health.allocation_delete(user=request.user, allocation=allocation)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"已删除「{allocation.org}」的名额。")
    return HttpResponseRedirect(batch.get_absolute_url() + "#allocations")


# --- appointments -------------------------------------------------------------------------------


class AppointmentListView(ObjectListView):
    model = HealthCheckAppointment
    table_class = HealthAppointmentTable
    filterset_class = HealthAppointmentFilterSet
    title = "体检预约"
    export_filename = "体检预约"
    empty_text = "没有符合条件的体检预约。在体检批次页面为职工预约。"

    def get_queryset(self, action):
        return selectors_health.appointments_for(self.request.user, action)


@login_required
def appointment_add(request, pk: int):
    batch = batch_visible(request, pk)
    if not can(request.user, HealthCheckAppointment, "add"):
        raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")
    form = AppointmentForm(request.POST or None, user=request.user, batch=batch)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services_health.appointment_create(user=request.user, batch=batch, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已为{appointment.member.name}预约 {appointment.scheduled_on:%Y-%m-%d} 体检。")
            return HttpResponseRedirect(reverse("programmes:health_appointment_list") + f"?batch={batch.pk}")
    return form_page(
        request,
        title=f"体检预约：{batch.name}",
        form=form,
        cancel_url=batch.get_absolute_url(),
        crumbs=[("体检批次", reverse(LIST)), (batch.name, batch.get_absolute_url())],
    )


def _appointment(request, pk: int) -> HealthCheckAppointment:
    if not can(request.user, HealthCheckAppointment, "change"):
        raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")
    return get_restricted_or_404(
        HealthCheckAppointment.objects.select_related("member", "batch"), request.user, "change", pk=pk
    )


@login_required
def appointment_complete(request, pk: int):
    appointment = _appointment(request, pk)
    form = CompleteForm(request.POST or None, initial={"completed_on": appointment.scheduled_on})
    back = reverse("programmes:health_appointment_list") + f"?batch={appointment.batch_id}"
    if request.method == "POST" and form.is_valid():
        try:
            services_health.appointment_complete(
                user=request.user, appointment=appointment, completed_on=form.cleaned_data["completed_on"]
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已登记{appointment.member.name}完成体检。")
            return HttpResponseRedirect(back)
    return form_page(
        request,
        title=f"登记体检完成：{appointment.member.name}",
        form=form,
        cancel_url=back,
        crumbs=[("体检预约", reverse("programmes:health_appointment_list"))],
    )


@login_required
def appointment_mark(request, pk: int, action: str):
    """未到检 (no_show) or 取消预约 (cancel), after a confirmation page."""
    appointment = _appointment(request, pk)
    labels = {"no_show": "登记未到检", "cancel": "取消预约"}
    if action not in labels:
        raise Http404
    back = reverse("programmes:health_appointment_list") + f"?batch={appointment.batch_id}"
    if request.method == "POST":
        writer = services_health.appointment_no_show if action == "no_show" else services_health.appointment_cancel
        try:
            writer(user=request.user, appointment=appointment)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, f"已为{appointment.member.name}{labels[action]}。")
        return HttpResponseRedirect(back)
    question = f"确定为{appointment.member.name}（{appointment.batch}）{labels[action]}吗？"
    if action == "cancel":
        question += "取消后名额退回本单位。"
    return render(
        request,
        "core/object_confirm.html",
        {"title": labels[action], "question": question, "confirm_label": labels[action], "cancel_url": back},
    )


# --- exam vehicle visits ------------------------------------------------------------------------


class VisitListView(ObjectListView):
    model = ExamVehicleVisit
    table_class = VisitTable
    filterset_class = VisitFilterSet
    title = "体检车送检"
    export_filename = "体检车送检"
    empty_text = "还没有安排体检车送检。在体检批次页面安排站点。"

    def get_queryset(self, action):
        return selectors_health.visits_for(self.request.user, action)


@login_required
def visit_add(request, pk: int):
    batch = _batch_for_change(request, pk)
    form = VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        employer = data.pop("employer")
        try:
            services_health.visit_create(user=request.user, batch=batch, employer=employer, data=data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已安排体检车 {data['visit_on']:%Y-%m-%d} 到「{employer}」。")
            return HttpResponseRedirect(batch.get_absolute_url() + "#visits")
    return form_page(
        request,
        title=f"安排体检车送检：{batch.name}",
        form=form,
        cancel_url=batch.get_absolute_url(),
        crumbs=[("体检批次", reverse(LIST)), (batch.name, batch.get_absolute_url())],
    )


class VisitEditView(ObjectEditView):
    model = ExamVehicleVisit
    form_class = VisitForm
    list_url_name = "programmes:health_visit_list"

    def update(self, obj, form):
        data = dict(form.cleaned_data)
        data.pop("employer", None)
        return services_health.visit_update(user=self.request.user, visit=obj, data=data)


class VisitDeleteView(ObjectDeleteView):
    model = ExamVehicleVisit
    list_url_name = "programmes:health_visit_list"

    def delete(self, obj):
        services_health.visit_delete(user=self.request.user, visit=obj)
