"""季度报表 pages: list, open (填报本季度), one page to read, fill in and review a report, the late and
missing list, and attachment downloads. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_POST

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectListView, ScopedViewMixin
from gonghui.intel import selectors as intel_selectors
from gonghui.orgs.models import Organization
from gonghui.targets import selectors_reports as selectors
from gonghui.targets import services_reports as services
from gonghui.targets.filtersets_reports import QuarterlyReportFilterSet
from gonghui.targets.forms_reports import (
    AcceptForm,
    OverdueFilterForm,
    ReopenForm,
    ReportEditForm,
    ReportOpenForm,
    ReturnForm,
)
from gonghui.targets.models import QuarterlyReport, ReportAttachment, ReportStatus
from gonghui.targets.tables_reports import QuarterlyReportTable
from gonghui.utilities.periods import Period

LIST_TITLE = "季度报表"


def _errors(error: Exception) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


def _may(user, report: QuarterlyReport, action: str) -> bool:
    return QuarterlyReport.objects.restrict(user, action).filter(pk=report.pk).exists()


# --- list and open --------------------------------------------------------------------------------------


class ReportListView(ObjectListView):
    model = QuarterlyReport
    table_class = QuarterlyReportTable
    filterset_class = QuarterlyReportFilterSet
    template_name = "targets/report_list.html"
    title = LIST_TITLE
    export_filename = "季度报表"
    empty_text = "没有符合条件的季度报表。"

    def get_queryset(self, action):
        return selectors.reports_for(self.request.user, action)

    def extra_context(self):
        user = self.request.user
        return {
            "open_form": ReportOpenForm(user=user) if can(user, QuarterlyReport, "add") else None,
            "overdue_url": reverse("targets:report_overdue"),
        }


@login_required
@require_POST
def report_open(request):
    """填报本季度: open (creating the first time) the report of the chosen unit and quarter."""
    if not can(request.user, QuarterlyReport, "add"):
        raise PermissionDenied("您没有填报季度报表的权限，请联系安全管理员分配角色。")
    form = ReportOpenForm(request.POST, user=request.user)
    if not form.is_valid():
        problems = [f"{form.fields[name].label}：{' '.join(errs)}" for name, errs in form.errors.items()]
        messages.error(request, "；".join(problems) or "请选择填报单位、年度和季度。")
        return HttpResponseRedirect(reverse("targets:report_list"))
    data = form.cleaned_data
    try:
        report = services.report_open(user=request.user, org=data["org"], year=data["year"], quarter=data["quarter"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _errors(error))
        return HttpResponseRedirect(reverse("targets:report_list"))
    return HttpResponseRedirect(report.get_absolute_url())


# --- one report ----------------------------------------------------------------------------------------


def _detail_context(request, report: QuarterlyReport, form: ReportEditForm | None) -> dict:
    user = request.user
    reviewer = services.may_review(user, report)
    period = Period.quarter_of(report.year, report.quarter)
    return {
        "title": f"{report.org.name} {period.label}报表",
        "report": report,
        "period": period,
        "figures": _figure_rows(report, form, intel_selectors.report_evidence(user, report)),
        "form": form,
        "form_fields": [form[name] for name in FORM_FIELDS if name in form.fields] if form else [],
        "attachments": report.attachments.all(),
        "log": selectors.report_log(report),
        "can_accept": reviewer and report.status == ReportStatus.SUBMITTED,
        "can_return": reviewer and report.status == ReportStatus.SUBMITTED,
        "can_reopen": reviewer and report.status in services.REVIEWABLE_STATUSES,
        "breadcrumbs": [(LIST_TITLE, reverse("targets:report_list")), (f"{report.org.name} {period.label}", None)],
    }


FORM_FIELDS = ("highlights", "problems", "next_steps", "new_attachments", "remove_attachments")


class FigureLine:
    """A figures-table row with its inputs (when the report is being filled in)."""

    def __init__(self, figure: selectors.FigureRow, form: ReportEditForm | None, evidence=None):
        self.figure = figure
        self.evidence = evidence  # what the unit's confirmed 工作材料 figures say (intel.selectors.Evidence)
        key = figure.indicator.key
        self.input = form[f"value_{key}"] if form and f"value_{key}" in form.fields else None
        self.note = form[f"note_{key}"] if form and f"note_{key}" in form.fields else None

    def __getattr__(self, name):
        return getattr(self.figure, name)


def _figure_rows(report: QuarterlyReport, form: ReportEditForm | None, evidence: dict) -> list[FigureLine]:
    return [FigureLine(figure, form, evidence.get(figure.indicator.pk)) for figure in selectors.report_figures(report)]


def _edit_form(request, report: QuarterlyReport, data=None, files=None) -> ReportEditForm | None:
    """The fill-in form, only while the report is editable and the user may change it."""
    if report.status not in services.EDITABLE_STATUSES or not _may(request.user, report, "change"):
        return None
    return ReportEditForm(data, files, report=report)


@login_required
def report_detail(request, pk: int):
    """Read the report; its unit fills it in here (保存 / 报送) while it is a draft or returned."""
    report = get_restricted_or_404(selectors.reports_for(request.user), request.user, "view", pk=pk)
    if request.method != "POST":
        context = _detail_context(request, report, _edit_form(request, report))
        return render(request, "targets/report_detail.html", context)
    form = _edit_form(request, report, request.POST, request.FILES)
    if form is None:
        messages.error(request, services.NOT_EDITABLE.format(report=report, status=report.get_status_display()))
        return HttpResponseRedirect(report.get_absolute_url())
    submitting = request.POST.get("action") == "submit"
    if form.is_valid():
        kwargs = {
            "user": request.user,
            "report": report,
            "data": form.service_data(),
            "files": form.cleaned_data.get("new_attachments") or [],
            "remove_attachments": form.cleaned_data.get("remove_attachments") or [],
        }
        try:
            if submitting:
                services.report_submit(**kwargs)
            else:
                services.report_save(**kwargs)
        except ValidationError as error:
            apply_form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "已报送，等待上级单位审核。" if submitting else "已保存。")
            return HttpResponseRedirect(report.get_absolute_url())
    report.refresh_from_db()
    return render(request, "targets/report_detail.html", _detail_context(request, report, form))


class ReportReviewView(ScopedViewMixin, View):
    """A confirmation page (GET) and the review action (POST): accept, return or reopen."""

    model = QuarterlyReport
    form_class: type = AcceptForm
    confirm_label = "确认"
    allowed: tuple = (ReportStatus.SUBMITTED,)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.obj = get_restricted_or_404(QuarterlyReport, request.user, "approve", pk=kwargs["pk"])
        if not services.may_review(request.user, self.obj):
            messages.error(request, f"只有「{self.obj.org.name}」的上级单位可以审核其报表，本单位不能审核自己的报表。")
            return HttpResponseRedirect(self.obj.get_absolute_url())
        if self.obj.status not in self.allowed:
            messages.error(request, f"「{self.obj}」当前为{self.obj.get_status_display()}，不能进行此操作。")
            return HttpResponseRedirect(self.obj.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def question(self) -> str:
        raise NotImplementedError

    def perform(self, form) -> None:
        raise NotImplementedError

    def done_message(self) -> str:
        raise NotImplementedError

    def render_page(self, form):
        return render(
            self.request,
            "core/object_confirm.html",
            {
                "title": f"{self.confirm_label}：{self.obj}",
                "question": self.question(),
                "form": form,
                "confirm_label": self.confirm_label,
                "cancel_url": self.obj.get_absolute_url(),
            },
        )

    def get(self, request, pk):
        return self.render_page(self.form_class())

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as error:
                apply_form_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, self.done_message())
                return HttpResponseRedirect(self.obj.get_absolute_url())
        return self.render_page(form)


class ReportAcceptView(ReportReviewView):
    form_class = AcceptForm
    confirm_label = "审核通过"

    def question(self):
        return f"确定审核通过「{self.obj}」吗？审核通过后报表锁定，单位不能再修改；如需更正须填写原因重新打开。"

    def perform(self, form):
        services.report_accept(user=self.request.user, report=self.obj, comment=form.cleaned_data["comment"])

    def done_message(self):
        return f"已审核通过「{self.obj}」。"


class ReportReturnView(ReportReviewView):
    form_class = ReturnForm
    confirm_label = "退回"

    def question(self):
        return f"确定将「{self.obj}」退回{self.obj.org.name}修改吗？单位将收到退回意见。"

    def perform(self, form):
        services.report_return(user=self.request.user, report=self.obj, comment=form.cleaned_data["comment"])

    def done_message(self):
        return f"已退回「{self.obj}」。"


class ReportReopenView(ReportReviewView):
    form_class = ReopenForm
    confirm_label = "重新打开"
    allowed = services.REVIEWABLE_STATUSES

    def question(self):
        return f"确定重新打开「{self.obj}」吗？报表将退回{self.obj.org.name}，可修改后重新报送。原因将记入操作记录。"

    def perform(self, form):
        services.report_reopen(user=self.request.user, report=self.obj, reason=form.cleaned_data["reason"])

    def done_message(self):
        return f"已重新打开「{self.obj}」。"


@login_required
def attachment_download(request, pk: int):
    """Files only through here, after the same scope check as the report itself; never a public URL."""
    # Attachments carry no permission of their own: they are visible exactly when their report is.
    visible = selectors.reports_for(request.user).values("pk")
    attachment = ReportAttachment.objects.filter(report__in=visible, pk=pk).first()
    if attachment is None:
        raise Http404("附件不存在或不在您的数据权限范围内。")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("附件文件已丢失，请联系填报单位重新上传。") from None
    mark_operation(request, f"下载季度报表附件「{attachment.original_name}」")
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


# --- late and missing ------------------------------------------------------------------------------------

OVERDUE_HEADERS = ["单位", "报告期", "状态", "报送期限", "报送时间", "逾期天数", "情况"]


def _overdue_filters(request):
    """(form, parent, period, show) from the query; by default the user's unit and the last ended quarter."""
    user = request.user
    form = OverdueFilterForm(request.GET or None, user=user)
    today = timezone.localdate()
    last_ended = Period.containing(today, "quarter").previous()
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        raise Http404("所选单位不存在或不在您的数据权限范围内。")
    parent = cleaned.get("unit") or user.org
    if parent is None:
        raise Http404("您的账号未设置所属单位，请选择上级单位。")
    parent = get_restricted_or_404(Organization, user, "view", pk=parent.pk)
    period = Period.quarter_of(cleaned.get("year") or last_ended.year, cleaned.get("quarter") or last_ended.index)
    if not form.is_bound:
        form = OverdueFilterForm(
            initial={"unit": parent.pk, "year": period.year, "quarter": period.index, "show": "overdue"}, user=user
        )
    return form, parent, period, cleaned.get("show") or "overdue"


@login_required
def report_overdue(request):
    """逾期和未报: for a parent unit, each unit below it that has targets, with status, due date, days late."""
    user = request.user
    exporting = request.GET.get("export") == "xlsx"
    if not can(user, QuarterlyReport, "export" if exporting else "view"):
        raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")
    form, parent, period, show = _overdue_filters(request)
    rows = selectors.late_and_missing(user, parent, period.year, period.index, timezone.localdate())
    if show != "all":
        rows = [row for row in rows if row.is_missing or row.is_late]
    if exporting:
        return _overdue_export(request, parent, period, rows)
    query = request.GET.copy()
    query["export"] = "xlsx"
    query.pop("page", None)
    return render(
        request,
        "targets/report_overdue.html",
        {
            "title": f"逾期和未报：{parent.name} {period.label}",
            "form": form,
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "count": len(rows),
            "missing": sum(1 for row in rows if row.is_missing),
            "late": sum(1 for row in rows if row.is_late),
            "period": period,
            "export_url": f"{request.path}?{query.urlencode()}" if can(user, QuarterlyReport, "export") else None,
            "breadcrumbs": [(LIST_TITLE, reverse("targets:report_list")), ("逾期和未报", None)],
        },
    )


def _overdue_export(request, parent, period: Period, rows: list):
    lines = (
        (
            row.unit.name,
            period.label,
            row.status_label,
            row.due_date,
            row.report.submitted_at if row.report else None,
            row.days_late,
            row.situation,
        )
        for row in rows
    )
    mark_operation(request, f"导出逾期和未报名单：{parent.name} {period.label}")
    content = write_xlsx(OVERDUE_HEADERS, lines, sheet="逾期和未报")
    return xlsx_response(content, f"逾期和未报_{parent.name}_{period.code}")
