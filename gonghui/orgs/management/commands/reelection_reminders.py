"""``manage.py reelection_reminders [--today YYYY-MM-DD]``: remind unions whose term ends within six months.

The job worker runs the same reminders every morning by itself (``gonghui.orgs.tasks_establishment``); this
command is for a run by hand. Each union gets one reminder six months and one three months before its term
end, and one when the term has ended without a re-election; running it again sends nothing new.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.orgs.services_establishment import reelection_send_reminders


class Command(BaseCommand):
    help = "换届提醒：任期届满前六个月、三个月和超期未换届时提醒本工会和上级工会；同一提醒只发一次。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="按此日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options) -> None:
        value = options.get("today")
        if value:
            try:
                today = datetime.date.fromisoformat(value)
            except ValueError:
                raise CommandError(f"--today 的日期「{value}」格式不对，请写成 YYYY-MM-DD，例如 2026-03-31。") from None
        else:
            today = timezone.localdate()
        self.stdout.write(f"{today:%Y-%m-%d}：{reelection_send_reminders(today=today).text}")
