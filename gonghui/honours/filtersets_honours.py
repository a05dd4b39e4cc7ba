"""Filters of the honours and care lists."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from gonghui.honours.filtersets_competitions import BOOL, WithinFilterMixin
from gonghui.honours.models import PERSON_KINDS, CareKind, CareRecord, Honour, HonourKind, HonourState, Level
from gonghui.members.selectors import member_search_q


class HonourFilterSet(WithinFilterMixin):
    q = django_filters.CharFilter(method="search", label="获得者/称号")
    kind = django_filters.ChoiceFilter(choices=HonourKind.choices, label="类别", empty_label="全部")
    level = django_filters.ChoiceFilter(choices=Level.choices, label="级别", empty_label="全部")
    state = django_filters.ChoiceFilter(choices=HonourState.choices, label="状态", empty_label="全部")
    year = django_filters.NumberFilter(label="年度")
    personal = django_filters.BooleanFilter(method="filter_personal", label="个人荣誉", widget=BOOL)
    awarded_from = django_filters.DateFilter(field_name="awarded_on", lookup_expr="gte", label="授予日期从")
    awarded_to = django_filters.DateFilter(field_name="awarded_on", lookup_expr="lte", label="至")

    class Meta:
        model = Honour
        fields = ["q", "kind", "level", "state", "year", "within", "awarded_from", "awarded_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        person = member_search_q(value)
        by_member = Q(**{f"member__{k}": v for k, v in person.children}) if person else Q()
        return queryset.filter(by_member | Q(collective_name__icontains=value) | Q(title__icontains=value))

    def filter_personal(self, queryset, name, value):
        return queryset.filter(kind__in=PERSON_KINDS) if value else queryset.exclude(kind__in=PERSON_KINDS)


class CareFilterSet(WithinFilterMixin):
    q = django_filters.CharFilter(method="search", label="姓名")
    kind = django_filters.ChoiceFilter(choices=CareKind.choices, label="项目", empty_label="全部")
    year = django_filters.NumberFilter(label="年度")
    done = django_filters.BooleanFilter(
        field_name="done_on", lookup_expr="isnull", exclude=True, label="已落实", widget=BOOL
    )

    class Meta:
        model = CareRecord
        fields = ["q", "kind", "year", "done", "within"]

    def search(self, queryset, name, value):
        return queryset.filter(honour__member__name__icontains=value.strip())
