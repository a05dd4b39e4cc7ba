"""System pages of core: dictionaries (字典) and the audit logs (数据变更日志, 操作日志)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gonghui.core import services
from gonghui.core.filtersets import ChangeLogFilterSet, DictTypeFilterSet, OperationLogFilterSet
from gonghui.core.forms import ScopedModelForm
from gonghui.core.models import ChangeLog, DictItem, DictType, OperationLog
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.tables import ChangeLogTable, DictTypeTable, OperationLogTable, color_tag
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView

NO_PERMISSION = "您没有此功能的权限，请联系安全管理员分配角色。"


def _require(user, model, action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(NO_PERMISSION)


# ---------------------------------------------------------------------------
# Audit logs (审计管理员): read-only lists with export, and the change detail


class ChangeLogListView(ObjectListView):
    model = ChangeLog
    table_class = ChangeLogTable
    filterset_class = ChangeLogFilterSet
    title = "数据变更日志"
    export_filename = "数据变更日志"
    empty_text = "没有符合条件的变更记录。"
    per_page = 50

    def get_queryset(self, action):
        return self.restricted(action).select_related("content_type")


class OperationLogListView(ObjectListView):
    model = OperationLog
    table_class = OperationLogTable
    filterset_class = OperationLogFilterSet
    title = "操作日志"
    export_filename = "操作日志"
    empty_text = "没有符合条件的操作记录。"
    per_page = 50


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_display(item) for item in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def change_rows(entry: ChangeLog) -> list[dict]:
    """Field-by-field rows (label, before, after, changed) of one change-log entry."""
    before = entry.before or {}
    after = entry.after or {}
    keys = list(after) + [key for key in before if key not in after]
    model = entry.content_type.model_class()
    rows = []
    for key in keys:
        label = key
        if model is not None:
            try:
                label = str(model._meta.get_field(key).verbose_name)
            except FieldDoesNotExist:
                label = {"permissions": "权限", "custom_orgs": "自定义数据范围", "roles": "角色"}.get(key, key)
        old, new = before.get(key), after.get(key)
        rows.append(
            {
                "field": key,
                "label": label,
                "before": _display(old) if key in before else "",
                "after": _display(new) if key in after else "",
                "changed": entry.before is not None and entry.after is not None and old != new,
            }
        )
    return rows


@require_GET
@login_required
def changelog_detail(request, pk: int):
    _require(request.user, ChangeLog, "view")
    entry = get_restricted_or_404(ChangeLog.objects.select_related("content_type"), request.user, "view", pk=pk)
    rows = change_rows(entry)
    return render(
        request,
        "core/changelog_detail.html",
        {
            "title": f"变更记录 #{entry.pk}",
            "entry": entry,
            "rows": rows,
            "changed_count": sum(1 for row in rows if row["changed"]),
            "breadcrumbs": [("数据变更日志", reverse("core:changelog_list")), (f"#{entry.pk}", None)],
        },
    )


# ---------------------------------------------------------------------------
# Dictionaries (字典)


class DictTypeForm(ScopedModelForm):
    class Meta:
        model = DictType
        fields = ["name", "code", "is_active", "remark"]
        help_texts = {"code": "英文字母、数字、下划线或连字符，程序用它取字典，例如 member_status"}

    def _post_clean(self):
        pass


class DictItemForm(ScopedModelForm):
    class Meta:
        model = DictItem
        fields = ["label", "value", "color", "sort", "is_active"]
        widgets = {"color": forms.TextInput(attrs={"placeholder": "#1677ff"})}

    def _post_clean(self):
        pass


class DictTypeListView(ObjectListView):
    model = DictType
    table_class = DictTypeTable
    filterset_class = DictTypeFilterSet
    title = "字典"
    add_url_name = "core:dict_add"
    empty_text = "还没有字典。"

    def get_queryset(self, action):
        return self.restricted(action).annotate(item_count=Count("items"))


@login_required
def dict_detail(request, pk: int):
    user = request.user
    _require(user, DictType, "view")
    dict_type = get_restricted_or_404(DictType, user, "view", pk=pk)
    items = list(DictItem.objects.restrict(user, "view").filter(dict_type=dict_type))
    for item in items:
        item.tag = color_tag(item.label, item.color)
    return render(
        request,
        "core/dict_detail.html",
        {
            "title": f"字典：{dict_type.name}",
            "dict_type": dict_type,
            "items": items,
            "can_view_items": can(user, DictItem, "view"),
            "can_change": can(user, DictType, "change"),
            "can_delete": can(user, DictType, "delete"),
            "can_add_item": can(user, DictItem, "add"),
            "can_change_item": can(user, DictItem, "change"),
            "can_delete_item": can(user, DictItem, "delete"),
            "breadcrumbs": [("字典", reverse("core:dict_list")), (dict_type.name, None)],
        },
    )


class DictTypeEditView(ObjectEditView):
    model = DictType
    form_class = DictTypeForm
    list_url_name = "core:dict_list"

    def create(self, form):
        return services.dict_type_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services.dict_type_update(user=self.request.user, dict_type=obj, data=form.cleaned_data)

    def success_url(self, obj) -> str:
        return reverse("core:dict_detail", args=[obj.pk])


class DictTypeDeleteView(ObjectDeleteView):
    model = DictType
    list_url_name = "core:dict_list"

    def context(self):
        context = super().context()
        count = self.obj.items.count()
        if count:
            context["warning"] = f"该字典下的 {count} 条字典数据会一并删除。"
        context["cancel_url"] = reverse("core:dict_detail", args=[self.obj.pk])
        return context

    def delete(self, obj):
        services.dict_type_delete(user=self.request.user, dict_type=obj)


class DictItemEditView(ObjectEditView):
    """Items are added under a type (``type_pk``) and edited by their own ``pk``."""

    model = DictItem
    form_class = DictItemForm
    list_url_name = "core:dict_list"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if "pk" in kwargs:
            self.require("change")
            self.dict_type = None
        else:
            self.require("add")
            self.dict_type = get_restricted_or_404(DictType, request.user, "view", pk=kwargs["type_pk"])
        return super().dispatch(request, *args, **kwargs)

    def page_title(self) -> str:
        if self.obj is not None:
            return f"修改字典数据：{self.obj.label}"
        return f"新增字典数据（{self.dict_type.name}）"

    def the_type(self) -> DictType:
        return self.obj.dict_type if self.obj is not None else self.dict_type

    def render_form(self, form):
        dict_type = self.the_type()
        detail = reverse("core:dict_detail", args=[dict_type.pk])
        return render(
            self.request,
            self.template_name,
            {
                "title": self.page_title(),
                "form": form,
                "cancel_url": detail,
                "breadcrumbs": [
                    ("字典", reverse("core:dict_list")),
                    (dict_type.name, detail),
                    (self.page_title(), None),
                ],
            },
        )

    def create(self, form):
        return services.dict_item_create(user=self.request.user, dict_type=self.dict_type, data=form.cleaned_data)

    def update(self, obj, form):
        return services.dict_item_update(user=self.request.user, item=obj, data=form.cleaned_data)

    def success_url(self, obj) -> str:
        return reverse("core:dict_detail", args=[obj.dict_type_id])


class DictItemDeleteView(ObjectDeleteView):
    model = DictItem
    list_url_name = "core:dict_list"

    def context(self):
        context = super().context()
        context["cancel_url"] = reverse("core:dict_detail", args=[self.obj.dict_type_id])
        return context

    def delete(self, obj):
        self.dict_type_id = obj.dict_type_id
        services.dict_item_delete(user=self.request.user, item=obj)

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:
            response["Location"] = reverse("core:dict_detail", args=[self.obj.dict_type_id])
        return response
