"""Import of the monthly dues statement (税务代收工会经费月报) on top of the generic import pipeline.

    report = import_dues(user=user, file="2026年3月经费入库明细.xlsx", mode="valid-only")

Columns (header synonyms as tax bureaus write them): 纳税人识别号/统一社会信用代码, 单位名称, 所属期,
计费工资总额, 实缴金额, 入库日期. The employer is found by its USCC among the employers the user may see;
the record is filed under the employer's union. Each row ends as:

* imported — a new record for that employer and month (channel 税务代收, source 导入);
* updated — the employer's record for that month existed and the payroll, amount or date differ;
* skipped — identical to the stored record (re-importing a statement changes nothing);
* rejected — with the column and a Chinese message (unknown USCC, employer outside the user's scope,
  bad period, amount or date, amount paid without a date, a month in the future …).

Amounts are read as exact decimals (an Excel number 12345.67 is taken by its shortest decimal form).
"all-or-nothing" writes nothing when any row is rejected.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.querysets import can, permission_name, permission_scope_q
from gonghui.orgs.models import Employer, Organization
from gonghui.unionwork.models import DuesChannel, DuesOrigin, DuesRecord, dues_due, money
from gonghui.utilities import textnorm
from gonghui.utilities.importing import CellError, Column, ImportAborted, ImportPipeline, ImportReport, ImportRow

MODES = ("valid-only", "all-or-nothing")
USCC_LABEL = "统一社会信用代码"
_PERIOD_RE = re.compile(r"(\d{4})\s*[-./年]?\s*(\d{1,2})")
_MONEY_RE = re.compile(r"^-?\d+(?:\.\d+)?$")


def parse_period(value: Any) -> datetime.date:
    """所属期: 2026-03, 202603, 2026年3月, 2026-03-01, or a range 2026-03-01至2026-03-31 (its first month)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = textnorm.cell_to_text(value).strip()
    match = _PERIOD_RE.search(text)
    if match is None:
        raise CellError(None, f"“{text}”不是所属期，请填写如 2026-03 或 2026年3月。", "period_invalid")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise CellError(None, f"“{text}”不是有效的所属期（月份应为 1–12），请核对。", "period_invalid")
    return datetime.date(year, month, 1)


def parse_money(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(None, "金额应为数字。", "money_invalid")
    if isinstance(value, int):
        return Decimal(value).quantize(Decimal("0.01"))
    if isinstance(value, float):
        text = repr(value)
    else:
        text = textnorm.cell_to_text(value).strip().translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,"))
        text = text.replace(",", "").replace("元", "").replace("¥", "").replace("￥", "").strip()
    if not _MONEY_RE.match(text):
        raise CellError(
            None, f"“{textnorm.cell_to_text(value)}”不是金额，请只填写数字（如 12345.67）。", "money_invalid"
        )
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(None, "金额无法识别，请只填写数字。", "money_invalid") from None
    if amount < 0:
        raise CellError(None, "金额不能为负数；退库请在系统中手工调整。", "money_negative")
    if amount != money(amount):
        raise CellError(None, f"金额 {text} 超过两位小数（分），请核对。", "money_precision")
    if amount >= Decimal("1e14"):
        raise CellError(None, "金额过大，请核对单位是否为元。", "money_range")
    return money(amount)


def _parse_uscc(value: str) -> str:
    code = value.upper()
    if len(code) != 18:
        raise CellError(None, f"统一社会信用代码应为 18 位，当前为 {len(code)} 位，请核对。", "uscc_length")
    return code


COLUMNS = [
    Column("uscc", USCC_LABEL, synonyms=("纳税人识别号", "社会信用代码", "信用代码", "纳税人识别号(统一社会信用代码)"),
           required=True, kind="code", parse=_parse_uscc, width=22, example="91320412MA1XXXXXXX"),
    Column("name", "单位名称", synonyms=("纳税人名称", "缴费单位名称", "缴费人名称"), kind="text", width=30),
    Column("period", "所属期", synonyms=("税款所属期", "费款所属期", "所属期起", "所属月份"), required=True, kind="raw",
           parse=parse_period, example="2026-03"),
    Column("payroll_base", "计费工资总额", synonyms=("计费依据", "工资总额", "计征依据", "计税依据"), required=True,
           kind="raw", parse=parse_money, example="1000000.00"),
    Column("paid", "实缴金额", synonyms=("实缴(退)金额", "实缴金额(元)", "入库金额", "实缴费额"), required=True,
           kind="raw", parse=parse_money, example="20000.00"),
    Column("paid_on", "入库日期", synonyms=("缴款日期", "入库时间", "缴费日期"), kind="date", example="2026-04-15"),
]  # fmt: skip


def _clean_row(values: dict) -> None:
    today = timezone.localdate()
    if values["period"] > today.replace(day=1):
        raise CellError("所属期", "所属期不能晚于本月。", "period_future")
    paid_on = values.get("paid_on")
    if values["paid"] and paid_on is None:
        raise CellError("入库日期", "有实缴金额时请填写入库日期。", "paid_on_missing")
    if paid_on is not None and paid_on > today:
        raise CellError("入库日期", "入库日期不能晚于今天。", "paid_on_future")
    if paid_on is not None and paid_on < values["period"]:
        raise CellError("入库日期", f"入库日期不能早于所属期 {values['period']:%Y-%m}。", "paid_on_early")


def dues_pipeline() -> ImportPipeline:
    return ImportPipeline(
        COLUMNS,
        duplicate_key=lambda v: (v["uscc"], v["period"]),
        duplicate_column=USCC_LABEL,
        duplicate_message=(
            "与第 {first_row} 行是同一单位同一所属期，同一文件中每家单位每月只能出现一次，请合并或删除重复的行。"
        ),
        clean_row=_clean_row,
        batch_size=1000,
    )


class _Applier:
    def __init__(self, user: Any) -> None:
        self.user = user
        condition = permission_scope_q(user, Organization, permission_name(DuesRecord, "add"))
        self.allowed = Organization.objects.filter(condition) if condition is not None else Organization.objects.none()

    def __call__(self, rows: list[ImportRow]) -> list:
        codes = {row.values["uscc"] for row in rows}
        employers = {
            employer.uscc: employer
            for employer in Employer.objects.restrict(self.user, "view").filter(uscc__in=codes).select_related("union")
        }
        unit_ids = {employer.union_id or employer.org_id for employer in employers.values()}
        allowed = set(self.allowed.filter(pk__in=unit_ids).values_list("pk", flat=True))
        existing = {
            (record.employer_id, record.period): record
            for record in DuesRecord.objects.filter(
                employer__in=list(employers.values()), period__in={row.values["period"] for row in rows}
            )
        }
        outcomes = []
        with transaction.atomic():
            for row in rows:
                outcomes.append(self._apply(row.values, employers, allowed, existing))
        return outcomes

    def _apply(self, values: dict, employers: dict, allowed: set, existing: dict):
        employer = employers.get(values["uscc"])
        if employer is None:
            return CellError(
                USCC_LABEL,
                f"没有找到统一社会信用代码为 {values['uscc']} 的用人单位（或不在您的数据权限范围内），"
                "请先在“用人单位”中登记该单位。",
                "employer_unknown",
            )
        unit_id = employer.union_id or employer.org_id
        if unit_id not in allowed:
            return CellError(USCC_LABEL, f"「{employer.name}」不在您可登记经费的范围内。", "employer_out_of_scope")
        record = existing.get((employer.pk, values["period"]))
        paid_on = values.get("paid_on")
        if record is not None:
            same = (
                record.payroll_base == values["payroll_base"]
                and record.paid == values["paid"]
                and record.paid_on == paid_on
            )
            if same:
                return "skipped"
            record.snapshot()
            record.payroll_base, record.paid, record.paid_on = values["payroll_base"], values["paid"], paid_on
            record.due = dues_due(record.payroll_base)
            record.channel, record.origin = DuesChannel.TAX, DuesOrigin.IMPORT
            record.save()
            return "updated"
        record = DuesRecord(
            org_id=unit_id,
            created_by=self.user,
            employer=employer,
            period=values["period"],
            payroll_base=values["payroll_base"],
            due=dues_due(values["payroll_base"]),
            paid=values["paid"],
            paid_on=paid_on,
            channel=DuesChannel.TAX,
            origin=DuesOrigin.IMPORT,
        )
        record.save()
        existing[(employer.pk, record.period)] = record
        return "imported"


def import_dues(
    *,
    user: Any,
    file: Any,
    filename: str | None = None,
    sheet: str | None = None,
    mode: str = "valid-only",
    progress=None,
) -> ImportReport:
    """Import a statement as ``user``; ``ImportAborted`` is caught and its report returned (nothing written)."""
    if not can(user, DuesRecord, "add"):
        raise PermissionDenied("您没有登记工会经费的权限，请联系安全管理员分配角色。")
    if mode not in MODES:
        raise ValidationError(f"导入方式“{mode}”无效，请选择“只导入正确的行”或“整批导入”。")
    pipeline = dues_pipeline()
    with pipeline.open(file, sheet=sheet, filename=filename) as table:
        if mode == "all-or-nothing":
            try:
                with transaction.atomic():
                    return pipeline.run(table, apply_batch=_Applier(user), all_or_nothing=True, progress=progress)
            except ImportAborted as aborted:
                return aborted.report
        return pipeline.run(table, apply_batch=_Applier(user), progress=progress)
