"""Pages of union work: dues, share schemes, import and the collection table; training; information and
its ranking; joint meetings, their obligations and decisions. Every read goes through ``restrict``."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import EXPORT_ROW_LIMIT, ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.jobs import services as job_services
from gonghui.jobs.models import Job
from gonghui.members.jobs import store_upload
from gonghui.orgs.models import Organization
from gonghui.targets.selectors_tasks import Light, task_light
from gonghui.unionwork import selectors, services_dues, services_info, services_meetings, services_training
from gonghui.unionwork.common import restrict_child
from gonghui.unionwork.filtersets import (
    DuesRecordFilterSet,
    InfoItemFilterSet,
    JointMeetingFilterSet,
    ObligationFilterSet,
    TrainingCourseFilterSet,
)
from gonghui.unionwork.forms import (
    DecisionForm,
    DuesImportForm,
    DuesRecordForm,
    DuesShareSchemeForm,
    InfoAdoptionForm,
    InfoItemForm,
    InfoScoreRuleForm,
    JointMeetingForm,
    ObligationForm,
    TraineeForm,
    TraineeProgressForm,
    TrainingCourseForm,
)
from gonghui.unionwork.jobs import KIND as DUES_IMPORT_KIND
from gonghui.unionwork.models import (
    DuesRecord,
    DuesShareScheme,
    InfoItem,
    InfoScoreRule,
    JointMeeting,
    JointMeetingDecision,
    JointMeetingObligation,
    TrainingCourse,
)
from gonghui.unionwork.tables import (
    DuesRecordTable,
    InfoItemTable,
    InfoScoreRuleTable,
    JointMeetingTable,
    ObligationTable,
    ShareSchemeTable,
    TrainingCourseTable,
)

NO_PERMISSION = "您没有此功能的权限，请联系安全管理员分配角色。"


def _may(user, obj, action: str) -> bool:
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


def _require(user, model, action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(NO_PERMISSION)


def _root_and_period(request, model, *, last_complete_month: bool = False):
    """The unit (``org``, default the user's) and year/month a table by unit is drawn for; 404 outside scope."""
    user = request.user
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        current = max(today.month - 1, 1) if last_complete_month else today.month
        month = int(request.GET.get("month") or (current if year == today.year else 12))
    except ValueError:
        year, month = today.year, today.month
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        year, month = today.year, today.month
    org_id = request.GET.get("org") or user.org_id
    visible = Organization.objects.restrict(user, "view")
    root = visible.filter(pk=org_id).first() if str(org_id).isdigit() else None
    if root is None:
        if request.GET.get("org"):
            raise Http404("对象不存在或不在您的数据权限范围内。")
        root = visible.order_by("depth", "path").first()
        if root is None:
            raise PermissionDenied(NO_PERMISSION)
    return root, year, month, visible


# --- dues -----------------------------------------------------------------------------------------------


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


# --- training ---------------------------------------------------------------------------------------------


class CourseListView(ObjectListView):
    model = TrainingCourse
    table_class = TrainingCourseTable
    filterset_class = TrainingCourseFilterSet
    title = "干部培训"
    add_url_name = "unionwork:course_add"
    export_filename = "培训班"
    empty_text = "没有符合条件的培训班。"

    def get_queryset(self, action):
        return (
            self.restricted(action)
            .select_related("org")
            .annotate(trainee_count=Count("trainees"), chair_count=Count("trainees", filter=Q(trainees__is_chair=True)))
        )


@login_required
def course_detail(request, pk: int):
    user = request.user
    course = get_restricted_or_404(TrainingCourse.objects.select_related("org"), user, "view", pk=pk)
    can_change = _may(user, course, "change")
    trainees = course.trainees.select_related("user", "member")
    return render(
        request,
        "unionwork/course_detail.html",
        {
            "title": course.name,
            "course": course,
            "trainees": trainees,
            "completed": sum(1 for t in trainees if t.completed),
            "chairs": sum(1 for t in trainees if t.is_chair and t.completed),
            "form": TraineeForm(user=user) if can_change else None,
            "can_change": can_change,
            "can_delete": _may(user, course, "delete"),
            "breadcrumbs": [("干部培训", reverse("unionwork:course_list")), (course.name, None)],
        },
    )


class CourseEditView(ObjectEditView):
    model = TrainingCourse
    form_class = TrainingCourseForm
    list_url_name = "unionwork:course_list"

    def create(self, form):
        return services_training.course_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_training.course_update(user=self.request.user, course=obj, data=form.cleaned_data)


class CourseDeleteView(ObjectDeleteView):
    model = TrainingCourse
    list_url_name = "unionwork:course_list"

    def delete(self, obj):
        services_training.course_delete(user=self.request.user, course=obj)


def _error_message(error) -> str:
    return "；".join(getattr(error, "messages", [str(error)]))


@login_required
@require_POST
def trainee_add(request, pk: int):
    user = request.user
    _require(user, TrainingCourse, "change")
    course = get_restricted_or_404(TrainingCourse, user, "change", pk=pk)
    form = TraineeForm(request.POST, user=user)
    if form.is_valid():
        try:
            trainee = services_training.trainee_add(user=user, course=course, data=form.service_data())
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, f"已添加学员「{trainee.name}」。")
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
    return HttpResponseRedirect(course.get_absolute_url())


@login_required
@require_POST
def trainee_update(request, pk: int, trainee_pk: int):
    user = request.user
    _require(user, TrainingCourse, "change")
    course = get_restricted_or_404(TrainingCourse, user, "change", pk=pk)
    trainee = course.trainees.filter(pk=trainee_pk).first()
    if trainee is None:
        raise Http404("学员不存在。")
    form = TraineeProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, "实到学时请填写 0 或正数，可含一位小数，如 7.5。")
        return HttpResponseRedirect(course.get_absolute_url())
    try:
        services_training.trainee_update(user=user, trainee=trainee, data=form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_message(error))
    else:
        messages.success(request, f"已更新学员「{trainee.name}」的学时和结业情况。")
    return HttpResponseRedirect(course.get_absolute_url())


@login_required
def trainee_remove(request, pk: int, trainee_pk: int):
    user = request.user
    _require(user, TrainingCourse, "change")
    course = get_restricted_or_404(TrainingCourse, user, "change", pk=pk)
    trainee = course.trainees.filter(pk=trainee_pk).first()
    if trainee is None:
        raise Http404("学员不存在。")
    if request.method != "POST":
        return render(
            request,
            "core/object_confirm.html",
            {
                "title": "移除学员",
                "question": f"确定要从「{course.name}」移除学员「{trainee.name}」吗？",
                "confirm_label": "确认移除",
                "cancel_url": course.get_absolute_url(),
            },
        )
    services_training.trainee_remove(user=user, trainee=trainee)
    messages.success(request, f"已移除学员「{trainee.name}」。")
    return HttpResponseRedirect(course.get_absolute_url())


@login_required
@require_POST
def trainees_complete(request, pk: int):
    user = request.user
    _require(user, TrainingCourse, "change")
    course = get_restricted_or_404(TrainingCourse, user, "change", pk=pk)
    count = services_training.trainees_complete_all(user=user, course=course)
    messages.success(request, f"已将 {count} 名学员标记为结业（学时记满）。")
    return HttpResponseRedirect(course.get_absolute_url())


# --- information ---------------------------------------------------------------------------------------------


class InfoListView(ObjectListView):
    model = InfoItem
    table_class = InfoItemTable
    filterset_class = InfoItemFilterSet
    title = "信息报送"
    add_url_name = "unionwork:info_add"
    export_filename = "信息报送"
    empty_text = "没有符合条件的报送信息。"

    def get_queryset(self, action):
        return (
            self.restricted(action)
            .select_related("org")
            .annotate(adoption_count=Count("adoptions"), score_total=Sum("adoptions__score"))
        )


@login_required
def info_detail(request, pk: int):
    user = request.user
    item = get_restricted_or_404(InfoItem.objects.select_related("org"), user, "view", pk=pk)
    may_adopt = (
        _may(user, item, "approve")
        and user.org_id is not None
        and user.org_id != item.org_id
        and item.org.path.startswith(user.org.path)
    )
    return render(
        request,
        "unionwork/info_detail.html",
        {
            "title": item.title,
            "item": item,
            "adoptions": item.adoptions.all(),
            "form": InfoAdoptionForm() if may_adopt else None,
            "may_adopt": may_adopt,
            "can_change": _may(user, item, "change"),
            "can_delete": _may(user, item, "delete"),
            "breadcrumbs": [("信息报送", reverse("unionwork:info_list")), (item.title, None)],
        },
    )


@login_required
def info_attachment(request, pk: int):
    item = get_restricted_or_404(InfoItem, request.user, "view", pk=pk)
    if not item.attachment:
        raise Http404("没有附件。")
    return FileResponse(item.attachment.open("rb"), as_attachment=True, filename=item.attachment_name or "附件")


class InfoEditView(ObjectEditView):
    model = InfoItem
    form_class = InfoItemForm
    list_url_name = "unionwork:info_list"

    def initial(self):
        return {"submitted_on": timezone.localdate(), "org": self.request.user.org_id}

    def _data(self, form):
        data = dict(form.cleaned_data)
        if data.get("attachment") is None:
            data.pop("attachment", None)
        return data

    def create(self, form):
        return services_info.info_create(user=self.request.user, data=self._data(form))

    def update(self, obj, form):
        return services_info.info_update(user=self.request.user, item=obj, data=self._data(form))


class InfoDeleteView(ObjectDeleteView):
    model = InfoItem
    list_url_name = "unionwork:info_list"

    def delete(self, obj):
        services_info.info_delete(user=self.request.user, item=obj)


@login_required
@require_POST
def adoption_add(request, pk: int):
    user = request.user
    _require(user, InfoItem, "approve")
    item = get_restricted_or_404(InfoItem, user, "approve", pk=pk)
    form = InfoAdoptionForm(request.POST)
    if form.is_valid():
        try:
            adoption = services_info.adoption_add(user=user, item=item, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, f"已登记「{adoption.adopter_name}」采用，得 {adoption.score} 分。")
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
    return HttpResponseRedirect(item.get_absolute_url())


@login_required
def adoption_remove(request, pk: int, adoption_pk: int):
    user = request.user
    _require(user, InfoItem, "approve")
    item = get_restricted_or_404(InfoItem, user, "approve", pk=pk)
    adoption = item.adoptions.filter(pk=adoption_pk).first()
    if adoption is None:
        raise Http404("采用记录不存在。")
    if request.method != "POST":
        return render(
            request,
            "core/object_confirm.html",
            {
                "title": "删除采用记录",
                "question": f"确定要删除「{adoption}」的采用记录吗？其得分将从排名中扣除。",
                "confirm_label": "确认删除",
                "cancel_url": item.get_absolute_url(),
            },
        )
    try:
        services_info.adoption_remove(user=user, adoption=adoption)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已删除采用记录。")
    return HttpResponseRedirect(item.get_absolute_url())


@login_required
def info_ranking(request):
    user = request.user
    _require(user, InfoItem, "view")
    root, year, month, visible = _root_and_period(request, InfoItem)
    rows = selectors.info_ranking(user, root, year, month)
    if request.GET.get("export") == "xlsx":
        _require(user, InfoItem, "export")
        mark_operation(request, f"导出信息报送排名（{root.name} {year}年{month}月）")
        content = write_xlsx(selectors.RANKING_HEADERS, selectors.ranking_rows_for_export(rows), sheet="信息报送排名")
        return xlsx_response(content, f"信息报送排名_{root.name}_{year}年{month}月")
    return render(
        request,
        "unionwork/info_ranking.html",
        {
            "title": "信息报送统计排名",
            "rows": rows,
            "root": root,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "monthly": selectors.monthly_counts(user, root, year),
            "units": visible.filter(depth__lt=root.depth + 2).order_by("path")[:300],
            "can_export": can(user, InfoItem, "export"),
            "breadcrumbs": [("信息报送", reverse("unionwork:info_list")), ("统计排名", None)],
        },
    )


class RuleListView(ObjectListView):
    model = InfoScoreRule
    table_class = InfoScoreRuleTable
    title = "信息采用计分规则"
    add_url_name = "unionwork:rule_add"
    export_filename = "信息采用计分规则"
    empty_text = "尚未设置计分规则；没有规则时无法登记采用。"

    def get_queryset(self, action):
        return self.restricted(action).select_related("org")

    def extra_context(self):
        return {
            "can_change": can(self.request.user, InfoScoreRule, "change"),
            "can_delete": can(self.request.user, InfoScoreRule, "delete"),
        }


class RuleEditView(ObjectEditView):
    model = InfoScoreRule
    form_class = InfoScoreRuleForm
    list_url_name = "unionwork:rule_list"

    def create(self, form):
        return services_info.rule_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_info.rule_update(user=self.request.user, rule=obj, data=form.cleaned_data)


class RuleDeleteView(ObjectDeleteView):
    model = InfoScoreRule
    list_url_name = "unionwork:rule_list"

    def delete(self, obj):
        services_info.rule_delete(user=self.request.user, rule=obj)


# --- joint meetings ----------------------------------------------------------------------------------------


class ObligationListView(ObjectListView):
    model = JointMeetingObligation
    table_class = ObligationTable
    filterset_class = ObligationFilterSet
    title = "联席会议年度任务"
    add_url_name = "unionwork:obligation_add"
    export_filename = "联席会议年度任务"
    empty_text = "没有符合条件的联席会议年度任务。"
    template_name = "unionwork/obligation_list.html"

    def get_queryset(self, action):
        return selectors.obligations_for(self.request.user, action)

    def extra_context(self):
        user = self.request.user
        return {
            "overdue": selectors.overdue_obligations(user)[:50],
            "can_change": can(user, JointMeetingObligation, "change"),
            "can_delete": can(user, JointMeetingObligation, "delete"),
        }


class ObligationEditView(ObjectEditView):
    model = JointMeetingObligation
    form_class = ObligationForm
    list_url_name = "unionwork:obligation_list"

    def initial(self):
        year = timezone.localdate().year
        return {"year": year, "deadline": datetime.date(year, 6, 30)}

    def create(self, form):
        return services_meetings.obligation_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_meetings.obligation_update(user=self.request.user, obligation=obj, data=form.cleaned_data)


class ObligationDeleteView(ObjectDeleteView):
    model = JointMeetingObligation
    list_url_name = "unionwork:obligation_list"

    def delete(self, obj):
        services_meetings.obligation_delete(user=self.request.user, obligation=obj)


class MeetingListView(ObjectListView):
    model = JointMeeting
    table_class = JointMeetingTable
    filterset_class = JointMeetingFilterSet
    title = "政府与工会联席会议"
    add_url_name = "unionwork:meeting_add"
    export_filename = "联席会议"
    empty_text = "没有符合条件的联席会议。"

    def get_queryset(self, action):
        return (
            self.restricted(action)
            .select_related("org")
            .annotate(
                decision_count=Count("decisions"),
                decisions_closed=Count("decisions", filter=Q(decisions__task__state="closed")),
            )
        )


@login_required
def meeting_detail(request, pk: int):
    user = request.user
    meeting = get_restricted_or_404(JointMeeting.objects.select_related("org", "obligation"), user, "view", pk=pk)
    today = timezone.localdate()
    decisions = []
    visible_tasks = set()
    from gonghui.targets.models import Task

    rows = list(meeting.decisions.select_related("task", "lead_unit"))
    task_ids = [d.task_id for d in rows if d.task_id]
    visible_tasks = set(Task.objects.restrict(user, "view").filter(pk__in=task_ids).values_list("pk", flat=True))
    for decision in rows:
        light = task_light(decision.task, today) if decision.task else None
        decisions.append(
            {
                "decision": decision,
                "light": light,
                "light_label": Light.labels.get(light, "") if light else "",
                "light_color": Light.colors.get(light, "") if light else "",
                "task_visible": decision.task_id in visible_tasks,
            }
        )
    can_change = _may(user, meeting, "change")
    may_assign = can_change and can(user, Task, "add")
    return render(
        request,
        "unionwork/meeting_detail.html",
        {
            "title": meeting.title,
            "meeting": meeting,
            "decisions": decisions,
            "form": DecisionForm(user=user, meeting=meeting) if may_assign else None,
            "can_change": can_change,
            "can_delete": _may(user, meeting, "delete"),
            "breadcrumbs": [("联席会议", reverse("unionwork:meeting_list")), (meeting.title, None)],
        },
    )


@login_required
def meeting_minutes(request, pk: int):
    meeting = get_restricted_or_404(JointMeeting, request.user, "view", pk=pk)
    if not meeting.minutes:
        raise Http404("没有会议纪要文件。")
    return FileResponse(meeting.minutes.open("rb"), as_attachment=True, filename=meeting.minutes_name or "会议纪要")


class MeetingEditView(ObjectEditView):
    model = JointMeeting
    form_class = JointMeetingForm
    list_url_name = "unionwork:meeting_list"

    def _data(self, form):
        data = dict(form.cleaned_data)
        if data.get("minutes") is None:
            data.pop("minutes", None)
        return data

    def create(self, form):
        return services_meetings.meeting_create(user=self.request.user, data=self._data(form))

    def update(self, obj, form):
        return services_meetings.meeting_update(user=self.request.user, meeting=obj, data=self._data(form))


class MeetingDeleteView(ObjectDeleteView):
    model = JointMeeting
    list_url_name = "unionwork:meeting_list"

    def delete(self, obj):
        services_meetings.meeting_delete(user=self.request.user, meeting=obj)


@login_required
@require_POST
def decision_add(request, pk: int):
    user = request.user
    _require(user, JointMeeting, "change")
    meeting = get_restricted_or_404(JointMeeting.objects.select_related("org"), user, "change", pk=pk)
    form = DecisionForm(request.POST, user=user, meeting=meeting)
    if form.is_valid():
        try:
            decision = services_meetings.decision_add(user=user, meeting=meeting, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, f"已登记议定事项「{decision.title}」，并作为督办事项交办。")
    else:
        apply_form_errors(form, ValidationError(form.errors))
        messages.error(
            request,
            "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items() if k in form.fields),
        )
    return HttpResponseRedirect(meeting.get_absolute_url())


@login_required
def decision_remove(request, pk: int, decision_pk: int):
    user = request.user
    _require(user, JointMeeting, "change")
    meeting = get_restricted_or_404(JointMeeting, user, "change", pk=pk)
    decision = (
        restrict_child(JointMeetingDecision, JointMeeting, user, "change")
        .filter(pk=decision_pk, meeting=meeting)
        .first()
    )
    if decision is None:
        raise Http404("议定事项不存在。")
    if request.method != "POST":
        return render(
            request,
            "core/object_confirm.html",
            {
                "title": "删除议定事项",
                "question": f"确定要删除议定事项「{decision.title}」吗？尚未接收的督办事项将一并删除。",
                "confirm_label": "确认删除",
                "cancel_url": meeting.get_absolute_url(),
            },
        )
    try:
        services_meetings.decision_remove(user=user, decision=decision)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_message(error))
    else:
        messages.success(request, f"已删除议定事项「{decision.title}」。")
    return HttpResponseRedirect(meeting.get_absolute_url())
