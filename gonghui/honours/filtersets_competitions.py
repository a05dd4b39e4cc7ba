"""Filters of the competition lists (pages and exports)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from gonghui.honours.models import (
    AwardGrade,
    Competition,
    CompetitionKind,
    CompetitionParticipant,
    CompetitionProject,
    CompetitionStatus,
    Level,
    ProjectMode,
    ProjectState,
)
from gonghui.honours.sources import HELD
from gonghui.members.selectors import member_search_q
from gonghui.orgs.models import Organization

BOOL = django_filters.widgets.BooleanWidget


def visible_orgs(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view")


class WithinFilterMixin(django_filters.FilterSet):
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="所属单位（含下级）")

    def filter_within(self, queryset, name, value):
        return queryset.filter(org__path__subtree=value.path)


class CompetitionFilterSet(WithinFilterMixin):
    q = django_filters.CharFilter(method="search", label="名称/品牌/对象")
    kind = django_filters.ChoiceFilter(choices=CompetitionKind.choices, label="类别", empty_label="全部")
    level = django_filters.ChoiceFilter(choices=Level.choices, label="级别", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=CompetitionStatus.choices, label="状态", empty_label="全部")
    start_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte", label="开始日期从")
    start_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte", label="至")
    held = django_filters.BooleanFilter(method="filter_held", label="已启动", widget=BOOL)

    class Meta:
        model = Competition
        fields = ["q", "kind", "level", "status", "within", "start_from", "start_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(brand__icontains=value) | Q(subject__icontains=value))

    def filter_held(self, queryset, name, value):
        return queryset.filter(status__in=HELD) if value else queryset.exclude(status__in=HELD)


class ProjectFilterSet(WithinFilterMixin):
    q = django_filters.CharFilter(method="search", label="项目/竞赛名称")
    mode = django_filters.ChoiceFilter(choices=ProjectMode.choices, label="立项方式", empty_label="全部")
    state = django_filters.ChoiceFilter(choices=ProjectState.choices, label="状态", empty_label="全部")
    awaiting = django_filters.BooleanFilter(method="filter_awaiting", label="待本单位审核", widget=BOOL)

    class Meta:
        model = CompetitionProject
        fields = ["q", "mode", "state", "within", "awaiting"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(competition__name__icontains=value))

    def filter_awaiting(self, queryset, name, value):
        user = self.request.user
        condition = Q(state=ProjectState.SUBMITTED, current_org_id=user.org_id)
        return queryset.filter(condition) if value else queryset.exclude(condition)


class ParticipantFilterSet(WithinFilterMixin):
    q = django_filters.CharFilter(method="search", label="姓名/会员证号/身份证号")
    competition = django_filters.CharFilter(field_name="competition__name", lookup_expr="icontains", label="竞赛名称")
    award = django_filters.ChoiceFilter(choices=AwardGrade.choices, label="获奖等次", empty_label="全部")
    start_from = django_filters.DateFilter(field_name="competition__start_date", lookup_expr="gte", label="竞赛开始从")
    start_to = django_filters.DateFilter(field_name="competition__start_date", lookup_expr="lte", label="至")
    held = django_filters.BooleanFilter(method="filter_held", label="竞赛已启动", widget=BOOL)

    class Meta:
        model = CompetitionParticipant
        fields = ["q", "competition", "award", "within", "start_from", "start_to"]

    def search(self, queryset, name, value):
        condition = member_search_q(value)
        return queryset.filter(**{f"member__{k}": v for k, v in condition.children}) if condition else queryset

    def filter_held(self, queryset, name, value):
        held = Q(competition__status__in=HELD)
        return queryset.filter(held) if value else queryset.exclude(held)
