from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from gonghui.programmes.models.centres import ServiceCenter
from gonghui.programmes.models.stations import Inspection, Station


class StationTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="驿站名称")
    org = tables.Column(verbose_name="所属工会", order_by=("org__path",))
    facilities = tables.Column(verbose_name="服务设施", orderable=False)
    star_rating = tables.Column(verbose_name="星级")
    next_inspection_due = tables.DateColumn(verbose_name="下次巡查应于", format="Y-m-d")

    class Meta:
        model = Station
        fields = (
            "name",
            "org",
            "host_name",
            "address",
            "region_code",
            "status",
            "build_kind",
            "built_on",
            "star_rating",
            "facilities",
            "opening_hours",
            "next_inspection_due",
        )
        order_by = ("name",)
        attrs = {"class": "table"}

    def render_facilities(self, record):
        return "、".join(record.facility_labels) or "—"

    def value_facilities(self, record):
        return "、".join(record.facility_labels)

    def render_star_rating(self, record):
        return record.get_star_rating_display()

    def render_next_inspection_due(self, record, value):
        if value is None:
            return "—"
        if record.is_overdue():
            return format_html('<span class="tag job-failed">{}（超期）</span>', value.isoformat())
        return value.isoformat()

    def value_next_inspection_due(self, record, value):
        return value


class OverdueStationTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="驿站名称")
    org = tables.Column(verbose_name="所属工会", order_by=("org__path",))
    last_inspected_on = tables.DateColumn(verbose_name="最近巡查", format="Y-m-d", default="从未巡查")
    next_inspection_due = tables.DateColumn(verbose_name="应巡查日期", format="Y-m-d")
    days_overdue = tables.Column(verbose_name="超期天数", empty_values=(), orderable=False)

    class Meta:
        model = Station
        fields = ("name", "org", "address", "last_inspected_on", "next_inspection_due", "days_overdue")
        order_by = ("next_inspection_due",)
        attrs = {"class": "table"}

    def render_days_overdue(self, record):
        import datetime

        return (datetime.date.today() - record.next_inspection_due).days

    value_days_overdue = render_days_overdue


class FixOverdueTable(tables.Table):
    station = tables.Column(linkify=True, verbose_name="驿站")
    org = tables.Column(verbose_name="所属工会", order_by=("org__path",))

    class Meta:
        model = Inspection
        fields = ("station", "org", "inspected_on", "inspector", "result", "issues_found", "fix_deadline")
        order_by = ("fix_deadline",)
        attrs = {"class": "table"}


class ServiceCenterTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="名称")
    org = tables.Column(verbose_name="所属工会", order_by=("org__path",))

    class Meta:
        model = ServiceCenter
        fields = (
            "name",
            "kind",
            "org",
            "address",
            "status",
            "started_on",
            "completed_on",
            "transferred_on",
            "floor_area",
            "investment",
            "progress_note",
        )
        order_by = ("name",)
        attrs = {"class": "table"}
