"""Writers for announcements and messages: validated, atomic, re-checked against scope.

``message_send`` is the one way any module notifies users (reminders, overdue warnings, ...).
Email and SMS go out after the surrounding transaction commits, so a rolled-back write
never notifies anyone (in tests wrap the call in ``django_capture_on_commit_callbacks(execute=True)``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from gonghui.core.querysets import ensure_in_scope
from gonghui.notices import channels as delivery
from gonghui.notices import selectors
from gonghui.notices.models import (
    Announcement,
    AnnouncementAttachment,
    AnnouncementReceipt,
    AnnouncementStatus,
    AnnouncementTarget,
    AudienceMode,
    Message,
    MessageCategory,
    validate_internal_link,
)
from gonghui.orgs.models import Organization, OrgStatus

logger = logging.getLogger(__name__)

CHANNELS = ("site", "email", "sms")
MESSAGE_BATCH = 1000
ANNOUNCEMENT_FIELDS = ("org", "title", "body", "audience_mode")


# --- messages ---------------------------------------------------------------------------------


def _unique_active(recipients: Iterable[Any]) -> list[Any]:
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


@transaction.atomic
def message_send(
    *,
    recipients: Iterable[Any],
    title: str,
    body: str,
    link: str = "",
    category: str = MessageCategory.NOTICE,
    channels: Sequence[str] = ("site",),
) -> list[Message]:
    """Notify each active recipient once through the chosen channels.

    ``site`` writes a Message row; ``email`` mails users with an address through Django's email
    backend; ``sms`` texts users with a phone through ``settings.SMS_BACKEND``. Returns the Messages.
    """
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channel(s): {', '.join(sorted(unknown))}")
    if category not in MessageCategory.values:
        raise ValueError(f"unknown message category {category!r}")
    validate_internal_link(link)
    title = title.strip()[:200]
    users = _unique_active(recipients)
    created: list[Message] = []
    if "site" in channels and users:
        rows = [Message(recipient=user, title=title, body=body, link=link, category=category) for user in users]
        for start in range(0, len(rows), MESSAGE_BATCH):
            created.extend(Message.objects.bulk_create(rows[start : start + MESSAGE_BATCH]))
    if "email" in channels:
        email_body = body + (f"\n\n详情请登录工会工作平台查看：{link}" if link else "")
        transaction.on_commit(lambda: delivery.send_emails(users, title, email_body), robust=True)
    if "sms" in channels:
        sms_text = f"【工会工作平台】{title}"
        transaction.on_commit(lambda: delivery.send_sms(users, sms_text), robust=True)
    return created


@transaction.atomic
def message_mark_read(*, user: Any, message: Message) -> Message:
    message = Message.objects.select_for_update().get(pk=message.pk, recipient=user)
    if not message.is_read:
        message.is_read = True
        message.read_at = timezone.now()
        message.save(update_fields=["is_read", "read_at"])
    return message


@transaction.atomic
def message_mark_all_read(*, user: Any) -> int:
    return Message.objects.filter(recipient=user, is_read=False).update(is_read=True, read_at=timezone.now())


# --- announcements ----------------------------------------------------------------------------


def _targets_from(data: dict) -> list[tuple[Organization, bool]]:
    """Chosen units from the form: ``units`` (the unit only) and ``units_with_subtree``; subtree wins."""
    chosen: dict[int, tuple[Organization, bool]] = {}
    for org in data.get("units") or ():
        chosen[org.pk] = (org, False)
    for org in data.get("units_with_subtree") or ():
        chosen[org.pk] = (org, True)
    return list(chosen.values())


def _check_audience(announcement: Announcement, targets: list[tuple[Organization, bool]]) -> None:
    if announcement.audience_mode != AudienceMode.UNITS:
        return
    if not targets:
        raise ValidationError({"units": "接收范围为“指定单位”时，请至少选择一个接收单位。"})
    outside = [org.name for org, _sub in targets if not org.path.startswith(announcement.org.path)]
    if outside:
        raise ValidationError(
            {
                "units": f"「{'、'.join(outside)}」不是发布单位「{announcement.org.name}」或其下级单位，"
                "请只选择发布单位及其下级单位。"
            }
        )


def _save_targets(announcement: Announcement, targets: list[tuple[Organization, bool]]) -> None:
    announcement.targets.all().delete()
    if announcement.audience_mode == AudienceMode.UNITS:
        AnnouncementTarget.objects.bulk_create(
            AnnouncementTarget(announcement=announcement, org=org, include_subtree=sub) for org, sub in targets
        )


def _add_attachments(*, user: Any, announcement: Announcement, files: Iterable[UploadedFile]) -> None:
    # Validate every file before writing any, so a bad one leaves no orphans on disk.
    attachments = []
    for upload in files:
        attachment = AnnouncementAttachment(
            announcement=announcement,
            file=upload,
            original_name=upload.name[:200],
            size=upload.size or 0,
            uploaded_by=user,
        )
        try:
            attachment.full_clean()
        except ValidationError as error:
            raise ValidationError({"new_attachments": error.messages}) from None
        attachments.append(attachment)
    for attachment in attachments:
        attachment.save()


def _delete_files_after_commit(names: list[tuple[Any, str]]) -> None:
    def delete() -> None:
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("附件文件删除失败：%s", name, exc_info=True)

    transaction.on_commit(delete, robust=True)


def _apply(announcement: Announcement, data: dict) -> None:
    for field in ANNOUNCEMENT_FIELDS:
        if field in data:
            setattr(announcement, field, data[field])
    if announcement.org_id and announcement.org.status == OrgStatus.DISSOLVED:
        raise ValidationError({"org": f"「{announcement.org.name}」已撤销，不能作为发布单位。"})


@transaction.atomic
def announcement_create(*, user: Any, data: dict, files: Iterable[UploadedFile] = ()) -> Announcement:
    """起草: a draft in the issuing union ``data['org']``."""
    announcement = Announcement(created_by=user)
    _apply(announcement, data)
    announcement.full_clean()
    targets = _targets_from(data)
    _check_audience(announcement, targets)
    announcement.save()
    ensure_in_scope(user, announcement, "add")
    _save_targets(announcement, targets)
    _add_attachments(user=user, announcement=announcement, files=files)
    return announcement


@transaction.atomic
def announcement_update(
    *,
    user: Any,
    announcement: Announcement,
    data: dict,
    files: Iterable[UploadedFile] = (),
    remove_attachments: Iterable[AnnouncementAttachment] = (),
) -> Announcement:
    announcement = Announcement.objects.restrict(user, "change").select_for_update().get(pk=announcement.pk)
    if announcement.status != AnnouncementStatus.DRAFT:
        raise ValidationError("只有草稿可以修改；已发布的通知请先撤回，再重新起草。")
    announcement.snapshot()
    _apply(announcement, data)
    announcement.full_clean()
    targets = _targets_from(data) if "units" in data or "units_with_subtree" in data else _current_targets(announcement)
    _check_audience(announcement, targets)
    announcement.save()
    ensure_in_scope(user, announcement, "change")
    _save_targets(announcement, targets)
    removed = list(announcement.attachments.filter(pk__in=[a.pk for a in remove_attachments]))
    for attachment in removed:
        attachment.delete()
    _delete_files_after_commit([(a.file.storage, a.file.name) for a in removed])
    _add_attachments(user=user, announcement=announcement, files=files)
    return announcement


def _current_targets(announcement: Announcement) -> list[tuple[Organization, bool]]:
    return [(t.org, t.include_subtree) for t in announcement.targets.select_related("org")]


@transaction.atomic
def announcement_delete(*, user: Any, announcement: Announcement) -> None:
    announcement = Announcement.objects.restrict(user, "delete").select_for_update().get(pk=announcement.pk)
    if announcement.status != AnnouncementStatus.DRAFT:
        raise ValidationError("只能删除草稿；已发布的通知请使用“撤回”，以保留发布记录。")
    files = [(a.file.storage, a.file.name) for a in announcement.attachments.all()]
    for attachment in announcement.attachments.all():
        attachment.delete()
    announcement.delete()
    _delete_files_after_commit(files)


@transaction.atomic
def announcement_publish(*, user: Any, announcement: Announcement) -> Announcement:
    """发布: recipients get a site message, and an email when they have an address."""
    announcement = Announcement.objects.restrict(user, "approve").select_for_update().get(pk=announcement.pk)
    if announcement.status != AnnouncementStatus.DRAFT:
        raise ValidationError(f"「{announcement.title}」已经{announcement.get_status_display()}，只有草稿可以发布。")
    if announcement.org.status == OrgStatus.DISSOLVED:
        raise ValidationError(f"发布单位「{announcement.org.name}」已撤销，请修改发布单位后再发布。")
    _check_audience(announcement, _current_targets(announcement))
    announcement.snapshot()
    announcement.status = AnnouncementStatus.PUBLISHED
    announcement.published_at = timezone.now()
    announcement.published_by = user
    announcement.save()
    ensure_in_scope(user, announcement, "approve")
    _notify_recipients(user=user, announcement=announcement)
    return announcement


def _notify_recipients(*, user: Any, announcement: Announcement) -> None:
    recipients = selectors.announcement_recipients(announcement)
    # Recipients without the announcement pages get the full text in the message and no dead link.
    readers = selectors.users_who_may_view_announcements(recipients)
    title = f"通知公告：{announcement.title}"
    body = f"{announcement.org.name} 发布：\n\n{announcement.body}"
    if announcement.attachments.exists():
        body += "\n\n（本通知有附件，请登录系统查看。）"
    message_send(
        recipients=readers,
        title=title,
        body=body,
        link=announcement.get_absolute_url(),
        category=MessageCategory.NOTICE,
        channels=("site", "email"),
    )
    message_send(
        recipients=recipients.exclude(pk__in=readers.values("pk")),
        title=title,
        body=body,
        category=MessageCategory.NOTICE,
        channels=("site", "email"),
    )


@transaction.atomic
def announcement_withdraw(*, user: Any, announcement: Announcement, reason: str) -> Announcement:
    """撤回: recipients no longer see it; the record and its receipts stay."""
    announcement = Announcement.objects.restrict(user, "approve").select_for_update().get(pk=announcement.pk)
    if announcement.status != AnnouncementStatus.PUBLISHED:
        raise ValidationError(
            f"「{announcement.title}」当前为{announcement.get_status_display()}，只有已发布的通知可以撤回。"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤回原因。"})
    announcement.snapshot()
    announcement.status = AnnouncementStatus.WITHDRAWN
    announcement.withdrawn_at = timezone.now()
    announcement.withdrawn_by = user
    announcement.withdraw_reason = reason[:200]
    announcement.save()
    ensure_in_scope(user, announcement, "approve")
    return announcement


@transaction.atomic
def announcement_mark_read(*, user: Any, announcement: Announcement) -> AnnouncementReceipt | None:
    """Write the read receipt the first time a recipient opens a published announcement."""
    if announcement.status != AnnouncementStatus.PUBLISHED or not selectors.is_recipient(user, announcement):
        return None
    receipt, _created = AnnouncementReceipt.objects.get_or_create(announcement=announcement, user=user)
    Message.objects.filter(recipient=user, is_read=False, link=announcement.get_absolute_url()).update(
        is_read=True, read_at=timezone.now()
    )
    return receipt
