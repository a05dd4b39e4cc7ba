"""工作材料 in a real browser: a district uploads its quarterly summary, corrects and confirms the figures, and
finds them prefilled (with their evidence) in its quarterly report; search finds the report."""

from __future__ import annotations

import pytest

from tests.intel.app_helpers import QUARTER, WUJIN_TEXT, build_intel_targets
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.e2e

YEAR = 2026


@pytest.fixture
def planned(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_intel_targets(build_world())


def test_upload_confirm_and_find_the_figures_in_the_quarterly_report(page, live_server, planned, log_in, tmp_path):
    source = tmp_path / "武进区二季度综述.txt"
    source.write_bytes(WUJIN_TEXT.encode("gb18030"))
    log_in(page, "wujin_admin", PASSWORD)

    page.goto("/intel/")
    page.get_by_role("link", name="登记材料").click()
    form = page.get_by_role("form", name="登记工作材料")
    form.get_by_label("年度").select_option(str(YEAR))
    form.get_by_label("季度").select_option(str(QUARTER))
    form.get_by_label("上传文件").set_input_files(str(source))
    form.get_by_role("button", name="登记并读取").click()
    page.wait_for_url("**/intel/*/")
    page.get_by_text("请逐项确认").wait_for()

    # the cleaned body shows each figure highlighted; the table maps it to its indicator
    assert page.locator("#doc-body mark").filter(has_text="慰问金41万余元").count() == 1
    review = page.get_by_role("form", name="确认数值")
    money = review.locator("tr").filter(has_text="慰问金41万余元")
    assert money.locator("select[name^=indicator_]").input_value() == "relief_amount"
    assert money.locator("input[name^=value_]").input_value() == "410000"
    dues = review.locator("tr").filter(has_text="工会经费41万余元")
    assert dues.locator("select[name^=indicator_]").input_value() == "dues_collected"
    people = review.locator("tr").filter(has_text="培训工会干部120人")
    people.locator("input[name^=value_]").fill("125")  # corrected by the unit
    planned_row = review.locator("tr").filter(has_text="驿站10个")
    planned_row.get_by_label("舍弃").check()
    review.get_by_role("button", name="保存确认结果").click()
    page.get_by_text("已填入").wait_for()
    assert page.locator("#doc-body mark.confirmed").count() >= 3
    assert page.locator("#doc-body mark.dropped").count() == 1

    # the quarterly report is prefilled, each value with its evidence
    page.get_by_role("link", name="已用于").first.click()
    page.wait_for_url("**/targets/reports/*/")
    # relief is computed from the assistance records; cadres trained and dues collected stay reported
    assert page.locator('input[name="value_dues_collected"]').input_value() == "410000"
    assert page.locator('input[name="value_union_chairs_trained"]').input_value() == "125"
    relief = page.locator("tr").filter(has_text="慰问/帮扶资金")
    assert "与本表不一致" in relief.inner_text()  # 41万 stated in the report, none in the records
    stations = page.locator("tr").filter(has_text="新建/提升工会驿站")  # computed from the station registry
    assert "与本表不一致" in stations.inner_text()  # 8 stated in the report, none in the records
    row = page.locator("tr").filter(has_text="工会经费收缴")
    assert "据材料预填" in row.inner_text() and "工会经费41万余元" in row.inner_text()
    computed = page.locator("tr").filter(has_text="发展会员")
    assert "与本表不一致" in computed.inner_text()  # 500 stated in the report, none in the records

    # the unit saves and submits the report with the prefilled figures
    page.get_by_label("工作亮点").fill("新建驿站 8 个，慰问困难职工 125 人。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="报送").click()
    page.get_by_text("本报表已报送").wait_for()
    assert "410000" in page.locator("tr").filter(has_text="工会经费收缴").inner_text()

    # full-text search finds the document with the word marked
    page.goto("/intel/?q=慰问金")
    assert page.locator(".snippet mark").first.inner_text() == "慰问金"
    page.screenshot(path="/tmp/e2e-intel-search.png", full_page=True)
    assert not page.js_errors
