"""Joint-meeting pages: the yearly obligations, meetings, and decisions assigned as supervision tasks."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.targets.selectors_tasks import Light, task_light
from gonghui.unionwork import selectors, services_meetings
from gonghui.unionwork.common import restrict_child
from gonghui.unionwork.filtersets import (
    JointMeetingFilterSet,
    ObligationFilterSet,
)
from gonghui.unionwork.forms import (
    DecisionForm,
    JointMeetingForm,
    ObligationForm,
)
from gonghui.unionwork.models import (
    JointMeeting,
    JointMeetingDecision,
    JointMeetingObligation,
)
from gonghui.unionwork.tables import (
    JointMeetingTable,
    ObligationTable,
)
from gonghui.unionwork.views_common import _error_message, _may, _require


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
