"""The statistics annual return API: scoped lists and details, corrections with reasons, submit and review, the
children's status, the xlsx, OpenAPI, and 404 for every endpoint from the other subtree."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gonghui.reports import services_returns as services
from gonghui.reports.models import ReturnStatus
from tests.orgs.test_api import bearer, token_for
from tests.reports.returns_helpers import YEAR, add_members, fill_manual, open_campaign, return_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world):
    add_members(world)
    return open_campaign(world)


def test_open_a_campaign_and_read_it(client, world):
    auth = bearer(token_for(world.wujin_admin))
    payload = {"org_id": world.wujin.pk, "year": YEAR, "deadline": "2026-11-20"}
    response = client.post("/api/returns/campaigns", payload, content_type="application/json", **auth)
    assert response.status_code == 201
    body = response.json()
    assert body["period_start"] == "2025-10-01" and body["period_end"] == "2026-09-30"
    assert {c["status"]: c["count"] for c in body["counts"]}["not_started"] == 3
    again = client.post("/api/returns/campaigns", payload, content_type="application/json", **auth)
    assert again.status_code == 422 and "不能重复布置" in again.json()["detail"]
    other = {"org_id": world.tianning.pk, "year": YEAR, "deadline": "2026-11-20"}
    assert client.post("/api/returns/campaigns", other, content_type="application/json", **auth).status_code == 404
    assert client.get("/api/returns/campaigns", **auth).json()["count"] == 1
    assert client.get("/api/returns/campaigns", **bearer(token_for(world.tianning_admin))).json()["count"] == 0
    assert (
        client.get(f"/api/returns/campaigns/{body['id']}", **bearer(token_for(world.tianning_admin))).status_code == 404
    )
    assert client.get(f"/api/returns/campaigns/{body['id']}", **auth).status_code == 200


def test_list_is_scoped(client, world, campaign):
    auth = bearer(token_for(world.wujin_admin))
    items = client.get(f"/api/returns?campaign_id={campaign.pk}", **auth).json()["items"]
    assert sorted(item["org_name"] for item in items) == ["武进区总工会", "武进甲公司工会", "湖塘镇工会"]
    assert client.get("/api/returns?form=grassroots", **auth).json()["count"] == 1
    assert client.get("/api/returns", **bearer(token_for(world.nobody))).status_code == 403


def test_compile_correct_submit_accept_through_the_api(client, world, campaign):
    ret = return_of(campaign, world.wujin_union)
    chair = bearer(token_for(world.chair))
    detail = client.post(f"/api/returns/{ret.pk}/compile", **chair).json()
    rows = {row["code"]: row for row in detail["values"]}
    assert detail["status"] == "filling" and float(rows["20"]["final_value"]) == 3
    assert rows["12"]["is_manual"] and rows["01"]["final_text"] == "武进甲公司工会"
    bad = client.post(
        f"/api/returns/{ret.pk}/values", {"entries": {"20": {"value": "4"}}}, content_type="application/json", **chair
    )
    assert bad.status_code == 422 and "更正原因" in bad.json()["detail"]
    good = client.post(
        f"/api/returns/{ret.pk}/values",
        {"entries": {"20": {"value": "4", "reason": "一人漏登"}}, "preparer_name": "周"},
        content_type="application/json",
        **chair,
    ).json()
    row = {row["code"]: row for row in good["values"]}["20"]
    assert float(row["computed_value"]) == 3 and float(row["final_value"]) == 4 and row["is_corrected"]
    assert client.post(f"/api/returns/{ret.pk}/submit", **chair).status_code == 422  # hand-entered rows missing
    fill_manual(world.chair, ret)
    assert client.post(f"/api/returns/{ret.pk}/submit", **chair).json()["status"] == ReturnStatus.SUBMITTED
    town = return_of(campaign, world.hutang)
    admin = bearer(token_for(world.wujin_admin))
    children = client.get(f"/api/returns/{town.pk}/children", **admin).json()
    assert [c["org_name"] for c in children["missing"]] == ["武进甲公司工会"] and children["accepted"] == 0
    assert client.post(f"/api/returns/{ret.pk}/accept", {}, content_type="application/json", **chair).status_code == 403
    no_reason = client.post(f"/api/returns/{ret.pk}/return", {"comment": ""}, content_type="application/json", **admin)
    assert no_reason.status_code == 422
    accepted = client.post(f"/api/returns/{ret.pk}/accept", {"comment": "好"}, content_type="application/json", **admin)
    assert accepted.json()["status"] == ReturnStatus.ACCEPTED
    assert client.get(f"/api/returns/{town.pk}/children", **admin).json()["missing"] == []
    xlsx = client.get(f"/api/returns/{ret.pk}/xlsx", **chair)
    assert xlsx.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "2026年基层工会统计表"


def test_every_endpoint_is_404_from_the_other_subtree(client, world, campaign):
    ret = return_of(campaign, world.wujin_union)
    services.return_compile(user=world.chair, unit_return=ret)
    auth = bearer(token_for(world.tianning_admin))
    json = {"content_type": "application/json"}
    assert client.get(f"/api/returns/campaigns/{campaign.pk}", **auth).status_code == 404
    assert client.get(f"/api/returns/{ret.pk}", **auth).status_code == 404
    assert client.get(f"/api/returns/{ret.pk}/children", **auth).status_code == 404
    assert client.get(f"/api/returns/{ret.pk}/xlsx", **auth).status_code == 404
    assert client.post(f"/api/returns/{ret.pk}/compile", **auth).status_code == 404
    assert client.post(f"/api/returns/{ret.pk}/values", {"entries": {}}, **json, **auth).status_code == 404
    assert client.post(f"/api/returns/{ret.pk}/submit", **auth).status_code == 404
    assert client.post(f"/api/returns/{ret.pk}/accept", {}, **json, **auth).status_code == 404
    assert client.post(f"/api/returns/{ret.pk}/return", {"comment": "x"}, **json, **auth).status_code == 404
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.FILLING


def test_openapi_lists_the_returns_operations(client, world):
    client.force_login(world.city_admin)
    schema = client.get("/api/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    wanted = {"returns_campaign_list", "returns_campaign_open", "returns_unit_save", "returns_unit_children"}
    assert all(any(op.endswith(name) for op in operations) for name in wanted)
