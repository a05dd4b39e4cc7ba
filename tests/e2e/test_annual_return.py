"""统计年报 in a real browser, from the unit to the city: the city opens the statistics year; a grassroots union
corrects a figure with a reason and submits; the town accepts it and its form takes the correction; the district
and then the city accept and aggregate, each seeing who is missing."""

from __future__ import annotations

import pytest

from gonghui.reports import returns as forms
from gonghui.reports.models import ReturnStatus, UnitReturn
from tests.reports.returns_helpers import add_members, town_admin
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.e2e

GRASSROOTS_MANUAL = {"12": "1", "13": "0", "32": "5", "33": "2", "51": "1"}
GRASSROOTS_CHOICES = {"50": "是", "52": "是"}


@pytest.fixture
def world_with_members(transactional_db):
    world = build_world()
    add_members(world)
    world.hutang_admin = town_admin(world)
    return world


def value_cell(page, code: str):
    return page.locator(f'tr[data-code="{code}"] td').nth(4)


def computed_cell(page, code: str):
    return page.locator(f'tr[data-code="{code}"] td').nth(3)


def fill_above_and_submit(page, missing_note: str = ""):
    for field in forms.ABOVE_FORM.fields:
        if field.is_manual_now() and not field.optional and not field.ratio:
            page.get_by_label(f"代码{field.code}", exact=True).fill("0")
    page.get_by_label("填报人").fill("孙填报")
    if missing_note:
        page.get_by_label("缺报说明").fill(missing_note)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="上报").click()
    page.get_by_text("本年报已上报").wait_for()


def open_return(page, unit: str):
    page.goto("/reports/returns/")
    page.get_by_role("link", name=unit, exact=True).click()
    page.wait_for_url("**/reports/returns/*/")


def accept(page):
    page.get_by_role("link", name="审核通过").click()
    page.get_by_role("button", name="确认审核通过").click()
    page.get_by_text("本年报已审核通过并锁定").wait_for()


def test_an_annual_return_from_the_unit_to_the_city(browser, live_server, world_with_members, log_in):
    world = world_with_members
    contexts = []

    def open_page(username):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        return log_in(page, username, PASSWORD)

    try:
        # the city opens statistics year 2026
        city = open_page("city_admin")
        city.goto("/reports/returns/campaigns/")
        city.get_by_role("link", name="布置统计年报").click()
        city.get_by_label("统计年度").select_option("2026")
        city.get_by_label("报送截止日期").fill("2026-12-31")
        city.get_by_role("button", name="保存").click()
        city.get_by_text("共 7 个单位需填报").wait_for()

        # the grassroots union compiles, corrects 会员人数 with a reason, fills in the rest and submits
        unit = open_page("chair")
        open_return(unit, "武进甲公司工会")
        unit.get_by_role("button", name="开始填报").click()
        assert computed_cell(unit, "20").inner_text().strip() == "3"
        unit.get_by_label("代码20", exact=True).fill("5")
        unit.get_by_role("button", name="保存").click()
        unit.get_by_text("须填写更正原因").wait_for()
        unit.get_by_label("代码20更正原因").fill("2 名劳务派遣职工已入会，名册未录入")
        for code, value in GRASSROOTS_MANUAL.items():
            unit.get_by_label(f"代码{code}", exact=True).fill(value)
        for code, value in GRASSROOTS_CHOICES.items():
            unit.get_by_label(f"代码{code}", exact=True).select_option(value)
        unit.get_by_label("填报人").fill("周填报")
        unit.once("dialog", lambda dialog: dialog.accept())
        unit.get_by_role("button", name="上报").click()
        unit.get_by_text("本年报已上报").wait_for()
        assert value_cell(unit, "20").inner_text().strip() == "5"
        assert "2 名劳务派遣职工已入会" in unit.locator('tr[data-code="20"]').inner_text()

        # the town sees its union in the missing list, accepts it, and its form takes the correction
        town = open_page("hutang_admin")
        open_return(town, "湖塘镇工会")
        assert "武进甲公司工会" in town.get_by_test_id("missing").inner_text()
        town.get_by_test_id("missing").get_by_role("link", name="武进甲公司工会").click()
        accept(town)
        open_return(town, "湖塘镇工会")
        assert town.get_by_text("下级单位均已审核通过").is_visible()
        town.get_by_role("button", name="开始填报").click()
        assert computed_cell(town, "10").inner_text().split()[0] == "5"
        assert "记录 3" in computed_cell(town, "10").inner_text()
        fill_above_and_submit(town)

        # the district accepts the town and submits its own
        district = open_page("wujin_admin")
        open_return(district, "湖塘镇工会")
        accept(district)
        open_return(district, "武进区总工会")
        district.get_by_role("button", name="开始填报").click()
        assert computed_cell(district, "10").inner_text().split()[0] == "5"
        fill_above_and_submit(district)

        # the city sees 天宁 missing, accepts 武进, and its own form has the correction on top of all the records
        open_return(city, "常州市总工会")
        missing = city.get_by_test_id("missing").inner_text()
        assert "天宁区总工会" in missing and "武进区总工会" in missing
        open_return(city, "武进区总工会")
        accept(city)
        open_return(city, "常州市总工会")
        assert "武进区总工会" not in city.get_by_test_id("missing").inner_text()
        city.get_by_role("button", name="开始填报").click()
        assert computed_cell(city, "10").inner_text().split()[0] == "7"  # 3 + 2 members on record, +2 corrected
        with city.expect_download() as download:
            city.get_by_role("link", name="导出 Excel").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        assert UnitReturn.objects.get(org=world.wujin).status == ReturnStatus.ACCEPTED
        city.screenshot(path="/tmp/e2e-annual-return.png", full_page=True)
        for page in (city, unit, town, district):
            assert not page.js_errors
    finally:
        for context in contexts:
            context.close()
