"""Competition pages. Thin: parse, call a selector or service, render.

A competition neither in the user's scope nor open to their unit is 404 on every page; so are projects,
teams and participants outside the scope. A step the user may not take is refused by the service with a
sentence saying who may take it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.honours import selectors_competitions as selectors
from gonghui.honours import services_competitions as services
from gonghui.honours.filtersets_competitions import CompetitionFilterSet, ParticipantFilterSet, ProjectFilterSet
from gonghui.honours.forms_competitions import (
    ChallengeForm,
    CompetitionForm,
    CompleteForm,
    ParticipantForm,
    ProjectForm,
    RejectForm,
    ResultForm,
    ReviewForm,
    StageForm,
    TeamForm,
)
from gonghui.honours.models import (
    Challenge,
    Competition,
    CompetitionParticipant,
    CompetitionProject,
    CompetitionStatus,
    CompetitionTeam,
    ProjectMode,
    ProjectState,
)
from gonghui.honours.tables_competitions import CompetitionTable, ParticipantTable, ProjectTable

LIST_TITLE = "劳动和技能竞赛"


def error_text(error: Exception) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


def competition_or_404(user, pk: int) -> Competition:
    if not can(user, Competition, "view"):
        raise Http404("对象不存在或不在您的数据权限范围内。")
    found = selectors.competitions_for(user, "view").filter(pk=pk).first()
    if found is None:
        raise Http404("竞赛不存在或不在您的数据权限范围内。")
    return found


def _crumbs(*items):
    return [(LIST_TITLE, reverse("honours:competition_list")), *items]


# --- competitions ----------------------------------------------------------------------------------


class CompetitionListView(ObjectListView):
    model = Competition
    table_class = CompetitionTable
    filterset_class = CompetitionFilterSet
    title = LIST_TITLE
    add_url_name = "honours:competition_add"
    export_filename = "劳动和技能竞赛"
    empty_text = "没有符合条件的竞赛。"

    def get_queryset(self, action):
        return selectors.with_counts(selectors.competitions_for(self.request.user, action))


class CompetitionEditView(ObjectEditView):
    model = Competition
    form_class = CompetitionForm
    list_url_name = "honours:competition_list"

    def create(self, form):
        return services.competition_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services.competition_update(user=self.request.user, competition=obj, data=form.cleaned_data)


class CompetitionDeleteView(ObjectDeleteView):
    model = Competition
    list_url_name = "honours:competition_list"

    def delete(self, obj):
        services.competition_delete(user=self.request.user, competition=obj)


def _render_competition(request, competition: Competition, bound: dict | None = None, status: int = 200):
    user = request.user
    organiser = selectors.is_organiser(user, competition)
    running = competition.status == CompetitionStatus.RUNNING
    joinable = running and can(user, CompetitionProject, "add")
    forms = {"stage": StageForm(), "challenge": ChallengeForm(prefix="challenge"), **(bound or {})}
    return render(
        request,
        "honours/competition_detail.html",
        {
            "title": competition.name,
            "competition": competition,
            "stages": competition.stages.all(),
            "challenges": selectors.competition_challenges(competition),
            "projects": selectors.competition_projects(user, competition),
            "teams": selectors.competition_teams(user, competition),
            "participants": selectors.competition_participants(user, competition)[:500],
            "participant_total": selectors.competition_participants(user, competition).count(),
            "awards": selectors.award_summary(user, competition),
            "organiser": organiser,
            "may_edit": competition.status != CompetitionStatus.CONCLUDED
            and selectors.may_manage(user, competition, "change"),
            "may_delete": competition.status == CompetitionStatus.PLANNING
            and selectors.may_manage(user, competition, "delete"),
            "may_declare": joinable,
            "may_enter": running and can(user, CompetitionParticipant, "add"),
            "may_results": organiser and running,
            "forms": forms,
            "breadcrumbs": _crumbs((competition.name, None)),
        },
        status=status,
    )


@login_required
@require_GET
def competition_detail(request, pk: int):
    return _render_competition(request, competition_or_404(request.user, pk))


@login_required
@require_POST
def competition_stage(request, pk: int):
    competition = competition_or_404(request.user, pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.competition_stage_record(user=request.user, competition=competition, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已记录{form.cleaned_data['title']}。")
            return HttpResponseRedirect(competition.get_absolute_url())
    return _render_competition(request, competition, {"stage": form})


@login_required
@require_POST
def challenge_publish(request, pk: int):
    competition = competition_or_404(request.user, pk)
    form = ChallengeForm(request.POST, prefix="challenge")
    if form.is_valid():
        try:
            services.challenge_publish(user=request.user, competition=competition, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已发布榜单「{form.cleaned_data['title']}」。")
            return HttpResponseRedirect(competition.get_absolute_url() + "#challenges")
    return _render_competition(request, competition, {"challenge": form})


def _challenge_or_404(user, pk: int) -> Challenge:
    challenge = Challenge.objects.filter(pk=pk).select_related("competition").first()
    if challenge is None:
        raise Http404("榜单不存在。")
    competition_or_404(user, challenge.competition_id)
    return challenge


@login_required
@require_POST
def challenge_close(request, pk: int):
    challenge = _challenge_or_404(request.user, pk)
    try:
        services.challenge_close(user=request.user, challenge=challenge)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"榜单「{challenge.title}」已截止。")
    return HttpResponseRedirect(challenge.competition.get_absolute_url() + "#challenges")


# --- projects --------------------------------------------------------------------------------------


def _project_form_page(request, competition: Competition, *, challenge: Challenge | None):
    if not can(request.user, CompetitionProject, "add"):
        raise PermissionDenied("您没有申报竞赛项目的权限，请联系安全管理员分配角色。")
    form = ProjectForm(request.POST or None, user=request.user, competition=competition)
    if request.method == "POST" and form.is_valid():
        try:
            if challenge is None:
                project = services.project_declare(user=request.user, competition=competition, data=form.cleaned_data)
            else:
                project = services.project_bid(user=request.user, challenge=challenge, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已提交「{project}」，等待「{project.current_org.name}」审核。")
            return HttpResponseRedirect(project.get_absolute_url())
    title = f"揭榜：{challenge.title}" if challenge else f"自主申报项目：{competition.name}"
    return _form_page(request, competition, form, title)


def _form_page(request, competition: Competition, form, title: str):
    """A form about one competition (declare, bid, enter), in the generic edit page."""
    return render(
        request,
        "core/object_edit.html",
        {
            "title": title,
            "form": form,
            "cancel_url": competition.get_absolute_url(),
            "breadcrumbs": _crumbs((competition.name, competition.get_absolute_url()), (title, None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_declare(request, pk: int):
    return _project_form_page(request, competition_or_404(request.user, pk), challenge=None)


@login_required
@require_http_methods(["GET", "POST"])
def project_bid(request, pk: int):
    challenge = _challenge_or_404(request.user, pk)
    return _project_form_page(request, challenge.competition, challenge=challenge)


class ProjectListView(ObjectListView):
    model = CompetitionProject
    table_class = ProjectTable
    filterset_class = ProjectFilterSet
    title = "竞赛项目"
    export_filename = "竞赛项目"
    empty_text = "没有符合条件的竞赛项目。揭榜和自主申报请在竞赛页面进行。"

    def get_queryset(self, action):
        return selectors.projects_for(self.request.user, action)


def _project_or_404(user, pk: int) -> CompetitionProject:
    return get_restricted_or_404(
        CompetitionProject.objects.select_related("org", "competition__org", "current_org", "challenge"),
        user,
        "view",
        pk=pk,
    )


PROJECT_FORMS = {"recommend": ReviewForm, "accept": ReviewForm, "reject": RejectForm, "complete": CompleteForm}
PROJECT_DONE = {
    "recommend": "已审核推荐至上一级。",
    "accept": "已审定立项。",
    "reject": "已不予通过，申报单位将看到理由。",
    "complete": "已评定项目完成情况。",
}


def _project_steps(user, project: CompetitionProject) -> set[str]:
    steps: set[str] = set()
    competition = project.competition
    if project.state == ProjectState.SUBMITTED and can(user, CompetitionProject, "approve"):
        at_turn = user.is_superuser or user.org_id == project.current_org_id
        if at_turn and CompetitionProject.objects.restrict(user, "approve").filter(pk=project.pk).exists():
            steps.add("reject")
            if project.current_org_id == competition.org_id:
                steps.add("accept")
            elif project.mode == ProjectMode.DECLARATION:
                steps.add("recommend")
    if project.state in (ProjectState.ACCEPTED, ProjectState.COMPLETED) and selectors.is_organiser(user, competition):
        steps.add("complete")
    if (
        project.state == ProjectState.SUBMITTED
        and project.reviews.count() == 1
        and CompetitionProject.objects.restrict(user, "delete").filter(pk=project.pk).exists()
    ):
        steps.add("delete")
    return steps


def _render_project(request, project: CompetitionProject, bound: dict | None = None, status: int = 200):
    forms = {name: form_class() for name, form_class in PROJECT_FORMS.items()}
    forms.update(bound or {})
    competition = project.competition
    return render(
        request,
        "honours/project_detail.html",
        {
            "title": project.title,
            "project": project,
            "reviews": project.reviews.select_related("org"),
            "steps": _project_steps(request.user, project),
            "forms": forms,
            "breadcrumbs": _crumbs((competition.name, competition.get_absolute_url()), (project.title, None)),
        },
        status=status,
    )


@login_required
@require_GET
def project_detail(request, pk: int):
    return _render_project(request, _project_or_404(request.user, pk))


@login_required
@require_POST
def project_step(request, pk: int, step: str):
    if step not in PROJECT_FORMS:
        raise Http404("没有这个操作。")
    project = _project_or_404(request.user, pk)
    form = PROJECT_FORMS[step](request.POST)
    if form.is_valid():
        call = {
            "recommend": services.project_recommend,
            "accept": services.project_accept,
            "reject": services.project_reject,
            "complete": services.project_complete,
        }[step]
        try:
            call(user=request.user, project=project, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, PROJECT_DONE[step])
            return HttpResponseRedirect(project.get_absolute_url())
    return _render_project(request, project, {step: form})


class ProjectDeleteView(ObjectDeleteView):
    model = CompetitionProject
    list_url_name = "honours:project_list"

    def context(self):
        context = super().context()
        context["title"] = "撤回竞赛项目"
        context["question"] = f"确定要撤回竞赛项目「{self.obj}」吗？撤回后申报记录一并删除，不能恢复。"
        context["confirm_label"] = "确认撤回"
        return context

    def delete(self, obj):
        services.project_delete(user=self.request.user, project=obj)


# --- teams, participants and results ---------------------------------------------------------------


def _entry_page(request, competition: Competition, form, title: str, save):
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已报名「{saved}」。")
            return HttpResponseRedirect(competition.get_absolute_url() + "#entries")
    return _form_page(request, competition, form, title)


@login_required
@require_http_methods(["GET", "POST"])
def team_add(request, pk: int):
    if not can(request.user, CompetitionTeam, "add"):
        raise PermissionDenied("您没有报名参赛的权限，请联系安全管理员分配角色。")
    competition = competition_or_404(request.user, pk)
    form = TeamForm(request.POST or None, user=request.user, competition=competition)
    return _entry_page(
        request,
        competition,
        form,
        f"报名参赛队伍：{competition.name}",
        lambda data: services.team_create(user=request.user, competition=competition, data=data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request, pk: int):
    if not can(request.user, CompetitionParticipant, "add"):
        raise PermissionDenied("您没有报名参赛的权限，请联系安全管理员分配角色。")
    competition = competition_or_404(request.user, pk)
    form = ParticipantForm(request.POST or None, user=request.user, competition=competition)
    return _entry_page(
        request,
        competition,
        form,
        f"报名参赛职工：{competition.name}",
        lambda data: services.participant_add(user=request.user, competition=competition, data=data),
    )


class ParticipantListView(ObjectListView):
    model = CompetitionParticipant
    table_class = ParticipantTable
    filterset_class = ParticipantFilterSet
    title = "参赛职工"
    export_filename = "参赛职工"
    empty_text = "没有符合条件的参赛职工。报名请在竞赛页面进行。"

    def get_queryset(self, action):
        return selectors.participants_for(self.request.user, action)


class ParticipantDeleteView(ObjectDeleteView):
    model = CompetitionParticipant
    list_url_name = "honours:participant_list"

    def context(self):
        context = super().context()
        context["title"] = "取消报名"
        context["question"] = f"确定要取消「{self.obj}」在「{self.obj.competition}」的报名吗？成绩记录一并删除。"
        context["confirm_label"] = "确认取消报名"
        return context

    def delete(self, obj):
        services.participant_remove(user=self.request.user, participant=obj)


class TeamDeleteView(ObjectDeleteView):
    model = CompetitionTeam
    list_url_name = "honours:competition_list"

    def delete(self, obj):
        services.team_delete(user=self.request.user, team=obj)


@login_required
@require_GET
def competition_results(request, pk: int):
    """成绩录入: one small form per participant and team, for the organiser while the competition runs."""
    competition = competition_or_404(request.user, pk)
    if not selectors.is_organiser(request.user, competition):
        raise PermissionDenied(services.NOT_ORGANISER)
    participants = selectors.competition_participants(request.user, competition)
    teams = selectors.competition_teams(request.user, competition)
    return render(
        request,
        "honours/competition_results.html",
        {
            "title": f"成绩录入：{competition.name}",
            "competition": competition,
            "running": competition.status == CompetitionStatus.RUNNING,
            "rows": [
                (p, ResultForm(initial={"score": p.score, "rank": p.rank, "award": p.award}, prefix=f"p{p.pk}"))
                for p in participants
            ],
            "team_rows": [
                (t, ResultForm(initial={"score": t.score, "rank": t.rank, "award": t.award}, prefix=f"t{t.pk}"))
                for t in teams
            ],
            "breadcrumbs": _crumbs((competition.name, competition.get_absolute_url()), ("成绩录入", None)),
        },
    )


@login_required
@require_POST
def result_save(request, kind: str, pk: int):
    if kind == "participant":
        obj = get_restricted_or_404(CompetitionParticipant.objects.select_related("competition"), request.user, pk=pk)
        prefix, call = f"p{pk}", services.participant_result
    elif kind == "team":
        obj = get_restricted_or_404(CompetitionTeam.objects.select_related("competition"), request.user, pk=pk)
        prefix, call = f"t{pk}", services.team_result
    else:
        raise Http404("没有这个操作。")
    form = ResultForm(request.POST, prefix=prefix)
    back = reverse("honours:competition_results", args=[obj.competition_id])
    if not form.is_valid():
        messages.error(request, f"「{obj}」的成绩有误：" + "；".join(e for errs in form.errors.values() for e in errs))
        return HttpResponseRedirect(back)
    try:
        call(user=request.user, **{kind: obj}, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, f"「{obj}」：{error_text(error)}")
    else:
        messages.success(request, f"已保存「{obj}」的成绩。")
    return HttpResponseRedirect(back)
