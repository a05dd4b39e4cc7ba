"""Writers for competitions: the competition and its stages, challenges (揭榜挂帅), projects (揭榜 and 自主申报
with level-by-level recommendation), teams, participants and results.

Who acts:
- the organiser (``approve_competition`` over the competition: its unit or one above) records stages, publishes
  and closes challenges, accepts or rejects projects that reached it, and records results;
- any unit under the organiser with the add permission declares projects, bids for challenges and enters
  teams and participants (owned by that unit);
- a self-declared project waits at ``current_org``: a user of exactly that unit with ``approve_competitionproject``
  recommends it to the next unit up or rejects it; at the organiser it is accepted (立项) or rejected.

A step from the wrong state raises ``ValidationError`` with a sentence saying why; every save is
change-logged by ``ChangeLoggedModel``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.honours import selectors_competitions as selectors
from gonghui.honours.models import (
    Challenge,
    ChallengeStatus,
    Competition,
    CompetitionParticipant,
    CompetitionProject,
    CompetitionStage,
    CompetitionStatus,
    CompetitionTeam,
    ProjectMode,
    ProjectReview,
    ProjectState,
    ReviewAction,
    StageKind,
    actor_name,
)
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Organization

COMPETITION_FIELDS = (
    "org",
    "name",
    "kind",
    "level",
    "brand",
    "subject",
    "co_organisers",
    "start_date",
    "end_date",
    "rules",
    "prizes",
)
CHALLENGE_FIELDS = ("title", "description", "reward", "deadline")
PROJECT_FIELDS = ("title", "description", "leader_name")
NOT_ORGANISER = "只有竞赛主办单位（或其上级单位）可以进行此操作。"
NOT_RUNNING = "竞赛「{name}」{state}，只有进行中的竞赛可以{verb}。"


def _save(obj: Any, user: Any, action: str) -> None:
    obj.full_clean()
    obj.save()
    ensure_in_scope(user, obj, action)


def _organiser_competition(user: Any, competition: Competition) -> Competition:
    if not can(user, Competition, "approve"):
        raise PermissionDenied(NOT_ORGANISER)
    locked = Competition.objects.restrict(user, "approve").select_for_update(of=("self",)).filter(pk=competition.pk)
    locked = locked.select_related("org").first()
    if locked is None:
        raise PermissionDenied(NOT_ORGANISER)
    return locked


def _require_running(competition: Competition, verb: str) -> None:
    if competition.status != CompetitionStatus.RUNNING:
        state = "尚未启动" if competition.status == CompetitionStatus.PLANNING else "已总结表彰"
        raise ValidationError(NOT_RUNNING.format(name=competition.name, state=state, verb=verb))


def _joinable(user: Any, competition: Competition, verb: str) -> Competition:
    """The competition as the user may join it: visible, running; locked for the rest of the transaction."""
    found = selectors.competitions_for(user, "view").filter(pk=competition.pk).select_for_update(of=("self",)).first()
    if found is None:
        raise PermissionDenied("该竞赛不存在或不在您的数据权限范围内。")
    _require_running(found, verb)
    return found


def _entry_unit(user: Any, competition: Competition, unit: Organization | None, field: str = "org") -> Organization:
    if unit is None:
        raise ValidationError({field: "请选择参赛（申报）单位。"})
    if not selectors.entry_units(user, competition).filter(pk=unit.pk).exists():
        raise ValidationError(
            {
                field: f"「{unit.name}」不在您的数据权限范围内，或不是主办单位「{competition.org.name}」"
                "的下级单位，请重新选择。"
            }
        )
    return unit


# --- competitions ----------------------------------------------------------------------------------


def _check_organiser_unit(user: Any, competition: Competition) -> None:
    if competition.org_id is None:
        raise ValidationError({"org": "请选择主办单位。"})
    if not Organization.objects.restrict(user, "view").filter(pk=competition.org_id).exists():
        raise ValidationError({"org": "主办单位不在您的数据权限范围内，请选择本单位或下级单位。"})


@transaction.atomic
def competition_create(*, user: Any, data: dict) -> Competition:
    competition = Competition(created_by=user)
    assign_fields(competition, COMPETITION_FIELDS, data, strip=True)
    _check_organiser_unit(user, competition)
    _save(competition, user, "add")
    return competition


@transaction.atomic
def competition_update(*, user: Any, competition: Competition, data: dict) -> Competition:
    competition = fetch_for_update(Competition, user, "change", competition.pk)
    competition.snapshot()
    if competition.status == CompetitionStatus.CONCLUDED:
        raise ValidationError("竞赛已总结表彰，不能再修改；如需更正请联系主办单位。")
    moved = "org" in data and data["org"] is not None and data["org"].pk != competition.org_id
    if moved and (competition.projects.exists() or competition.participants.exists() or competition.teams.exists()):
        raise ValidationError({"org": "竞赛已有项目或参赛者，不能更换主办单位。"})
    assign_fields(competition, COMPETITION_FIELDS, data, strip=True)
    _check_organiser_unit(user, competition)
    _save(competition, user, "change")
    return competition


@transaction.atomic
def competition_delete(*, user: Any, competition: Competition) -> None:
    competition = fetch_for_update(Competition, user, "delete", competition.pk)
    if competition.status != CompetitionStatus.PLANNING:
        raise ValidationError("只有筹备中的竞赛可以删除；已启动的竞赛请如实总结表彰。")
    if competition.projects.exists() or competition.participants.exists() or competition.teams.exists():
        raise ValidationError("竞赛已有项目或参赛者，不能删除。")
    for row in [*competition.stages.all(), *competition.challenges.all()]:
        row.delete()
    competition.delete()


STAGE_FROM = {
    StageKind.LAUNCH: (CompetitionStatus.PLANNING,),
    StageKind.INTERIM: (CompetitionStatus.RUNNING,),
    StageKind.SUMMARY: (CompetitionStatus.RUNNING,),
}
STAGE_TO = {
    StageKind.LAUNCH: CompetitionStatus.RUNNING,
    StageKind.INTERIM: CompetitionStatus.RUNNING,
    StageKind.SUMMARY: CompetitionStatus.CONCLUDED,
}
STAGE_REFUSAL = {
    StageKind.LAUNCH: "竞赛已经启动，不能再次启动；请记录阶段小结或总结表彰。",
    StageKind.INTERIM: "只有进行中的竞赛可以记录阶段小结（筹备中的请先启动，已总结表彰的不能再记录）。",
    StageKind.SUMMARY: "只有进行中的竞赛可以总结表彰（筹备中的请先启动，已总结表彰的不能重复）。",
}


@transaction.atomic
def competition_stage_record(
    *, user: Any, competition: Competition, kind: str, held_on: datetime.date, title: str, report: str
) -> CompetitionStage:
    """启动 moves 筹备中 → 进行中; 阶段小结 keeps it running; 总结表彰 concludes it (after every result is in)."""
    competition = _organiser_competition(user, competition)
    kind = StageKind(kind)
    competition.snapshot()
    if competition.status not in STAGE_FROM[kind]:
        raise ValidationError(STAGE_REFUSAL[kind])
    if held_on and held_on < competition.start_date and kind != StageKind.LAUNCH:
        raise ValidationError({"held_on": f"日期不能早于竞赛开始日期 {competition.start_date:%Y-%m-%d}。"})
    if kind == StageKind.SUMMARY:
        pending = competition.projects.filter(state=ProjectState.SUBMITTED).count()
        if pending:
            raise ValidationError(f"还有 {pending} 个项目在审核中，请先审定或不予通过，再总结表彰。")
    stage = CompetitionStage(
        competition=competition, kind=kind, held_on=held_on, title=title.strip(), report=report.strip(), user=user
    )
    stage.full_clean()
    stage.save()
    competition.status = STAGE_TO[kind]
    _save(competition, user, "approve")
    if kind == StageKind.SUMMARY:
        competition.challenges.filter(status=ChallengeStatus.OPEN).update(status=ChallengeStatus.CLOSED)
    return stage


# --- challenges (揭榜挂帅) ------------------------------------------------------------------------------


@transaction.atomic
def challenge_publish(*, user: Any, competition: Competition, data: dict) -> Challenge:
    competition = _organiser_competition(user, competition)
    if competition.status == CompetitionStatus.CONCLUDED:
        raise ValidationError("竞赛已总结表彰，不能再发布榜单。")
    challenge = Challenge(competition=competition)
    assign_fields(challenge, CHALLENGE_FIELDS, data, strip=True)
    if challenge.deadline and challenge.deadline > competition.end_date:
        raise ValidationError({"deadline": f"揭榜截止日期不能晚于竞赛结束日期 {competition.end_date:%Y-%m-%d}。"})
    challenge.full_clean()
    challenge.save()
    return challenge


@transaction.atomic
def challenge_close(*, user: Any, challenge: Challenge) -> Challenge:
    _organiser_competition(user, challenge.competition)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status == ChallengeStatus.CLOSED:
        raise ValidationError("该榜单已截止。")
    challenge.snapshot()
    challenge.status = ChallengeStatus.CLOSED
    challenge.full_clean()
    challenge.save()
    return challenge


# --- projects --------------------------------------------------------------------------------------


def _review(project: CompetitionProject, user: Any, org: Organization, action: str, note: str = "") -> ProjectReview:
    return ProjectReview.objects.create(
        project=project, org=org, action=action, note=note[:500], user=user, user_name=actor_name(user)
    )


def _new_project(user: Any, competition: Competition, data: dict, mode: str) -> CompetitionProject:
    if not can(user, CompetitionProject, "add"):
        raise PermissionDenied("您没有申报竞赛项目的权限，请联系安全管理员分配角色。")
    unit = _entry_unit(user, competition, data.get("org"))
    project = CompetitionProject(
        competition=competition, org=unit, mode=mode, submitted_on=timezone.localdate(), created_by=user
    )
    assign_fields(project, PROJECT_FIELDS, data, strip=True)
    return project


@transaction.atomic
def project_declare(*, user: Any, competition: Competition, data: dict) -> CompetitionProject:
    """自主申报: the unit's project goes to its parent first (the organiser itself if it declares its own)."""
    competition = _joinable(user, competition, "申报项目")
    project = _new_project(user, competition, data, ProjectMode.DECLARATION)
    unit = project.org
    project.current_org = unit if unit.pk == competition.org_id else Organization.objects.get_parent(unit)
    _save(project, user, "add")
    _review(project, user, unit, ReviewAction.DECLARE, "提交申报")
    return project


@transaction.atomic
def project_bid(*, user: Any, challenge: Challenge, data: dict) -> CompetitionProject:
    """揭榜: a bid goes straight to the organiser, who picks the winning bids."""
    competition = _joinable(user, challenge.competition, "揭榜")
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status != ChallengeStatus.OPEN:
        raise ValidationError(f"榜单「{challenge.title}」已截止，不能再揭榜。")
    if challenge.deadline < timezone.localdate():
        raise ValidationError(f"榜单「{challenge.title}」的揭榜截止日期 {challenge.deadline:%Y-%m-%d} 已过。")
    project = _new_project(user, competition, data, ProjectMode.CALL)
    project.challenge = challenge
    if (
        CompetitionProject.objects.filter(challenge=challenge, org=project.org)
        .exclude(state=ProjectState.REJECTED)
        .exists()
    ):
        raise ValidationError({"org": f"「{project.org.name}」已揭过这个榜，不能重复揭榜。"})
    project.current_org = competition.org
    _save(project, user, "add")
    _review(project, user, project.org, ReviewAction.BID, "提交揭榜申请")
    return project


def _reviewing(user: Any, project: CompetitionProject) -> CompetitionProject:
    """The project locked for review by the user's unit, which must be the unit whose turn it is."""
    if not can(user, CompetitionProject, "approve"):
        raise PermissionDenied("您没有审核竞赛项目的权限，请联系安全管理员分配角色。")
    locked = fetch_for_update(CompetitionProject, user, "approve", project.pk)
    if locked.state != ProjectState.SUBMITTED:
        raise ValidationError(f"该项目{locked.get_state_display()}，不在审核中。")
    if not user.is_superuser and user.org_id != locked.current_org_id:
        raise PermissionDenied(f"该项目正等待「{locked.current_org.name}」审核，只有该单位的用户可以审核。")
    return locked


@transaction.atomic
def project_recommend(*, user: Any, project: CompetitionProject, note: str = "") -> CompetitionProject:
    """Pass a self-declared project one level up, toward the organiser."""
    project = _reviewing(user, project)
    competition = project.competition
    if project.mode != ProjectMode.DECLARATION:
        raise ValidationError("揭榜项目由主办单位直接审定，不需要逐级推荐。")
    if project.current_org_id == competition.org_id:
        raise ValidationError("项目已到主办单位，请审定立项或不予通过。")
    project.snapshot()
    reviewer = project.current_org
    project.current_org = Organization.objects.get_parent(reviewer)
    _save(project, user, "approve")
    _review(project, user, reviewer, ReviewAction.RECOMMEND, note or f"同意推荐至「{project.current_org.name}」")
    return project


@transaction.atomic
def project_accept(*, user: Any, project: CompetitionProject, note: str = "") -> CompetitionProject:
    """立项 (or, for a bid, 揭榜成功): only at the organiser."""
    project = _reviewing(user, project)
    if project.current_org_id != project.competition.org_id:
        raise ValidationError(f"项目尚在「{project.current_org.name}」审核，须逐级推荐到主办单位后才能立项。")
    _require_running(project.competition, "立项")
    project.snapshot()
    project.state = ProjectState.ACCEPTED
    project.accepted_on = timezone.localdate()
    _save(project, user, "approve")
    _review(project, user, project.current_org, ReviewAction.ACCEPT, note or "同意立项")
    return project


@transaction.atomic
def project_reject(*, user: Any, project: CompetitionProject, note: str) -> CompetitionProject:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写不予通过的理由，申报单位会看到它。"})
    project = _reviewing(user, project)
    project.snapshot()
    project.state = ProjectState.REJECTED
    _save(project, user, "approve")
    _review(project, user, project.current_org, ReviewAction.REJECT, note)
    return project


@transaction.atomic
def project_complete(*, user: Any, project: CompetitionProject, result: str, award: str = "") -> CompetitionProject:
    """The organiser records what an accepted project achieved and its award."""
    _organiser_competition(user, project.competition)
    project = fetch_for_update(CompetitionProject, user, "view", project.pk)
    if project.state not in (ProjectState.ACCEPTED, ProjectState.COMPLETED):
        raise ValidationError("只有已立项的项目可以评定完成情况。")
    if not (result or "").strip():
        raise ValidationError({"result": "请填写项目完成情况。"})
    project.snapshot()
    project.state = ProjectState.COMPLETED
    project.result = result.strip()
    project.award = award or ""
    project.full_clean()
    project.save()
    _review(project, user, project.competition.org, ReviewAction.COMPLETE, project.get_award_display() or "完成")
    return project


@transaction.atomic
def project_delete(*, user: Any, project: CompetitionProject) -> None:
    """The declaring unit withdraws a project nobody has acted on yet."""
    project = fetch_for_update(CompetitionProject, user, "delete", project.pk)
    if (
        project.state != ProjectState.SUBMITTED
        or project.reviews.exclude(action__in=[ReviewAction.DECLARE, ReviewAction.BID]).exists()
    ):
        raise ValidationError("项目已进入审核，不能删除；如不再实施请联系审核单位不予通过。")
    project.reviews.all().delete()
    project.delete()


# --- teams and participants ------------------------------------------------------------------------


@transaction.atomic
def team_create(*, user: Any, competition: Competition, data: dict) -> CompetitionTeam:
    competition = _joinable(user, competition, "报名参赛")
    unit = _entry_unit(user, competition, data.get("org"))
    name = (data.get("name") or "").strip()
    if CompetitionTeam.objects.filter(competition=competition, name=name).exists():
        raise ValidationError({"name": f"本竞赛已有名为「{name}」的队伍，请换一个名称。"})
    team = CompetitionTeam(
        competition=competition, org=unit, name=name, event=(data.get("event") or "").strip(), created_by=user
    )
    _save(team, user, "add")
    return team


@transaction.atomic
def team_delete(*, user: Any, team: CompetitionTeam) -> None:
    team = fetch_for_update(CompetitionTeam, user, "delete", team.pk)
    if team.competition.status == CompetitionStatus.CONCLUDED:
        raise ValidationError("竞赛已总结表彰，参赛记录不能删除。")
    if team.members.exists():
        raise ValidationError(f"队伍「{team.name}」还有队员，请先移除队员。")
    team.delete()


@transaction.atomic
def participant_add(*, user: Any, competition: Competition, data: dict) -> CompetitionParticipant:
    """Enter one member, alone or into a team of the same entering unit."""
    competition = _joinable(user, competition, "报名参赛")
    unit = _entry_unit(user, competition, data.get("org"))
    member: Member | None = data.get("member")
    if member is None:
        raise ValidationError({"member": "请选择参赛会员。"})
    if not Member.objects.restrict(user, "view").filter(pk=member.pk).exists():
        raise ValidationError({"member": "该会员不在您的数据权限范围内。"})
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": f"{member.name}不是在会会员（{member.get_status_display()}），不能报名。"})
    if not member.org.path.startswith(unit.path):
        raise ValidationError({"member": f"{member.name}不是「{unit.name}」或其下级工会的会员，请选择本单位的会员。"})
    team = data.get("team")
    if team is not None and (team.competition_id != competition.pk or team.org_id != unit.pk):
        raise ValidationError({"team": "所选队伍不属于本竞赛或不是该单位的队伍。"})
    if CompetitionParticipant.objects.filter(competition=competition, member=member).exists():
        raise ValidationError({"member": f"{member.name}已报名本竞赛，不能重复报名。"})
    participant = CompetitionParticipant(
        competition=competition,
        org=unit,
        member=member,
        team=team,
        event=(data.get("event") or (team.event if team else "")).strip(),
        created_by=user,
    )
    _save(participant, user, "add")
    return participant


@transaction.atomic
def participant_remove(*, user: Any, participant: CompetitionParticipant) -> None:
    participant = fetch_for_update(CompetitionParticipant, user, "delete", participant.pk)
    if participant.competition.status == CompetitionStatus.CONCLUDED:
        raise ValidationError("竞赛已总结表彰，参赛记录不能删除。")
    participant.delete()


def _check_result(score: Decimal | None, rank: int | None) -> None:
    if score is not None and score < 0:
        raise ValidationError({"score": "成绩不能为负数。"})
    if rank is not None and rank < 1:
        raise ValidationError({"rank": "名次从 1 开始。"})


def _record_result(user: Any, entry: Any, score: Decimal | None, rank: int | None, award: str) -> Any:
    """The organiser records a participant's or team's score, rank and award while the competition runs."""
    competition = _organiser_competition(user, entry.competition)
    _require_running(competition, "录入成绩")
    _check_result(score, rank)
    entry = type(entry).objects.select_for_update(of=("self",)).get(pk=entry.pk)
    entry.snapshot()
    entry.score, entry.rank, entry.award = score, rank, award or ""
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def participant_result(
    *, user: Any, participant: CompetitionParticipant, score: Decimal | None, rank: int | None, award: str = ""
) -> CompetitionParticipant:
    return _record_result(user, participant, score, rank, award)


@transaction.atomic
def team_result(
    *, user: Any, team: CompetitionTeam, score: Decimal | None, rank: int | None, award: str = ""
) -> CompetitionTeam:
    return _record_result(user, team, score, rank, award)
