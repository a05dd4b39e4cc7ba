"""The scoping primitive: data scopes, widest-wins, fail-closed."""

import pytest

from gonghui.accounts.models import Role
from gonghui.core.querysets import DataScope
from gonghui.orgs.models import Employer, Organization
from tests.world import make_employer, make_user

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(o.name for o in qs)


def test_own_org_and_below_sees_subtree_only(world):
    visible = Organization.objects.restrict(world.wujin_admin, "view")
    assert names(visible) == sorted(["武进区总工会", "湖塘镇工会", "武进甲公司工会"])
    assert list(Employer.objects.restrict(world.wujin_admin, "view")) == [world.wujin_employer]


def test_all_scope_sees_everything(world):
    assert Organization.objects.restrict(world.sysadmin, "view").count() == Organization.objects.count()


def test_user_without_roles_sees_nothing(world):
    assert not Organization.objects.restrict(world.nobody, "view").exists()
    assert not Employer.objects.restrict(world.nobody, "view").exists()


def test_anonymous_and_inactive_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.restrict(AnonymousUser(), "view").exists()
    world.city_admin.is_active = False
    assert not Organization.objects.restrict(world.city_admin, "view").exists()


def test_permission_is_per_action(world):
    # The chair may view organisations but not change them.
    assert Organization.objects.restrict(world.chair, "view").exists()
    assert not Organization.objects.restrict(world.chair, "change").exists()


def test_own_org_scope(world):
    role = Role.objects.create(name="本单位", code="own", data_scope=DataScope.OWN_ORG)
    role.permissions.set(Role.objects.get(code="union_admin").permissions.all())
    user = make_user("own", world.hutang, "own")
    assert names(Organization.objects.restrict(user, "view")) == ["湖塘镇工会"]
    assert not Employer.objects.restrict(user, "view").exists()  # the employer belongs to the grassroots union


def test_custom_scope_and_widest_wins(world):
    custom = Role.objects.create(name="自定义", code="custom", data_scope=DataScope.CUSTOM)
    custom.permissions.set(Role.objects.get(code="union_admin").permissions.all())
    custom.custom_orgs.set([world.chashan])
    user = make_user("multi", world.wujin, "union_admin", "custom")
    visible = names(Organization.objects.restrict(user, "view"))
    assert "茶山街道工会" in visible and "武进区总工会" in visible
    assert "天宁区总工会" not in visible


def test_self_scope_uses_owner(world):
    role = Role.objects.create(name="仅本人", code="self", data_scope=DataScope.SELF)
    role.permissions.set(Role.objects.get(code="union_admin").permissions.all())
    user = make_user("selfish", world.hutang, "self")
    assert not Employer.objects.restrict(user, "view").exists()
    mine = make_employer(world.hutang, 77, created_by=user)
    assert list(Employer.objects.restrict(user, "view")) == [mine]
    assert names(Organization.objects.restrict(user, "view")) == ["湖塘镇工会"]


def test_inactive_role_grants_nothing(world):
    Role.objects.filter(code="union_admin").update(is_active=False)
    world.wujin_admin.refresh_from_db()
    assert not Organization.objects.restrict(world.wujin_admin, "view").exists()


def test_model_without_scope_declaration_fails_closed(world):
    from django.contrib.auth.models import Permission

    class Fake:
        _meta = Permission._meta

    from gonghui.core.querysets import scope_q

    assert scope_q(world.sysadmin, Fake, "view") is None
