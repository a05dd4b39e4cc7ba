"""Tables of pilot enterprises and demonstration sites."""

from __future__ import annotations

import django_tables2 as tables

from gonghui.honours.models import DemoSite, PilotEnterprise


class PilotTable(tables.Table):
    employer = tables.Column(
        verbose_name="试点企业", linkify=lambda record: record.get_absolute_url(), order_by=("employer__name",)
    )
    uscc = tables.Column(verbose_name="统一社会信用代码", accessor="employer__uscc", orderable=False)
    org = tables.Column(verbose_name="负责工会", order_by=("org__path",))
    measure_count = tables.Column(verbose_name="举措数")
    done_count = tables.Column(verbose_name="已完成")

    class Meta:
        model = PilotEnterprise
        fields = (
            "employer",
            "uscc",
            "batch",
            "designated_on",
            "feature",
            "status",
            "org",
            "measure_count",
            "done_count",
        )
        order_by = ("batch",)
        attrs = {"class": "table"}


class DemoSiteTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="示范点名称")
    org = tables.Column(verbose_name="负责工会", order_by=("org__path",))
    employer = tables.Column(verbose_name="所在企业", default="—")

    class Meta:
        model = DemoSite
        fields = ("name", "level", "employer", "named_on", "named_by", "org")
        order_by = ("-named_on",)
        attrs = {"class": "table"}
