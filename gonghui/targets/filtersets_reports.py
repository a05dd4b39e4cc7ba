"""Filters of the quarterly report list (the page; the API filters with its own schema)."""

from __future__ import annotations

import django_filters

from gonghui.orgs.models import Organization
from gonghui.targets.forms_reports import QUARTER_CHOICES, year_choices
from gonghui.targets.models import QuarterlyReport, ReportStatus


def visible_orgs(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view").order_by("path")


class QuarterlyReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="org__name", lookup_expr="icontains", label="单位名称")
    year = django_filters.ChoiceFilter(choices=year_choices, label="年度", empty_label="全部")
    quarter = django_filters.ChoiceFilter(choices=QUARTER_CHOICES, label="季度", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label="状态", empty_label="全部")
    unit = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_unit", label="单位（含下级）")

    class Meta:
        model = QuarterlyReport
        fields = ["q", "year", "quarter", "status", "unit"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org__path__startswith=value.path)
