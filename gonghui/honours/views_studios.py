"""Innovation studio pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.honours import selectors_studios as selectors
from gonghui.honours import services_studios as services
from gonghui.honours.filtersets_studios import StudioFilterSet
from gonghui.honours.forms_studios import AchievementForm, RevokeForm, StudioForm, StudioReviewForm
from gonghui.honours.models import InnovationStudio, StudioAchievement, StudioStatus
from gonghui.honours.tables_studios import StudioTable

LIST_TITLE = "创新工作室"


class StudioListView(ObjectListView):
    model = InnovationStudio
    table_class = StudioTable
    filterset_class = StudioFilterSet
    title = LIST_TITLE
    add_url_name = "honours:studio_add"
    export_filename = "创新工作室"
    empty_text = "没有符合条件的创新工作室。"

    def get_queryset(self, action):
        return selectors.with_achievements(selectors.studios_for(self.request.user, action))


class StudioEditView(ObjectEditView):
    model = InnovationStudio
    form_class = StudioForm
    list_url_name = "honours:studio_list"

    def create(self, form):
        return services.studio_create(user=self.request.user, data=form.service_data())

    def update(self, obj, form):
        return services.studio_update(user=self.request.user, studio=obj, data=form.service_data())


class StudioDeleteView(ObjectDeleteView):
    model = InnovationStudio
    list_url_name = "honours:studio_list"

    def delete(self, obj):
        services.studio_delete(user=self.request.user, studio=obj)


def _studio_or_404(user, pk: int) -> InnovationStudio:
    return get_restricted_or_404(InnovationStudio.objects.select_related("org", "leader", "employer"), user, pk=pk)


def _render_studio(request, studio: InnovationStudio, bound: dict | None = None):
    user = request.user
    active = studio.status == StudioStatus.ACTIVE
    forms = {"achievement": AchievementForm(), "review": StudioReviewForm(), "revoke": RevokeForm(), **(bound or {})}
    summary = selectors.with_achievements(InnovationStudio.objects.filter(pk=studio.pk)).get()
    return render(
        request,
        "honours/studio_detail.html",
        {
            "title": studio.name,
            "studio": studio,
            "summary": summary,
            "team": studio.members.select_related("org").order_by("name"),
            "achievements": studio.achievements.all(),
            "reviews": studio.reviews.all(),
            "may_change": active and InnovationStudio.objects.restrict(user, "change").filter(pk=studio.pk).exists(),
            "may_approve": active and InnovationStudio.objects.restrict(user, "approve").filter(pk=studio.pk).exists(),
            "may_delete": InnovationStudio.objects.restrict(user, "delete").filter(pk=studio.pk).exists(),
            "forms": forms,
            "breadcrumbs": [(LIST_TITLE, reverse("honours:studio_list")), (studio.name, None)],
        },
    )


@login_required
@require_GET
def studio_detail(request, pk: int):
    return _render_studio(request, _studio_or_404(request.user, pk))


STUDIO_STEPS = {
    "achievement": (AchievementForm, "已登记成果。"),
    "review": (StudioReviewForm, "已录入年度考核结果。"),
    "revoke": (RevokeForm, "工作室已摘牌。"),
}


@login_required
@require_POST
def studio_step(request, pk: int, step: str):
    if step not in STUDIO_STEPS:
        raise Http404("没有这个操作。")
    studio = _studio_or_404(request.user, pk)
    form_class, done = STUDIO_STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            if step == "achievement":
                services.achievement_add(user=request.user, studio=studio, data=form.cleaned_data)
            elif step == "review":
                services.review_record(user=request.user, studio=studio, data=form.cleaned_data)
            else:
                services.studio_revoke(user=request.user, studio=studio, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(studio.get_absolute_url())
    return _render_studio(request, studio, {step: form})


@login_required
@require_POST
def achievement_delete(request, pk: int):
    achievement = StudioAchievement.objects.filter(pk=pk).select_related("studio").first()
    if achievement is None:
        raise Http404("成果不存在。")
    studio = _studio_or_404(request.user, achievement.studio_id)
    try:
        services.achievement_delete(user=request.user, achievement=achievement)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", None) or [str(error)]))
    else:
        messages.success(request, f"已删除成果「{achievement.title}」。")
    return HttpResponseRedirect(studio.get_absolute_url())
