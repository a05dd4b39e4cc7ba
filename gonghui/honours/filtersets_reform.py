"""Filters of the 产改 lists."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from gonghui.honours.filtersets_competitions import BOOL, WithinFilterMixin
from gonghui.honours.models import DemoSite, Level, PilotEnterprise, PilotStatus


class PilotFilterSet(WithinFilterMixin):
    q = django_filters.CharFilter(method="search", label="企业名称/信用代码/特色")
    batch = django_filters.NumberFilter(label="批次")
    status = django_filters.ChoiceFilter(choices=PilotStatus.choices, label="状态", empty_label="全部")
    current = django_filters.BooleanFilter(method="filter_current", label="未退出", widget=BOOL)
    designated_from = django_filters.DateFilter(field_name="designated_on", lookup_expr="gte", label="确定日期从")
    designated_to = django_filters.DateFilter(field_name="designated_on", lookup_expr="lte", label="至")

    class Meta:
        model = PilotEnterprise
        fields = ["q", "batch", "status", "within", "designated_from", "designated_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(employer__name__icontains=value) | Q(employer__uscc=value.upper()) | Q(feature__icontains=value)
        )

    def filter_current(self, queryset, name, value):
        withdrawn = Q(status=PilotStatus.WITHDRAWN)
        return queryset.exclude(withdrawn) if value else queryset.filter(withdrawn)


class DemoSiteFilterSet(WithinFilterMixin):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="名称")
    level = django_filters.ChoiceFilter(choices=Level.choices, label="级别", empty_label="全部")
    named_from = django_filters.DateFilter(field_name="named_on", lookup_expr="gte", label="命名日期从")
    named_to = django_filters.DateFilter(field_name="named_on", lookup_expr="lte", label="至")

    class Meta:
        model = DemoSite
        fields = ["q", "level", "within", "named_from", "named_to"]
