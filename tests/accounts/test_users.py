"""User pages (系统管理员): list, detail, create with a one-time password, edit, deactivate, reset, unlock."""

import html
import io
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.accounts import services
from gonghui.accounts.models import Department, User
from gonghui.core.models import ChangeLog, OperationLog

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


# --- list -----------------------------------------------------------------


def test_list_anonymous_redirects_to_login(client, world):
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_without_permission_is_403(login, world):
    assert login(world.auditor).get(reverse("accounts:user_list")).status_code == 403
    assert login(world.nobody).get(reverse("accounts:user_list")).status_code == 403


def test_list_shows_users_in_scope_only(login, world, wujin_useradmin):
    response = login(wujin_useradmin).get(reverse("accounts:user_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "wujin_admin" in body and "chair" in body
    assert "tianning_admin" not in body and "city_admin" not in body


def test_list_search_filter_and_sort(login, world):
    client = login(world.sysadmin)
    body = client.get(reverse("accounts:user_list"), {"q": "tianning"}).content.decode()
    assert "tianning_admin" in body and "wujin_admin" not in body
    body = client.get(reverse("accounts:user_list"), {"org": world.wujin.pk}).content.decode()
    assert "wujin_admin" in body and "chair" in body and "tianning_admin" not in body
    User.objects.filter(pk=world.chair.pk).update(is_active=False)
    body = client.get(reverse("accounts:user_list"), {"is_active": "false"}).content.decode()
    assert "chair" in body and "wujin_admin" not in body
    User.objects.filter(pk=world.nobody.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    body = client.get(reverse("accounts:user_list"), {"locked": "true"}).content.decode()
    assert "nobody" in body and "wujin_admin" not in body
    response = client.get(reverse("accounts:user_list"), {"sort": "-username"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("wujin_admin") < body.index("auditor")


def test_list_department_filter(login, world):
    dept = Department.objects.create(org=world.wujin, name="组织部")
    User.objects.filter(pk=world.wujin_admin.pk).update(department=dept)
    body = login(world.sysadmin).get(reverse("accounts:user_list"), {"department": dept.pk}).content.decode()
    assert "wujin_admin" in body and "chair" not in body


def test_export_xlsx_is_scoped_and_logged(login, world, wujin_useradmin):
    response = login(wujin_useradmin).get(reverse("accounts:user_list"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = rows_of(response)
    usernames = {row[0] for row in rows[1:]}
    assert usernames == {"wujin_admin", "chair", "nobody", "wujin_useradmin"}
    assert "角色" in rows[0]
    assert OperationLog.objects.filter(user=wujin_useradmin, summary__startswith="导出用户").exists()


def test_export_needs_export_permission(login, world):
    # The secadmin may view users but not export them.
    assert login(world.secadmin).get(reverse("accounts:user_list"), {"export": "xlsx"}).status_code == 403


# --- detail ---------------------------------------------------------------


def test_detail(login, world):
    response = login(world.sysadmin).get(reverse("accounts:user_detail", args=[world.chair.pk]))
    assert response.status_code == 200
    assert "基层工会主席" in response.content.decode()


def test_detail_out_of_subtree_is_404(login, world, wujin_useradmin):
    client = login(wujin_useradmin)
    assert client.get(reverse("accounts:user_detail", args=[world.chair.pk])).status_code == 200
    assert client.get(reverse("accounts:user_detail", args=[world.tianning_admin.pk])).status_code == 404


def test_detail_anonymous_and_forbidden(client, login, world):
    url = reverse("accounts:user_detail", args=[world.chair.pk])
    assert client.get(url).status_code == 302
    assert login(world.auditor).get(url).status_code == 403


# --- create ---------------------------------------------------------------


def test_create_shows_generated_password_once(login, world):
    client = login(world.sysadmin)
    response = client.post(
        reverse("accounts:user_add"),
        {"username": "zhangsan", "display_name": "张三", "org": world.wujin.pk, "email": ""},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert html.escape(password) in response.content.decode()
    user = User.objects.get(username="zhangsan")
    assert user.must_change_password is True
    assert list(user.roles.all()) == []
    assert authenticate(username="zhangsan", password=password) == user
    # The password is not stored anywhere readable: not in the change log, not in the detail page.
    assert password not in str(list(ChangeLog.objects.values_list("before", "after")))
    assert html.escape(password) not in client.get(reverse("accounts:user_detail", args=[user.pk])).content.decode()


def test_generated_passwords_pass_policy_and_differ(world):
    from django.contrib.auth.password_validation import validate_password

    passwords = {services.generate_password() for _ in range(20)}
    assert len(passwords) == 20
    for password in passwords:
        validate_password(password)
        assert len(password) >= 16


def test_create_form_has_no_roles(login, world):
    response = login(world.sysadmin).get(reverse("accounts:user_add"))
    assert response.status_code == 200
    assert "roles" not in response.context["form"].fields


def test_create_ignores_posted_roles(login, world):
    """A sysadmin cannot give anyone (himself included) business roles through the user form."""
    from gonghui.accounts.models import Role

    union_admin = Role.objects.get(code="union_admin")
    login(world.sysadmin).post(
        reverse("accounts:user_add"),
        {"username": "sneaky", "org": world.city.pk, "roles": [union_admin.pk]},
    )
    assert not User.objects.get(username="sneaky").roles.exists()
    login(world.sysadmin).post(
        reverse("accounts:user_edit", args=[world.sysadmin.pk]),
        {"org": world.city.pk, "display_name": "管理员", "email": "", "is_active": "on", "roles": [union_admin.pk]},
    )
    assert list(world.sysadmin.roles.values_list("code", flat=True)) == ["sysadmin"]


def test_create_duplicate_username_message(login, world):
    response = login(world.sysadmin).post(reverse("accounts:user_add"), {"username": "CHAIR", "org": world.city.pk})
    assert response.status_code == 200
    assert "用户名「CHAIR」已被使用，请换一个。" in response.content.decode()


def test_create_department_must_belong_to_org(login, world):
    dept = Department.objects.create(org=world.tianning, name="组织部")
    response = login(world.sysadmin).post(
        reverse("accounts:user_add"), {"username": "lisi", "org": world.wujin.pk, "department": dept.pk}
    )
    assert "所选部门不属于所选单位" in response.content.decode()
    assert not User.objects.filter(username="lisi").exists()


def test_create_outside_subtree_is_refused(login, world, wujin_useradmin):
    client = login(wujin_useradmin)
    response = client.post(reverse("accounts:user_add"), {"username": "wangwu", "org": world.tianning.pk})
    assert response.status_code == 200  # the form does not offer 天宁区
    assert not User.objects.filter(username="wangwu").exists()
    with pytest.raises(Exception, match="超出了您的数据权限范围"):
        services.user_create(user=wujin_useradmin, data={"username": "wangwu", "org": world.tianning})
    assert not User.objects.filter(username="wangwu").exists()


def test_create_without_permission_is_403(login, world):
    assert login(world.secadmin).get(reverse("accounts:user_add")).status_code == 403
    assert login(world.auditor).post(reverse("accounts:user_add"), {"username": "x"}).status_code == 403


# --- edit -----------------------------------------------------------------


def test_edit(login, world):
    dept = Department.objects.create(org=world.wujin, name="权益保障部")
    response = login(world.sysadmin).post(
        reverse("accounts:user_edit", args=[world.nobody.pk]),
        {
            "org": world.wujin.pk,
            "department": dept.pk,
            "display_name": "小王",
            "email": "w@example.com",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    world.nobody.refresh_from_db()
    assert (world.nobody.display_name, world.nobody.department, world.nobody.email) == ("小王", dept, "w@example.com")
    entry = ChangeLog.objects.filter(object_id=str(world.nobody.pk), action="update").latest("pk")
    assert entry.after["display_name"] == "小王"


def test_edit_out_of_subtree_404_and_forbidden_403(login, world, wujin_useradmin):
    url = reverse("accounts:user_edit", args=[world.tianning_admin.pk])
    assert login(wujin_useradmin).get(url).status_code == 404
    assert login(world.secadmin).get(url).status_code == 403


def test_cannot_move_user_out_of_own_subtree(login, world, wujin_useradmin):
    url = reverse("accounts:user_edit", args=[world.nobody.pk])
    login(wujin_useradmin).post(url, {"org": world.tianning.pk, "display_name": "", "email": "", "is_active": "on"})
    world.nobody.refresh_from_db()
    assert world.nobody.org == world.wujin


def test_sysadmin_cannot_edit_security_admin_or_superuser(world):
    with pytest.raises(Exception, match="三员分立"):
        services.user_update(user=world.sysadmin, target=world.secadmin, data={"display_name": "x"})
    with pytest.raises(Exception, match="三员分立"):
        services.user_reset_password(user=world.sysadmin, target=world.auditor)
    root = User.objects.create_superuser("root", password="Root@pass2026", org=world.city)
    with pytest.raises(Exception, match="超级管理员"):
        services.user_reset_password(user=world.sysadmin, target=root)


# --- deactivate / activate -------------------------------------------------


def test_deactivate_needs_confirmation_then_blocks_login(login, world, password):
    client = login(world.sysadmin)
    url = reverse("accounts:user_toggle_active", args=[world.chair.pk])
    response = client.get(url)
    assert response.status_code == 200 and "确定停用用户" in response.content.decode()
    world.chair.refresh_from_db()
    assert world.chair.is_active
    assert client.post(url).status_code == 302
    world.chair.refresh_from_db()
    assert not world.chair.is_active
    assert authenticate(username="chair", password=password) is None
    client.post(url)
    world.chair.refresh_from_db()
    assert world.chair.is_active


def test_cannot_deactivate_self(login, world):
    client = login(world.sysadmin)
    response = client.post(reverse("accounts:user_toggle_active", args=[world.sysadmin.pk]))
    assert "不能停用自己的账号" in response.content.decode()
    world.sysadmin.refresh_from_db()
    assert world.sysadmin.is_active


def test_toggle_out_of_subtree_is_404(login, world, wujin_useradmin):
    client = login(wujin_useradmin)
    assert client.post(reverse("accounts:user_toggle_active", args=[world.tianning_admin.pk])).status_code == 404
    world.tianning_admin.refresh_from_db()
    assert world.tianning_admin.is_active


# --- reset password / unlock -------------------------------------------------


def test_reset_password(login, world, password):
    client = login(world.sysadmin)
    url = reverse("accounts:user_reset_password", args=[world.chair.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_password = response.context["password"]
    world.chair.refresh_from_db()
    assert world.chair.must_change_password
    assert world.chair.check_password(new_password)
    assert not world.chair.check_password(password)


def test_reset_password_scope_and_permission(login, world, wujin_useradmin):
    assert (
        login(wujin_useradmin).post(reverse("accounts:user_reset_password", args=[world.tianning_admin.pk])).status_code
        == 404
    )
    assert login(world.secadmin).post(reverse("accounts:user_reset_password", args=[world.chair.pk])).status_code == 403


def test_unlock(login, world):
    User.objects.filter(pk=world.chair.pk).update(
        failed_login_count=0, locked_until=timezone.now() + timedelta(hours=1)
    )
    client = login(world.sysadmin)
    url = reverse("accounts:user_unlock", args=[world.chair.pk])
    assert "解除" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    world.chair.refresh_from_db()
    assert not world.chair.is_locked


def test_unlock_scope(login, world, wujin_useradmin):
    User.objects.filter(pk=world.tianning_admin.pk).update(locked_until=timezone.now() + timedelta(hours=1))
    assert (
        login(wujin_useradmin).post(reverse("accounts:user_unlock", args=[world.tianning_admin.pk])).status_code == 404
    )
    world.tianning_admin.refresh_from_db()
    assert world.tianning_admin.is_locked


def test_list_query_count_does_not_grow_with_rows(login, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.world import make_user

    client = login(world.sysadmin)
    with CaptureQueriesContext(connection) as baseline:
        client.get(reverse("accounts:user_list"))
    for n in range(15):
        dept = Department.objects.create(org=world.hutang, name=f"部门{n}")
        make_user(f"extra{n}", world.hutang, "leader", "grassroots_chair", department=dept)
    with django_assert_max_num_queries(len(baseline)):
        client.get(reverse("accounts:user_list"))
