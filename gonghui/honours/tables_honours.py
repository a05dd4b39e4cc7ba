"""Tables of the honours registry and care records."""

from __future__ import annotations

import django_tables2 as tables

from gonghui.honours.models import CareRecord, Honour


class HonourTable(tables.Table):
    holder = tables.Column(verbose_name="获得者", accessor="pk", linkify=lambda record: record.get_absolute_url())
    id_number = tables.Column(
        verbose_name="身份证号", accessor="member__id_number_masked", default="—", orderable=False
    )
    title = tables.Column(verbose_name="荣誉称号", accessor="pk", order_by=("level", "kind"))
    org = tables.Column(verbose_name="推荐单位", order_by=("org__path",))

    class Meta:
        model = Honour
        fields = (
            "holder",
            "id_number",
            "title",
            "kind",
            "level",
            "year",
            "awarding_body",
            "org",
            "state",
            "awarded_on",
        )
        order_by = ("-year",)
        attrs = {"class": "table"}

    def render_holder(self, record):
        return record.holder_name

    def value_holder(self, record):
        return record.holder_name

    def render_title(self, record):
        return record.display_title

    def value_title(self, record):
        return record.display_title


class CareTable(tables.Table):
    name = tables.Column(
        verbose_name="劳模", accessor="honour__member__name", linkify=lambda record: record.get_absolute_url()
    )
    honour = tables.Column(verbose_name="荣誉", accessor="honour", orderable=False)
    org = tables.Column(verbose_name="所属单位", order_by=("org__path",))

    class Meta:
        model = CareRecord
        fields = ("name", "honour", "kind", "year", "due_on", "done_on", "amount", "note", "org")
        order_by = ("due_on",)
        attrs = {"class": "table"}

    def render_honour(self, record):
        return record.honour.display_title

    def value_honour(self, record):
        return record.honour.display_title
