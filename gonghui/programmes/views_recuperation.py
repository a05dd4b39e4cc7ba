"""Recuperation pages: routes with their groups and participants, the participant list, the yearly quotas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.programmes import selectors_health, services_recuperation
from gonghui.programmes.filtersets_health import ParticipantFilterSet, QuotaFilterSet, RouteFilterSet
from gonghui.programmes.forms_health import GroupForm, ParticipantForm, ParticipantStatusForm, QuotaForm, RouteForm
from gonghui.programmes.models.recuperation import (
    RecuperationGroup,
    RecuperationParticipant,
    RecuperationQuota,
    RecuperationRoute,
)
from gonghui.programmes.tables_health import ParticipantTable, QuotaTable, RouteTable
from gonghui.programmes.views_health import _errors, form_page

LIST = "programmes:recuperation_route_list"
NO_RIGHT = "您没有此功能的权限，请联系安全管理员分配角色。"


class RouteListView(ObjectListView):
    model = RecuperationRoute
    table_class = RouteTable
    filterset_class = RouteFilterSet
    title = "疗休养线路"
    add_url_name = "programmes:recuperation_route_add"
    export_filename = "疗休养线路"
    empty_text = "还没有疗休养线路。"

    def get_queryset(self, action):
        return selectors_health.routes_for(self.request.user, action)


def route_visible(request, pk: int) -> RecuperationRoute:
    user = request.user
    if not can(user, RecuperationRoute, "view") and not can(user, RecuperationParticipant, "view"):
        raise PermissionDenied(NO_RIGHT)
    route = selectors_health.routes_for(user).filter(pk=pk).first()
    if route is None:
        raise Http404("对象不存在或不在您的数据权限范围内。")
    return route


@login_required
def route_detail(request, pk: int):
    return _render_detail(request, route_visible(request, pk))


def _render_detail(request, route, **forms):
    user = request.user
    can_change = RecuperationRoute.objects.restrict(user, "change").filter(pk=route.pk).exists()
    can_add = can(user, RecuperationParticipant, "add")
    participants = (
        selectors_health.participants_for(user)
        .filter(group__route=route)
        .order_by("group__start_on", "priority_rank", "pk")
    )
    context = {
        "title": route.name,
        "route": route,
        "breadcrumbs": [("疗休养线路", reverse(LIST)), (route.name, None)],
        "groups": selectors_health.groups_for(user, route),
        "participants": participants,
        "can_change": can_change,
        "can_delete": RecuperationRoute.objects.restrict(user, "delete").filter(pk=route.pk).exists(),
        "can_add": can_add,
        "can_change_participants": can(user, RecuperationParticipant, "change"),
        "group_form": forms.get("group_form") or (GroupForm() if can_change else None),
        "participant_form": forms.get("participant_form")
        or (ParticipantForm(user=user, route=route) if can_add else None),
    }
    return render(request, "programmes/health/route_detail.html", context)


class RouteEditView(ObjectEditView):
    model = RecuperationRoute
    form_class = RouteForm
    list_url_name = LIST

    def create(self, form):
        return services_recuperation.route_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_recuperation.route_update(user=self.request.user, route=obj, data=form.cleaned_data)


class RouteDeleteView(ObjectDeleteView):
    model = RecuperationRoute
    list_url_name = LIST

    def delete(self, obj):
        services_recuperation.route_delete(user=self.request.user, route=obj)


def _route_for_change(request, pk: int) -> RecuperationRoute:
    if not can(request.user, RecuperationRoute, "change"):
        raise PermissionDenied(NO_RIGHT)
    return get_restricted_or_404(RecuperationRoute, request.user, "change", pk=pk)


@login_required
@require_POST
def group_add(request, pk: int):
    route = _route_for_change(request, pk)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            group = services_recuperation.group_create(user=request.user, route=route, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已添加批次「{group.name}」。")
            return HttpResponseRedirect(route.get_absolute_url() + "#groups")
    return _render_detail(request, route, group_form=form)


@login_required
def group_edit(request, pk: int, group_pk: int):
    route = _route_for_change(request, pk)
    group = RecuperationGroup.objects.filter(route=route, pk=group_pk).first()
    if group is None:
        raise Http404("对象不存在或不在您的数据权限范围内。")
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services_recuperation.group_update(user=request.user, group=group, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已保存批次「{group.name}」。")
            return HttpResponseRedirect(route.get_absolute_url() + "#groups")
    return form_page(
        request,
        title=f"修改批次：{group}",
        form=form,
        cancel_url=route.get_absolute_url(),
        crumbs=[("疗休养线路", reverse(LIST)), (route.name, route.get_absolute_url())],
    )


@login_required
@require_POST
def group_delete(request, pk: int, group_pk: int):
    route = _route_for_change(request, pk)
    group = RecuperationGroup.objects.filter(route=route, pk=group_pk).first()
    if group is None:
        raise Http404("对象不存在或不在您的数据权限范围内。")
    try:
        services_recuperation.group_delete(user=request.user, group=group)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"已删除批次「{group.name}」。")
    return HttpResponseRedirect(route.get_absolute_url() + "#groups")


# --- participants -------------------------------------------------------------------------------


@login_required
@require_POST
def participant_add(request, pk: int):
    route = route_visible(request, pk)
    if not can(request.user, RecuperationParticipant, "add"):
        raise PermissionDenied(NO_RIGHT)
    form = ParticipantForm(request.POST, user=request.user, route=route)
    if form.is_valid():
        try:
            participant = services_recuperation.participant_add(user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(
                request,
                f"已为{participant.member.name}报名「{participant.group}」（{participant.get_priority_display()}）。",
            )
            return HttpResponseRedirect(route.get_absolute_url() + "#participants")
    return _render_detail(request, route, participant_form=form)


@login_required
def participant_status(request, pk: int):
    if not can(request.user, RecuperationParticipant, "change"):
        raise PermissionDenied(NO_RIGHT)
    participant = get_restricted_or_404(
        RecuperationParticipant.objects.select_related("member", "group", "group__route"),
        request.user,
        "change",
        pk=pk,
    )
    back = participant.group.route.get_absolute_url() + "#participants"
    if not selectors_health.routes_for(request.user).filter(pk=participant.group.route_id).exists():
        back = reverse("programmes:recuperation_participant_list")
    form = ParticipantStatusForm(request.POST or None, initial={"completed_on": participant.group.end_on})
    if request.method == "POST" and form.is_valid():
        try:
            services_recuperation.participant_set_status(
                user=request.user, participant=participant, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已更新{participant.member.name}的状态。")
            return HttpResponseRedirect(back)
    return form_page(
        request,
        title=f"更新疗休养状态：{participant.member.name}（{participant.get_status_display()}）",
        form=form,
        cancel_url=back,
        crumbs=[("疗休养人员", reverse("programmes:recuperation_participant_list"))],
    )


class ParticipantListView(ObjectListView):
    model = RecuperationParticipant
    table_class = ParticipantTable
    filterset_class = ParticipantFilterSet
    title = "疗休养人员"
    export_filename = "疗休养人员"
    empty_text = "没有符合条件的疗休养人员。在疗休养线路页面报名。"

    def get_queryset(self, action):
        return selectors_health.participants_for(self.request.user, action)


# --- quotas -------------------------------------------------------------------------------------


class QuotaListView(ObjectListView):
    model = RecuperationQuota
    table_class = QuotaTable
    filterset_class = QuotaFilterSet
    title = "疗休养名额"
    add_url_name = "programmes:recuperation_quota_add"
    export_filename = "疗休养名额"
    empty_text = "还没有下达疗休养名额。"

    def get_queryset(self, action):
        return selectors_health.quotas_for(self.request.user, action)


@login_required
def quota_add(request):
    if not can(request.user, RecuperationQuota, "add"):
        raise PermissionDenied(NO_RIGHT)
    form = QuotaForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            quota = services_recuperation.quota_save(user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已下达「{quota.org}」{quota.year} 年疗休养名额 {quota.quota} 人。")
            return HttpResponseRedirect(reverse("programmes:recuperation_quota_list"))
    return form_page(
        request,
        title="下达疗休养名额",
        form=form,
        cancel_url=reverse("programmes:recuperation_quota_list"),
        crumbs=[("疗休养名额", reverse("programmes:recuperation_quota_list"))],
    )


class QuotaDeleteView(ObjectDeleteView):
    model = RecuperationQuota
    list_url_name = "programmes:recuperation_quota_list"

    def delete(self, obj):
        services_recuperation.quota_delete(user=self.request.user, quota=obj)
