"""The honours indicators flow into targets: progress_board (read by the progress page, ranking, dashboard,
API and bulletin) shows the computed actuals for each district and ranks them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.core.context import actor
from gonghui.honours import services_reform
from gonghui.targets.models import Indicator, IndicatorSource, Plan, Target
from gonghui.targets.selectors import progress_board
from tests.honours.helpers import D, add_participant, award, make_competition, nominate

pytestmark = pytest.mark.django_db

KEYS = (
    "competitions_held",
    "competition_participants",
    "model_workers",
    "innovation_studios",
    "reform_pilot_enterprises",
    "reform_demo_sites",
)


def test_every_honours_indicator_is_computed():
    for key in KEYS:
        assert Indicator.objects.get(key=key).source == IndicatorSource.COMPUTED, key


def test_board_shows_the_records_behind_the_targets(world, settings):
    settings.TARGETS_FIGURES_MAX_LAG = 0
    city_plan = Plan.objects.create(org=world.city, year=2026, title="市总2026年计划")
    parents = {}
    for key in ("competitions_held", "competition_participants", "model_workers", "reform_demo_sites"):
        parents[key] = Target.objects.create(
            plan=city_plan,
            org=world.city,
            indicator=Indicator.objects.get(key=key),
            year=2026,
            value=Decimal(4),
            weight=Decimal(25),
            assigned_by=world.city,
        )
    for org in (world.wujin, world.tianning):
        plan = Plan.objects.create(org=org, year=2026, title=f"{org.name}计划")
        for parent in parents.values():
            Target.objects.create(
                plan=plan,
                org=org,
                indicator=parent.indicator,
                year=2026,
                value=Decimal(2),
                assigned_by=world.city,
                parent=parent,
            )
    competition = make_competition(world, world.wujin, launched=True, start_date=D(2026, 5, 1))
    add_participant(world, competition, world.wujin_union, name="选手甲", serial=1)
    add_participant(world, competition, world.wujin_union, name="选手乙", serial=2)
    award(world, nominate(world, world.tianning_union, name="天宁劳模", serial=3), awarded_on=D(2026, 4, 28))
    with actor(world.wujin_admin):
        services_reform.demo_site_create(
            user=world.wujin_admin,
            data={
                "org": world.hutang,
                "name": "湖塘示范点",
                "level": "town",
                "named_on": D(2026, 6, 1),
                "named_by": "区总工会",
            },
        )
    board = progress_board(world.city_admin, world.city, 2026, 3)
    wujin = next(row for row in board.units if row.unit == world.wujin)
    tianning = next(row for row in board.units if row.unit == world.tianning)
    assert wujin.cells["competitions_held"].actual == 1
    assert wujin.cells["competition_participants"].actual == 2
    assert wujin.cells["reform_demo_sites"].actual == 1
    assert tianning.cells["model_workers"].actual == 1
    assert wujin.cells["model_workers"].actual == 0
    assert board.own.cells["competition_participants"].actual == 2
    assert "honours/participants/" in wujin.cells["competition_participants"].link
    assert wujin.rank == 1
