"""The health-check and recuperation API: the flows, masked personal data, scope (404 for another subtree)
and the OpenAPI document."""

from __future__ import annotations

import pytest

from gonghui.programmes.models import HealthCheckAppointment, RecuperationParticipant
from tests.members.helpers import add_member
from tests.orgs.test_api import bearer
from tests.orgs.test_api import token_for as _token
from tests.programmes.health_helpers import (
    END,
    START,
    TODAY,
    YEAR,
    allocate,
    book,
    enrol,
    make_batch,
    make_group,
    make_route,
    set_quota,
)

pytestmark = pytest.mark.django_db
J = {"content_type": "application/json"}


def token_for(user):
    return bearer(_token(user))


def test_health_check_flow(client, world):
    city = token_for(world.city_admin)
    made = client.post(
        "/api/health-check-batches",
        {
            "org_id": world.city.pk,
            "year": YEAR,
            "name": "接口体检批次",
            "provider": "市一院",
            "start_on": START.isoformat(),
            "end_on": END.isoformat(),
            "total_slots": 5,
            "eligible_groups": ["front_line"],
            "status": "open",
        },
        **J,
        **city,
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    too_many = client.put(
        f"/api/health-check-batches/{pk}/allocations", {"org_id": world.wujin.pk, "slots": 6}, **J, **city
    )
    assert too_many.status_code == 422 and "最多还能分配 5 人" in too_many.json()["detail"]
    saved = client.put(
        f"/api/health-check-batches/{pk}/allocations", {"org_id": world.wujin.pk, "slots": 2}, **J, **city
    )
    assert saved.status_code == 200 and saved.json()["allocations"][0]["slots"] == 2
    member = add_member(world, world.wujin_union, name="接口职工", serial=11, employment_category="migrant")
    wujin = token_for(world.wujin_admin)
    booked = client.post(
        f"/api/health-check-batches/{pk}/appointments",
        {"member_id": member.pk, "scheduled_on": TODAY.isoformat()},
        **J,
        **wujin,
    )
    assert booked.status_code == 201, booked.content
    body = booked.json()
    assert (
        body["id_number_masked"] == member.id_number_masked and member.reveal_id_number() not in booked.content.decode()
    )
    twice = client.post(
        f"/api/health-check-batches/{pk}/appointments",
        {"member_id": member.pk, "scheduled_on": TODAY.isoformat()},
        **J,
        **wujin,
    )
    assert twice.status_code == 422 and "同一批次每人只能预约一次" in twice.json()["detail"]
    done = client.post(
        f"/api/health-check-appointments/{body['id']}/complete", {"completed_on": TODAY.isoformat()}, **J, **wujin
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    listed = client.get("/api/health-check-appointments?status=completed", **wujin).json()
    assert listed["count"] == 1
    detail = client.get(f"/api/health-check-batches/{pk}", **wujin).json()
    assert detail["allocations"][0]["completed"] == 1
    assert client.get("/api/health-check-batches", **wujin).json()["count"] == 1


def test_recuperation_flow(client, world):
    city = token_for(world.city_admin)
    made = client.post(
        "/api/recuperation-routes",
        {"org_id": world.city.pk, "year": YEAR, "name": "接口线路", "destination": "天目湖", "days": 3},
        **J,
        **city,
    )
    assert made.status_code == 201, made.content
    route = made.json()["id"]
    start = max(START, TODAY.replace(day=1))
    group = client.post(
        f"/api/recuperation-routes/{route}/groups",
        {"name": "第1期", "start_on": start.isoformat(), "end_on": start.isoformat(), "capacity": 5},
        **J,
        **city,
    )
    assert group.status_code == 201, group.content
    quota = client.put("/api/recuperation-quotas", {"org_id": world.wujin.pk, "year": YEAR, "quota": 3}, **J, **city)
    assert quota.status_code == 200 and quota.json()["quota"] == 3
    wujin = token_for(world.wujin_admin)
    assert client.get(f"/api/recuperation-routes/{route}", **wujin).json()["groups"][0]["capacity"] == 5
    member = add_member(world, world.wujin_union, name="接口疗养", serial=21)
    url = f"/api/recuperation-groups/{group.json()['id']}/participants"
    added = client.post(url, {"member_id": member.pk}, **J, **wujin)
    assert added.status_code == 201 and added.json()["priority"] == "other"
    again = client.post(url, {"member_id": member.pk}, **J, **wujin)
    assert again.status_code == 422 and "已在" in again.json()["detail"]
    pk = added.json()["id"]
    done = client.post(
        f"/api/recuperation-participants/{pk}/status",
        {"status": "completed", "completed_on": TODAY.isoformat()},
        **J,
        **wujin,
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert client.get("/api/recuperation-participants?status=completed", **wujin).json()["count"] == 1
    own_quota = client.put(
        "/api/recuperation-quotas", {"org_id": world.wujin.pk, "year": YEAR, "quota": 9}, **J, **wujin
    )
    assert own_quota.status_code == 403


def test_other_subtree_gets_404_on_every_endpoint(client, world):
    batch = make_batch(world.wujin_admin, world.wujin, name="武进批次")
    allocate(world.wujin_admin, batch, world.hutang, 5)
    member = add_member(world, world.wujin_union, name="武进职工", serial=31)
    appointment = book(world.wujin_admin, batch, member)
    route = make_route(world.wujin_admin, world.wujin, name="武进线路")
    set_quota(world.wujin_admin, world.hutang, 5)
    group = make_group(world.wujin_admin, route)
    participant = enrol(world.wujin_admin, group, member)
    other = token_for(world.tianning_admin)
    day = {"completed_on": TODAY.isoformat()}
    assert client.get(f"/api/health-check-batches/{batch.pk}", **other).status_code == 404
    assert client.patch(f"/api/health-check-batches/{batch.pk}", {"name": "x"}, **J, **other).status_code == 404
    alloc = {"org_id": world.hutang.pk, "slots": 1}
    assert client.put(f"/api/health-check-batches/{batch.pk}/allocations", alloc, **J, **other).status_code == 404
    book_payload = {"member_id": member.pk, "scheduled_on": TODAY.isoformat()}
    assert (
        client.post(f"/api/health-check-batches/{batch.pk}/appointments", book_payload, **J, **other).status_code == 404
    )
    for action, data in (("complete", day), ("no-show", {}), ("cancel", {})):
        response = client.post(f"/api/health-check-appointments/{appointment.pk}/{action}", data, **J, **other)
        assert response.status_code == 404, action
    assert client.get("/api/health-check-batches", **other).json()["count"] == 0
    assert client.get("/api/health-check-appointments", **other).json()["count"] == 0
    assert client.get("/api/health-check-visits", **other).json()["count"] == 0
    assert client.get(f"/api/recuperation-routes/{route.pk}", **other).status_code == 404
    groups = {"name": "x", "start_on": TODAY.isoformat(), "end_on": TODAY.isoformat(), "capacity": 1}
    assert client.post(f"/api/recuperation-routes/{route.pk}/groups", groups, **J, **other).status_code == 404
    assert (
        client.post(
            f"/api/recuperation-groups/{group.pk}/participants", {"member_id": member.pk}, **J, **other
        ).status_code
        == 404
    )
    status = {"status": "cancelled"}
    assert (
        client.post(f"/api/recuperation-participants/{participant.pk}/status", status, **J, **other).status_code == 404
    )
    assert client.get("/api/recuperation-routes", **other).json()["count"] == 0
    assert client.get("/api/recuperation-participants", **other).json()["count"] == 0
    assert client.get("/api/recuperation-quotas", **other).json()["count"] == 0
    assert HealthCheckAppointment.objects.get(pk=appointment.pk).status == "booked"
    assert RecuperationParticipant.objects.get(pk=participant.pk).status == "applied"


def test_without_permission_is_403(client, world):
    nobody = token_for(world.nobody)
    for url in ("/api/health-check-batches", "/api/health-check-appointments", "/api/recuperation-routes"):
        assert client.get(url, **nobody).status_code == 403


def test_openapi_documents_the_operations(client, world):
    client.force_login(world.wujin_admin)
    schema = client.get("/api/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    wanted = {
        "health_batch_list",
        "health_batch_get",
        "health_appointment_create",
        "health_appointment_complete",
        "recuperation_route_list",
        "recuperation_participant_add",
        "recuperation_quota_save",
    }
    assert {op.removeprefix("gonghui_programmes_api_health_") for op in operations} >= wanted
    booking = schema["paths"]["/api/health-check-batches/{pk}/appointments"]["post"]
    assert booking["summary"] == "为会员预约体检"
    assert "/api/health-check-batches/{pk}/appointments" in schema["paths"]
