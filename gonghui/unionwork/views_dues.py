"""Dues pages: records, import of the monthly statement, the collection table, share schemes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import EXPORT_ROW_LIMIT, ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.jobs import services as job_services
from gonghui.jobs.models import Job
from gonghui.members.jobs import store_upload
from gonghui.unionwork import selectors, services_dues
from gonghui.unionwork.filtersets import (
    DuesRecordFilterSet,
)
from gonghui.unionwork.forms import (
    DuesImportForm,
    DuesRecordForm,
    DuesShareSchemeForm,
)
from gonghui.unionwork.jobs import KIND as DUES_IMPORT_KIND
from gonghui.unionwork.models import (
    DuesRecord,
    DuesShareScheme,
)
from gonghui.unionwork.tables import (
    DuesRecordTable,
    ShareSchemeTable,
)
from gonghui.unionwork.views_common import _may, _require, _root_and_period


class DuesListView(ObjectListView):
    model = DuesRecord
    table_class = DuesRecordTable
    filterset_class = DuesRecordFilterSet
    title = "工会经费收缴"
    add_url_name = "unionwork:dues_add"
    export_filename = "工会经费收缴记录"
    empty_text = "没有符合条件的经费记录。"
    template_name = "unionwork/dues_list.html"

    def get_queryset(self, action):
        return self.restricted(action).select_related("employer", "org")

    EXPORT_HEADERS = ("用人单位", "统一社会信用代码", "所属工会", "所属期", "计费工资总额(元)", "应缴经费(元)",
                      "实缴金额(元)", "欠缴(元)", "缴纳方式", "入库日期", "来源", "备注")  # fmt: skip

    def export(self):
        """Straight from the database in the table's order: a year of a city's dues is tens of thousands of rows,
        too many to render cell by cell through the table."""
        from gonghui.unionwork.models import DuesChannel, DuesOrigin
        from gonghui.unionwork.tables import DuesRecordTable

        self.require("export")
        queryset, _form = self.filter(self.get_queryset("export"))
        table = DuesRecordTable(queryset, request=self.request)
        ordered = table.data.data[:EXPORT_ROW_LIMIT]
        channels, origins = dict(DuesChannel.choices), dict(DuesOrigin.choices)
        fields = ("employer__name", "employer__uscc", "org__name", "period", "payroll_base", "due", "paid", "channel",
                  "paid_on", "origin", "note")  # fmt: skip
        rows = (
            [name, uscc, org, f"{period:%Y-%m}", base, due, paid, max(due - paid, 0), channels.get(channel, channel),
             paid_on, origins.get(origin, origin), note]
            for name, uscc, org, period, base, due, paid, channel, paid_on, origin, note in ordered.values_list(*fields)
        )  # fmt: skip
        content = write_xlsx(self.EXPORT_HEADERS, rows, sheet=self.title)
        mark_operation(self.request, f"导出{self.title}（{queryset.count()} 条）")
        return xlsx_response(content, self.export_filename)

    def extra_context(self):
        totals = self.filter(self.get_queryset("view"))[0].aggregate(due=Sum("due"), paid=Sum("paid"))
        totals = {key: selectors.money_total(value) for key, value in totals.items()}
        return {"totals": totals, "can_import": can(self.request.user, DuesRecord, "add")}


@login_required
def dues_detail(request, pk: int):
    record = get_restricted_or_404(DuesRecord.objects.select_related("employer", "org"), request.user, "view", pk=pk)
    scheme = services_dues.scheme_for(record.org, record.period.year)
    return render(
        request,
        "unionwork/dues_detail.html",
        {
            "title": str(record),
            "record": record,
            "scheme": scheme,
            "shares": scheme.split(record.paid) if scheme else [],
            "breadcrumbs": [("工会经费收缴", reverse("unionwork:dues_list")), (str(record), None)],
            "can_change": _may(request.user, record, "change"),
            "can_delete": _may(request.user, record, "delete"),
        },
    )


class DuesEditView(ObjectEditView):
    model = DuesRecord
    form_class = DuesRecordForm
    list_url_name = "unionwork:dues_list"

    def create(self, form):
        return services_dues.dues_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_dues.dues_update(user=self.request.user, record=obj, data=form.cleaned_data)


class DuesDeleteView(ObjectDeleteView):
    model = DuesRecord
    list_url_name = "unionwork:dues_list"

    def delete(self, obj):
        services_dues.dues_delete(user=self.request.user, record=obj)


@login_required
def dues_import(request):
    user = request.user
    _require(user, DuesRecord, "add")
    job = None
    if request.GET.get("job"):
        job = Job.objects.filter(pk=request.GET["job"], requested_by=user, kind=DUES_IMPORT_KIND).first()
    if request.method == "POST":
        form = DuesImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            stored = store_upload(upload)
            new_job = job_services.job_submit(
                user=user,
                kind=DUES_IMPORT_KIND,
                title=f"导入工会经费月报：{upload.name}"[:200],
                params={"upload": stored, "filename": upload.name[:200], "mode": form.cleaned_data["mode"]},
            )
            messages.success(request, "已提交导入任务，完成后可在本页或下载中心下载逐行结果。")
            return HttpResponseRedirect(f"{reverse('unionwork:dues_import')}?job={new_job.pk}")
    else:
        form = DuesImportForm()
    from gonghui.unionwork.importing import COLUMNS

    return render(
        request,
        "unionwork/dues_import.html",
        {
            "title": "导入税务代收经费月报",
            "form": form,
            "job": job,
            "columns": COLUMNS,
            "breadcrumbs": [("工会经费收缴", reverse("unionwork:dues_list")), ("导入月报", None)],
        },
    )


@login_required
def dues_collection(request):
    user = request.user
    _require(user, DuesRecord, "view")
    root, year, month, visible = _root_and_period(request, DuesRecord, last_complete_month=True)
    table = selectors.collection_table(user, root, year, month)
    if request.GET.get("export") == "xlsx":
        _require(user, DuesRecord, "export")
        mark_operation(request, f"导出工会经费收缴率统计（{root.name} {year}年1–{month}月）")
        content = write_xlsx(
            selectors.COLLECTION_HEADERS, selectors.collection_rows_for_export(table), sheet="经费收缴率"
        )
        return xlsx_response(content, f"工会经费收缴率_{root.name}_{year}年1-{month}月")
    scheme = services_dues.scheme_for(root, year)
    return render(
        request,
        "unionwork/dues_collection.html",
        {
            "title": "工会经费收缴率与同比",
            "table": table,
            "root": root,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "units": visible.filter(depth__lt=root.depth + 2).order_by("path")[:300],
            "scheme": scheme,
            "shares": scheme.split(table.total.paid) if scheme else [],
            "can_export": can(user, DuesRecord, "export"),
            "breadcrumbs": [("工会经费收缴", reverse("unionwork:dues_list")), ("收缴率与同比", None)],
        },
    )


class ShareListView(ObjectListView):
    model = DuesShareScheme
    table_class = ShareSchemeTable
    title = "经费分成比例"
    add_url_name = "unionwork:share_add"
    export_filename = "经费分成比例"
    empty_text = "尚未设置经费分成比例。"

    def get_queryset(self, action):
        return self.restricted(action).select_related("org")

    def extra_context(self):
        return {
            "can_change": can(self.request.user, DuesShareScheme, "change"),
            "can_delete": can(self.request.user, DuesShareScheme, "delete"),
        }


class ShareEditView(ObjectEditView):
    model = DuesShareScheme
    form_class = DuesShareSchemeForm
    list_url_name = "unionwork:share_list"

    def create(self, form):
        return services_dues.share_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_dues.share_update(user=self.request.user, scheme=obj, data=form.cleaned_data)


class ShareDeleteView(ObjectDeleteView):
    model = DuesShareScheme
    list_url_name = "unionwork:share_list"

    def delete(self, obj):
        services_dues.share_delete(user=self.request.user, scheme=obj)
