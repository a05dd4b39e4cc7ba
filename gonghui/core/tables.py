from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from gonghui.core.models import ChangeLog, DictType, OperationLog


class ChangeLogTable(tables.Table):
    time = tables.DateTimeColumn(
        verbose_name="时间", format="Y-m-d H:i:s", linkify=("core:changelog_detail", {"pk": tables.A("pk")})
    )
    user_name = tables.Column(verbose_name="操作人", default="系统")
    model = tables.Column(verbose_name="数据类型", accessor="content_type", order_by=("content_type__model",))

    class Meta:
        model = ChangeLog
        fields = ("time", "user_name", "action", "model", "object_repr", "object_id", "request_id")
        order_by = ("-time",)
        attrs = {"class": "table"}

    def render_model(self, value):
        return value.name

    def value_model(self, value):
        return value.name


class OperationLogTable(tables.Table):
    time = tables.DateTimeColumn(verbose_name="时间", format="Y-m-d H:i:s")
    user_name = tables.Column(verbose_name="操作人", default="匿名")

    class Meta:
        model = OperationLog
        fields = (
            "time",
            "user_name",
            "method",
            "path",
            "view_name",
            "summary",
            "status_code",
            "duration_ms",
            "ip",
            "request_id",
        )
        order_by = ("-time",)
        attrs = {"class": "table"}


class DictTypeTable(tables.Table):
    name = tables.Column(verbose_name="字典名称", linkify=("core:dict_detail", {"pk": tables.A("pk")}))
    item_count = tables.Column(verbose_name="字典数据条数")
    is_active = tables.BooleanColumn(verbose_name="启用", yesno="是,否")

    class Meta:
        model = DictType
        fields = ("name", "code", "item_count", "is_active", "remark")
        order_by = ("code",)
        attrs = {"class": "table"}


def color_tag(label: str, color: str):
    """A tag in the item's colour; anything but a #hex colour is ignored (it lands in a style attribute)."""
    from gonghui.core.services import COLOR_PATTERN

    if not color or not COLOR_PATTERN.match(color):
        return format_html('<span class="tag">{}</span>', label)
    return format_html('<span class="tag" style="color:{0};border-color:{0}">{1}</span>', color, label)
