"""Honours records for tests, made through the real services."""

from __future__ import annotations

import datetime

from gonghui.core.context import actor
from gonghui.honours import services_competitions as competitions
from tests.members.helpers import add_member
from tests.world import make_user

D = datetime.date


def admin_of(world, org):
    """The union_admin of ``org``'s district (武进区 or 天宁区), or the city's."""
    if org.path.startswith(world.wujin.path):
        return world.wujin_admin
    if org.path.startswith(world.tianning.path):
        return world.tianning_admin
    return world.city_admin


def town_admin(world):
    """A union_admin of 湖塘镇工会 (the level between a grassroots union and 武进区)."""
    return make_user("hutang_admin", world.hutang, "union_admin")


def competition_data(org, **overrides) -> dict:
    data = {
        "org": org,
        "name": f"{org.name}电工技能竞赛",
        "kind": "skills",
        "level": "county",
        "brand": "",
        "subject": "电工",
        "co_organisers": "",
        "start_date": D(2026, 4, 1),
        "end_date": D(2026, 11, 30),
        "rules": "理论考试占30%，实际操作占70%。",
        "prizes": "一等奖1名，二等奖3名，三等奖5名。",
    }
    data.update(overrides)
    return data


def make_competition(world, org, *, user=None, launched: bool = False, **overrides):
    user = user or admin_of(world, org)
    with actor(user):
        competition = competitions.competition_create(user=user, data=competition_data(org, **overrides))
        if launched:
            competitions.competition_stage_record(
                user=user,
                competition=competition,
                kind="launch",
                held_on=competition.start_date,
                title="启动仪式",
                report="召开动员大会。",
            )
            competition.refresh_from_db()
    return competition


def add_participant(world, competition, org, *, name: str, serial: int, user=None, team=None, member=None):
    user = user or admin_of(world, org)
    member = member or add_member(world, org, name=name, serial=serial)
    with actor(user):
        return competitions.participant_add(
            user=user, competition=competition, data={"org": org, "member": member, "team": team, "event": "电工"}
        )


def declare(world, competition, org, *, user=None, title="降本增效攻关项目"):
    user = user or world.chair
    with actor(user):
        return competitions.project_declare(
            user=user,
            competition=competition,
            data={"org": org, "title": title, "description": "节约用电10%。", "leader_name": "张工"},
        )


def honour_data(org, member=None, **overrides) -> dict:
    data = {
        "org": org,
        "kind": "model_worker",
        "level": "city",
        "title": "",
        "year": 2026,
        "awarding_body": "常州市人民政府",
        "member": member,
        "collective_name": "",
        "employer": None,
        "deeds": "扎根一线二十年，带头攻克技术难题。",
    }
    data.update(overrides)
    return data


def nominate(world, org, *, name: str = "劳模甲", serial: int = 101, user=None, member=None, **overrides):
    from gonghui.honours import services_honours

    user = user or admin_of(world, org)
    union = org if org.org_type in ("grassroots", "joint") else None
    member = member or (add_member(world, union, name=name, serial=serial) if union else None)
    with actor(user):
        return services_honours.honour_nominate(user=user, data=honour_data(org, member, **overrides))


def award(world, honour, *, user=None, awarded_on=None):
    """Take a nomination through review and a finished public notice to the award."""
    from gonghui.honours import services_honours

    user = user or admin_of(world, honour.org)
    end = awarded_on or D(2026, 4, 28)
    with actor(user):
        honour = services_honours.honour_review(user=user, honour=honour)
        honour = services_honours.honour_publicise(
            user=user, honour=honour, notice_start=end - datetime.timedelta(days=7), notice_end=end
        )
        return services_honours.honour_award(user=user, honour=honour, awarded_on=end, certificate_no="LM2026001")
