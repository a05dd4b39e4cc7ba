"""职工互助保障 in a real browser: a member claims on the phone (ID number + phone, consent, photo of the invoice),
the city reviews it against the plan's rules, approves the suggested amount, registers the payment, and the
member sees 已支付 on the phone status page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from PIL import Image

from gonghui.programmes.models import MutualAidClaim
from tests.programmes.mutualaid_helpers import enrol, make_plan, member
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world_db(transactional_db):
    return build_world()


def test_phone_claim_to_payment(phone_page, page, live_server, world_db, log_in, tmp_path):
    world = world_db
    plan = make_plan(world.city_admin, world.city, name="住院医疗互助保障")
    person = member(world, serial=2, name="王芳", phone="13912340002")
    enrol(world.wujin_admin, plan, world.wujin_union, person)
    invoice = tmp_path / "发票.jpg"
    Image.new("RGB", (320, 240), (230, 220, 200)).save(invoice, format="JPEG")
    today = timezone.localdate()

    phone = phone_page
    phone.goto("/mutual-aid/claim/")
    phone.get_by_label("身份证号码").fill(person.reveal_id_number())
    phone.get_by_label("手机号码").fill("13912340002")
    phone.get_by_label("我已阅读并同意").check()
    phone.get_by_role("button", name="下一步").click()
    phone.wait_for_load_state()
    assert "第二步" in phone.content() and person.reveal_id_number() not in phone.content()
    phone.get_by_label("申请理赔的保障计划").select_option(label=f"{plan}（武进甲公司工会参保）")
    phone.get_by_label("出险日期").fill((today - datetime.timedelta(days=3)).isoformat())
    phone.get_by_label("入院日期").fill((today - datetime.timedelta(days=9)).isoformat())
    phone.get_by_label("就诊医院").fill("常州市第一人民医院")
    phone.get_by_label("诊断或伤情简述").fill("急性阑尾炎")
    phone.get_by_label("医疗费用总额").fill("9000")
    phone.get_by_label("个人负担的医疗费用").fill("4500")
    phone.get_by_label("收款银行卡号").fill("6222020304050607")
    phone.get_by_label("医疗费用发票、医保结算单").set_input_files(str(invoice))
    phone.get_by_role("button", name="提交申请").click()
    phone.wait_for_selector("#claim-done")
    claim_no = phone.locator("#claim-no").inner_text()
    claim = MutualAidClaim.objects.get(claim_no=claim_no)
    assert claim.source == "phone" and claim.documents.count() == 1

    log_in(page, "city_admin", PASSWORD)
    page.goto(f"/programmes/mutual-aid/claims/{claim.pk}/")
    assert page.locator("#claim-state").get_attribute("data-state") == "submitted"
    assert page.locator("#assessment tr[data-ok='0']").count() == 0  # every rule check passes
    assert page.locator("#suggested").inner_text() == "2000.00"  # (4500 − 500) × 50 %
    assert "急性阑尾炎" in page.content()
    approve = page.locator("form[data-step=approve]")
    assert approve.get_by_label("核定金额").input_value() == "2000.00"
    approve.get_by_label("审核意见").fill("材料齐全")
    approve.get_by_role("button", name="核准").click()
    page.wait_for_load_state()
    assert page.locator("#claim-state").get_attribute("data-state") == "approved"
    pay = page.locator("form[data-step=pay]")
    pay.get_by_label("支付凭证号").fill("ZZ20260001")
    pay.get_by_role("button", name="登记支付").click()
    page.wait_for_load_state()
    assert page.locator("#claim-state").get_attribute("data-state") == "paid"

    phone.goto("/mutual-aid/claim/status/")
    phone.get_by_label("身份证号码").fill(person.reveal_id_number())
    phone.get_by_label("手机号码").fill("13912340002")
    phone.get_by_role("button", name="查询").click()
    phone.wait_for_selector(".claim-status")
    status = phone.locator(".claim-status").first
    assert status.get_attribute("data-state") == "paid" and "2000.00 元" in status.inner_text()
    assert "急性阑尾炎" not in phone.content()
    claim.refresh_from_db()
    assert claim.paid_on == today and claim.approved_amount == 2000
    assert not phone.js_errors and not page.js_errors
