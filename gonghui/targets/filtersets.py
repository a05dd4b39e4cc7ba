from __future__ import annotations

import django_filters
from django.db.models import Q

from gonghui.orgs.models import Organization
from gonghui.targets.models import Indicator, IndicatorKind, IndicatorSource, Plan, PlanStatus


def _categories(request=None):
    values = Indicator.objects.order_by("category").values_list("category", flat=True).distinct()
    return [(value, value) for value in values if value]


class IndicatorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称/编码")
    category = django_filters.ChoiceFilter(choices=_categories, label="指标类别")
    kind = django_filters.ChoiceFilter(choices=IndicatorKind.choices, label="指标类型")
    source = django_filters.ChoiceFilter(choices=IndicatorSource.choices, label="数据来源")
    is_active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = Indicator
        fields = ["q", "category", "kind", "source", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(key__icontains=value) | Q(phrases__icontains=value))


def _orgs(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view")


class PlanFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度")
    org = django_filters.ModelChoiceFilter(queryset=_orgs, label="单位")
    within = django_filters.ModelChoiceFilter(queryset=_orgs, method="filter_within", label="含下级单位")
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label="状态")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="计划名称")

    class Meta:
        model = Plan
        fields = ["year", "org", "within", "status", "q"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(org__path__startswith=value.path)
