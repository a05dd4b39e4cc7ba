"""Enrolment: only active members of the enrolling union's subtree, once per person and plan-period (a database
constraint), one by one or from a spreadsheet with a per-row report; payments and cancellation."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from openpyxl import Workbook

from gonghui.members import services as member_services
from gonghui.programmes import services_mutualaid as services
from gonghui.programmes.models import MutualAidEnrolment
from tests.programmes.mutualaid_helpers import PERIOD_START, TODAY, enrol, make_plan, member

pytestmark = pytest.mark.django_db


def test_one_enrolment_per_person_and_plan(world):
    plan = make_plan(world.city_admin, world.city)
    person = member(world)
    first = enrol(world.wujin_admin, plan, world.wujin_union, person)
    with pytest.raises(ValidationError, match="已参加本期计划"):
        enrol(world.wujin_admin, plan, world.wujin_union, person)
    duplicate = MutualAidEnrolment(
        plan=plan,
        org=world.wujin_union,
        member=person,
        person_index=first.person_index,
        name=person.name,
        coverage_start=PERIOD_START,
        coverage_end=plan.period_end,
        premium=Decimal(30),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()  # the constraint holds whatever the code path
    services.enrolment_cancel(user=world.wujin_admin, enrolment=first, reason="本人申请退保")
    again = enrol(world.wujin_admin, plan, world.wujin_union, person)  # after cancelling, a new enrolment is allowed
    assert again.status == "active" and MutualAidEnrolment.objects.count() == 2


def test_only_active_members_of_the_union_subtree(world):
    plan = make_plan(world.city_admin, world.city)
    tianning_person = member(world, world.tianning_union, serial=5, name="赵六", phone="13912340005")
    with pytest.raises(ValidationError, match="会员库中不存在"):
        enrol(world.wujin_admin, plan, world.wujin_union, tianning_person)  # not in 武进's subtree
    with pytest.raises(PermissionDenied):
        enrol(world.wujin_admin, plan, world.tianning_union, tianning_person)  # 天宁 is not 武进's to enrol
    leaver = member(world, serial=7, name="钱七", phone="13912340007")
    member_services.member_leave(user=world.city_admin, member=leaver, date=TODAY, reason="退休")
    with pytest.raises(ValidationError, match="只有在会会员可以参保"):
        enrol(world.wujin_admin, plan, world.wujin_union, leaver)
    with pytest.raises(ValidationError, match="身份证号码有误"):
        services.enrolment_create(user=world.wujin_admin, plan=plan, org=world.wujin_union, id_number="12345")
    with pytest.raises(ValidationError, match="保障期"):
        enrol(
            world.wujin_admin,
            plan,
            world.wujin_union,
            member(world, serial=9),
            start=plan.period_end + datetime.timedelta(days=1),
        )


def test_plan_of_another_subtree_is_not_offered(world):
    tianning_plan = make_plan(world.tianning_admin, world.tianning, name="天宁区住院互助")
    person = member(world)
    with pytest.raises(PermissionDenied):
        enrol(world.wujin_admin, tianning_plan, world.wujin_union, person)


def roster(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "身份证号码", "保障开始日期"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_reports_each_row(world):
    plan = make_plan(world.city_admin, world.city)
    ok = member(world, serial=11, name="孙一", phone="13912340011")
    enrolled = member(world, serial=13, name="周二", phone="13912340013")
    enrol(world.wujin_admin, plan, world.wujin_union, enrolled)
    leaver = member(world, serial=15, name="吴三", phone="13912340015")
    member_services.member_leave(user=world.city_admin, member=leaver, date=TODAY, reason="离职")
    outsider = member(world, world.tianning_union, serial=17, name="郑四", phone="13912340017")
    file = roster(
        [
            ("孙一", ok.reveal_id_number(), PERIOD_START.isoformat()),
            ("周二", enrolled.reveal_id_number(), ""),
            ("吴三", leaver.reveal_id_number(), ""),
            ("郑四", outsider.reveal_id_number(), ""),
            ("孙一", ok.reveal_id_number(), ""),
            ("李五", "320412199005170000", ""),
            ("错名", member(world, serial=19, name="王五", phone="13912340019").reveal_id_number(), ""),
        ]
    )
    report = services.enrolment_import(
        user=world.wujin_admin, plan=plan, org=world.wujin_union, file=file, filename="参保名单.xlsx"
    )
    assert report.imported == 1 and report.rejected == 6, report.as_dict()
    messages = {error["row"]: error["message"] for error in report.errors}
    assert "已参加本期计划" in messages[3]
    assert "已退会" in messages[4] and "只有在会会员可以参保" in messages[4]
    assert "会员库中不存在" in messages[5]
    assert "与第 2 行重复" in messages[6]
    assert "会员库中不存在" not in messages[7] and "身份证号码" in messages[7]  # the cell itself is wrong
    assert "姓名与会员库不一致" in messages[8]
    assert MutualAidEnrolment.objects.filter(plan=plan, status="active").count() == 2
    assert MutualAidEnrolment.objects.get(member=ok).coverage_start == PERIOD_START


def test_import_refused_for_a_union_out_of_scope(world):
    plan = make_plan(world.city_admin, world.city)
    with pytest.raises(PermissionDenied):
        services.enrolment_import(
            user=world.wujin_admin, plan=plan, org=world.tianning_union, file=roster([]), filename="x.xlsx"
        )


def test_payments(world):
    plan = make_plan(world.city_admin, world.city)
    payment = services.payment_create(
        user=world.wujin_admin,
        plan=plan,
        data={"org": world.wujin_union, "paid_on": TODAY, "headcount": 2, "amount": Decimal(60), "reference": "HD001"},
    )
    assert payment.org == world.wujin_union
    with pytest.raises(ValidationError, match="晚于今天"):
        services.payment_create(
            user=world.wujin_admin,
            plan=plan,
            data={
                "org": world.wujin_union,
                "paid_on": TODAY + datetime.timedelta(days=1),
                "headcount": 2,
                "amount": Decimal(60),
                "reference": "HD002",
            },
        )
    with pytest.raises(PermissionDenied):
        services.payment_delete(user=world.tianning_admin, payment=payment)
    with pytest.raises(ValidationError, match="不能删除"):
        services.plan_delete(user=world.city_admin, plan=plan)
