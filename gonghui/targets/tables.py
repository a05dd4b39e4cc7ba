from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from gonghui.targets.models import Indicator, Plan


def source_badge(indicator: Indicator):
    css = "tag active" if indicator.is_computed else "tag"
    return format_html('<span class="{}">{}</span>', css, indicator.get_source_display())


class IndicatorTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="指标名称")
    is_builtin = tables.BooleanColumn(verbose_name="内置", yesno="是,否")
    is_active = tables.BooleanColumn(verbose_name="启用", yesno="是,否")

    class Meta:
        model = Indicator
        fields = ("sort", "name", "key", "unit", "category", "kind", "source", "is_builtin", "is_active")
        attrs = {"class": "table"}

    def render_source(self, record):
        return source_badge(record)

    def value_source(self, record):
        return record.get_source_display()


class PlanTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="计划名称")
    org = tables.Column(verbose_name="单位", order_by=("org__path",))
    target_count = tables.Column(verbose_name="目标数", orderable=True)

    class Meta:
        model = Plan
        fields = ("year", "title", "org", "status", "target_count", "issued_at", "updated_at")
        attrs = {"class": "table"}
