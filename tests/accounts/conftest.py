"""Fixtures for the system pages: district-scoped administrators (武进区 only)."""

import pytest
from django.contrib.auth.models import Permission

from gonghui.accounts.models import Role
from gonghui.core.querysets import DataScope
from tests.world import make_user


def grant(role: Role, *names: str) -> Role:
    for name in names:
        app_label, codename = name.split(".")
        role.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return role


@pytest.fixture
def wujin_useradmin(world):
    """A 系统管理员 of 武进区 only: users and departments of the 武进 subtree."""
    role = Role.objects.create(name="区系统管理员", code="district_sysadmin", data_scope=DataScope.OWN_ORG_AND_BELOW)
    grant(
        role,
        *(f"accounts.{a}_user" for a in ("view", "add", "change", "delete", "export")),
        *(f"accounts.{a}_department" for a in ("view", "add", "change", "delete", "export")),
        "orgs.view_organization",
    )
    return make_user("wujin_useradmin", world.wujin, "district_sysadmin")


@pytest.fixture
def wujin_secadmin(world):
    """A 安全管理员 who sees only the users of 武进区."""
    role = Role.objects.create(name="区安全管理员", code="district_secadmin", data_scope=DataScope.OWN_ORG_AND_BELOW)
    grant(role, *(f"accounts.{a}_role" for a in ("view", "add", "change", "delete")), "accounts.view_user")
    return make_user("wujin_secadmin", world.wujin, "district_secadmin")
