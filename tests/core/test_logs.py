"""Audit log screens (审计管理员): change log with diff, operation log, login log. Read-only, exportable."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.accounts.models import LoginEvent, LoginLog, User
from gonghui.core import context
from gonghui.core.models import ChangeLog, OperationLog
from gonghui.orgs import services as org_services

pytestmark = pytest.mark.django_db

LIST_PAGES = ["core:changelog_list", "core:operationlog_list", "accounts:loginlog_list"]


def sheet(response) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


@pytest.fixture
def employer_change(world):
    """城区 admin renames an employer: one create and one update in the change log."""
    with context.actor(world.wujin_admin):
        org_services.employer_update(
            user=world.wujin_admin, employer=world.wujin_employer, data={"name": "武进甲公司（新）", "staff_count": 150}
        )
    return ChangeLog.objects.filter(content_type__model="employer", action="update").latest("pk")


# --- access ---------------------------------------------------------------


@pytest.mark.parametrize("name", LIST_PAGES)
def test_anonymous_redirects(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "city_admin", "nobody"])
def test_without_permission_403(login, world, name, who):
    client = login(getattr(world, who))
    assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse(name), {"export": "xlsx"}).status_code == 403


def test_detail_access(client, login, world, employer_change):
    url = reverse("core:changelog_detail", args=[employer_change.pk])
    assert client.get(url).status_code == 302
    assert login(world.sysadmin).get(url).status_code == 403
    assert login(world.wujin_admin).get(url).status_code == 403  # even the author of the change
    assert login(world.auditor).get(url).status_code == 200
    assert login(world.auditor).get(reverse("core:changelog_detail", args=[987654])).status_code == 404


def test_logs_are_read_only(login, world, employer_change):
    client = login(world.auditor)
    for name in LIST_PAGES:
        response = client.get(reverse(name))
        assert response.context["add_url"] is None
    assert client.post(reverse("core:changelog_list")).status_code == 405
    assert client.post(reverse("core:changelog_detail", args=[employer_change.pk])).status_code == 405
    assert ChangeLog.objects.filter(pk=employer_change.pk).exists()


def test_logs_are_global_for_the_auditor(login, world, employer_change):
    """Logs are not scoped by organisation: the auditor sees changes in every subtree."""
    with context.actor(world.tianning_admin):
        org_services.employer_update(
            user=world.tianning_admin, employer=world.tianning_employer, data={"name": "天宁乙公司（新）"}
        )
    body = login(world.auditor).get(reverse("core:changelog_list")).content.decode()
    assert "武进甲公司（新）" in body and "天宁乙公司（新）" in body


# --- change log -------------------------------------------------------------


def test_changelog_filters(login, world, employer_change):
    client = login(world.auditor)
    url = reverse("core:changelog_list")

    def rows(**params):
        return list(client.get(url, params).context["table"].data)

    assert employer_change in rows(user_name="wujin")
    assert employer_change not in rows(user_name="tianning")
    employer_type = ContentType.objects.get(app_label="orgs", model="employer")
    assert {entry.content_type_id for entry in rows(content_type=employer_type.pk)} == {employer_type.pk}
    assert all(entry.action == "update" for entry in rows(action="update"))
    assert rows(object_id=str(world.wujin_employer.pk), content_type=employer_type.pk)[0] == employer_change
    today = timezone.localdate()
    assert employer_change in rows(since=today.isoformat(), until=today.isoformat())
    assert employer_change not in rows(since=(today + datetime.timedelta(days=1)).isoformat())
    assert employer_change not in rows(until=(today - datetime.timedelta(days=1)).isoformat())


def test_changelog_detail_shows_field_diff(login, world, employer_change):
    response = login(world.auditor).get(reverse("core:changelog_detail", args=[employer_change.pk]))
    body = response.content.decode()
    rows = {row["field"]: row for row in response.context["rows"]}
    from gonghui.orgs.models import Employer

    assert rows["name"]["label"] == Employer._meta.get_field("name").verbose_name
    assert rows["name"]["before"] == "武进甲公司" and rows["name"]["after"] == "武进甲公司（新）"
    assert rows["name"]["changed"] and rows["staff_count"]["changed"]
    assert not rows["uscc"]["changed"]
    assert {field for field, row in rows.items() if row["changed"]} == {"name", "staff_count", "updated_at"}
    assert "修改前后对比（3 项变化）" in body and "武进甲公司（新）" in body


def test_changelog_detail_of_create_and_role_assignment(login, world):
    from gonghui.accounts import services as account_services
    from gonghui.accounts.models import Role

    with context.actor(world.secadmin):
        account_services.user_set_roles(
            user=world.secadmin, target=world.nobody, roles=[Role.objects.get(code="leader")]
        )
    entry = ChangeLog.objects.filter(content_type__model="user", object_id=str(world.nobody.pk)).latest("pk")
    response = login(world.auditor).get(reverse("core:changelog_detail", args=[entry.pk]))
    rows = response.context["rows"]
    assert rows == [{"field": "roles", "label": "角色", "before": "—", "after": "领导（leader）", "changed": True}]
    created = ChangeLog.objects.filter(content_type__model="user", object_id=str(world.chair.pk), action="create")
    body = login(world.auditor).get(reverse("core:changelog_detail", args=[created.get().pk])).content.decode()
    assert "新增时的内容" in body and "***" in body and User.objects.get(pk=world.chair.pk).password not in body


def test_changelog_export_is_recorded(login, world, employer_change):
    client = login(world.auditor)
    response = client.get(
        reverse("core:changelog_list"), {"export": "xlsx", "content_type": employer_change.content_type_id}
    )
    assert response.status_code == 200
    rows = sheet(response)
    assert rows[0][:3] == ["时间", "操作人", "动作"]
    assert any(row[1] == "wujin_admin" and row[2] == "修改" and row[3] == "用人单位" for row in rows[1:])
    entry = OperationLog.objects.filter(user=world.auditor).latest("pk")
    assert entry.summary.startswith("导出数据变更日志") and entry.method == "GET"


# --- operation log ------------------------------------------------------------


def test_operation_log_list_filters_and_export(login, world):
    login(world.sysadmin).post(reverse("accounts:department_add"), {"org": world.wujin.pk, "name": "办公室", "sort": 0})
    client = login(world.auditor)
    url = reverse("core:operationlog_list")
    data = list(client.get(url, {"user_name": "sysadmin", "method": "POST"}).context["table"].data)
    assert [(e.method, e.path) for e in data] == [("POST", reverse("accounts:department_add"))]
    assert not list(client.get(url, {"path": "/no/such/"}).context["table"].data)
    assert list(client.get(url, {"path": "departments"}).context["table"].data) == data
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert not list(client.get(url, {"since": tomorrow}).context["table"].data)
    assert list(client.get(url, {"request_id": data[0].request_id}).context["table"].data) == data
    response = client.get(url, {"export": "xlsx", "method": "POST"})
    assert response.status_code == 200
    assert sheet(response)[1][1] == "sysadmin"
    assert OperationLog.objects.filter(user=world.auditor, summary__startswith="导出操作日志").exists()


def test_operation_log_holds_no_request_body(login, world):
    login(world.sysadmin).post(reverse("accounts:user_add"), {"username": "secret_name", "org": world.wujin.pk})
    entry = OperationLog.objects.filter(path=reverse("accounts:user_add")).get()
    assert "secret_name" not in f"{entry.path} {entry.summary} {entry.view_name}"


# --- login log ---------------------------------------------------------------


def test_login_log_list_filters_and_export(client, login, world, password):
    client.post(reverse("login"), {"username": "chair", "password": "wrong"})
    client.post(reverse("login"), {"username": "chair", "password": password})
    auditor = login(world.auditor)
    url = reverse("accounts:loginlog_list")
    data = list(auditor.get(url, {"username": "chair"}).context["table"].data)
    assert [e.event for e in data] == [LoginEvent.LOGIN, LoginEvent.FAILED]
    data = list(auditor.get(url, {"event": LoginEvent.FAILED}).context["table"].data)
    assert [e.username for e in data] == ["chair"]
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert not list(auditor.get(url, {"until": yesterday}).context["table"].data)
    response = auditor.get(url, {"export": "xlsx", "username": "chair"})
    rows = sheet(response)
    assert rows[0][:3] == ["时间", "登录账号", "事件"]
    assert [row[2] for row in rows[1:]] == ["登录成功", "登录失败"]
    assert OperationLog.objects.filter(user=world.auditor, summary__startswith="导出登录日志").exists()
    assert LoginLog.objects.filter(username="chair").count() == 2
