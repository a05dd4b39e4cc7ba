"""站内消息: own messages only, reading, mark-all-read, the badge, and the email and SMS channels."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from gonghui.notices import services
from gonghui.notices.channels import ConsoleSmsBackend, mask_phone
from gonghui.notices.models import Message, MessageCategory
from gonghui.notices.selectors import unread_message_count

pytestmark = pytest.mark.django_db


def send(users, title="季度报表填报提醒", **kwargs):
    return services.message_send(recipients=users, title=title, body="请在本月 10 日前提交。", **kwargs)


def test_message_send_site_channel_once_per_active_user(world):
    world.nobody.is_active = False
    world.nobody.save()
    created = send([world.chair, world.chair, world.wujin_admin, world.nobody], link="/orgs/", category="reminder")
    assert len(created) == 2
    assert set(Message.objects.values_list("recipient__username", flat=True)) == {"chair", "wujin_admin"}
    message = Message.objects.get(recipient=world.chair)
    assert (message.category, message.link, message.is_read) == (MessageCategory.REMINDER, "/orgs/", False)


def test_message_send_refuses_external_links_and_unknown_channels(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        send([world.chair], link="https://evil.example/")
    with pytest.raises(ValidationError):
        send([world.chair], link="//evil.example/")
    with pytest.raises(ValueError):
        send([world.chair], channels=("fax",))
    assert not Message.objects.exists()


def test_unsafe_stored_link_is_not_rendered(client, login, world):
    message = Message.objects.create(recipient=world.chair, title="旧数据", link="javascript:alert(1)")
    body = login(world.chair).get(reverse("notices:message_detail", args=[message.pk])).content.decode()
    assert "javascript:" not in body


def test_message_centre_shows_only_own_messages(client, login, world):
    send([world.chair], title="给主席的提醒")
    send([world.tianning_admin], title="给天宁的提醒")
    other = Message.objects.get(recipient=world.tianning_admin)
    client = login(world.chair)
    body = client.get(reverse("notices:message_list") + "?tab=all").content.decode()
    assert "给主席的提醒" in body and "给天宁的提醒" not in body
    assert client.get(reverse("notices:message_detail", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert not other.is_read


def test_superuser_also_sees_only_own_messages(client, login, world):
    from tests.world import make_user

    root = make_user("root", world.city, is_superuser=True)
    send([world.chair], title="给主席的提醒")
    client = login(root)
    assert "给主席的提醒" not in client.get(reverse("notices:message_list") + "?tab=all").content.decode()
    assert client.get(reverse("notices:message_detail", args=[Message.objects.get().pk])).status_code == 404


def test_opening_marks_read_and_tabs(client, login, world):
    send([world.chair], title="第一条提醒", link="/orgs/")
    send([world.chair], title="第二条提醒")
    first = Message.objects.get(title="第一条提醒")
    client = login(world.chair)
    assert unread_message_count(world.chair) == 2
    response = client.get(reverse("notices:message_detail", args=[first.pk]))
    assert response.status_code == 200
    assert 'href="/orgs/"' in response.content.decode()
    first.refresh_from_db()
    assert first.is_read and first.read_at is not None
    unread_tab = client.get(reverse("notices:message_list")).content.decode()
    assert "第二条提醒" in unread_tab and "第一条提醒" not in unread_tab
    all_tab = client.get(reverse("notices:message_list") + "?tab=all").content.decode()
    assert "第二条提醒" in all_tab and "第一条提醒" in all_tab
    assert unread_message_count(world.chair) == 1


def test_mark_all_read_is_post_only_and_touches_only_own(client, login, world):
    send([world.chair, world.wujin_admin])
    send([world.chair], title="又一条")
    client = login(world.chair)
    url = reverse("notices:message_read_all")
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert not Message.objects.filter(recipient=world.chair, is_read=False).exists()
    assert Message.objects.filter(recipient=world.wujin_admin, is_read=False).count() == 1


def test_message_list_paginates(client, login, world):
    for number in range(25):
        send([world.chair], title=f"提醒{number:02d}")
    client = login(world.chair)
    first = client.get(reverse("notices:message_list")).content.decode()
    assert "第 1 / 2 页" in first
    second = client.get(reverse("notices:message_list") + "?page=2").content.decode()
    assert "提醒00" in second and "提醒24" not in second


def test_unread_badge_fragment_and_header(client, login, world):
    client = login(world.chair)
    fragment = client.get(reverse("notices:unread_count"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="unread-count"' in fragment and "hidden" in fragment
    send([world.chair])
    send([world.chair])
    fragment = client.get(reverse("notices:unread_count"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="unread-count"' in fragment and ">2</span>" in fragment and "hidden" not in fragment
    home = client.get(reverse("home")).content.decode()
    assert 'id="unread-count"' in home and ">2</span>" in home


def test_message_pages_require_login(client, world):
    for url in (reverse("notices:message_list"), reverse("notices:unread_count")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_sidebar_links(client, login, world):
    body = login(world.wujin_admin).get(reverse("home")).content.decode()
    assert reverse("notices:message_list") in body
    assert reverse("notices:announcement_list") in body
    body = login(world.nobody).get(reverse("home")).content.decode()
    assert reverse("notices:message_list") in body


# --- channels ---------------------------------------------------------------------------------------


def test_email_channel_uses_the_email_backend(world, django_capture_on_commit_callbacks):
    world.chair.email = "chair@example.cn"
    world.chair.save()
    with django_capture_on_commit_callbacks(execute=True):
        send([world.chair, world.wujin_admin], channels=("email",), link="/notices/messages/")
    assert not Message.objects.exists()  # email only
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chair@example.cn"]
    assert mail.outbox[0].subject == "季度报表填报提醒"
    assert "请在本月 10 日前提交" in mail.outbox[0].body


def test_email_is_not_sent_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    world.chair.email = "chair@example.cn"
    world.chair.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        send([world.chair], channels=("site", "email"))
        raise RuntimeError("later step failed")
    assert mail.outbox == []
    assert not Message.objects.exists()


def test_sms_channel_with_locmem_backend(world, sms_outbox, django_capture_on_commit_callbacks):
    world.chair.phone = "13812345678"  # users have no phone field yet; the channel reads getattr(user, "phone")
    with django_capture_on_commit_callbacks(execute=True):
        send([world.chair, world.wujin_admin], channels=("site", "sms"))
    assert [(record.phone, record.text) for record in sms_outbox] == [
        ("13812345678", "【工会工作平台】季度报表填报提醒")
    ]
    assert Message.objects.count() == 2


def test_console_sms_backend_masks_the_number(caplog):
    with caplog.at_level(logging.INFO, logger="gonghui.notices.channels"):
        ConsoleSmsBackend().send("13812345678", "测试短信")
    assert "138****5678" in caplog.text
    assert "13812345678" not in caplog.text
    assert mask_phone("12345") == "***45"
    assert mask_phone("") == ""
