"""``manage.py bulletin --org CODE --year 2026 --quarter 3 --out FILE.docx [--pdf FILE.pdf]``: one bulletin.

Reads every figure as ``--user`` (default: the first active superuser), through the same ``restrict`` as the
pages. Uses ``--template`` if given, else the unit's uploaded template, else the default one. Exit code 0 when
the files were written; non-zero, with a Chinese message, when they could not be (unknown unit or user, a
quarter out of range, a unit outside the user's scope, a bad template, a path that cannot be written).
"""

from __future__ import annotations

import datetime
import os
from io import BytesIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.context import actor
from gonghui.orgs.models import Organization
from gonghui.reports.bulletin import render_docx, render_pdf
from gonghui.targets.bulletins import bulletin_data, check_period, template_for


def _writable(path: Path, option: str) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CommandError(f"{option} 指定的 {path} 是一个目录，请给出文件名，例如 {path / '通报.docx'}。")
    if not folder.is_dir():
        raise CommandError(f"{option} 所在的目录 {folder} 不存在，请先创建目录或换一个路径。")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"没有写入 {path} 的权限，请换一个可写的路径（{option}）。")
    return path


def _write_all(files: dict[Path, BytesIO]) -> None:
    """Write every file or none: a failure removes the ones already written."""
    written: list[Path] = []
    for path, content in files.items():
        try:
            path.write_bytes(content.getvalue())
        except OSError as error:
            for done in written:
                done.unlink(missing_ok=True)
            raise CommandError(
                f"写入 {path} 失败（{error.strerror or error}）。请检查该路径是否可写、磁盘空间是否足够。"
            ) from None
        written.append(path)


class Command(BaseCommand):
    help = "生成一个单位某季度的工作通报（Word，可选 PDF），按 --user 指定用户的数据权限读取数据。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", required=True, help="发文单位的组织代码")
        parser.add_argument("--year", required=True, help="年度，例如 2026")
        parser.add_argument("--quarter", required=True, help="季度：1、2、3 或 4")
        parser.add_argument("--out", required=True, help="Word 文件（.docx）的输出路径")
        parser.add_argument("--pdf", help="同时生成 PDF 的输出路径")
        parser.add_argument("--doc-number", default="", help="文号，例如 常总工〔2026〕12号")
        parser.add_argument("--template", help="使用此 Word 模板（.docx），不指定则用单位上传的模板或默认模板")
        parser.add_argument("--requirement", action="append", help="下步要求（可重复），不指定则按数据自动生成")
        parser.add_argument("--date", help="成文日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--user", help="以该用户身份读取数据，默认第一个有效的超级管理员")

    def handle(self, *args, **options) -> None:
        try:
            year, quarter = check_period(options["year"], options["quarter"])
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        org = Organization.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"没有组织代码为 {options['org']} 的工会，请检查 --org。")
        out = _writable(Path(options["out"]), "--out")
        pdf = _writable(Path(options["pdf"]), "--pdf") if options.get("pdf") else None
        user = self._user(options.get("user"))
        if not Organization.objects.restrict(user, "view").filter(pk=org.pk).exists():
            raise CommandError(f"用户 {user.username} 的数据权限不包括「{org.name}」，请换一个 --user。")
        template = Path(options["template"]) if options.get("template") else template_for(org).path
        try:
            with actor(user):
                data = bulletin_data(
                    user,
                    org,
                    year,
                    quarter,
                    doc_number=options["doc_number"],
                    issue_date=self._date(options.get("date")),
                    requirements=options.get("requirement"),
                )
            files = {out: BytesIO()}
            render_docx(data, files[out], template=template)
            if pdf is not None:
                files[pdf] = BytesIO()
                render_pdf(data, files[pdf])
        except ValueError as error:  # the template (render_docx's Chinese message)
            raise CommandError(str(error)) from None
        except (ValidationError, PermissionDenied) as error:
            raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from None
        _write_all(files)
        written = f"{out}" + (f" 和 {pdf}" if pdf else "")
        self.stdout.write(f"已生成{data.title}：{written}")

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True).select_related("org")
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"没有名为 {username} 的有效用户，请检查 --user。")
            return user
        user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("系统中没有有效的超级管理员账号，请用 --user 指定以哪个用户身份生成通报。")
        return user

    def _date(self, text: str | None) -> datetime.date | None:
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"成文日期“{text}”格式不对，请写成 YYYY-MM-DD，例如 2026-10-12。") from None
