"""The public 附近驿站 page: no login, operating stations only, nearest first."""

import pytest
from django.urls import reverse

from gonghui.programmes import geo
from tests.programmes.helpers import CHASHAN, HUTANG, make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def stations(world):
    return {
        "hutang": make_station(world.wujin_admin, world.hutang, name="湖塘驿站"),
        "chashan": make_station(world.tianning_admin, world.chashan, name="茶山驿站", facilities=["toilet"]),
        "paused": make_station(
            world.wujin_admin, world.hutang, name="暂停驿站", status="suspended", lat=HUTANG[0], lng=HUTANG[1]
        ),
    }


def test_needs_no_login_and_lists_nearest_operating_first(client, stations):
    lat, lng = geo.gcj02_to_wgs84(*CHASHAN)  # the browser gives WGS-84
    response = client.get(reverse("station_nearby"), {"lat": f"{lat:.6f}", "lng": f"{lng:.6f}"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("茶山驿站") < body.index("湖塘驿站")
    assert "暂停驿站" not in body
    assert "每天 8:00-20:00" in body and "微波炉" in body


def test_typed_district(client, stations):
    body = client.get(reverse("station_nearby"), {"place": "武进"}).content.decode()
    assert "离江苏省常州市武进区最近" in body
    assert body.index("湖塘驿站") < body.index("茶山驿站")


def test_typed_street_from_addresses_and_facility_filter(client, stations):
    body = client.get(reverse("station_nearby"), {"place": "茶山路", "facility": "toilet"}).content.decode()
    assert "茶山驿站" in body and "湖塘驿站" not in body


def test_unknown_place_and_bad_position_say_what_to_do(client, stations):
    body = client.get(reverse("station_nearby"), {"place": "火星基地"}).content.decode()
    assert "没有找到“火星基地”的驿站" in body
    body = client.get(reverse("station_nearby"), {"lat": "abc", "lng": "1"}).content.decode()
    assert "无法识别您的位置" in body


def test_empty_page_offers_both_ways(client, db):
    body = client.get(reverse("station_nearby")).content.decode()
    assert "按我的位置查找" in body and "或输入所在区县" in body
