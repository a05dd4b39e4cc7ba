from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from gonghui.unionwork.models import (
    OBLIGATION_STATUS_LABELS,
    DuesRecord,
    DuesShareScheme,
    InfoItem,
    InfoScoreRule,
    JointMeeting,
    JointMeetingObligation,
    TrainingCourse,
    obligation_status,
)

ATTRS = {"class": "table"}


class DuesRecordTable(tables.Table):
    employer = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name="用人单位",
                             order_by=("employer__name",))  # fmt: skip
    uscc = tables.Column(accessor="employer__uscc", verbose_name="统一社会信用代码")
    org = tables.Column(verbose_name="所属工会", order_by=("org__path",))
    period = tables.DateColumn(format="Y-m", verbose_name="所属期")
    arrears = tables.Column(verbose_name="欠缴(元)", orderable=False, empty_values=())

    class Meta:
        model = DuesRecord
        fields = ("employer", "uscc", "org", "period", "payroll_base", "due", "paid", "arrears", "channel", "paid_on")
        order_by = ("-period",)
        attrs = ATTRS

    def render_arrears(self, record):
        value = record.arrears
        return format_html('<span class="tag job-failed">{}</span>', value) if value else "0.00"

    def value_arrears(self, record):
        return record.arrears


class ShareSchemeTable(tables.Table):
    org = tables.Column(verbose_name="制定单位", order_by=("org__path",))
    actions = tables.TemplateColumn(
        '{% if can_change %}<a href="{% url \'unionwork:share_edit\' record.pk %}">编辑</a>{% endif %} '
        '{% if can_delete %}<a href="{% url \'unionwork:share_delete\' record.pk %}">删除</a>{% endif %}',
        verbose_name="操作", orderable=False,
    )  # fmt: skip

    class Meta:
        model = DuesShareScheme
        fields = ("org", "effective_year", "grassroots_pct", "county_pct", "city_pct", "province_pct", "national_pct",
                  "note")  # fmt: skip
        attrs = ATTRS


class TrainingCourseTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="培训班名称")
    org = tables.Column(verbose_name="主办工会", order_by=("org__path",))
    trainee_count = tables.Column(verbose_name="学员", orderable=True)
    chair_count = tables.Column(verbose_name="其中工会主席", orderable=True)

    class Meta:
        model = TrainingCourse
        fields = ("name", "org", "kind", "start_on", "end_on", "hours", "location", "status", "trainee_count",
                  "chair_count")  # fmt: skip
        order_by = ("-start_on",)
        attrs = ATTRS


class InfoItemTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="标题")
    org = tables.Column(verbose_name="报送单位", order_by=("org__path",))
    adoption_count = tables.Column(verbose_name="采用次数")
    score_total = tables.Column(verbose_name="得分")

    class Meta:
        model = InfoItem
        fields = ("title", "kind", "org", "submitted_on", "author", "adoption_count", "score_total")
        order_by = ("-submitted_on",)
        attrs = ATTRS


class InfoScoreRuleTable(tables.Table):
    org = tables.Column(verbose_name="制定单位", order_by=("org__path",))
    actions = tables.TemplateColumn(
        '{% if can_change %}<a href="{% url \'unionwork:rule_edit\' record.pk %}">编辑</a>{% endif %} '
        '{% if can_delete %}<a href="{% url \'unionwork:rule_delete\' record.pk %}">删除</a>{% endif %}',
        verbose_name="操作", orderable=False,
    )  # fmt: skip

    class Meta:
        model = InfoScoreRule
        fields = ("org", "adopter_level", "points")
        attrs = ATTRS


class ObligationTable(tables.Table):
    org = tables.Column(verbose_name="召开单位", order_by=("org__path",))
    held_on = tables.DateColumn(format="Y-m-d", verbose_name="召开日期", default="—")
    status = tables.Column(verbose_name="状态", empty_values=(), orderable=False)
    actions = tables.TemplateColumn(
        '{% if can_change %}<a href="{% url \'unionwork:obligation_edit\' record.pk %}">编辑</a>{% endif %} '
        '{% if can_delete %}<a href="{% url \'unionwork:obligation_delete\' record.pk %}">删除</a>{% endif %}',
        verbose_name="操作", orderable=False,
    )  # fmt: skip

    class Meta:
        model = JointMeetingObligation
        fields = ("org", "year", "deadline", "held_on", "status", "note")
        order_by = ("-year", "deadline")
        attrs = ATTRS
        export_exclude = ("actions",)

    def render_status(self, record):
        status = obligation_status(record)
        css = {"held": "active", "held_late": "preparing", "pending": "preparing", "overdue": "job-failed"}[status]
        return format_html('<span class="tag {}">{}</span>', css, OBLIGATION_STATUS_LABELS[status])

    def value_status(self, record):
        return OBLIGATION_STATUS_LABELS[obligation_status(record)]

    def value_held_on(self, record, value):
        return value


class JointMeetingTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="会议名称")
    org = tables.Column(verbose_name="召开单位", order_by=("org__path",))
    decision_count = tables.Column(verbose_name="议定事项")
    decisions_closed = tables.Column(verbose_name="已销号")

    class Meta:
        model = JointMeeting
        fields = ("title", "org", "held_on", "location", "decision_count", "decisions_closed")
        order_by = ("-held_on",)
        attrs = ATTRS
