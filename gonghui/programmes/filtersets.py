from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from gonghui.orgs.models import Organization
from gonghui.programmes.models.centres import CenterKind, ConstructionStatus, ServiceCenter
from gonghui.programmes.models.stations import FACILITIES, BuildKind, HostType, StarRating, Station, StationStatus
from gonghui.programmes.selectors_stations import with_facilities

DATE = forms.DateInput(attrs={"type": "date"})


class WithinMixin(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="单位", widget=forms.HiddenInput)

    def filter_within(self, queryset, name, value):
        parent = Organization.objects.filter(pk=value).first()
        return queryset.filter(org__path__subtree=parent.path) if parent else queryset.none()


class StationFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="名称/地址/依托单位")
    status = django_filters.ChoiceFilter(choices=StationStatus.choices, label="状态", empty_label="全部")
    facility = django_filters.MultipleChoiceFilter(
        choices=FACILITIES, method="filter_facility", label="服务设施", widget=forms.CheckboxSelectMultiple
    )
    star_rating = django_filters.ChoiceFilter(choices=StarRating.choices, label="星级", empty_label="全部")
    host_type = django_filters.ChoiceFilter(choices=HostType.choices, label="依托单位类型", empty_label="全部")
    build_kind = django_filters.ChoiceFilter(choices=BuildKind.choices, label="建设类型", empty_label="全部")
    region_code = django_filters.CharFilter(lookup_expr="startswith", label="区划代码")
    built_from = django_filters.DateFilter(field_name="built_on", lookup_expr="gte", label="建成从", widget=DATE)
    built_to = django_filters.DateFilter(field_name="built_on", lookup_expr="lte", label="至", widget=DATE)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="巡查超期", widget=forms.CheckboxInput)

    class Meta:
        model = Station
        fields = ["q", "status", "facility", "star_rating", "host_type", "build_kind", "region_code"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value) | Q(host_name__icontains=value))

    def filter_facility(self, queryset, name, value):
        return with_facilities(queryset, value)

    def filter_overdue(self, queryset, name, value):
        import datetime

        if not value:
            return queryset
        return queryset.filter(status=StationStatus.OPERATING, next_inspection_due__lt=datetime.date.today())


class ServiceCenterFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="名称/地址")
    kind = django_filters.ChoiceFilter(choices=CenterKind.choices, label="类型", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=ConstructionStatus.choices, label="建设状态", empty_label="全部")
    completed_from = django_filters.DateFilter(
        field_name="completed_on", lookup_expr="gte", label="建成从", widget=DATE
    )
    completed_to = django_filters.DateFilter(field_name="completed_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = ServiceCenter
        fields = ["q", "kind", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))
