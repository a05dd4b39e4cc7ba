"""python manage.py load_demo — the demo city (演示数据), safe to run any number of times."""

from __future__ import annotations

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from gonghui.honours.demo import load_demo_honours
from gonghui.intel.demo import load_demo_intel
from gonghui.members.demo import load_demo_members
from gonghui.orgs.demo import DEFAULT_SEED, DemoConflict, load_demo
from gonghui.orgs.demo_establishment import load_demo_establishment
from gonghui.programmes.demo import load_demo_programmes
from gonghui.programmes.demo_hardship import load_demo_hardship
from gonghui.programmes.demo_health import load_demo_health
from gonghui.reports.demo import load_demo_returns
from gonghui.rights.demo import load_demo_rights
from gonghui.targets.demo import load_demo_targets
from gonghui.unionwork.demo import load_demo_unionwork


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "载入演示数据（以常州市为原型的演示城市、用人单位和演示账号）。可重复运行，不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="基层工会数量的倍数，默认 1（约 400 个组织）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子；相同种子生成相同数据")
        parser.add_argument("--reset-passwords", action="store_true", help="把已存在的演示账号的密码重置为演示密码")

    def handle(self, *args, scale: float, seed: int, reset_passwords: bool, **options):
        if scale <= 0:
            raise CommandError("--scale 必须大于 0。")
        banner = "演示数据 · 仅供体验和培训，请勿在生产环境中载入"
        self.stdout.write(self.style.WARNING(f"{'=' * 60}\n  {banner}\n{'=' * 60}"))
        started = time.monotonic()
        try:
            result = load_demo(scale=scale, seed=seed, reset_passwords=reset_passwords)
        except DemoConflict as error:
            raise CommandError(str(error)) from None
        elapsed = time.monotonic() - started
        members_started = time.monotonic()
        members = load_demo_members(scale=scale, seed=seed)
        members_elapsed = time.monotonic() - members_started
        programmes = load_demo_programmes(seed=seed)  # before the targets, whose reports count its stations
        hardship = load_demo_hardship(seed=seed)  # likewise: relief figures come from its assistance records
        honours = load_demo_honours(seed=seed)
        health = load_demo_health(seed=seed)  # after the honours: 劳模 go first and are linked to their honour
        targets = load_demo_targets(seed=seed)
        self.stdout.write(
            f"工会组织：新建 {result.orgs_created} 个，已存在 {result.orgs_existing} 个\n"
            f"用人单位：新建 {result.employers_created} 家，已存在 {result.employers_existing} 家\n"
            f"演示账号：新建 {result.users_created} 个，更新 {result.users_updated} 个，"
            f"重置密码 {result.passwords_reset} 个\n"
            f"通知公告：新发布 {result.announcements_created} 条\n"
            f"用时 {elapsed:.1f} 秒\n"
            + (
                "会员：演示工会已有会员，未新增"
                if members.skipped
                else f"会员：新建 {members.created} 人，用时 {members_elapsed:.1f} 秒"
            )
            + (
                f"\n入会申请：新建 {members.applications} 条；转会申请：新建 {members.transfers} 条"
                if members.applications or members.transfers
                else ""
            )
        )
        if not programmes.skipped:
            self.stdout.write(
                f"服务阵地：工会驿站 {programmes.stations} 个，巡查 {programmes.inspections} 次，"
                f"使用月报 {programmes.usage_reports} 条；民生实事 {programmes.projects} 项"
            )
        if not hardship.skipped:
            self.stdout.write(
                f"帮扶服务：困难职工档案 {hardship.files} 份，帮扶慰问活动 {hardship.campaigns} 个，"
                f"发放记录 {hardship.records} 条"
            )
        aid = programmes.mutual_aid
        if aid is not None and not aid.skipped:
            self.stdout.write(
                f"职工互助保障：计划 {aid.plans} 个，参保 {aid.enrolments} 人次，缴费 {aid.payments} 笔，"
                f"理赔申请 {aid.claims} 件"
            )
        if not targets.skipped:
            self.stdout.write(
                f"目标督办：年度计划 {targets.plans} 个，目标任务 {targets.targets} 项，"
                f"季度报表 {targets.reports} 份，督办事项 {targets.tasks} 项"
            )
        intel = load_demo_intel()
        if not intel.skipped:
            self.stdout.write(f"工作材料：{intel.documents} 份，已确认数值 {intel.confirmed} 个")
        rights = load_demo_rights(seed=seed)
        if not rights.skipped:
            self.stdout.write(
                f"权益保障：维权案件 {rights.cases} 件，律师 {rights.lawyers} 名（值班 {rights.slots} 班），"
                f"法律援助 {rights.aid_cases} 件，监督委员会 {rights.committees} 个，集体合同 {rights.contracts} 份，"
                f"协商指导员 {rights.instructors} 名"
            )
        if not honours.skipped:
            self.stdout.write(
                f"建功立业：竞赛 {honours.competitions} 项，竞赛项目 {honours.projects} 个，"
                f"参赛职工 {honours.participants} 人，荣誉 {honours.honours} 项，创新工作室 {honours.studios} 个，"
                f"产改试点企业 {honours.pilots} 家，产改示范点 {honours.demo_sites} 个"
            )
        if not health.skipped:
            self.stdout.write(
                f"职工体检：批次 {health.batches} 个，分配名额单位 {health.allocations} 个，"
                f"预约 {health.appointments} 人（已体检 {health.completed} 人），体检车送检 {health.visits} 站；"
                f"疗休养：线路 {health.routes} 条，人员 {health.participants} 人"
            )
        establishment = load_demo_establishment(seed=seed)
        if not establishment.skipped:
            self.stdout.write(
                f"建会与换届：建会案卷 {establishment.cases} 件（已批复成立 {establishment.established} 个），"
                f"换届记录 {establishment.reelections} 条"
            )
        unionwork = load_demo_unionwork(seed=seed)
        if not unionwork.skipped:
            self.stdout.write(unionwork.summary())
        returns = load_demo_returns(seed=seed)
        if not returns.skipped:
            states = "，".join(f"{label} {count}" for label, count in returns.by_status.items())
            self.stdout.write(f"统计年报：2026 年度 {returns.returns} 个单位（{states}）")
        for username in result.skipped_users:
            self.stdout.write(
                self.style.WARNING(f"已存在非演示账号「{username}」，未作任何修改，也未作为演示账号列出。")
            )
        rows = [("用户名", "角色", "所属单位", "密码")] + [
            (login.username, login.role, login.unit, login.password) for login in result.logins
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("\n演示账号（登录后可在右上角修改密码）：")
        for index, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write(self.style.SUCCESS("\n演示数据已就绪。"))
