"""Member tables show only the masked personal data computed at write time: a list never decrypts."""

from __future__ import annotations

import django_tables2 as tables

from gonghui.members.models import Member, Transfer


class MemberTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="姓名")
    id_number_masked = tables.Column(verbose_name="身份证号", orderable=False)
    phone_masked = tables.Column(verbose_name="手机号", orderable=False, default="—")
    birth_year_month = tables.Column(
        verbose_name="出生年月", accessor="birth_year_month", order_by=("birth_date",), empty_values=()
    )
    org = tables.Column(verbose_name="所属工会", order_by=("org__path", "name"))
    employer_name = tables.Column(verbose_name="工作单位", default="—")

    class Meta:
        model = Member
        fields = (
            "name",
            "gender",
            "birth_year_month",
            "id_number_masked",
            "phone_masked",
            "org",
            "employment_category",
            "new_employment_type",
            "is_migrant_worker",
            "employer_name",
            "join_date",
            "status",
            "member_card_number",
        )
        order_by = ("name",)
        attrs = {"class": "table"}

    def render_is_migrant_worker(self, value):
        return "是" if value else "否"

    def value_is_migrant_worker(self, value):
        return "是" if value else "否"


class TransferTable(tables.Table):
    member = tables.Column(
        verbose_name="姓名", accessor="member__name", linkify=lambda record: record.get_absolute_url()
    )
    id_number = tables.Column(verbose_name="身份证号", accessor="member__id_number_masked", orderable=False)
    from_org = tables.Column(verbose_name="转出工会")
    org = tables.Column(verbose_name="转入工会")

    class Meta:
        model = Transfer
        fields = ("member", "id_number", "from_org", "org", "state", "source", "reason", "created_at", "effective_on")
        order_by = ("-created_at",)
        attrs = {"class": "table"}
