"""维权案件 pages. Thin: parse, call a selector or service, render.

A case outside the user's view scope is 404 on every page. Personal data shows masked; the full ID number
and phone appear only in the response to the permission-checked POST ``case_reveal`` (logged in the
operation log without the values). Exports are masked.
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
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.members.views import FULL_PII_DENIED
from gonghui.orgs.models import Organization
from gonghui.rights import deadlines, selectors, services
from gonghui.rights.filtersets import RightsCaseFilterSet
from gonghui.rights.forms import (
    CallbackForm,
    CaseForm,
    NoteForm,
    ResolveForm,
    RespondForm,
    TransferForm,
    UnitStepForm,
    UrgeForm,
)
from gonghui.rights.models import CaseCategory, CaseState, Channel, Outcome, RightsCase, Satisfaction, Tier
from gonghui.rights.tables import OverdueCaseTable, RightsCaseTable

LIST_TITLE = "维权案件"
OVERDUE_TITLE = "超时预警"


def _error_text(error: Exception) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


def _case_or_404(user, pk: int) -> RightsCase:
    return get_restricted_or_404(
        RightsCase.objects.select_related("org", "received_by", "employer"), user, "view", pk=pk
    )


class CaseListView(ObjectListView):
    model = RightsCase
    table_class = RightsCaseTable
    filterset_class = RightsCaseFilterSet
    template_name = "rights/case_list.html"
    title = LIST_TITLE
    add_url_name = "rights:case_add"
    export_filename = "维权案件"
    empty_text = "没有符合条件的维权案件。"

    def get_queryset(self, action):
        return selectors.with_light(selectors.cases_for(self.request.user, action), timezone.now())


@login_required
@require_GET
def case_overdue(request):
    """超时预警: open cases of the user's subtree past or near their current deadline, by responsible union."""
    user = request.user
    if not can(user, RightsCase, "view"):
        raise PermissionDenied("您没有查看维权案件的权限，请联系安全管理员分配角色。")
    queryset = selectors.overdue_cases(user, timezone.now())
    table = OverdueCaseTable(queryset, request=request)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "rights/case_overdue.html",
        {
            "title": OVERDUE_TITLE,
            "table": table,
            "summary": selectors.overdue_summary(queryset),
            "breadcrumbs": [(LIST_TITLE, reverse("rights:case_list")), (OVERDUE_TITLE, None)],
        },
    )


class CaseEditView(ObjectEditView):
    model = RightsCase
    form_class = CaseForm
    list_url_name = "rights:case_list"
    template_name = "rights/case_edit.html"

    def page_title(self) -> str:
        return f"修改维权案件：{self.obj.number}" if self.obj else "登记维权案件"

    def initial(self):
        return {"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "tier": Tier.GENERAL}

    def _data(self, form) -> dict:
        data = dict(form.cleaned_data)
        data.pop("file", None)
        return data

    def create(self, form):
        return services.case_register(user=self.request.user, data=self._data(form), file=form.cleaned_data.get("file"))

    def update(self, obj, form):
        return services.case_update(user=self.request.user, case=obj, data=self._data(form))


class CaseDeleteView(ObjectDeleteView):
    model = RightsCase
    list_url_name = "rights:case_list"

    def delete(self, obj):
        services.case_delete(user=self.request.user, case=obj)


# --- detail and steps -----------------------------------------------------------------------------

USER_FORMS = {"dispatch": UnitStepForm, "transfer": TransferForm}
STEP_FORMS = {
    "respond": RespondForm,
    "urge": UrgeForm,
    "resolve": ResolveForm,
    "callback": CallbackForm,
    "note": NoteForm,
}
STEP_DONE = {
    "dispatch": "已派单，承办单位将收到站内消息。",
    "transfer": "已转办。",
    "respond": "已记录首次响应。",
    "urge": "已督办，承办单位将收到站内消息。",
    "resolve": "已办结，等待回访。",
    "callback": "已回访，案件结案。",
    "note": "已记录办理情况。",
}


def _make_form(step: str, user, data=None, files=None):
    if step in USER_FORMS:
        return USER_FORMS[step](data, user=user)
    if step == "note":
        return NoteForm(data, files)
    return STEP_FORMS[step](data)


def _deadline_rows(case: RightsCase, now: datetime.datetime) -> list[dict]:
    rows = []
    for stage, done, due in (
        ("dispatch", case.dispatched_at, case.dispatch_due),
        ("response", case.responded_at, case.response_due),
        ("resolution", case.resolved_at, case.resolution_due),
        ("callback", case.callback_at, case.callback_due),
    ):
        waiting = selectors.WAITING_FOR.get(case.state) == stage
        light = selectors.case_light(case, now) if waiting else deadlines.step_light(done, due, now)
        rows.append(
            {
                "label": deadlines.STAGE_LABELS[stage],
                "due": due,
                "done": done,
                "light": light,
                "light_label": deadlines.LIGHT_LABELS[light] if due else "—",
                "light_color": selectors.Light.colors[light],
                "remaining": deadlines.remaining_text(now, due) if waiting else "",
                "late": bool(done and due and done > due),
            }
        )
    return rows


def _render_detail(request, case: RightsCase, bound: dict | None = None, revealed: dict | None = None):
    user = request.user
    now = timezone.now()
    steps = selectors.available_steps(user, case)
    forms = {step: _make_form(step, user) for step in (*USER_FORMS, *STEP_FORMS) if step in steps}
    forms.update(bound or {})
    light = selectors.case_light(case, now)
    response = render(
        request,
        "rights/case_detail.html",
        {
            "title": f"{case.number} {case.title}",
            "case": case,
            "light": light,
            "light_label": deadlines.LIGHT_LABELS[light],
            "light_color": selectors.Light.colors[light],
            "deadline_rows": _deadline_rows(case, now),
            "notes": selectors.case_notes(case),
            "steps": steps,
            "forms": forms,
            "revealed": revealed,
            "can_reveal": not case.is_anonymous and selectors.may_view_full_pii(user, case),
            "breadcrumbs": [(LIST_TITLE, reverse("rights:case_list")), (case.number, None)],
        },
    )
    if revealed:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def case_detail(request, pk: int):
    return _render_detail(request, _case_or_404(request.user, pk))


@login_required
@require_POST
def case_reveal(request, pk: int):
    case = _case_or_404(request.user, pk)
    if not selectors.may_view_full_pii(request.user, case):
        raise PermissionDenied(FULL_PII_DENIED)
    mark_operation(request, f"查看维权案件诉求人完整个人信息：{case.pk}")
    return _render_detail(request, case, revealed={"id_number": case.reveal_id_number(), "phone": case.reveal_phone()})


def _call(user, case: RightsCase, step: str, data: dict):
    if step == "dispatch":
        return services.case_dispatch(user=user, case=case, to_org=data["to_org"], note=data.get("note", ""))
    if step == "transfer":
        return services.case_transfer(user=user, case=case, to_org=data["to_org"], reason=data["reason"])
    if step == "respond":
        return services.case_respond(user=user, case=case, text=data["text"])
    if step == "urge":
        return services.case_urge(user=user, case=case, text=data.get("text", ""))
    if step == "resolve":
        return services.case_resolve(
            user=user,
            case=case,
            outcome=data["outcome"],
            resolution=data["resolution"],
            amount_recovered=data.get("amount_recovered"),
        )
    if step == "callback":
        return services.case_callback(user=user, case=case, satisfaction=data["satisfaction"], note=data["note"])
    return services.case_add_note(user=user, case=case, text=data["text"], file=data.get("file"))


@login_required
@require_POST
def case_step(request, pk: int, step: str):
    if step not in STEP_DONE:
        raise Http404("没有这个操作。")
    case = _case_or_404(request.user, pk)
    form = _make_form(step, request.user, request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, case, {step: form})
    try:
        _call(request.user, case, step, form.cleaned_data)
    except ValidationError as error:
        apply_form_errors(form, error)
        return _render_detail(request, case, {step: form})
    except PermissionDenied as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(case.get_absolute_url())
    messages.success(request, STEP_DONE[step])
    if request.POST.get("next") == "overdue":
        return HttpResponseRedirect(reverse("rights:case_overdue"))
    return HttpResponseRedirect(case.get_absolute_url())


@login_required
@require_GET
def case_note_file(request, pk: int):
    note = selectors.note_for_download(request.user, pk)
    if note is None:
        raise Http404("附件不存在，或不在您的数据权限范围内。")
    try:
        handle = note.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("附件文件已丢失。") from None
    mark_operation(request, f"下载维权案件附件「{note.original_name}」")
    return FileResponse(handle, as_attachment=True, filename=note.original_name or "附件")


# --- figures --------------------------------------------------------------------------------------


def _parse_date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
@require_GET
def case_stats(request):
    """维权统计 over a unit's subtree and a date range: cases, persons, breakdowns, on-time rates."""
    user = request.user
    if not can(user, RightsCase, "view"):
        raise PermissionDenied("您没有查看维权案件的权限，请联系安全管理员分配角色。")
    today = timezone.localdate()
    date_from = _parse_date(request.GET.get("from"), today.replace(month=1, day=1))
    date_to = _parse_date(request.GET.get("to"), today)
    error = "开始日期不能晚于结束日期，已按结束日期显示当天数据。" if date_from > date_to else ""
    if error:
        date_from = date_to
    units = Organization.objects.restrict(user, "view")
    unit = None
    if request.GET.get("org"):
        unit = units.filter(pk=request.GET["org"]).first() if request.GET["org"].isdigit() else None
        if unit is None:
            raise Http404("单位不存在或不在您的数据权限范围内。")
    elif user.org_id:
        unit = units.filter(pk=user.org_id).first()
    queryset = selectors.cases_for(user, "view").filter(received_on__range=(date_from, date_to))
    children: list = []
    if unit is not None:
        queryset = queryset.filter(org__path__startswith=unit.path)
        children = list(units.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))
    return render(
        request,
        "rights/case_stats.html",
        {
            "title": "维权统计",
            "unit": unit,
            "units": units.order_by("path")[:500],
            "date_from": date_from,
            "date_to": date_to,
            "error": error,
            "figures": selectors.case_figures(queryset),
            "by_channel": selectors.breakdown(queryset, "channel", Channel.choices),
            "by_category": selectors.breakdown(queryset, "category", CaseCategory.choices),
            "by_outcome": selectors.breakdown(queryset, "outcome", Outcome.choices),
            "by_tier": selectors.breakdown(queryset, "tier", Tier.choices),
            "by_state": selectors.breakdown(queryset, "state", CaseState.choices),
            "by_satisfaction": selectors.breakdown(queryset, "satisfaction", Satisfaction.choices),
            "by_unit": selectors.by_unit(queryset, children),
            "breadcrumbs": [(LIST_TITLE, reverse("rights:case_list")), ("维权统计", None)],
        },
    )
