"""Tables of the health-check and recuperation lists (personal data only in its masked form)."""

from __future__ import annotations

import django_tables2 as tables

from gonghui.programmes.models.health import ExamVehicleVisit, HealthCheckAppointment, HealthCheckBatch
from gonghui.programmes.models.recuperation import RecuperationParticipant, RecuperationQuota, RecuperationRoute


class HealthBatchTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="批次名称")
    org = tables.Column(verbose_name="主办单位", order_by=("org__path",))
    eligibility = tables.Column(verbose_name="体检对象", accessor="eligibility_label", orderable=False)

    class Meta:
        model = HealthCheckBatch
        fields = ("year", "name", "org", "provider", "start_on", "end_on", "total_slots", "eligibility", "status")
        order_by = ("-year",)
        attrs = {"class": "table"}


class HealthAppointmentTable(tables.Table):
    member = tables.Column(verbose_name="姓名", accessor="member__name", order_by=("member__name",))
    id_number = tables.Column(verbose_name="身份证号", accessor="member__id_number_masked", orderable=False)
    phone = tables.Column(verbose_name="手机号", accessor="member__phone_masked", orderable=False)
    org = tables.Column(verbose_name="所在工会", order_by=("org__path",))
    batch = tables.Column(linkify=True, verbose_name="体检批次")
    visit = tables.Column(verbose_name="体检车站点", default="—")
    actions = tables.TemplateColumn(
        verbose_name="操作",
        orderable=False,
        template_code=(
            "{% if record.status == 'booked' or record.status == 'no_show' %}"
            "<a href=\"{% url 'programmes:health_appointment_complete' record.pk %}\">登记完成</a> "
            "{% if record.status == 'booked' %}"
            "<a href=\"{% url 'programmes:health_appointment_mark' record.pk 'no_show' %}\">未到检</a> "
            "<a href=\"{% url 'programmes:health_appointment_mark' record.pk 'cancel' %}\">取消</a>"
            "{% endif %}{% endif %}"
        ),
    )

    class Meta:
        model = HealthCheckAppointment
        fields = (
            "member",
            "id_number",
            "phone",
            "org",
            "batch",
            "scheduled_on",
            "front_line",
            "job_post",
            "visit",
            "status",
            "completed_on",
            "actions",
        )
        order_by = ("-scheduled_on",)
        attrs = {"class": "table"}


class VisitTable(tables.Table):
    employer = tables.Column(verbose_name="用人单位", accessor="employer__name")
    batch = tables.Column(linkify=True, verbose_name="体检批次")
    org = tables.Column(verbose_name="所属工会", order_by=("org__path",))

    class Meta:
        model = ExamVehicleVisit
        fields = ("visit_on", "employer", "place", "org", "batch", "planned_count", "examined_count", "status")
        order_by = ("visit_on",)
        attrs = {"class": "table"}


class RouteTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="线路名称")
    org = tables.Column(verbose_name="组织单位", order_by=("org__path",))

    class Meta:
        model = RecuperationRoute
        fields = ("year", "name", "destination", "days", "provider", "org")
        order_by = ("-year",)
        attrs = {"class": "table"}


class ParticipantTable(tables.Table):
    member = tables.Column(verbose_name="姓名", accessor="member__name", order_by=("member__name",))
    id_number = tables.Column(verbose_name="身份证号", accessor="member__id_number_masked", orderable=False)
    org = tables.Column(verbose_name="所在工会", order_by=("org__path",))
    route = tables.Column(
        verbose_name="线路", accessor="group__route", linkify=lambda record: record.group.route.get_absolute_url()
    )
    group = tables.Column(verbose_name="批次", accessor="group__name")
    start_on = tables.DateColumn(verbose_name="出发日期", accessor="group__start_on", format="Y-m-d")
    priority = tables.Column(verbose_name="优先类别", order_by=("priority_rank",))
    honour = tables.Column(verbose_name="劳模荣誉", default="—", orderable=False)
    repeat_allowed = tables.BooleanColumn(verbose_name="例外")

    class Meta:
        model = RecuperationParticipant
        fields = (
            "year",
            "member",
            "id_number",
            "org",
            "route",
            "group",
            "start_on",
            "priority",
            "honour",
            "status",
            "completed_on",
            "repeat_allowed",
            "repeat_reason",
        )
        order_by = ("priority",)
        attrs = {"class": "table"}

    def render_honour(self, record):
        return record.honour.display_title if record.honour else "—"

    value_honour = render_honour


class QuotaTable(tables.Table):
    org = tables.Column(verbose_name="单位", order_by=("org__path",))
    used = tables.Column(verbose_name="已报名", empty_values=(), orderable=False)
    completed = tables.Column(verbose_name="已完成", empty_values=(), orderable=False)
    actions = tables.TemplateColumn(
        verbose_name="操作",
        orderable=False,
        template_code="<a href=\"{% url 'programmes:recuperation_quota_delete' record.pk %}\">删除</a>",
    )

    class Meta:
        model = RecuperationQuota
        fields = ("year", "org", "quota", "used", "completed", "note", "actions")
        order_by = ("-year", "org")
        attrs = {"class": "table"}

    def _count(self, record, **filters):
        return (
            RecuperationParticipant.objects.filter(year=record.year, org__path__subtree=record.org.path, **filters)
            .exclude(status="cancelled")
            .count()
        )

    def render_used(self, record):
        return self._count(record)

    def render_completed(self, record):
        return self._count(record, status="completed")

    value_used = render_used
    value_completed = render_completed
