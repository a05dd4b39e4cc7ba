from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone

from gonghui.orgs.models import Organization
from gonghui.orgs.models_establishment import CommitteeMember, EstablishmentCase, ReElection


class EstablishmentCaseTable(tables.Table):
    number = tables.Column(linkify=True, verbose_name="案卷编号")
    union_name = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name="拟建工会")
    org = tables.Column(verbose_name="上级工会", order_by=("org__path",))
    next_step = tables.Column(accessor="next_step_label", verbose_name="待办环节", orderable=False, empty_values=())
    overdue = tables.Column(verbose_name="超期天数", orderable=False, empty_values=())
    created_union = tables.Column(verbose_name="成立的工会", linkify=True, default="—")

    class Meta:
        model = EstablishmentCase
        fields = ("number", "union_name", "union_type", "org", "state", "applied_on", "deadline", "worker_count")
        sequence = (
            "number",
            "union_name",
            "union_type",
            "org",
            "state",
            "next_step",
            "applied_on",
            "deadline",
            "overdue",
            "worker_count",
            "created_union",
        )
        order_by = ("-applied_on",)
        attrs = {"class": "table"}

    def render_overdue(self, record):
        days = record.days_overdue(timezone.localdate())
        return f"超期 {days} 天" if days else "—"

    def value_overdue(self, record):
        return record.days_overdue(timezone.localdate())


class ReElectionTable(tables.Table):
    org = tables.Column(verbose_name="工会", linkify=lambda record: record.get_absolute_url(), order_by=("org__path",))

    class Meta:
        model = ReElection
        fields = (
            "org",
            "status",
            "previous_term_end",
            "planned_on",
            "election_on",
            "chair_name",
            "term_end",
            "approved_on",
        )
        order_by = ("-planned_on",)
        attrs = {"class": "table"}


class TermTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="工会")
    overdue = tables.Column(verbose_name="届满情况", orderable=False, empty_values=())
    reelection_open = tables.BooleanColumn(verbose_name="换届办理中", yesno="是,否")

    class Meta:
        model = Organization
        fields = ("name", "code", "org_type", "chair_name", "term_end")
        sequence = ("name", "code", "org_type", "chair_name", "term_end", "overdue", "reelection_open")
        order_by = ("term_end",)
        attrs = {"class": "table"}

    def render_overdue(self, record):
        days = (record.term_end - timezone.localdate()).days
        return f"已超期 {-days} 天" if days < 0 else f"还有 {days} 天"

    def value_overdue(self, record):
        return (record.term_end - timezone.localdate()).days


class CommitteeMemberTable(tables.Table):
    org = tables.Column(verbose_name="工会", linkify=True, order_by=("org__path",))

    class Meta:
        model = CommitteeMember
        fields = ("org", "name", "role", "term_start", "term_end", "is_current")
        order_by = ("org", "sort")
        attrs = {"class": "table"}
