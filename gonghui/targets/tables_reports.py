"""Tables of the quarterly report pages."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gonghui.targets.models import QuarterlyReport, ReportStatus
from gonghui.utilities.periods import Period

STATUS_TAGS = {
    ReportStatus.DRAFT: "",
    ReportStatus.SUBMITTED: "preparing",
    ReportStatus.RETURNED: "job-failed",
    ReportStatus.ACCEPTED: "active",
}


def status_tag(status: str, label: str):
    return format_html('<span class="tag {}">{}</span>', STATUS_TAGS.get(status, ""), label)


class QuarterlyReportTable(tables.Table):
    """Default order is the model's (newest quarter first, then tree order)."""

    org = tables.Column(linkify=True, verbose_name="填报单位", order_by=("org__path",))
    period = tables.Column(accessor="quarter", verbose_name="报告期", order_by=("year", "quarter"), empty_values=())
    status = tables.Column(verbose_name="状态")
    due_date = tables.Column(verbose_name="报送期限")
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="报送时间", default="—")
    late = tables.Column(verbose_name="逾期", empty_values=(), orderable=False)
    reviewed_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="审核时间", default="—")

    class Meta:
        model = QuarterlyReport
        fields = ("org", "period", "status", "due_date", "submitted_at", "late", "reviewed_at")
        attrs = {"class": "table"}

    def render_org(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.org.name)

    def value_org(self, record):
        return record.org.name

    def render_period(self, record):
        return Period.quarter_of(record.year, record.quarter).label

    def value_period(self, record):
        return self.render_period(record)

    def render_status(self, record):
        return status_tag(record.status, record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_late(self, record):
        return mark_safe('<span class="tag job-failed">逾期</span>') if record.is_late else "—"

    def value_late(self, record):
        return "逾期" if record.is_late else ""
