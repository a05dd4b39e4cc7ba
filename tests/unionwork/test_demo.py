import datetime
import time

import pytest

from gonghui.accounts.models import User
from gonghui.orgs.demo import load_demo
from gonghui.orgs.models import Organization
from gonghui.targets import sources
from gonghui.targets.models import Task
from gonghui.unionwork import selectors
from gonghui.unionwork.demo import load_demo_unionwork
from gonghui.unionwork.models import DuesRecord, InfoItem, JointMeetingDecision
from gonghui.utilities.periods import Period

pytestmark = pytest.mark.django_db


def test_demo_union_work_is_believable_and_idempotent():
    load_demo(scale=0.2)
    today = datetime.date.today()
    started = time.monotonic()
    result = load_demo_unionwork()
    elapsed = time.monotonic() - started
    assert elapsed < 30, elapsed
    assert result.dues_records > 500 and result.courses > 10 and result.info_items > 100 and result.decisions == 3
    assert load_demo_unionwork().skipped
    assert DuesRecord.objects.count() == result.dues_records
    city = Organization.objects.get(code="GH320400")
    admin = User.objects.get(username="city_admin")
    month = today.month - 1 or 12
    year = today.year if today.month > 1 else today.year - 1
    table = selectors.collection_table(admin, city, year, month)
    rows = {row.unit.region_code: row for row in table.rows}
    assert rows["320481"].rate < 40 and rows["320481"].growth < 0  # 溧阳 lags
    assert rows["320413"].growth < 0  # 金坛 below last year
    assert rows["320402"].rate > 80
    assert sources.value("dues_collected", city, Period.year_of(today.year)) > 0
    assert sources.value("union_chairs_trained", city, Period.year_of(today.year)) > 0
    overdue = list(selectors.overdue_obligations(admin, today))
    assert [o.org.region_code for o in overdue] == ["320413"]
    decisions = JointMeetingDecision.objects.select_related("task")
    assert all(d.task.source == "joint_meeting" for d in decisions)
    assert Task.objects.filter(source="joint_meeting", deadline__lt=today).count() == 1
    this_year = InfoItem.objects.filter(submitted_on__year=today.year, submitted_on__month__lte=month).count()
    last_year = InfoItem.objects.filter(submitted_on__year=today.year - 1, submitted_on__month__lte=month).count()
    assert this_year < last_year  # the falling submissions the seeds complain of
