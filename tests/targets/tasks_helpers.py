"""Builders shared by the supervision task tests (no tests here).

武进区总工会 (wujin_admin) assigns tasks to 湖塘镇工会, whose own union admin (``hutang_admin``) is the
lead-unit user; 天宁区 (tianning_admin) is the other subtree.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.targets import services_tasks as services
from gonghui.targets.models import Task, TaskSource
from tests.world import make_user


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def lead_user(world, username: str = "hutang_admin"):
    """A union admin of 湖塘镇 (the lead unit of the tasks wujin_admin assigns)."""
    return make_user(username, world.hutang, "union_admin")


def make_task(world, *, user=None, org=None, milestones=(), **data) -> Task:
    user = user or world.wujin_admin
    payload = {
        "title": data.pop("title", "推进新就业形态劳动者入会集中行动"),
        "source": data.pop("source", TaskSource.WORK_PLAN),
        "org": org or world.hutang,
        "deadline": data.pop("deadline", days(30)),
        "responsible_leader": "张主席",
        "department": "组织部",
        "owner_name": "李干事",
        **data,
    }
    return services.task_create(user=user, data=payload, milestones=milestones)


def other_task(world, **data) -> Task:
    """A task of the other subtree (天宁区 → 茶山街道)."""
    return make_task(world, user=world.tianning_admin, org=world.chashan, title="茶山街道驿站建设", **data)


def set_deadline(task: Task, deadline: datetime.date) -> Task:
    """Move a deadline into the past or near future directly (the service refuses past deadlines)."""
    Task.objects.filter(pk=task.pk).update(deadline=deadline)
    task.refresh_from_db()
    return task


def reported(world, lead, **data) -> Task:
    task = make_task(world, **data)
    services.task_receive(user=lead, task=task)
    services.task_start(user=lead, task=task)
    return services.task_report(user=lead, task=task, completion_report="已完成入会 320 人。")


def pdf_file(name: str = "进展材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")
