"""Roles (安全管理员): CRUD with the permission matrix, data scope, built-in roles, role assignment."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gonghui.accounts import selectors, services
from gonghui.accounts.models import Role
from gonghui.core.models import ChangeLog
from gonghui.core.querysets import DataScope
from gonghui.orgs.models import Employer, Organization
from tests.world import make_user

pytestmark = pytest.mark.django_db


def perm_ids(*names):
    ids = []
    for name in names:
        app_label, codename = name.split(".")
        ids.append(Permission.objects.get(content_type__app_label=app_label, codename=codename).pk)
    return ids


def role_post(**overrides):
    data = {
        "name": "区县统计员",
        "code": "county_stats",
        "data_scope": DataScope.OWN_ORG_AND_BELOW,
        "is_active": "on",
        "sort": 10,
        "remark": "",
        "permissions": perm_ids("orgs.view_organization", "orgs.view_employer", "orgs.export_employer"),
    }
    data.update(overrides)
    return data


# --- pages ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["accounts:role_list", "accounts:role_add"])
def test_role_pages_anonymous_forbidden_allowed(client, login, world, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    assert login(world.sysadmin).get(url).status_code == 403
    assert login(world.auditor).get(url).status_code == 403
    assert login(world.secadmin).get(url).status_code == 200


@pytest.mark.parametrize("name", ["accounts:role_detail", "accounts:role_edit", "accounts:role_delete"])
def test_role_object_pages(client, login, world, name):
    role = Role.objects.create(name="临时", code="temp")
    url = reverse(name, args=[role.pk])
    assert client.get(url).status_code == 302
    assert login(world.sysadmin).get(url).status_code == 403
    assert login(world.auditor).get(url).status_code == 403
    assert login(world.secadmin).get(url).status_code == 200
    assert login(world.secadmin).get(reverse(name, args=[987654])).status_code == 404


def test_list_shows_builtin_roles_and_counts(login, world):
    response = login(world.secadmin).get(reverse("accounts:role_list"))
    body = response.content.decode()
    for name in ("系统管理员", "安全管理员", "审计管理员", "工会业务管理员"):
        assert name in body


def test_matrix_lists_our_apps_only_with_existing_actions(world):
    columns, groups = selectors.permission_matrix()
    assert [label for _action, label in columns] == ["查看", "新增", "修改", "删除", "导出", "审批"]
    labels = [group.label for group in groups]
    assert "账号与权限" in labels and "基础" in labels
    assert all(not label.startswith(("Auth", "认证")) for label in labels)
    rows = {row.model: row for group in groups for row in group.rows}
    assert "auth.permission" not in rows and "contenttypes.contenttype" not in rows
    loginlog = dict(rows["accounts.loginlog"].cells)
    assert loginlog["查看"] is not None and loginlog["审批"] is None
    employer = dict(rows["orgs.employer"].cells)
    assert employer["审批"] is not None


def test_edit_page_renders_matrix_with_checked_permissions(login, world):
    role = Role.objects.get(code="grassroots_chair")
    response = login(world.secadmin).get(reverse("accounts:role_edit", args=[role.pk]))
    body = response.content.decode()
    view_org = perm_ids("orgs.view_organization")[0]
    delete_org = perm_ids("orgs.delete_organization")[0]
    assert f'value="{view_org}" id="perm-{view_org}" aria-label="工会组织：查看" checked' in body
    assert f'value="{delete_org}" id="perm-{delete_org}" aria-label="工会组织：删除">' in body


# --- create / edit ------------------------------------------------------------


def test_create_role_with_matrix(login, world):
    response = login(world.secadmin).post(reverse("accounts:role_add"), role_post())
    assert response.status_code == 302
    role = Role.objects.get(code="county_stats")
    assert sorted(p.codename for p in role.permissions.all()) == [
        "export_employer",
        "view_employer",
        "view_organization",
    ]
    assert not role.is_builtin
    entries = ChangeLog.objects.filter(object_id=str(role.pk), content_type__model="role")
    assert entries.filter(action="create").exists()
    assert any("orgs.view_employer" in (entry.after or {}).get("permissions", []) for entry in entries)


def test_new_role_takes_effect(world):
    role = services.role_create(
        user=world.secadmin,
        data={"name": "查看者", "code": "viewer", "data_scope": DataScope.OWN_ORG, "is_active": True},
        permissions=Permission.objects.filter(pk__in=perm_ids("orgs.view_organization")),
    )
    user = make_user("viewer1", world.hutang)
    services.user_set_roles(user=world.secadmin, target=user, roles=[role])
    user = type(user).objects.get(pk=user.pk)
    assert list(Organization.objects.restrict(user, "view")) == [world.hutang]
    assert not Employer.objects.restrict(user, "view").exists()


def test_custom_scope_needs_orgs_within_reach(login, world):
    client = login(world.secadmin)
    response = client.post(reverse("accounts:role_add"), role_post(data_scope=DataScope.CUSTOM))
    assert "请至少选择一个单位" in response.content.decode()
    response = client.post(
        reverse("accounts:role_add"), role_post(data_scope=DataScope.CUSTOM, custom_orgs=[world.chashan.pk])
    )
    assert response.status_code == 302
    role = Role.objects.get(code="county_stats")
    assert list(role.custom_orgs.all()) == [world.chashan]


def test_custom_orgs_cleared_for_other_scopes(world):
    role = services.role_create(
        user=world.secadmin,
        data={"name": "甲", "code": "a", "data_scope": DataScope.OWN_ORG},
        permissions=[],
        custom_orgs=[world.chashan],
    )
    assert not role.custom_orgs.exists()


def test_custom_org_choices_are_restricted(world, wujin_secadmin):
    from tests.accounts.conftest import grant

    grant(Role.objects.get(code="district_secadmin"), "orgs.view_organization")
    wujin_secadmin = type(wujin_secadmin).objects.get(pk=wujin_secadmin.pk)
    from gonghui.accounts.forms import RoleForm

    offered = set(RoleForm(user=wujin_secadmin).fields["custom_orgs"].queryset)
    assert world.hutang in offered and world.chashan not in offered
    with pytest.raises(ValidationError, match="茶山街道工会"):
        services.role_create(
            user=wujin_secadmin,
            data={"name": "乙", "code": "b", "data_scope": DataScope.CUSTOM},
            permissions=[],
            custom_orgs=[world.chashan],
        )


def test_edit_role_permissions_logged(login, world):
    role = Role.objects.create(name="临时", code="temp")
    response = login(world.secadmin).post(
        reverse("accounts:role_edit", args=[role.pk]), role_post(name="临时", code="temp")
    )
    assert response.status_code == 302
    entry = ChangeLog.objects.filter(object_id=str(role.pk), content_type__model="role", action="update").latest("pk")
    assert "orgs.view_employer" in entry.after["permissions"]


def test_builtin_role_permissions_editable_code_locked_not_deletable(login, world):
    client = login(world.secadmin)
    chair = Role.objects.get(code="grassroots_chair")
    post = role_post(name=chair.name, code="renamed", data_scope=chair.data_scope)
    response = client.post(reverse("accounts:role_edit", args=[chair.pk]), post)
    assert response.status_code == 302
    chair.refresh_from_db()
    assert chair.code == "grassroots_chair"  # the disabled field keeps its value
    assert "export_employer" in set(chair.permissions.values_list("codename", flat=True))
    response = client.get(reverse("accounts:role_detail", args=[chair.pk]))
    assert reverse("accounts:role_delete", args=[chair.pk]) not in response.content.decode()
    response = client.post(reverse("accounts:role_delete", args=[chair.pk]))
    assert "内置角色，不能删除" in response.content.decode()
    assert Role.objects.filter(pk=chair.pk).exists()


def test_delete_role(login, world):
    role = Role.objects.create(name="临时", code="temp")
    holder = make_user("holder", world.wujin, "temp")
    client = login(world.secadmin)
    response = client.post(reverse("accounts:role_delete", args=[role.pk]))
    assert "仍有 1 个用户持有角色" in response.content.decode()
    holder.roles.clear()
    assert client.post(reverse("accounts:role_delete", args=[role.pk])).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()


def test_secadmin_cannot_edit_own_role(world):
    role = Role.objects.get(code="secadmin")
    with pytest.raises(PermissionDenied, match="自己持有的角色"):
        services.role_update(
            user=world.secadmin,
            role=role,
            data={"name": role.name, "code": role.code, "data_scope": DataScope.ALL},
            permissions=Permission.objects.filter(pk__in=perm_ids("accounts.view_role", "orgs.view_employer")),
        )


def test_stray_permission_refused(world):
    with pytest.raises(ValidationError, match="不在可分配的权限范围内"):
        services.role_create(
            user=world.secadmin,
            data={"name": "丙", "code": "c", "data_scope": DataScope.OWN_ORG},
            permissions=Permission.objects.filter(content_type__app_label="auth", codename="add_permission"),
        )


def test_role_service_needs_permission(world):
    with pytest.raises(PermissionDenied):
        services.role_create(user=world.sysadmin, data={"name": "丁", "code": "d"}, permissions=[])


# --- role assignment ------------------------------------------------------------


def test_assign_roles_page(client, login, world):
    url = reverse("accounts:user_roles", args=[world.nobody.pk])
    assert client.get(url).status_code == 302
    assert login(world.sysadmin).get(url).status_code == 403
    assert login(world.auditor).get(url).status_code == 403
    assert login(world.wujin_admin).get(url).status_code == 403
    client = login(world.secadmin)
    assert client.get(url).status_code == 200
    chair = Role.objects.get(code="grassroots_chair")
    response = client.post(url, {"roles": [chair.pk]})
    assert response.status_code == 302
    assert list(world.nobody.roles.all()) == [chair]
    entry = ChangeLog.objects.filter(object_id=str(world.nobody.pk), content_type__model="user").latest("pk")
    assert entry.before == {"roles": []} and entry.after == {"roles": ["基层工会主席（grassroots_chair）"]}
    assert entry.user_name == "secadmin"


def test_assign_roles_out_of_subtree_is_404(login, world, wujin_secadmin):
    client = login(wujin_secadmin)
    assert client.get(reverse("accounts:user_roles", args=[world.nobody.pk])).status_code == 200
    assert client.get(reverse("accounts:user_roles", args=[world.tianning_admin.pk])).status_code == 404


def test_cannot_assign_roles_to_self(login, world):
    sysadmin_role = Role.objects.get(code="sysadmin")
    response = login(world.secadmin).post(
        reverse("accounts:user_roles", args=[world.secadmin.pk]), {"roles": [sysadmin_role.pk]}
    )
    assert "不能给自己分配角色" in response.content.decode()
    assert list(world.secadmin.roles.values_list("code", flat=True)) == ["secadmin"]


def test_inactive_roles_not_offered(world):
    from gonghui.accounts.forms import UserRolesForm

    Role.objects.filter(code="leader").update(is_active=False)
    offered = set(UserRolesForm(user=world.secadmin).fields["roles"].queryset.values_list("code", flat=True))
    assert "leader" not in offered and "union_admin" in offered


def test_sync_keeps_administrators_edits_and_adds_new_permissions(db):
    from django.contrib.auth.models import Permission

    from gonghui.accounts import roles as role_specs
    from gonghui.accounts.models import Role

    leader = Role.objects.get(code="leader")
    export_orgs = Permission.objects.get(codename="export_organization")
    leader.permissions.remove(export_orgs)
    role_specs.sync_builtin_roles()
    assert not leader.permissions.filter(pk=export_orgs.pk).exists()  # the edit survives

    spec = next(s for s in role_specs.BUILTIN_ROLES if s.code == "leader")
    upgraded = role_specs.RoleSpec(spec.code, spec.name, spec.data_scope, (*spec.permissions, "orgs.add_employer"))
    original = role_specs.BUILTIN_ROLES
    role_specs.BUILTIN_ROLES = tuple(upgraded if s.code == "leader" else s for s in original)
    try:
        role_specs.sync_builtin_roles()
    finally:
        role_specs.BUILTIN_ROLES = original
    assert leader.permissions.filter(codename="add_employer").exists()  # a new grant arrives
    assert not leader.permissions.filter(pk=export_orgs.pk).exists()
