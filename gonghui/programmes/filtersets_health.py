"""Filters of the health-check and recuperation lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from gonghui.programmes.filtersets import WithinMixin
from gonghui.programmes.models.health import (
    AppointmentStatus,
    BatchStatus,
    ExamVehicleVisit,
    HealthCheckAppointment,
    HealthCheckBatch,
    VisitStatus,
)
from gonghui.programmes.models.recuperation import (
    ParticipantStatus,
    Priority,
    RecuperationParticipant,
    RecuperationQuota,
    RecuperationRoute,
)

DATE = forms.DateInput(attrs={"type": "date"})


class HealthBatchFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="批次/体检机构")
    year = django_filters.NumberFilter(label="年度")
    status = django_filters.ChoiceFilter(choices=BatchStatus.choices, label="状态", empty_label="全部")

    class Meta:
        model = HealthCheckBatch
        fields = ["q", "year", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(provider__icontains=value))


class HealthAppointmentFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="姓名/岗位")
    batch = django_filters.ModelChoiceFilter(queryset=HealthCheckBatch.objects.none(), label="体检批次")
    status = django_filters.ChoiceFilter(choices=AppointmentStatus.choices, label="状态", empty_label="全部")
    front_line = django_filters.BooleanFilter(label="一线岗位", widget=forms.NullBooleanSelect)
    completed_from = django_filters.DateFilter(
        field_name="completed_on", lookup_expr="gte", label="体检日期从", widget=DATE
    )
    completed_to = django_filters.DateFilter(field_name="completed_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = HealthCheckAppointment
        fields = ["q", "batch", "status", "front_line"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.programmes.selectors_health import batches_for

        self.filters["batch"].queryset = (
            batches_for(self.request.user) if self.request else HealthCheckBatch.objects.none()
        )

    def search(self, queryset, name, value):
        return queryset.filter(Q(member__name__icontains=value) | Q(job_post__icontains=value))


class VisitFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="单位/地点")
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices, label="状态", empty_label="全部")
    visit_from = django_filters.DateFilter(field_name="visit_on", lookup_expr="gte", label="到场日期从", widget=DATE)
    visit_to = django_filters.DateFilter(field_name="visit_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = ExamVehicleVisit
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(employer__name__icontains=value) | Q(place__icontains=value))


class RouteFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="线路/目的地")
    year = django_filters.NumberFilter(label="年度")

    class Meta:
        model = RecuperationRoute
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(destination__icontains=value))


class ParticipantFilterSet(WithinMixin):
    q = django_filters.CharFilter(field_name="member__name", lookup_expr="icontains", label="姓名")
    year = django_filters.NumberFilter(label="年度")
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label="优先类别", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=ParticipantStatus.choices, label="状态", empty_label="全部")
    completed_from = django_filters.DateFilter(
        field_name="completed_on", lookup_expr="gte", label="完成日期从", widget=DATE
    )
    completed_to = django_filters.DateFilter(field_name="completed_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = RecuperationParticipant
        fields = ["q", "year", "priority", "status"]


class QuotaFilterSet(WithinMixin):
    year = django_filters.NumberFilter(label="年度")

    class Meta:
        model = RecuperationQuota
        fields = ["year"]
