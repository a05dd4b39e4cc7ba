"""Recuperation: quotas per union and year, group capacity, 劳模 first, no person twice in a year unless an
exception with a reason is recorded, completion feeding ``recuperation_participants``."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.core.context import actor
from gonghui.honours import services_honours
from gonghui.programmes import services_recuperation
from gonghui.programmes.models import ParticipantStatus, Priority, RecuperationParticipant
from gonghui.targets import figures, sources
from gonghui.utilities.periods import Period
from tests.honours.helpers import honour_data
from tests.members.helpers import add_member
from tests.programmes.health_helpers import TODAY, YEAR, enrol, make_group, make_route, set_quota

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


@pytest.fixture
def route(world):
    made = make_route(world.city_admin, world.city)
    set_quota(world.city_admin, world.wujin, 2)
    return made


def test_quota_is_given_from_above_and_does_not_nest(world, route):
    with pytest.raises(PermissionDenied, match="由上级工会下达"):
        set_quota(world.wujin_admin, world.wujin, 10)
    with pytest.raises(ValidationError, match="上下级单位不能重复下达"):
        set_quota(world.city_admin, world.hutang, 1)
    with pytest.raises(PermissionDenied):
        set_quota(world.wujin_admin, world.chashan, 1)
    assert set_quota(world.city_admin, world.wujin, 3).quota == 3  # the same union and year: changed


def test_a_member_without_a_quota_cannot_apply(world, route):
    group = make_group(world.city_admin, route)
    other = add_member(world, world.tianning_union, name="天宁无名额", serial=11)
    with pytest.raises(ValidationError, match="没有给天宁无名额所在的「天宁乙公司工会」（或其上级）下达疗休养名额"):
        enrol(world.city_admin, group, other)
    with pytest.raises(PermissionDenied, match="不在您的数据权限范围内"):  # no quota: the route is not offered
        enrol(world.tianning_admin, group, other)


def test_the_quota_is_enforced(world, route):
    group = make_group(world.city_admin, route)
    for serial in (21, 23):
        enrol(world.wujin_admin, group, add_member(world, world.wujin_union, name=f"员工{serial}", serial=serial))
    third = add_member(world, world.wujin_union, name="第三人", serial=25)
    with pytest.raises(ValidationError) as excinfo:
        enrol(world.wujin_admin, group, third)
    assert "「武进区总工会」" in messages_of(excinfo) and "名额 2 人已用完" in messages_of(excinfo)
    with pytest.raises(ValidationError, match="名额不能少于已报名人数"):
        set_quota(world.city_admin, world.wujin, 1)


def test_group_capacity(world, route):
    set_quota(world.city_admin, world.wujin, 10)
    group = make_group(world.city_admin, route, capacity=1)
    enrol(world.wujin_admin, group, add_member(world, world.wujin_union, name="先到", serial=31))
    with pytest.raises(ValidationError, match="人数上限 1 人已报满"):
        enrol(world.wujin_admin, group, add_member(world, world.wujin_union, name="后到", serial=33))


def test_no_person_twice_a_year_unless_an_exception_with_a_reason(world, route):
    set_quota(world.city_admin, world.wujin, 10)
    first = make_group(world.city_admin, route)
    second = make_group(world.city_admin, route, name="第2期")
    member = add_member(world, world.wujin_union, name="孙再去", serial=41)
    enrol(world.wujin_admin, first, member)
    with pytest.raises(ValidationError) as excinfo:
        enrol(world.wujin_admin, second, member)
    expected = "孙再去本年度已参加（或已报名）「天目湖疗休养线路 第1期」，同一人一年只能参加一次疗休养"
    assert expected in messages_of(excinfo)
    with pytest.raises(ValidationError, match="请写明理由"):
        enrol(world.wujin_admin, second, member, repeat_allowed=True)
    again = enrol(world.wujin_admin, second, member, repeat_allowed=True, repeat_reason="省劳模专场补充名额")
    assert again.repeat_allowed and again.repeat_reason == "省劳模专场补充名额"
    assert RecuperationParticipant.objects.filter(member=member).count() == 2


def test_a_group_that_allows_repeats_records_its_reason(world, route):
    set_quota(world.city_admin, world.wujin, 10)
    first = make_group(world.city_admin, route)
    special = make_group(world.city_admin, route, name="劳模专场", allow_repeat=True, repeat_reason="劳模专场")
    member = add_member(world, world.wujin_union, name="周专场", serial=51)
    enrol(world.wujin_admin, first, member)
    again = enrol(world.wujin_admin, special, member)
    assert again.repeat_allowed and again.repeat_reason == "劳模专场"
    with pytest.raises(ValidationError, match="请写明理由"):
        make_group(world.city_admin, route, name="第9期", allow_repeat=True)


def test_a_cancelled_participation_does_not_block_the_year(world, route):
    first = make_group(world.city_admin, route)
    second = make_group(world.city_admin, route, name="第2期")
    member = add_member(world, world.wujin_union, name="吴取消", serial=61)
    participant = enrol(world.wujin_admin, first, member)
    with actor(world.wujin_admin):
        services_recuperation.participant_set_status(
            user=world.wujin_admin, participant=participant, status=ParticipantStatus.CANCELLED
        )
    assert enrol(world.wujin_admin, second, member).repeat_allowed is False


def test_model_workers_first_with_their_honour(world, route):
    set_quota(world.city_admin, world.wujin, 10)
    group = make_group(world.city_admin, route)
    office = enrol(world.wujin_admin, group, add_member(world, world.wujin_union, name="郑文员", serial=71))
    migrant = enrol(
        world.wujin_admin,
        group,
        add_member(world, world.wujin_union, name="王农民工", serial=73, employment_category="migrant"),
    )
    model = add_member(world, world.wujin_union, name="钱劳模", serial=75)
    with actor(world.wujin_admin):
        honour = services_honours.honour_register(
            user=world.wujin_admin, data=honour_data(world.wujin_union, model), awarded_on=datetime.date(YEAR, 4, 28)
        )
    first = enrol(world.wujin_admin, group, model)
    assert (first.priority, first.honour) == (Priority.MODEL_WORKER, honour)
    assert (migrant.priority, office.priority) == (Priority.FRONT_LINE, Priority.OTHER)
    assert list(RecuperationParticipant.objects.filter(group=group)) == [first, migrant, office]


def test_status_transitions_and_the_source(world, route):
    group = make_group(world.city_admin, route)
    participant = enrol(world.wujin_admin, group, add_member(world, world.wujin_union, name="冯完成", serial=81))
    with actor(world.wujin_admin):
        services_recuperation.participant_set_status(
            user=world.wujin_admin, participant=participant, status=ParticipantStatus.CONFIRMED
        )
        with pytest.raises(ValidationError, match="不能晚于今天"):
            services_recuperation.participant_set_status(
                user=world.wujin_admin,
                participant=participant,
                status=ParticipantStatus.COMPLETED,
                completed_on=TODAY + datetime.timedelta(days=1),
            )
        done = services_recuperation.participant_set_status(
            user=world.wujin_admin, participant=participant, status=ParticipantStatus.COMPLETED, completed_on=TODAY
        )
        with pytest.raises(ValidationError, match="不能改为"):
            services_recuperation.participant_set_status(
                user=world.wujin_admin, participant=done, status=ParticipantStatus.CANCELLED
            )
    with pytest.raises(PermissionDenied):
        services_recuperation.participant_set_status(
            user=world.tianning_admin, participant=done, status=ParticipantStatus.CANCELLED
        )
    year = Period.year_of(YEAR)
    assert sources.value("recuperation_participants", world.wujin, year) == 1
    assert sources.value("recuperation_participants", world.tianning, year) == 0
    figures.refresh(YEAR)
    got = figures.values(["recuperation_participants"], [world.wujin], year)
    assert got[("recuperation_participants", world.wujin.pk)] == 1


def test_route_and_group_rules(world, route):
    with pytest.raises(ValidationError, match="同名的疗休养线路"):
        make_route(world.city_admin, world.city)
    with pytest.raises(ValidationError, match="出发日期应在线路的年度"):
        make_group(world.city_admin, route, start_on=datetime.date(YEAR + 1, 3, 1))
    group = make_group(world.city_admin, route)
    enrol(world.wujin_admin, group, add_member(world, world.wujin_union, name="陈报名", serial=91))
    with pytest.raises(ValidationError, match="已有报名人员，不能删除"):
        services_recuperation.route_delete(user=world.city_admin, route=route)
    with pytest.raises(PermissionDenied):
        services_recuperation.route_update(user=world.tianning_admin, route=route, data={"days": 3})


@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_cannot_pass_the_quota(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are only concurrent on PostgreSQL")
    route = make_route(world.city_admin, world.city)
    set_quota(world.city_admin, world.wujin, 2)
    group = make_group(world.city_admin, route, capacity=50)
    members = [add_member(world, world.wujin_union, name=f"并发{i}", serial=201 + 2 * i) for i in range(6)]
    barrier = threading.Barrier(len(members))
    outcomes: list[str] = []

    def attempt(member):
        from django.db import connections

        try:
            barrier.wait()
            enrol(world.wujin_admin, group, member)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 2
    assert RecuperationParticipant.objects.filter(group=group).count() == 2
