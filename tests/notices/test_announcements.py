"""Announcements: audiences, publishing, receipts, attachments, and who may open what."""

import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.notices import selectors, services
from gonghui.notices.models import (
    Announcement,
    AnnouncementAttachment,
    AnnouncementReceipt,
    AnnouncementStatus,
    AudienceMode,
    Message,
)
from tests.notices.helpers import draft, pdf_file, published
from tests.world import make_user

pytestmark = pytest.mark.django_db


def recipients_of_messages(title_part="送温暖"):
    return set(Message.objects.filter(title__contains=title_part).values_list("recipient__username", flat=True))


# --- audiences ----------------------------------------------------------------------------------


def test_whole_subtree_reaches_wujin_users_only(world, django_capture_on_commit_callbacks):
    hutang_staff = make_user("hutang_staff", world.hutang, email="hutang@example.cn")
    tianning_staff = make_user("tianning_staff", world.chashan, email="chashan@example.cn")
    world.chair.email = "chair@example.cn"
    world.chair.save()
    with django_capture_on_commit_callbacks(execute=True):
        published(world.wujin_admin, world.wujin)
    # The publisher does not message themself; everyone else in 武进区's subtree gets one.
    assert recipients_of_messages() == {"chair", "nobody", "hutang_staff"}
    assert not Message.objects.filter(recipient__in=[world.tianning_admin, tianning_staff, world.city_admin]).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["chair@example.cn", "hutang@example.cn"]
    assert all("送温暖" in m.subject for m in mail.outbox)
    assert world.chair.messages.get().link.startswith("/notices/")
    assert hutang_staff.messages.get().link == ""  # no role: no announcement pages, so no dead link


def test_chosen_units_with_and_without_subtree(world):
    make_user("hutang_staff", world.hutang)
    make_user("chashan_staff", world.chashan)
    announcement = published(
        world.city_admin,
        world.city,
        audience_mode=AudienceMode.UNITS,
        units_with_subtree=[world.hutang],
        units=[world.tianning],
    )
    # 湖塘镇 and everything below it; 天宁区 itself but not 茶山街道 below it; not 武进区 above 湖塘.
    assert recipients_of_messages() == {"hutang_staff", "chair", "tianning_admin"}
    assert announcement.audience_label() == "湖塘镇工会（含下级）、天宁区总工会"
    assert selectors.is_recipient(world.chair, announcement)
    assert not selectors.is_recipient(world.wujin_admin, announcement)
    assert set(selectors.inbox_announcements(world.tianning_admin)) == {announcement}


def test_chosen_unit_outside_the_issuing_subtree_is_refused(world):
    with pytest.raises(ValidationError) as error:
        draft(world.wujin_admin, world.wujin, audience_mode=AudienceMode.UNITS, units=[world.tianning])
    assert "不是发布单位「武进区总工会」或其下级单位" in str(error.value)
    with pytest.raises(ValidationError) as error:
        draft(world.wujin_admin, world.wujin, audience_mode=AudienceMode.UNITS)
    assert "请至少选择一个接收单位" in str(error.value)


def test_issuing_outside_own_scope_is_refused(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        draft(world.wujin_admin, world.tianning)
    assert not Announcement.objects.exists()


def test_create_page_with_chosen_units(client, login, world):
    client = login(world.wujin_admin)
    response = client.post(
        reverse("notices:announcement_add"),
        {
            "org": world.wujin.pk,
            "title": "关于湖塘镇试点的通知",
            "body": "试点。",
            "audience_mode": "units",
            "units_with_subtree": [world.hutang.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    announcement = Announcement.objects.get(title="关于湖塘镇试点的通知")
    assert [(t.org, t.include_subtree) for t in announcement.targets.all()] == [(world.hutang, True)]
    # Units outside the user's scope are not even offered.
    response = client.post(
        reverse("notices:announcement_add"),
        {"org": world.wujin.pk, "title": "越权", "body": "x", "audience_mode": "units", "units": [world.chashan.pk]},
    )
    assert response.status_code == 200
    assert not Announcement.objects.filter(title="越权").exists()


# --- publishing, withdrawing, editing -------------------------------------------------------------


def test_publish_page_confirms_then_publishes(client, login, world, django_capture_on_commit_callbacks):
    announcement = draft(world.wujin_admin, world.wujin)
    client = login(world.wujin_admin)
    url = reverse("notices:announcement_publish", args=[announcement.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "确认发布" in response.content.decode()
    assert "2 名用户" in response.content.decode()  # chair and nobody
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.PUBLISHED
    assert announcement.published_by == world.wujin_admin
    assert announcement.published_at is not None
    assert recipients_of_messages() == {"chair", "nobody"}
    # Publishing twice is refused and sends nothing more.
    with pytest.raises(ValidationError):
        services.announcement_publish(user=world.wujin_admin, announcement=announcement)
    assert Message.objects.count() == 2


def test_recipient_without_announcement_pages_gets_full_text_and_no_dead_link(world):
    published(world.wujin_admin, world.wujin)
    message = Message.objects.get(recipient=world.nobody)
    assert message.link == ""
    assert "请认真组织" in message.body
    assert Message.objects.get(recipient=world.chair).link.endswith(f"/{Announcement.objects.get().pk}/")


def test_withdraw_with_reason_hides_it_from_recipients(client, login, world):
    announcement = published(world.wujin_admin, world.wujin)
    client = login(world.wujin_admin)
    url = reverse("notices:announcement_withdraw", args=[announcement.pk])
    assert "确认撤回" in client.get(url).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    response = client.post(url, {"reason": "内容有误，修改后重发"})
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.WITHDRAWN
    assert announcement.withdraw_reason == "内容有误，修改后重发"
    detail = reverse("notices:announcement_detail", args=[announcement.pk])
    assert "撤回原因：内容有误" in client.get(detail).content.decode()
    assert login(world.chair).get(detail).status_code == 404


def test_published_announcement_cannot_be_edited_or_deleted(client, login, world):
    announcement = published(world.wujin_admin, world.wujin)
    client = login(world.wujin_admin)
    response = client.get(reverse("notices:announcement_edit", args=[announcement.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("notices:announcement_edit", args=[announcement.pk]),
        {"org": world.wujin.pk, "title": "改了", "body": "x", "audience_mode": "subtree"},
    )
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.title != "改了"
    with pytest.raises(ValidationError) as error:
        services.announcement_update(user=world.wujin_admin, announcement=announcement, data={"title": "改了"})
    assert "只有草稿可以修改" in str(error.value)
    response = client.post(reverse("notices:announcement_delete", args=[announcement.pk]))
    assert response.status_code == 200
    assert "只能删除草稿" in response.content.decode()
    assert Announcement.objects.filter(pk=announcement.pk).exists()


# --- who may open what ------------------------------------------------------------------------------


def test_recipient_reads_but_cannot_manage(client, login, world):
    announcement = published(world.wujin_admin, world.wujin, files=[pdf_file()])
    attachment = announcement.attachments.get()
    client = login(world.chair)
    detail = client.get(reverse("notices:announcement_detail", args=[announcement.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "请认真组织" in body
    assert "编辑" not in body and "阅读回执" not in body
    assert client.get(reverse("notices:attachment_download", args=[attachment.pk])).status_code == 200
    # The grassroots chair holds only the view permission: every managing page is refused
    # (403 where the chair lacks the action altogether, 404 where the object is out of scope).
    for name in (
        "announcement_edit",
        "announcement_publish",
        "announcement_withdraw",
        "announcement_delete",
        "announcement_receipts",
    ):
        url = reverse(f"notices:{name}", args=[announcement.pk])
        assert client.get(url).status_code in (403, 404), name
        assert client.post(url, {"reason": "x"}).status_code in (403, 404), name
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.PUBLISHED
    # The announcement shows in the chair's inbox tab and on the home page.
    assert announcement.title in client.get(reverse("notices:announcement_list") + "?box=inbox").content.decode()
    assert announcement.title in client.get(reverse("home")).content.decode()
    assert announcement.title not in client.get(reverse("notices:announcement_list") + "?box=managed").content.decode()


def test_chair_has_no_add_permission(client, login, world):
    assert login(world.chair).get(reverse("notices:announcement_add")).status_code == 403


def test_other_subtree_gets_404_everywhere(client, login, world):
    announcement = published(world.wujin_admin, world.wujin, files=[pdf_file()])
    attachment = announcement.attachments.get()
    draft_one = draft(world.wujin_admin, world.wujin, title="草稿")
    client = login(world.tianning_admin)
    urls = [
        reverse("notices:announcement_detail", args=[announcement.pk]),
        reverse("notices:announcement_receipts", args=[announcement.pk]),
        reverse("notices:announcement_receipts", args=[announcement.pk]) + "?export=xlsx",
        reverse("notices:attachment_download", args=[attachment.pk]),
        reverse("notices:announcement_withdraw", args=[announcement.pk]),
        reverse("notices:announcement_edit", args=[draft_one.pk]),
        reverse("notices:announcement_publish", args=[draft_one.pk]),
        reverse("notices:announcement_delete", args=[draft_one.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls[4:]:
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    assert Announcement.objects.get(pk=draft_one.pk).status == AnnouncementStatus.DRAFT
    list_body = client.get(reverse("notices:announcement_list")).content.decode()
    assert announcement.title not in list_body


def test_drafts_are_not_shown_to_recipients(client, login, world):
    announcement = draft(world.wujin_admin, world.wujin)
    assert login(world.chair).get(reverse("notices:announcement_detail", args=[announcement.pk])).status_code == 404


def test_city_admin_manages_the_district_announcement(client, login, world):
    announcement = published(world.wujin_admin, world.wujin)
    client = login(world.city_admin)
    assert client.get(reverse("notices:announcement_receipts", args=[announcement.pk])).status_code == 200


# --- receipts ---------------------------------------------------------------------------------------


def test_receipt_page_lists_unread_and_updates_when_opened(client, login, world):
    hutang_staff = make_user("hutang_staff", world.hutang, display_name="湖塘张三")
    world.chair.display_name = "甲公司李四"
    world.chair.save()
    announcement = published(world.wujin_admin, world.wujin)
    receipts_url = reverse("notices:announcement_receipts", args=[announcement.pk])
    admin = login(world.wujin_admin)
    body = admin.get(receipts_url).content.decode()
    assert "湖塘张三" in body and "甲公司李四" in body
    summary = selectors.receipt_summary(announcement)
    assert (summary["total"], summary["read"], summary["unread"]) == (3, 0, 3)  # not the publisher

    # The chair opens it: a receipt, and their site message is read too.
    chair_client = login(world.chair)
    assert chair_client.get(reverse("notices:announcement_detail", args=[announcement.pk])).status_code == 200
    assert AnnouncementReceipt.objects.filter(announcement=announcement, user=world.chair).count() == 1
    assert Message.objects.get(recipient=world.chair).is_read
    chair_client.get(reverse("notices:announcement_detail", args=[announcement.pk]))
    assert AnnouncementReceipt.objects.filter(announcement=announcement, user=world.chair).count() == 1

    admin = login(world.wujin_admin)
    body = admin.get(receipts_url).content.decode()
    assert "甲公司李四" not in body
    assert "湖塘张三" in body
    summary = selectors.receipt_summary(announcement)
    assert (summary["read"], summary["unread"]) == (1, 2)
    by_unit = {row["org__name"]: (row["total"], row["read"]) for row in summary["units"]}
    assert by_unit == {"武进区总工会": (1, 0), "湖塘镇工会": (1, 0), "武进甲公司工会": (1, 1)}
    # Filter to one unit.
    body = admin.get(receipts_url + f"?unit={world.hutang.pk}").content.decode()
    assert "湖塘张三" in body and "nobody" not in body

    # Export of the unread list.
    response = admin.get(receipts_url + "?export=xlsx")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    names = {row[1] for row in rows[1:]}
    assert names == {"hutang_staff", "nobody"}
    assert hutang_staff.pk  # the user exists, listed by account name above


def test_manager_opening_is_not_a_receipt_unless_recipient(client, login, world):
    announcement = published(world.wujin_admin, world.wujin)
    login(world.city_admin).get(reverse("notices:announcement_detail", args=[announcement.pk]))
    login(world.wujin_admin).get(reverse("notices:announcement_detail", args=[announcement.pk]))  # the publisher
    assert not AnnouncementReceipt.objects.exists()


def test_receipt_export_needs_export_permission(client, login, world):
    from gonghui.accounts.models import Role

    viewer = Role.objects.create(name="只读通知", code="notice_viewer", data_scope="own_org_and_below")
    from django.contrib.auth.models import Permission

    viewer.permissions.set(Permission.objects.filter(codename="view_announcement"))
    reader = make_user("reader", world.wujin, "notice_viewer")
    announcement = published(world.wujin_admin, world.wujin)
    client = login(reader)
    url = reverse("notices:announcement_receipts", args=[announcement.pk])
    assert client.get(url).status_code == 200
    assert client.get(url + "?export=xlsx").status_code == 403


# --- attachments -------------------------------------------------------------------------------------


def test_attachment_is_stored_under_notices_and_downloaded_with_its_name(client, login, world, media_root):
    announcement = published(world.wujin_admin, world.wujin, files=[pdf_file("2026年工作方案.pdf")])
    attachment = announcement.attachments.get()
    assert attachment.file.name.startswith("notices/")
    assert "工作方案" not in attachment.file.name  # stored under a random name
    assert (media_root / attachment.file.name).exists()
    assert attachment.original_name == "2026年工作方案.pdf"
    response = login(world.chair).get(reverse("notices:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''2026" in response["Content-Disposition"]


def test_attachment_type_and_size_are_checked(client, login, world, settings):
    client = login(world.wujin_admin)
    data = {"org": world.wujin.pk, "title": "带附件的通知", "body": "见附件。", "audience_mode": "subtree"}
    response = client.post(reverse("notices:announcement_add"), {**data, "new_attachments": [pdf_file("病毒.exe")]})
    assert response.status_code == 200
    assert "附件「病毒.exe」的类型不支持：只能上传 pdf、doc、docx、xls、xlsx、jpg、png、zip 格式的文件" in (
        response.content.decode()
    )
    big = pdf_file("大文件.pdf", size=20 * 1024 * 1024 + 1)
    response = client.post(reverse("notices:announcement_add"), {**data, "new_attachments": [big]})
    assert response.status_code == 200
    assert "附件「大文件.pdf」大小为 20.0 MB，超过了 20 MB 的上限，请压缩或拆分后再上传。" in response.content.decode()
    assert not Announcement.objects.exists()
    assert not AnnouncementAttachment.objects.exists()
    # The service checks too, whoever calls it.
    with pytest.raises(ValidationError) as error:
        draft(world.wujin_admin, world.wujin, files=[pdf_file("名单.csv")])
    assert "类型不支持" in str(error.value)
    assert not Announcement.objects.exists()


def test_several_attachments_upload_and_one_removed_on_edit(client, login, world):
    client = login(world.wujin_admin)
    data = {"org": world.wujin.pk, "title": "带附件的通知", "body": "见附件。", "audience_mode": "subtree"}
    response = client.post(
        reverse("notices:announcement_add"),
        {**data, "new_attachments": [pdf_file("一.pdf"), pdf_file("二.docx"), pdf_file("三.xlsx")]},
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert sorted(a.original_name for a in announcement.attachments.all()) == ["一.pdf", "三.xlsx", "二.docx"]
    first = announcement.attachments.get(original_name="一.pdf")
    response = client.post(
        reverse("notices:announcement_edit", args=[announcement.pk]), {**data, "remove_attachments": [first.pk]}
    )
    assert response.status_code == 302
    assert sorted(a.original_name for a in announcement.attachments.all()) == ["三.xlsx", "二.docx"]


def test_delete_draft_removes_its_files(world, media_root, django_capture_on_commit_callbacks):
    announcement = draft(world.wujin_admin, world.wujin, files=[pdf_file()])
    path = media_root / announcement.attachments.get().file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_delete(user=world.wujin_admin, announcement=announcement)
    assert not path.exists()
    assert not Announcement.objects.exists()


# --- list --------------------------------------------------------------------------------------------


def test_list_filters_by_status_and_search(client, login, world):
    published(world.wujin_admin, world.wujin, title="关于春节慰问的通知")
    draft(world.wujin_admin, world.wujin, title="关于夏送清凉的通知")
    client = login(world.wujin_admin)
    url = reverse("notices:announcement_list")
    body = client.get(url + "?status=draft").content.decode()
    assert "夏送清凉" in body and "春节慰问" not in body
    body = client.get(url + "?q=春节").content.decode()
    assert "春节慰问" in body and "夏送清凉" not in body
    today = timezone.localdate().isoformat()
    body = client.get(url + f"?published_from={today}&published_to={today}").content.decode()
    assert "春节慰问" in body and "夏送清凉" not in body
    body = client.get(url + "?published_to=2000-01-01").content.decode()
    assert "春节慰问" not in body
    body = client.get(url + "?sort=status").content.decode()
    assert body.index("关于夏送清凉") < body.index("关于春节慰问")  # draft before published
    body = client.get(url + "?sort=-status").content.decode()
    assert body.index("关于夏送清凉") > body.index("关于春节慰问")
