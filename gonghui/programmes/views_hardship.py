"""困难职工档案 pages: list (masked, exact lookup by ID/phone in the body), detail with the workflow steps,
the overdue list, statistics, an export that asks for a reason, and the worker's phone pages (no login).

Every open of a file's page is written to the operation log (without personal data). Income, health and
household members show only to holders of the sensitive-data permission in scope; everyone else sees ***.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectListView
from gonghui.members.views_join import THROTTLED, throttled
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.programmes import forms_hardship as hforms
from gonghui.programmes import selectors_hardship as selectors
from gonghui.programmes import services_hardship as services
from gonghui.programmes.filtersets_hardship import HardshipFileFilterSet
from gonghui.programmes.models.hardship import HardshipAttachment, HardshipFile, HardshipState
from gonghui.programmes.tables_hardship import HardshipFileTable
from gonghui.utilities.pii import mask_name

LIST = "programmes:hardship_list"
TITLE = "困难职工档案"
CONSENT_VERSION = "2026-1"
EXPORT_LIMIT = 50_000
HIDDEN = "***"

# step → (form class, permission action, title)
STEPS = {
    "review": (hforms.ReviewForm, "change", "基层工会初审"),
    "survey": (hforms.SurveyForm, "change", "登记入户调查"),
    "civil_send": (hforms.CivilSendForm, "change", "送民政核对"),
    "civil_result": (hforms.CivilResultForm, "change", "登记民政核对结果"),
    "notice": (hforms.NoticeForm, "change", "开始公示"),
    "objection": (hforms.ObjectionForm, "change", "登记公示异议"),
    "establish": (hforms.EstablishForm, "approve", "建档"),
    "annual_review": (hforms.AnnualReviewForm, "change", "年度复核"),
    "exit": (hforms.ExitForm, "change", "解困脱困 / 退档"),
    "visit": (hforms.VisitForm, "change", "脱困后回访"),
    "attachment": (hforms.AttachmentForm, "change", "上传材料"),
}


def steps_for(file: HardshipFile) -> list[str]:
    state = file.state
    if state == HardshipState.APPLIED:
        steps = ["review"]
    elif state == HardshipState.SURVEY:
        steps = ["survey"]
    elif state == HardshipState.CIVIL:
        steps = ["civil_result"] if file.civil_sent_on else ["civil_send"]
    elif state == HardshipState.NOTICE:
        steps = ["objection", "establish"] if file.notice_start else ["notice"]
    elif state == HardshipState.FILED:
        steps = ["annual_review", "exit"]
    elif state in (HardshipState.RESOLVED, HardshipState.CLOSED):
        steps = ["visit"]
    else:
        steps = []
    return [*steps, "attachment"] if file.state != HardshipState.REJECTED else steps


def _allowed(user, file: HardshipFile, action: str) -> bool:
    return HardshipFile.objects.restrict(user, action).filter(pk=file.pk).exists()


def _file_or_404(user, pk: int, action: str = "view") -> HardshipFile:
    return get_restricted_or_404(HardshipFile.objects.select_related("org", "member", "employer"), user, action, pk=pk)


# --- list, lookup, export ---------------------------------------------------------------------


class HardshipListView(ObjectListView):
    model = HardshipFile
    table_class = HardshipFileTable
    filterset_class = HardshipFileFilterSet
    title = TITLE
    add_url_name = "programmes:hardship_add"
    template_name = "programmes/hardship/file_list.html"
    empty_text = "没有符合条件的困难职工档案。"

    def get_queryset(self, action):
        return selectors.files_for(self.request.user, action)

    def extra_context(self):
        user = self.request.user
        query = self.request.GET.copy()
        query.pop("page", None)
        export = reverse("programmes:hardship_export") + (f"?{query.urlencode()}" if query else "")
        return {"export_page": export if can(user, HardshipFile, "export") else None}

    def post(self, request, *args, **kwargs):
        """精确查找 by full ID number or phone, in the request body (never the URL)."""
        self.require("view")
        condition = selectors.exact_lookup_q(request.POST.get("lookup", ""))
        if condition is None:
            messages.error(request, "精确查找请输入完整的 18 位身份证号码或 11 位手机号码。")
            queryset = self.get_queryset("view").none()
        else:
            queryset = self.get_queryset("view").filter(condition)
        table = self.table_class(queryset, request=request)
        RequestConfig(request, paginate=False).configure(table)
        return render(
            request,
            self.template_name,
            {
                "title": self.title,
                "table": table,
                "filter_form": self.filterset_class(None, queryset=queryset, request=request).form,
                "empty_text": "没有找到该身份证号码或手机号码对应的档案（或不在您的数据权限范围内）。",
                "breadcrumbs": [(TITLE, reverse(LIST)), ("精确查找", None)],
                "lookup_active": True,
            },
        )


EXPORT_COLUMNS = [
    ("档案编号", lambda f: f.number),
    ("姓名", lambda f: mask_name(f.name)),
    ("身份证号", lambda f: f.id_number_masked),
    ("手机号", lambda f: f.phone_masked),
    ("工作单位", lambda f: f.employer_name),
    ("所属工会", lambda f: str(f.org)),
    ("致困原因", lambda f: f.get_cause_display()),
    ("状态", lambda f: f.get_state_display()),
    ("困难类别", lambda f: f.get_level_display()),
    ("家庭人口", lambda f: f.household_size),
    ("住房情况", lambda f: f.get_housing_display()),
    ("申请日期", lambda f: f.applied_on),
    ("建档日期", lambda f: f.filed_on),
]


@login_required
@require_http_methods(["GET", "POST"])
def hardship_export(request):
    """Export asks for a reason (logged with the count); sensitive columns need the permission per row."""
    user = request.user
    if not can(user, HardshipFile, "export"):
        raise PermissionDenied("您没有导出困难职工档案的权限。")
    form = hforms.ExportReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sensitive = form.cleaned_data["sensitive"]
        if sensitive and not selectors.has_sensitive_permission(user):
            form.add_error("sensitive", "您没有查看困难职工敏感信息的权限，不能导出收入、健康等信息。")
        else:
            queryset = selectors.files_for(user, "export")
            queryset = HardshipFileFilterSet(request.GET or None, queryset=queryset, request=request).qs
            queryset = queryset.order_by("org__path", "number")[:EXPORT_LIMIT]
            allowed = set()
            if sensitive:
                allowed = set(
                    HardshipFile.objects.filter(selectors.sensitive_q(user))
                    .filter(pk__in=[f.pk for f in queryset])
                    .values_list("pk", flat=True)
                )
            headers = [label for label, _ in EXPORT_COLUMNS]
            if sensitive:
                headers += ["家庭月收入（元）", "健康状况", "家庭成员"]
            rows = []
            for file in queryset:
                row = [getter(file) for _label, getter in EXPORT_COLUMNS]
                if sensitive:
                    data = file.reveal_sensitive() if file.pk in allowed else {}
                    row += [data.get("income", HIDDEN), data.get("health", HIDDEN), data.get("household", HIDDEN)]
                rows.append(row)
            reason = form.cleaned_data["reason"].strip()
            extent = "含敏感信息" if sensitive else "脱敏"
            mark_operation(request, f"导出困难职工档案（{len(rows)} 条，{extent}），事由：{reason}"[:200])
            return xlsx_response(write_xlsx(headers, rows, sheet=TITLE), TITLE)
    return render(
        request,
        "programmes/hardship/export.html",
        {"title": "导出困难职工档案", "form": form, "breadcrumbs": [(TITLE, reverse(LIST)), ("导出", None)]},
    )


# --- create / edit ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hardship_add(request):
    user = request.user
    if not can(user, HardshipFile, "add"):
        raise PermissionDenied("您没有登记困难职工档案的权限。")
    form = hforms.HardshipFileForm(
        request.POST or None, request.FILES or None, user=user, initial={"applied_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            file = services.hardship_file_create(user=user, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已登记困难职工档案申请「{file.number}」，请在期限内完成初审。")
            return HttpResponseRedirect(file.get_absolute_url())
    return render(
        request,
        "programmes/hardship/file_form.html",
        {"title": "代为申请困难职工建档", "form": form, "breadcrumbs": [(TITLE, reverse(LIST)), ("代为申请", None)]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hardship_edit(request, pk: int):
    user = request.user
    if not can(user, HardshipFile, "change"):
        raise PermissionDenied("您没有修改困难职工档案的权限。")
    file = _file_or_404(user, pk, "change")
    services.require_sensitive(user, file)  # the form shows income and health
    form = hforms.HardshipFileForm(request.POST or None, request.FILES or None, user=user, instance=file)
    if request.method == "GET":
        data = file.reveal_sensitive()
        form.initial.update(monthly_income=data["income"], health=data["health"], household_members=data["household"])
        mark_operation(request, f"修改困难职工档案（查看敏感信息）：{file.number}")
    if request.method == "POST" and form.is_valid():
        try:
            services.hardship_file_update(user=user, file=file, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已保存申请信息。")
            return HttpResponseRedirect(file.get_absolute_url())
    response = render(
        request,
        "programmes/hardship/file_form.html",
        {
            "title": f"修改申请信息：{file.number}",
            "form": form,
            "breadcrumbs": [(TITLE, reverse(LIST)), (file.number, file.get_absolute_url()), ("修改", None)],
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# --- detail and steps ---------------------------------------------------------------------------


def _render_detail(request, file: HardshipFile, bound: dict | None = None, status: int = 200):
    user = request.user
    can_change, can_approve = _allowed(user, file, "change"), _allowed(user, file, "approve")
    steps = []
    for step in steps_for(file):
        form_class, action, title = STEPS[step]
        if (action == "approve" and can_approve) or (action == "change" and can_change):
            # each step's form gets its own ids: several forms on one page share field names such as "on"
            form = (bound or {}).get(step) or form_class(initial={"on": timezone.localdate()}, auto_id=f"id_{step}_%s")
            steps.append({"code": step, "title": title, "form": form})
    sensitive = selectors.may_view_sensitive(user, file)
    mark_operation(request, f"查看困难职工档案：{file.number}" + ("（含敏感信息）" if sensitive else ""))
    response = render(
        request,
        "programmes/hardship/file_detail.html",
        {
            "title": f"{file.number} {mask_name(file.name)}",
            "file": file,
            "masked_name": mask_name(file.name),
            "sensitive": file.reveal_sensitive() if sensitive else None,
            "steps": steps,
            "events": file.events.order_by("on", "pk"),
            "attachments": file.attachments.all(),
            "assistance": file.assistance.restrict(user, "view").select_related("campaign", "org"),
            "can_edit": can_change and file.state in (HardshipState.APPLIED, HardshipState.SURVEY) and sensitive,
            "overdue": bool(file.current_due and file.current_due < timezone.localdate()),
            "breadcrumbs": [(TITLE, reverse(LIST)), (file.number, None)],
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def hardship_detail(request, pk: int):
    return _render_detail(request, _file_or_404(request.user, pk))


def _call(user, file: HardshipFile, step: str, data: dict):
    if step == "review":
        return services.hardship_review(
            user=user, file=file, passed=data["passed"], on=data["on"], opinion=data["opinion"]
        )
    if step == "survey":
        return services.hardship_survey(
            user=user,
            file=file,
            on=data["on"],
            investigators=data["investigators"],
            findings=data["findings"],
            signed_form=data["signed_form"],
        )
    if step == "civil_send":
        return services.hardship_civil_send(user=user, file=file, on=data["on"])
    if step == "civil_result":
        return services.hardship_civil_result(
            user=user, file=file, result=data["result"], on=data["on"], note=data["note"], document=data["document"]
        )
    if step == "notice":
        return services.hardship_notice_start(
            user=user, file=file, start=data["start"], place=data["place"], days=data["days"]
        )
    if step == "objection":
        return services.hardship_objection(
            user=user, file=file, on=data["on"], note=data["note"], upheld=data["upheld"]
        )
    if step == "establish":
        return services.hardship_establish(user=user, file=file, level=data["level"], on=data["on"])
    if step == "annual_review":
        return services.hardship_annual_review(
            user=user, file=file, on=data["on"], level=data["level"], note=data["note"]
        )
    if step == "exit":
        return services.hardship_exit(
            user=user, file=file, resolved=data["resolved"], on=data["on"], reason=data["reason"]
        )
    if step == "visit":
        return services.hardship_visit(
            user=user, file=file, on=data["on"], note=data["note"], relapsed=data["relapsed"]
        )
    return services.hardship_attachment_add(user=user, file=file, kind=data["kind"], upload=data["upload"])


@login_required
@require_POST
def hardship_step(request, pk: int, step: str):
    user = request.user
    if step not in STEPS:
        raise Http404("没有这个办理步骤。")
    form_class, action, title = STEPS[step]
    if not can(user, HardshipFile, action):
        raise PermissionDenied(f"您没有办理「{title}」的权限。")
    file = _file_or_404(user, pk, action)
    form = form_class(request.POST, request.FILES, auto_id=f"id_{step}_%s")
    if form.is_valid():
        try:
            _call(user, file, step, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已办理「{title}」。")
            return HttpResponseRedirect(file.get_absolute_url())
    file.refresh_from_db()
    return _render_detail(request, file, bound={step: form}, status=422)


@login_required
@require_GET
def hardship_attachment(request, pk: int, attachment_pk: int):
    file = _file_or_404(request.user, pk)
    try:
        attachment = HardshipAttachment.objects.restrict(request.user, "view").get(pk=attachment_pk, file_record=file)
    except HardshipAttachment.DoesNotExist:
        raise Http404("材料不存在或不在您的数据权限范围内。") from None
    services.require_sensitive(request.user, file)  # evidence holds income and health details
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("材料文件已丢失。") from None
    mark_operation(request, f"下载困难职工档案材料：{file.number}")
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name or "材料")


# --- overdue and statistics ---------------------------------------------------------------------


class HardshipOverdueView(ObjectListView):
    model = HardshipFile
    table_class = HardshipFileTable
    title = "困难档案超期"
    template_name = "programmes/hardship/overdue.html"
    empty_text = "没有超过期限未办理的档案。"

    def get_queryset(self, action):
        return selectors.overdue_files(self.request.user, timezone.localdate())

    def extra_context(self):
        today = timezone.localdate()
        review_table = HardshipFileTable(
            selectors.review_overdue_files(self.request.user, today), request=self.request, prefix="r-"
        )
        RequestConfig(self.request, paginate={"per_page": 25}).configure(review_table)
        limits = services.limits()
        return {
            "review_table": review_table,
            "limit_rows": [(services.LIMIT_LABELS[key], value) for key, value in limits.items()],
        }


@login_required
@require_GET
def hardship_stats(request):
    user = request.user
    if not can(user, HardshipFile, "view"):
        raise PermissionDenied("您没有查看困难职工档案的权限。")
    orgs = Organization.objects.restrict(user, "view").exclude(status=OrgStatus.DISSOLVED)
    root = None
    if request.GET.get("within"):
        root = orgs.filter(pk=request.GET["within"]).first()
        if root is None:
            raise Http404("单位不存在或不在您的数据权限范围内。")
    elif user.org_id and orgs.filter(pk=user.org_id).exists():
        root = user.org
    return render(
        request,
        "programmes/hardship/stats.html",
        {
            "title": "困难职工统计",
            "root": root,
            "stats": selectors.statistics(user, root),
            "breadcrumbs": [(TITLE, reverse(LIST)), ("统计", None)],
        },
    )


# --- the worker's phone pages (no login) --------------------------------------------------------

NOT_FOUND = "未查询到与该身份证号码和手机号码对应的困难职工建档申请，请核对后重试。"


def _public_union(code: str) -> Organization:
    from gonghui.members import join

    union = Organization.objects.filter(code=code).first()
    if union is None or not join.is_open_union(union):
        raise Http404("没有找到该工会的困难帮扶申请页面，请核对二维码。")
    return union


@require_http_methods(["GET", "POST"])
def hardship_apply(request, code: str):
    union = _public_union(code)
    form = hforms.PublicApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if throttled(request, "hardship"):
            form.add_error(None, THROTTLED)
        elif form.is_valid():
            try:
                file = services.hardship_apply_public(org=union, data=form.cleaned_data)
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                return render(
                    request,
                    "programmes/hardship/public/done.html",
                    {"union": union, "file": file, "masked_name": mask_name(file.name)},
                )
    return render(
        request,
        "programmes/hardship/public/apply.html",
        {"union": union, "form": form, "consent_version": CONSENT_VERSION},
    )


@require_http_methods(["GET", "POST"])
def hardship_status(request):
    """进度查询: ID number and phone both must match; shows the masked name, union, state and date only."""
    form = hforms.StatusForm(request.POST or None)
    found, errors = None, []
    if request.method == "POST":
        if throttled(request, "hardship_status"):
            errors.append(THROTTLED)
        elif form.is_valid():
            id_q = selectors.exact_lookup_q(form.cleaned_data["id_number"])
            phone_q = selectors.exact_lookup_q(form.cleaned_data["phone"])
            files = HardshipFile.objects.none()
            if id_q is not None and phone_q is not None:
                files = HardshipFile.objects.filter(id_q).filter(phone_q).select_related("org")
            found = list(files.order_by("-applied_on", "-pk")[:5])
            if not found:
                errors.append(NOT_FOUND)
        else:
            errors = [message for messages_ in form.errors.values() for message in messages_]
    # the page never shows back the ID number or phone typed (not even on an error): always a fresh form
    return render(
        request,
        "programmes/hardship/public/status.html",
        {
            "form": hforms.StatusForm(),
            "errors": errors,
            "found": [(f, mask_name(f.name)) for f in found or []],
            "today": datetime.date.today(),
        },
    )
