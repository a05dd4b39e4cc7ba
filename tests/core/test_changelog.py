"""Change log redaction and the operation log middleware."""

import pytest
from django.urls import reverse

from gonghui.core.changelog import REDACTED, serialize
from gonghui.core.models import ChangeLog, OperationLog

pytestmark = pytest.mark.django_db


def test_password_hash_is_never_in_the_change_log(world):
    world.chair.set_password("Another@pass2026")
    world.chair.save()
    entry = ChangeLog.objects.filter(content_type__model="user", object_id=str(world.chair.pk)).first()
    assert entry.action == "update"
    assert entry.before["password"] == REDACTED and entry.after["password"] == REDACTED
    assert "pbkdf2" not in str(entry.before) + str(entry.after)


def test_declared_pii_fields_are_redacted(world):
    org = world.hutang
    org.pii_fields = ("contact_phone",)
    org.contact_phone = "13812345678"
    data = serialize(org)
    assert data["contact_phone"] == REDACTED
    assert data["name"] == "湖塘镇工会"


def test_unchanged_save_writes_nothing(world):
    before = ChangeLog.objects.count()
    world.hutang.save()
    assert ChangeLog.objects.count() == before


def test_write_requests_are_in_the_operation_log(client, world):
    client.force_login(world.wujin_admin)
    response = client.post(reverse("orgs:org_edit", args=[world.hutang.pk]), {
        "name": "湖塘镇总工会", "code": world.hutang.code, "org_type": "town", "region_code": "320412",
        "status": "active",
    })
    assert response.status_code == 302
    entry = OperationLog.objects.filter(method="POST").latest("pk")
    assert entry.user == world.wujin_admin
    assert entry.view_name == "orgs:org_edit" and entry.status_code == 302
    assert entry.request_id == response["X-Request-ID"]
    # The change made by the same request carries the same request id.
    change = ChangeLog.objects.filter(content_type__model="organization").latest("pk")
    assert change.request_id == entry.request_id and change.user == world.wujin_admin


def test_exports_are_in_the_operation_log_without_query_strings(client, world):
    client.force_login(world.wujin_admin)
    client.get(reverse("orgs:employer_list") + "?export=xlsx&q=13812345678")
    entry = OperationLog.objects.filter(method="GET").latest("pk")
    assert entry.summary.startswith("导出用人单位")
    assert "13812345678" not in entry.path


def test_reads_are_not_logged(client, world):
    client.force_login(world.wujin_admin)
    before = OperationLog.objects.count()
    client.get(reverse("orgs:tree"))
    assert OperationLog.objects.count() == before


def test_error_pages_are_chinese(client, world):
    client.force_login(world.nobody)
    forbidden = client.get(reverse("orgs:org_list"))
    assert forbidden.status_code == 403 and "没有权限" in forbidden.content.decode()
    missing = client.get(reverse("orgs:org_detail", args=[world.tianning.pk]))
    assert missing.status_code == 404 and "不在您的数据权限范围内" in missing.content.decode()
