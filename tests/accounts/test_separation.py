"""三员分立: the system, security and audit administrators stay separated."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.accounts import services
from gonghui.accounts.models import Role
from gonghui.accounts.roles import BUILTIN_ROLES
from gonghui.core.querysets import DataScope

pytestmark = pytest.mark.django_db

USER_ADMIN_PAGES = ["accounts:user_add", "accounts:department_list", "accounts:department_add", "core:dict_add"]
ROLE_ADMIN_PAGES = ["accounts:role_list", "accounts:role_add"]
LOG_PAGES = ["core:changelog_list", "core:operationlog_list", "accounts:loginlog_list"]


def permissions(*names):
    query = Permission.objects.none()
    for name in names:
        app_label, codename = name.split(".")
        query |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return list(query)


@pytest.mark.parametrize("name", USER_ADMIN_PAGES + ROLE_ADMIN_PAGES + ["accounts:user_list"])
def test_auditor_cannot_reach_user_or_role_management(login, world, name):
    assert login(world.auditor).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", LOG_PAGES)
@pytest.mark.parametrize("who", ["sysadmin", "secadmin"])
def test_sysadmin_and_secadmin_cannot_reach_logs(login, world, name, who):
    assert login(getattr(world, who)).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ROLE_ADMIN_PAGES)
def test_sysadmin_cannot_reach_roles(login, world, name):
    assert login(world.sysadmin).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", USER_ADMIN_PAGES)
def test_secadmin_cannot_administer_users(login, world, name):
    assert login(world.secadmin).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", LOG_PAGES)
def test_auditor_reaches_logs(login, world, name):
    assert login(world.auditor).get(reverse(name)).status_code == 200


def test_menus_show_only_own_duty(login, world):
    def labels(user):
        response = login(user).get(reverse("home"))
        return {item["label"] for group in response.context["menu"] for item in group["items"]}

    sysadmin, secadmin, auditor = labels(world.sysadmin), labels(world.secadmin), labels(world.auditor)
    assert {"用户", "部门", "字典"} <= sysadmin and not sysadmin & {"角色", "数据变更日志", "操作日志", "登录日志"}
    assert "角色" in secadmin and not secadmin & {"部门", "字典", "数据变更日志", "操作日志", "登录日志"}
    assert {"数据变更日志", "操作日志", "登录日志"} <= auditor and not auditor & {"用户", "角色", "部门", "字典"}


def test_builtin_roles_respect_separation():
    for spec in BUILTIN_ROLES:
        assert services.separation_error(spec.permissions) is None, spec.code


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("accounts.change_user", "accounts.change_role"), "管理用户、部门或字典"),
        (("core.add_dictitem", "core.view_changelog"), "查看审计日志"),
        (("accounts.view_role", "accounts.view_loginlog"), "管理角色和权限"),
    ],
)
def test_role_service_refuses_combined_duties(world, names, expected):
    with pytest.raises(ValidationError) as error:
        services.role_create(
            user=world.secadmin,
            data={"name": "超级", "code": "super", "data_scope": DataScope.ALL},
            permissions=permissions(*names),
        )
    message = error.value.message_dict["permissions"][0]
    assert message.startswith("三员分立：同一角色不能既") and expected in message
    assert not Role.objects.filter(code="super").exists()


def test_role_page_shows_separation_error(login, world):
    data = {
        "name": "全能",
        "code": "all_in_one",
        "data_scope": DataScope.ALL,
        "sort": 0,
        "permissions": [p.pk for p in permissions("accounts.add_user", "core.view_operationlog")],
    }
    response = login(world.secadmin).post(reverse("accounts:role_add"), data)
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert not Role.objects.filter(code="all_in_one").exists()


def test_view_user_alone_is_not_administration(world):
    # Business roles and the secadmin need to see users; that does not make them sysadmins.
    assert services.separation_error(["accounts.view_user", "accounts.change_role"]) is None
    assert services.separation_error(["accounts.view_user", "core.view_changelog"]) is None


def test_one_user_cannot_hold_two_admin_roles(world):
    roles = list(Role.objects.filter(code__in=["sysadmin", "auditor"]))
    with pytest.raises(ValidationError, match="三员分立：同一用户不能既"):
        services.user_set_roles(user=world.secadmin, target=world.nobody, roles=roles)
    assert not world.nobody.roles.exists()


def test_editing_a_role_cannot_make_a_holder_combine_duties(world):
    logs = services.role_create(
        user=world.secadmin,
        data={"name": "日志查看", "code": "logs", "data_scope": DataScope.ALL},
        permissions=[],
    )
    services.user_set_roles(user=world.secadmin, target=world.sysadmin, roles=[*world.sysadmin.roles.all(), logs])
    with pytest.raises(ValidationError, match="用户「sysadmin」"):
        services.role_update(
            user=world.secadmin,
            role=logs,
            data={"name": "日志查看", "code": "logs", "data_scope": DataScope.ALL},
            permissions=permissions("core.view_changelog"),
        )
    assert not logs.permissions.exists()


def test_sysadmin_cannot_take_over_other_admins(login, world):
    """Resetting the secadmin's or auditor's password would hand the sysadmin their duties."""
    for target in (world.secadmin, world.auditor):
        response = login(world.sysadmin).post(reverse("accounts:user_reset_password", args=[target.pk]))
        assert "三员分立" in response.content.decode()
        target.refresh_from_db()
        assert not target.must_change_password
