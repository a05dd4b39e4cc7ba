"""驿站地图 and 附近驿站 in a real browser."""

import pytest

from gonghui.orgs.models import Organization
from gonghui.programmes import selectors_stations
from gonghui.programmes.demo import load_demo_programmes
from gonghui.programmes.models import Station, StationStatus

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_stations(demo_city):
    load_demo_programmes()
    return demo_city


def test_map_shows_stations_in_scope_and_filters_narrow_them(page, demo_stations, log_in):
    wujin = Organization.objects.get(code="GH320412")
    in_scope = Station.objects.filter(org__path__startswith=wujin.path).exclude(status=StationStatus.REVOKED)
    total = in_scope.count()
    assert total > 0 and total < Station.objects.exclude(status=StationStatus.REVOKED).count()
    with_toilet = selectors_stations.with_facilities(in_scope, ["toilet"]).count()
    operating_with_toilet = selectors_stations.with_facilities(
        in_scope.filter(status=StationStatus.OPERATING), ["toilet"]
    ).count()
    assert 0 < with_toilet < total

    log_in(page, "wujin_admin")
    page.get_by_role("link", name="驿站地图").first.click()
    page.wait_for_url("**/programmes/stations/map/")
    assert page.evaluate("typeof window.L") == "object"
    counter = page.get_by_test_id("map-count")
    assert counter.inner_text() == f"显示 {total} / {total} 个驿站"
    assert "未配置地图底图" in page.content()  # no tiles configured: points on a plain background
    assert page.evaluate("document.querySelector('#map')._leaflet_id") is not None  # Leaflet drew the map

    page.get_by_label("卫生间").check()
    assert counter.inner_text() == f"显示 {with_toilet} / {total} 个驿站"
    for label in ("建设中", "暂停"):
        page.locator("#map-filters").get_by_label(label, exact=True).uncheck()
    assert counter.inner_text() == f"显示 {operating_with_toilet} / {total} 个驿站"
    assert page.js_errors == []


def test_phone_finds_the_nearest_operating_station(browser, live_server, demo_stations):
    station = Station.objects.filter(status=StationStatus.OPERATING).order_by("pk")[5]
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": station.wgs_lat, "longitude": station.wgs_lng},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.goto("/nearby/")  # no login
        page.get_by_role("button", name="按我的位置查找").click()
        page.wait_for_url("**/nearby/?*lat=*")
        first = page.locator("#results .station").first
        first.wait_for()
        expected = selectors_stations.nearest(
            selectors_stations.public_stations(), station.wgs_lat, station.wgs_lng, limit=1
        )[0]
        assert expected.station.name in first.inner_text()
        assert "米" in first.locator(".dist").inner_text()
        # The whole list is the exact ten nearest, nearest first (the phone sent WGS-84 from its GPS).
        lat, lng = (float(value) for value in page.evaluate(
            "[new URL(location.href).searchParams.get('lat'), new URL(location.href).searchParams.get('lng')]"
        ))  # fmt: skip
        ten = selectors_stations.nearest(selectors_stations.public_stations(), lat, lng, limit=10)
        shown = page.locator("#results .station h2").all_inner_texts()
        assert [name.split(" ")[0] for name in shown] == [item.station.name for item in ten]
        # Typing a district instead lists that district's stations first.
        page.goto("/nearby/")
        page.get_by_label("或输入所在区县、街道或路名").fill("溧阳")
        page.get_by_role("button", name="查找", exact=True).click()
        page.locator("#results").wait_for()
        assert "离江苏省常州市溧阳市最近" in page.content()
    finally:
        context.close()
