"""The quarterly report API: scoped lists and details with values, submission with the service's errors."""

from __future__ import annotations

import pytest

from gonghui.targets.models import ReportStatus
from tests.members.helpers import add_member
from tests.orgs.test_api import bearer, token_for
from tests.targets.reports_helpers import YEAR, D, build_targets, filed, open_report, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(world):
    build_targets(world)
    add_member(world, world.wujin_union, name="一月", serial=31, join_date=D(YEAR, 1, 15))
    own = open_report(world.wujin_admin, world.wujin, 1)
    other = filed(world.tianning_admin, world.tianning, 1, stations="3")
    return own, other


def test_list_is_scoped_and_filtered(client, world, reports):
    own, _other = reports
    auth = bearer(token_for(world.wujin_admin))
    response = client.get("/api/reports", **auth)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [own.pk]
    assert items[0]["org_name"] == "武进区总工会" and items[0]["status"] == "draft"
    assert client.get("/api/reports?status=submitted", **auth).json()["items"] == []
    assert client.get(f"/api/reports?year={YEAR}&quarter=1", **auth).json()["count"] == 1
    assert client.get("/api/reports?quarter=5", **auth).status_code == 422
    city = client.get("/api/reports", **bearer(token_for(world.city_admin))).json()
    assert city["count"] == 2
    assert client.get("/api/reports", **bearer(token_for(world.nobody))).status_code == 403


def test_detail_has_values_and_other_subtree_is_404(client, world, reports):
    own, other = reports
    auth = bearer(token_for(world.wujin_admin))
    response = client.get(f"/api/reports/{own.pk}", **auth)
    assert response.status_code == 200
    values = {row["indicator_key"]: row for row in response.json()["values"]}
    assert values["members_recruited"]["is_computed"] and float(values["members_recruited"]["value"]) == 1
    assert values["union_social_workers"]["value"] is None and not values["union_social_workers"]["is_computed"]
    assert client.get(f"/api/reports/{other.pk}", **auth).status_code == 404


def test_submit_reports_missing_values_then_submits(client, world, reports):
    own, other = reports
    auth = bearer(token_for(world.wujin_admin))
    response = client.post(f"/api/reports/{own.pk}/submit", **auth)
    assert response.status_code == 422
    assert "工会社会工作者" in response.json()["detail"] and "工作亮点" in response.json()["detail"]
    save(world.wujin_admin, own, highlights="驿站建设提速", values={"union_social_workers": "2"})
    response = client.post(f"/api/reports/{own.pk}/submit", **auth)
    assert response.status_code == 200 and response.json()["status"] == ReportStatus.SUBMITTED
    assert client.post(f"/api/reports/{own.pk}/submit", **auth).status_code == 422  # already submitted
    assert client.post(f"/api/reports/{other.pk}/submit", **auth).status_code == 404
    leader_like = bearer(token_for(world.nobody))
    assert client.post(f"/api/reports/{own.pk}/submit", **leader_like).status_code == 404
