"""Plans and targets for tests, made through the real services."""

from __future__ import annotations

from decimal import Decimal

from gonghui.targets import services
from gonghui.targets.models import Indicator, Plan, Target

YEAR = 2026


def indicator(key: str = "unions_established") -> Indicator:
    return Indicator.objects.get(key=key)


def make_plan(world, org, user=None, year: int = YEAR) -> Plan:
    return services.plan_create(user=user or world.city_admin, org=org, year=year, data={})


def city_with_breakdown(world, value=50, wujin=30, tianning=20, key="unions_established") -> Target:
    """The city's own target for ``key`` broken down to both districts."""
    plan = make_plan(world, world.city)
    whole = services.target_set(user=world.city_admin, plan=plan, indicator=indicator(key), value=value, weight=100)
    services.targets_breakdown(
        user=world.city_admin,
        target=whole,
        parts={world.wujin: Decimal(wujin), world.tianning: Decimal(tianning)},
    )
    return whole


def target_of(org, key: str = "unions_established", year: int = YEAR) -> Target | None:
    return Target.objects.filter(org=org, indicator__key=key, year=year).first()
