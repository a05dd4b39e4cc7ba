from __future__ import annotations

import django_filters
from django import forms

from gonghui.members.models import (
    EmploymentCategory,
    Gender,
    Member,
    MemberStatus,
    NewEmploymentType,
    Transfer,
    TransferState,
)
from gonghui.members.selectors import search_members
from gonghui.orgs.models import Organization

DATE = forms.DateInput(attrs={"type": "date"})


def visible_orgs(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view")


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="姓名/会员证号")
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="所属单位（含下级）")
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices, label="会籍状态", empty_label="全部")
    employment_category = django_filters.ChoiceFilter(
        choices=EmploymentCategory.choices, label="人员类别", empty_label="全部"
    )
    new_employment_type = django_filters.ChoiceFilter(
        choices=NewEmploymentType.choices, label="新就业形态", empty_label="全部"
    )
    is_migrant_worker = django_filters.BooleanFilter(label="农民工")
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label="性别", empty_label="全部")
    joined_from = django_filters.DateFilter(field_name="join_date", lookup_expr="gte", label="入会日期从", widget=DATE)
    joined_to = django_filters.DateFilter(field_name="join_date", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = Member
        fields = [
            "q",
            "within",
            "status",
            "employment_category",
            "new_employment_type",
            "is_migrant_worker",
            "gender",
            "joined_from",
            "joined_to",
        ]

    def search(self, queryset, name, value):
        return search_members(queryset, value)

    def filter_within(self, queryset, name, value):
        return queryset.filter(org__path__subtree=value.path)


class TransferFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=TransferState.choices, label="状态", empty_label="全部")
    name = django_filters.CharFilter(field_name="member__name", lookup_expr="icontains", label="姓名")

    class Meta:
        model = Transfer
        fields = ["state", "name"]
