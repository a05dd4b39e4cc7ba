"""查看完整个人信息 is granted on the role page, in no built-in role, and follows the role's data scope."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from gonghui.accounts import selectors
from gonghui.accounts.models import Role
from gonghui.members.selectors import has_full_pii_permission, may_view_full_pii
from tests.members.helpers import add_member

pytestmark = pytest.mark.django_db


def full_pii() -> Permission:
    return Permission.objects.get(content_type__app_label="members", codename="view_full_pii")


def test_no_builtin_role_has_it(world):
    assert not Role.objects.filter(permissions=full_pii()).exists()
    for user in (world.city_admin, world.wujin_admin, world.chair):
        assert not has_full_pii_permission(user)


def test_it_is_on_the_role_page_and_can_be_granted(client, world):
    _columns, groups = selectors.permission_matrix()
    rows = {row.model: row for group in groups for row in group.rows}
    assert [label for label, _perm in rows["members.member"].extras] == ["查看完整个人信息"]
    client.force_login(world.secadmin)
    assert "查看完整个人信息" in client.get(reverse("accounts:role_add")).content.decode()
    view = Permission.objects.get(content_type__app_label="members", codename="view_member")
    response = client.post(
        reverse("accounts:role_add"),
        {
            "name": "会员信息核查员",
            "code": "pii_checker",
            "data_scope": "own_org_and_below",
            "is_active": "on",
            "sort": 20,
            "remark": "",
            "permissions": [view.pk, full_pii().pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    role = Role.objects.get(code="pii_checker")
    assert set(role.permissions.all()) == {view, full_pii()}
    detail = client.get(reverse("accounts:role_detail", args=[role.pk])).content.decode()
    assert "✓ 查看完整个人信息" in detail

    member = add_member(world, world.wujin_union, name="王建国", serial=501)
    other = add_member(world, world.tianning_union, name="李秀英", serial=502)
    world.wujin_admin.roles.add(role)
    assert has_full_pii_permission(world.wujin_admin)
    assert may_view_full_pii(world.wujin_admin, member)
    assert not may_view_full_pii(world.wujin_admin, other)
