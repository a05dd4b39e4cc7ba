from __future__ import annotations

import django_tables2 as tables
from django.contrib.auth import get_user_model

from gonghui.notices.models import Announcement


class AnnouncementTable(tables.Table):
    """Default order is the model's (drafts first, then newest published); no Meta.order_by so exports can slice."""

    title = tables.Column(linkify=True, verbose_name="标题")
    org = tables.Column(verbose_name="发布单位", order_by=("org__path",))
    audience = tables.Column(accessor="audience_label", verbose_name="接收范围", orderable=False, empty_values=())
    published_by = tables.Column(verbose_name="发布人", default="—")
    read_count = tables.Column(verbose_name="已读人数", orderable=True)

    class Meta:
        model = Announcement
        fields = ("title", "org", "audience", "status", "published_at", "published_by", "read_count", "created_at")
        attrs = {"class": "table"}

    def render_audience(self, record):
        return record.audience_label()

    def value_audience(self, record):
        return record.audience_label()


class UnreadRecipientTable(tables.Table):
    """Recipients who have not opened an announcement yet."""

    display_name = tables.Column(verbose_name="姓名", default="—")
    username = tables.Column(verbose_name="登录账号")
    org = tables.Column(verbose_name="所属单位", order_by=("org__path",))
    department = tables.Column(verbose_name="部门", default="—")

    class Meta:
        model = get_user_model()
        fields = ("display_name", "username", "org", "department")
        attrs = {"class": "table"}
