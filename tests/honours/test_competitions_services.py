"""Competition services: stages, 揭榜挂帅 and 自主申报 (recommended level by level), entries and results."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.context import actor
from gonghui.core.models import ChangeLog
from gonghui.honours import selectors_competitions as selectors
from gonghui.honours import services_competitions as services
from gonghui.honours.models import (
    CompetitionParticipant,
    CompetitionProject,
    CompetitionStatus,
    ProjectState,
    ReviewAction,
)
from tests.honours.helpers import D, add_participant, declare, make_competition, town_admin
from tests.members.helpers import add_member

pytestmark = pytest.mark.django_db


def test_create_validates_dates_and_unit(world):
    with pytest.raises(ValidationError) as error:
        make_competition(world, world.wujin, start_date=D(2026, 5, 1), end_date=D(2026, 4, 1))
    assert "结束日期" in str(error.value)
    with pytest.raises(ValidationError) as error:
        make_competition(world, world.tianning, user=world.wujin_admin)
    assert "主办单位" in str(error.value)
    competition = make_competition(world, world.wujin)
    assert competition.status == CompetitionStatus.PLANNING
    assert ChangeLog.objects.filter(object_id=str(competition.pk), action="create").exists()


def test_stages_move_the_competition_through_its_life(world):
    competition = make_competition(world, world.wujin)
    user = world.wujin_admin
    with actor(user):
        with pytest.raises(ValidationError, match="只有进行中"):
            services.competition_stage_record(
                user=user, competition=competition, kind="interim", held_on=D(2026, 6, 1), title="小结", report="x"
            )
        services.competition_stage_record(
            user=user, competition=competition, kind="launch", held_on=D(2026, 4, 1), title="启动", report="动员"
        )
        competition.refresh_from_db()
        assert competition.status == CompetitionStatus.RUNNING
        with pytest.raises(ValidationError, match="已经启动"):
            services.competition_stage_record(
                user=user, competition=competition, kind="launch", held_on=D(2026, 4, 2), title="再启动", report="x"
            )
        services.competition_stage_record(
            user=user, competition=competition, kind="interim", held_on=D(2026, 7, 1), title="半年小结", report="y"
        )
        services.competition_stage_record(
            user=user, competition=competition, kind="summary", held_on=D(2026, 12, 1), title="表彰大会", report="z"
        )
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.CONCLUDED
    assert [s.kind for s in competition.stages.all()] == ["launch", "interim", "summary"]


def test_only_the_organiser_records_stages(world):
    competition = make_competition(world, world.city, user=world.city_admin)
    with actor(world.wujin_admin), pytest.raises(PermissionDenied):
        services.competition_stage_record(
            user=world.wujin_admin, competition=competition, kind="launch", held_on=D(2026, 4, 1), title="x", report="y"
        )


def test_self_declared_project_is_recommended_level_by_level_then_accepted(world):
    competition = make_competition(world, world.city, user=world.city_admin, launched=True)
    town = town_admin(world)
    project = declare(world, competition, world.wujin_union)
    assert project.current_org == world.hutang and project.state == ProjectState.SUBMITTED
    # 武进区 may not skip 湖塘镇
    with actor(world.wujin_admin), pytest.raises(PermissionDenied, match="湖塘镇工会"):
        services.project_recommend(user=world.wujin_admin, project=project)
    with actor(town):
        project = services.project_recommend(user=town, project=project, note="同意推荐")
    assert project.current_org == world.wujin
    # not yet at the organiser: cannot be accepted
    with actor(world.wujin_admin):
        with pytest.raises(ValidationError, match="逐级推荐"):
            services.project_accept(user=world.wujin_admin, project=project)
        project = services.project_recommend(user=world.wujin_admin, project=project)
    assert project.current_org == world.city
    with actor(world.city_admin):
        with pytest.raises(ValidationError, match="已到主办单位"):
            services.project_recommend(user=world.city_admin, project=project)
        project = services.project_accept(user=world.city_admin, project=project, note="同意立项")
    assert project.state == ProjectState.ACCEPTED and project.accepted_on is not None
    assert list(project.reviews.values_list("action", "org__name")) == [
        (ReviewAction.DECLARE, "武进甲公司工会"),
        (ReviewAction.RECOMMEND, "湖塘镇工会"),
        (ReviewAction.RECOMMEND, "武进区总工会"),
        (ReviewAction.ACCEPT, "常州市总工会"),
    ]
    with actor(world.city_admin):
        project = services.project_complete(user=world.city_admin, project=project, result="节电12%", award="first")
    assert project.state == ProjectState.COMPLETED and project.get_award_display() == "一等奖"


def test_reject_needs_a_reason_and_ends_the_review(world):
    competition = make_competition(world, world.wujin, launched=True)
    town = town_admin(world)
    project = declare(world, competition, world.wujin_union)
    with actor(town):
        with pytest.raises(ValidationError, match="理由"):
            services.project_reject(user=town, project=project, note=" ")
        project = services.project_reject(user=town, project=project, note="材料不全")
        with pytest.raises(ValidationError, match="不在审核中"):
            services.project_recommend(user=town, project=project)
    assert project.state == ProjectState.REJECTED


def test_declaring_needs_a_running_competition_and_a_unit_under_the_organiser(world):
    planning = make_competition(world, world.city, user=world.city_admin)
    with pytest.raises(ValidationError, match="尚未启动"):
        declare(world, planning, world.wujin_union, user=world.city_admin)
    with pytest.raises(PermissionDenied):  # the grassroots union does not see a competition still in planning
        declare(world, planning, world.wujin_union)
    wujin_competition = make_competition(world, world.wujin, launched=True)
    # 天宁区 cannot even see 武进区's competition
    with actor(world.tianning_admin), pytest.raises(PermissionDenied):
        services.project_declare(
            user=world.tianning_admin,
            competition=wujin_competition,
            data={"org": world.tianning_union, "title": "x", "description": "y", "leader_name": "z"},
        )
    city_competition = make_competition(world, world.city, user=world.city_admin, launched=True, name="市竞赛")
    with pytest.raises(ValidationError, match="不在您的数据权限范围内"):
        declare(world, city_competition, world.tianning_union)
    assert CompetitionProject.objects.count() == 0


def test_bids_go_to_the_organiser_and_are_picked_there(world):
    today = timezone.localdate()
    competition = make_competition(
        world,
        world.wujin,
        launched=True,
        kind="labour",
        subject="重点工程",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=90),
    )
    user = world.wujin_admin
    with actor(user):
        challenge = services.challenge_publish(
            user=user,
            competition=competition,
            data={
                "title": "盾构施工效率攻关",
                "description": "提升20%",
                "reward": "5万元",
                "deadline": today + datetime.timedelta(days=30),
            },
        )
    with actor(world.chair):
        project = services.project_bid(
            user=world.chair,
            challenge=challenge,
            data={"org": world.wujin_union, "title": "甲公司揭榜", "description": "方案", "leader_name": "李工"},
        )
        with pytest.raises(ValidationError, match="重复揭榜"):
            services.project_bid(
                user=world.chair,
                challenge=challenge,
                data={"org": world.wujin_union, "title": "再揭", "description": "x", "leader_name": "李工"},
            )
    assert project.current_org == world.wujin
    with actor(user):
        with pytest.raises(ValidationError, match="不需要逐级推荐"):
            services.project_recommend(user=user, project=project)
        services.project_accept(user=user, project=project)
        services.challenge_close(user=user, challenge=challenge)
    with actor(world.chair), pytest.raises(ValidationError, match="已截止"):
        services.project_bid(
            user=world.chair,
            challenge=challenge,
            data={"org": world.wujin_union, "title": "迟到", "description": "x", "leader_name": "王工"},
        )


def test_challenge_deadline_cannot_pass_the_competition_end(world):
    competition = make_competition(world, world.wujin, launched=True)
    with actor(world.wujin_admin), pytest.raises(ValidationError, match="揭榜截止日期"):
        services.challenge_publish(
            user=world.wujin_admin,
            competition=competition,
            data={"title": "x", "description": "y", "reward": "", "deadline": D(2027, 6, 1)},
        )


def test_participants_come_from_the_entering_units_members_once(world):
    competition = make_competition(world, world.wujin, launched=True)
    member = add_member(world, world.wujin_union, name="王电工", serial=11)
    participant = add_participant(world, competition, world.wujin_union, name="", serial=0, member=member)
    assert participant.org == world.wujin_union
    with pytest.raises(ValidationError, match="已报名"):
        add_participant(world, competition, world.wujin_union, name="", serial=0, member=member)
    other = add_member(world, world.tianning_union, name="天宁人", serial=12)
    with pytest.raises(ValidationError):
        add_participant(world, competition, world.wujin_union, name="", serial=0, member=other)
    with actor(world.wujin_admin):
        team = services.team_create(
            user=world.wujin_admin,
            competition=competition,
            data={"org": world.hutang, "name": "湖塘队", "event": "电工"},
        )
    with pytest.raises(ValidationError, match="不属于本竞赛或不是该单位"):
        add_participant(world, competition, world.wujin_union, name="队员甲", serial=13, team=team)
    member = add_member(world, world.wujin_union, name="队员乙", serial=14)
    in_team = add_participant(world, competition, world.hutang, name="", serial=0, team=team, member=member)
    assert in_team.team == team and CompetitionParticipant.objects.count() == 2


def test_results_are_the_organisers_and_lock_at_the_summary(world):
    competition = make_competition(world, world.wujin, launched=True)
    participant = add_participant(world, competition, world.wujin_union, name="选手", serial=21)
    with actor(world.chair), pytest.raises(PermissionDenied):
        services.participant_result(user=world.chair, participant=participant, score=Decimal("90"), rank=1)
    with actor(world.wujin_admin):
        with pytest.raises(ValidationError, match="名次"):
            services.participant_result(user=world.wujin_admin, participant=participant, score=None, rank=0)
        services.participant_result(
            user=world.wujin_admin, participant=participant, score=Decimal("96.5"), rank=1, award="first"
        )
        services.competition_stage_record(
            user=world.wujin_admin,
            competition=competition,
            kind="summary",
            held_on=D(2026, 12, 1),
            title="表彰",
            report="r",
        )
        with pytest.raises(ValidationError, match="已总结表彰"):
            services.participant_result(user=world.wujin_admin, participant=participant, score=None, rank=2)
    participant.refresh_from_db()
    assert (participant.score, participant.rank, participant.award) == (Decimal("96.50"), 1, "first")
    assert selectors.award_summary(world.wujin_admin, competition) == {"一等奖": 1}


def test_summary_waits_for_projects_under_review(world):
    competition = make_competition(world, world.wujin, launched=True)
    declare(world, competition, world.wujin_union)
    with actor(world.wujin_admin), pytest.raises(ValidationError, match="审核中"):
        services.competition_stage_record(
            user=world.wujin_admin,
            competition=competition,
            kind="summary",
            held_on=D(2026, 12, 1),
            title="t",
            report="r",
        )


def test_delete_only_while_planning_and_empty(world):
    competition = make_competition(world, world.wujin, launched=True)
    with actor(world.wujin_admin), pytest.raises(ValidationError, match="筹备中"):
        services.competition_delete(user=world.wujin_admin, competition=competition)
    draft = make_competition(world, world.wujin, name="草稿竞赛")
    with actor(world.wujin_admin):
        services.competition_delete(user=world.wujin_admin, competition=draft)
    assert not type(draft).objects.filter(pk=draft.pk).exists()


def test_running_competitions_of_ancestors_are_visible_but_not_siblings(world):
    city = make_competition(world, world.city, user=world.city_admin, launched=True, name="市级竞赛")
    planning = make_competition(world, world.city, user=world.city_admin, name="市级筹备")
    wujin = make_competition(world, world.wujin, launched=True, name="武进竞赛")
    seen = set(selectors.competitions_for(world.tianning_admin).values_list("name", flat=True))
    assert city.name in seen and planning.name not in seen and wujin.name not in seen
    assert selectors.competitions_for(world.tianning_admin, "change").filter(pk=city.pk).count() == 0
    assert selectors.competitions_for(world.nobody).count() == 0
