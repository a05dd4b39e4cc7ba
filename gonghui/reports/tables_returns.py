"""Tables and filters of the statistics annual return pages."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gonghui.orgs.models import Organization
from gonghui.reports.models import ReturnCampaign, ReturnForm, ReturnStatus, UnitReturn

STATUS_TAGS = {
    ReturnStatus.NOT_STARTED: "",
    ReturnStatus.FILLING: "preparing",
    ReturnStatus.SUBMITTED: "preparing",
    ReturnStatus.RETURNED: "job-failed",
    ReturnStatus.ACCEPTED: "active",
}


def status_tag(status: str, label: str):
    return format_html('<span class="tag {}">{}</span>', STATUS_TAGS.get(status, ""), label)


class CampaignTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="任务名称")
    org = tables.Column(verbose_name="布置单位", order_by=("org__path",))
    year = tables.Column(verbose_name="统计年度")
    deadline = tables.Column(verbose_name="报送截止日期")
    status = tables.Column(verbose_name="状态")

    class Meta:
        model = ReturnCampaign
        fields = ("title", "org", "year", "deadline", "status")
        attrs = {"class": "table"}

    def render_org(self, record):
        return record.org.name

    def render_year(self, record):
        return f"{record.year}年"


class UnitReturnTable(tables.Table):
    org = tables.Column(verbose_name="填报单位", order_by=("org__path",))
    year = tables.Column(accessor="campaign__year", verbose_name="统计年度")
    form = tables.Column(verbose_name="报表")
    status = tables.Column(verbose_name="状态")
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="上报时间", default="—")
    late = tables.Column(verbose_name="逾期", empty_values=(), orderable=False)
    reviewed_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="审核时间", default="—")

    class Meta:
        model = UnitReturn
        fields = ("org", "year", "form", "status", "submitted_at", "late", "reviewed_at")
        attrs = {"class": "table"}

    def render_org(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.org.name)

    def value_org(self, record):
        return record.org.name

    def render_year(self, value):
        return f"{value}年"

    def render_status(self, record):
        return status_tag(record.status, record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_late(self, record):
        return mark_safe('<span class="tag job-failed">逾期</span>') if record.is_late else "—"

    def value_late(self, record):
        return "逾期" if record.is_late else ""


def visible_orgs(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view").order_by("path")


def visible_campaigns(request):
    if request is None:
        return ReturnCampaign.objects.none()
    ids = UnitReturn.objects.restrict(request.user, "view").values("campaign_id")
    return ReturnCampaign.objects.filter(pk__in=ids).order_by("-year", "pk")


class UnitReturnFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="org__name", lookup_expr="icontains", label="单位名称")
    campaign = django_filters.ModelChoiceFilter(queryset=visible_campaigns, label="年报任务")
    status = django_filters.ChoiceFilter(choices=ReturnStatus.choices, label="状态", empty_label="全部")
    form = django_filters.ChoiceFilter(choices=ReturnForm.choices, label="报表", empty_label="全部")
    unit = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_unit", label="单位（含下级）")

    class Meta:
        model = UnitReturn
        fields = ["q", "campaign", "status", "form", "unit"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org__path__startswith=value.path)
