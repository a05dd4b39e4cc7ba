"""Computed sources: live values, the rolled-up Figure rows and a naive count must agree."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from gonghui.core.context import actor
from gonghui.members import services as member_services
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Organization, OrgType
from gonghui.targets import figures, sources
from gonghui.targets.catalog import load_catalog
from gonghui.targets.models import Figure, FigureRefresh, Indicator, IndicatorSource
from gonghui.utilities.periods import Period
from tests.members.helpers import add_member
from tests.world import add_org

D = datetime.date
Q3 = Period.quarter_of(2026, 3)
YEAR = Period.year_of(2026)


@pytest.fixture
def records(world):
    """Members joining in 2025 and 2026 in both districts, one leaving, one transferring, new unions."""
    add_member(world, world.wujin_union, name="老会员", serial=1, join_date=D(2025, 6, 1))
    add_member(world, world.wujin_union, name="一季度", serial=2, join_date=D(2026, 2, 3))
    rider = add_member(
        world,
        world.wujin_union,
        name="骑手",
        serial=3,
        join_date=D(2026, 8, 9),
        employment_category="new_employment",
        new_employment_type="delivery_rider",
    )
    leaver = add_member(world, world.tianning_union, name="退会者", serial=4, join_date=D(2026, 7, 1))
    add_member(world, world.tianning_union, name="天宁新", serial=5, join_date=D(2026, 9, 30))
    with actor(world.city_admin):
        member_services.member_leave(user=world.city_admin, member=leaver, date=D(2026, 9, 15), reason="离职")
        member_services.member_transfer_direct(
            user=world.city_admin, member=rider, to_org=world.tianning_union, date=D(2026, 9, 20)
        )
    new_union = add_org(world.hutang, "湖塘新建工会", OrgType.GRASSROOTS, "320412", "T320412001002")
    Organization.objects.filter(pk=new_union.pk).update(founded_on=D(2026, 8, 1))
    joint = add_org(world.chashan, "茶山联合工会", OrgType.JOINT, "320402", "T320402001002")
    Organization.objects.filter(pk=joint.pk).update(founded_on=D(2026, 7, 2))
    figures.mark_stale()
    return world


def naive(world, key: str, unit: Organization, period: Period) -> int:
    """The figure counted the obvious way, from the member rows."""
    members = Member.objects.filter(org__path__startswith=unit.path)
    if key == "members_recruited":
        return members.filter(join_date__range=(period.start, period.end)).exclude(events__kind="transfer_in").count()
    if key == "members_total":
        return members.filter(join_date__lte=period.end).exclude(left_on__lte=period.end).count()
    raise AssertionError(key)


@pytest.mark.parametrize("period", [Q3, YEAR, Period.quarter_of(2026, 1), Period.month_of(2026, 9)])
def test_live_and_rolled_up_values_agree(records, period):
    world = records
    figures.refresh(period.year)
    units = [world.city, world.wujin, world.tianning, world.hutang, world.chashan, world.wujin_union]
    keys = list(sources.registered())
    rolled = figures.values(keys, units, period)
    for key in keys:
        live = sources.values_by_unit(key, units, period)
        for unit in units:
            assert rolled[(key, unit.pk)] == live[unit.pk] == sources.value(key, unit, period), (key, unit)
    for unit in units:
        for key in ("members_recruited", "members_total"):
            assert rolled[(key, unit.pk)] == naive(world, key, unit, period), (key, unit, period)


def test_reference_values(records):
    world = records
    figures.refresh(2026)
    keys = list(sources.registered())
    got = figures.values(keys, [world.city, world.wujin, world.tianning], Q3)
    # Q3: 骑手 (Aug, 武进) + 退会者 (Jul, 天宁) + 天宁新 (Sep 30, 天宁); the transfer is not a new recruit.
    assert got[("members_recruited", world.city.pk)] == 3
    assert got[("members_recruited", world.wujin.pk)] == 1
    assert got[("new_employment_members", world.wujin.pk)] == 1
    assert got[("new_employment_members", world.tianning.pk)] == 0
    # At the end of Q3: 武进 has 老会员 + 一季度 (the rider moved to 天宁); 天宁 has 骑手 + 天宁新.
    assert got[("members_total", world.wujin.pk)] == 2
    assert got[("members_total", world.tianning.pk)] == 2
    assert got[("members_total", world.city.pk)] == 4
    assert got[("unions_established", world.wujin.pk)] == 1
    assert got[("unions_established", world.tianning.pk)] == 1  # the joint union is a union too
    assert got[("joint_unions_established", world.tianning.pk)] == 1
    assert got[("joint_unions_established", world.wujin.pk)] == 0
    series = figures.monthly(["members_total", "members_recruited"], world.city, 2026)
    assert series["members_total"][0] == 1  # January: only 老会员
    assert series["members_total"][8] == 4
    assert series["members_recruited"][1] == 1  # February


def test_refresh_replaces_rows_and_records_the_run(records):
    first = figures.refresh(2026)
    count = Figure.objects.filter(year=2026).count()
    assert first.rows == count > 0 and not first.stale
    second = figures.refresh(2026)
    assert Figure.objects.filter(year=2026).count() == count
    assert second.refreshed_at >= first.refreshed_at


def test_writes_mark_figures_stale_and_ensure_fresh_rebuilds(records, settings):
    settings.TARGETS_FIGURES_MAX_LAG = 0
    world = records
    figures.refresh(2026)
    assert not FigureRefresh.objects.get(pk=2026).stale
    add_member(world, world.wujin_union, name="新来的", serial=9, join_date=D(2026, 9, 1))
    assert FigureRefresh.objects.get(pk=2026).stale
    figures.ensure_fresh(2026)
    assert figures.values(["members_recruited"], [world.wujin], Q3)[("members_recruited", world.wujin.pk)] == 2


def test_rows_loaded_without_signals_are_seen_by_the_watermark(records, settings):
    settings.TARGETS_FIGURES_MAX_LAG = 0
    world = records
    figures.refresh(2026)
    member = Member.objects.filter(status=MemberStatus.ACTIVE).first()
    from gonghui.members.models import MembershipEvent

    # as COPY does: a row written without save() sends no signal
    MembershipEvent.objects.bulk_create(
        [MembershipEvent(org=world.wujin_union, member=member, kind="rejoin", date=D(2026, 9, 2))]
    )
    assert not FigureRefresh.objects.get(pk=2026).stale
    figures.ensure_fresh(2026)
    assert figures.values(["members_recruited"], [world.wujin], Q3)[("members_recruited", world.wujin.pk)] == 2


def test_lag_bounds_how_often_figures_are_rebuilt(records, settings):
    settings.TARGETS_FIGURES_MAX_LAG = 3600
    world = records
    marker = figures.refresh(2026)
    add_member(world, world.wujin_union, name="新来的", serial=9, join_date=D(2026, 9, 1))
    assert figures.ensure_fresh(2026).refreshed_at == marker.refreshed_at  # served as of the last rebuild


def test_catalog_is_loaded_after_migrate(db):
    catalog = load_catalog()
    assert len(catalog) == Indicator.objects.filter(is_builtin=True).count() >= 37
    computed = set(Indicator.objects.filter(source=IndicatorSource.COMPUTED).values_list("key", flat=True))
    assert computed == set(sources.registered())
    assert Indicator.objects.get(key="members_total").kind == "stock"
    assert Indicator.objects.get(key="relief_amount").unit == "元"


def test_values_of_units_without_records_are_zero(world):
    figures.refresh(2026)
    got = figures.values(["members_recruited"], [world.wujin], YEAR)
    assert got[("members_recruited", world.wujin.pk)] == Decimal(0)


def test_year_to_date_values(records):
    world = records
    figures.refresh(2026)
    ytd = figures.values(["members_recruited", "members_total"], [world.city], Q3, year_to_date=True)
    # Jan–Sep: 一季度, 骑手, 退会者, 天宁新; the level at the end of September is 4 either way.
    assert ytd[("members_recruited", world.city.pk)] == 4
    assert ytd[("members_total", world.city.pk)] == 4
    assert ytd[("members_recruited", world.city.pk)] == sources.value(
        "members_recruited", world.city, Period.year_of(2026)
    )


def test_a_slow_year_is_rebuilt_by_the_worker_not_the_page(records, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TARGETS_FIGURES_MAX_LAG = 0
    settings.TARGETS_FIGURES_SYNC_MS = 10
    world = records
    figures.refresh(2026)
    FigureRefresh.objects.filter(pk=2026).update(duration_ms=60_000)  # as a city of millions takes
    add_member(world, world.wujin_union, name="新来的", serial=9, join_date=D(2026, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):
        marker = figures.ensure_fresh(2026)
        figures.ensure_fresh(2026)  # queued once
    assert marker.stale and FigureRefresh.objects.get(pk=2026).queued_at is not None
    queued = DBTaskResult.objects.filter(task_path="gonghui.targets.tasks.refresh_figures")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [2026]
    # served as of the last rebuild until the worker has run
    assert figures.values(["members_recruited"], [world.wujin], Q3)[("members_recruited", world.wujin.pk)] == 1
    from gonghui.targets.tasks import refresh_figures

    refresh_figures.call(2026)
    assert figures.values(["members_recruited"], [world.wujin], Q3)[("members_recruited", world.wujin.pk)] == 2
    assert FigureRefresh.objects.get(pk=2026).queued_at is None
