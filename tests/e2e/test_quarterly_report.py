"""一季一报 in a real browser: a district submits its quarterly report; the city's ranking and dashboard change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.targets.models import Indicator, Plan, Target
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.e2e

YEAR, QUARTER = 2026, 3


@pytest.fixture
def planned(transactional_db):
    world = build_world()
    stations = Indicator.objects.get(key="union_social_workers")
    city_plan = Plan.objects.create(org=world.city, year=YEAR, title="市总年度计划")
    whole = Target.objects.create(
        plan=city_plan,
        org=world.city,
        indicator=stations,
        year=YEAR,
        value=Decimal(20),
        weight=Decimal(100),
        assigned_by=world.city,
    )
    for org in (world.wujin, world.tianning):
        plan = Plan.objects.create(org=org, year=YEAR, title=f"{org.name}年度计划")
        Target.objects.create(
            plan=plan,
            org=org,
            indicator=stations,
            year=YEAR,
            value=Decimal(10),
            assigned_by=world.city,
            parent=whole,
        )
    return world


def ranking_row(page, unit: str):
    return page.locator("table.matrix tbody tr").filter(has=page.get_by_role("link", name=unit, exact=True))


def test_submitted_report_moves_the_ranking_and_the_dashboard(browser, live_server, planned, log_in):
    world = planned
    query = f"?org={world.city.pk}&year={YEAR}&quarter={QUARTER}"
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        return page

    try:
        city = log_in(open_page(), "city_admin", PASSWORD)
        city.goto(f"/targets/ranking/{query}")
        assert ranking_row(city, "武进区总工会").locator("td").first.inner_text() == "—"  # nothing reported yet

        district = log_in(open_page(), "wujin_admin", PASSWORD)
        district.goto("/targets/reports/")
        form = district.get_by_role("form", name="填报季度报表")
        form.get_by_label("年度").select_option(str(YEAR))
        form.get_by_label("季度").select_option(str(QUARTER))
        form.get_by_role("button", name="填报本季度").click()
        district.wait_for_url("**/targets/reports/*/")
        district.locator('input[name="value_union_social_workers"]').fill("8")
        district.get_by_label("工作亮点").fill("新建户外劳动者驿站 8 家。")
        district.once("dialog", lambda dialog: dialog.accept())
        district.get_by_role("button", name="报送").click()
        district.get_by_text("本报表已报送").wait_for()

        city.goto(f"/targets/ranking/{query}")
        row = ranking_row(city, "武进区总工会")
        assert row.locator("td").first.inner_text() == "1"
        assert Decimal(row.locator("td.pct").inner_text()) == 80  # 100 × 8 / 10
        city.goto(f"/targets/dashboard/{query}")
        dashboard_row = city.locator("table.clickable tbody tr").filter(has_text="武进区总工会")
        assert "8 / 10" in dashboard_row.inner_text()
        assert dashboard_row.locator("td").nth(5).inner_text() in ("80", "80.00")
        city.screenshot(path="/tmp/e2e-dashboard.png", full_page=True)
        assert not city.js_errors and not district.js_errors
    finally:
        for context in contexts:
            context.close()
