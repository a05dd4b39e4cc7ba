"""Filters of the supervision task list (pages); the light filters are SQL (selectors_tasks)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from gonghui.orgs.models import Organization
from gonghui.targets import selectors_tasks as selectors
from gonghui.targets.models import Task, TaskSource, TaskState

LIGHT_FILTERS = (("overdue", "已超期（红灯）"), ("due_soon", "临近到期（黄灯）"), ("on_track", "正常推进（绿灯）"))


def visible_orgs(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view")


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="事项名称")
    state = django_filters.ChoiceFilter(choices=TaskState.choices, label="办理状态", empty_label="全部")
    source = django_filters.ChoiceFilter(choices=TaskSource.choices, label="事项来源", empty_label="全部")
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="牵头单位（含下级）")
    light = django_filters.ChoiceFilter(choices=LIGHT_FILTERS, method="filter_light", label="预警", empty_label="全部")

    class Meta:
        model = Task
        fields = ["q", "state", "source", "within", "light"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value.strip()))

    def filter_within(self, queryset, name, value):
        return queryset.filter(org__path__subtree=value.path)

    def filter_light(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(selectors.overdue_q(today))
        if value == "due_soon":
            return queryset.filter(selectors.due_soon_q(today))
        return queryset.filter(state__in=selectors.OPEN_STATES).exclude(
            selectors.overdue_q(today) | selectors.due_soon_q(today)
        )
