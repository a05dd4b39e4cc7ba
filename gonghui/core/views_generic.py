"""Generic scoped views (NetBox shape): list with filter/sort/paginate/export, detail, edit, delete.

Every view reads through ``restrict``; an object outside the user's scope is 404.
A user without the permission for a whole page gets 403. Writes go through a
service passed in by the concrete view; the service does the check-after-write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django_tables2 import RequestConfig

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404

EXPORT_ROW_LIMIT = 200_000


class ScopedViewMixin(LoginRequiredMixin):
    model: Any = None
    action = "view"
    title = ""

    def require(self, action: str) -> None:
        if not can(self.request.user, self.model, action):
            raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")

    def restricted(self, action: str | None = None):
        return self.model.objects.restrict(self.request.user, action or self.action)

    def get_object(self, action: str, **lookup):
        return get_restricted_or_404(self.get_queryset_for_object(action), self.request.user, action, **lookup)

    def get_queryset_for_object(self, action: str):
        return self.model


class ObjectListView(ScopedViewMixin, View):
    table_class: Any = None
    filterset_class: Any = None
    template_name = "core/object_list.html"
    add_url_name: str | None = None
    export_filename: str | None = None
    empty_text = "暂无数据。"
    per_page = 25

    def get_queryset(self, action: str):
        return self.restricted(action)

    def filter(self, queryset):
        if self.filterset_class is None:
            return queryset, None
        filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        return filterset.qs, filterset.form

    def get(self, request, *args, **kwargs):
        self.require("view")
        if request.GET.get("export") == "xlsx" and self.export_filename:
            return self.export()
        queryset, filter_form = self.filter(self.get_queryset("view"))
        table = self.table_class(queryset, request=request)
        RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
        context = {
            "title": self.title,
            "table": table,
            "filter_form": filter_form,
            "empty_text": self.empty_text,
            "breadcrumbs": [(self.title, None)],
            "add_url": reverse(self.add_url_name)
            if self.add_url_name and can(request.user, self.model, "add")
            else None,
            "export_url": self._export_url()
            if self.export_filename and can(request.user, self.model, "export")
            else None,
            **self.extra_context(),
        }
        template = self.template_name
        if request.htmx and request.htmx.target == "table-region":
            template = "core/table_region.html"
        return render(request, template, context)

    def extra_context(self) -> dict:
        return {}

    def _export_url(self) -> str:
        query = self.request.GET.copy()
        query["export"] = "xlsx"
        query.pop("page", None)
        return f"{self.request.path}?{query.urlencode()}"

    def export_columns(self, table) -> list[tuple[str, str]]:
        exclude = set(getattr(table.Meta, "export_exclude", ())) | {"actions"}
        return [(column.name, str(column.header)) for column in table.columns if column.name not in exclude]

    def export(self):
        self.require("export")
        queryset, _form = self.filter(self.get_queryset("export"))
        table = self.table_class(queryset, request=self.request)
        # Limit only after the table has applied its ordering: a sliced queryset cannot be reordered.
        table.data.data = table.data.data[:EXPORT_ROW_LIMIT]
        columns = self.export_columns(table)
        rows = ([row.get_cell_value(name) for name, _header in columns] for row in table.rows)
        content = write_xlsx([header for _name, header in columns], rows, sheet=self.title)
        mark_operation(self.request, f"导出{self.title}（{queryset.count()} 条）")
        return xlsx_response(content, self.export_filename)


class ObjectEditView(ScopedViewMixin, View):
    """Create when no ``pk`` is in the URL, otherwise edit. Concrete views supply the service calls."""

    form_class: Any = None
    template_name = "core/object_edit.html"
    list_url_name: str = ""

    def create(self, form) -> Any:
        raise NotImplementedError

    def update(self, obj, form) -> Any:
        raise NotImplementedError

    def initial(self) -> dict:
        return {}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.obj = None
        if "pk" in kwargs:
            self.require("change")  # no right to the page at all: 403; object out of scope: 404
            self.obj = self.get_object("change", pk=kwargs["pk"])
        else:
            self.require("add")
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None, files=None):
        kwargs = {"user": self.request.user, "data": data, "files": files}
        if self.obj is not None:
            kwargs["instance"] = self.obj
        else:
            kwargs["initial"] = self.initial()
        return self.form_class(**kwargs)

    def page_title(self) -> str:
        name = self.model._meta.verbose_name
        return f"修改{name}：{self.obj}" if self.obj else f"新增{name}"

    def render_form(self, form):
        if self.obj is not None and hasattr(self.obj, "get_absolute_url"):
            cancel = self.obj.get_absolute_url()
        else:
            cancel = reverse(self.list_url_name)
        return render(
            self.request,
            self.template_name,
            {
                "title": self.page_title(),
                "form": form,
                "cancel_url": cancel,
                "breadcrumbs": [
                    (self.model._meta.verbose_name_plural, reverse(self.list_url_name)),
                    (self.page_title(), None),
                ],
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(self.make_form())

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                obj = self.update(self.obj, form) if self.obj is not None else self.create(form)
            except ValidationError as error:
                apply_form_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已保存{self.model._meta.verbose_name}「{obj}」。")
                return HttpResponseRedirect(self.success_url(obj))
        return self.render_form(form)

    def success_url(self, obj) -> str:
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else reverse(self.list_url_name)


class ObjectDeleteView(ScopedViewMixin, View):
    """GET asks for confirmation; POST deletes through the service."""

    template_name = "core/object_confirm.html"
    list_url_name: str = ""

    def delete(self, obj) -> None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require("delete")
        self.obj = self.get_object("delete", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def context(self) -> dict:
        name = self.model._meta.verbose_name
        return {
            "title": f"删除{name}",
            "question": f"确定要删除{name}「{self.obj}」吗？删除后不能恢复。",
            "confirm_label": "确认删除",
            "cancel_url": self.obj.get_absolute_url()
            if hasattr(self.obj, "get_absolute_url")
            else reverse(self.list_url_name),
        }

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context())

    def post(self, request, *args, **kwargs):
        label = str(self.obj)
        try:
            self.delete(self.obj)
        except ProtectedError:
            messages.error(request, f"「{label}」仍被其他数据引用，不能删除。请先解除引用。")
            return render(request, self.template_name, self.context())
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
            return render(request, self.template_name, self.context())
        messages.success(request, f"已删除「{label}」。")
        return HttpResponseRedirect(reverse(self.list_url_name))
