"""Service centre pages: list with filters and export, detail, create/edit, delete."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from gonghui.core.querysets import get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.programmes import services_centres
from gonghui.programmes.filtersets import ServiceCenterFilterSet
from gonghui.programmes.forms import ServiceCenterForm
from gonghui.programmes.models.centres import ConstructionStatus, ServiceCenter
from gonghui.programmes.tables import ServiceCenterTable

LIST = "programmes:center_list"


class CenterListView(ObjectListView):
    model = ServiceCenter
    table_class = ServiceCenterTable
    filterset_class = ServiceCenterFilterSet
    title = "职工服务阵地"
    add_url_name = "programmes:center_add"
    export_filename = "职工服务阵地"
    empty_text = "没有符合条件的服务阵地。"
    template_name = "programmes/center_list.html"

    def get_queryset(self, action):
        return self.restricted(action).select_related("org")

    def extra_context(self):
        from django.db.models import Count

        counts = dict(
            self.restricted("view").values_list("status").annotate(n=Count("pk")).order_by().values_list("status", "n")
        )
        return {"status_counts": [(label, counts.get(value, 0)) for value, label in ConstructionStatus.choices]}


@login_required
def center_detail(request, pk: int):
    center = get_restricted_or_404(ServiceCenter.objects.select_related("org"), request.user, "view", pk=pk)
    user = request.user
    return render(
        request,
        "programmes/center_detail.html",
        {
            "title": center.name,
            "center": center,
            "breadcrumbs": [("职工服务阵地", reverse(LIST)), (center.name, None)],
            "can_change": ServiceCenter.objects.restrict(user, "change").filter(pk=center.pk).exists(),
            "can_delete": ServiceCenter.objects.restrict(user, "delete").filter(pk=center.pk).exists(),
        },
    )


class CenterEditView(ObjectEditView):
    model = ServiceCenter
    form_class = ServiceCenterForm
    list_url_name = LIST

    def create(self, form):
        return services_centres.center_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_centres.center_update(user=self.request.user, center=obj, data=form.cleaned_data)


class CenterDeleteView(ObjectDeleteView):
    model = ServiceCenter
    list_url_name = LIST

    def delete(self, obj):
        services_centres.center_delete(user=self.request.user, center=obj)
