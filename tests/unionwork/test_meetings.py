import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.targets import services_tasks
from gonghui.targets.models import Task, TaskNote, TaskSource, TaskState
from gonghui.targets.selectors_tasks import tasks_to_remind
from gonghui.unionwork import selectors, services_meetings
from gonghui.unionwork.models import JointMeeting, JointMeetingDecision, JointMeetingObligation, obligation_status
from tests.testing import CrudSuite
from tests.unionwork.helpers import TODAY, meeting, obligation

pytestmark = pytest.mark.django_db


class TestMeetingPages(CrudSuite):
    model = JointMeeting
    list_url_name = "unionwork:meeting_list"
    detail_url_name = "unionwork:meeting_detail"
    add_url_name = "unionwork:meeting_add"
    edit_url_name = "unionwork:meeting_edit"
    delete_url_name = "unionwork:meeting_delete"
    edit_field = "title"

    def own_org(self, world):
        return world.wujin

    def other_org(self, world):
        return world.tianning

    def make_object(self, world, org):
        return meeting(world.wujin_admin if org.region_code == "320412" else world.tianning_admin, org)

    def form_data(self, world, org):
        return {
            "org": org.pk,
            "title": "2026年度政府与工会联席会议",
            "held_on": (TODAY - datetime.timedelta(days=2)).isoformat(),
            "government_attendees": "李明 副区长",
            "union_attendees": "王强 主席",
            "departments": "人社局",
            "agenda": "研究职工权益保障工作",
        }

    def created(self, world, data):
        return JointMeeting.objects.filter(title=data["title"]).first()

    def edit_data(self, world, obj):
        return {**self.form_data(world, obj.org), "title": obj.title}


def _decision(user, item, **extra):
    data = {
        "title": "建立根治欠薪联动机制",
        "description": "人社局牵头，区总工会配合",
        "lead_department": "区人社局",
        "lead_unit": None,
        "deadline": TODAY + datetime.timedelta(days=60),
    }
    data.update(extra)
    return services_meetings.decision_add(user=user, meeting=item, data=data)


def test_a_meeting_must_be_held_by_a_federation_and_not_in_the_future(world):
    with pytest.raises(ValidationError):
        meeting(world.wujin_admin, world.hutang)
    with pytest.raises(ValidationError):
        meeting(world.wujin_admin, world.wujin, held_on=TODAY + datetime.timedelta(days=1))
    assert not JointMeeting.objects.exists()


def test_obligation_is_fulfilled_by_a_meeting_that_year_and_overdue_otherwise(world):
    year = TODAY.year
    wujin = obligation(world.city_admin, world.wujin, year, TODAY - datetime.timedelta(days=10))
    tianning = obligation(world.city_admin, world.tianning, year, TODAY - datetime.timedelta(days=5))
    city = obligation(world.city_admin, world.city, year, datetime.date(year, 12, 31))
    held = meeting(world.wujin_admin, world.wujin, held_on=TODAY - datetime.timedelta(days=40))
    assert held.obligation == wujin
    overdue = list(selectors.overdue_obligations(world.city_admin))
    assert overdue == [tianning]
    statuses = {o.org_id: obligation_status(o) for o in selectors.obligations_for(world.city_admin)}
    assert statuses[world.wujin.pk] == "held"
    assert statuses[world.tianning.pk] == "overdue"
    assert statuses[world.city.pk] == "pending"
    assert list(selectors.overdue_obligations(world.wujin_admin)) == []  # 天宁 is not 武进's business
    with pytest.raises(ValidationError):
        obligation(world.city_admin, world.wujin, year, TODAY)  # one per union and year
    assert city.deadline.year == year


def test_decision_becomes_a_supervision_task_followed_in_the_task_module(world):
    item = meeting(world.wujin_admin, world.wujin)
    decision = _decision(world.wujin_admin, item, lead_unit=world.hutang)
    task = decision.task
    assert task.source == TaskSource.JOINT_MEETING and task.org == world.hutang and task.assigned_by == world.wujin
    assert task.department == "区人社局" and "联席会议" in task.title
    assert task.deadline == decision.deadline
    assert TaskNote.objects.filter(task=task, text__contains="立项交办").exists()
    # the task module's flow moves it; the decision shows that state
    services_tasks.task_receive(user=world.wujin_admin, task=task)
    decision.refresh_from_db()
    assert decision.task.state == TaskState.RECEIVED
    with pytest.raises(ValidationError):
        services_meetings.decision_remove(user=world.wujin_admin, decision=decision)  # received: stays
    # overdue decisions get the task module's reminders
    Task.objects.filter(pk=task.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    assert tasks_to_remind(TODAY).filter(pk=task.pk).exists()


def test_decision_lead_unit_must_be_under_the_meeting_union(world):
    item = meeting(world.wujin_admin, world.wujin)
    with pytest.raises(ValidationError):
        _decision(world.city_admin, item, lead_unit=world.chashan)
    with pytest.raises(ValidationError):
        _decision(world.wujin_admin, item, deadline=TODAY - datetime.timedelta(days=1))
    assert not JointMeetingDecision.objects.exists() and not Task.objects.exists()


def test_decision_remove_takes_its_unreceived_task(world):
    item = meeting(world.wujin_admin, world.wujin)
    decision = _decision(world.wujin_admin, item)
    services_meetings.decision_remove(user=world.wujin_admin, decision=decision)
    assert not Task.objects.exists() and not JointMeetingDecision.objects.exists()


def test_decision_pages(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own = meeting(world.wujin_admin, world.wujin, minutes=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes"))
    other = meeting(world.tianning_admin, world.tianning)
    other_decision = _decision(world.tianning_admin, other)
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("unionwork:decision_add", args=[own.pk]),
        {"title": "落实新就业形态劳动者入会", "lead_department": "区交通局", "lead_unit": world.hutang.pk,
         "deadline": (TODAY + datetime.timedelta(days=30)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    decision = JointMeetingDecision.objects.get(meeting=own)
    body = client.get(reverse("unionwork:meeting_detail", args=[own.pk])).content.decode()
    assert "落实新就业形态劳动者入会" in body and "立项交办" in body and decision.task.get_absolute_url() in body
    minutes = client.get(reverse("unionwork:meeting_minutes", args=[own.pk]))
    assert minutes.status_code == 200
    assert client.get(reverse("unionwork:meeting_minutes", args=[other.pk])).status_code == 404
    assert client.post(reverse("unionwork:decision_add", args=[other.pk]), {}).status_code == 404
    url = reverse("unionwork:decision_remove", args=[other.pk, other_decision.pk])
    assert client.post(url).status_code == 404
    remove = reverse("unionwork:decision_remove", args=[own.pk, decision.pk])
    assert "确认" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not JointMeetingDecision.objects.filter(pk=decision.pk).exists()


def test_obligation_pages(client, world):
    year = TODAY.year
    overdue = obligation(world.city_admin, world.tianning, year, TODAY - datetime.timedelta(days=3))
    own = obligation(world.city_admin, world.wujin, year, TODAY - datetime.timedelta(days=3))
    client.force_login(world.city_admin)
    body = client.get(reverse("unionwork:obligation_list")).content.decode()
    assert "逾期未召开" in body and "天宁区总工会" in body
    body = client.get(reverse("unionwork:obligation_list"), {"status": "overdue"}).content.decode()
    assert "天宁区总工会" in body
    client.force_login(world.wujin_admin)
    body = client.get(reverse("unionwork:obligation_list")).content.decode()
    assert "武进区总工会" in body and "天宁区总工会" not in body
    assert client.get(reverse("unionwork:obligation_edit", args=[overdue.pk])).status_code == 404
    assert client.post(reverse("unionwork:obligation_delete", args=[overdue.pk])).status_code == 404
    response = client.post(reverse("unionwork:obligation_edit", args=[own.pk]),
                           {"org": world.wujin.pk, "year": year, "deadline": f"{year}-12-31"})  # fmt: skip
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.deadline == datetime.date(year, 12, 31)
    assert JointMeetingObligation.objects.count() == 2


@pytest.mark.parametrize("name", ["unionwork:obligation_list", "unionwork:share_list", "unionwork:rule_list"])
def test_configuration_lists_export_only_the_own_subtree(client, world, name):
    import io

    from python_calamine import CalamineWorkbook

    from tests.unionwork.helpers import rule, share

    for admin, org in ((world.wujin_admin, world.wujin), (world.tianning_admin, world.tianning)):
        obligation(admin, org, TODAY.year, TODAY - datetime.timedelta(days=1))
        share(admin, org)
        rule(admin, org, "city", "2")
    client.force_login(world.wujin_admin)
    response = client.get(reverse(name), {"export": "xlsx"})
    assert response.status_code == 200
    cells = {str(c) for row in CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
             .to_python() for c in row}  # fmt: skip
    assert "武进区总工会" in cells and "天宁区总工会" not in cells
    client.force_login(world.nobody)
    assert client.get(reverse(name)).status_code == 403
