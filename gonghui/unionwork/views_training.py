"""Training pages: courses and their trainees."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.querysets import get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.unionwork import services_training
from gonghui.unionwork.filtersets import (
    TrainingCourseFilterSet,
)
from gonghui.unionwork.forms import (
    TraineeForm,
    TraineeProgressForm,
    TrainingCourseForm,
)
from gonghui.unionwork.models import (
    TrainingCourse,
)
from gonghui.unionwork.tables import (
    TrainingCourseTable,
)
from gonghui.unionwork.views_common import _error_message, _may, _require


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
