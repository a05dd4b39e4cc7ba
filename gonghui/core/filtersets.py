from __future__ import annotations

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from gonghui.core.models import ChangeAction, ChangeLog, ChangeLoggedModel, DictType, OperationLog

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
METHODS = [(m, m) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")]


def logged_content_types(request=None):
    """Content types of our change-logged models: the choices of the change log's model filter."""
    models = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("gonghui.")
        for model in config.get_models()
        if issubclass(model, ChangeLoggedModel)
    ]
    ids = [ct.pk for ct in ContentType.objects.get_for_models(*models).values()] if models else []
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")


class ChangeLogFilterSet(django_filters.FilterSet):
    user_name = django_filters.CharFilter(lookup_expr="icontains", label="操作人")
    content_type = django_filters.ModelChoiceFilter(queryset=logged_content_types, label="数据类型")
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices, label="动作", empty_label="全部")
    object_id = django_filters.CharFilter(label="对象编号")
    since = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label="从", widget=DATE_WIDGET)
    until = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label="至", widget=DATE_WIDGET)

    class Meta:
        model = ChangeLog
        fields = ["user_name", "content_type", "action", "object_id", "since", "until"]


class OperationLogFilterSet(django_filters.FilterSet):
    user_name = django_filters.CharFilter(lookup_expr="icontains", label="操作人")
    method = django_filters.ChoiceFilter(choices=METHODS, label="方法", empty_label="全部")
    path = django_filters.CharFilter(lookup_expr="icontains", label="地址包含")
    request_id = django_filters.CharFilter(label="请求编号")
    since = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label="从", widget=DATE_WIDGET)
    until = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label="至", widget=DATE_WIDGET)

    class Meta:
        model = OperationLog
        fields = ["user_name", "method", "path", "request_id", "since", "until"]


class DictTypeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称/编码")

    class Meta:
        model = DictType
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
