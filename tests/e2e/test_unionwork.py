"""Joint meeting in a real browser: record the district's meeting, record a decision (it is assigned as a
supervision task), follow the link to the task; then the collection table shows the district's dues."""

from __future__ import annotations

import datetime

import pytest

from gonghui.targets.models import Task
from gonghui.unionwork.models import JointMeetingDecision
from tests.unionwork.helpers import dues
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world_db(transactional_db):
    return build_world()


def test_meeting_decision_becomes_a_task(page, live_server, world_db, log_in):
    world = world_db
    today = datetime.date.today()
    log_in(page, "wujin_admin", PASSWORD)
    page.goto("/unionwork/joint-meetings/add/")
    page.get_by_label("召开单位（总工会）").select_option(label="武进区总工会")
    page.get_by_label("会议名称").fill("武进区政府与工会联席会议")
    page.get_by_label("召开日期").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("政府方出席人员").fill("李明 副区长")
    page.get_by_label("工会方出席人员").fill("王强 区总工会主席")
    page.get_by_label("会议议程").fill("研究根治欠薪工作")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/unionwork/joint-meetings/*/")
    assert "尚未登记议定事项" in page.content()
    page.get_by_label("议定事项").fill("建立欠薪联合预警机制")
    page.get_by_label("牵头政府部门").fill("区人社局")
    page.get_by_label("完成时限").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="登记并交办").click()
    page.wait_for_load_state()
    assert "并作为督办事项交办" in page.content()
    decision = JointMeetingDecision.objects.get()
    assert Task.objects.get(pk=decision.task_id).department == "区人社局"
    page.get_by_role("link", name="查看督办").click()
    page.wait_for_url(f"**/targets/tasks/{decision.task_id}/")
    assert "建立欠薪联合预警机制" in page.content()
    assert not page.js_errors

    month = today.replace(day=1) - datetime.timedelta(days=1)
    dues(world.wujin_admin, world.wujin_employer, month.replace(day=1), "100000", "2000", paid_on=today)
    page.goto(f"/unionwork/dues/collection/?year={month.year}&month={month.month}")
    assert "湖塘镇工会" in page.content() and "2000.00" in page.content()
