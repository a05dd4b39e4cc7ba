from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from gonghui.orgs.models import Organization
from gonghui.orgs.models_establishment import (
    OPEN_STATES,
    CommitteeMember,
    CommitteeRole,
    EstablishmentCase,
    EstablishmentState,
    LeadSource,
    ReElection,
    ReElectionStatus,
)

DATE = forms.DateInput(attrs={"type": "date"})


class EstablishmentCaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="编号/名称/单位")
    state = django_filters.ChoiceFilter(choices=EstablishmentState.choices, label="状态")
    lead_source = django_filters.ChoiceFilter(choices=LeadSource.choices, label="线索来源")
    open_only = django_filters.BooleanFilter(method="filter_open", label="仅在办", widget=forms.CheckboxInput)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="仅超期", widget=forms.CheckboxInput)
    applied_from = django_filters.DateFilter(
        field_name="applied_on", lookup_expr="gte", label="申请日期从", widget=DATE
    )
    applied_to = django_filters.DateFilter(field_name="applied_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = EstablishmentCase
        fields = ["q", "state", "lead_source"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__iexact=value) | Q(union_name__icontains=value) | Q(employers__name__icontains=value)
        ).distinct()

    def filter_open(self, queryset, name, value):
        return queryset.filter(state__in=OPEN_STATES) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(state__in=OPEN_STATES, deadline__lt=timezone.localdate())


class ReElectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="工会/主席")
    status = django_filters.ChoiceFilter(choices=ReElectionStatus.choices, label="状态")

    class Meta:
        model = ReElection
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(org__name__icontains=value) | Q(chair_name__icontains=value))


class TermFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称/编码")

    class Meta:
        model = Organization
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value))


class CommitteeMemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="姓名/工会")
    role = django_filters.ChoiceFilter(choices=CommitteeRole.choices, label="职务")
    is_current = django_filters.BooleanFilter(label="本届")

    class Meta:
        model = CommitteeMember
        fields = ["q", "role", "is_current"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(org__name__icontains=value))
