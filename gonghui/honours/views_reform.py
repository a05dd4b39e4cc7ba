"""产改 pages: pilot enterprises with their 一企一策 checklist and liaison, demonstration sites. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.honours import services_reform as services
from gonghui.honours.filtersets_reform import DemoSiteFilterSet, PilotFilterSet
from gonghui.honours.forms_reform import DemoSiteForm, LiaisonForm, MeasureForm, PilotForm
from gonghui.honours.models import DemoSite, MeasureStatus, PilotEnterprise, PilotLiaison, ReformMeasure
from gonghui.honours.tables_reform import DemoSiteTable, PilotTable

PILOT_TITLE = "产改试点企业"


def pilots_for(user, action: str = "view"):
    return (
        PilotEnterprise.objects.restrict(user, action)
        .select_related("org", "employer")
        .annotate(
            measure_count=Count("measures"),
            done_count=Count("measures", filter=Q(measures__status=MeasureStatus.DONE)),
        )
    )


class PilotListView(ObjectListView):
    model = PilotEnterprise
    table_class = PilotTable
    filterset_class = PilotFilterSet
    title = PILOT_TITLE
    add_url_name = "honours:pilot_add"
    export_filename = "产改试点企业"
    empty_text = "没有符合条件的产改试点企业。"

    def get_queryset(self, action):
        return pilots_for(self.request.user, action)


class PilotEditView(ObjectEditView):
    model = PilotEnterprise
    form_class = PilotForm
    list_url_name = "honours:pilot_list"

    def create(self, form):
        return services.pilot_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services.pilot_update(user=self.request.user, pilot=obj, data=form.cleaned_data)


class PilotDeleteView(ObjectDeleteView):
    model = PilotEnterprise
    list_url_name = "honours:pilot_list"

    def delete(self, obj):
        services.pilot_delete(user=self.request.user, pilot=obj)


def _pilot_or_404(user, pk: int) -> PilotEnterprise:
    return get_restricted_or_404(PilotEnterprise.objects.select_related("org", "employer"), user, pk=pk)


def _render_pilot(request, pilot: PilotEnterprise, bound: dict | None = None):
    user = request.user
    forms = {"measure": MeasureForm(), "liaison": LiaisonForm(user=user, pilot=pilot), **(bound or {})}
    measures = list(pilot.measures.all())
    return render(
        request,
        "honours/pilot_detail.html",
        {
            "title": str(pilot),
            "pilot": pilot,
            "measures": measures,
            "done": sum(1 for m in measures if m.status == MeasureStatus.DONE),
            "liaisons": pilot.liaisons.select_related("staff", "staff__org"),
            "may_change": PilotEnterprise.objects.restrict(user, "change").filter(pk=pilot.pk).exists(),
            "may_delete": PilotEnterprise.objects.restrict(user, "delete").filter(pk=pilot.pk).exists(),
            "statuses": MeasureStatus.choices,
            "forms": forms,
            "breadcrumbs": [(PILOT_TITLE, reverse("honours:pilot_list")), (str(pilot), None)],
        },
    )


@login_required
@require_GET
def pilot_detail(request, pk: int):
    return _render_pilot(request, _pilot_or_404(request.user, pk))


def _error_text(error: Exception) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


@login_required
@require_POST
def pilot_step(request, pk: int, step: str):
    """Add a measure or pair a liaison on the pilot's page."""
    pilot = _pilot_or_404(request.user, pk)
    if step == "measure":
        form = MeasureForm(request.POST)
    elif step == "liaison":
        form = LiaisonForm(request.POST, user=request.user, pilot=pilot)
    else:
        raise Http404("没有这个操作。")
    if form.is_valid():
        try:
            if step == "measure":
                services.measure_add(user=request.user, pilot=pilot, data=form.cleaned_data)
            else:
                services.liaison_assign(user=request.user, pilot=pilot, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已添加改革举措。" if step == "measure" else "已建立挂点联系。")
            return HttpResponseRedirect(pilot.get_absolute_url())
    return _render_pilot(request, pilot, {step: form})


def _measure_or_404(user, pk: int) -> ReformMeasure:
    measure = ReformMeasure.objects.filter(pk=pk).select_related("pilot").first()
    if measure is None:
        raise Http404("举措不存在。")
    _pilot_or_404(user, measure.pilot_id)
    return measure


@login_required
@require_POST
def measure_status(request, pk: int):
    """Move a measure to 推进中 / 已完成 (with today's date unless given) from the checklist."""
    measure = _measure_or_404(request.user, pk)
    status = request.POST.get("status", "")
    if status not in MeasureStatus.values:
        raise Http404("没有这个状态。")
    data = {"status": status, "note": request.POST.get("note", measure.note)[:300]}
    if status == MeasureStatus.DONE:
        data["done_on"] = measure.done_on or timezone.localdate()
    try:
        services.measure_update(user=request.user, measure=measure, data=data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, f"「{measure}」：{_error_text(error)}")
    else:
        messages.success(request, f"「{measure}」已更新为{MeasureStatus(status).label}。")
    return HttpResponseRedirect(reverse("honours:pilot_detail", args=[measure.pilot_id]) + "#measures")


@login_required
@require_POST
def measure_delete(request, pk: int):
    measure = _measure_or_404(request.user, pk)
    try:
        services.measure_delete(user=request.user, measure=measure)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"已删除举措「{measure}」。")
    return HttpResponseRedirect(reverse("honours:pilot_detail", args=[measure.pilot_id]) + "#measures")


@login_required
@require_POST
def liaison_end(request, pk: int):
    liaison = PilotLiaison.objects.filter(pk=pk).select_related("pilot").first()
    if liaison is None:
        raise Http404("挂点联系不存在。")
    _pilot_or_404(request.user, liaison.pilot_id)
    try:
        services.liaison_end(user=request.user, liaison=liaison)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "已结束挂点联系。")
    return HttpResponseRedirect(reverse("honours:pilot_detail", args=[liaison.pilot_id]))


# --- demonstration sites -----------------------------------------------------------------------------


class DemoSiteListView(ObjectListView):
    model = DemoSite
    table_class = DemoSiteTable
    filterset_class = DemoSiteFilterSet
    title = "产改示范点"
    add_url_name = "honours:demo_site_add"
    export_filename = "产改示范点"
    empty_text = "没有符合条件的产改示范点。"

    def get_queryset(self, action):
        return DemoSite.objects.restrict(self.request.user, action).select_related("org", "employer")


class DemoSiteEditView(ObjectEditView):
    model = DemoSite
    form_class = DemoSiteForm
    list_url_name = "honours:demo_site_list"

    def create(self, form):
        return services.demo_site_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services.demo_site_update(user=self.request.user, site=obj, data=form.cleaned_data)


class DemoSiteDeleteView(ObjectDeleteView):
    model = DemoSite
    list_url_name = "honours:demo_site_list"

    def delete(self, obj):
        services.demo_site_delete(user=self.request.user, site=obj)


@login_required
@require_GET
def demo_site_detail(request, pk: int):
    site = get_restricted_or_404(DemoSite.objects.select_related("org", "employer"), request.user, pk=pk)
    user = request.user
    return render(
        request,
        "honours/demo_site_detail.html",
        {
            "title": site.name,
            "site": site,
            "may_change": DemoSite.objects.restrict(user, "change").filter(pk=site.pk).exists(),
            "may_delete": DemoSite.objects.restrict(user, "delete").filter(pk=site.pk).exists(),
            "breadcrumbs": [("产改示范点", reverse("honours:demo_site_list")), (site.name, None)],
        },
    )
