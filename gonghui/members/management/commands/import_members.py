"""``manage.py import_members FILE --org CODE --user USERNAME``: import a roster from the command line.

Runs as the named user (``--user``, required: the import is checked against that user's data
scope and recorded as created by them; use a superuser account for a city-wide import).
Prints a one-line summary; ``--report-json`` writes the JSON report. Exit code 0 when the
import ran (even with rejected rows), non-zero when it could not run (unreadable file,
unknown union or user, out of scope, several sheets and no ``--sheet``).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.context import actor
from gonghui.members.importing import MODES, import_members
from gonghui.orgs.models import Organization
from gonghui.utilities.spreadsheets import SpreadsheetError


class Command(BaseCommand):
    help = "导入会员花名册（.xlsx/.xls/.csv）到一个工会，以 --user 指定的用户身份执行（按其数据权限检查）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="花名册文件路径")
        parser.add_argument("--org", required=True, help="目标工会的组织代码")
        parser.add_argument("--user", required=True, help="以该用户身份导入（检查其数据权限，记为创建人）")
        parser.add_argument("--mode", choices=MODES, default="valid-only", help="valid-only（默认）或 all-or-nothing")
        parser.add_argument("--sheet", help="工作表名称（文件有多个工作表时必填）")
        parser.add_argument("--report-json", help="把 JSON 报告写到此路径")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}，请检查路径。")
        try:
            org = Organization.objects.get(code=options["org"])
        except Organization.DoesNotExist:
            raise CommandError(f"没有组织代码为 {options['org']} 的工会，请检查 --org。") from None
        try:
            user = get_user_model().objects.get(username=options["user"], is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"没有名为 {options['user']} 的有效用户，请检查 --user。") from None
        sheet = options.get("sheet")
        try:
            with actor(user):
                report = import_members(
                    user=user, org=org, file=str(path), sheet=sheet, mode=options["mode"], keep_rows=None
                )
        except SpreadsheetError as error:
            raise CommandError(error.message) from None
        except PermissionDenied as error:
            raise CommandError(str(error) or "没有权限。") from None
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(
            f"总行数 {report.total_rows}，新增 {report.imported}，更新 {report.updated}，"
            f"跳过 {report.skipped}，拒绝 {report.rejected}"
            + ("（整批导入模式：有被拒绝的行，未写入任何数据）" if report.aborted else "")
        )
        if options.get("report_json"):
            Path(options["report_json"]).write_text(report.to_json(indent=2), encoding="utf-8")
        report.close()
