"""The 目标分解表 spreadsheet: export a plan's targets and their breakdown, and import it back.

Layout (sheet "目标分解表"): a title row "{org}{year}年目标任务分解表", a header row
单位名称 | 单位编码 | one column per indicator "指标名称（单位）", then the plan unit's own
targets (总目标) and one row per direct sub-unit. A sheet "说明" explains how to fill it in.

The import accepts what people do to such a sheet: the header anywhere in the first rows,
indicator columns named with or without the unit, full-width digits, thousands separators,
blank cells (no target). Every cell is validated first; every problem is reported with its row,
column letter and header; nothing is written unless the whole sheet is valid. Then the own
targets (when they are the plan unit's own, not its parent's) and each indicator's breakdown
are applied through the services in one transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import IO, Any

import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from gonghui.orgs.models import Organization, OrgStatus
from gonghui.targets import services
from gonghui.targets.models import Indicator, Plan, Target
from gonghui.utilities import textnorm
from gonghui.utilities.importing import header_key
from gonghui.utilities.spreadsheets import Sheet, Spreadsheet, SpreadsheetError, column_letter

SHEET_NAME = "目标分解表"
NAME_HEADER = "单位名称"
CODE_HEADER = "单位编码"
OWN_LABEL = "（总目标）"
TOTAL_LABELS = frozenset({"合计", "总计", "总目标", "合计/总目标", "合计总目标"})
IGNORED_HEADERS = frozenset({"序号", "备注", "说明"})
HEADER_SEARCH_ROWS = 20
NOTES = (
    "1. 第一行数据为本单位的总目标，其后每行为一个直属下级单位的分解目标。",
    "2. 请勿修改“单位编码”列，系统按单位编码识别单位；可以删除不需要分解的单位所在的行。",
    "3. 目标值只填写数字（可带千分位逗号），留空表示该单位没有此项目标；已有的分解目标留空将被清除。",
    "4. 可以删除不需要的指标列；指标列标题须与系统中的指标名称一致（可不带计量单位）。",
    "5. 上级下达的总目标不能在本表修改，导入时总目标行只更新本单位自行设置的目标。",
    "6. 累计型、存量型指标的分解合计少于总目标时，导入后会给出提示。",
)


# --- export --------------------------------------------------------------------------------------


def indicator_header(indicator: Indicator) -> str:
    return f"{indicator.name}（{indicator.unit}）"


def sub_units(plan: Plan, user) -> list[Organization]:
    """The plan unit's direct sub-units the user may see; dissolved ones only when they hold targets."""
    org = plan.org
    with_targets = Target.objects.filter(assigned_by=org, year=plan.year).values("org_id")
    return list(
        Organization.objects.restrict(user, "view")
        .filter(path__startswith=org.path, depth=org.depth + 1)
        .exclude(Q(status=OrgStatus.DISSOLVED) & ~Q(pk__in=with_targets))
        .order_by("path")
    )


def plan_indicators(plan: Plan) -> list[Indicator]:
    """The indicators the plan's unit has targets for or broke down; all active ones for an empty plan."""
    used = Target.objects.filter(year=plan.year).filter(org=plan.org).values("indicator_id")
    given = Target.objects.filter(year=plan.year, assigned_by=plan.org).values("indicator_id")
    found = list(Indicator.objects.filter(pk__in=used) | Indicator.objects.filter(pk__in=given))
    if not found:
        found = list(Indicator.objects.filter(is_active=True))
    return sorted(set(found), key=lambda indicator: (indicator.sort, indicator.pk))


def _number(value: Decimal | None) -> Any:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def export_plan(plan: Plan, user) -> bytes:
    """The 目标分解表 of ``plan`` as .xlsx bytes."""
    indicators = plan_indicators(plan)
    units = sub_units(plan, user)
    values = {
        (target.org_id, target.indicator_id): target.value
        for target in Target.objects.filter(year=plan.year, org__in=[plan.org, *units])
    }
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(SHEET_NAME)
    title = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    cell = workbook.add_format({"border": 1})
    last = len(indicators) + 1
    if last > 0:
        sheet.merge_range(0, 0, 0, last, f"{plan.org.name}{plan.year}年目标任务分解表", title)
    headers = [NAME_HEADER, CODE_HEADER, *(indicator_header(i) for i in indicators)]
    for col, text in enumerate(headers):
        sheet.write_string(1, col, text, head)
        sheet.set_column(col, col, 28 if col == 0 else 16)
    rows = [(f"{plan.org.name}{OWN_LABEL}", plan.org), *((unit.name, unit) for unit in units)]
    for row, (name, org) in enumerate(rows, start=2):
        sheet.write_string(row, 0, name, cell)
        sheet.write_string(row, 1, org.code, cell)
        for col, indicator in enumerate(indicators, start=2):
            number = _number(values.get((org.pk, indicator.pk)))
            if number is None:
                sheet.write_blank(row, col, None, cell)
            else:
                sheet.write_number(row, col, number, cell)
    sheet.freeze_panes(2, 2)
    notes = workbook.add_worksheet("说明")
    notes.set_column(0, 0, 100)
    for row, text in enumerate(NOTES):
        notes.write_string(row, 0, text)
    workbook.close()
    return buffer.getvalue()


# --- import --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellIssue:
    row: int | None
    column: str  # letter
    header: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = f"第 {self.row} 行"
        if self.column:
            where += f"，{self.column} 列（{self.header}）" if self.header else f"，{self.column} 列"
        return f"{where}：{self.message}"


@dataclass
class ParsedSheet:
    """What a valid sheet says: own targets and, per indicator, the sub-units' shares."""

    own: dict[Indicator, Decimal] = field(default_factory=dict)
    parts: dict[Indicator, dict[Organization, Decimal | None]] = field(default_factory=dict)
    errors: list[CellIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    errors: list[CellIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False
    units: int = 0
    indicators: int = 0


def _indicator_lookup() -> dict[str, Indicator]:
    lookup: dict[str, Indicator] = {}
    for indicator in Indicator.objects.all():
        for text in (indicator.name, indicator_header(indicator), f"{indicator.name}({indicator.unit})"):
            lookup.setdefault(header_key(text), indicator)
            lookup.setdefault(_compact(text), indicator)
    return lookup


def _compact(value: Any) -> str:
    return textnorm.clean_text(value).replace(" ", "").replace("（", "(").replace("）", ")")


@dataclass
class _Header:
    row: int
    name_col: int | None
    code_col: int | None
    columns: dict[int, Indicator]


def _find_header(rows: list[tuple[int, list[Any]]], first_column: int, parsed: ParsedSheet) -> _Header | None:
    for number, values in rows:
        keys = [header_key(value) for value in values]
        if NAME_HEADER not in keys and CODE_HEADER not in keys:
            continue
        lookup = _indicator_lookup()
        header = _Header(
            number,
            keys.index(NAME_HEADER) if NAME_HEADER in keys else None,
            keys.index(CODE_HEADER) if CODE_HEADER in keys else None,
            {},
        )
        for index, value in enumerate(values):
            key = keys[index]
            if not key or index in (header.name_col, header.code_col) or key in IGNORED_HEADERS:
                continue
            indicator = lookup.get(key) or lookup.get(_compact(value))
            label = textnorm.clean_text(value)
            if indicator is None:
                parsed.errors.append(
                    CellIssue(
                        number,
                        column_letter(index + first_column),
                        label,
                        f"未知的指标列“{label}”，请使用系统中的指标名称（可先导出本表作为模板），或删除这一列。",
                    )
                )
            elif indicator in header.columns.values():
                parsed.errors.append(
                    CellIssue(
                        number,
                        column_letter(index + first_column),
                        label,
                        f"指标“{indicator.name}”的列重复出现，请只保留一列。",
                    )
                )
            else:
                header.columns[index] = indicator
        return header
    return None


def _pick_sheet(book: Spreadsheet) -> Sheet:
    if SHEET_NAME in book.sheet_names():
        return book.sheet(SHEET_NAME)
    for candidate in book.data_sheets():
        head = list(islice(candidate.rows(), HEADER_SEARCH_ROWS))
        if any(header_key(v) in (NAME_HEADER, CODE_HEADER) for _n, values in head for v in values):
            return book.sheet(candidate.index)
    raise SpreadsheetError(f"文件中找不到“{NAME_HEADER}”“{CODE_HEADER}”表头，请使用导出的目标分解表填写。")


def _resolve_unit(plan: Plan, user, code: str, name: str, children: dict[str, Organization]) -> Organization | str:
    """The row's unit, or the error message."""
    org = plan.org
    if code:
        if code == org.code:
            return org
        if code in children:
            return children[code]
        found = Organization.objects.restrict(user, "view").filter(code=code).first()
        if found is None:
            return (
                f"单位编码“{code}”在系统中不存在（或不在您的数据权限范围内），请核对；可先导出本表获取正确的单位编码。"
            )
        return f"“{found.name}”（{code}）不是“{org.name}”的直属下级单位，本表只能填写直属下级单位。"
    bare = name.removesuffix(OWN_LABEL)
    if bare == org.name or name in TOTAL_LABELS:
        return org
    by_name = [unit for unit in children.values() if unit.name == name]
    if len(by_name) == 1:
        return by_name[0]
    return f"单位“{name}”没有填写单位编码，且不是“{org.name}”的直属下级单位名称，请填写单位编码。"


def _cell_value(value: Any) -> Decimal | None:
    """Raises ValidationError with a Chinese message."""
    if value is None or (isinstance(value, str) and not textnorm.clean_text(value)):
        return None
    if isinstance(value, bool):
        raise ValidationError(f"“{textnorm.cell_to_text(value)}”不是数字，请只填写数字。")
    number = textnorm.parse_number(value)
    return services.check_value(number, "目标值")


def _message(error: ValidationError) -> str:
    return "；".join(error.messages)


def parse_sheet(plan: Plan, user, source: str | IO[bytes], *, filename: str | None = None) -> ParsedSheet:
    """Read and validate the whole sheet; ``errors`` lists every problem found."""
    parsed = ParsedSheet()
    with Spreadsheet.open(source, filename=filename) as book:
        sheet = _pick_sheet(book)
        rows = list(sheet.rows())
        first_column = sheet.first_column
    header = _find_header(rows[: HEADER_SEARCH_ROWS * 5], first_column, parsed)
    if header is None:
        raise SpreadsheetError(f"文件中找不到“{NAME_HEADER}”“{CODE_HEADER}”表头，请使用导出的目标分解表填写。")
    if not header.columns and not parsed.errors:
        parsed.errors.append(CellIssue(header.row, "", "", "表头中没有任何指标列，请至少保留一个指标列。"))
    children = {unit.code: unit for unit in sub_units(plan, user)}
    seen: dict[Organization, int] = {}
    for number, values in rows:
        if number <= header.row:
            continue
        _parse_row(plan, user, parsed, header, number, values, first_column, children, seen)
    _check_wholes(plan, parsed)
    return parsed


def _text_at(values: list[Any], index: int | None) -> str:
    if index is None or index >= len(values):
        return ""
    return textnorm.clean_text(values[index])


def _parse_row(plan, user, parsed, header, number, values, first_column, children, seen) -> None:
    name = _text_at(values, header.name_col)
    code = (
        textnorm.clean_code(values[header.code_col])
        if header.code_col is not None and header.code_col < len(values)
        else ""
    )
    if not name and not code:
        return
    if name.startswith(("填表人", "注：", "注:", "说明")):
        return
    unit = _resolve_unit(plan, user, code, name, children)
    if isinstance(unit, str):
        column = header.code_col if code else header.name_col
        label = CODE_HEADER if code else NAME_HEADER
        parsed.errors.append(CellIssue(number, column_letter((column or 0) + first_column), label, unit))
        return
    if unit in seen:
        parsed.errors.append(
            CellIssue(number, "", "", f"“{unit.name}”在第 {seen[unit]} 行已经填写过，每个单位只能有一行。")
        )
        return
    seen[unit] = number
    for index, indicator in header.columns.items():
        raw = values[index] if index < len(values) else ""
        try:
            value = _cell_value(raw)
        except ValidationError as error:
            parsed.errors.append(
                CellIssue(number, column_letter(index + first_column), indicator_header(indicator), _message(error))
            )
            continue
        if unit == plan.org:
            if value is not None:
                parsed.own[indicator] = value
        else:
            parsed.parts.setdefault(indicator, {})[unit] = value


def _check_wholes(plan: Plan, parsed: ParsedSheet) -> None:
    """Shares need a whole to be broken down from; a parent's whole is not changed from here."""
    existing = {
        target.indicator_id: target
        for target in Target.objects.filter(org=plan.org, year=plan.year).select_related("assigned_by")
    }
    for indicator, value in list(parsed.own.items()):
        target = existing.get(indicator.pk)
        if target is not None and target.assigned_by_id != plan.org_id:
            del parsed.own[indicator]
            if target.value != value:
                parsed.notes.append(
                    f"“{indicator.name}”的总目标由上级“{target.assigned_by.name}”下达（{services.number_text(target.value)}），"
                    f"表中的 {services.number_text(value)} 未导入。"
                )
    for indicator, shares in parsed.parts.items():
        if indicator.pk in existing or indicator in parsed.own:
            continue
        if any(value is not None for value in shares.values()):
            parsed.errors.append(
                CellIssue(
                    None,
                    "",
                    indicator_header(indicator),
                    f"“{indicator.name}”没有总目标，不能分解；请在总目标行（第一行数据）填写它的总目标。",
                )
            )


def import_sheet(plan: Plan, user, source: str | IO[bytes], *, filename: str | None = None) -> ImportResult:
    """Validate, then (only when every cell is valid) apply in one transaction."""
    result = ImportResult()
    try:
        parsed = parse_sheet(plan, user, source, filename=filename)
    except SpreadsheetError as error:
        result.errors.append(CellIssue(None, "", "", error.message))
        return result
    result.notes = parsed.notes
    if parsed.errors:
        result.errors = parsed.errors
        return result
    try:
        with transaction.atomic():
            result.warnings = _apply(plan, user, parsed)
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        result.errors = [CellIssue(None, "", "", message) for message in messages]
        result.warnings = []
        return result
    result.applied = True
    result.indicators = len(set(parsed.own) | set(parsed.parts))
    result.units = len({unit for shares in parsed.parts.values() for unit in shares})
    return result


def _apply(plan: Plan, user, parsed: ParsedSheet) -> list[str]:
    for indicator, value in parsed.own.items():
        current = Target.objects.filter(org=plan.org, indicator=indicator, year=plan.year).first()
        services.target_set(
            user=user,
            plan=plan,
            indicator=indicator,
            value=value,
            weight=current.weight if current else 0,
            note=current.note if current else "",
        )
    warnings: list[str] = []
    for indicator, shares in _ordered(parsed.parts.items()):
        whole = Target.objects.filter(org=plan.org, indicator=indicator, year=plan.year).first()
        if whole is None:
            continue  # only blank shares of an indicator without a whole: nothing to clear
        warnings += services.targets_breakdown(user=user, target=whole, parts=shares)
    return warnings


def _ordered(items: Iterable[tuple[Indicator, Any]]) -> list[tuple[Indicator, Any]]:
    return sorted(items, key=lambda item: (item[0].sort, item[0].pk))
