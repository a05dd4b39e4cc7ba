"""progress_board: targets against actuals, lights and the weighted assessment, checked by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.orgs.models import Organization
from gonghui.targets import figures
from gonghui.targets.demo import load_demo_targets
from gonghui.targets.models import (
    Indicator,
    Plan,
    QuarterlyReport,
    ReportStatus,
    ReportValue,
    Target,
    Task,
)
from gonghui.targets.progress import Light
from gonghui.targets.selectors import progress_board
from tests.members.helpers import add_member

D = datetime.date


def _target(plan, org, key, value, weight=0, assigned_by=None, parent=None):
    return Target.objects.create(
        plan=plan,
        org=org,
        indicator=Indicator.objects.get(key=key),
        year=2026,
        value=Decimal(value),
        weight=Decimal(weight),
        assigned_by=assigned_by or plan.org,
        parent=parent,
    )


@pytest.fixture
def plan(world, settings):
    settings.TARGETS_FIGURES_MAX_LAG = 0
    city_plan = Plan.objects.create(org=world.city, year=2026, title="市总2026年计划", yellow_margin=Decimal(10))
    wujin_plan = Plan.objects.create(org=world.wujin, year=2026, title="武进2026年计划")
    tianning_plan = Plan.objects.create(org=world.tianning, year=2026, title="天宁2026年计划")
    recruit = _target(city_plan, world.city, "members_recruited", 10, weight=60)
    stations = _target(city_plan, world.city, "union_social_workers", 20, weight=40)
    _target(wujin_plan, world.wujin, "members_recruited", 4, assigned_by=world.city, parent=recruit)
    _target(wujin_plan, world.wujin, "union_social_workers", 10, assigned_by=world.city, parent=stations)
    _target(tianning_plan, world.tianning, "members_recruited", 6, assigned_by=world.city, parent=recruit)
    _target(tianning_plan, world.tianning, "union_social_workers", 10, assigned_by=world.city, parent=stations)
    # 武进 recruits 3 by Q3 (75% of 4), 天宁 recruits 2 (33% of 6)
    for serial, day in enumerate([D(2026, 2, 1), D(2026, 5, 1), D(2026, 8, 1)], start=1):
        add_member(world, world.wujin_union, name=f"武进{serial}", serial=serial, join_date=day)
    for serial, day in enumerate([D(2026, 3, 1), D(2026, 9, 1)], start=11):
        add_member(world, world.tianning_union, name=f"天宁{serial}", serial=serial, join_date=day)
    # stations are reported: 武进 reports 4 + 4 (Q1 accepted, Q3 submitted), 天宁 9 but only in a draft
    for org, quarter, value, status in [
        (world.wujin, 1, 4, ReportStatus.ACCEPTED),
        (world.wujin, 3, 4, ReportStatus.SUBMITTED),
        (world.tianning, 3, 9, ReportStatus.DRAFT),
    ]:
        report = QuarterlyReport.objects.create(
            org=org, year=2026, quarter=quarter, status=status, due_date=D(2026, 10, 10)
        )
        ReportValue.objects.create(
            report=report, indicator=Indicator.objects.get(key="union_social_workers"), value=value
        )
    return world


def test_board_reference_figures(plan):
    world = plan
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert board.as_of == D(2026, 9, 30)
    assert board.expected == Decimal("0.7479")  # 273 / 365
    wujin = next(row for row in board.units if row.unit == world.wujin)
    tianning = next(row for row in board.units if row.unit == world.tianning)
    assert wujin.cells["members_recruited"].actual == 3
    assert wujin.cells["members_recruited"].completion == Decimal("0.7500")
    assert wujin.cells["members_recruited"].light == Light.GREEN  # 0.75 ≥ 0.7479
    assert tianning.cells["members_recruited"].completion == Decimal("0.3333")
    assert tianning.cells["members_recruited"].light == Light.RED  # 41 points behind
    assert wujin.cells["union_social_workers"].actual == 8  # a draft does not count
    assert tianning.cells["union_social_workers"].actual is None
    assert tianning.cells["union_social_workers"].light == Light.NONE
    assert board.own.cells["members_recruited"].actual == 5
    assert board.own.cells["members_recruited"].completion == Decimal("0.5000")
    # Assessment: 武进 60 × 0.75 + 40 × 0.8 = 77; 天宁 60 × 0.3333 + 0 = 20.00
    assert [row.unit for row in board.units] == [world.wujin, world.tianning]
    assert wujin.score == Decimal("77.00") and wujin.rank == 1
    assert tianning.score == Decimal("20.00") and tianning.rank == 2
    assert board.indicator_ranks["members_recruited"] == {world.wujin.pk: 1, world.tianning.pk: 2}
    assert board.weights == {"members_recruited": Decimal("60.00"), "union_social_workers": Decimal("40.00")}
    assert not board.weight_errors
    assert [cell.unit for cell in board.behind] == [world.tianning]
    assert "within=" in wujin.cells["members_recruited"].link


def test_board_is_limited_to_the_users_scope(plan):
    world = plan
    board = progress_board(world.wujin_admin, world.wujin, 2026, 3)
    assert board.units == []  # 武进 broke nothing down further
    assert board.own.cells["members_recruited"].target == 4
    city_view = progress_board(world.wujin_admin, world.city, 2026, 3)
    assert [row.unit for row in city_view.units] == [world.wujin]  # 天宁 is outside 武进's scope


def test_month_basis_and_margin_from_the_plan(plan):
    world = plan
    Plan.objects.filter(org=world.city).update(progress_basis="month", yellow_margin=Decimal(50))
    board = progress_board(world.city_admin, world.city, 2026, 3)
    assert board.expected == Decimal("0.7500")
    tianning = next(row for row in board.units if row.unit == world.tianning)
    assert tianning.cells["members_recruited"].light == Light.YELLOW  # 42 points behind, margin 50


@pytest.mark.django_db
def test_demo_targets_tell_a_story():
    from gonghui.members.demo import load_demo_members
    from gonghui.orgs.demo import load_demo

    load_demo(scale=0.2)
    load_demo_members(scale=0.2)
    today = timezone.localdate()
    result = load_demo_targets(today=today)
    assert not result.skipped and result.plans > 5 and result.reports > 10 and result.tasks == 8
    assert load_demo_targets(today=today).skipped
    city = Organization.objects.get(code="GH320400")
    figures.refresh(today.year)
    from gonghui.accounts.models import User

    admin = User.objects.get(username="city_admin")
    board = progress_board(admin, city, today.year, 3)
    lights = {cell.light for row in board.units for cell in row.cells.values()}
    assert {Light.GREEN, Light.RED} <= lights
    assert not board.weight_errors and board.units[0].rank == 1
    assert QuarterlyReport.objects.filter(status=ReportStatus.RETURNED).exists()
    assert set(Task.objects.values_list("state", flat=True)) == {
        "assigned",
        "received",
        "in_progress",
        "reported",
        "closed",
    }


def test_composite_indicator_is_the_weighted_completion_of_its_components(plan):
    """综合型指标: no figure of its own; the weighted average of its components' completion, renormalised
    over the components that have one, in the board, the trend and the ranking, and never in a report."""
    from gonghui.core.context import actor
    from gonghui.targets import services
    from gonghui.targets.selectors import quarter_trend
    from gonghui.targets.services_reports import report_indicators

    world = plan
    with actor(world.sysadmin):
        composite = services.indicator_create(
            user=world.sysadmin,
            data={
                "key": "service_index",
                "name": "服务综合指数",
                "unit": "%",
                "category": "综合",
                "kind": "composite",
                "components": [
                    {"key": "members_recruited", "weight": 60},
                    {"key": "union_social_workers", "weight": 40},
                ],
            },
        )
    whole = _target(Plan.objects.get(org=world.city), world.city, "service_index", 100)
    for org in (world.wujin, world.tianning):
        _target(Plan.objects.get(org=org), org, "service_index", 100, assigned_by=world.city, parent=whole)
    board = progress_board(world.city_admin, world.city, 2026, 3)
    cells = {row.unit: row.cells["service_index"] for row in board.units}
    # 武进: recruited 3/4 = 75%, stations 8/10 = 80% → 0.6 × 75 + 0.4 × 80 = 77%
    assert cells[world.wujin].completion == Decimal("0.7700") and cells[world.wujin].actual is None
    # 天宁: recruited 2/6 = 33.33%, stations only in a draft → the recruited part alone
    assert cells[world.tianning].completion == Decimal("0.3333")
    assert cells[world.tianning].light == Light.RED
    # the city's own: recruited 5/10 = 50%; stations are reported per unit and the city filed no report
    assert board.own.cells["service_index"].completion == Decimal("0.5000")
    assert quarter_trend(world.city_admin, world.city, 2026, board.indicators)["service_index"][2] == Decimal("0.5")
    assert composite not in report_indicators(world.wujin, 2026)
