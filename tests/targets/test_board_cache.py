"""The cached progress board: a repeated read is a cache read, and every change to its inputs shows at once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core.context import actor
from gonghui.targets import figures, services, services_reports
from gonghui.targets.models import Indicator, Plan, QuarterlyReport, ReportStatus, Target
from gonghui.targets.selectors import dashboard_data, progress_board, quarter_trend
from tests.members.helpers import add_member
from tests.targets import test_board

D = datetime.date
plan = test_board.plan  # the board tests' fixture: a city plan broken down to 武进 and 天宁
_target = test_board._target


def _row(board, unit):
    return next(row for row in board.units if row.unit == unit)


def _figure_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'targets_figure"' in q["sql"] and "figurerefresh" not in q["sql"]]


def test_a_repeated_read_is_a_cache_read(plan):
    world = plan
    first = progress_board(world.city_admin, world.city, 2026, 3)
    with CaptureQueriesContext(connection) as warm:
        second = progress_board(world.city_admin, world.city, 2026, 3)
    assert not _figure_reads(warm.captured_queries)  # no figures, targets or reports read again
    assert not [q for q in warm.captured_queries if 'FROM "targets_target"' in q["sql"].split("(SELECT")[0]]
    assert len(warm.captured_queries) <= 4
    assert _row(second, world.wujin).cells["members_recruited"].actual == 3
    assert [row.unit for row in second.units] == [row.unit for row in first.units]


def test_a_submitted_report_shows_at_once(plan):
    world = plan
    before = progress_board(world.city_admin, world.city, 2026, 3)
    assert _row(before, world.tianning).cells["union_social_workers"].actual is None  # its Q3 report is a draft
    report = QuarterlyReport.objects.get(org=world.tianning, year=2026, quarter=3)
    report.status = ReportStatus.SUBMITTED
    report.save()
    after = progress_board(world.city_admin, world.city, 2026, 3)
    assert _row(after, world.tianning).cells["union_social_workers"].actual == 9


def test_returning_a_report_through_the_service_shows_at_once(plan):
    world = plan
    assert (
        _row(progress_board(world.city_admin, world.city, 2026, 3), world.wujin).cells["union_social_workers"].actual
        == 8
    )
    report = QuarterlyReport.objects.get(org=world.wujin, year=2026, quarter=3)
    with actor(world.city_admin):
        services_reports.report_return(user=world.city_admin, report=report, comment="数据有误，请核实后重报。")
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert _row(board, world.wujin).cells["union_social_workers"].actual == 4  # only the accepted Q1 counts now


def test_a_changed_target_shows_at_once(plan):
    world = plan
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert board.own.cells["members_recruited"].target == 10
    city_plan = Plan.objects.get(org=world.city, year=2026)
    with actor(world.city_admin):
        services.target_set(
            user=world.city_admin,
            plan=city_plan,
            indicator=Indicator.objects.get(key="members_recruited"),
            value=50,
            weight=60,
        )
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert board.own.cells["members_recruited"].target == 50
    assert board.own.cells["members_recruited"].completion == Decimal("0.1")  # 5 of 50


def test_a_removed_target_and_a_new_unit_target_show_at_once(plan):
    world = plan
    assert {row.unit for row in progress_board(world.city_admin, world.city, 2026, 3).units} == {
        world.wujin,
        world.tianning,
    }
    Target.objects.filter(org=world.tianning).delete()
    assert [row.unit for row in progress_board(world.city_admin, world.city, 2026, 3).units] == [world.wujin]
    _target(Plan.objects.get(org=world.tianning), world.tianning, "members_recruited", 2, assigned_by=world.city)
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert _row(board, world.tianning).cells["members_recruited"].completion == 1


def test_a_changed_plan_setting_shows_at_once(plan):
    world = plan
    assert progress_board(world.city_admin, world.city, 2026, 3).expected == Decimal("0.7479")
    city_plan = Plan.objects.get(org=world.city, year=2026)
    city_plan.progress_basis = "month"
    city_plan.save()
    assert progress_board(world.city_admin, world.city, 2026, 3).expected == Decimal("0.7500")


def test_a_figures_refresh_shows_at_once(plan):
    world = plan
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert _row(board, world.wujin).cells["members_recruited"].actual == 3
    add_member(world, world.wujin_union, name="武进新会员", serial=30, join_date=D(2026, 9, 15))
    figures.refresh(2026)
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert _row(board, world.wujin).cells["members_recruited"].actual == 4
    assert board.figures_at == figures.FigureRefresh.objects.get(pk=2026).refreshed_at


def test_new_records_show_through_the_figures_freshness_rule(plan):
    """Without an explicit refresh: the cached entry still lets ``ensure_fresh`` rebuild stale figures."""
    world = plan  # the fixture sets TARGETS_FIGURES_MAX_LAG = 0: always current
    progress_board(world.city_admin, world.city, 2026, 3)
    add_member(world, world.tianning_union, name="天宁新会员", serial=31, join_date=D(2026, 9, 20))
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert _row(board, world.tianning).cells["members_recruited"].actual == 3


def test_a_renamed_unit_shows_at_once(plan):
    world = plan
    progress_board(world.city_admin, world.city, 2026, 3)
    world.wujin.short_name = "武进区"
    world.wujin.save()
    assert _row(progress_board(world.city_admin, world.city, 2026, 3), world.wujin).unit.short_name == "武进区"


def test_a_changed_indicator_shows_at_once(plan):
    world = plan
    local = Indicator.objects.create(key="local_visits", name="走访企业", unit="家", category="local", sort=99)
    _target(Plan.objects.get(org=world.city), world.city, "local_visits", 10)
    assert progress_board(world.city_admin, world.city, 2026, 3).own.cells["local_visits"].indicator.name == "走访企业"
    with actor(world.sysadmin):
        services.indicator_update(user=world.sysadmin, indicator=local, data={"name": "走访联系企业"})
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert board.own.cells["local_visits"].indicator.name == "走访联系企业"


def test_users_with_different_scopes_do_not_share_entries(plan):
    world = plan
    city_view = progress_board(world.city_admin, world.city, 2026, 3)
    assert {row.unit for row in city_view.units} == {world.wujin, world.tianning}
    narrow = progress_board(world.wujin_admin, world.city, 2026, 3)
    assert [row.unit for row in narrow.units] == [world.wujin]  # not the city admin's cached board


def test_the_cache_can_be_turned_off(plan, settings):
    world = plan
    settings.TARGETS_BOARD_CACHE_SECONDS = 0
    progress_board(world.city_admin, world.city, 2026, 3)
    with CaptureQueriesContext(connection) as again:
        progress_board(world.city_admin, world.city, 2026, 3)
    assert _figure_reads(again.captured_queries)


def test_dashboard_data_agrees_with_board_and_trend(plan):
    world = plan
    data = dashboard_data(world.city_admin, world.city, 2026, 3)
    board, trend = data.board, data.trend
    alone = progress_board(world.city_admin, world.city, 2026, 3)
    assert [(row.unit, row.score, row.rank) for row in board.units] == [
        (row.unit, row.score, row.rank) for row in alone.units
    ]
    assert trend == quarter_trend(world.city_admin, world.city, 2026, board.indicators)


def test_trend_matches_a_board_per_quarter(plan):
    """The trend's one-read computation gives what a board of each quarter says of the unit's own cells."""
    world = plan
    board = progress_board(world.city_admin, world.city, 2026, 3)
    trend = quarter_trend(world.city_admin, world.city, 2026, board.indicators)
    for quarter in (1, 2, 3):
        own = progress_board(world.city_admin, world.city, 2026, quarter, own_only=True).own
        for indicator in board.indicators:
            assert trend[indicator.key][quarter - 1] == own.cells[indicator.key].completion, (quarter, indicator.key)


@pytest.mark.django_db
def test_dashboard_page_shows_a_submitted_report_at_once(plan, client):
    world = plan
    client.force_login(world.city_admin)
    url = f"{reverse('targets:dashboard')}?org={world.city.pk}&year=2026&quarter=3&indicator=union_social_workers"
    assert client.get(url).status_code == 200
    before = client.get(url).content.decode()
    report = QuarterlyReport.objects.get(org=world.tianning, year=2026, quarter=3)
    report.status = ReportStatus.SUBMITTED
    report.save()
    after = client.get(url).content.decode()
    assert before != after
    assert "90.00%" in after  # 天宁 9 of 10 stations
    assert "90.00%" not in before
