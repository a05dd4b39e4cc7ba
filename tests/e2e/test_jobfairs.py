"""招聘会 in a real browser: the list from the menu, a fair's employers, importing a fair's employer rows."""

import pytest
from openpyxl import Workbook

from gonghui.programmes.demo_jobfairs import load_demo_jobfairs
from gonghui.programmes.models import JobFair, JobFairEmployer

pytestmark = pytest.mark.e2e


def test_fair_list_detail_and_import(page, demo_city, log_in, tmp_path):
    load_demo_jobfairs()
    log_in(page, "city_admin")
    page.get_by_role("link", name="招聘会").first.click()
    page.wait_for_url("**/programmes/jobfairs/")
    assert "已举办" in page.content() and "达成就业意向" in page.content()
    fair = JobFair.objects.order_by("-held_on", "-pk").first()
    page.get_by_role("link", name=fair.name).first.click()
    page.wait_for_url(f"**/programmes/jobfairs/{fair.pk}/")
    rows = JobFairEmployer.objects.filter(fair=fair).count()
    assert page.locator("#employers tbody tr").count() == rows
    assert page.locator("#fair-positions").inner_text() == f"{fair.positions} 个"
    page.screenshot(path=str(tmp_path / "fair.png"), full_page=True)

    book = Workbook()
    book.active.append(["单位名称", "提供岗位数", "应聘人数", "达成意向人数"])
    book.active.append(["浏览器导入的单位", 7, 9, 2])
    book.active.append(["意向太多的单位", 1, 1, 5])
    path = tmp_path / "参会单位.xlsx"
    book.save(path)
    page.get_by_role("link", name="导入参会单位").click()
    page.set_input_files("input[type=file]", str(path))
    page.get_by_label("只导入正确的行").check()
    page.get_by_role("button", name="开始导入").click()
    report = page.locator("#import-report")
    report.wait_for()
    assert "新增 1" in report.inner_text() and "第 3 行" in report.inner_text()
    assert "不能多于应聘人数" in report.inner_text()
    fair.refresh_from_db()
    assert JobFairEmployer.objects.filter(fair=fair, employer_name="浏览器导入的单位").exists()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载逐行结果（Excel）").click()
    assert download.value.suggested_filename.endswith("_导入结果.xlsx")
    assert page.js_errors == []
