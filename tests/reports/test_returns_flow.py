"""Accepted annual returns feed the targets: a target on 职工人数(统计年报) shows the returns' figures (with their
corrections) in the progress board, the ranking and the quarterly bulletin."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.reports import services_returns as services
from gonghui.targets.bulletins import bulletin_data
from gonghui.targets.models import Indicator, Plan, Target
from gonghui.targets.selectors import progress_board
from tests.reports.returns_helpers import YEAR, fill_manual, open_campaign, return_of

pytestmark = pytest.mark.django_db


def test_return_figures_reach_the_board_the_ranking_and_the_bulletin(world):
    indicator = Indicator.objects.get(key="returns_staff")
    assert indicator.is_computed and indicator.category == "统计年报"
    plan = Plan.objects.create(org=world.city, year=YEAR, title="市总年度计划")
    whole = Target.objects.create(
        plan=plan,
        org=world.city,
        indicator=indicator,
        year=YEAR,
        value=Decimal(300),
        weight=Decimal(100),
        assigned_by=world.city,
    )
    for org in (world.wujin, world.tianning):
        Target.objects.create(
            plan=plan,
            org=org,
            indicator=indicator,
            year=YEAR,
            value=Decimal(150),
            weight=Decimal(100),
            assigned_by=world.city,
            parent=whole,
        )
    campaign = open_campaign(world)
    ret = services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    fill_manual(world.chair, ret, **{"10": {"value": "135", "reason": "新招 15 名职工，用人单位登记未更新"}})
    services.return_submit(user=world.chair, unit_return=ret)
    services.return_accept(user=world.wujin_admin, unit_return=ret)

    board = progress_board(world.city_admin, world.city, YEAR, 4)
    rows = {row.unit.name: row for row in board.units}
    assert rows["武进区总工会"].cells["returns_staff"].actual == 135
    assert rows["天宁区总工会"].cells["returns_staff"].actual in (0, None)
    assert board.own.cells["returns_staff"].actual == 135
    assert board.units[0].unit.name == "武进区总工会"  # ranked first

    bulletin = bulletin_data(world.city_admin, world.city, YEAR, 4)
    assert any(line.name == "职工人数(统计年报)" and line.actual == 135 for line in bulletin.indicators)
    assert bulletin.ranking[0].unit == "武进区总工会"
