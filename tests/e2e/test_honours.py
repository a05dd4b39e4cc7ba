"""建功立业 in a real browser: a nomination moves to award; a self-declared project is recommended upward and
accepted by the organiser."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from gonghui.honours.models import CompetitionProject, Honour
from gonghui.targets import sources
from gonghui.utilities.periods import Period
from tests.honours.helpers import make_competition
from tests.members.helpers import add_member
from tests.world import PASSWORD, build_world, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db):
    return build_world()


def _page(browser, live_server, contexts):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    contexts.append(context)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    return page


def test_a_nomination_moves_through_review_and_public_notice_to_award(browser, live_server, world, log_in):
    member = add_member(world, world.wujin_union, name="周匠心", serial=71)
    today = timezone.localdate()
    contexts = []
    try:
        chair = log_in(_page(browser, live_server, contexts), "chair", PASSWORD)
        chair.goto("/honours/honours/add/")
        chair.get_by_label("荣誉类别").select_option("model_worker")
        chair.get_by_label("荣誉级别").select_option("county")
        chair.get_by_label("评选年度").fill(str(today.year))
        chair.get_by_label("授予机关").fill("武进区人民政府")
        chair.get_by_label("获得者（个人荣誉）").fill(member.member_card_number)
        chair.get_by_label("主要事迹").fill("带领班组攻克焊接难题。")
        chair.get_by_role("button", name="保存").click()
        chair.get_by_text("已推荐").first.wait_for()
        honour = Honour.objects.get(member=member)
        assert "周匠心" in chair.content() and "*" in chair.locator("dl.props").inner_text()

        admin = log_in(_page(browser, live_server, contexts), "wujin_admin", PASSWORD)
        admin.goto(f"/honours/honours/{honour.pk}/")
        admin.get_by_role("button", name="审核通过").click()
        admin.get_by_text("已审核通过，下一步公示。").wait_for()
        admin.get_by_label("公示开始").fill((today - datetime.timedelta(days=8)).isoformat())
        admin.get_by_label("公示结束").fill((today - datetime.timedelta(days=1)).isoformat())
        admin.get_by_role("button", name="开始公示").click()
        admin.get_by_text("已开始公示。").wait_for()
        admin.get_by_label("授予日期").fill(today.isoformat())
        admin.get_by_label("证书编号").fill("WJ2026-01")
        admin.get_by_role("button", name="授予荣誉").click()
        admin.get_by_text("已授予荣誉。").wait_for()
        honour.refresh_from_db()
        assert honour.state == "awarded" and honour.certificate_no == "WJ2026-01"
        steps = admin.locator("table").last.inner_text()
        for action in ("推荐", "审核通过", "公示", "授予"):
            assert action in steps
        assert sources.value("model_workers", world.wujin, Period.year_of(today.year)) == 1
        admin.goto("/honours/care/due/")
        assert "周匠心" in admin.content()  # a new model worker: this year's health check is still to arrange
        assert not chair.js_errors and not admin.js_errors
    finally:
        for context in contexts:
            context.close()


def test_a_self_declared_project_is_recommended_upward_and_accepted(browser, live_server, world, log_in):
    today = timezone.localdate()
    competition = make_competition(
        world,
        world.wujin,
        launched=True,
        name="武进区节能降耗劳动竞赛",
        kind="labour",
        start_date=today - datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=50),
    )
    make_user("hutang_admin", world.hutang, "union_admin")
    contexts = []
    try:
        chair = log_in(_page(browser, live_server, contexts), "chair", PASSWORD)
        chair.goto(f"/honours/competitions/{competition.pk}/")
        chair.get_by_role("link", name="自主申报项目").click()
        chair.get_by_label("项目名称").fill("空压机余热回收")
        chair.get_by_label("项目内容").fill("年节电 30 万千瓦时。")
        chair.get_by_label("项目负责人").fill("钱工")
        chair.get_by_role("button", name="保存").click()
        chair.get_by_text("等待「湖塘镇工会」审核").wait_for()
        project = CompetitionProject.objects.get(title="空压机余热回收")

        town = log_in(_page(browser, live_server, contexts), "hutang_admin", PASSWORD)
        town.goto(f"/honours/projects/{project.pk}/")
        town.get_by_label("审核意见").fill("材料齐全，同意推荐")
        town.get_by_role("button", name="同意并推荐至上一级").click()
        town.get_by_text("已审核推荐至上一级。").wait_for()

        district = log_in(_page(browser, live_server, contexts), "wujin_admin", PASSWORD)
        district.goto("/honours/projects/?awaiting=true")
        district.get_by_role("link", name="空压机余热回收").click()
        district.get_by_role("button", name="同意立项").click()
        district.get_by_text("已审定立项。").wait_for()
        project.refresh_from_db()
        assert project.state == "accepted"
        history = district.locator("table").last.inner_text()
        assert "湖塘镇工会" in history and "审定立项" in history

        chair.goto(f"/honours/projects/{project.pk}/")
        assert "已立项" in chair.content()
        assert not chair.js_errors and not town.js_errors and not district.js_errors
    finally:
        for context in contexts:
            context.close()


def test_a_competition_from_launch_to_results(browser, live_server, world, log_in):
    today = timezone.localdate()
    competition = make_competition(
        world,
        world.wujin,
        name="武进区电工技能竞赛",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=30),
    )
    member = add_member(world, world.wujin_union, name="吴电工", serial=91)
    contexts = []
    try:
        admin = log_in(_page(browser, live_server, contexts), "wujin_admin", PASSWORD)
        admin.goto(f"/honours/competitions/{competition.pk}/")
        stage = admin.locator("#stages form")
        stage.locator("select[name=kind]").select_option("launch")
        stage.get_by_label("日期").fill(today.isoformat())
        stage.get_by_label("会议/活动名称").fill("竞赛启动仪式")
        stage.get_by_label("阶段报告").fill("全区 12 家企业报名。")
        stage.get_by_role("button", name="保存阶段记录").click()
        admin.get_by_text("已记录竞赛启动仪式。").wait_for()
        assert "进行中" in admin.locator("h1").inner_text()

        chair = log_in(_page(browser, live_server, contexts), "chair", PASSWORD)
        chair.goto(f"/honours/competitions/{competition.pk}/")
        chair.get_by_role("link", name="报名参赛职工").click()
        chair.get_by_label("参赛会员").fill(member.member_card_number)
        chair.get_by_label("参赛项目/工种").fill("低压电工")
        chair.get_by_role("button", name="保存").click()
        chair.get_by_text("已报名「吴电工」。").wait_for()

        admin.goto(f"/honours/competitions/{competition.pk}/results/")
        row = admin.locator("tr").filter(has_text="吴电工")
        row.locator("input[name$='-score']").fill("95.5")
        row.locator("input[name$='-rank']").fill("1")
        row.locator("select[name$='-award']").select_option("first")
        row.get_by_role("button", name="保存").click()
        admin.get_by_text("已保存「吴电工」的成绩。").wait_for()

        admin.goto(f"/honours/competitions/{competition.pk}/")
        stage = admin.locator("#stages form")
        stage.locator("select[name=kind]").select_option("summary")
        stage.get_by_label("日期").fill(today.isoformat())
        stage.get_by_label("会议/活动名称").fill("总结表彰大会")
        stage.get_by_label("阶段报告").fill("表彰一等奖 1 名。")
        stage.get_by_role("button", name="保存阶段记录").click()
        admin.get_by_text("已记录总结表彰大会。").wait_for()
        assert "已总结表彰" in admin.locator("h1").inner_text()
        entries = admin.locator("#entries").inner_text()
        assert "吴电工" in entries and "一等奖" in entries and "95.50" in entries
        assert "一等奖 1" in admin.locator("dl.props").inner_text()
        assert not admin.js_errors and not chair.js_errors
    finally:
        for context in contexts:
            context.close()
