"""The plans API: list, detail with targets and parts, PUT parts; another subtree is 404."""

from __future__ import annotations

import json

import pytest

from tests.orgs.test_api import bearer, token_for
from tests.targets.plans_helpers import YEAR, city_with_breakdown, make_plan, target_of

pytestmark = pytest.mark.django_db


def put(client, url, data, **extra):
    return client.put(url, json.dumps(data), content_type="application/json", **extra)


def test_list_is_scoped_and_filtered(client, world):
    make_plan(world, world.hutang)
    make_plan(world, world.chashan)
    make_plan(world, world.wujin, year=YEAR - 1)
    headers = bearer(token_for(world.wujin_admin))
    body = client.get("/api/targets/plans", **headers).json()
    assert body["count"] == 2
    assert {item["org_name"] for item in body["items"]} == {"湖塘镇工会", "武进区总工会"}
    assert client.get("/api/targets/plans", {"year": YEAR}, **headers).json()["count"] == 1
    assert client.get("/api/targets/plans", **bearer(token_for(world.nobody))).status_code == 403


def test_detail_with_targets_and_parts(client, world):
    whole = city_with_breakdown(world, 50, 30, 15)
    body = client.get(f"/api/targets/plans/{whole.plan.pk}", **bearer(token_for(world.city_admin))).json()
    assert body["org_name"] == "常州市总工会" and body["status"] == "draft"
    (target,) = body["targets"]
    assert target["indicator_key"] == "unions_established" and float(target["value"]) == 50
    assert {(p["org_name"], float(p["value"])) for p in target["parts"]} == {("武进区总工会", 30), ("天宁区总工会", 15)}
    assert target["check"] == "short" and float(target["parts_total"]) == 45


def test_other_subtree_is_404(client, world):
    city_with_breakdown(world)
    headers = bearer(token_for(world.wujin_admin))
    tianning_target = target_of(world.tianning)
    assert client.get(f"/api/targets/plans/{tianning_target.plan.pk}", **headers).status_code == 404
    response = put(client, f"/api/targets/{tianning_target.pk}/parts", {"parts": []}, **headers)
    assert response.status_code == 404


def test_put_parts(client, world):
    city_with_breakdown(world, 50, 30, 20)
    share = target_of(world.wujin)
    headers = bearer(token_for(world.wujin_admin))
    url = f"/api/targets/{share.pk}/parts"
    response = put(client, url, {"parts": [{"org_id": world.hutang.pk, "value": 25}]}, **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["warnings"] == ["「新建基层工会」分解合计 25 个，少于总目标 30 个（差 5 个）"]
    assert target_of(world.hutang).value == 25
    cleared = put(client, url, {"parts": [{"org_id": world.hutang.pk, "value": None}]}, **headers)
    assert cleared.status_code == 200 and cleared.json()["target"]["parts"] == []
    assert target_of(world.hutang) is None


def test_put_parts_errors(client, world):
    whole = city_with_breakdown(world)
    headers = bearer(token_for(world.city_admin))
    url = f"/api/targets/{whole.pk}/parts"
    not_direct = put(client, url, {"parts": [{"org_id": world.hutang.pk, "value": 1}]}, **headers)
    assert not_direct.status_code == 422 and "不是「常州市总工会」的直属下级单位" in not_direct.json()["detail"]
    negative = put(client, url, {"parts": [{"org_id": world.wujin.pk, "value": -1}]}, **headers)
    assert negative.status_code == 422 and "不能为负数" in negative.json()["detail"]
    assert target_of(world.wujin).value == 30
    unknown = put(client, url, {"parts": [{"org_id": 999999, "value": 1}]}, **headers)
    assert unknown.status_code == 422
    lower = put(
        client, url, {"parts": [{"org_id": world.wujin.pk, "value": 1}]}, **bearer(token_for(world.wujin_admin))
    )
    assert lower.status_code == 404  # the city's target is not in 武进's scope
