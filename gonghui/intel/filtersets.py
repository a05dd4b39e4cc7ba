"""Filters of the document search page and the figures list (the API passes its query through the same
filter sets, so both filter alike)."""

from __future__ import annotations

import django_filters

from gonghui.intel import search
from gonghui.intel.models import Document, DocumentStatus, Fact, FactKind, FactStatus
from gonghui.targets.filtersets_reports import visible_orgs
from gonghui.targets.forms_reports import QUARTER_CHOICES, year_choices
from gonghui.targets.models import Indicator


def indicators(request):
    return Indicator.objects.filter(is_active=True).order_by("sort", "pk")


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="全文检索")
    unit = django_filters.ModelChoiceFilter(
        queryset=visible_orgs, method="filter_unit", label="单位（含下级）", empty_label="全部"
    )
    year = django_filters.ChoiceFilter(choices=year_choices, label="年度", empty_label="全部")
    quarter = django_filters.ChoiceFilter(choices=QUARTER_CHOICES, label="季度", empty_label="全部")
    indicator = django_filters.ModelChoiceFilter(
        queryset=indicators, to_field_name="key", method="filter_indicator", label="含指标", empty_label="全部"
    )
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices, label="状态", empty_label="全部")

    class Meta:
        model = Document
        fields = ["q", "unit", "year", "quarter", "indicator", "status"]

    def filter_q(self, queryset, name, value):
        return search.match(queryset, search.query_tokens(value))

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org__path__startswith=value.path)

    def filter_indicator(self, queryset, name, value):
        with_indicator = Fact.objects.filter(indicator=value).exclude(status=FactStatus.DROPPED)
        return queryset.filter(pk__in=with_indicator.values("document_id"))


class FactFilterSet(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        queryset=visible_orgs, method="filter_unit", label="单位（含下级）", empty_label="全部"
    )
    year = django_filters.ChoiceFilter(
        field_name="document__year", choices=year_choices, label="年度", empty_label="全部"
    )
    quarter = django_filters.ChoiceFilter(
        field_name="document__quarter", choices=QUARTER_CHOICES, label="季度", empty_label="全部"
    )
    indicator = django_filters.ModelChoiceFilter(
        queryset=indicators, to_field_name="key", label="指标", empty_label="全部"
    )
    status = django_filters.ChoiceFilter(choices=FactStatus.choices, label="状态", empty_label="全部")
    kind = django_filters.ChoiceFilter(choices=FactKind.choices, label="类型", empty_label="全部")

    class Meta:
        model = Fact
        fields = ["unit", "year", "quarter", "indicator", "status", "kind"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(document__org__path__startswith=value.path)
