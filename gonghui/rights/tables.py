"""Tables of the rights lists. Personal data columns are the masked fields only."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone

from gonghui.core.tables import color_tag
from gonghui.rights import deadlines
from gonghui.rights.models import (
    BargainingInstructor,
    CollectiveContract,
    DutySlot,
    Lawyer,
    LegalAidCase,
    LegalSupervisionCommittee,
    RightsCase,
)
from gonghui.targets.selectors_tasks import Light


def light_badge(light: str):
    return color_tag(deadlines.LIGHT_LABELS[light], Light.colors[light])


class RightsCaseTable(tables.Table):
    number = tables.Column(verbose_name="受理编号", linkify=True, accessor="pk", order_by=("received_at", "pk"))
    title = tables.Column(verbose_name="诉求摘要", linkify=True)
    light = tables.Column(verbose_name="预警", orderable=False, empty_values=())
    remaining = tables.Column(verbose_name="当前时限", accessor="current_due", empty_values=())
    complainant = tables.Column(verbose_name="诉求人", accessor="complainant_name", empty_values=(), orderable=False)
    phone_masked = tables.Column(verbose_name="联系电话", default="—")
    org = tables.Column(verbose_name="承办单位", order_by=("org__path", "received_at"))
    is_group_incident = tables.BooleanColumn(verbose_name="群体性", yesno="是,—")

    class Meta:
        model = RightsCase
        fields = (
            "number",
            "title",
            "light",
            "state",
            "remaining",
            "channel",
            "category",
            "tier",
            "persons_count",
            "is_group_incident",
            "complainant",
            "phone_masked",
            "employer_name",
            "org",
            "received_at",
            "outcome",
            "amount_recovered",
            "satisfaction",
        )
        order_by = ("-received_at",)
        attrs = {"class": "table"}

    def render_number(self, record):
        return record.number

    def value_number(self, record):
        return record.number

    def render_light(self, record):
        return light_badge(record.light)

    def value_light(self, record):
        return deadlines.LIGHT_LABELS[record.light]

    def render_remaining(self, record):
        return deadlines.remaining_text(timezone.now(), record.current_due)

    def value_remaining(self, record):
        return deadlines.remaining_text(timezone.now(), record.current_due)

    def render_complainant(self, record):
        return record.complainant_display

    def value_complainant(self, record):
        return record.complainant_display

    def render_received_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def value_received_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class OverdueCaseTable(RightsCaseTable):
    class Meta(RightsCaseTable.Meta):
        fields = ("org", "number", "title", "light", "state", "remaining", "category", "persons_count", "received_at")
        order_by = ("org",)


class LegalAidTable(tables.Table):
    applicant_name = tables.Column(verbose_name="受援人", linkify=True)
    phone_masked = tables.Column(verbose_name="联系电话", default="—")
    lawyer = tables.Column(verbose_name="承办律师", default="—", accessor="lawyer__name")
    org = tables.Column(verbose_name="单位", order_by=("org__path",))

    class Meta:
        model = LegalAidCase
        fields = (
            "applicant_name",
            "kind",
            "persons_count",
            "phone_masked",
            "employer_name",
            "lawyer",
            "accepted_on",
            "closed_on",
            "outcome",
            "amount_recovered",
            "org",
        )
        order_by = ("-accepted_on",)
        attrs = {"class": "table"}


class LawyerTable(tables.Table):
    name = tables.Column(verbose_name="姓名", linkify=True)
    phone_masked = tables.Column(verbose_name="联系电话", default="—")
    org = tables.Column(verbose_name="所属单位", order_by=("org__path",))

    class Meta:
        model = Lawyer
        fields = (
            "name",
            "kind",
            "law_firm",
            "license_number",
            "specialties",
            "phone_masked",
            "contract_ends_on",
            "is_active",
            "org",
        )
        order_by = ("name",)
        attrs = {"class": "table"}


class DutySlotTable(tables.Table):
    date = tables.DateColumn(verbose_name="值班日期", format="Y-m-d", linkify=True)
    lawyer = tables.Column(verbose_name="值班律师", accessor="lawyer__name")
    booked = tables.Column(verbose_name="已预约", orderable=False, empty_values=())
    org = tables.Column(verbose_name="单位", order_by=("org__path",))

    class Meta:
        model = DutySlot
        fields = ("date", "start_time", "end_time", "location", "lawyer", "capacity", "booked", "org")
        order_by = ("date", "start_time")
        attrs = {"class": "table"}

    def render_booked(self, record):
        return record.booked

    def value_booked(self, record):
        return record.booked


class CommitteeTable(tables.Table):
    name = tables.Column(verbose_name="委员会名称", linkify=True)
    employer = tables.Column(verbose_name="所在用人单位", default="—", accessor="employer__name")
    member_count = tables.Column(verbose_name="委员人数")
    document_count = tables.Column(verbose_name="一函两书")
    org = tables.Column(verbose_name="所属工会", order_by=("org__path",))

    class Meta:
        model = LegalSupervisionCommittee
        fields = ("name", "employer", "established_on", "chair_name", "member_count", "document_count", "org")
        order_by = ("-established_on",)
        attrs = {"class": "table"}


class ContractTable(tables.Table):
    title = tables.Column(verbose_name="合同名称", linkify=True)
    days_left = tables.Column(verbose_name="剩余天数", accessor="ends_on", empty_values=())
    org = tables.Column(verbose_name="签约工会", order_by=("org__path",))

    class Meta:
        model = CollectiveContract
        fields = (
            "title",
            "kind",
            "signed_on",
            "starts_on",
            "ends_on",
            "days_left",
            "workers_covered",
            "wage_increase",
            "filed_on",
            "filing_number",
            "org",
        )
        order_by = ("ends_on",)
        attrs = {"class": "table"}

    def render_days_left(self, record):
        return _days_left(record)

    def value_days_left(self, record):
        return _days_left(record)


def _days_left(record) -> str:
    days = (record.ends_on - timezone.localdate()).days
    return f"已期满 {-days} 天" if days < 0 else f"{days} 天"


class InstructorTable(tables.Table):
    name = tables.Column(verbose_name="姓名", linkify=True)
    phone_masked = tables.Column(verbose_name="联系电话", default="—")
    units = tables.Column(verbose_name="指导的工会", orderable=False, empty_values=(), accessor="pk")
    org = tables.Column(verbose_name="聘任单位", order_by=("org__path",))

    class Meta:
        model = BargainingInstructor
        fields = ("name", "phone_masked", "background", "appointed_on", "units", "is_active", "org")
        order_by = ("name",)
        attrs = {"class": "table"}

    def render_units(self, record):
        return "、".join(unit.name for unit in record.assigned_units.all()) or "—"

    def value_units(self, record):
        return self.render_units(record)
