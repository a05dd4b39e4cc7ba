"""The mutual-aid JSON API: every endpoint answers 404 to another subtree, lists are masked, the review steps
enforce the rules, and the operations appear in the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.core.models import OperationLog
from gonghui.programmes.models import MutualAidClaim
from tests.orgs.test_api import bearer, post
from tests.orgs.test_api import token_for as _token
from tests.programmes.mutualaid_helpers import TODAY, agent_claim, enrol, make_plan, member

pytestmark = pytest.mark.django_db


def auth(user):
    return bearer(_token(user))


@pytest.fixture
def aid(world):
    plan = make_plan(world.wujin_admin, world.wujin, name="武进区住院互助")
    person = member(world, serial=2, name="王芳", phone="13912340002")
    enrol(world.wujin_admin, plan, world.wujin_union, person)
    claim = agent_claim(world.wujin_admin, plan, person)
    return plan, person, claim


def test_another_subtree_gets_404_on_every_endpoint(client, world, aid):
    plan, _person, claim = aid
    headers = auth(world.tianning_admin)
    for url in (
        f"/api/mutual-aid/plans/{plan.pk}",
        f"/api/mutual-aid/claims/{claim.pk}",
        f"/api/mutual-aid/claims/{claim.pk}/assessment",
        f"/api/mutual-aid/figures?org_id={world.wujin.pk}",
    ):
        assert client.get(url, **headers).status_code == 404, url
    for url, body in (
        (f"/api/mutual-aid/plans/{plan.pk}/enrolments", {"org_id": world.wujin_union.pk, "id_number": "x"}),
        (f"/api/mutual-aid/claims/{claim.pk}/approve", {"approved_amount": "1"}),
        (f"/api/mutual-aid/claims/{claim.pk}/reject", {"decision_note": "不符合条件"}),
        (f"/api/mutual-aid/claims/{claim.pk}/pay", {"paid_on": TODAY.isoformat(), "payment_reference": "X"}),
    ):
        assert post(client, url, body, **headers).status_code == 404, url
    assert client.get("/api/mutual-aid/claims", **headers).json()["count"] == 0
    assert client.get("/api/mutual-aid/enrolments", **headers).json()["count"] == 0
    assert plan.pk not in [p["id"] for p in client.get("/api/mutual-aid/plans", **headers).json()]


def test_lists_are_masked_and_review_works(client, world, aid):
    plan, person, claim = aid
    headers = auth(world.wujin_admin)
    claims = client.get("/api/mutual-aid/claims", **headers).json()["items"]
    assert claims[0]["person"] == "王*" and "health" not in str(claims)
    enrolments = client.get(f"/api/mutual-aid/enrolments?plan_id={plan.pk}", **headers).json()["items"]
    assert enrolments[0]["id_number_masked"] == person.id_number_masked
    assessment = client.get(f"/api/mutual-aid/claims/{claim.pk}/assessment", **headers).json()
    assert assessment["eligible"] and Decimal(assessment["suggested"]) == Decimal("2000.00")
    assert OperationLog.objects.filter(summary__contains=claim.claim_no).exists()
    response = post(client, f"/api/mutual-aid/claims/{claim.pk}/approve", {"approved_amount": "6000"}, **headers)
    assert response.status_code == 422 and "超过本次最多可给付" in response.json()["detail"]
    response = post(client, f"/api/mutual-aid/claims/{claim.pk}/approve", {"approved_amount": "2000"}, **headers)
    assert response.status_code == 200 and response.json()["state"] == "approved"
    response = post(
        client,
        f"/api/mutual-aid/claims/{claim.pk}/pay",
        {"paid_on": TODAY.isoformat(), "payment_reference": "ZZ9"},
        **headers,
    )
    assert response.json()["state"] == "paid"
    figures = client.get(f"/api/mutual-aid/figures?org_id={world.wujin.pk}", **headers).json()
    assert figures["total"]["paid"] == 1 and Decimal(figures["total"]["paid_amount"]) == Decimal("2000")
    assert MutualAidClaim.objects.get().paid_on == TODAY


def test_enrol_through_the_api(client, world, aid):
    plan, _person, _claim = aid
    other = member(world, serial=4, name="刘敏", phone="13912340004")
    headers = auth(world.wujin_admin)
    url = f"/api/mutual-aid/plans/{plan.pk}/enrolments"
    body = {"org_id": world.wujin_union.pk, "id_number": other.reveal_id_number()}
    assert post(client, url, body, **headers).status_code == 201
    response = post(client, url, body, **headers)
    assert response.status_code == 422 and "已参加本期计划" in response.json()["detail"]
    body["org_id"] = world.tianning_union.pk
    assert post(client, url, body, **headers).status_code == 422


def test_operations_in_the_schema(client, world):
    client.force_login(world.city_admin)
    schema = client.get("/api/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    for name in ("mutualaid_list_claims", "mutualaid_approve_claim", "mutualaid_pay_claim", "mutualaid_figures"):
        assert any(operation.endswith(name) for operation in operations), name
