"""Import templates (.xlsx) with dropdowns, written with openpyxl.

The template is the importer's own column spec turned into a sheet people fill in:
a title row, a header row (required columns marked “*” in red — the importer ignores the
mark), dropdowns for columns with fixed choices (lists on a hidden sheet, so long lists
work), identity-number/phone/code columns formatted as text so Excel keeps every digit,
date columns formatted as dates, sensible widths, and a 填写说明 sheet.

    write_template(columns, response_or_path, title="会员花名册导入模板",
                   notes=["每人一行。"], choices={"category": ["职工", "农民工", ...]})
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from gonghui.utilities.importing import Column

OPTIONS_SHEET = "选项"
NOTES_SHEET = "填写说明"
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def display_width(text: str) -> int:
    """Width in Excel character units: Chinese characters count double."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _width_for(column: Column, choices: Sequence[str]) -> float:
    if column.width:
        return column.width
    if column.kind == "id_number":
        return 22
    longest = max([display_width(column.label) + 2, *(display_width(choice) for choice in choices)], default=10)
    if column.kind == "date":
        longest = max(longest, 12)
    if column.kind == "phone":
        longest = max(longest, 15)
    return min(max(10, longest + 2), 40)


def write_template(
    columns: Sequence[Column],
    path_or_buffer: Any,
    *,
    title: str,
    notes: Sequence[str] = (),
    choices: Mapping[str, Sequence[str]] | None = None,
    sheet_name: str = "导入数据",
    rows: int = 1000,
) -> None:
    """Write the template for ``columns`` to a path or a binary buffer (e.g. an HttpResponse).

    ``choices`` maps a column key to its allowed values (a dropdown; typing anything
    else is refused by Excel). ``rows`` is how many data rows get the dropdowns and
    formats (more can be added by copying a row).
    """
    choices = dict(choices or {})
    unknown = set(choices) - {column.key for column in columns}
    if unknown:
        raise ValueError(f"choices for unknown columns: {sorted(unknown)}")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    last_column = get_column_letter(len(columns))
    first_data, last_data = 3, rows + 2

    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    if len(columns) > 1:
        sheet.merge_cells(f"A1:{last_column}1")
    sheet.row_dimensions[1].height = 28

    options = None
    if choices:
        options = workbook.create_sheet(OPTIONS_SHEET)
        options.sheet_state = "hidden"

    option_column = 0
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=2, column=index, value=("*" if column.required else "") + column.label)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        hint = _column_hint(column, choices.get(column.key, ()))
        if hint:
            cell.comment = Comment(hint, "系统")
        column_choices = list(choices.get(column.key, ()))
        sheet.column_dimensions[letter].width = _width_for(column, column_choices)

        number_format = TEXT_FORMAT if column.text_format else DATE_FORMAT if column.kind == "date" else None
        if number_format:
            # The column style covers rows added later; the cells cover the visible range.
            sheet.column_dimensions[letter].number_format = number_format
            for row in range(first_data, last_data + 1):
                sheet.cell(row=row, column=index).number_format = number_format

        if column_choices and options is not None:
            option_column += 1
            option_letter = get_column_letter(option_column)
            options.cell(row=1, column=option_column, value=column.label)
            for offset, choice in enumerate(column_choices, 2):
                options.cell(row=offset, column=option_column, value=choice)
            source = f"'{OPTIONS_SHEET}'!${option_letter}$2:${option_letter}${len(column_choices) + 1}"
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error=f"“{column.label}”只能从下拉列表中选择。",
                showInputMessage=True,
                promptTitle=column.label,
                prompt="请从下拉列表中选择。",
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}{first_data}:{letter}{last_data}")

    sheet.row_dimensions[2].height = 24
    sheet.freeze_panes = "A3"
    _write_notes(workbook.create_sheet(NOTES_SHEET), columns, choices, title=title, notes=notes, data_sheet=sheet.title)
    workbook.active = 0
    workbook.save(path_or_buffer)


def _column_hint(column: Column, choices: Sequence[str]) -> str:
    parts = []
    if column.required:
        parts.append("必填。")
    if column.note:
        parts.append(column.note)
    if column.kind == "id_number":
        parts.append("18 位，最后一位可以是 X；本列已设为文本格式，请勿改成数字格式。")
    elif column.kind == "date":
        parts.append("日期，如 2023-05-01。")
    if choices:
        parts.append("从下拉列表中选择。")
    if column.example:
        parts.append(f"例如：{column.example}")
    return "".join(parts)


def _write_notes(
    sheet: Any,
    columns: Sequence[Column],
    choices: Mapping[str, Sequence[str]],
    *,
    title: str,
    notes: Sequence[str],
    data_sheet: str,
) -> None:
    sheet["A1"] = f"{title} · 填写说明"
    sheet["A1"].font = Font(bold=True, size=13)
    row = 3
    general = [
        *notes,
        f"请在“{data_sheet}”工作表第 3 行起逐行填写，不要修改表头，不要合并单元格。",
        "带 * 的列必须填写；有下拉箭头的列请从列表中选择。",
        "身份证号码、手机号码等列已设为文本格式；如果从其他表格粘贴，请使用“选择性粘贴 → 数值”，"
        "并确认号码没有变成 3.20412E+17 这样的科学计数法。",
        "日期可写成 2023-05-01、2023.5.1、2023/5/1 或 2023年5月1日。",
    ]
    for number, text in enumerate(general, 1):
        sheet.cell(row=row, column=1, value=f"{number}. {text}")
        row += 1
    row += 1
    for col, heading in enumerate(("列名", "是否必填", "说明", "可选值"), 1):
        cell = sheet.cell(row=row, column=col, value=heading)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
    for column in columns:
        row += 1
        values = (
            column.label + (f"（也可写作{'、'.join(column.synonyms)}）" if column.synonyms else ""),
            "是" if column.required else "否",
            _column_hint(column, choices.get(column.key, ())).removeprefix("必填。"),
            "、".join(choices.get(column.key, ())),
        )
        for col, value in enumerate(values, 1):
            cell = sheet.cell(row=row, column=col, value=value)
            cell.border = _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (30, 10, 60, 50), strict=True):
        sheet.column_dimensions[letter].width = width
