import datetime
import json

import pytest

from gonghui.targets.models import Task
from gonghui.unionwork.models import DuesRecord, InfoAdoption
from tests.orgs.test_api import bearer, token_for
from tests.unionwork.helpers import LAST_YEAR, TODAY, course, dues, info, meeting, obligation, rule

pytestmark = pytest.mark.django_db


def post(client, url, data, headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def headers(world):
    return bearer(token_for(world.wujin_admin))


def test_dues_api(client, world, headers):
    other = dues(world.tianning_admin, world.tianning_employer, datetime.date(LAST_YEAR, 3, 1), "1000")
    payload = {"employer_id": world.wujin_employer.pk, "period": f"{LAST_YEAR}-03-09", "payroll_base": "1000.25",
               "paid": "20.01", "paid_on": f"{LAST_YEAR}-04-01"}  # fmt: skip
    response = post(client, "/api/dues-records", payload, headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["period"] == f"{LAST_YEAR}-03-01" and body["due"] == "20.01" and body["arrears"] == "0.00"
    assert post(client, "/api/dues-records", payload, headers).status_code == 422  # same month again
    payload["employer_id"] = world.tianning_employer.pk
    assert post(client, "/api/dues-records", payload, headers).status_code == 422
    assert client.get("/api/dues-records", **headers).json()["count"] == 1
    assert client.get(f"/api/dues-records/{other.pk}", **headers).status_code == 404
    response = client.patch(f"/api/dues-records/{other.pk}", json.dumps({"paid": "1"}),
                            content_type="application/json", **headers)  # fmt: skip
    assert response.status_code == 404
    assert client.delete(f"/api/dues-records/{other.pk}", **headers).status_code == 404
    pk = body["id"]
    response = client.patch(f"/api/dues-records/{pk}", json.dumps({"payroll_base": "2000"}),
                            content_type="application/json", **headers)  # fmt: skip
    assert response.status_code == 200 and response.json()["arrears"] == "19.99"
    rows = client.get("/api/dues-collection", {"year": LAST_YEAR, "month": 3}, **headers).json()
    assert [row["name"] for row in rows] == ["湖塘镇工会"] and rows[0]["due"] == "40.00"
    assert client.get("/api/dues-collection", {"org_id": world.tianning.pk}, **headers).status_code == 404
    assert client.delete(f"/api/dues-records/{pk}", **headers).status_code == 204
    assert DuesRecord.objects.count() == 1


def test_training_api(client, world, headers):
    other = course(world.tianning_admin, world.chashan)
    payload = {"org_id": world.hutang.pk, "name": "镇工会干部培训", "start_on": TODAY.isoformat(),
               "end_on": TODAY.isoformat(), "hours": "4"}  # fmt: skip
    response = post(client, "/api/training-courses", payload, headers)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = post(client, f"/api/training-courses/{pk}/trainees", {"name": "赵六", "is_chair": True}, headers)
    assert response.status_code == 201 and response.json()["is_chair"]
    response = post(client, f"/api/training-courses/{pk}/trainees", {"name": "钱七", "hours_attended": "5"}, headers)
    assert response.status_code == 422
    assert len(client.get(f"/api/training-courses/{pk}/trainees", **headers).json()) == 1
    assert client.get(f"/api/training-courses/{other.pk}", **headers).status_code == 404
    assert client.get(f"/api/training-courses/{other.pk}/trainees", **headers).status_code == 404
    assert post(client, f"/api/training-courses/{other.pk}/trainees", {"name": "x"}, headers).status_code == 404
    payload["org_id"] = world.chashan.pk
    assert post(client, "/api/training-courses", payload, headers).status_code == 422
    assert client.get("/api/training-courses", **headers).json()["count"] == 1


def test_info_api(client, world, headers):
    rule(world.city_admin, world.city, "county", "1")
    item = info(world.chair, world.wujin_union)
    other = info(world.tianning_admin, world.chashan)
    payload = {"org_id": world.hutang.pk, "title": "镇工会信息", "submitted_on": TODAY.isoformat(), "content": "x"}
    assert post(client, "/api/info-items", payload, headers).status_code == 201
    adoption = {"adopter_level": "county", "adopter_name": "武进区总工会", "adopted_on": TODAY.isoformat()}
    response = post(client, f"/api/info-items/{item.pk}/adoptions", adoption, headers)
    assert response.status_code == 201 and response.json()["score"] == "1.0"
    assert post(client, f"/api/info-items/{other.pk}/adoptions", adoption, headers).status_code == 404
    assert client.get(f"/api/info-items/{other.pk}", **headers).status_code == 404
    assert InfoAdoption.objects.count() == 1
    rows = client.get("/api/info-ranking", {"year": TODAY.year, "month": TODAY.month}, **headers).json()
    assert rows[0]["name"] == "湖塘镇工会" and rows[0]["ytd_score"] == "1.0"
    ranking = client.get("/api/info-ranking", {"year": TODAY.year, "month": TODAY.month, "org_id": world.tianning.pk},
                         **headers)  # fmt: skip
    assert ranking.status_code == 404


def test_joint_meeting_api(client, world, headers):
    other = meeting(world.tianning_admin, world.tianning)
    obligation(world.city_admin, world.wujin, TODAY.year, TODAY - datetime.timedelta(days=1))
    assert client.get("/api/joint-meeting-obligations", {"overdue": True}, **headers).json()["count"] == 1
    payload = {"org_id": world.wujin.pk, "title": "武进区联席会议", "held_on": TODAY.isoformat(),
               "government_attendees": "副区长", "union_attendees": "主席", "agenda": "议程"}  # fmt: skip
    response = post(client, "/api/joint-meetings", payload, headers)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.get("/api/joint-meeting-obligations", {"overdue": True}, **headers).json()["count"] == 0
    decision = {"title": "落实职工疗休养", "lead_department": "区文旅局",
                "deadline": (TODAY + datetime.timedelta(days=90)).isoformat()}  # fmt: skip
    response = post(client, f"/api/joint-meetings/{pk}/decisions", decision, headers)
    assert response.status_code == 201, response.content
    assert response.json()["task_state"] == "assigned"
    assert Task.objects.get(pk=response.json()["task_id"]).source == "joint_meeting"
    assert client.get(f"/api/joint-meetings/{pk}/decisions", **headers).json()[0]["title"] == "落实职工疗休养"
    assert post(client, f"/api/joint-meetings/{other.pk}/decisions", decision, headers).status_code == 404
    assert client.get(f"/api/joint-meetings/{other.pk}", **headers).status_code == 404
    assert client.get(f"/api/joint-meetings/{other.pk}/decisions", **headers).status_code == 404
    decision["lead_unit_id"] = world.chashan.pk
    assert post(client, f"/api/joint-meetings/{pk}/decisions", decision, headers).status_code == 422
    assert client.get("/api/joint-meetings", **headers).json()["count"] == 1
