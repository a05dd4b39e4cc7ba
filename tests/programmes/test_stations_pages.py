import datetime
import io

import pytest
from django.urls import reverse
from PIL import Image
from python_calamine import CalamineWorkbook

from gonghui.programmes import services_stations
from gonghui.programmes.models import CHECKLIST, Inspection, Station, StationPhoto, UsageReport
from tests.programmes.helpers import make_station
from tests.testing import CrudSuite

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


class TestStationPages(CrudSuite):
    model = Station
    list_url_name = "programmes:station_list"
    detail_url_name = "programmes:station_detail"
    add_url_name = "programmes:station_add"
    edit_url_name = "programmes:station_edit"
    delete_url_name = "programmes:station_delete"

    def make_object(self, world, org):
        admin = world.wujin_admin if org.region_code == "320412" else world.tianning_admin
        return make_station(admin, org)

    def form_data(self, world, org):
        return {
            "org": org.pk,
            "name": "新登记的驿站",
            "host_type": "street_office",
            "host_name": "湖塘镇人民政府",
            "address": "湖塘镇长虹路8号",
            "region_code": org.region_code,
            "lat": "31.720300",
            "lng": "119.970300",
            "coord_system": "bd09",
            "opening_hours": "全天开放",
            "facilities": ["water", "toilet"],
            "star_rating": "2",
            "star_rated_on": "2026-03-01",
            "star_grounds": "2026年星级驿站评定",
            "status": "operating",
            "build_kind": "upgraded",
            "built_on": "2026-02-01",
            "inspection_interval_days": "60",
        }

    def created(self, world, data):
        return Station.objects.filter(name=data["name"]).first()

    def edit_data(self, world, obj):
        data = self.form_data(world, obj.org)
        data["name"] = obj.name
        return data


def test_list_filters_by_facility_status_and_built_dates(client, world):
    admin = world.wujin_admin
    make_station(admin, world.hutang, name="有卫生间", facilities=["water", "toilet"])
    make_station(admin, world.hutang, name="没卫生间", facilities=["water"])
    make_station(admin, world.hutang, name="暂停的", status="suspended", facilities=["toilet"])
    client.force_login(admin)
    url = reverse("programmes:station_list")
    body = client.get(url, {"facility": ["toilet", "water"]}).content.decode()
    assert "有卫生间" in body and "没卫生间" not in body and "暂停的" not in body
    body = client.get(url, {"status": "suspended"}).content.decode()
    assert "暂停的" in body and "有卫生间" not in body
    later = (TODAY + datetime.timedelta(days=1)).isoformat()
    body = client.get(url, {"built_from": later}).content.decode()
    assert "没有符合条件的驿站" in body
    body = client.get(url, {"within": world.hutang.pk, "q": "有卫"}).content.decode()
    assert "有卫生间" in body and "没卫生间" not in body


def test_export_has_facility_labels(client, world):
    make_station(world.wujin_admin, world.hutang)
    client.force_login(world.wujin_admin)
    response = client.get(reverse("programmes:station_list") + "?export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert "服务设施" in rows[0]
    assert "饮水、充电、微波炉" in rows[1]


def test_detail_shows_converted_coordinates(client, world):
    station = make_station(world.wujin_admin, world.hutang)
    client.force_login(world.wujin_admin)
    body = client.get(station.get_absolute_url()).content.decode()
    assert f"{station.wgs_lat:.6f}"[:7] in body
    assert "GCJ-02 31.7203, 119.9703" in body or "GCJ-02 31.720300" in body or "31.7203" in body


def test_inspection_form_and_reinspection_through_pages(client, world):
    station = make_station(world.wujin_admin, world.hutang)
    client.force_login(world.wujin_admin)
    url = reverse("programmes:inspection_add", args=[station.pk])
    response = client.post(
        url,
        {
            "inspected_on": TODAY.isoformat(),
            "inspector": "张三",
            "passed_items": ["signage", "hours"],
            "result": "passed",
        },
    )
    assert response.status_code == 200
    assert "结论不能是“合格”" in response.content.decode()
    assert not Inspection.objects.exists()
    response = client.post(
        url,
        {
            "inspected_on": TODAY.isoformat(),
            "inspector": "张三",
            "passed_items": ["signage", "hours"],
            "result": "needs_fix",
            "issues_found": "饮水机故障",
            "fix_deadline": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    first = Inspection.objects.get()
    body = client.get(station.get_absolute_url()).content.decode()
    assert "饮水机故障" in body and f'value="{first.pk}"' in body
    response = client.post(
        url,
        {
            "follow_up_of": first.pk,
            "inspected_on": TODAY.isoformat(),
            "inspector": "张三",
            "passed_items": [code for code, _label in CHECKLIST],
            "result": "passed",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.fixed_on == TODAY


def test_usage_and_photo_through_pages(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    station = make_station(world.wujin_admin, world.hutang)
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("programmes:usage_save", args=[station.pk]), {"month": TODAY.strftime("%Y-%m"), "visits": "321"}
    )
    assert response.status_code == 302
    assert UsageReport.objects.get().visits == 321
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    buffer.name = "station.png"
    buffer.seek(0)
    response = client.post(reverse("programmes:photo_add", args=[station.pk]), {"image": buffer, "caption": "门头"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    photo = StationPhoto.objects.get()
    response = client.get(reverse("programmes:photo_file", args=[station.pk, photo.pk]))
    assert response.status_code == 200
    fake = io.BytesIO(b"not an image")
    fake.name = "fake.png"
    response = client.post(reverse("programmes:photo_add", args=[station.pk]), {"image": fake})
    assert "不是有效的图片" in response.content.decode()
    assert StationPhoto.objects.count() == 1


def test_other_subtree_gets_404_on_every_station_page(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    station = make_station(world.tianning_admin, world.chashan)
    inspection = services_stations.inspection_create(
        user=world.tianning_admin,
        station=station,
        data={
            "inspected_on": TODAY,
            "inspector": "x",
            "passed_items": [],
            "result": "needs_fix",
            "issues_found": "x",
            "fix_deadline": TODAY,
        },
    )
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    buffer.name = "p.png"
    buffer.seek(0)
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = services_stations.station_photo_add(
        user=world.tianning_admin, station=station, image=SimpleUploadedFile("p.png", buffer.getvalue())
    )
    client.force_login(world.wujin_admin)
    gets = [
        reverse("programmes:station_detail", args=[station.pk]),
        reverse("programmes:station_edit", args=[station.pk]),
        reverse("programmes:station_delete", args=[station.pk]),
        reverse("programmes:photo_file", args=[station.pk, photo.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("programmes:inspection_add", args=[station.pk]),
        reverse("programmes:inspection_delete", args=[station.pk, inspection.pk]),
        reverse("programmes:usage_save", args=[station.pk]),
        reverse("programmes:photo_add", args=[station.pk]),
        reverse("programmes:photo_delete", args=[station.pk, photo.pk]),
        reverse("programmes:station_delete", args=[station.pk]),
    ]
    for url in posts:
        assert client.post(url, {"month": "2026-01", "visits": 1}).status_code == 404, url
    assert Inspection.objects.count() == 1 and StationPhoto.objects.count() == 1
    for name in ("programmes:station_list", "programmes:station_map", "programmes:station_overdue"):
        body = client.get(reverse(name)).content.decode()
        assert station.name not in body, name


def test_overdue_page_lists_own_and_below(client, world):
    make_station(world.chair, world.wujin_union, name="久未巡查驿站", built_on=TODAY - datetime.timedelta(days=300))
    make_station(
        world.tianning_admin, world.chashan, name="天宁超期驿站", built_on=TODAY - datetime.timedelta(days=300)
    )
    client.force_login(world.wujin_admin)
    body = client.get(reverse("programmes:station_overdue")).content.decode()
    assert "久未巡查驿站" in body and "天宁超期驿站" not in body and "超期天数" in body
    client.force_login(world.chair)
    assert "久未巡查驿站" in client.get(reverse("programmes:station_overdue")).content.decode()


def test_map_page_has_points_in_tile_system(client, world, settings):
    station = make_station(world.wujin_admin, world.hutang)
    client.force_login(world.wujin_admin)
    settings.MAP_TILE_COORDS = "gcj02"
    body = client.get(reverse("programmes:station_map")).content.decode()
    assert '"lat": 31.7203' in body and "未配置地图底图" in body
    settings.MAP_TILE_COORDS = "wgs84"
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    body = client.get(reverse("programmes:station_map")).content.decode()
    assert f'"lat": {round(station.wgs_lat, 6)}' in body and "tiles.example" in body
