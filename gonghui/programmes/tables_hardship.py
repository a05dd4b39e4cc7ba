"""Tables of hardship files and assistance: personal data masked (the masked columns only)."""

from __future__ import annotations

import django_tables2 as tables

from gonghui.programmes.models.assistance import Assistance, Campaign
from gonghui.programmes.models.hardship import HardshipFile
from gonghui.utilities.pii import mask_name


class HardshipFileTable(tables.Table):
    number = tables.Column(linkify=True, verbose_name="档案编号")
    name = tables.Column(verbose_name="姓名")
    id_number_masked = tables.Column(verbose_name="身份证号")
    org = tables.Column(verbose_name="所属工会", order_by=("org__path",))
    current_due = tables.DateColumn(verbose_name="当前步骤期限", format="Y-m-d")

    class Meta:
        model = HardshipFile
        fields = (
            "number",
            "name",
            "id_number_masked",
            "employer_name",
            "org",
            "cause",
            "state",
            "level",
            "applied_on",
            "current_due",
            "filed_on",
        )
        order_by = ("-applied_on",)
        attrs = {"class": "table"}

    def render_name(self, value):
        return mask_name(value)

    def value_name(self, value):
        return mask_name(value)


class CampaignTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="活动名称")
    org = tables.Column(verbose_name="发起单位", order_by=("org__path",))
    people = tables.Column(verbose_name="已发放人数", orderable=False, empty_values=())
    spent = tables.Column(verbose_name="已发放金额（元）", orderable=False, empty_values=())

    class Meta:
        model = Campaign
        fields = ("name", "kind", "year", "org", "starts_on", "ends_on", "budget", "people", "spent")
        order_by = ("-starts_on",)
        attrs = {"class": "table"}

    def render_people(self, record):
        return getattr(record, "people", 0) or 0

    def render_spent(self, record):
        return getattr(record, "spent", 0) or 0


class AssistanceTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="姓名")
    id_number_masked = tables.Column(verbose_name="身份证号")
    campaign = tables.Column(verbose_name="活动")
    org = tables.Column(verbose_name="发放单位", order_by=("org__path",))

    class Meta:
        model = Assistance
        fields = (
            "name",
            "id_number_masked",
            "campaign",
            "org",
            "hardship_level",
            "school_stage",
            "cash_amount",
            "in_kind_value",
            "given_on",
            "state",
        )
        order_by = ("-given_on",)
        attrs = {"class": "table"}

    def render_name(self, value):
        return mask_name(value)

    def value_name(self, value):
        return mask_name(value)
