"""A statistics-year 2026 campaign over the test world, with members dated in and out of the window."""

from __future__ import annotations

import datetime

from gonghui.accounts.models import Role
from gonghui.reports import services_returns as services
from gonghui.reports.models import UnitReturn
from tests.members.helpers import add_member
from tests.world import make_user

YEAR = 2026
DEADLINE = datetime.date(2026, 11, 15)


def open_campaign(world, *, org=None, user=None):
    return services.campaign_open(user=user or world.city_admin, org=org or world.city, year=YEAR, deadline=DEADLINE)


def return_of(campaign, org) -> UnitReturn:
    return UnitReturn.objects.get(campaign=campaign, org=org)


def add_members(world):
    """武进甲公司工会: 3 members on the roll at 30 Sep 2026 (one joined in the window, one courier), one who left
    before the window ended; 天宁乙公司工会: 2 members."""
    union = world.wujin_union
    add_member(world, union, name="张一", serial=11, join_date=datetime.date(2020, 1, 5))
    add_member(world, union, name="李二", serial=12, join_date=datetime.date(2025, 11, 2), is_migrant_worker=True)
    add_member(
        world,
        union,
        name="王三",
        serial=13,
        join_date=datetime.date(2026, 3, 1),
        employment_category="new_employment",
        new_employment_type="courier",
    )
    add_member(world, union, name="未来人", serial=14, join_date=datetime.date(2026, 10, 20))
    add_member(world, world.tianning_union, name="赵四", serial=21, join_date=datetime.date(2019, 6, 1))
    add_member(world, world.tianning_union, name="钱五", serial=22, join_date=datetime.date(2019, 6, 1))


def town_admin(world):
    user = make_user("hutang_admin", world.hutang)
    user.roles.set(Role.objects.filter(code="union_admin"))
    return user


def fill_manual(user, ret, **extra):
    """Fill every hand-entered row of a grassroots return and the preparer, as a unit would."""
    entries = {
        "12": {"value": "1"},
        "13": {"value": "1"},
        "32": {"value": "5"},
        "33": {"value": "2"},
        "50": {"value": "是"},
        "51": {"value": "1"},
        "52": {"value": "是"},
    }
    entries.update(extra)
    return services.return_save(
        user=user, unit_return=ret, entries=entries, people={"preparer_name": "周填报", "head_name": "吴主席"}
    )


def fill_above(user, ret, **people):
    """Fill the hand-entered rows of an above-grassroots return (those whose source module is not installed)."""
    from gonghui.reports import returns as forms

    entries = {field.code: {"value": "0"} for field in forms.ABOVE_FORM.fields if field.is_manual_now()}
    people = {"preparer_name": "孙填报", **people}
    return services.return_save(user=user, unit_return=ret, entries=entries, people=people)
