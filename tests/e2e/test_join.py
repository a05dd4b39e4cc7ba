"""Join by QR on a phone, approve as the union, open the member card and verify it."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.e2e.conftest import DESKTOP, PHONE, _new_page
from tests.members.helpers import id_number
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.e2e

MOBILE = "13912345678"


@pytest.fixture
def e2e_world(transactional_db):
    cache.clear()
    return build_world()


def test_join_by_qr_approve_and_verify_card(browser, live_server, e2e_world, log_in):
    world = e2e_world
    number = id_number(11)

    # The worker scans the union's QR on a phone.
    worker_context, worker = _new_page(browser, live_server, PHONE)
    worker.goto(reverse("join_union", args=[world.wujin_union.code]))
    assert worker.viewport_size == {"width": 390, "height": 844}
    worker.get_by_label("姓名").fill("赵小川")
    worker.get_by_label("身份证号码").fill(number)
    worker.get_by_label("手机号码").fill(MOBILE)
    worker.get_by_label("工作单位名称").fill("湖塘快递站")
    worker.get_by_label("人员类别").select_option("new_employment")
    worker.get_by_label("新就业形态类型").select_option("courier")
    assert not worker.locator("#step2").is_visible()
    worker.screenshot(path="/tmp/e2e-join-step1.png", full_page=True)
    worker.get_by_role("button", name="下一步").click()
    assert worker.locator("#step2").is_visible() and not worker.locator("#step1").is_visible()
    worker.get_by_label("我已阅读并同意").check()
    worker.get_by_role("button", name="提交申请").click()
    worker.get_by_text("入会申请已提交").wait_for()
    assert number not in worker.content() and MOBILE not in worker.content()
    worker.screenshot(path="/tmp/e2e-join-done.png", full_page=True)

    # The union's chair approves in another browser context.
    admin_context, admin = _new_page(browser, live_server, DESKTOP)
    log_in(admin, "chair", PASSWORD)
    admin.goto(reverse("members:join_application_list"))
    admin.get_by_role("link", name="赵小川").click()
    admin.get_by_role("link", name="批准").click()
    admin.get_by_role("button", name="批准入会").click()
    admin.get_by_text("已批准，会员证号").wait_for()
    admin_context.close()

    # The worker checks the status, opens the card and verifies it.
    worker.get_by_role("link", name="查询审批进度").click()
    worker.get_by_label("身份证号码").fill(number)
    worker.get_by_label("手机号码").fill(MOBILE)
    worker.get_by_role("button", name="查询").click()
    worker.locator("#status-result").wait_for()
    assert "已批准" in worker.locator("#status-result").inner_text()
    worker.get_by_role("link", name="打开电子会员证").click()
    worker.locator("#card-qr svg").wait_for()
    assert number not in worker.content()
    worker.screenshot(path="/tmp/e2e-member-card.png", full_page=True)
    worker.get_by_role("link", name="核验此会员证").click()
    worker.locator("#verdict").wait_for()
    assert worker.locator("#verdict").inner_text().strip() == "有效"
    assert "武进甲公司工会" in worker.content() and number not in worker.content()
    assert not worker.js_errors
    worker_context.close()
