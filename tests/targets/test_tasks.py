"""Supervision tasks (督办事项): the chain, its rules and permissions, lights and reminders (services level)."""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from gonghui.core.models import ChangeLog
from gonghui.notices.models import Message
from gonghui.targets import selectors_tasks as selectors
from gonghui.targets import services_tasks as services
from gonghui.targets.models import Task, TaskMilestone, TaskNote, TaskNoteKind, TaskState
from tests.targets.tasks_helpers import (
    days,
    lead_user,
    make_task,
    other_task,
    pdf_file,
    reported,
    set_deadline,
    today,
)
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lead(world):
    return lead_user(world)


def step_texts(task) -> list[str]:
    return list(task.notes.filter(kind=TaskNoteKind.STEP).values_list("text", flat=True))


# --- the chain ---------------------------------------------------------------------------------------


def test_full_chain_sets_each_timestamp_and_logs_each_step(world, lead):
    task = make_task(world, milestones=[{"title": "摸底排查", "due_date": days(10)}])
    assert task.state == TaskState.ASSIGNED and task.assigned_at is not None
    assert task.assigned_by == world.wujin and task.org == world.hutang
    assert Message.objects.filter(recipient=lead, link=task.get_absolute_url()).count() == 1

    task = services.task_receive(user=lead, task=task)
    assert task.state == TaskState.RECEIVED and task.received_at >= task.assigned_at
    task = services.task_start(user=lead, task=task)
    assert task.state == TaskState.IN_PROGRESS and task.started_at >= task.received_at
    milestone = services.task_milestone_done(user=lead, task=task, milestone=task.milestones.get())
    assert milestone.done_on == today()
    services.task_add_note(user=lead, task=task, text="已走访 12 家企业。", file=pdf_file())
    task = services.task_report(user=lead, task=task, completion_report="新发展会员 320 人。")
    assert task.state == TaskState.REPORTED and task.reported_at >= task.started_at
    assert Message.objects.filter(recipient=world.wujin_admin, title__startswith="督办事项待验收").exists()
    task = services.task_accept(user=world.wujin_admin, task=task, note="材料齐全，同意销号。")
    assert task.state == TaskState.CLOSED and task.closed_at >= task.reported_at
    assert task.acceptance_note == "材料齐全，同意销号。"

    texts = step_texts(task)
    assert texts[0].startswith("立项交办：武进区总工会交湖塘镇工会牵头办理")
    assert texts[1:] == [
        "已接收。",
        "开始推进。",
        f"完成节点「摸底排查」（{today()}）。",
        "提交办结报告。",
        "验收销号：材料齐全，同意销号。",
    ]
    progress = task.notes.get(kind=TaskNoteKind.PROGRESS)
    assert progress.user == lead and progress.original_name == "进展材料.pdf" and progress.file
    assert all(note.user_name for note in task.notes.all())
    # creation and each of the four state changes are in the change log
    task_type = ContentType.objects.get_for_model(Task)
    assert ChangeLog.objects.filter(content_type=task_type, object_id=str(task.pk)).count() == 5


def test_note_on_unstarted_task_moves_it_to_in_progress(world, lead):
    task = make_task(world)
    services.task_add_note(user=lead, task=task, text="已召开专题会部署。")
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS
    assert task.received_at is not None and task.started_at is not None
    assert step_texts(task)[-1] == "开始推进（填写了进展情况）。"


def test_bad_attachment_leaves_everything_unchanged(world, lead):
    task = make_task(world)
    notes = TaskNote.objects.count()
    with pytest.raises(ValidationError) as error:
        services.task_add_note(user=lead, task=task, text="见附件", file=pdf_file("脚本.exe"))
    assert "类型不支持" in str(error.value)
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED and TaskNote.objects.count() == notes


def test_send_back_needs_a_reason_and_returns_to_in_progress(world, lead):

    task = reported(world, lead)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        services.task_send_back(user=world.wujin_admin, task=task, reason="  ")
    task = services.task_send_back(user=world.wujin_admin, task=task, reason="缺少花名册")
    assert task.state == TaskState.IN_PROGRESS and task.reported_at is None
    assert step_texts(task)[-1] == "退回：缺少花名册"
    assert Message.objects.filter(recipient=lead, title__startswith="督办事项被退回").exists()
    task = services.task_report(user=lead, task=task, completion_report="已补充花名册。")
    assert task.state == TaskState.REPORTED


@pytest.mark.parametrize(
    ("state", "step", "message"),
    [
        (TaskState.REPORTED, "receive", "该事项已办结报告，不能再接收。"),
        (TaskState.RECEIVED, "receive", "该事项已接收，不能再接收。"),
        (TaskState.ASSIGNED, "start", "该事项尚未接收，不能开始推进。"),
        (TaskState.ASSIGNED, "report", "该事项尚未接收，不能提交办结报告。"),
        (TaskState.IN_PROGRESS, "accept", "该事项正在推进，不能验收销号。"),
        (TaskState.CLOSED, "send_back", "该事项已验收销号，不能再退回。"),
        (TaskState.REPORTED, "urge", "该事项已办结报告，不能再催办。"),
    ],
)
def test_wrong_transitions_are_refused_with_a_clear_message(world, lead, state, step, message):
    task = make_task(world)
    Task.objects.filter(pk=task.pk).update(state=state, completion_report="已完成。")
    calls = {
        "receive": lambda: services.task_receive(user=lead, task=task),
        "start": lambda: services.task_start(user=lead, task=task),
        "report": lambda: services.task_report(user=lead, task=task, completion_report="完成"),
        "accept": lambda: services.task_accept(user=world.wujin_admin, task=task),
        "send_back": lambda: services.task_send_back(user=world.wujin_admin, task=task, reason="不全"),
        "urge": lambda: services.task_urge(user=world.wujin_admin, task=task),
    }
    notes = TaskNote.objects.count()
    with pytest.raises(ValidationError) as error:
        calls[step]()
    assert error.value.messages == [message]
    assert Task.objects.get(pk=task.pk).state == state and TaskNote.objects.count() == notes


def test_report_needs_the_completion_text(world, lead):
    task = make_task(world)
    services.task_receive(user=lead, task=task)
    services.task_start(user=lead, task=task)
    with pytest.raises(ValidationError, match="请填写办结情况"):
        services.task_report(user=lead, task=task, completion_report=" ")
    assert Task.objects.get(pk=task.pk).state == TaskState.IN_PROGRESS


# --- who may do what ---------------------------------------------------------------------------------


def test_lead_unit_cannot_accept_its_own_task(world, lead):

    task = reported(world, lead)
    assert "accept" not in selectors.available_steps(lead, task)
    with pytest.raises(PermissionDenied, match="只有交办单位"):
        services.task_accept(user=lead, task=task)
    with pytest.raises(PermissionDenied):
        services.task_urge(user=lead, task=task)
    assert Task.objects.get(pk=task.pk).state == TaskState.REPORTED
    # the city, above the assigning unit, may accept
    assert services.task_accept(user=world.city_admin, task=task).state == TaskState.CLOSED


def test_other_subtree_and_users_without_rights_cannot_act(world, lead):
    task = make_task(world)
    for user in (world.tianning_admin, world.chair, world.nobody):
        with pytest.raises(PermissionDenied):
            services.task_receive(user=user, task=task)
    with pytest.raises(PermissionDenied):
        services.task_urge(user=world.tianning_admin, task=task)
    leader = make_user("hutang_leader", world.hutang, "leader")
    with pytest.raises(PermissionDenied):
        services.task_add_note(user=leader, task=task, text="看过了")
    assert Task.objects.get(pk=task.pk).state == TaskState.ASSIGNED


def test_available_steps_follow_role_and_state(world, lead):
    task = make_task(world)
    assert selectors.available_steps(lead, task) == {"note", "milestone", "receive"}
    assert selectors.available_steps(world.wujin_admin, task) >= {"urge", "edit", "delete", "receive"}
    assert selectors.available_steps(world.tianning_admin, task) == set()


# --- create, edit, delete -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"org": "chashan"}, "org", "不在您的数据权限范围内"),
        ({"org": "wujin", "assigned_by": "hutang"}, "org", "不是交办单位「湖塘镇工会」或其下级单位"),
        ({"cooperating_units": ["chashan"]}, "cooperating_units", "茶山街道工会"),
        ({"cooperating_units": ["hutang"]}, "cooperating_units", "已是牵头单位"),
        ({"deadline": -1}, "deadline", "已经过去"),
        ({"assigned_by": "tianning"}, "assigned_by", "不在您的数据权限范围内"),
    ],
)
def test_create_rules(world, overrides, field, text):
    data = {}
    for key, value in overrides.items():
        if key == "deadline":
            data[key] = days(value)
        elif isinstance(value, list):
            data[key] = [getattr(world, name) for name in value]
        else:
            data[key] = getattr(world, value)
    count = Task.objects.count()
    with pytest.raises(ValidationError) as error:
        make_task(world, **data)
    assert text in " ".join(error.value.message_dict[field])
    assert Task.objects.count() == count


def test_create_needs_add_permission_and_milestones_within_deadline(world):
    with pytest.raises(PermissionDenied):
        make_task(world, user=world.chair, org=world.wujin_union)
    with pytest.raises(ValidationError, match="晚于完成时限"):
        make_task(world, deadline=days(5), milestones=[{"title": "中期检查", "due_date": days(6)}])
    with pytest.raises(ValidationError, match="同时填写"):
        make_task(world, milestones=[{"title": "中期检查", "due_date": None}])
    assert not Task.objects.exists() and not TaskMilestone.objects.exists()


def test_create_with_cooperating_units_and_owner(world, lead):
    task = make_task(world, cooperating_units=[world.wujin_union], owner=lead)
    assert list(task.cooperating_units.all()) == [world.wujin_union]
    with pytest.raises(ValidationError, match="责任人账号须是牵头单位"):
        make_task(world, owner=world.wujin_admin)


def test_edit_by_assigning_unit_only(world, lead):
    task = make_task(world, milestones=[{"title": "摸底", "due_date": days(10)}])
    kept = task.milestones.get()
    with pytest.raises(PermissionDenied):
        services.task_update(user=lead, task=task, data={"title": "改名"})
    task = services.task_update(
        user=world.wujin_admin,
        task=task,
        data={"title": "改名后的事项", "deadline": days(20), "cooperating_units": [world.wujin_union]},
        milestones=[{"id": kept.pk, "title": "摸底排查", "due_date": days(8)}, {"title": "总结", "due_date": days(19)}],
    )
    assert task.title == "改名后的事项" and task.deadline == days(20)
    assert [m.title for m in task.milestones.all()] == ["摸底排查", "总结"]
    assert task.milestones.filter(pk=kept.pk).exists()
    assert "完成时限由" in step_texts(task)[-1]
    log = ChangeLog.objects.filter(object_id=str(task.pk), after__has_key="cooperating_units").get()
    assert log.after == {"cooperating_units": ["武进甲公司工会"]}
    with pytest.raises(ValidationError, match="晚于新的完成时限"):
        services.task_update(user=world.wujin_admin, task=task, data={"deadline": days(15)})
    assert Task.objects.get(pk=task.pk).deadline == days(20)


def test_lead_unit_changes_only_before_receipt(world, lead):
    task = make_task(world)
    task = services.task_update(user=world.wujin_admin, task=task, data={"org": world.wujin_union})
    assert task.org == world.wujin_union
    assert Message.objects.filter(recipient=world.chair, link=task.get_absolute_url()).exists()
    services.task_receive(user=world.chair, task=task)
    with pytest.raises(ValidationError, match="不能再更换牵头单位"):
        services.task_update(user=world.wujin_admin, task=task, data={"org": world.hutang})


def test_delete_only_while_assigned(world, lead):
    task = make_task(world)
    with pytest.raises(PermissionDenied):
        services.task_delete(user=lead, task=task)
    services.task_receive(user=lead, task=task)
    with pytest.raises(ValidationError, match="只有尚未接收的事项可以删除"):
        services.task_delete(user=world.wujin_admin, task=task)
    fresh = make_task(world, title="待删除事项")
    services.task_delete(user=world.wujin_admin, task=fresh)
    assert not Task.objects.filter(pk=fresh.pk).exists()
    assert Task.objects.filter(pk=task.pk).exists()


# --- urge ------------------------------------------------------------------------------------------------


def test_urge_notes_and_messages_the_lead_unit(world, lead):
    other_lead = lead_user(world, "hutang_staff")
    task = make_task(world)
    before = Message.objects.count()
    note = services.task_urge(user=world.wujin_admin, task=task, text="请本周内报送进展。")
    assert note.kind == TaskNoteKind.URGE and note.user == world.wujin_admin
    urged = Message.objects.filter(title=f"督办催办：{task.title}")
    assert set(urged.values_list("recipient", flat=True)) == {lead.pk, other_lead.pk}
    assert Message.objects.count() - before == 2
    assert "请本周内报送进展。" in urged.first().body


# --- lights -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "light"),
    [(-1, "red"), (-30, "red"), (0, "yellow"), (3, "yellow"), (4, "green"), (60, "green")],
)
def test_light_boundaries(world, offset, light):
    task = set_deadline(make_task(world), days(offset))
    assert selectors.task_light(task, today()) == light
    annotated = selectors.with_light(Task.objects.filter(pk=task.pk), today()).get()
    assert annotated.light == light


def test_closed_task_has_no_light_and_sql_matches_python_for_every_state(world):
    tasks = []
    for number, state in enumerate(TaskState.values):
        for offset in range(-2, 6):
            task = make_task(world, title=f"事项{number}-{offset}")
            Task.objects.filter(pk=task.pk).update(state=state, deadline=days(offset), completion_report="完成")
            tasks.append(task.pk)
    annotated = selectors.with_light(Task.objects.filter(pk__in=tasks), today())
    for task in annotated:
        assert task.light == selectors.task_light(task, today())
        if task.state == TaskState.CLOSED:
            assert task.light == "closed"
    overdue = set(Task.objects.filter(selectors.overdue_q(today())).values_list("pk", flat=True))
    assert overdue == {t.pk for t in annotated if t.light == "red"}
    due_soon = set(Task.objects.filter(selectors.due_soon_q(today())).values_list("pk", flat=True))
    assert due_soon == {t.pk for t in annotated if t.light == "yellow"}


def test_escalation_lists_only_own_subtree_overdue_and_due_soon(world):
    red = set_deadline(make_task(world, title="超期事项"), days(-2))
    yellow = set_deadline(make_task(world, title="临期事项"), days(2))
    make_task(world, title="远期事项", deadline=days(20))
    set_deadline(other_task(world), days(-5))
    listed = list(selectors.escalation_tasks(world.wujin_admin, today()))
    assert [t.pk for t in listed] == [red.pk, yellow.pk]
    summary = selectors.escalation_summary(selectors.escalation_tasks(world.wujin_admin, today()))
    assert summary == [
        {"org_id": world.hutang.pk, "org__name": "湖塘镇工会", "org__path": world.hutang.path, "red": 1, "yellow": 1}
    ]
    assert selectors.urgeable_ids(world.wujin_admin, selectors.escalation_tasks(world.wujin_admin, today())) == {
        red.pk,
        yellow.pk,
    }
    assert selectors.urgeable_ids(lead_user(world), selectors.escalation_tasks(world.wujin_admin, today())) == set()


# --- reminders ------------------------------------------------------------------------------------------------


def run_reminders(on) -> str:
    out = io.StringIO()
    call_command("task_reminders", "--today", on.isoformat(), stdout=out)
    return out.getvalue()


def test_reminders_send_once_per_day(world, lead):
    soon = make_task(world, title="临期事项", deadline=days(3))
    make_task(world, title="远期事项", deadline=days(4))
    output = run_reminders(today())
    assert "提醒督办事项 1 项" in output
    reminders = Message.objects.filter(title=f"督办提醒：{soon.title}")
    assert list(reminders.values_list("recipient", flat=True)) == [lead.pk]
    note = soon.notes.get(kind=TaskNoteKind.URGE)
    assert note.text.startswith(f"系统提醒（{today().isoformat()}）") and note.user is None

    output = run_reminders(today())
    assert "提醒督办事项 0 项" in output and "跳过 1 项" in output
    assert reminders.count() == 1
    run_reminders(days(1))
    assert reminders.count() == 2


def test_overdue_reminder_also_tells_the_assigning_unit(world, lead):
    task = set_deadline(make_task(world, title="超期事项"), days(-2))
    run_reminders(today())
    assert Message.objects.filter(recipient=lead, title="督办提醒：超期事项").exists()
    assigning = Message.objects.get(recipient=world.wujin_admin, title="督办超期：超期事项")
    assert "已超过完成时限 2 天" in assigning.body
    assert not Message.objects.filter(recipient=world.tianning_admin).exists()
    assert task.notes.filter(kind=TaskNoteKind.URGE).count() == 1


def test_reminders_skip_reported_and_closed_tasks(world, lead):

    task = reported(world, lead)
    set_deadline(task, days(1))
    assert "提醒督办事项 0 项" in run_reminders(today())
    assert not task.notes.filter(kind=TaskNoteKind.URGE).exists()


def test_the_job_worker_sends_the_reminders_each_morning(world, lead):
    """No cron: every worker's sweep calls the periodic hooks; from 8 o'clock the day's run is queued once."""
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from gonghui.jobs import periodic
    from gonghui.targets.tasks import enqueue_task_reminders, send_task_reminders

    soon = make_task(world, title="临期事项", deadline=days(3))
    assert periodic.registered()["targets.task_reminders"] is enqueue_task_reminders
    dawn = timezone.make_aware(datetime.datetime.combine(today(), datetime.time(6, 30)))
    queued = DBTaskResult.objects.filter(task_path="gonghui.targets.tasks.send_task_reminders")
    periodic.run_due(dawn)
    assert not queued.exists()  # too early
    periodic.run_due(dawn.replace(hour=8))
    periodic.run_due(dawn.replace(hour=9))  # the sweep runs every minute: still one run a day
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [today().isoformat()]
    assert "提醒督办事项 1 项" in send_task_reminders.call(today().isoformat())
    assert Message.objects.filter(recipient=lead, title=f"督办提醒：{soon.title}").count() == 1
    assert "提醒督办事项 0 项" in send_task_reminders.call(today().isoformat())  # a second worker's run
    periodic.run_due(dawn.replace(hour=8) + datetime.timedelta(days=1))
    assert queued.count() == 2


def test_reminders_reject_a_bad_date(world):
    with pytest.raises(CommandError, match="格式不对"):
        call_command("task_reminders", "--today", "2026-13-01")
