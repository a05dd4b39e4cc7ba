"""Dashboard, progress and ranking pages and the progress API, on a small plan built with the ORM.

The plan (2026, viewed at the end of Q3 — complete as of the real date):

- 常州市 targets: 发展会员 3 (weight 60), 新建工会驿站 10 (weight 40); broken down to
- 武进区: 发展会员 2 (2 joined → 100%, green), 驿站 4 (Q3 report: 1 → 25%, red)
- 天宁区: 发展会员 4 (1 joined → 25%, red), 驿站 4 (Q2 report 3 + late Q3 report 1 → 100%, green)

Assessment: 武进 60 + 40 × 25% = 70 (1st), 天宁 60 × 25% + 40 = 55 (2nd).
"""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.targets.models import (
    Indicator,
    Plan,
    QuarterlyReport,
    ReportStatus,
    ReportValue,
    Target,
    Task,
    TaskSource,
    TaskState,
)
from tests.members.helpers import add_member

D = datetime.date
YEAR, QUARTER = 2026, 3
PERIOD = f"year={YEAR}&quarter={QUARTER}"


def _report(org, quarter: int, value: int, indicator, *, submitted: datetime.date, due: datetime.date):
    report = QuarterlyReport.objects.create(
        org=org,
        year=YEAR,
        quarter=quarter,
        status=ReportStatus.SUBMITTED,
        due_date=due,
        submitted_at=timezone.make_aware(datetime.datetime.combine(submitted, datetime.time(10))),
    )
    ReportValue.objects.create(report=report, indicator=indicator, value=Decimal(value))
    return report


@pytest.fixture
def plan(world, settings):
    settings.TARGETS_FIGURES_MAX_LAG = 0
    recruited = Indicator.objects.get(key="members_recruited")
    stations = Indicator.objects.get(key="union_social_workers")
    city_plan = Plan.objects.create(org=world.city, year=YEAR, title="2026年目标任务")
    city_targets = {
        recruited: Target.objects.create(
            plan=city_plan, org=world.city, indicator=recruited, year=YEAR, value=3, weight=60, assigned_by=world.city
        ),
        stations: Target.objects.create(
            plan=city_plan, org=world.city, indicator=stations, year=YEAR, value=10, weight=40, assigned_by=world.city
        ),
    }
    for unit, values in ((world.wujin, {recruited: 2, stations: 4}), (world.tianning, {recruited: 4, stations: 4})):
        for indicator, value in values.items():
            Target.objects.create(
                plan=city_plan,
                org=unit,
                indicator=indicator,
                year=YEAR,
                value=value,
                assigned_by=world.city,
                parent=city_targets[indicator],
            )
    add_member(world, world.wujin_union, name="武进一", serial=1, join_date=D(2026, 2, 3))
    add_member(world, world.wujin_union, name="武进二", serial=2, join_date=D(2026, 8, 9))
    add_member(world, world.tianning_union, name="天宁一", serial=3, join_date=D(2026, 7, 1))
    add_member(world, world.tianning_union, name="去年入会", serial=4, join_date=D(2025, 12, 30))
    _report(world.wujin, 3, 1, stations, submitted=D(2026, 10, 8), due=D(2026, 10, 10))
    _report(world.tianning, 2, 3, stations, submitted=D(2026, 7, 5), due=D(2026, 7, 10))
    world.late_report = _report(world.tianning, 3, 1, stations, submitted=D(2026, 10, 20), due=D(2026, 10, 10))
    task = dict(source=TaskSource.ASSIGNED, state=TaskState.IN_PROGRESS, deadline=D(2026, 10, 1))
    world.wujin_task = Task.objects.create(org=world.hutang, assigned_by=world.wujin, title="湖塘驿站建设", **task)
    world.tianning_task = Task.objects.create(
        org=world.chashan, assigned_by=world.tianning, title="茶山困难帮扶", **task
    )
    Task.objects.create(
        org=world.hutang,
        assigned_by=world.wujin,
        title="已销号的事项",
        source=TaskSource.ASSIGNED,
        state=TaskState.CLOSED,
        deadline=D(2026, 9, 1),
        completion_report="已完成",
    )
    world.recruited, world.stations = recruited, stations
    return world


def url(name: str, org=None, extra: str = "") -> str:
    query = f"{PERIOD}{'&org=' + str(org.pk) if org else ''}{'&' + extra if extra else ''}"
    return f"{reverse(name)}?{query}"


def charts_of(body: str) -> dict:
    match = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', body, re.S)
    assert match, "chart data missing"
    return json.loads(match.group(1))


def sheet(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


PAGES = ["targets:dashboard", "targets:progress", "targets:ranking"]


# --- dashboard -----------------------------------------------------------------------------------------------


def test_dashboard_key_figures_lights_and_charts(login, plan):
    world = plan
    body = login(world.city_admin).get(url("targets:dashboard", world.city)).content.decode()
    assert "常州市总工会 · 2026年第3季度工作看板" in body
    assert "数据截至" in body
    # 发展会员: 3 joined in the city's subtree in 2026 (the 2025 joiner does not count) of 3 → 100%, green
    assert re.search(r"发展会员</div>\s*<div class=\"figure\"><a href=\"[^\"]+\" title=\"查看数据来源\">3</a>", body)
    assert "100.00%" in body and "绿灯" in body
    charts = charts_of(body)
    bars = {bar["name"]: bar for bar in charts["bars"]["bars"]}
    assert bars["武进区总工会"]["value"] == 100.0
    assert bars["天宁区总工会"]["value"] == 25.0
    assert bars["天宁区总工会"]["colour"] == "#c8161d"
    assert f"org={world.wujin.pk}" in bars["武进区总工会"]["url"]
    assert 74 < charts["bars"]["expected"] < 75  # 273 of 365 days
    trend = {series["name"]: series["values"] for series in charts["trend"]["series"]}
    assert trend["发展会员"][2] == 100.0  # Q3
    assert trend["发展会员"][0] == pytest.approx(100 / 3, abs=0.01)  # Q1: 1 of 3


def test_dashboard_behind_tasks_and_late_reports(login, plan):
    world = plan
    body = login(world.city_admin).get(url("targets:dashboard", world.city)).content.decode()
    behind = body[body.index("进度滞后") : body.index("逾期督办事项")]
    assert "进度滞后（2）" in behind
    assert "武进区总工会" in behind and "天宁区总工会" in behind and "红灯" in behind
    tasks = body[body.index("逾期督办事项") : body.index("季报迟报")]
    assert "湖塘驿站建设" in tasks and "茶山困难帮扶" in tasks and "已销号的事项" not in tasks
    assert reverse("targets:task_detail", args=[world.wujin_task.pk]) in tasks
    reports = body[body.index("季报迟报") :]
    assert "天宁区总工会" in reports and "逾期报送" in reports
    assert reverse("targets:report_detail", args=[world.late_report.pk]) in reports
    assert "武进区总工会" not in reports[: reports.index("</section>")]


def test_dashboard_drills_down_to_a_sub_unit(login, plan):
    world = plan
    client = login(world.wujin_admin)
    body = client.get(url("targets:dashboard")).content.decode()  # defaults to the user's own unit
    assert "武进区总工会 · 2026年第3季度工作看板" in body
    # 武进 has not broken its targets down: its own figures, no sub-unit bars
    assert "暂无向下级单位分解的目标" in body
    assert "湖塘驿站建设" in body and "茶山困难帮扶" not in body
    city_body = login(world.city_admin).get(url("targets:dashboard", world.city)).content.decode()
    assert f'data-href="{reverse("targets:dashboard")}?org={world.wujin.pk}' in city_body


def test_dashboard_empty_state(login, plan):
    world = plan
    response = login(world.city_admin).get(f"{reverse('targets:dashboard')}?org={world.city.pk}&year=2025")
    assert response.status_code == 200
    assert "本年度尚未下达目标任务" in response.content.decode()


def test_bad_period_parameters_fall_back_with_a_message(login, plan):
    world = plan
    response = login(world.city_admin).get(f"{reverse('targets:dashboard')}?org={world.city.pk}&year=abc&quarter=7")
    body = response.content.decode()
    assert response.status_code == 200
    assert "年度「abc」无效" in body and "季度「7」无效" in body


@pytest.mark.parametrize("name", PAGES)
def test_other_subtree_is_404(login, plan, name):
    world = plan
    client = login(world.wujin_admin)
    assert client.get(url(name, world.tianning)).status_code == 404
    assert client.get(url(name, world.city)).status_code == 404  # above the user's unit
    assert client.get(f"{reverse(name)}?org=not-a-number").status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_without_permission_is_403(login, plan, name):
    assert login(plan.nobody).get(url(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_login_required(client, plan, name):
    response = client.get(url(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- progress ------------------------------------------------------------------------------------------------


def test_progress_matrix_with_drill_down_links(login, plan):
    world = plan
    body = login(world.city_admin).get(url("targets:progress", world.city)).content.decode()
    assert "时间过半、任务过半" in body
    assert "常州市总工会（本级）" in body
    members_link = reverse("members:member_list")
    assert f"{members_link}?within={world.tianning.pk}" in body
    report_link = f"{reverse('targets:report_list')}?org={world.tianning.pk}&amp;year=2026&amp;quarter=3"
    assert report_link in body
    assert re.search(rf'href="{re.escape(report_link)}" title="查看数据来源">4</a> / 4', body)
    # the city has no report of its own for 驿站: no figure, no link
    assert f"{reverse('targets:report_list')}?org={world.city.pk}" not in body


def test_progress_per_indicator_ranking(login, plan):
    world = plan
    body = (
        login(world.city_admin)
        .get(url("targets:progress", world.city, "indicator=union_social_workers"))
        .content.decode()
    )
    ranked = body[body.index("各下级单位按完成率排名") : body.index("各单位各指标完成情况")]
    rows = re.findall(r"<tr><td>(\d)</td><td><a [^>]+>([^<]+)</a>", ranked)
    assert rows == [("1", "天宁区总工会"), ("2", "武进区总工会")]


def test_progress_export(login, plan):
    world = plan
    rows = sheet(login(world.city_admin).get(url("targets:progress", world.city, "export=xlsx")))
    assert rows[0][:5] == ["单位", "发展会员（人）目标", "发展会员（人）完成", "发展会员完成率", "发展会员进度"]
    by_unit = {row[0]: row for row in rows[1:]}
    assert by_unit["天宁区总工会"][1:5] == [4, 1, "25.00%", "红灯"]
    assert by_unit["天宁区总工会"][5:9] == [4, 4, "100.00%", "绿灯"]
    assert by_unit["常州市总工会（本级）"][1:5] == [3, 3, "100.00%", "绿灯"]


def test_export_needs_export_permission(login, plan):
    # the grassroots chair may view targets but not export them
    assert login(plan.chair).get(url("targets:progress", plan.wujin_union, "export=xlsx")).status_code == 403


# --- ranking -------------------------------------------------------------------------------------------------


def test_ranking_scores_and_ranks(login, plan):
    world = plan
    body = login(world.city_admin).get(url("targets:ranking", world.city)).content.decode()
    rows = re.findall(
        r"<tr><td><strong>(\d)</strong></td><td><a [^>]+>([^<]+)</a>.*?<td class=\"pct\">([\d.]+)</td>", body, re.S
    )
    assert rows == [("1", "武进区总工会", "70"), ("2", "天宁区总工会", "55")]
    assert "权重 60" in body and "权重 40" in body
    assert "考核权重设置有误" not in body


def test_ranking_shows_weight_errors(login, plan):
    world = plan
    Target.objects.filter(org=world.city, indicator=world.stations).update(weight=30)
    body = login(world.city_admin).get(url("targets:ranking", world.city)).content.decode()
    assert "考核权重设置有误" in body


def test_ranking_export(login, plan):
    world = plan
    rows = sheet(login(world.city_admin).get(url("targets:ranking", world.city, "export=xlsx")))
    assert rows[0] == ["名次", "单位", "发展会员（权重60）", "工会社会工作者（权重40）", "总分"]
    assert rows[1] == [1, "武进区总工会", 60, 10, 70]
    assert rows[2] == [2, "天宁区总工会", 15, 40, 55]


# --- API -----------------------------------------------------------------------------------------------------


def test_api_progress_board(login, plan):
    world = plan
    response = login(world.city_admin).get(f"/api/targets/progress?org={world.city.pk}&{PERIOD}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["org"]["id"] == world.city.pk
    assert [ind["key"] for ind in data["indicators"]] == ["members_recruited", "union_social_workers"]
    assert {ind["key"]: ind["weight"] for ind in data["indicators"]} == {
        "members_recruited": 60,
        "union_social_workers": 40,
    }
    own = {cell["indicator"]: cell for cell in data["own"]["cells"]}
    assert own["members_recruited"]["actual"] == 3 and own["members_recruited"]["light"] == "green"
    assert own["union_social_workers"]["actual"] is None
    units = [(row["unit"]["id"], row["rank"], row["score"]) for row in data["units"]]
    assert units == [(world.wujin.pk, 1, 70), (world.tianning.pk, 2, 55)]
    tianning = {cell["indicator"]: cell for cell in data["units"][1]["cells"]}
    assert tianning["members_recruited"]["completion"] == 0.25
    assert tianning["members_recruited"]["rank"] == 2 and tianning["union_social_workers"]["rank"] == 1
    assert tianning["union_social_workers"]["link"].startswith(reverse("targets:report_list"))
    assert tianning["members_recruited"]["link"].startswith(reverse("members:member_list"))


def test_api_scope_and_permission(login, plan):
    world = plan
    client = login(world.wujin_admin)
    assert client.get(f"/api/targets/progress?org={world.tianning.pk}&{PERIOD}").status_code == 404
    own = client.get(f"/api/targets/progress?{PERIOD}")
    assert own.status_code == 200 and own.json()["org"]["id"] == world.wujin.pk
    assert login(world.nobody).get(f"/api/targets/progress?{PERIOD}").status_code == 403
    assert client.get("/api/targets/progress?quarter=5").status_code == 422
