from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from gonghui.orgs.models import (
    Employer,
    FederationLevel,
    Industry,
    Organization,
    OrgStatus,
    OrgType,
    Ownership,
)


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称/编码")
    org_type = django_filters.ChoiceFilter(choices=OrgType.choices, label="组织类型")
    level = django_filters.ChoiceFilter(choices=FederationLevel.choices, label="层级")
    status = django_filters.ChoiceFilter(choices=OrgStatus.choices, label="状态")
    region_code = django_filters.CharFilter(lookup_expr="startswith", label="区划代码")
    within = django_filters.NumberFilter(
        method="filter_within", label="上级单位", widget=forms.HiddenInput
    )
    founded_from = django_filters.DateFilter(
        field_name="founded_on", lookup_expr="gte", label="成立日期从", widget=forms.DateInput(attrs={"type": "date"})
    )
    founded_to = django_filters.DateFilter(
        field_name="founded_on", lookup_expr="lte", label="至", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Organization
        fields = ["q", "org_type", "level", "status", "region_code"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__iexact=value))

    def filter_within(self, queryset, name, value):
        parent = Organization.objects.filter(pk=value).first()
        return queryset.filter(path__subtree=parent.path) if parent else queryset.none()


class EmployerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称/信用代码")
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, label="经济类型")
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label="行业")
    has_union = django_filters.BooleanFilter(field_name="union", lookup_expr="isnull", exclude=True, label="已建会")
    is_platform = django_filters.BooleanFilter(label="平台企业")
    min_staff = django_filters.NumberFilter(field_name="staff_count", lookup_expr="gte", label="职工数≥")

    class Meta:
        model = Employer
        fields = ["q", "ownership", "industry", "has_union", "is_platform", "min_staff"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(uscc=value.strip().upper()))
