"""competitions_held and competition_participants: live values, rolled-up figures and a naive count agree."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.honours.models import Competition, CompetitionParticipant
from gonghui.orgs.models import Organization
from gonghui.targets import figures, sources
from gonghui.targets.models import Indicator, IndicatorSource
from gonghui.utilities.periods import Period
from tests.honours.helpers import D, add_participant, make_competition

pytestmark = pytest.mark.django_db

PERIODS = [Period.quarter_of(2026, 2), Period.quarter_of(2026, 3), Period.year_of(2026)]


@pytest.fixture
def records(world):
    city = make_competition(
        world, world.city, user=world.city_admin, launched=True, name="市竞赛", start_date=D(2026, 4, 10)
    )
    wujin = make_competition(world, world.wujin, launched=True, name="武进竞赛", start_date=D(2026, 8, 1))
    make_competition(world, world.tianning, launched=True, name="天宁竞赛", start_date=D(2026, 5, 20))
    make_competition(world, world.tianning, name="天宁筹备", start_date=D(2026, 6, 1))  # not launched: not held
    make_competition(world, world.hutang, user=world.wujin_admin, launched=True, name="去年", start_date=D(2025, 9, 1))
    add_participant(world, city, world.wujin_union, name="甲", serial=1)
    add_participant(world, city, world.tianning_union, name="乙", serial=2)
    add_participant(world, city, world.tianning_union, name="丙", serial=3)
    add_participant(world, wujin, world.wujin_union, name="丁", serial=4)
    return world


def naive(key: str, unit: Organization, period: Period) -> int:
    held = ("running", "concluded")
    if key == "competitions_held":
        rows = Competition.objects.filter(status__in=held, start_date__gte=period.start, start_date__lte=period.end)
        return sum(1 for row in rows if row.org.path.startswith(unit.path))
    rows = CompetitionParticipant.objects.filter(
        competition__status__in=held,
        competition__start_date__gte=period.start,
        competition__start_date__lte=period.end,
    )
    return sum(1 for row in rows if row.org.path.startswith(unit.path))


@pytest.mark.parametrize("key", ["competitions_held", "competition_participants"])
@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_live_rolled_up_and_naive_agree(records, key, period):
    units = list(Organization.objects.order_by("path"))
    figures.refresh(2026)
    live = sources.values_by_unit(key, units, period)
    rolled = figures.values([key], units, period)
    for unit in units:
        expected = Decimal(naive(key, unit, period))
        assert sources.value(key, unit, period) == expected, unit.name
        assert live[unit.pk] == expected, unit.name
        assert rolled[(key, unit.pk)] == expected, unit.name


def test_reference_figures(records):
    year = Period.year_of(2026)
    assert sources.value("competitions_held", records.city, year) == 3
    assert sources.value("competition_participants", records.tianning, year) == 2
    assert sources.value("competition_participants", records.wujin, year) == 2


def test_indicators_are_computed_and_link_to_their_records(records):
    for key in ("competitions_held", "competition_participants"):
        assert Indicator.objects.get(key=key).source == IndicatorSource.COMPUTED
        link = sources.get(key).records_link(records.wujin, Period.year_of(2026))
        assert "within=" in link and "held=1" in link


def test_writes_mark_the_figures_stale(records):
    marker = figures.refresh(2026)
    assert not marker.stale
    make_competition(records, records.wujin, launched=True, name="新竞赛", start_date=D(2026, 10, 1))
    marker.refresh_from_db()
    assert marker.stale
