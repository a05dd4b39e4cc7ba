"""Every system page: anonymous → login, without permission → 403, with permission → 200."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from gonghui.accounts import services
from gonghui.accounts.models import Department, Role, User
from gonghui.core.models import ChangeLog, DictType

pytestmark = pytest.mark.django_db


def our_url_names():
    names = []
    for namespace in ("accounts", "core"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names += [f"{namespace}:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)]
    return names


@pytest.fixture
def objects(world):
    User.objects.filter(pk=world.chair.pk).update(failed_login_count=3)
    dict_type = DictType.objects.create(code="t", name="类型")
    item = dict_type.items.create(label="甲", value="a")
    token, _raw = services.token_create(user=world.nobody, name="令牌")
    return {
        "user": world.chair.pk,
        "department": Department.objects.create(org=world.wujin, name="组织部").pk,
        "role": Role.objects.create(name="临时", code="temp").pk,
        "dict": dict_type.pk,
        "item": item.pk,
        "token": token.pk,
        "change": ChangeLog.objects.latest("pk").pk,
    }


# url name -> (object key or None, who may open it, who may not)
PAGES = {
    "accounts:user_list": (None, "sysadmin", "auditor"),
    "accounts:user_add": (None, "sysadmin", "secadmin"),
    "accounts:user_detail": ("user", "sysadmin", "auditor"),
    "accounts:user_edit": ("user", "sysadmin", "secadmin"),
    "accounts:user_toggle_active": ("user", "sysadmin", "secadmin"),
    "accounts:user_reset_password": ("user", "sysadmin", "secadmin"),
    "accounts:user_unlock": ("user", "sysadmin", "secadmin"),
    "accounts:user_roles": ("user", "secadmin", "sysadmin"),
    "accounts:department_list": (None, "sysadmin", "secadmin"),
    "accounts:department_add": (None, "sysadmin", "auditor"),
    "accounts:department_edit": ("department", "sysadmin", "auditor"),
    "accounts:department_delete": ("department", "sysadmin", "auditor"),
    "accounts:role_list": (None, "secadmin", "sysadmin"),
    "accounts:role_add": (None, "secadmin", "sysadmin"),
    "accounts:role_detail": ("role", "secadmin", "auditor"),
    "accounts:role_edit": ("role", "secadmin", "sysadmin"),
    "accounts:role_delete": ("role", "secadmin", "sysadmin"),
    "accounts:token_list": (None, "chair", None),
    "accounts:token_add": (None, "chair", None),
    "accounts:token_revoke": ("token", "nobody", None),
    "accounts:loginlog_list": (None, "auditor", "sysadmin"),
    "core:dict_list": (None, "sysadmin", "auditor"),
    "core:dict_add": (None, "sysadmin", "auditor"),
    "core:dict_detail": ("dict", "sysadmin", "secadmin"),
    "core:dict_edit": ("dict", "sysadmin", "auditor"),
    "core:dict_delete": ("dict", "sysadmin", "auditor"),
    "core:dictitem_add": ("dict", "sysadmin", "auditor"),
    "core:dictitem_edit": ("item", "sysadmin", "auditor"),
    "core:dictitem_delete": ("item", "sysadmin", "auditor"),
    "core:changelog_list": (None, "auditor", "secadmin"),
    "core:changelog_detail": ("change", "auditor", "sysadmin"),
    "core:operationlog_list": (None, "auditor", "sysadmin"),
}


def test_every_route_is_listed():
    assert set(our_url_names()) == set(PAGES)


def test_menu_url_names_exist():
    for name in (
        "accounts:user_list",
        "accounts:department_list",
        "accounts:role_list",
        "accounts:token_list",
        "accounts:loginlog_list",
        "core:dict_list",
        "core:changelog_list",
        "core:operationlog_list",
    ):
        reverse(name)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page(client, login, world, objects, name):
    key, allowed, forbidden = PAGES[name]
    url = reverse(name, args=[objects[key]] if key else [])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    if forbidden:
        assert login(getattr(world, forbidden)).get(url).status_code == 403
        assert login(world.nobody).get(url).status_code == 403
    assert login(getattr(world, allowed)).get(url).status_code == 200
