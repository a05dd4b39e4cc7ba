"""Filters of the hardship and assistance lists: name, employer, unit, state, level, cause (ID/phone go by POST)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from gonghui.orgs.models import Organization
from gonghui.programmes.filtersets import DATE, WithinMixin
from gonghui.programmes.models.assistance import Assistance, AssistanceState, Campaign, CampaignKind
from gonghui.programmes.models.hardship import HardshipCause, HardshipFile, HardshipLevel, HardshipState


def visible_orgs(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view").order_by("path")


class UnitFilterMixin(WithinMixin):
    unit = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_unit", label="单位（含下级）")

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org__path__subtree=value.path)


class HardshipFileFilterSet(UnitFilterMixin):
    name = django_filters.CharFilter(lookup_expr="icontains", label="姓名")
    employer_name = django_filters.CharFilter(lookup_expr="icontains", label="工作单位")
    state = django_filters.ChoiceFilter(choices=HardshipState.choices, label="状态", empty_label="全部")
    level = django_filters.ChoiceFilter(choices=HardshipLevel.choices, label="困难类别", empty_label="全部")
    cause = django_filters.ChoiceFilter(choices=HardshipCause.choices, label="致困原因", empty_label="全部")
    filed_from = django_filters.DateFilter(field_name="filed_on", lookup_expr="gte", label="建档从", widget=DATE)
    filed_to = django_filters.DateFilter(field_name="filed_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = HardshipFile
        fields = ["name", "employer_name", "unit", "state", "level", "cause"]


class CampaignFilterSet(UnitFilterMixin):
    name = django_filters.CharFilter(lookup_expr="icontains", label="活动名称")
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices, label="类型", empty_label="全部")
    year = django_filters.NumberFilter(label="年度")

    class Meta:
        model = Campaign
        fields = ["name", "kind", "year", "unit"]


class AssistanceFilterSet(UnitFilterMixin):
    q = django_filters.CharFilter(method="search", label="姓名/工作单位")
    campaign_kind = django_filters.ChoiceFilter(
        field_name="campaign__kind", choices=CampaignKind.choices, label="活动类型", empty_label="全部"
    )
    state = django_filters.ChoiceFilter(choices=AssistanceState.choices, label="状态", empty_label="全部")
    given_from = django_filters.DateFilter(field_name="given_on", lookup_expr="gte", label="发放从", widget=DATE)
    given_to = django_filters.DateFilter(field_name="given_on", lookup_expr="lte", label="至", widget=DATE)
    campaign = django_filters.NumberFilter(field_name="campaign_id", widget=forms.HiddenInput)

    class Meta:
        model = Assistance
        fields = ["q", "campaign_kind", "state", "unit"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(employer_name__icontains=value))
