"""12351 in a real browser: register a hotline case received 40 minutes ago (its dispatch light is red),
dispatch it (the light turns green on the response deadline), resolve it, call back (closed)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from gonghui.rights.models import CaseState, RightsCase
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world_db(transactional_db):
    return build_world()


def light(page) -> str:
    return page.locator("#case-light").get_attribute("data-light")


def test_hotline_case_through_the_closed_loop(page, live_server, world_db, log_in):
    world = world_db
    log_in(page, "city_admin", PASSWORD)
    page.goto("/rights/cases/add/")
    page.get_by_label("来源渠道").select_option("hotline")
    received = timezone.localtime() - datetime.timedelta(minutes=40)
    page.get_by_label("接听（收到）时间").fill(received.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("诉求类别").select_option("wages")
    page.get_by_label("复杂程度").select_option("simple")
    page.get_by_label("诉求摘要").fill("快递站点拖欠派件费")
    page.get_by_label("诉求内容").fill("站点拖欠 5 名快递员两个月派件费。")
    page.get_by_label("诉求人姓名").fill("刘强")
    page.get_by_label("联系电话（手机）").fill("13912345678")
    page.get_by_label("涉及人数（人次）").fill("5")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/rights/cases/*/")
    assert light(page) == "red"  # 40 minutes without dispatch: past the 30-minute limit
    assert "139****5678" in page.content() and "13912345678" not in page.content()

    dispatch = page.locator("form[data-step=dispatch]")
    dispatch.get_by_label("承办单位").select_option(label="武进区总工会")
    dispatch.get_by_role("button", name="派单").click()
    page.wait_for_load_state()
    assert "已派单" in page.content()
    assert light(page) == "green"  # now waiting for the first response, due 2 hours after receipt

    resolve = page.locator("form[data-step=resolve]")
    resolve.get_by_label("办理结果").select_option("mediated")
    resolve.get_by_label("挽回金额（元）").fill("6000")
    resolve.get_by_label("办理情况").fill("约谈站点负责人，已补发全部派件费。")
    resolve.get_by_role("button", name="办结").click()
    page.wait_for_load_state()
    assert "已办结，等待回访" in page.content()
    assert light(page) == "green"  # the 24-hour callback clock has just started

    callback = page.locator("form[data-step=callback]")
    callback.get_by_label("满意度").select_option("very_satisfied")
    callback.get_by_label("回访情况").fill("电话回访，已收到款项。")
    callback.get_by_role("button", name="回访结案").click()
    page.wait_for_load_state()
    assert light(page) == "closed"
    case = RightsCase.objects.get()
    assert case.state == CaseState.CLOSED and case.org == world.wujin
    assert case.dispatched_at > case.dispatch_due  # the late dispatch stays on the record
    assert case.callback_at and case.satisfaction == "very_satisfied"
    assert "超时完成" in page.content()
    assert not page.js_errors
