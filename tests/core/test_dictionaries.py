"""Dictionaries (字典): types with their items managed on the type's page, colours shown as tags."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.core import services
from gonghui.core.models import ChangeLog, DictItem, DictType

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_status(world):
    dict_type = DictType.objects.create(code="member_status", name="会员状态")
    DictItem.objects.create(dict_type=dict_type, label="正常", value="active", color="#52c41a", sort=1)
    DictItem.objects.create(dict_type=dict_type, label="已退会", value="left", color="", sort=2)
    return dict_type


def type_pages(dict_type):
    item = dict_type.items.first()
    return [
        reverse("core:dict_list"),
        reverse("core:dict_add"),
        reverse("core:dict_detail", args=[dict_type.pk]),
        reverse("core:dict_edit", args=[dict_type.pk]),
        reverse("core:dict_delete", args=[dict_type.pk]),
        reverse("core:dictitem_add", args=[dict_type.pk]),
        reverse("core:dictitem_edit", args=[item.pk]),
        reverse("core:dictitem_delete", args=[item.pk]),
    ]


def test_every_page_anonymous_forbidden_allowed(client, login, world, member_status):
    for url in type_pages(member_status):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for who in (world.auditor, world.secadmin, world.city_admin):
        forbidden = login(who)
        for url in type_pages(member_status):
            assert forbidden.get(url).status_code == 403, (who, url)
    allowed = login(world.sysadmin)
    for url in type_pages(member_status):
        assert allowed.get(url).status_code == 200, url


def test_missing_objects_are_404(login, world):
    client = login(world.sysadmin)
    for url in (
        reverse("core:dict_detail", args=[987654]),
        reverse("core:dict_edit", args=[987654]),
        reverse("core:dictitem_add", args=[987654]),
        reverse("core:dictitem_edit", args=[987654]),
    ):
        assert client.get(url).status_code == 404, url


def test_list_and_detail_with_colour_tags(login, world, member_status):
    client = login(world.sysadmin)
    body = client.get(reverse("core:dict_list")).content.decode()
    assert "会员状态" in body and "member_status" in body
    body = client.get(reverse("core:dict_detail", args=[member_status.pk])).content.decode()
    assert '<span class="tag" style="color:#52c41a;border-color:#52c41a">正常</span>' in body
    assert '<span class="tag">已退会</span>' in body


def test_create_edit_delete_type(login, world):
    client = login(world.sysadmin)
    response = client.post(reverse("core:dict_add"), {"name": "性别", "code": "gender", "is_active": "on"})
    dict_type = DictType.objects.get(code="gender")
    assert response["Location"] == reverse("core:dict_detail", args=[dict_type.pk])
    response = client.post(reverse("core:dict_add"), {"name": "性别2", "code": "gender"})
    assert "字典编码「gender」已被使用" in response.content.decode()
    client.post(reverse("core:dict_edit", args=[dict_type.pk]), {"name": "性别（国标）", "code": "gender"})
    dict_type.refresh_from_db()
    assert dict_type.name == "性别（国标）" and not dict_type.is_active
    assert ChangeLog.objects.filter(content_type__model="dicttype", object_id=str(dict_type.pk)).count() == 2
    assert client.post(reverse("core:dict_delete", args=[dict_type.pk])).status_code == 302
    assert not DictType.objects.filter(pk=dict_type.pk).exists()


def test_items_on_type_page(login, world, member_status):
    client = login(world.sysadmin)
    response = client.post(
        reverse("core:dictitem_add", args=[member_status.pk]),
        {"label": "冻结", "value": "frozen", "color": "#faad14", "sort": 3, "is_active": "on"},
    )
    assert response["Location"] == reverse("core:dict_detail", args=[member_status.pk])
    item = DictItem.objects.get(value="frozen")
    assert item.dict_type == member_status
    response = client.post(
        reverse("core:dictitem_add", args=[member_status.pk]), {"label": "重复", "value": "frozen", "sort": 4}
    )
    assert "本字典已有键值「frozen」" in response.content.decode()
    response = client.post(
        reverse("core:dictitem_edit", args=[item.pk]), {"label": "暂停", "value": "frozen", "color": "", "sort": 3}
    )
    assert response["Location"] == reverse("core:dict_detail", args=[member_status.pk])
    item.refresh_from_db()
    assert (item.label, item.color, item.is_active) == ("暂停", "", False)
    response = client.post(reverse("core:dictitem_delete", args=[item.pk]))
    assert response["Location"] == reverse("core:dict_detail", args=[member_status.pk])
    assert not DictItem.objects.filter(pk=item.pk).exists()
    assert ChangeLog.objects.filter(content_type__model="dictitem", object_id=str(item.pk), action="delete").exists()


@pytest.mark.parametrize("color", ["red", "#12345", "#fff;background:url(x)", "expression(alert(1))"])
def test_colour_must_be_hex(world, member_status, color):
    with pytest.raises(ValidationError, match="十六进制颜色值"):
        services.dict_item_create(
            user=world.sysadmin, dict_type=member_status, data={"label": "x", "value": "x", "color": color}
        )


def test_bad_colour_in_database_is_not_rendered(login, world, member_status):
    DictItem.objects.filter(value="active").update(color="red;content:evil")
    body = login(world.sysadmin).get(reverse("core:dict_detail", args=[member_status.pk])).content.decode()
    assert "evil" not in body and '<span class="tag">正常</span>' in body


def test_deleting_type_deletes_items_with_change_log(login, world, member_status):
    item_ids = [str(pk) for pk in member_status.items.values_list("pk", flat=True)]
    login(world.sysadmin).post(reverse("core:dict_delete", args=[member_status.pk]))
    assert not DictItem.objects.filter(dict_type_id=member_status.pk).exists()
    deleted = ChangeLog.objects.filter(content_type__model="dictitem", action="delete")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(item_ids)


def test_services_check_permission(world, member_status):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.dict_type_create(user=world.auditor, data={"code": "x", "name": "x"})
    assert not DictType.objects.filter(code="x").exists()
    with pytest.raises(PermissionDenied):
        services.dict_item_update(user=world.secadmin, item=member_status.items.first(), data={"label": "改"})
