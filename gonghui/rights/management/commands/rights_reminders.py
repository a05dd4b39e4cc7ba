"""python manage.py rights_reminders — 集体合同到期提醒 (60 days ahead, once per contract and end date).

Run daily from cron or a scheduler. Runs as the system: each signing union hears about its own contracts.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from gonghui.rights.services_supervision import contracts_send_expiry_notices


class Command(BaseCommand):
    help = "发送集体合同到期提醒（期满前 60 天内，每份合同提醒一次）。"

    def handle(self, *args, **options):
        contracts, messages = contracts_send_expiry_notices(today=timezone.localdate())
        self.stdout.write(f"集体合同到期提醒：{contracts} 份合同，发送站内消息 {messages} 条。")
