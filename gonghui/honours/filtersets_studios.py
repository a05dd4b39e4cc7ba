"""Filters of the innovation studio list."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from gonghui.honours.filtersets_competitions import WithinFilterMixin
from gonghui.honours.models import InnovationStudio, Level, StudioKind, StudioStatus


class StudioFilterSet(WithinFilterMixin):
    q = django_filters.CharFilter(method="search", label="名称/领域/领办人")
    kind = django_filters.ChoiceFilter(choices=StudioKind.choices, label="类别", empty_label="全部")
    level = django_filters.ChoiceFilter(choices=Level.choices, label="级别", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=StudioStatus.choices, label="状态", empty_label="全部")
    named_from = django_filters.DateFilter(field_name="named_on", lookup_expr="gte", label="命名日期从")
    named_to = django_filters.DateFilter(field_name="named_on", lookup_expr="lte", label="至")

    class Meta:
        model = InnovationStudio
        fields = ["q", "kind", "level", "status", "within", "named_from", "named_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(field__icontains=value) | Q(leader__name__icontains=value))
