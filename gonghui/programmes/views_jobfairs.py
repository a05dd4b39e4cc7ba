"""就业服务 pages: job fairs list (search, filters, sort, pagination, export), detail with participating
employers, create/edit/delete, employer rows (add, edit, delete) and their spreadsheet import."""

from __future__ import annotations

from urllib.parse import quote

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.programmes import importing_jobfairs, imports_common, services_jobfairs
from gonghui.programmes.filtersets import DATE, WithinMixin
from gonghui.programmes.forms_jobfairs import JobFairEmployerForm, JobFairForm
from gonghui.programmes.models.jobfairs import FairMode, FairStatus, JobFair, JobFairEmployer
from gonghui.utilities.importing import SpreadsheetError

LIST = "programmes:jobfair_list"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JobFairFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="名称/主办单位/地点")
    mode = django_filters.ChoiceFilter(choices=FairMode.choices, label="举办形式", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=FairStatus.choices, label="状态", empty_label="全部")
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label="举办从", widget=DATE)
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = JobFair
        fields = ["q", "mode", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(organiser__icontains=value) | Q(venue__icontains=value))


class JobFairTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="招聘会名称")
    org = tables.Column(verbose_name="承办工会", order_by=("org__path",))
    held_on = tables.DateColumn(verbose_name="举办日期", format="Y-m-d")
    employer_count = tables.Column(verbose_name="参会单位", orderable=True)

    class Meta:
        model = JobFair
        fields = (
            "name",
            "held_on",
            "mode",
            "organiser",
            "org",
            "venue",
            "status",
            "employer_count",
            "positions",
            "applicants",
            "intents",
        )
        order_by = ("-held_on",)
        attrs = {"class": "table"}

    def value_held_on(self, value):
        return value


class EmployerRowTable(tables.Table):
    employer_name = tables.Column(verbose_name="参会单位")
    registered = tables.Column(verbose_name="已登记", accessor="employer_id", orderable=False)

    class Meta:
        model = JobFairEmployer
        fields = ("employer_name", "registered", "positions", "applicants", "intents", "remark")
        attrs = {"class": "table"}

    def render_registered(self, value):
        return "是" if value else "否"


class JobFairListView(ObjectListView):
    model = JobFair
    table_class = JobFairTable
    filterset_class = JobFairFilterSet
    title = "招聘会"
    add_url_name = "programmes:jobfair_add"
    export_filename = "招聘会"
    empty_text = "没有符合条件的招聘会。"
    template_name = "programmes/jobfairs/list.html"

    def get_queryset(self, action):
        return self.restricted(action).select_related("org").annotate(employer_count=Count("employers"))

    def extra_context(self):
        queryset, _form = self.filter(self.restricted("view").filter(status=FairStatus.HELD))
        totals = queryset.aggregate(
            fairs=Count("pk"), positions=Sum("positions"), applicants=Sum("applicants"), intents=Sum("intents")
        )
        return {"totals": totals}


def _fair(request, pk: int, action: str = "view") -> JobFair:
    return get_restricted_or_404(JobFair.objects.select_related("org"), request.user, action, pk=pk)


@login_required
def jobfair_detail(request, pk: int, employer_form=None, editing=None):
    fair = _fair(request, pk)
    user = request.user
    can_change = JobFair.objects.restrict(user, "change").filter(pk=pk).exists()
    rows = JobFairEmployer.objects.restrict(user, "view").filter(fair=fair).select_related("employer")
    table = EmployerRowTable(rows, request=request)
    tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
    can_add_rows = can_change and can(user, JobFairEmployer, "add") and fair.status == FairStatus.HELD
    return render(
        request,
        "programmes/jobfairs/detail.html",
        {
            "title": fair.name,
            "fair": fair,
            "table": table,
            "rows": rows,
            "breadcrumbs": [("招聘会", reverse(LIST)), (fair.name, None)],
            "can_change": can_change,
            "can_delete": JobFair.objects.restrict(user, "delete").filter(pk=pk).exists(),
            "can_add_rows": can_add_rows,
            "can_change_rows": can_change and can(user, JobFairEmployer, "change"),
            "can_delete_rows": can_change and can(user, JobFairEmployer, "delete"),
            "has_rows": rows.exists(),
            "editing": editing,
            "employer_form": employer_form or (JobFairEmployerForm(user=user, prefix="row") if can_add_rows else None),
        },
    )


class JobFairEditView(ObjectEditView):
    model = JobFair
    form_class = JobFairForm
    list_url_name = LIST

    def initial(self):
        import datetime

        return {"held_on": datetime.date.today(), "status": FairStatus.HELD, "mode": FairMode.OFFLINE}

    def create(self, form):
        return services_jobfairs.fair_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_jobfairs.fair_update(user=self.request.user, fair=obj, data=form.cleaned_data)


class JobFairDeleteView(ObjectDeleteView):
    model = JobFair
    list_url_name = LIST

    def context(self):
        context = super().context()
        count = JobFairEmployer.objects.filter(fair=self.obj).count()
        if count:
            context["question"] += f"该招聘会的 {count} 个参会单位记录将一并删除。"
        return context

    def delete(self, obj):
        services_jobfairs.fair_delete(user=self.request.user, fair=obj)


def _require(user, model, action: str, what: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(f"您没有{what}的权限，请联系安全管理员分配角色。")


@login_required
@require_POST
def employer_add(request, pk: int):
    _require(request.user, JobFairEmployer, "add", "登记参会单位")
    fair = _fair(request, pk, "change")
    form = JobFairEmployerForm(request.POST, user=request.user, prefix="row")
    if form.is_valid():
        try:
            row = services_jobfairs.employer_add(user=request.user, fair=fair, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已登记参会单位「{row}」，招聘会合计已更新。")
            return HttpResponseRedirect(fair.get_absolute_url())
    return jobfair_detail(request, pk, employer_form=form)


def _row(request, pk: int, row_pk: int, action: str) -> JobFairEmployer:
    get_restricted_or_404(JobFair, request.user, "change", pk=pk)
    return get_restricted_or_404(JobFairEmployer, request.user, action, pk=row_pk, fair_id=pk)


@login_required
def employer_edit(request, pk: int, row_pk: int):
    _require(request.user, JobFairEmployer, "change", "修改参会单位")
    row = _row(request, pk, row_pk, "change")
    if request.method == "POST":
        form = JobFairEmployerForm(request.POST, user=request.user, instance=row, prefix="edit")
        if form.is_valid():
            try:
                services_jobfairs.employer_update(user=request.user, row=row, data=form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, f"已修改参会单位「{row.employer_name}」。")
                return HttpResponseRedirect(reverse("programmes:jobfair_detail", args=[pk]))
    else:
        form = JobFairEmployerForm(user=request.user, instance=row, prefix="edit")
    return render(
        request,
        "core/object_edit.html",
        {
            "title": f"修改参会单位：{row.employer_name}",
            "form": form,
            "cancel_url": reverse("programmes:jobfair_detail", args=[pk]),
            "breadcrumbs": [
                ("招聘会", reverse(LIST)),
                (str(row.fair), reverse("programmes:jobfair_detail", args=[pk])),
                (row.employer_name, None),
            ],
        },
    )


@login_required
def employer_delete(request, pk: int, row_pk: int):
    _require(request.user, JobFairEmployer, "delete", "删除参会单位")
    row = _row(request, pk, row_pk, "delete")
    back = reverse("programmes:jobfair_detail", args=[pk])
    if request.method == "POST":
        services_jobfairs.employer_delete(user=request.user, row=row)
        messages.success(request, f"已删除参会单位「{row.employer_name}」。")
        return HttpResponseRedirect(back)
    return render(
        request,
        "core/object_confirm.html",
        {
            "title": "删除参会单位",
            "question": f"确定要从「{row.fair}」删除参会单位「{row.employer_name}」吗？招聘会合计将随之减少。",
            "confirm_label": "确认删除",
            "cancel_url": back,
        },
    )


@login_required
def employer_import(request, pk: int):
    _require(request.user, JobFairEmployer, "add", "登记参会单位")
    fair = _fair(request, pk, "change")
    report = token = None
    if request.method == "POST":
        form = imports_common.ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = importing_jobfairs.import_employers(
                    user=request.user, fair=fair, file=upload, mode=form.cleaned_data["mode"]
                )
            except SpreadsheetError as error:
                form.add_error("file", error.message)
            except (ValidationError, PermissionDenied) as error:
                apply_form_errors(form, error)
            else:
                token = imports_common.keep_report(request, report, f"{fair.name}_参会单位")
                mark_operation(request, f"导入招聘会「{fair.name}」参会单位：{report.summary()}")
                fair.refresh_from_db()
    else:
        form = imports_common.ImportUploadForm()
    return render(
        request,
        "programmes/jobfairs/import.html",
        {
            "title": f"导入参会单位：{fair.name}",
            "fair": fair,
            "form": form,
            "report": report,
            "report_url": reverse("programmes:import_report", args=[token]) if token else None,
            "template_url": reverse("programmes:jobfair_import_template"),
            "back_url": fair.get_absolute_url(),
            "breadcrumbs": [("招聘会", reverse(LIST)), (fair.name, fair.get_absolute_url()), ("导入参会单位", None)],
        },
    )


@login_required
def employer_import_template(request):
    _require(request.user, JobFairEmployer, "add", "登记参会单位")
    from gonghui.utilities.templates_xlsx import write_template

    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('招聘会参会单位导入模板.xlsx')}"
    write_template(
        importing_jobfairs.COLUMNS, response, title="招聘会参会单位导入模板", notes=importing_jobfairs.TEMPLATE_NOTES
    )
    return response


@login_required
def import_report(request, token: str):
    """The per-row report of an import this user ran (kept in their session)."""
    entry = imports_common.stored_report(request, token)
    if entry is None:
        raise Http404("导入结果已失效，请重新导入。")
    return FileResponse(
        default_storage.open(entry["name"], "rb"), as_attachment=True, filename=entry["filename"], content_type=XLSX
    )
