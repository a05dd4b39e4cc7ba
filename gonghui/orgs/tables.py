from __future__ import annotations

import django_tables2 as tables

from gonghui.orgs.models import Employer, Organization


class OrganizationTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="组织名称")
    parent_name = tables.Column(accessor="parent_name", verbose_name="上级单位", orderable=False, empty_values=())
    descendant_count = tables.Column(verbose_name="下级组织(累计)", orderable=True)

    class Meta:
        model = Organization
        fields = ("name", "code", "org_type", "level", "region_code", "status", "founded_on", "chair_name")
        sequence = (
            "name",
            "code",
            "org_type",
            "level",
            "parent_name",
            "descendant_count",
            "region_code",
            "status",
            "founded_on",
            "chair_name",
        )
        order_by = ("path",)
        attrs = {"class": "table"}

    def render_parent_name(self, record):
        return record.parent_name or "—"


class EmployerTable(tables.Table):
    name = tables.Column(linkify=True)
    union = tables.Column(linkify=True, verbose_name="所属工会", default="未建会")
    org = tables.Column(verbose_name="负责单位")

    class Meta:
        model = Employer
        fields = (
            "name",
            "uscc",
            "ownership",
            "industry",
            "staff_count",
            "women_count",
            "region_code",
            "is_platform",
            "union",
            "org",
        )
        order_by = ("name",)
        attrs = {"class": "table"}
