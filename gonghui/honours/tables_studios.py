"""Table of innovation studios with their achievements."""

from __future__ import annotations

import django_tables2 as tables

from gonghui.honours.models import InnovationStudio


class StudioTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="工作室名称")
    leader = tables.Column(verbose_name="领办人", accessor="leader__name", order_by=("leader__name",))
    org = tables.Column(verbose_name="所属工会", order_by=("org__path",))
    team_size = tables.Column(verbose_name="成员数")
    patent_count = tables.Column(verbose_name="专利")
    award_count = tables.Column(verbose_name="获奖")
    savings = tables.Column(verbose_name="创效(元)")

    class Meta:
        model = InnovationStudio
        fields = (
            "name",
            "kind",
            "level",
            "leader",
            "field",
            "org",
            "named_on",
            "named_by",
            "status",
            "team_size",
            "patent_count",
            "award_count",
            "savings",
        )
        order_by = ("-named_on",)
        attrs = {"class": "table"}
