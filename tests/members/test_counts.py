"""Cumulative member counts and establishment rates: SQL over the subtree, on the org page and in the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.context import actor
from gonghui.members import services
from gonghui.members.selectors import member_counts
from gonghui.orgs.selectors import subtree_counts
from tests.members.helpers import add_member, id_number
from tests.world import make_employer

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world):
    today = timezone.localdate()
    this_year = datetime.date(today.year, 1, 1) if today > datetime.date(today.year, 1, 1) else today
    last_year = datetime.date(today.year - 1, 6, 1)
    woman = id_number(2, "320412", datetime.date(1992, 3, 3))  # even serial: female
    add_member(world, world.wujin_union, name="女职工", serial=2, id_number=woman, join_date=this_year)
    add_member(world, world.wujin_union, name="农民工", serial=3, employment_category="migrant", join_date=last_year)
    add_member(
        world,
        world.wujin_union,
        name="快递员",
        serial=5,
        employment_category="new_employment",
        new_employment_type="courier",
        is_migrant_worker=True,
        join_date=this_year,
    )
    left = add_member(world, world.wujin_union, name="退会者", serial=7, join_date=last_year)
    dead = add_member(world, world.wujin_union, name="已故者", serial=9, join_date=last_year)
    with actor(world.city_admin):
        services.member_leave(user=world.city_admin, member=left, date=today, reason="离职")
        services.member_mark_deceased(user=world.city_admin, member=dead, date=today)
    add_member(world, world.tianning_union, name="天宁甲", serial=11, join_date=last_year)
    add_member(
        world,
        world.tianning_union,
        name="天宁骑手",
        serial=13,
        employment_category="new_employment",
        new_employment_type="delivery_rider",
        join_date=this_year,
    )
    return world


def by_value(rows):
    return {row["value"]: row["count"] for row in rows}


def test_counts_over_a_subtree(registry, django_assert_num_queries):
    world = registry
    with django_assert_num_queries(2):  # one grouped query over the members, one over the join events
        wujin = member_counts(world.wujin)
    assert wujin["active"] == 3
    assert (wujin["left"], wujin["deceased"], wujin["transferred_out"]) == (1, 1, 0)
    assert wujin["women"] == 1
    assert wujin["migrant_workers"] == 2  # the migrant category and the migrant courier
    assert wujin["new_employment"] == 1
    assert by_value(wujin["by_category"]) == {"employee": 1, "migrant": 1, "new_employment": 1}
    assert by_value(wujin["by_new_employment_type"])["courier"] == 1
    assert wujin["joined"] == 2
    city = member_counts(world.city)
    assert city["active"] == 5 and city["new_employment"] == 2 and city["joined"] == 3
    assert by_value(city["by_new_employment_type"]) == {
        "courier": 1,
        "delivery_rider": 1,
        "ride_hailing_driver": 0,
        "truck_driver": 0,
        "live_streamer": 0,
        "other": 0,
    }
    assert member_counts(world.wujin_union)["active"] == 3
    assert member_counts(world.tianning)["active"] == 2


def test_joins_in_a_period(registry):
    today = timezone.localdate()
    counts = member_counts(registry.city, since=datetime.date(today.year - 1, 1, 1), until=today)
    assert counts["joined"] == 7


def test_establishment_rate_by_size_band(world):
    make_employer(world.hutang, 60, name="未建会大企业", staff_count=300)
    make_employer(world.hutang, 61, name="未建会中企业", staff_count=50)
    make_employer(world.hutang, 62, name="小微企业", staff_count=10)
    counts = subtree_counts(world.wujin)
    bands = {row["band"]: row for row in counts["establishment"]}
    assert (bands["100+"]["employers"], bands["100+"]["unionised"], bands["100+"]["rate"]) == (2, 1, 50.0)
    assert (bands["25-99"]["employers"], bands["25-99"]["unionised"], bands["25-99"]["rate"]) == (1, 0, 0.0)


def test_org_page_shows_member_counts(client, registry):
    world = registry
    client.force_login(world.wujin_admin)
    response = client.get(reverse("orgs:org_detail", args=[world.wujin.pk]))
    assert response.status_code == 200
    assert response.context["counts"]["members"]["active"] == 3
    body = response.content.decode()
    assert "在会会员" in body and "建会率" in body and "快递员" in body
    client.force_login(world.sysadmin)  # sees the tree, not the members
    response = client.get(reverse("orgs:org_detail", args=[world.wujin.pk]))
    assert response.context["counts"]["members"] is None
    assert "在会会员" not in response.content.decode()


def test_counts_api(client, registry):
    world = registry
    client.force_login(world.wujin_admin)
    response = client.get(f"/api/orgs/{world.wujin.pk}/member-counts")
    assert response.status_code == 200
    data = response.json()
    assert data["active"] == 3 and data["women"] == 1 and data["org_id"] == world.wujin.pk
    assert client.get(f"/api/orgs/{world.tianning.pk}/member-counts").status_code == 404
    assert client.get(f"/api/orgs/{world.city.pk}/member-counts").status_code == 404
    client.force_login(world.sysadmin)
    assert client.get(f"/api/orgs/{world.wujin.pk}/member-counts").status_code == 403
