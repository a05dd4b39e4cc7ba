"""A hardship file's path in a real browser: the worker applies on a phone, the grassroots union reviews and
records the offline 入户调查 and 民政核对 with their scans, runs the public notice, and the district union files it
(建档); the worker's status check then shows the level. Dates are typed as the offline steps happened."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from gonghui.programmes.models.hardship import HardshipFile
from gonghui.utilities.periods import working_days_after
from tests.e2e.conftest import DESKTOP, PHONE, _new_page
from tests.programmes.hardship_helpers import id_no
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.e2e

MOBILE = "13912340066"


@pytest.fixture
def e2e_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return build_world()


def _label(text: str):
    return re.compile("^" + re.escape(text) + r"\*?$")  # required fields carry a "*"


def _step(page, code: str, fields: dict, files: dict | None = None, selects: dict | None = None):
    card = page.locator(f"#step-{code}")
    for label, value in (selects or {}).items():
        card.get_by_label(_label(label)).select_option(value)
    for label, value in fields.items():
        card.get_by_label(_label(label)).fill(value)
    for label, path in (files or {}).items():
        card.get_by_label(_label(label)).set_input_files(str(path))
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    if page.locator(f"#step-{code} .error").count():
        raise AssertionError(page.locator(f"#step-{code}").inner_text())
    assert "已办理" in page.content()


def test_application_on_the_phone_to_filing(browser, live_server, e2e_world, log_in, tmp_path):
    world = e2e_world
    number = id_no(66)
    scan = tmp_path / "入户调查表.pdf"
    scan.write_bytes(b"%PDF-1.4 signed")

    # the worker applies on a phone (no login), consenting to the personal-data notice
    worker_context, worker = _new_page(browser, live_server, PHONE)
    worker.goto(reverse("hardship_apply", args=[world.wujin_union.code]))
    worker.get_by_label("姓名").fill("孙美玲")
    worker.get_by_label("身份证号码").fill(number)
    worker.get_by_label("手机号码").fill(MOBILE)
    worker.get_by_label("工作单位").fill("武进甲公司")
    worker.get_by_label("家庭人口").fill("3")
    worker.get_by_label("家庭月收入（元）").fill("2100")
    worker.get_by_label("住房情况").select_option("rented")
    worker.get_by_label("健康状况").fill("丈夫患肺癌，正在化疗")
    worker.get_by_label("致困原因").select_option("illness")
    worker.get_by_label("困难情况说明").fill("丈夫患病无法工作，女儿读高中。")
    worker.get_by_role("button", name="提交申请").click()
    assert "请阅读并勾选同意" in worker.content()
    worker.get_by_label("我已阅读并同意").check()
    worker.get_by_role("button", name="提交申请").click()
    worker.locator("#done").wait_for()
    assert "孙**" in worker.locator("#done").inner_text() and number not in worker.content()
    worker.screenshot(path="/tmp/e2e-hardship-apply.png", full_page=True)

    file = HardshipFile.objects.get(name="孙美玲")
    # the offline steps took weeks: the application was made 30 days ago
    applied = datetime.date.today() - datetime.timedelta(days=30)
    HardshipFile.objects.filter(pk=file.pk).update(applied_on=applied)
    day = lambda n: (applied + datetime.timedelta(days=n)).isoformat()  # noqa: E731

    # the district union works the file: it is listed masked, found by ID number (in the body, not the URL)
    context, page = _new_page(browser, live_server, DESKTOP)
    log_in(page, "wujin_admin", PASSWORD)
    page.goto(reverse("programmes:hardship_list"))
    assert "孙**" in page.content() and "孙美玲" not in page.content()
    page.get_by_label("按身份证号或手机号精确查找").fill(number)
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name=file.number).click()
    page.wait_for_url(f"**/programmes/hardship/{file.pk}/")
    assert "丈夫患肺癌" in page.content()  # the union admin may see sensitive data (and the view is logged)

    _step(page, "review", {"初审日期": day(2), "初审意见": "情况属实，同意入户调查"}, selects={"初审结论": "1"})
    assert page.locator("#file-state").inner_text() == "待入户调查"
    # an offline step is not done without its evidence: the signed form is required
    card = page.locator("#step-survey")
    card.get_by_label(_label("入户调查日期")).fill(day(5))
    card.get_by_label(_label("调查人")).fill("张明、李芳")
    card.get_by_label(_label("调查情况")).fill("租住两室一厅，家中无贵重物品。")
    card.locator("button[type=submit]").click()
    assert page.locator("#file-state").inner_text() == "待入户调查"
    _step(
        page,
        "survey",
        {"入户调查日期": day(5), "调查人": "张明、李芳", "调查情况": "租住两室一厅，家中无贵重物品。"},
        files={"签字的入户调查表": scan},
    )
    assert page.locator("#file-state").inner_text() == "待民政核对"
    _step(page, "civil_send", {"送民政核对日期": day(6)})
    _step(
        page,
        "civil_result",
        {"结果返回日期": day(12), "核对说明": "无房产车辆"},
        files={"民政核对结果文书": scan},
        selects={"核对结果": "confirmed"},
    )
    assert page.locator("#file-state").inner_text() == "公示中"
    _step(page, "notice", {"公示开始日期": day(13), "公示地点": "厂区公告栏", "公示期（工作日）": "5"})
    notice_end = working_days_after(applied + datetime.timedelta(days=13), 4)
    assert notice_end.isoformat() in page.content()
    _step(page, "establish", {"建档日期": datetime.date.today().isoformat()}, selects={"困难类别": "deep"})
    assert page.locator("#file-state").inner_text() == "已建档"
    events = page.locator("#events").inner_text()
    for step in ("提出申请", "基层工会初审", "入户调查", "送民政核对", "民政核对结果", "开始公示", "建档"):
        assert step in events
    page.screenshot(path="/tmp/e2e-hardship-filed.png", full_page=True)
    assert not page.js_errors

    # the worker checks the status with ID number and phone
    worker.goto(reverse("hardship_status"))
    worker.get_by_label("身份证号码").fill(number)
    worker.get_by_label("手机号码").fill(MOBILE)
    worker.get_by_role("button", name="查询").click()
    result = worker.locator("[data-result]").inner_text()
    assert "已建档" in result and "深度困难" in result and "孙**" in result
    assert not worker.js_errors
    context.close()
    worker_context.close()
