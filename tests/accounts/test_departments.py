"""Departments (部门): scoped by the owning organisation."""

import pytest
from django.urls import reverse

from gonghui.accounts.models import Department, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def depts(world):
    return {
        "wujin": Department.objects.create(org=world.wujin, name="组织部"),
        "tianning": Department.objects.create(org=world.tianning, name="组织部"),
    }


@pytest.mark.parametrize("name", ["accounts:department_list", "accounts:department_add"])
def test_pages(client, login, world, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    assert login(world.auditor).get(url).status_code == 403
    assert login(world.secadmin).get(url).status_code == 403
    assert login(world.sysadmin).get(url).status_code == 200


@pytest.mark.parametrize("name", ["accounts:department_edit", "accounts:department_delete"])
def test_object_pages_scope(client, login, world, depts, wujin_useradmin, name):
    assert client.get(reverse(name, args=[depts["wujin"].pk])).status_code == 302
    assert login(world.auditor).get(reverse(name, args=[depts["wujin"].pk])).status_code == 403
    client = login(wujin_useradmin)
    assert client.get(reverse(name, args=[depts["wujin"].pk])).status_code == 200
    assert client.get(reverse(name, args=[depts["tianning"].pk])).status_code == 404


def test_list_scoped(login, world, depts, wujin_useradmin):
    response = login(wujin_useradmin).get(reverse("accounts:department_list"))
    assert [d.pk for d in response.context["table"].data] == [depts["wujin"].pk]
    response = login(world.sysadmin).get(reverse("accounts:department_list"))
    assert len(response.context["table"].data) == 2


def test_create_edit_delete(login, world):
    client = login(world.sysadmin)
    response = client.post(reverse("accounts:department_add"), {"org": world.wujin.pk, "name": "办公室", "sort": 1})
    assert response.status_code == 302
    dept = Department.objects.get(name="办公室")
    assert dept.created_by == world.sysadmin
    response = client.post(reverse("accounts:department_add"), {"org": world.wujin.pk, "name": "办公室", "sort": 2})
    assert "本单位已有名为「办公室」的部门" in response.content.decode()
    client.post(
        reverse("accounts:department_edit", args=[dept.pk]), {"org": world.wujin.pk, "name": "办公室二", "sort": 1}
    )
    dept.refresh_from_db()
    assert dept.name == "办公室二"
    User.objects.filter(pk=world.nobody.pk).update(department=dept)
    response = client.post(reverse("accounts:department_delete", args=[dept.pk]))
    assert "还有 1 个用户" in response.content.decode()
    User.objects.filter(pk=world.nobody.pk).update(department=None)
    assert client.post(reverse("accounts:department_delete", args=[dept.pk])).status_code == 302
    assert not Department.objects.filter(pk=dept.pk).exists()


def test_cannot_create_in_other_subtree(login, world, wujin_useradmin):
    login(wujin_useradmin).post(
        reverse("accounts:department_add"), {"org": world.tianning.pk, "name": "外部", "sort": 0}
    )
    assert not Department.objects.filter(name="外部").exists()


def test_cannot_move_department_out_of_scope(login, world, depts, wujin_useradmin):
    login(wujin_useradmin).post(
        reverse("accounts:department_edit", args=[depts["wujin"].pk]),
        {"org": world.tianning.pk, "name": "x", "sort": 0},
    )
    depts["wujin"].refresh_from_db()
    assert depts["wujin"].org == world.wujin and depts["wujin"].name == "组织部"
