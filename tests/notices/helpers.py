"""Small builders for the notices tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.notices import services
from gonghui.notices.models import Announcement, AudienceMode


def make_announcement(org, title="关于做好2026年度工会统计工作的通知", user=None, **extra) -> Announcement:
    return Announcement.objects.create(
        org=org, title=title, body=extra.pop("body", "各单位：\n请按时报送。"), created_by=user, **extra
    )


def pdf_file(name="工作方案.pdf", size=None) -> SimpleUploadedFile:
    content = b"%PDF-1.4\n% test\n" if size is None else b"0" * size
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def draft(user, org, title="关于开展送温暖活动的通知", files=(), **data):
    data.setdefault("audience_mode", AudienceMode.SUBTREE)
    return services.announcement_create(
        user=user, data={"org": org, "title": title, "body": "各基层工会：\n请认真组织。", **data}, files=files
    )


def published(user, org, title="关于开展送温暖活动的通知", files=(), **data):
    announcement = draft(user, org, title, files=files, **data)
    return services.announcement_publish(user=user, announcement=announcement)
