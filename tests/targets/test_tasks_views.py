"""Supervision task pages: list, export, add, edit, delete, detail, steps, notes, files, escalation.

Every page answers 404 for a task of the other subtree (天宁区).
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.notices.models import Message
from gonghui.targets import services_tasks as services
from gonghui.targets.models import Task, TaskNote, TaskNoteKind, TaskState
from tests.targets.tasks_helpers import (
    days,
    lead_user,
    make_task,
    other_task,
    pdf_file,
    reported,
    set_deadline,
)
from tests.testing import CreateSuite, DeleteSuite, DetailSuite, EditSuite, ExportSuite, ListSuite
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lead(world):
    return lead_user(world)


def task_form(world, org, **overrides) -> dict:
    data = {
        "title": "推进户外劳动者驿站建设",
        "source": "livelihood",
        "assigned_by": "",
        "org": org.pk,
        "deadline": days(40).isoformat(),
        "responsible_leader": "王主席",
        "department": "权益保障部",
        "owner_name": "赵干事",
        "description": "年内新建驿站 5 个。",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "30",
        "milestones-0-title": "选址",
        "milestones-0-due_date": days(10).isoformat(),
        "milestones-1-title": "",
        "milestones-1-due_date": "",
    }
    data.update(overrides)
    return data


class TestTaskPages(ListSuite, ExportSuite, DetailSuite, CreateSuite, EditSuite, DeleteSuite):
    """The generic suites: own subtree works, the other subtree is 404, no permission is 403."""

    model = Task
    list_url_name = "targets:task_list"
    detail_url_name = "targets:task_detail"
    add_url_name = "targets:task_add"
    edit_url_name = "targets:task_edit"
    delete_url_name = "targets:task_delete"
    edit_field = "title"
    edit_value = "已修改的事项名称"

    def make_object(self, world, org):
        admin = world.wujin_admin if org.path.startswith(world.wujin.path) else world.tianning_admin
        return make_task(world, user=admin, org=org, title=f"{org.name}的督办事项")

    def form_data(self, world, org):
        return task_form(world, org)

    def created(self, world, data):
        return Task.objects.filter(title=data["title"], org_id=data["org"]).first()

    def edit_data(self, world, obj):
        data = task_form(world, obj.org, title=obj.title)
        data.pop("assigned_by")
        return data


def test_created_task_has_milestones_and_notifies_lead_unit(client, world, lead):
    client.force_login(world.wujin_admin)
    response = client.post(reverse("targets:task_add"), task_form(world, world.hutang))
    task = Task.objects.get(title="推进户外劳动者驿站建设")
    assert response["Location"] == task.get_absolute_url()
    assert task.assigned_by == world.wujin and [m.title for m in task.milestones.all()] == ["选址"]
    assert Message.objects.filter(recipient=lead, link=task.get_absolute_url()).exists()


def test_add_form_shows_service_errors(client, world):
    client.force_login(world.wujin_admin)
    data = task_form(world, world.hutang, **{"milestones-0-due_date": days(50).isoformat()})
    response = client.post(reverse("targets:task_add"), data)
    assert response.status_code == 200
    assert "晚于完成时限" in response.content.decode()
    data = task_form(world, world.hutang, deadline=days(-1).isoformat())
    assert "已经过去" in client.post(reverse("targets:task_add"), data).content.decode()
    assert not Task.objects.exists()


def test_lead_unit_may_not_open_the_edit_page(client, world, lead):
    task = make_task(world)
    client.force_login(lead)
    assert client.get(reverse("targets:task_edit", args=[task.pk])).status_code == 403


def test_edit_keeps_and_removes_milestones(client, world):
    task = make_task(world, milestones=[{"title": "选址", "due_date": days(5)}, {"title": "验收", "due_date": days(9)}])
    first, second = task.milestones.all()
    client.force_login(world.wujin_admin)
    url = reverse("targets:task_edit", args=[task.pk])
    page = client.get(url).content.decode()
    assert "选址" in page and "验收" in page
    data = task_form(world, world.hutang, title=task.title)
    data.pop("assigned_by")
    data.update(
        {
            "milestones-TOTAL_FORMS": "2",
            "milestones-INITIAL_FORMS": "2",
            "milestones-0-id": str(first.pk),
            "milestones-0-title": "选址完成",
            "milestones-0-due_date": days(6).isoformat(),
            "milestones-1-id": str(second.pk),
            "milestones-1-title": "验收",
            "milestones-1-due_date": days(9).isoformat(),
            "milestones-1-DELETE": "on",
        }
    )
    assert client.post(url, data).status_code == 302
    assert [(m.pk, m.title) for m in task.milestones.all()] == [(first.pk, "选址完成")]


def test_delete_page_refuses_a_received_task(client, world, lead):
    task = make_task(world)
    services.task_receive(user=lead, task=task)
    client.force_login(world.wujin_admin)
    response = client.get(reverse("targets:task_delete", args=[task.pk]))
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    client.post(reverse("targets:task_delete", args=[task.pk]))
    assert Task.objects.filter(pk=task.pk).exists()


# --- list filters and export -------------------------------------------------------------------------


def test_list_filters_by_light_and_search(client, world):
    late = set_deadline(make_task(world, title="超期的事项"), days(-3))
    make_task(world, title="远期的事项", deadline=days(30))
    client.force_login(world.wujin_admin)
    body = client.get(reverse("targets:task_list"), {"light": "overdue"}).content.decode()
    assert late.title in body and "远期的事项" not in body
    body = client.get(reverse("targets:task_list"), {"q": "远期"}).content.decode()
    assert "远期的事项" in body and late.title not in body
    body = client.get(reverse("targets:task_list"), {"light": "on_track"}).content.decode()
    assert "远期的事项" in body and late.title not in body
    assert "超期 3 天" in client.get(reverse("targets:task_list")).content.decode()
    empty = client.get(reverse("targets:task_list"), {"q": "不存在"}).content.decode()
    assert "没有符合条件的督办事项" in empty


def test_export_has_lights_and_only_own_subtree(client, world):
    set_deadline(make_task(world, title="超期的事项"), days(-1))
    other_task(world)
    leader = make_user("wujin_leader", world.wujin, "leader")
    client.force_login(leader)
    response = client.get(reverse("targets:task_list") + "?export=xlsx")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    header, *data = rows
    assert "预警" in header and "牵头单位" in header
    assert len(data) == 1 and "超期的事项" in data[0] and "红" in data[0] and "茶山街道驿站建设" not in str(rows)


# --- detail and steps --------------------------------------------------------------------------------


def test_detail_shows_timeline_and_the_lead_units_buttons(client, world, lead):
    task = make_task(world)
    client.force_login(lead)
    body = client.get(task.get_absolute_url()).content.decode()
    assert "立项交办：武进区总工会" in body and "接收</button>" in body and "验收销号</button>" not in body
    client.force_login(world.wujin_admin)
    body = client.get(task.get_absolute_url()).content.decode()
    assert "催办</button>" in body and "编辑" in body


def test_steps_through_the_pages(client, world, lead):
    task = make_task(world)
    client.force_login(lead)
    step = lambda name, **data: client.post(reverse("targets:task_step", args=[task.pk, name]), data)  # noqa: E731
    assert step("receive").status_code == 302
    assert step("start").status_code == 302
    response = step("report", completion_report="")
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert step("report", completion_report="完成驿站 5 个。").status_code == 302
    assert step("accept").status_code == 302  # refused: the lead unit cannot accept
    assert Task.objects.get(pk=task.pk).state == TaskState.REPORTED
    client.force_login(world.wujin_admin)
    assert step("accept", note="同意").status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.CLOSED and task.acceptance_note == "同意"
    response = client.post(reverse("targets:task_step", args=[task.pk, "receive"]), follow=True)
    assert "该事项已验收销号，不能再接收。" in response.content.decode()


def test_unknown_step_and_get_are_refused(client, world):
    task = make_task(world)
    client.force_login(world.wujin_admin)
    assert client.post(reverse("targets:task_step", args=[task.pk, "explode"])).status_code == 404
    assert client.get(reverse("targets:task_step", args=[task.pk, "receive"])).status_code == 405


def test_note_with_attachment_and_download(client, world, lead):
    task = make_task(world)
    client.force_login(lead)
    response = client.post(
        reverse("targets:task_note_add", args=[task.pk]), {"text": "已完成选址。", "file": pdf_file()}
    )
    assert response.status_code == 302
    note = task.notes.get(kind=TaskNoteKind.PROGRESS)
    url = reverse("targets:task_note_file", args=[note.pk])
    assert "进展材料.pdf" in client.get(task.get_absolute_url()).content.decode()
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert str(note.pk) in url and "进展材料" not in url  # the user's file name is not in the URL
    client.force_login(world.tianning_admin)
    assert client.get(url).status_code == 404
    client.force_login(world.nobody)
    assert client.get(url).status_code == 404


def test_note_form_errors_keep_the_text(client, world, lead):
    task = make_task(world)
    client.force_login(lead)
    response = client.post(
        reverse("targets:task_note_add", args=[task.pk]), {"text": "见附件", "file": pdf_file("病毒.exe")}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "类型不支持" in body and "见附件" in body
    assert not TaskNote.objects.filter(kind=TaskNoteKind.PROGRESS).exists()


def test_milestone_done_page(client, world, lead):
    task = make_task(world, milestones=[{"title": "选址", "due_date": days(5)}])
    milestone = task.milestones.get()
    client.force_login(lead)
    url = reverse("targets:task_milestone_done", args=[task.pk, milestone.pk])
    assert client.post(url).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on is not None


@pytest.mark.parametrize(
    ("name", "method", "extra"),
    [
        ("targets:task_detail", "get", ()),
        ("targets:task_edit", "get", ()),
        ("targets:task_edit", "post", ()),
        ("targets:task_delete", "get", ()),
        ("targets:task_delete", "post", ()),
        ("targets:task_note_add", "post", ()),
        ("targets:task_step", "post", ("receive",)),
        ("targets:task_step", "post", ("urge",)),
        ("targets:task_step", "post", ("accept",)),
    ],
)
def test_other_subtree_task_is_404_on_every_page(client, world, name, method, extra):
    task = other_task(world)
    client.force_login(world.wujin_admin)
    response = getattr(client, method)(reverse(name, args=[task.pk, *extra]), {"text": "x"} if method == "post" else {})
    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).state == TaskState.ASSIGNED
    assert not TaskNote.objects.filter(task=task).exclude(kind=TaskNoteKind.STEP).exists()


def test_other_subtree_milestone_is_404(client, world):
    task = other_task(world, milestones=[{"title": "选址", "due_date": days(5)}])
    client.force_login(world.wujin_admin)
    url = reverse("targets:task_milestone_done", args=[task.pk, task.milestones.get().pk])
    assert client.post(url).status_code == 404


# --- escalation ---------------------------------------------------------------------------------------


def test_overdue_page_lists_own_subtree_and_urges(client, world, lead):
    late = set_deadline(make_task(world, title="超期的事项"), days(-4))
    set_deadline(make_task(world, title="临期的事项"), days(1))
    make_task(world, title="远期的事项", deadline=days(30))
    set_deadline(other_task(world), days(-4))
    client.force_login(world.wujin_admin)
    body = client.get(reverse("targets:task_overdue")).content.decode()
    assert "超期的事项" in body and "临期的事项" in body and "超期 4 天" in body
    assert "远期的事项" not in body and "茶山街道驿站建设" not in body
    assert body.count("催办</button>") == 2
    response = client.post(reverse("targets:task_step", args=[late.pk, "urge"]), {"next": "overdue"})
    assert response["Location"] == reverse("targets:task_overdue")
    assert late.notes.filter(kind=TaskNoteKind.URGE).count() == 1
    assert Message.objects.filter(recipient=lead, title="督办催办：超期的事项").exists()


def test_overdue_page_for_the_lead_unit_has_no_urge_button(client, world, lead):
    set_deadline(make_task(world, title="超期的事项"), days(-4))
    client.force_login(lead)
    body = client.get(reverse("targets:task_overdue")).content.decode()
    assert "超期的事项" in body and "催办</button>" not in body
    client.force_login(world.nobody)
    assert client.get(reverse("targets:task_overdue")).status_code == 403
    client.force_login(world.tianning_admin)
    assert "超期的事项" not in client.get(reverse("targets:task_overdue")).content.decode()


def test_reported_task_shows_accept_form_to_assigning_unit(client, world, lead):
    task = reported(world, lead)
    client.force_login(world.wujin_admin)
    body = client.get(task.get_absolute_url()).content.decode()
    assert "验收销号</button>" in body and "退回</button>" in body and "已完成入会 320 人。" in body
