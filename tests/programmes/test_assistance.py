"""Assistance campaigns and records: the cross-union duplicate check (two unions, code and database), standards,
the yearly multi-campaign warning, approval, the beneficiary-list import with its per-row report, indicators."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from python_calamine import CalamineWorkbook

from gonghui.core.context import actor
from gonghui.programmes import services_assistance
from gonghui.programmes.importing_assistance import import_assistance
from gonghui.programmes.models.assistance import Assistance
from gonghui.targets import sources
from gonghui.utilities.periods import Period
from tests.programmes.hardship_helpers import TODAY, give, id_no, make_campaign, make_file, walk_to_filed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def campaign(world):
    """The city's winter campaign with both districts taking part."""
    return make_campaign(world.city_admin, world.city, participants=[world.wujin, world.tianning])


def test_same_campaign_twice_across_two_unions_is_refused_naming_the_other_union(world, campaign):
    record, warning = give(world.chair, campaign, world.wujin_union, serial=5)
    assert record.cash_amount == Decimal("500") and warning == ""  # 未建档: the "none" standard
    with pytest.raises(ValidationError) as error:
        give(world.tianning_admin, campaign, world.tianning_union, serial=5, name="王建国")
    message = error.value.message_dict["id_number"][0]
    assert "武进甲公司工会" in message and "同一活动每人只能领取一次" in message
    assert Assistance.objects.count() == 1
    # a rejected record frees the person for the campaign again
    with actor(world.wujin_admin):
        services_assistance.assistance_decide(user=world.wujin_admin, record=record, approve=False, note="重复")
    again, _ = give(world.tianning_admin, campaign, world.tianning_union, serial=5)
    assert again.org == world.tianning_union


def test_the_database_refuses_a_second_record_of_one_campaign(world, campaign):
    record, _ = give(world.chair, campaign, world.wujin_union, serial=6)
    copy = Assistance.objects.get(pk=record.pk)
    copy.pk, copy.org = None, world.tianning_union
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_standard_follows_the_hardship_level_and_school_stage(world, campaign):
    walk_to_filed(world.chair, world.wujin_admin, make_file(world.chair, world.wujin_union, serial=11))
    record, _ = give(world.chair, campaign, world.wujin_union, serial=11)
    assert record.hardship_file is not None and record.hardship_level == "deep" and record.cash_amount == 2000
    aid = make_campaign(
        world.city_admin,
        world.city,
        name="金秋助学",
        kind="student_aid",
        standards={"university": 3000, "senior": 2000},
    )
    with pytest.raises(ValidationError, match="就学阶段"):
        give(world.city_admin, aid, world.wujin_union, serial=12)
    record, _ = give(world.city_admin, aid, world.wujin_union, serial=12, school_stage="university")
    assert record.cash_amount == 3000
    with pytest.raises(ValidationError, match="不适用于该类活动"):
        make_campaign(world.city_admin, world.city, name="坏标准", kind="student_aid", standards={"deep": 1})


def test_a_union_outside_the_campaign_or_a_date_outside_it_is_refused(world):
    wujin_only = make_campaign(world.wujin_admin, world.wujin, name="武进送温暖")
    with pytest.raises(ValidationError) as error:
        give(world.city_admin, wujin_only, world.tianning_union, serial=1)
    assert "不是活动" in error.value.message_dict["org"][0]
    with pytest.raises(ValidationError) as error:
        give(world.wujin_admin, wujin_only, world.wujin_union, serial=1, given_on=TODAY + datetime.timedelta(days=60))
    assert "活动期间" in error.value.message_dict["given_on"][0]


def test_warning_when_one_person_gets_more_campaigns_in_a_year_than_the_limit(world, settings):
    settings.ASSISTANCE_YEARLY_CAMPAIGN_LIMIT = 2
    first = make_campaign(world.wujin_admin, world.wujin, name="送温暖")
    second = make_campaign(world.wujin_admin, world.wujin, name="节日慰问", kind="festival")
    third = make_campaign(world.wujin_admin, world.wujin, name="夏送清凉", kind="summer_cooling")
    assert give(world.wujin_admin, first, world.wujin_union, serial=3)[1] == ""
    assert give(world.wujin_admin, second, world.wujin_union, serial=3)[1] == ""
    _record, warning = give(world.wujin_admin, third, world.wujin_union, serial=3)
    assert "超过每年 2 个活动" in warning and "送温暖" in warning and "节日慰问" in warning


def test_approval_needs_the_permission_and_deleting_an_approved_record_is_refused(world, campaign):
    record, _ = give(world.chair, campaign, world.wujin_union, serial=4)
    with actor(world.chair), pytest.raises(PermissionDenied):  # grassroots unions pay; federations approve
        services_assistance.assistance_decide(user=world.chair, record=record, approve=True)
    with actor(world.wujin_admin):
        record = services_assistance.assistance_decide(user=world.wujin_admin, record=record, approve=True)
        assert record.state == "approved" and record.approved_by_name == "wujin_admin"
        with pytest.raises(ValidationError, match="已审批"):
            services_assistance.assistance_delete(user=world.wujin_admin, record=record)


def test_indicators_count_approved_people_and_money_over_the_subtree(world, campaign):
    cooling = make_campaign(world.city_admin, world.city, name="夏送清凉", kind="summer_cooling")
    records = [
        give(world.chair, campaign, world.wujin_union, serial=1, in_kind_value=300, in_kind_items="米油")[0],
        give(world.chair, cooling, world.wujin_union, serial=1, cash_amount=100)[0],
        give(world.tianning_admin, campaign, world.tianning_union, serial=2, area="320402")[0],
        give(world.chair, campaign, world.wujin_union, serial=9)[0],  # stays pending: not counted
    ]
    with actor(world.city_admin):
        for record in records[:3]:
            services_assistance.assistance_decide(user=world.city_admin, record=record, approve=True)
    year = Period.year_of(TODAY.year)
    assert sources.value("relief_beneficiaries", world.city, year) == 2  # one person in two campaigns: once
    assert sources.value("relief_beneficiaries", world.wujin, year) == 1
    assert sources.value("relief_amount", world.city, year) == Decimal("500") + 300 + 100 + 500
    assert sources.value("summer_cooling_beneficiaries", world.city, year) == 1
    assert sources.value("student_aid_beneficiaries", world.city, year) == 0
    walk_to_filed(world.chair, world.wujin_admin, make_file(world.chair, world.wujin_union, serial=20))
    assert sources.value("hardship_households", world.city, year) == 1
    assert sources.value("hardship_households", world.tianning, year) == 0


def _sheet(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet("名单")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, str(value)) if value is not None else None
    workbook.close()
    return buffer.getvalue()


def test_import_reports_each_row_and_applies_the_cross_union_check(world, campaign, tmp_path):
    give(world.tianning_admin, campaign, world.tianning_union, serial=31)  # already paid by 天宁乙公司工会
    today = TODAY.isoformat()
    content = _sheet(
        [
            ["姓名", "身份证号码", "工作单位", "慰问金", "发放日期"],
            ["张一", id_no(30), "武进甲公司", "800", today],
            ["张二", id_no(31), "武进甲公司", "", today],
            ["张三", "3204121980030912", "武进甲公司", "", today],
            ["张四", id_no(30), "武进甲公司", "", today],
            ["张五", id_no(32), "武进甲公司", "", "2001-01-01"],
        ]
    )
    path = tmp_path / "名单.xlsx"
    path.write_bytes(content)
    with actor(world.chair):
        report = import_assistance(
            user=world.chair, campaign=campaign, org=world.wujin_union, file=str(path), filename="名单.xlsx"
        )
    summary = report.as_dict()
    assert summary["imported"] == 1 and summary["rejected"] == 4
    errors = {row["row"]: row for row in summary["errors"]}
    assert "天宁乙公司工会" in str(errors[3]) and "活动期间" in str(errors[6])
    assert errors[4]["column"] == "身份证号码" and errors[5]["code"] == "duplicate_in_file"
    out = tmp_path / "结果.xlsx"
    report.to_xlsx(str(out))
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert any("同一活动每人只能领取一次" in " ".join(map(str, row)) for row in rows)
    assert Assistance.objects.filter(org=world.wujin_union).count() == 1
    assert Assistance.objects.get(org=world.wujin_union).cash_amount == 800
