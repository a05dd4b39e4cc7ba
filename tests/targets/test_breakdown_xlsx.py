"""The 目标分解表: export layout, round trip, tolerant import and per-cell errors."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from gonghui.targets import breakdown_xlsx, services
from gonghui.targets.models import Target
from tests.targets.plans_helpers import YEAR, city_with_breakdown, indicator, make_plan, target_of
from tests.world import add_org

pytestmark = pytest.mark.django_db


def snapshot(year: int = YEAR) -> dict:
    return {
        (t.org.code, t.indicator.key): (t.value, t.assigned_by.code, t.parent.org.code if t.parent else None)
        for t in Target.objects.filter(year=year).select_related("org", "indicator", "assigned_by", "parent__org")
    }


def workbook_from(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def to_bytes(book) -> io.BytesIO:
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def sheet_file(rows: list[list]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    return to_bytes(book)


@pytest.fixture
def plan(world):
    whole = city_with_breakdown(world, 50, 30, 20)
    services.target_set(
        user=world.city_admin, plan=whole.plan, indicator=indicator("members_recruited"), value=Decimal("1200.5")
    )
    return whole.plan


def test_export_layout(world, plan):
    book = workbook_from(breakdown_xlsx.export_plan(plan, world.city_admin))
    assert book.sheetnames == ["目标分解表", "说明"]
    sheet = book["目标分解表"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "常州市总工会2026年目标任务分解表"
    assert rows[1] == ["单位名称", "单位编码", "新建基层工会（个）", "发展会员（人）"]
    assert rows[2] == ["常州市总工会（总目标）", "T3204", 50, 1200.5]
    assert rows[3] == ["武进区总工会", "T320412", 30, None]
    assert rows[4] == ["天宁区总工会", "T320402", 20, None]
    assert len(rows) == 5


def test_round_trip_gives_the_same_targets(world, plan):
    before = snapshot()
    content = breakdown_xlsx.export_plan(plan, world.city_admin)
    result = breakdown_xlsx.import_sheet(plan, world.city_admin, io.BytesIO(content), filename="分解表.xlsx")
    assert result.applied and not result.errors
    assert snapshot() == before


def test_import_applies_changes_and_warns_when_short(world, plan):
    book = workbook_from(breakdown_xlsx.export_plan(plan, world.city_admin))
    sheet = book["目标分解表"]
    sheet["C4"] = 25  # 武进 新建基层工会
    sheet["D4"] = 600  # 武进 发展会员
    sheet["D5"] = "５００"  # full-width digits
    result = breakdown_xlsx.import_sheet(plan, world.city_admin, to_bytes(book), filename="x.xlsx")
    assert result.applied, result.errors
    assert target_of(world.wujin).value == 25
    assert target_of(world.wujin, "members_recruited").value == 600
    assert target_of(world.tianning, "members_recruited").value == 500
    assert result.warnings == [
        "「新建基层工会」分解合计 45 个，少于总目标 50 个（差 5 个）",
        "「发展会员」分解合计 1100 人，少于总目标 1200.5 人（差 100.5 人）",
    ]


def test_blank_clears_a_share(world, plan):
    book = workbook_from(breakdown_xlsx.export_plan(plan, world.city_admin))
    book["目标分解表"]["C5"] = None
    result = breakdown_xlsx.import_sheet(plan, world.city_admin, to_bytes(book), filename="x.xlsx")
    assert result.applied
    assert target_of(world.tianning) is None


def test_tolerant_layout(world):
    plan = make_plan(world, world.city)
    upload = sheet_file(
        [
            ["2026年目标任务分解表"],
            [],
            ["序号", "单位编码", "单位名称", "新建基层工会", "会员总数（人）", "备注"],
            [None, "", "合计", "1,200", "８０００", ""],
            [1, "T320412", "武进区总工会", 700, "5,000", "重点"],
            [2, "Ｔ320402", "天宁区总工会", " 500 ", "", ""],
        ]
    )
    result = breakdown_xlsx.import_sheet(plan, world.city_admin, upload, filename="自制表.xlsx")
    assert result.applied, [str(e) for e in result.errors]
    assert target_of(world.city).value == 1200
    assert target_of(world.city, "members_total").value == 8000
    assert target_of(world.wujin).value == 700 and target_of(world.tianning).value == 500
    assert target_of(world.wujin, "members_total").value == 5000
    assert target_of(world.tianning, "members_total") is None
    assert result.warnings == ["「会员总数」分解合计 5000 人，少于总目标 8000 人（差 3000 人）"]


def test_every_error_is_reported_with_row_and_column_and_nothing_is_written(world, plan):
    add_org(world.city, "溧阳市总工会", "federation", "320481", "T320481", "county")
    before = snapshot()
    upload = sheet_file(
        [
            ["单位名称", "单位编码", "新建基层工会（个）", "不存在的指标", "发展会员（人）"],
            ["常州市总工会", "T3204", 50, "", 1200],
            ["武进区总工会", "T320412", "很多", "", -5],
            ["湖塘镇工会", "T320412001", 3, "", ""],
            ["某单位", "T999", 1, "", ""],
            ["溧阳市总工会", "T320481", 1.23456, "", ""],
        ]
    )
    result = breakdown_xlsx.import_sheet(plan, world.city_admin, upload, filename="x.xlsx")
    assert not result.applied
    found = {(e.row, e.column, e.header): e.message for e in result.errors}
    assert "未知的指标列“不存在的指标”" in found[(1, "D", "不存在的指标")]
    assert "不是数字" in found[(3, "C", "新建基层工会（个）")]
    assert "不能为负数" in found[(3, "E", "发展会员（人）")]
    assert "不是“常州市总工会”的直属下级单位" in found[(4, "B", "单位编码")]
    assert "单位编码“T999”在系统中不存在" in found[(5, "B", "单位编码")]
    assert "最多保留 4 位小数" in found[(6, "C", "新建基层工会（个）")]
    assert len(result.errors) == 6
    assert str(result.errors[1]).startswith("第 3 行，C 列（新建基层工会（个））：")
    assert snapshot() == before


def test_other_subtree_unit_is_unknown(world):
    city_with_breakdown(world)
    plan = target_of(world.wujin).plan
    upload = sheet_file([["单位名称", "单位编码", "新建基层工会"], ["茶山街道工会", "T320402001", 3]])
    result = breakdown_xlsx.import_sheet(plan, world.wujin_admin, upload, filename="x.xlsx")
    assert not result.applied
    assert "T320402001”在系统中不存在（或不在您的数据权限范围内）" in result.errors[0].message
    assert target_of(world.chashan) is None


def test_parent_given_whole_is_not_changed_by_import(world):
    city_with_breakdown(world, 50, 30, 20)
    plan = target_of(world.wujin).plan
    upload = sheet_file(
        [["单位名称", "单位编码", "新建基层工会"], ["武进区总工会", "T320412", 99], ["湖塘镇工会", "T320412001", 30]]
    )
    result = breakdown_xlsx.import_sheet(plan, world.wujin_admin, upload, filename="x.xlsx")
    assert result.applied
    assert target_of(world.wujin).value == 30
    assert target_of(world.hutang).value == 30 and target_of(world.hutang).parent == target_of(world.wujin)
    assert any("由上级“常州市总工会”下达" in note for note in result.notes)


def test_share_without_a_whole_is_an_error(world):
    plan = make_plan(world, world.city)
    upload = sheet_file([["单位名称", "单位编码", "新建基层工会"], ["武进区总工会", "T320412", 5]])
    result = breakdown_xlsx.import_sheet(plan, world.city_admin, upload, filename="x.xlsx")
    assert not result.applied
    assert "没有总目标，不能分解" in result.errors[0].message


def test_not_a_spreadsheet(world):
    plan = make_plan(world, world.city)
    result = breakdown_xlsx.import_sheet(plan, world.city_admin, io.BytesIO(b"hello"), filename="x.xlsx")
    assert not result.applied and result.errors


def test_missing_header(world):
    plan = make_plan(world, world.city)
    result = breakdown_xlsx.import_sheet(plan, world.city_admin, sheet_file([["a", "b"], [1, 2]]), filename="x.xlsx")
    assert not result.applied
    assert "找不到“单位名称”“单位编码”表头" in result.errors[0].message
