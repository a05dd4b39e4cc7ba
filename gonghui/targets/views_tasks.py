"""督办事项 pages. Thin: parse, call a selector or service, render.

A task outside the user's view scope is 404 on every page; inside it, a step the user may not take is
refused by the service with a sentence saying who may take it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectListView, ScopedViewMixin
from gonghui.targets import selectors_tasks as selectors
from gonghui.targets import services_tasks as services
from gonghui.targets.filtersets_tasks import TaskFilterSet
from gonghui.targets.forms_tasks import (
    AcceptForm,
    MilestoneFormSet,
    ReportForm,
    SendBackForm,
    TaskForm,
    TaskNoteForm,
    UrgeForm,
    milestone_rows,
)
from gonghui.targets.models import Task, TaskState
from gonghui.targets.tables_tasks import EscalationTable, TaskTable

LIST_TITLE = "督办事项"
OVERDUE_TITLE = "督办催办"


def _error_text(error: Exception) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


def _task_or_404(user, pk: int) -> Task:
    return get_restricted_or_404(Task.objects.select_related("org", "assigned_by", "owner"), user, "view", pk=pk)


# --- list, escalation -----------------------------------------------------------------------------


class TaskListView(ObjectListView):
    model = Task
    table_class = TaskTable
    filterset_class = TaskFilterSet
    template_name = "targets/task_list.html"
    title = LIST_TITLE
    add_url_name = "targets:task_add"
    export_filename = "督办事项"
    empty_text = "没有符合条件的督办事项。"

    def get_queryset(self, action):
        return selectors.with_light(selectors.tasks_for(self.request.user, action), timezone.localdate())


@login_required
@require_GET
def task_overdue(request):
    """督办催办: overdue and due-soon open tasks of the user's subtree, by lead unit, with 催办 buttons."""
    user = request.user
    if not can(user, Task, "view"):
        raise PermissionDenied("您没有查看督办事项的权限，请联系安全管理员分配角色。")
    today = timezone.localdate()
    queryset = selectors.escalation_tasks(user, today)
    table = EscalationTable(queryset, request=request, urgeable=selectors.urgeable_ids(user, queryset))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "targets/task_overdue.html",
        {
            "title": OVERDUE_TITLE,
            "table": table,
            "summary": selectors.escalation_summary(queryset),
            "breadcrumbs": [(LIST_TITLE, reverse("targets:task_list")), (OVERDUE_TITLE, None)],
        },
    )


# --- add, edit, delete ----------------------------------------------------------------------------


class TaskEditView(ScopedViewMixin, View):
    """立项交办 (no pk) or edit by the assigning unit, with milestones as repeated rows."""

    model = Task

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.obj = None
        if "pk" in kwargs:
            self.require("approve")  # no right to edit any task: 403; a task out of scope: 404
            self.obj = _task_or_404(request.user, kwargs["pk"])
            if not selectors.is_assigning_actor(request.user, self.obj):
                raise PermissionDenied(services.NOT_ASSIGNING_UNIT)
            if self.obj.state == TaskState.CLOSED:
                messages.error(request, "该事项已验收销号，不能修改。")
                return HttpResponseRedirect(self.obj.get_absolute_url())
        else:
            self.require("add")
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None, files=None):
        kwargs = {"user": self.request.user, "data": data, "files": files}
        if self.obj is not None:
            kwargs["instance"] = self.obj
            initial = [{"id": m.pk, "title": m.title, "due_date": m.due_date} for m in self.obj.milestones.all()]
        else:
            initial = []
        return TaskForm(**kwargs), MilestoneFormSet(data, initial=initial or None, prefix="milestones")

    def render_forms(self, form, formset):
        title = f"修改督办事项：{self.obj}" if self.obj else "立项交办督办事项"
        cancel = self.obj.get_absolute_url() if self.obj else reverse("targets:task_list")
        return render(
            self.request,
            "targets/task_edit.html",
            {
                "title": title,
                "form": form,
                "formset": formset,
                "cancel_url": cancel,
                "breadcrumbs": [(LIST_TITLE, reverse("targets:task_list")), (title, None)],
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render_forms(*self.forms())

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST, request.FILES)
        if form.is_valid() and formset.is_valid():
            try:
                task = self.save(form, milestone_rows(formset))
            except ValidationError as error:
                apply_form_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已保存督办事项「{task}」。")
                return HttpResponseRedirect(task.get_absolute_url())
        return self.render_forms(form, formset)

    def save(self, form, rows) -> Task:
        data = dict(form.cleaned_data)
        if self.obj is None:
            return services.task_create(user=self.request.user, data=data, milestones=rows)
        return services.task_update(user=self.request.user, task=self.obj, data=data, milestones=rows)


class TaskDeleteView(ObjectDeleteView):
    model = Task
    list_url_name = "targets:task_list"

    def context(self):
        context = super().context()
        context["question"] = f"确定要删除督办事项「{self.obj}」吗？节点和记录一并删除，删除后不能恢复。"
        return context

    def get(self, request, *args, **kwargs):
        if self.obj.state != TaskState.ASSIGNED:
            messages.error(request, "只有尚未接收的事项可以删除；已在办理的事项请验收销号或修改。")
            return HttpResponseRedirect(self.obj.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def delete(self, obj):
        services.task_delete(user=self.request.user, task=obj)


# --- detail and steps -----------------------------------------------------------------------------

STEP_FORMS = {"report": ReportForm, "accept": AcceptForm, "send_back": SendBackForm, "urge": UrgeForm}
STEP_DONE = {
    "receive": "已接收该事项。",
    "start": "已开始推进。",
    "report": "已提交办结报告，等待交办单位验收。",
    "accept": "已验收销号。",
    "send_back": "已退回牵头单位。",
    "urge": "已催办，牵头单位将收到站内消息。",
}


def _render_detail(request, task: Task, bound: dict | None = None, status: int = 200):
    user = request.user
    today = timezone.localdate()
    forms = {"note": TaskNoteForm(), **{name: form_class() for name, form_class in STEP_FORMS.items()}}
    forms.update(bound or {})
    return render(
        request,
        "targets/task_detail.html",
        {
            "title": task.title,
            "task": task,
            "light": selectors.task_light(task, today),
            "light_label": selectors.Light.labels[selectors.task_light(task, today)],
            "light_color": selectors.Light.colors[selectors.task_light(task, today)],
            "days_overdue": selectors.days_overdue(task, today),
            "cooperating_units": task.cooperating_units.order_by("path"),
            "milestones": task.milestones.all(),
            "notes": selectors.task_notes(task),
            "steps": selectors.available_steps(user, task),
            "forms": forms,
            "breadcrumbs": [(LIST_TITLE, reverse("targets:task_list")), (task.title, None)],
        },
        status=status,
    )


@login_required
@require_GET
def task_detail(request, pk: int):
    return _render_detail(request, _task_or_404(request.user, pk))


def _step_call(user, task: Task, step: str, data: dict):
    if step == "receive":
        return services.task_receive(user=user, task=task)
    if step == "start":
        return services.task_start(user=user, task=task)
    if step == "report":
        return services.task_report(user=user, task=task, **data)
    if step == "accept":
        return services.task_accept(user=user, task=task, **data)
    if step == "send_back":
        return services.task_send_back(user=user, task=task, **data)
    return services.task_urge(user=user, task=task, **data)


def _after_step(request, task: Task):
    if request.POST.get("next") == "overdue":
        return HttpResponseRedirect(reverse("targets:task_overdue"))
    return HttpResponseRedirect(task.get_absolute_url())


@login_required
@require_POST
def task_step(request, pk: int, step: str):
    """One step of the chain (POST from the detail page or the escalation list)."""
    if step not in STEP_DONE:
        raise Http404("没有这个操作。")
    task = _task_or_404(request.user, pk)
    form = STEP_FORMS[step](request.POST) if step in STEP_FORMS else None
    if form is not None and not form.is_valid():
        return _render_detail(request, task, {step: form})
    try:
        _step_call(request.user, task, step, form.cleaned_data if form is not None else {})
    except ValidationError as error:
        if form is None:
            messages.error(request, _error_text(error))
            return _after_step(request, task)
        apply_form_errors(form, error)
        return _render_detail(request, task, {step: form})
    except PermissionDenied as error:
        messages.error(request, str(error))
        return _after_step(request, task)
    messages.success(request, STEP_DONE[step])
    return _after_step(request, task)


@login_required
@require_POST
def task_note_add(request, pk: int):
    task = _task_or_404(request.user, pk)
    form = TaskNoteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.task_add_note(
                user=request.user, task=task, text=form.cleaned_data["text"], file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(task.get_absolute_url())
        else:
            messages.success(request, "已记录进展情况。")
            return HttpResponseRedirect(task.get_absolute_url())
    return _render_detail(request, task, {"note": form})


@login_required
@require_POST
def task_milestone_done(request, pk: int, milestone_pk: int):
    task = _task_or_404(request.user, pk)
    milestone = get_object_or_404(task.milestones, pk=milestone_pk)
    try:
        services.task_milestone_done(user=request.user, task=task, milestone=milestone)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"已完成节点「{milestone.title}」。")
    return HttpResponseRedirect(task.get_absolute_url())


@login_required
@require_GET
def task_note_file(request, pk: int):
    """Attachments only through here, after the same scope check as the task; never a public URL."""
    note = selectors.note_for_download(request.user, pk)
    if note is None:
        raise Http404("附件不存在，或不在您的数据权限范围内。")
    try:
        handle = note.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("附件文件已丢失，请联系牵头单位重新上传。") from None
    mark_operation(request, f"下载督办附件「{note.original_name}」")
    return FileResponse(handle, as_attachment=True, filename=note.original_name or "附件")
