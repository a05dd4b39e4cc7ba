"""Tables of the 工作材料 pages: the search results (with highlighted snippets) and the figures list."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from gonghui.intel import search
from gonghui.intel.models import Document, DocumentStatus, Fact, FactStatus
from gonghui.targets.selectors_reports import number_display

DOCUMENT_TAGS = {
    DocumentStatus.QUEUED: "preparing",
    DocumentStatus.FAILED: "job-failed",
    DocumentStatus.PENDING: "preparing",
    DocumentStatus.REVIEWED: "active",
}
FACT_TAGS = {FactStatus.PENDING: "preparing", FactStatus.CONFIRMED: "active", FactStatus.DROPPED: ""}


class DocumentTable(tables.Table):
    title = tables.Column(verbose_name="标题", order_by=("title",))
    org = tables.Column(verbose_name="报告单位", order_by=("org__path",))
    period = tables.Column(accessor="quarter", verbose_name="报告期", order_by=("year", "quarter"), empty_values=())
    status = tables.Column(verbose_name="状态")
    facts = tables.Column(accessor="fact_count", verbose_name="数值（待确认）", orderable=False, empty_values=())
    source = tables.Column(verbose_name="来源")
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="登记时间")

    class Meta:
        model = Document
        fields = ("title", "org", "period", "status", "facts", "source", "created_at")
        attrs = {"class": "table search-results"}

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.tokens = search.query_tokens(request.GET.get("q", "")) if request is not None else []

    def render_title(self, record):
        link = format_html(
            '<a href="{}">{}</a>', record.get_absolute_url(), search.mark_words(record.title, self.tokens)
        )
        if not self.tokens:
            return link
        return format_html('{}<div class="snippet">{}</div>', link, search.snippet(record.body, self.tokens))

    def value_title(self, record):
        return record.title

    def render_org(self, record):
        return record.org.name

    def render_period(self, record):
        return record.period.label

    def value_period(self, record):
        return record.period.label

    def render_status(self, record):
        return format_html(
            '<span class="tag {}">{}</span>', DOCUMENT_TAGS.get(record.status, ""), record.get_status_display()
        )

    def value_status(self, record):
        return record.get_status_display()

    def render_facts(self, record):
        pending = getattr(record, "pending_count", 0)
        return f"{record.fact_count}（{pending}）" if pending else str(record.fact_count)

    def value_facts(self, record):
        return record.fact_count


class FactTable(tables.Table):
    document = tables.Column(verbose_name="工作材料", order_by=("document__title",))
    org = tables.Column(accessor="document__org__name", verbose_name="报告单位", order_by=("document__org__path",))
    period = tables.Column(
        accessor="document__quarter", verbose_name="报告期", order_by=("document__year", "document__quarter")
    )
    indicator = tables.Column(verbose_name="指标", order_by=("indicator__sort",))
    value = tables.Column(verbose_name="数值")
    unit = tables.Column(verbose_name="计量单位", orderable=False)
    kind = tables.Column(verbose_name="类型")
    status = tables.Column(verbose_name="状态")
    evidence = tables.Column(verbose_name="原文", orderable=False)

    class Meta:
        model = Fact
        fields = ("document", "org", "period", "indicator", "value", "unit", "kind", "status", "evidence")
        attrs = {"class": "table"}

    def render_document(self, record):
        return format_html('<a href="{}">{}</a>', record.document.get_absolute_url(), record.document.title)

    def value_document(self, record):
        return record.document.title

    def render_period(self, record):
        return record.document.period.label

    def value_period(self, record):
        return record.document.period.label

    def render_value(self, record):
        return ("约" if record.approx else "") + number_display(record.value)

    def value_value(self, record):
        value = record.value
        return int(value) if value == value.to_integral_value() else float(value)

    def render_status(self, record):
        return format_html(
            '<span class="tag {}">{}</span>', FACT_TAGS.get(record.status, ""), record.get_status_display()
        )

    def value_status(self, record):
        return record.get_status_display()
