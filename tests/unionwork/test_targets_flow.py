"""The union-work indicators flow into targets: the progress board (read by the progress page, ranking,
dashboard, API and bulletin) shows the computed actuals per district, ranks them, and the bulletin prints
them; a joint-meeting decision past its deadline is in the bulletin's overdue tasks."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from gonghui.targets import bulletins, figures
from gonghui.targets.models import Indicator, IndicatorSource, Plan, Target, Task
from gonghui.targets.selectors import progress_board
from gonghui.unionwork import services_meetings
from gonghui.utilities.periods import Period
from tests.unionwork.helpers import TODAY, course, dues, meeting, trainee

pytestmark = pytest.mark.django_db
KEYS = ("dues_collected", "trainings_held", "union_chairs_trained")
YEAR = TODAY.year
QUARTER = (TODAY.month - 1) // 3 + 1
MONTH = TODAY.replace(day=1)


def test_the_three_indicators_are_computed():
    for key in KEYS:
        assert Indicator.objects.get(key=key).source == IndicatorSource.COMPUTED, key


def _targets(world):
    city_plan = Plan.objects.create(org=world.city, year=YEAR, title="市总年度计划", created_by=world.city_admin)
    values = {"dues_collected": (Decimal("10000"), Decimal("2000")), "trainings_held": (4, 2),
              "union_chairs_trained": (4, 2)}  # fmt: skip
    parents = {}
    for key, (city_value, _district) in values.items():
        parents[key] = Target.objects.create(plan=city_plan, org=world.city, indicator=Indicator.objects.get(key=key),
                                             year=YEAR, value=Decimal(city_value), weight=Decimal(30) if key !=
                                             "dues_collected" else Decimal(40), assigned_by=world.city)  # fmt: skip
    for org in (world.wujin, world.tianning):
        plan = Plan.objects.create(org=org, year=YEAR, title=f"{org.name}计划")
        for key, (_city, district_value) in values.items():
            Target.objects.create(
                plan=plan,
                org=org,
                indicator=parents[key].indicator,
                year=YEAR,
                value=Decimal(district_value),
                assigned_by=world.city,
                parent=parents[key],
            )


def test_board_ranking_and_bulletin_read_the_records(world, settings):
    settings.TARGETS_FIGURES_MAX_LAG = 0
    _targets(world)
    dues(world.wujin_admin, world.wujin_employer, MONTH, "100000", "2000.00", paid_on=MONTH)
    dues(world.tianning_admin, world.tianning_employer, MONTH, "100000", "500.50", paid_on=MONTH)
    wujin_course = course(world.wujin_admin, world.hutang, start_on=MONTH, end_on=MONTH)
    trainee(world.wujin_admin, wujin_course, "主席甲", chair=True)
    trainee(world.wujin_admin, wujin_course, "主席乙", chair=True)
    figures.refresh(YEAR)
    values = figures.values(KEYS, [world.wujin, world.tianning, world.city], Period.year_of(YEAR))
    assert values[("dues_collected", world.city.pk)] == Decimal("2500.50")
    assert values[("union_chairs_trained", world.wujin.pk)] == 2
    board = progress_board(world.city_admin, world.city, YEAR, QUARTER)
    wujin = next(row for row in board.units if row.unit == world.wujin)
    tianning = next(row for row in board.units if row.unit == world.tianning)
    assert wujin.cells["dues_collected"].actual == Decimal("2000.00")
    assert tianning.cells["dues_collected"].actual == Decimal("500.50")
    assert wujin.cells["trainings_held"].actual == 1 and tianning.cells["trainings_held"].actual == 0
    assert wujin.cells["union_chairs_trained"].actual == 2
    assert "unionwork/dues/" in wujin.cells["dues_collected"].link
    assert wujin.rank == 1 and tianning.rank == 2
    # a decision of the joint meeting, overdue, is named in the bulletin with the figures
    item = meeting(world.tianning_admin, world.tianning)
    decision = services_meetings.decision_add(
        user=world.tianning_admin, meeting=item,
        data={"title": "落实工会经费税务代收", "lead_department": "区税务局", "lead_unit": world.chashan,
              "deadline": TODAY + datetime.timedelta(days=5), "description": ""},
    )  # fmt: skip
    Task.objects.filter(pk=decision.task_id).update(deadline=TODAY - datetime.timedelta(days=3))
    data = bulletins.bulletin_data(world.city_admin, world.city, YEAR, QUARTER, today=TODAY)
    lines = {line.name: line for line in data.indicators}
    assert lines["工会经费收缴"].actual == Decimal("2500.50")
    assert lines["培训工会干部"].actual == 2
    assert [line.unit for line in data.ranking][:2] == ["武进区总工会", "天宁区总工会"]
    assert any("落实工会经费税务代收" in task.title for task in data.overdue_tasks)
