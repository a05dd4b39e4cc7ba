"""Tables of 职工互助保障. Claim tables show masked names only, never health details."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from gonghui.core.querysets import can
from gonghui.programmes.models.mutualaid import MutualAidClaim, MutualAidEnrolment, MutualAidPlan
from gonghui.utilities.pii import mask_name


class PlanTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="计划名称")
    org = tables.Column(verbose_name="举办单位", order_by=("org__path",))
    period_start = tables.DateColumn(verbose_name="保障期开始", format="Y-m-d")
    period_end = tables.DateColumn(verbose_name="保障期结束", format="Y-m-d")

    class Meta:
        model = MutualAidPlan
        fields = ("name", "kind", "status", "org", "period_start", "period_end", "premium", "per_claim_cap")
        order_by = ("-period_start",)
        attrs = {"class": "table"}


class EnrolmentTable(tables.Table):
    name = tables.Column(verbose_name="姓名")
    id_masked = tables.Column(verbose_name="身份证号", accessor="member__id_number_masked", orderable=False)
    plan = tables.Column(verbose_name="计划", linkify=lambda record: record.plan.get_absolute_url())
    org = tables.Column(verbose_name="参保工会", order_by=("org__path",))
    coverage_start = tables.DateColumn(verbose_name="保障开始", format="Y-m-d")
    coverage_end = tables.DateColumn(verbose_name="保障结束", format="Y-m-d")
    actions = tables.Column(verbose_name="操作", empty_values=(), orderable=False)

    class Meta:
        model = MutualAidEnrolment
        fields = ("name", "id_masked", "plan", "org", "coverage_start", "coverage_end", "premium", "status", "actions")
        order_by = ("org", "name")
        attrs = {"class": "table"}

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.may_change = bool(request and can(request.user, MutualAidEnrolment, "change"))

    def render_actions(self, record):
        if not self.may_change or record.status != "active":
            return "—"
        return format_html('<a href="{}">退保</a>', reverse("programmes:mutualaid_enrolment_cancel", args=[record.pk]))


class ClaimTable(tables.Table):
    claim_no = tables.Column(linkify=True, verbose_name="申请编号")
    person = tables.Column(verbose_name="职工", accessor="enrolment__name", orderable=False)
    plan = tables.Column(verbose_name="计划")
    org = tables.Column(verbose_name="参保工会", order_by=("org__path",))
    submitted_at = tables.DateTimeColumn(verbose_name="提交时间", format="Y-m-d H:i")
    due = tables.Column(verbose_name="当前时限", empty_values=(), orderable=False)
    approved_amount = tables.Column(verbose_name="核定金额(元)")
    paid_on = tables.DateColumn(verbose_name="支付日期", format="Y-m-d")

    class Meta:
        model = MutualAidClaim
        fields = (
            "claim_no",
            "person",
            "plan",
            "org",
            "source",
            "state",
            "submitted_at",
            "due",
            "approved_amount",
            "paid_on",
        )
        order_by = ("-submitted_at",)
        attrs = {"class": "table"}

    def render_person(self, value):
        return mask_name(value)

    def value_person(self, value):
        return mask_name(value)

    def render_due(self, record):
        due = record.current_due
        if due is None:
            return "—"
        if due < timezone.localdate():
            return format_html('<span class="tag" style="color:#c8102e;border-color:#c8102e">已超时 {}</span>', due)
        return due.isoformat()

    def value_due(self, record):
        due = record.current_due
        return due.isoformat() if due else ""
