"""Tables of supervision tasks: the list (with light badges) and the escalation list (督办催办)."""

from __future__ import annotations

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from gonghui.core.tables import color_tag
from gonghui.targets import selectors_tasks as selectors
from gonghui.targets.models import Task


def light_badge(light: str):
    return color_tag(selectors.Light.labels[light], selectors.Light.colors[light])


def due_text(record: Task) -> str:
    """剩 N 天 / 今天到期 / 超期 N 天; nothing for a closed task."""
    if record.state == "closed":
        return "—"
    days = (record.deadline - timezone.localdate()).days
    if days < 0:
        return f"超期 {-days} 天"
    return "今天到期" if days == 0 else f"剩 {days} 天"


class TaskTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="事项名称")
    light = tables.Column(verbose_name="预警", orderable=False, empty_values=())
    org = tables.Column(verbose_name="牵头单位", order_by=("org__path", "deadline"))
    assigned_by = tables.Column(verbose_name="交办单位", order_by=("assigned_by__path", "deadline"))
    due = tables.Column(verbose_name="剩余/超期", accessor="deadline", empty_values=())
    responsible_leader = tables.Column(verbose_name="责任领导", default="—")
    owner_name = tables.Column(verbose_name="具体责任人", default="—")

    class Meta:
        model = Task
        fields = (
            "title",
            "light",
            "source",
            "org",
            "assigned_by",
            "deadline",
            "due",
            "state",
            "responsible_leader",
            "department",
            "owner_name",
            "assigned_at",
            "reported_at",
            "closed_at",
        )
        order_by = ("deadline",)
        attrs = {"class": "table"}

    def render_light(self, record):
        return light_badge(record.light)

    def value_light(self, record):
        return selectors.Light.labels[record.light]

    def render_due(self, record):
        return due_text(record)

    def value_due(self, record):
        return due_text(record)


class EscalationTable(tables.Table):
    """Overdue and due-soon tasks, sorted by lead unit; a 催办 button where the user is the assigning unit."""

    org = tables.Column(verbose_name="牵头单位", order_by=("org__path", "deadline"))
    title = tables.Column(linkify=True, verbose_name="事项名称")
    light = tables.Column(verbose_name="预警", orderable=False, empty_values=())
    due = tables.Column(verbose_name="剩余/超期", accessor="deadline", empty_values=())
    assigned_by = tables.Column(verbose_name="交办单位", order_by=("assigned_by__path", "deadline"))
    responsible_leader = tables.Column(verbose_name="责任领导", default="—")
    owner_name = tables.Column(verbose_name="具体责任人", default="—")
    urge = tables.Column(verbose_name="操作", orderable=False, empty_values=())

    class Meta:
        model = Task
        fields = (
            "org",
            "title",
            "light",
            "deadline",
            "due",
            "state",
            "assigned_by",
            "responsible_leader",
            "owner_name",
        )
        order_by = ("org",)
        attrs = {"class": "table"}

    def __init__(self, *args, urgeable: frozenset[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.urgeable = urgeable

    def render_light(self, record):
        return light_badge(record.light)

    def render_due(self, record):
        return due_text(record)

    def render_urge(self, record):
        if record.pk not in self.urgeable:
            return "—"
        return format_html(
            '<form method="post" action="{}" class="inline">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="overdue">'
            '<button type="submit" class="btn">催办</button></form>',
            reverse("targets:task_step", args=[record.pk, "urge"]),
            get_token(self.request),
        )
