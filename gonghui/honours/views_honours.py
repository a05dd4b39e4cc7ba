"""Honours registry and model workers' care pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.honours import selectors_honours as selectors
from gonghui.honours import services_honours as services
from gonghui.honours.filtersets_honours import CareFilterSet, HonourFilterSet
from gonghui.honours.forms_honours import (
    AwardForm,
    CareForm,
    HonourForm,
    NoteForm,
    PubliciseForm,
    RegisterForm,
    RejectHonourForm,
)
from gonghui.honours.models import CareRecord, Honour, HonourState
from gonghui.honours.tables_honours import CareTable, HonourTable

LIST_TITLE = "荣誉评选与登记"


def _crumbs(*items):
    return [(LIST_TITLE, reverse("honours:honour_list")), *items]


class HonourListView(ObjectListView):
    model = Honour
    table_class = HonourTable
    filterset_class = HonourFilterSet
    title = LIST_TITLE
    template_name = "honours/honour_list.html"
    add_url_name = "honours:honour_add"
    export_filename = "荣誉名册"
    empty_text = "没有符合条件的荣誉记录。"

    def get_queryset(self, action):
        return selectors.honours_for(self.request.user, action)


class HonourEditView(ObjectEditView):
    """推荐 (no pk) or correct a nomination / an awarded record."""

    model = Honour
    form_class = HonourForm
    list_url_name = "honours:honour_list"

    def page_title(self):
        return f"修改荣誉：{self.obj}" if self.obj else "推荐荣誉"

    def create(self, form):
        return services.honour_nominate(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services.honour_update(user=self.request.user, honour=obj, data=form.cleaned_data)


class HonourRegisterView(ObjectEditView):
    """登记 an honour already awarded."""

    model = Honour
    form_class = RegisterForm
    list_url_name = "honours:honour_list"

    def page_title(self):
        return "登记已授予荣誉"

    def create(self, form):
        data = dict(form.cleaned_data)
        return services.honour_register(
            user=self.request.user,
            data=data,
            awarded_on=data.pop("awarded_on"),
            certificate_no=data.pop("certificate_no", ""),
        )


class HonourDeleteView(ObjectDeleteView):
    model = Honour
    list_url_name = "honours:honour_list"

    def delete(self, obj):
        services.honour_delete(user=self.request.user, honour=obj)


STEP_FORMS = {"review": NoteForm, "publicise": PubliciseForm, "award": AwardForm, "reject": RejectHonourForm}
STEP_DONE = {
    "review": "已审核通过，下一步公示。",
    "publicise": "已开始公示。",
    "award": "已授予荣誉。",
    "reject": "已不予授予。",
}
STEP_FROM = {
    "review": (HonourState.NOMINATED,),
    "publicise": (HonourState.REVIEWING,),
    "award": (HonourState.PUBLICISED,),
    "reject": (HonourState.NOMINATED, HonourState.REVIEWING, HonourState.PUBLICISED),
}


def _honour_or_404(user, pk: int) -> Honour:
    return get_restricted_or_404(
        Honour.objects.select_related("org", "member", "member__org", "employer"), user, "view", pk=pk
    )


def _render_honour(request, honour: Honour, bound: dict | None = None):
    user = request.user
    approver = Honour.objects.restrict(user, "approve").filter(pk=honour.pk).exists()
    steps = {step for step, states in STEP_FROM.items() if approver and honour.state in states}
    forms = {name: form_class() for name, form_class in STEP_FORMS.items()}
    forms.update(bound or {})
    care_allowed = selectors.care_kinds_of(honour)
    return render(
        request,
        "honours/honour_detail.html",
        {
            "title": str(honour),
            "honour": honour,
            "history": honour.steps.all(),
            "steps": steps,
            "forms": forms,
            "may_edit": honour.state in (HonourState.NOMINATED, HonourState.AWARDED)
            and Honour.objects.restrict(user, "change").filter(pk=honour.pk).exists(),
            "may_delete": honour.state == HonourState.NOMINATED
            and Honour.objects.restrict(user, "delete").filter(pk=honour.pk).exists(),
            "care": selectors.care_for(user).filter(honour=honour).order_by("-year", "due_on") if care_allowed else [],
            "care_allowed": care_allowed,
            "may_add_care": care_allowed and can(user, CareRecord, "add"),
            "breadcrumbs": _crumbs((str(honour), None)),
        },
    )


@login_required
@require_GET
def honour_detail(request, pk: int):
    return _render_honour(request, _honour_or_404(request.user, pk))


@login_required
@require_POST
def honour_step(request, pk: int, step: str):
    if step not in STEP_FORMS:
        raise Http404("没有这个操作。")
    honour = _honour_or_404(request.user, pk)
    form = STEP_FORMS[step](request.POST)
    if form.is_valid():
        call = {
            "review": services.honour_review,
            "publicise": services.honour_publicise,
            "award": services.honour_award,
            "reject": services.honour_reject,
        }[step]
        try:
            call(user=request.user, honour=honour, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, STEP_DONE[step])
            return HttpResponseRedirect(honour.get_absolute_url())
    return _render_honour(request, honour, {step: form})


# --- care ------------------------------------------------------------------------------------------


class CareListView(ObjectListView):
    model = CareRecord
    table_class = CareTable
    filterset_class = CareFilterSet
    title = "劳模待遇落实"
    export_filename = "劳模待遇落实"
    empty_text = "没有符合条件的待遇落实记录。在劳模的荣誉页面登记体检、疗休养、帮扶等。"

    def get_queryset(self, action):
        return selectors.care_for(self.request.user, action)


@login_required
@require_http_methods(["GET", "POST"])
def care_add(request, pk: int):
    if not can(request.user, CareRecord, "add"):
        raise PermissionDenied("您没有登记劳模待遇的权限，请联系安全管理员分配角色。")
    honour = _honour_or_404(request.user, pk)
    today = timezone.localdate()
    form = CareForm(request.POST or None, initial={"year": today.year, "due_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.care_create(user=request.user, honour=honour, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已登记。")
            return HttpResponseRedirect(honour.get_absolute_url() + "#care")
    title = f"登记劳模待遇：{honour.holder_name}"
    return render(
        request,
        "core/object_edit.html",
        {
            "title": title,
            "form": form,
            "cancel_url": honour.get_absolute_url(),
            "breadcrumbs": _crumbs((str(honour), honour.get_absolute_url()), (title, None)),
        },
    )


class CareEditView(ObjectEditView):
    model = CareRecord
    form_class = CareForm
    list_url_name = "honours:care_list"

    def update(self, obj, form):
        return services.care_update(user=self.request.user, record=obj, data=form.cleaned_data)


class CareDeleteView(ObjectDeleteView):
    model = CareRecord
    list_url_name = "honours:care_list"

    def delete(self, obj):
        services.care_delete(user=self.request.user, record=obj)


@login_required
@require_GET
def care_due(request):
    """待落实: planned care due within 30 days or overdue, and model workers with nothing planned this year."""
    if not can(request.user, CareRecord, "view"):
        raise PermissionDenied("您没有查看劳模待遇的权限，请联系安全管理员分配角色。")
    today = timezone.localdate()
    planned, missing = selectors.care_due(request.user, today)
    if request.GET.get("export") == "xlsx":
        if not can(request.user, CareRecord, "export"):
            raise PermissionDenied("您没有导出劳模待遇的权限。")
        rows = [
            (
                r.honour.holder_name,
                r.honour.display_title,
                r.get_kind_display(),
                r.due_on,
                "逾期" if r.due_on < today else "临近",
                r.org.name,
            )
            for r in planned
        ] + [
            (m.honour.holder_name, m.honour.display_title, m.kind.label, "", "本年度未安排", m.honour.org.name)
            for m in missing
        ]
        mark_operation(request, f"导出劳模待遇待落实清单（{len(rows)} 条）")
        return xlsx_response(
            write_xlsx(["劳模", "荣誉", "项目", "计划日期", "情况", "所属单位"], rows, sheet="待落实"), "劳模待遇待落实"
        )
    return render(
        request,
        "honours/care_due.html",
        {
            "title": "劳模待遇待落实",
            "today": today,
            "planned": planned,
            "missing": missing,
            "may_add": can(request.user, CareRecord, "add"),
            "breadcrumbs": [("劳模待遇落实", reverse("honours:care_list")), ("待落实", None)],
        },
    )
