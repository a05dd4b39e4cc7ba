"""The supervision task API: scope, filters, the lead unit's steps, and errors as the other routers map them."""

from __future__ import annotations

import pytest

from gonghui.targets.models import Task, TaskNote, TaskNoteKind, TaskState
from tests.orgs.test_api import bearer, post, token_for
from tests.targets.tasks_helpers import days, lead_user, make_task, other_task, set_deadline
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(world):
    late = set_deadline(make_task(world, title="超期的事项"), days(-2))
    soon = set_deadline(make_task(world, title="临期的事项"), days(2))
    later = make_task(world, title="远期的事项", deadline=days(30))
    return late, soon, later, other_task(world)


def titles(response) -> list[str]:
    return [item["title"] for item in response.json()["items"]]


def test_list_is_scoped_and_filtered(client, world, tasks):
    raw = token_for(world.wujin_admin)
    response = client.get("/api/tasks", **bearer(raw))
    assert response.status_code == 200
    assert titles(response) == ["超期的事项", "临期的事项", "远期的事项"]
    assert [item["light"] for item in response.json()["items"]] == ["red", "yellow", "green"]
    assert titles(client.get("/api/tasks", {"overdue": "true"}, **bearer(raw))) == ["超期的事项"]
    assert titles(client.get("/api/tasks", {"due_soon": "true"}, **bearer(raw))) == ["临期的事项"]
    assert titles(client.get("/api/tasks", {"state": "received"}, **bearer(raw))) == []
    client.force_login(world.city_admin)
    assert client.get("/api/tasks").json()["count"] == 4
    client.force_login(world.nobody)
    assert client.get("/api/tasks").status_code == 403


def test_detail_own_and_other_subtree(client, world, tasks):
    late, *_rest, other = tasks
    client.force_login(world.wujin_admin)
    data = client.get(f"/api/tasks/{late.pk}").json()
    assert data["org_name"] == "湖塘镇工会" and data["assigned_by_name"] == "武进区总工会"
    assert data["light"] == "red" and data["state"] == "assigned" and data["milestones"] == []
    assert client.get(f"/api/tasks/{other.pk}").status_code == 404


def test_receive_and_progress_for_the_lead_unit(client, world, tasks):
    late, *_rest = tasks
    lead = lead_user(world)
    client.force_login(lead)
    response = post(client, f"/api/tasks/{late.pk}/receive", {})
    assert response.status_code == 200 and response.json()["state"] == "received"
    response = post(client, f"/api/tasks/{late.pk}/receive", {})
    assert response.status_code == 422 and "该事项已接收，不能再接收。" in response.json()["detail"]
    response = post(client, f"/api/tasks/{late.pk}/progress", {"text": "已完成摸底。"})
    assert response.status_code == 201 and response.json()["kind"] == "progress"
    assert Task.objects.get(pk=late.pk).state == TaskState.IN_PROGRESS
    assert post(client, f"/api/tasks/{late.pk}/progress", {"text": ""}).status_code == 422


@pytest.mark.parametrize("path", ["", "/receive", "/progress"])
def test_other_subtree_is_404_on_every_endpoint(client, world, tasks, path):
    *_own, other = tasks
    client.force_login(world.wujin_admin)
    if path:
        response = post(client, f"/api/tasks/{other.pk}{path}", {"text": "越权"})
    else:
        response = client.get(f"/api/tasks/{other.pk}")
    assert response.status_code == 404
    assert Task.objects.get(pk=other.pk).state == TaskState.ASSIGNED
    assert not TaskNote.objects.filter(task=other, kind=TaskNoteKind.PROGRESS).exists()


def test_view_only_user_gets_403_on_steps(client, world, tasks):
    late, *_rest = tasks
    leader = make_user("hutang_leader", world.hutang, "leader")
    client.force_login(leader)
    assert client.get(f"/api/tasks/{late.pk}").status_code == 200
    response = post(client, f"/api/tasks/{late.pk}/receive", {})
    assert response.status_code == 403
    assert post(client, f"/api/tasks/{late.pk}/progress", {"text": "看过"}).status_code == 403
    assert Task.objects.get(pk=late.pk).state == TaskState.ASSIGNED
