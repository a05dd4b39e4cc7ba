"""Streaming tables to xlsx with xlsxwriter (constant memory)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return str(value)


# Text starting with these is what Excel would run as a formula (or DDE) when typed in:
# written with write_string (never a formula) and the quote-prefix style (Excel's leading
# apostrophe), so it stays text even if someone edits the cell later.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    as_text = workbook.add_format({"quote_prefix": True})
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, header, bold)
        worksheet.set_column(col, col, max(10, min(40, len(header) * 2 + 4)))
    for row_number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            value = _cell(value)
            if isinstance(value, str):
                if value.startswith(FORMULA_LEADS):
                    worksheet.write_string(row_number, col, value, as_text)
                elif value:
                    worksheet.write_string(row_number, col, value)
            else:
                worksheet.write(row_number, col, value)
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    stamped = f"{filename}_{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stamped)}"
    return response
