"""``manage.py task_reminders [--today YYYY-MM-DD]``: remind lead units of supervision tasks due soon or overdue.

The job worker (``manage.py jobs_worker``) runs the same reminders every morning by itself (see
``gonghui.targets.tasks.enqueue_task_reminders``); this command is for a run by hand. Each active task
(立项交办 / 已接收 / 推进中) due within 3 days gets one system reminder a day: a 催办 note "系统提醒（日期）：…"
and a site message to the lead unit's users; an overdue task also messages the assigning unit's users.
Running it again on the same day sends nothing new.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.targets import services_tasks as services


class Command(BaseCommand):
    help = "督办事项到期提醒：3 天内到期的提醒牵头单位，已超期的同时提醒交办单位；同一事项每天只提醒一次。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="按此日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options) -> None:
        today = self._today(options.get("today"))
        run = services.tasks_send_reminders(today=today)
        self.stdout.write(f"{today:%Y-%m-%d}：{run.text}")

    @staticmethod
    def _today(value: str | None) -> datetime.date:
        if not value:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--today 的日期「{value}」格式不对，请写成 YYYY-MM-DD，例如 2026-03-31。") from None
