import datetime

import pytest

from gonghui.programmes import geo
from gonghui.programmes.models import Inspection, Station
from tests.orgs.test_api import bearer
from tests.orgs.test_api import token_for as _token
from tests.programmes.helpers import HUTANG, make_station

pytestmark = pytest.mark.django_db


def token_for(user):
    return bearer(_token(user))


TODAY = datetime.date.today()


def payload(org, **extra):
    data = {
        "org_id": org.pk,
        "name": "接口登记驿站",
        "host_type": "bank",
        "host_name": "某银行",
        "address": "湖塘镇1号",
        "region_code": org.region_code,
        "lat": 31.7203,
        "lng": 119.9703,
        "coord_system": "gcj02",
        "opening_hours": "全天",
        "facilities": ["water", "toilet"],
        "built_on": TODAY.isoformat(),
    }
    data.update(extra)
    return data


def test_create_get_patch_list(client, world):
    headers = token_for(world.wujin_admin)
    response = client.post("/api/stations", payload(world.hutang), content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["facilities"] == ["water", "toilet"]
    assert (body["wgs_lat"], body["wgs_lng"]) == pytest.approx(geo.gcj02_to_wgs84(*HUTANG), abs=1e-6)
    pk = body["id"]
    response = client.patch(f"/api/stations/{pk}", {"star_rating": 4}, content_type="application/json", **headers)
    assert response.status_code == 422 and "评星日期" in response.json()["detail"]
    response = client.patch(
        f"/api/stations/{pk}",
        {"star_rating": 4, "star_rated_on": TODAY.isoformat(), "star_grounds": "评定文件"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and response.json()["star_rating"] == 4
    listed = client.get("/api/stations?facility=toilet", **headers).json()
    assert [item["id"] for item in listed["items"]] == [pk]
    assert client.get("/api/stations?facility=charging", **headers).json()["count"] == 0
    assert client.get("/api/stations?facility=sauna", **headers).status_code == 422


def test_create_in_other_subtree_is_refused(client, world):
    headers = token_for(world.wujin_admin)
    response = client.post("/api/stations", payload(world.chashan), content_type="application/json", **headers)
    assert response.status_code == 422
    assert not Station.objects.exists()


def test_nearest_orders_by_distance_and_accepts_any_system(client, world):
    admin = world.wujin_admin
    near = make_station(admin, world.hutang, name="近的", lat=31.7203, lng=119.9703)
    far = make_station(admin, world.hutang, name="远的", lat=31.80, lng=119.90)
    make_station(admin, world.hutang, name="暂停的", lat=31.7204, lng=119.9704, status="suspended")
    headers = token_for(admin)
    bd_lat, bd_lng = geo.gcj02_to_bd09(31.7203, 119.9703)
    response = client.get(f"/api/stations/nearest?lat={bd_lat}&lng={bd_lng}&coord_system=bd09&limit=5", **headers)
    assert response.status_code == 200
    rows = response.json()
    assert [row["station"]["id"] for row in rows] == [near.pk, far.pk]
    assert rows[0]["distance_m"] < 1
    assert 9000 < rows[1]["distance_m"] < 12000
    rows = client.get(
        f"/api/stations/nearest?lat={bd_lat}&lng={bd_lng}&coord_system=bd09&any_status=true", **headers
    ).json()
    assert len(rows) == 3
    rows = client.get(
        f"/api/stations/nearest?lat={bd_lat}&lng={bd_lng}&coord_system=bd09&max_distance_m=2000", **headers
    ).json()
    assert [row["station"]["id"] for row in rows] == [near.pk]


def test_inspection_and_usage_endpoints(client, world):
    station = make_station(world.wujin_admin, world.hutang, built_on=TODAY - datetime.timedelta(days=200))
    headers = token_for(world.wujin_admin)
    assert [s["id"] for s in client.get("/api/stations/overdue", **headers).json()["items"]] == [station.pk]
    response = client.post(
        f"/api/stations/{station.pk}/inspections",
        {
            "inspected_on": TODAY.isoformat(),
            "inspector": "张三",
            "passed_items": ["signage"],
            "result": "needs_fix",
            "issues_found": "多项不达标",
            "fix_deadline": TODAY.isoformat(),
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["checklist"]["signage"] is True and first["checklist"]["water"] is False
    assert client.get("/api/stations/overdue", **headers).json()["count"] == 0
    everything = ["signage", "hours", "water", "climate", "clean", "first_aid", "safety", "ledger"]
    response = client.post(
        f"/api/stations/{station.pk}/inspections",
        {
            "inspected_on": TODAY.isoformat(),
            "inspector": "张三",
            "passed_items": everything,
            "result": "passed",
            "follow_up_of_id": first["id"],
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    assert Inspection.objects.get(pk=first["id"]).fixed_on == TODAY
    response = client.put(
        f"/api/stations/{station.pk}/usage",
        {"month": TODAY.isoformat(), "visits": 88},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and response.json()["month"] == TODAY.replace(day=1).isoformat()


def test_other_subtree_gets_404_on_every_endpoint(client, world):
    station = make_station(world.tianning_admin, world.chashan)
    headers = token_for(world.wujin_admin)
    j = {"content_type": "application/json"}
    assert client.get(f"/api/stations/{station.pk}", **headers).status_code == 404
    assert client.patch(f"/api/stations/{station.pk}", {"name": "x"}, **j, **headers).status_code == 404
    assert client.delete(f"/api/stations/{station.pk}", **headers).status_code == 404
    assert client.get(f"/api/stations/{station.pk}/inspections", **headers).status_code == 404
    inspection = {"inspected_on": TODAY.isoformat(), "inspector": "x", "result": "passed", "passed_items": []}
    assert client.post(f"/api/stations/{station.pk}/inspections", inspection, **j, **headers).status_code == 404
    usage = {"month": TODAY.isoformat(), "visits": 1}
    assert client.put(f"/api/stations/{station.pk}/usage", usage, **j, **headers).status_code == 404
    assert client.get("/api/stations", **headers).json()["count"] == 0
    lat, lng = station.wgs_lat, station.wgs_lng
    assert client.get(f"/api/stations/nearest?lat={lat}&lng={lng}", **headers).json() == []
    assert client.get("/api/stations/overdue", **headers).json()["count"] == 0
    station.refresh_from_db()
    assert station.name != "x"


def test_openapi_documents_nearest(client, world):
    client.force_login(world.wujin_admin)
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/stations/nearest"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"lat", "lng", "coord_system", "limit", "facility", "max_distance_m"} <= names
