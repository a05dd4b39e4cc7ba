import datetime
import json

import pytest

from gonghui.programmes.models import JobFair, JobFairEmployer
from tests.orgs.test_api import bearer
from tests.orgs.test_api import token_for as _token
from tests.programmes.test_jobfairs import fair

pytestmark = pytest.mark.django_db
LAST_WEEK = (datetime.date.today() - datetime.timedelta(days=7)).isoformat()


def auth(user):
    return bearer(_token(user))


def send(client, method, url, data, user):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", **auth(user))


def test_create_list_patch_employers_delete(client, world):
    admin = world.wujin_admin
    body = {
        "org_id": world.hutang.pk,
        "name": "接口登记的招聘会",
        "mode": "online",
        "held_on": LAST_WEEK,
        "organiser": "区总工会",
        "positions": 50,
        "applicants": 70,
        "intents": 9,
    }
    response = send(client, "post", "/api/job-fairs", body, admin)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    listed = client.get("/api/job-fairs?mode=online", **auth(admin)).json()
    assert [item["id"] for item in listed["items"]] == [pk]
    response = send(
        client,
        "post",
        f"/api/job-fairs/{pk}/employers",
        {"employer_id": world.wujin_employer.pk, "positions": 8, "applicants": 5},
        admin,
    )
    assert response.status_code == 201 and response.json()["employer_name"] == "武进甲公司"
    row = response.json()["id"]
    assert client.get(f"/api/job-fairs/{pk}", **auth(admin)).json()["positions"] == 8  # summed from the rows
    employers = client.get(f"/api/job-fairs/{pk}/employers", **auth(admin)).json()["items"]
    assert [item["id"] for item in employers] == [row]
    response = send(client, "patch", f"/api/job-fairs/{pk}", {"remark": "已复核"}, admin)
    assert response.status_code == 200 and response.json()["remark"] == "已复核"
    assert client.delete(f"/api/job-fairs/{pk}/employers/{row}", **auth(admin)).status_code == 204
    assert client.delete(f"/api/job-fairs/{pk}", **auth(admin)).status_code == 204
    assert not JobFair.objects.exists()


def test_bad_input_is_a_chinese_422(client, world):
    admin = world.wujin_admin
    body = {"org_id": world.hutang.pk, "name": "意向太多", "held_on": LAST_WEEK, "organiser": "某",
            "venue": "某地", "applicants": 3, "intents": 5}  # fmt: skip
    response = send(client, "post", "/api/job-fairs", body, admin)
    assert response.status_code == 422 and "不能多于应聘人数" in response.json()["detail"]
    one = fair(admin, world.hutang)
    response = send(client, "post", f"/api/job-fairs/{one.pk}/employers", {"positions": 1}, admin)
    assert response.status_code == 422 and "employer_name" in response.json()["detail"]
    response = send(
        client, "post", f"/api/job-fairs/{one.pk}/employers", {"employer_id": world.tianning_employer.pk}, admin
    )
    assert response.status_code == 422 and "不在您的数据权限范围内" in response.json()["detail"]
    assert not JobFairEmployer.objects.exists()


def test_other_subtree_is_404_everywhere(client, world):
    other = fair(world.tianning_admin, world.chashan)
    row = JobFairEmployer.objects.create(fair=other, org=other.org, employer_name="天宁某厂", positions=1)
    admin = world.wujin_admin
    assert client.get("/api/job-fairs", **auth(admin)).json()["items"] == []
    assert client.get(f"/api/job-fairs/{other.pk}", **auth(admin)).status_code == 404
    assert client.get(f"/api/job-fairs/{other.pk}/employers", **auth(admin)).status_code == 404
    assert send(client, "patch", f"/api/job-fairs/{other.pk}", {"remark": "x"}, admin).status_code == 404
    assert (
        send(client, "post", f"/api/job-fairs/{other.pk}/employers", {"employer_name": "x"}, admin).status_code == 404
    )
    assert client.delete(f"/api/job-fairs/{other.pk}/employers/{row.pk}", **auth(admin)).status_code == 404
    assert client.delete(f"/api/job-fairs/{other.pk}", **auth(admin)).status_code == 404
    body = {"org_id": world.chashan.pk, "name": "x", "held_on": LAST_WEEK, "organiser": "x", "venue": "x"}
    assert send(client, "post", "/api/job-fairs", body, admin).status_code == 422
    assert JobFair.objects.count() == 1 and JobFairEmployer.objects.get().employer_name == "天宁某厂"


def test_without_permission_is_403(client, world):
    assert client.get("/api/job-fairs", **auth(world.nobody)).status_code == 403


def test_documented_in_openapi():
    from gonghui.api import api

    schema = api.get_openapi_schema()
    assert "/api/job-fairs" in schema["paths"] and "/api/job-fairs/{pk}/employers" in schema["paths"]
    assert "/api/stations/nearest" in schema["paths"] and "/api/stations" in schema["paths"]
