from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from gonghui.accounts import selectors
from gonghui.accounts.models import Department, LoginEvent, LoginLog, Role, User
from gonghui.core.querysets import DataScope
from gonghui.orgs.models import Organization

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
YES_NO = [("true", "是"), ("false", "否")]


def filter_yes_no(queryset, name, value):
    return queryset.filter(**{name: value == "true"})


def _user_orgs(request):
    return selectors.user_orgs_for(request.user) if request else Organization.objects.none()


def _user_departments(request):
    return selectors.user_departments_for(request.user) if request else Department.objects.none()


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="用户名/姓名")
    org = django_filters.ModelChoiceFilter(queryset=_user_orgs, method="filter_org", label="所属单位(含下级)")
    department = django_filters.ModelChoiceFilter(queryset=_user_departments, label="部门")
    is_active = django_filters.ChoiceFilter(choices=YES_NO, method=filter_yes_no, label="启用", empty_label="全部")
    locked = django_filters.ChoiceFilter(choices=YES_NO, method="filter_locked", label="已锁定", empty_label="全部")

    class Meta:
        model = User
        fields = ["q", "org", "department", "is_active", "locked"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(username__icontains=value) | Q(display_name__icontains=value)) if value else queryset

    def filter_org(self, queryset, name, value):
        return queryset.filter(org__path__subtree=value.path)

    def filter_locked(self, queryset, name, value):
        locked = Q(locked_until__gt=timezone.now())
        return queryset.filter(locked) if value == "true" else queryset.exclude(locked)


class DepartmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="部门名称")
    org_name = django_filters.CharFilter(field_name="org__name", lookup_expr="icontains", label="所属单位")

    class Meta:
        model = Department
        fields = ["q", "org_name"]


class RoleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称/编码")
    data_scope = django_filters.ChoiceFilter(choices=DataScope.choices, label="数据范围", empty_label="全部")
    is_active = django_filters.ChoiceFilter(choices=YES_NO, method=filter_yes_no, label="启用", empty_label="全部")

    class Meta:
        model = Role
        fields = ["q", "data_scope", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class LoginLogFilterSet(django_filters.FilterSet):
    username = django_filters.CharFilter(lookup_expr="icontains", label="登录账号")
    event = django_filters.ChoiceFilter(choices=LoginEvent.choices, label="事件", empty_label="全部")
    since = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label="从", widget=DATE_WIDGET)
    until = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label="至", widget=DATE_WIDGET)

    class Meta:
        model = LoginLog
        fields = ["username", "event", "since", "until"]
