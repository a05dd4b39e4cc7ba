"""The generic spreadsheet import: find the header, validate each row, apply in batches, report.

No database access here. A caller (e.g. the members importer) describes its columns, then
hands each batch of valid rows to its own ``apply_batch``, which writes them (COPY on
PostgreSQL, bulk_create elsewhere) and answers one outcome per row.

    columns = [
        Column("name", "姓名", required=True, kind="name"),
        Column("id_number", "身份证号码", synonyms=("公民身份号码", "证件号码"), required=True,
               kind="id_number", parse=check_id),
        Column("joined_on", "入会日期", synonyms=("入会时间",), kind="date"),
    ]
    pipeline = ImportPipeline(columns, duplicate_key=lambda v: v["id_number"], duplicate_column="身份证号码")
    with pipeline.open(upload, sheet=None, filename="花名册.xlsx") as table:
        report = pipeline.run(table, apply_batch=apply_batch)      # valid rows only
    report.as_dict()    # {"total_rows", "imported", "updated", "skipped", "rejected", "errors": [...]}
    report.to_xlsx(path)  # original columns + 结果 + 错误说明

Each cell goes: the column kind's normaliser (textnorm) → the formula check → the
column's ``parse`` (which may raise ``CellError`` or Django's ``ValidationError``). A row
with any error is rejected with every error listed; the rest reach ``apply_batch``. Rows
whose imported columns are all empty are skipped (content only in ignored columns, such
as a group label in the 序号 column, does not make a row).

Rows that are not data: empty rows are skipped; rows labelled 合计/总计/小计/共计 are
skipped (subtotals may sit between groups); a sign-off line such as “填表人：…” or
“注：…” ends the data, and any non-empty row after it is reported as a warning.

Formula injection: a text cell that Excel would run as a formula (=…, @SUM, +cmd, -1+1)
rejects its row with code ``formula``; we never store such text (exports neutralise too).

Modes and memory. ``run(..., all_or_nothing=False)`` streams: memory holds one batch of
rows plus the in-file duplicate index (≈100–150 bytes per distinct key); .xlsx and CSV
are streamed (an .xlsx adds its shared-strings table), while .xls and .ods add the parsed
sheet that calamine keeps in Rust (≈1 KB per row of 12 text columns). With
``all_or_nothing=True`` the first pass validates the whole file and spools every row
(pickled, in batches) to an anonymous temporary file; only when no row was rejected are
the batches replayed into ``apply_batch``. If ``apply_batch`` itself rejects a row, the
run finishes (so every error is reported) and then raises ``ImportAborted(report)``:
call ``run`` inside your ``transaction.atomic()`` so the exception rolls the batches
back, and catch it outside to get the report. Memory stays at one batch; disk holds the
spool (≈150–250 bytes per row). ``apply_batch=None`` is a validate-only dry run.
The per-row report for ``to_xlsx`` is likewise spooled to a temporary file.

Large files (``PARALLEL_MIN_ROWS`` or more, where the OS can fork) are read and validated
in a forked worker process that sends the rows back in chunks while this process applies
them; the worker holds the reader's state and a few chunks (its peak RSS is mostly pages
shared with the parent). While ``run`` is going, the cycle collector's young generation
is collected every ``IMPORT_GC_THRESHOLD`` allocations instead of every 700.
"""

from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import os
import pickle
import re
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

from django.core.exceptions import ValidationError

from gonghui.utilities import textnorm
from gonghui.utilities.spreadsheets import (
    Sheet,
    SheetChoiceRequired,
    SheetInfo,
    Spreadsheet,
    SpreadsheetError,
    column_letter,
)

__all__ = [
    "CellError",
    "Column",
    "Header",
    "ImportAborted",
    "ImportPipeline",
    "ImportReport",
    "ImportRow",
    "SheetChoiceRequired",
    "SpreadsheetError",
    "Table",
    "find_header",
    "header_key",
    "run_import",
]

STATUSES = ("imported", "updated", "skipped", "rejected")
STATUS_LABELS = {
    "imported": "新增",
    "updated": "更新",
    "skipped": "跳过",
    "rejected": "拒绝",
    "valid": "可导入",
    "not_applied": "未导入",
}
HEADER_SEARCH_ROWS = 20


class CellError(Exception):
    """A cell (or, with column None, a whole row) failed validation; message is Chinese."""

    def __init__(self, column: str | None, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.column = column
        self.message = message
        self.code = code


class ImportAborted(Exception):
    """All-or-nothing import with rejected rows: nothing may stay written. ``report`` says why."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.summary())
        self.report = report


# --- columns --------------------------------------------------------------------------------


def _id_number(value: Any) -> str:
    message = textnorm.detect_excel_mangled_id(value)
    if message:
        raise CellError(None, message, "id_excel_number")
    return textnorm.normalize_id_number(value)


def _raw(value: Any) -> Any:
    return value.strip() if value.__class__ is str else value


NORMALIZERS: dict[str, Callable[[Any], Any]] = {
    "text": textnorm.clean_text,
    "name": textnorm.clean_name,
    "code": textnorm.clean_code,
    "id_number": _id_number,
    "phone": textnorm.normalize_phone,
    "date": textnorm.parse_date,
    "number": textnorm.parse_number,
    "raw": _raw,
}
TEXT_FORMAT_KINDS = frozenset({"code", "id_number", "phone"})  # template cells formatted as text


@dataclass(frozen=True)
class Column:
    """One importable column.

    ``kind`` picks the normaliser run before ``parse`` (text, name, code, id_number,
    phone, date, number, raw). ``parse(value)`` receives the normalised, non-empty value
    and returns what the caller stores; it raises CellError / ValidationError. A
    ``required`` column must be in the header and non-empty in every row.
    ``width``/``note``/``example`` are for the template.
    """

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[Any], Any] | None = None
    kind: str = "text"
    check_formula: bool = True
    width: int | None = None
    note: str = ""
    example: str = ""

    def __post_init__(self) -> None:
        if self.kind not in NORMALIZERS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def text_format(self) -> bool:
        return self.kind in TEXT_FORMAT_KINDS


# --- header detection ------------------------------------------------------------------------

_NOTE_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")
_HEADER_STRIP_RE = re.compile(r"[\s*:#※★☆\u200b\ufeff]+|必填项?|选填项?|可选")


def header_key(value: Any) -> str:
    """A header cell reduced for matching: no spaces, marks, "(必填)" notes; half-width; lower case."""
    text = textnorm.cell_to_text(value)
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    stripped = _NOTE_RE.sub("", text)
    if _HEADER_STRIP_RE.sub("", stripped):
        text = stripped  # keep a label that is only a bracketed note
    return _HEADER_STRIP_RE.sub("", text).lower()


@dataclass
class Header:
    first_row: int  # 1-based spreadsheet row of the header's first line
    last_row: int  # the header's last line; data starts below it
    positions: dict[str, int]  # column key → index in each row's value list
    labels: list[str]  # the file's header text per column index
    warnings: list[str] = field(default_factory=list)

    def label_of(self, key: str) -> str:
        return self.labels[self.positions[key]]


def _match_row(values: Sequence[Any], index: dict[str, str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for position, value in enumerate(values):
        if value == "" or value is None:
            continue
        key = index.get(header_key(value))
        if key is not None:
            found[position] = key
    return found


def _unique(found: dict[int, str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, key in sorted(found.items()):
        positions.setdefault(key, position)
    return positions


def _fill_top(values: list[Any], row_number: int, merged: Sequence[tuple[int, int, int, int]]) -> list[Any]:
    """The top header line with each horizontally merged group title spread over its columns."""
    filled = list(values)
    for row0, col0, _row1, col1 in merged:
        if row0 == row_number and 0 <= col0 < len(filled) and col1 > col0:
            if len(filled) <= col1:
                filled.extend([""] * (col1 + 1 - len(filled)))
            for col in range(col0 + 1, col1 + 1):
                if filled[col] == "":
                    filled[col] = filled[col0]
    return filled


def _match_pair(top: list[Any], bottom: list[Any], index: dict[str, str]) -> tuple[dict[int, str], list[str]]:
    width = max(len(top), len(bottom))
    found: dict[int, str] = {}
    labels: list[str] = []
    for position in range(width):
        upper = textnorm.cell_to_text(top[position] if position < len(top) else "").strip()
        lower = textnorm.cell_to_text(bottom[position] if position < len(bottom) else "").strip()
        key = None
        if lower:
            key = index.get(header_key(lower)) or (index.get(header_key(upper + lower)) if upper else None)
        elif upper:
            key = index.get(header_key(upper))
        if key is not None and key not in found.values():
            found[position] = key
        labels.append(_display_label(lower or upper))
    return found, labels


def _display_label(value: Any) -> str:
    """A header cell as shown in messages and the report: one line, no required-marks."""
    return " ".join(textnorm.cell_to_text(value).split()).strip("*＊ ")


def _score(found: dict[int, str], required: frozenset[str]) -> tuple[int, int]:
    keys = set(found.values())
    return len(keys & required), len(keys)


def find_header(
    head: Sequence[tuple[int, list[Any]]],
    columns: Sequence[Column],
    *,
    merged: Sequence[tuple[int, int, int, int]] = (),
    first_column: int = 0,
) -> Header:
    """Find the header among the first rows (title rows above it, one or two lines).

    The header is the first row matching the most required columns (then the most
    columns); a line directly above or below it joins it when the pair matches more
    columns (a merged group title above the column names, or sub-columns below).
    Raises SpreadsheetError naming the missing required columns.
    """
    index = _synonym_index(columns)
    required = frozenset(column.key for column in columns if column.required)
    by_key = {column.key: column for column in columns}
    rows = [(number, values) for number, values in head if any(value != "" for value in values)]
    if not rows:
        raise SpreadsheetError("工作表中没有任何数据，请检查是否选择了正确的文件或工作表。", code="no_data")
    best_position, best_found, best_score = 0, {}, (-1, -1)
    for position, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _match_row(values, index)
        score = _score(found, required)
        if score > best_score:
            best_position, best_found, best_score = position, found, score
    best_number, best_values = rows[best_position]
    first_row = last_row = best_number
    positions_found = best_found
    labels = [_display_label(value) for value in best_values]
    score = best_score
    by_number = dict(rows)
    for top_number, bottom_number in ((best_number - 1, best_number), (best_number, best_number + 1)):
        if top_number in by_number and bottom_number in by_number:
            top = _fill_top(by_number[top_number], top_number, merged)
            pair_found, pair_labels = _match_pair(top, by_number[bottom_number], index)
            pair_score = _score(pair_found, required)
            if pair_score > score:
                first_row, last_row, positions_found, labels = top_number, bottom_number, pair_found, pair_labels
                score = pair_score

    missing = [by_key[key] for key in sorted(required - set(positions_found.values()), key=list(by_key).index)]
    if score[1] <= 0 or missing:
        if score[1] <= 0:
            last_searched = rows[min(len(rows), HEADER_SEARCH_ROWS) - 1][0]
            where = f"前 {last_searched} 行中没有一行像表头"
            missing = [column for column in columns if column.required] or list(columns)
        elif first_row != last_row:
            where = f"第 {first_row}–{last_row} 行最像表头，但缺少必填列"
        else:
            where = f"第 {best_number} 行最像表头，但缺少必填列"
        names = "；".join(
            f"“{column.label}”" + (f"（也可写作{'、'.join(column.synonyms)}）" if column.synonyms else "")
            for column in missing
        )
        raise SpreadsheetError(
            f"没有找到完整的表头：{where}{names}。请确认表头行包含这些列名，或下载导入模板按模板填写。",
            code="header_not_found",
        )

    positions = _unique(positions_found)
    warnings = []
    seen: dict[str, int] = {}
    for position, key in sorted(positions_found.items()):
        if key in seen:
            warnings.append(
                f"第 {column_letter(first_column + position)} 列与第 {column_letter(first_column + seen[key])} 列"
                f"都是“{by_key[key].label}”，只导入了第 {column_letter(first_column + seen[key])} 列。"
            )
        else:
            seen[key] = position
    unknown = [
        f"{column_letter(first_column + position)} 列“{label}”"
        for position, label in enumerate(labels)
        if label and position not in positions_found and header_key(label) not in _IGNORED_HEADERS
    ]
    if unknown:
        warnings.append(f"以下列不在导入范围内，已忽略：{'、'.join(unknown)}。")
    absent = [column.label for column in columns if not column.required and column.key not in positions]
    if absent:
        warnings.append(f"文件中没有以下列，这些信息将留空：{'、'.join(absent)}。")
    return Header(first_row=first_row, last_row=last_row, positions=positions, labels=labels, warnings=warnings)


_IGNORED_HEADERS = frozenset({"序号", "编号", "no", "no.", "行号"})


def _synonym_index(columns: Sequence[Column]) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in columns:
        for text in (column.label, *column.synonyms):
            key = header_key(text)
            other = index.setdefault(key, column.key)
            if other != column.key:
                raise ValueError(f"header {text!r} is claimed by both {other!r} and {column.key!r}")
    return index


# --- reading a table -----------------------------------------------------------------------------


class Table:
    """The chosen sheet of an opened file with its header found; ``rows()`` yields data rows."""

    def __init__(self, book: Spreadsheet, sheet: Sheet, header: Header, warnings: list[str]) -> None:
        self.book = book
        self.sheet = sheet
        self.header = header
        self.warnings = warnings

    @property
    def estimated_rows(self) -> int | None:
        total = self.sheet.estimated_rows
        return None if total is None else max(0, total - self.header.last_row)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Rows below the header (row numbers are the spreadsheet's own)."""
        last = self.header.last_row
        rows = self.sheet.rows()
        for number, _values in rows:
            if number >= last:
                break
        return rows

    def close(self) -> None:
        self.book.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _read_head(sheet: Sheet) -> list[tuple[int, list[Any]]]:
    # The header search looks at the first 20 non-empty rows, plus one row below for a
    # two-line header; blank rows in between do not count.
    head: list[tuple[int, list[Any]]] = []
    non_empty = 0
    for number, values in islice(sheet.rows(), 500):
        head.append((number, values))
        if any(value != "" for value in values):
            non_empty += 1
            if non_empty > HEADER_SEARCH_ROWS:
                break
    return head


def open_table(
    source: Any,
    columns: Sequence[Column],
    *,
    sheet: str | int | None = None,
    filename: str | None = None,
) -> Table:
    """Open a file and find the sheet and header to import.

    Without ``sheet``: the only visible sheet holding data; if several hold data, the one
    whose header matches the most columns (a 填写说明 or 统计 sheet loses to the roster);
    on a tie SheetChoiceRequired (its ``sheets`` list names them, for the page to ask
    which). Raises SpreadsheetError for a bad file or when no header is found.
    """
    book = Spreadsheet.open(source, filename=filename)
    try:
        warnings: list[str] = []
        if sheet is not None:
            chosen = book.sheet(sheet)
            header = _header_for(chosen, columns)
        else:
            candidates = book.data_sheets()
            if not candidates:
                raise SpreadsheetError("文件中没有任何数据，请检查是否上传了正确的文件。", code="no_data")
            if len(candidates) == 1:
                chosen = book.sheet(candidates[0].index)
                header = _header_for(chosen, columns)
            else:
                # Several sheets hold data (a notes sheet, last year's roster…): take the one
                # whose header matches the most columns, if exactly one does; else ask.
                matching = []
                failures = []
                for candidate in candidates:
                    try:
                        found = _header_for(candidate, columns)
                    except SpreadsheetError as error:
                        failures.append(error)
                        continue
                    matching.append((len(found.positions), candidate, found))
                if not matching:
                    raise failures[0]  # no sheet has the columns: choosing one would not help
                matching.sort(key=lambda item: -item[0])
                if len(matching) > 1 and matching[0][0] == matching[1][0]:
                    infos = [SheetInfo(s.index, s.name, s.count_rows(), s.hidden) for s in candidates]
                    raise SheetChoiceRequired(infos)
                _count, chosen, header = matching[0]
                chosen = book.sheet(chosen.index)
                others = "、".join(f"“{s.name}”" for s in candidates if s is not chosen)
                warnings.append(f"文件有多个工作表，已导入表头相符的“{chosen.name}”，未导入{others}。")
        return Table(book, chosen, header, warnings + header.warnings)
    except BaseException:
        book.close()
        raise


def _header_for(sheet: Sheet, columns: Sequence[Column]) -> Header:
    try:
        return find_header(_read_head(sheet), columns, merged=sheet.merged, first_column=sheet.first_column)
    except SpreadsheetError as error:
        raise SpreadsheetError(f"工作表“{sheet.name}”：{error.message}", code=error.code) from None


# --- rows ---------------------------------------------------------------------------------------------


class ImportRow:
    """One data row: ``values`` by column key (None for empty), ``raw`` as read."""

    __slots__ = ("errors", "raw", "row_number", "status", "values")

    def __init__(
        self, row_number: int, raw: list[Any], values: dict[str, Any] | None, errors: list[tuple[str, str, str]] | None
    ) -> None:
        self.row_number = row_number
        self.raw = raw
        self.values = values
        self.errors = errors  # [(column label, code, message)] when rejected
        self.status = "rejected" if errors else ""

    def __repr__(self) -> str:
        return f"ImportRow({self.row_number}, {self.status or 'valid'}, {self.errors or self.values})"


RowResult = ImportRow  # the name used in the design notes

_SUMMARY_RE = re.compile(r"^\s*(?:合\s*计|总\s*计|小\s*计|共\s*计)(?:$|[\s:：(（\d])")
_FOOTER_RE = re.compile(
    r"^\s*(?:填表人|制表人|审核人|审批人|填报人|负责人|单位负责人|经办人|联系人|制表日期|填表日期|填报日期|"
    r"审核日期|注|说明|填表说明|备注)\s*[:：]"
)
_MARKER_CHARS = frozenset("合总小共填制审负单经联注说备")
_ORDINAL_TEXT = frozenset("甲乙丙丁戊己庚辛")


def _row_marker(values: list[Any]) -> str | None:
    """'summary' for a 合计 row, 'footer' for a sign-off line, else None."""
    for value in values:
        if value != "":
            break
    else:
        return None
    if value.__class__ is not str or value.lstrip()[:1] not in _MARKER_CHARS:
        return None
    if _SUMMARY_RE.match(value):
        return "summary"
    if _FOOTER_RE.match(value) and sum(1 for cell in values if cell != "") <= 4:
        return "footer"
    return None


def _is_column_number_row(values: list[Any]) -> bool:
    """A row of column numbers under a header (甲 乙 1 2 3 …) — not data."""
    cells = [value for value in values if value != ""]
    if len(cells) < 3:
        return False
    expected = None
    for value in cells:
        if value.__class__ is str and value.strip() in _ORDINAL_TEXT:
            continue
        number = textnorm.cell_to_text(value).strip()
        if not number.isdigit():
            return False
        if expected is not None and int(number) != expected:
            return False
        expected = int(number) + 1
    return True


# --- the report -----------------------------------------------------------------------------------------


class ImportReport:
    """Counts, errors and (spooled to disk) the per-row results of one import."""

    def __init__(self, *, sheet_name: str = "", header: Header | None = None, keep_rows: str | None = "all") -> None:
        if keep_rows not in ("all", "problems", None):
            raise ValueError("keep_rows must be 'all', 'problems' or None")
        self.total_rows = 0
        self.imported = 0
        self.updated = 0
        self.skipped = 0
        self.rejected = 0
        self.valid = 0  # dry run: rows that would be applied
        self.errors: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.sheet_name = sheet_name
        self.header = header
        self.aborted = False
        self.dry_run = False
        self.seconds = 0.0
        self._keep_rows = keep_rows
        self._spool: IO[bytes] | None = tempfile.TemporaryFile() if keep_rows else None  # noqa: SIM115
        self._width = len(header.labels) if header else 0

    # counting -----------------------------------------------------------------------------

    def _record(self, rows: list[ImportRow]) -> None:
        errors = self.errors
        for row in rows:
            status = row.status
            if status == "imported":
                self.imported += 1
            elif status == "updated":
                self.updated += 1
            elif status == "rejected":
                self.rejected += 1
                for column, code, message in row.errors or ():
                    errors.append({"row": row.row_number, "column": column, "code": code, "message": message})
            elif status == "valid":
                self.valid += 1
            else:  # skipped, not_applied
                self.skipped += 1
        self.total_rows += len(rows)
        if self._spool is not None:
            keep = rows if self._keep_rows == "all" else [row for row in rows if row.status == "rejected"]
            if keep:
                pickler = pickle.Pickler(self._spool, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.fast = True  # no memo: the rows are plain values read from the file
                pickler.dump([(row.row_number, row.raw, row.status, _error_text(row.errors)) for row in keep])
                self._width = max(self._width, max(map(len, (row.raw for row in keep))))

    def _abort(self) -> None:
        self.aborted = True
        self.skipped += self.imported + self.updated
        self.imported = self.updated = 0

    # output --------------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """Exactly the JSON report of the issue (row = the spreadsheet's own row number)."""
        return {
            "total_rows": self.total_rows,
            "imported": self.imported,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "errors": list(self.errors),
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, **kwargs)

    def summary(self) -> str:
        """One line in Chinese, for the command line and the job page."""
        if self.dry_run:
            return f"共 {self.total_rows} 行：可导入 {self.valid} 行，有错误 {self.rejected} 行（仅检查，未写入）。"
        text = (
            f"共 {self.total_rows} 行：新增 {self.imported}，更新 {self.updated}，"
            f"跳过 {self.skipped}，拒绝 {self.rejected}。"
        )
        if self.aborted:
            text += "整批导入模式下有被拒绝的行，所有行均未导入。"
        return text

    def iter_rows(self) -> Iterator[tuple[int, list[Any], str, str]]:
        """(row number, original values, status, error text) for each kept row, in file order."""
        if self._spool is None:
            raise RuntimeError("this report was created with keep_rows=None")
        self._spool.flush()
        self._spool.seek(0)
        while True:
            try:
                chunk = pickle.load(self._spool)
            except EOFError:
                break
            yield from chunk
        self._spool.seek(0, 2)

    def to_xlsx(self, target: Any) -> None:
        """The per-row report: 原行号, the file's columns, 结果, 错误说明 (constant memory)."""
        import xlsxwriter

        workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        try:
            sheet = workbook.add_worksheet("导入结果")
            bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
            red = workbook.add_format({"font_color": "#C00000"})
            date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
            datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
            labels = list(self.header.labels) if self.header else []
            width = max(self._width, len(labels))
            labels += [column_letter(position) for position in range(len(labels), width)]
            headings = ["原行号", *[label or column_letter(i) for i, label in enumerate(labels)], "结果", "错误说明"]
            for col, heading in enumerate(headings):
                sheet.write_string(0, col, heading, bold)
            sheet.set_column(0, 0, 8)
            sheet.set_column(1, width, 14)
            sheet.set_column(width + 1, width + 1, 8)
            sheet.set_column(width + 2, width + 2, 60)
            sheet.freeze_panes(1, 1)
            for out, (row_number, raw, status, error_text) in enumerate(self.iter_rows(), 1):
                sheet.write_number(out, 0, row_number)
                for col, value in enumerate(raw, 1):
                    _write_cell(sheet, out, col, value, date_format, datetime_format)
                if self.aborted and status in ("imported", "updated", "skipped"):
                    status = "not_applied"
                label = STATUS_LABELS.get(status, status)
                sheet.write_string(out, width + 1, label, red if status == "rejected" else None)
                if error_text:
                    sheet.write_string(out, width + 2, error_text, red)
                elif status == "not_applied":
                    sheet.write_string(out, width + 2, "整批导入模式：文件中有被拒绝的行，所有行均未导入。")
            notes = workbook.add_worksheet("汇总")
            notes.set_column(0, 0, 90)
            notes.write_string(0, 0, self.summary(), bold)
            if self._keep_rows == "problems":
                notes.write_string(
                    1,
                    0,
                    f"文件较大（{self.total_rows:,} 行），“导入结果”表只列出被拒绝的行；"
                    "其余各行均已按汇总处理，不再逐行列出。",
                )
            for line, warning in enumerate(self.warnings, 2):
                notes.write_string(line, 0, warning)
        finally:
            workbook.close()

    def close(self) -> None:
        """Delete the spooled rows (also done when the report is garbage-collected)."""
        spool, self._spool = getattr(self, "_spool", None), None
        if spool is not None:
            spool.close()

    def __enter__(self) -> ImportReport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def _error_text(errors: list[tuple[str, str, str]] | None) -> str:
    if not errors:
        return ""
    return "；".join(f"{column}：{message}" if column else message for column, _code, message in errors)


def _write_cell(sheet: Any, row: int, col: int, value: Any, date_format: Any, datetime_format: Any) -> None:
    import datetime as dt

    cls = value.__class__
    if cls is str:
        if value:
            sheet.write_string(row, col, value)
    elif cls is float or cls is int:
        sheet.write_number(row, col, value)
    elif cls is bool:
        sheet.write_boolean(row, col, value)
    elif cls is dt.datetime:
        sheet.write_datetime(row, col, value, datetime_format)
    elif cls is dt.date:
        sheet.write_datetime(row, col, value, date_format)
    elif value is not None:
        sheet.write_string(row, col, str(value))


# --- per-row cell validation, compiled ---------------------------------------------------------------

_CELL_TEMPLATE = """
    value = raw[{position}] if {position} < size else ""
    if value != "":
        try:
{normalize}
            if value != "":
                filled = True
{guard}{parse}                v_{i} = value
{blank}        except CellError as error:
            filled = True
            errors = _add_cell_error(errors, error, label_{i})
        except ValidationError as error:
            filled = True
            errors = _add_validation_error(errors, error, label_{i})
{empty}"""
_INLINE_TEXT = """\
            if value.__class__ is str and needs_cleaning(value) is None:
                value = value.strip()
                if "  " in value:
                    value = " ".join(value.split())
            else:
                value = clean_text(value)"""
# For some kinds, a test that the value is already normal (then the normaliser is not called).
_ALREADY_NORMAL = {
    "name": ("value.__class__ is str and needs_name_cleaning(value) is None", "pass"),
    "phone": ("value.__class__ is str and value.isascii() and value.isdigit()", "pass"),
    "id_number": (
        "value.__class__ is str and len(value) == 18 and value[-1] != '0' and value.isascii() and value.isalnum()",
        "value = value.upper()",
    ),
}
_GUARD = """\
                if value.__class__ is str and value[0] in "=+-@" and looks_like_formula(value):
                    raise CellError(label_{i}, formula_error_message(value), "formula")
"""


def _normalize_source(kind: str, i: int) -> str:
    if kind == "text":
        return _INLINE_TEXT
    if kind in _ALREADY_NORMAL:
        test, action = _ALREADY_NORMAL[kind]
        return (
            f"            if {test}:\n"
            f"                {action}\n"
            "            else:\n"
            f"                value = normalize_{i}(value)"
        )
    return f"            value = normalize_{i}(value)"


def _compile_cell_validator(
    columns: Sequence[Column], header: Header
) -> Callable[[list[Any]], tuple[dict[str, Any], list | None, list | None, bool]]:
    """Build ``validate(raw) -> (values, errors, missing, filled)`` for this file's columns.

    The hot path of an import: at a million rows of a dozen columns, a generic loop over
    the columns costs as much as everything else together, so the loop is unrolled into
    straight-line code (one block per column, from the fixed templates above, with the
    common already-normal cases tested inline instead of calling the normaliser). Nothing
    from the file goes into the source: labels and functions are passed as variables;
    column keys (from our code) appear as string literals.
    """
    namespace: dict[str, Any] = {
        "CellError": CellError,
        "ValidationError": ValidationError,
        "needs_cleaning": textnorm.NEEDS_CLEANING.search,
        "needs_name_cleaning": textnorm.NEEDS_NAME_CLEANING.search,
        "clean_text": textnorm.clean_text,
        "looks_like_formula": textnorm.looks_like_formula,
        "formula_error_message": textnorm.formula_error_message,
        "_add_cell_error": _add_cell_error,
        "_add_validation_error": _add_validation_error,
        "_add_missing": _add_missing,
    }
    blocks = []
    for i, column in enumerate(columns):
        if not column.key.isidentifier():
            raise ValueError(f"column key {column.key!r} must be an identifier")
        if column.key not in header.positions:
            continue
        position = header.positions[column.key]
        namespace[f"label_{i}"] = header.labels[position] or column.label
        namespace[f"normalize_{i}"] = NORMALIZERS[column.kind]
        namespace[f"parse_{i}"] = column.parse
        missing = f"missing = _add_missing(missing, label_{i})"
        blocks.append(
            _CELL_TEMPLATE.format(
                i=i,
                position=int(position),
                normalize=_normalize_source(column.kind, i),
                guard=_GUARD.format(i=i) if column.check_formula else "",
                parse=f"                value = parse_{i}(value)\n" if column.parse else "",
                blank=f"            else:\n                {missing}\n" if column.required else "",
                empty=f"    else:\n        {missing}\n" if column.required else "",
            )
        )
    names = [f"v_{i}" for i in range(len(columns))]
    result = ", ".join(f"{column.key!r}: v_{i}" for i, column in enumerate(columns))
    source = (
        "def validate(raw):\n"
        "    size = len(raw)\n"
        f"    {' = '.join(names) or '_'} = None\n"
        "    errors = missing = None\n"
        "    filled = False\n" + "".join(blocks) + f"    return {{{result}}}, errors, missing, filled\n"
    )
    exec(compile(source, "<import row validator>", "exec"), namespace)  # source built from fixed templates
    return namespace["validate"]


def _add_missing(missing: list[str] | None, label: str) -> list[str]:
    return [label] if missing is None else [*missing, label]


def _add_cell_error(errors: list | None, error: CellError, label: str) -> list:
    errors = errors or []
    errors.append((error.column or label, error.code, error.message))
    return errors


def _add_validation_error(errors: list | None, error: ValidationError, label: str) -> list:
    errors = errors or []
    for code, message in _validation_items(error):
        errors.append((label, code, message))
    return errors


# --- the pipeline ------------------------------------------------------------------------------------------

Outcome = str | CellError | Sequence[CellError]
ApplyBatch = Callable[[list[ImportRow]], Sequence[Outcome] | Callable[[], Sequence[Outcome]]]


class ImportPipeline:
    """Validate rows against ``columns`` and feed valid ones to ``apply_batch`` in batches.

    ``duplicate_key(values) -> Hashable | None`` finds repeats inside the file (the second
    occurrence is rejected naming the first); ``clean_row(values) -> dict | None`` runs
    cross-column checks on a row whose cells are all valid (raise CellError with a
    column label or None; return a new dict to replace the values).
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        duplicate_key: Callable[[dict[str, Any]], Hashable | None] | None = None,
        duplicate_column: str = "",
        duplicate_message: str = "与第 {first_row} 行重复，同一文件中同一条记录只能出现一次，请删除重复的行。",
        clean_row: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
        batch_size: int = 2000,
    ) -> None:
        self.columns = list(columns)
        _synonym_index(self.columns)  # fail early on conflicting synonyms
        self.duplicate_key = duplicate_key
        self.duplicate_column = duplicate_column
        self.duplicate_message = duplicate_message
        self.clean_row = clean_row
        self.batch_size = batch_size

    def open(self, source: Any, *, sheet: str | int | None = None, filename: str | None = None) -> Table:
        return open_table(source, self.columns, sheet=sheet, filename=filename)

    # validation ---------------------------------------------------------------------------

    def validate_rows(
        self, rows: Iterable[tuple[int, list[Any]]], header: Header, warnings: list[str] | None = None
    ) -> Iterator[ImportRow]:
        """Yield an ImportRow per data row (rejected ones carry errors); skips non-data rows."""
        validate_cells = _compile_cell_validator(self.columns, header)
        duplicate_key = self.duplicate_key
        seen: dict[Hashable, int] = {}
        clean_row = self.clean_row
        first_data = True
        ended_at = None

        iterator = iter(rows)
        for row_number, raw in iterator:
            first = raw[0] if raw else ""
            if first == "" or (first.__class__ is str and first.lstrip()[:1] in _MARKER_CHARS):
                marker = _row_marker(raw)
                if marker == "summary":
                    continue
                if marker == "footer":
                    ended_at = row_number
                    break
            if first_data and _is_column_number_row(raw):
                first_data = False
                continue
            values, errors, missing, filled = validate_cells(raw)
            if not filled:
                continue  # an empty row (or only unknown columns)
            first_data = False
            if missing:
                errors = errors or []
                for label in missing:
                    errors.append((label, "required", f"“{label}”不能为空，请填写。"))
            if errors is None and clean_row is not None:
                try:
                    replaced = clean_row(values)
                    if replaced is not None:
                        values = replaced
                except CellError as error:
                    errors = [(error.column or "", error.code, error.message)]
                except ValidationError as error:
                    errors = [("", code, message) for code, message in _validation_items(error)]
            if errors is None and duplicate_key is not None:
                key = duplicate_key(values)
                if key is not None:
                    first_row = seen.setdefault(key, row_number)
                    if first_row != row_number:
                        errors = [
                            (
                                self.duplicate_column,
                                "duplicate_in_file",
                                self.duplicate_message.format(first_row=first_row),
                            )
                        ]
            yield ImportRow(row_number, raw, None if errors else values, errors)

        if ended_at is not None and warnings is not None:
            first_left, left = None, 0
            for number, raw in iterator:
                if raw.count("") != len(raw):
                    first_left = first_left or number
                    left += 1
            if left:
                warnings.append(
                    f"第 {ended_at} 行是落款或说明，表格到此为止；其后第 {first_left} 行起还有 {left} 行内容"
                    "没有导入。如需导入，请把落款移到最后。"
                )

    # running --------------------------------------------------------------------------------

    def run(
        self,
        table: Table,
        *,
        apply_batch: ApplyBatch | None = None,
        all_or_nothing: bool = False,
        keep_rows: str | None = "all",
        progress: Callable[[int, int | None], None] | None = None,
        parallel: bool | None = None,
    ) -> ImportReport:
        """Validate every row and apply valid ones; see the module docstring for the modes.

        ``apply_batch(rows)`` returns one outcome per row: "imported", "updated",
        "skipped", or a CellError (or list of them) to reject the row — or a callable that
        returns them later, when its writes are still under way (see ``_apply``). Without
        ``apply_batch`` the run only validates (report.dry_run, counts in report.valid).
        ``parallel``: read and validate in a forked worker process while this one applies
        (default: for files of PARALLEL_MIN_ROWS rows or more, where fork exists).
        """
        with _fewer_collections():
            return self._run(table, apply_batch, all_or_nothing, keep_rows, progress, parallel)

    def _run(
        self,
        table: Table,
        apply_batch: ApplyBatch | None,
        all_or_nothing: bool,
        keep_rows: str | None,
        progress: Callable[[int, int | None], None] | None,
        parallel: bool | None,
    ) -> ImportReport:
        started = time.perf_counter()
        report = ImportReport(sheet_name=table.sheet.name, header=table.header, keep_rows=keep_rows)
        report.warnings.extend(table.warnings)
        total = table.estimated_rows
        if parallel is None:
            parallel = total is not None and total >= PARALLEL_MIN_ROWS and _can_fork()
        if parallel:
            rows = _validated_in_worker(self, table, report.warnings)
        else:
            rows = self.validate_rows(table.rows(), table.header, report.warnings)
        if apply_batch is None:
            report.dry_run = True
            self._apply(rows, None, report, progress, total)
        elif not all_or_nothing:
            self._apply(rows, apply_batch, report, progress, total)
        else:
            # First pass: validate everything into a spool; the progress bar shows it as the first half.
            validated = 0
            with tempfile.TemporaryFile() as spool:
                any_rejected = False
                for chunk in _chunks(rows, self.batch_size):
                    any_rejected = any_rejected or any(row.errors for row in chunk)
                    pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
                    validated += len(chunk)
                    if progress is not None:
                        progress(validated // 2, total)
                spool.seek(0)
                replay = _unspool(spool)
                second_half = None
                if progress is not None:

                    def second_half(done: int, total: int | None) -> None:
                        progress(validated // 2 + (done - done // 2), total)

                self._apply(replay, _not_applied if any_rejected else apply_batch, report, second_half, total)
            if report.rejected:
                report._abort()
                report.seconds = time.perf_counter() - started
                raise ImportAborted(report)
        report.seconds = time.perf_counter() - started
        return report

    def _apply(
        self,
        rows: Iterable[ImportRow],
        apply_batch: ApplyBatch | None,
        report: ImportReport,
        progress: Callable[[int, int | None], None] | None,
        total: int | None,
    ) -> None:
        batch_size = self.batch_size
        pending: list[ImportRow] = []
        valid: list[ImportRow] = []
        # apply_batch may return a callable that gives the outcomes later (its writes go on while
        # the next batch is read and validated); at most one batch is in flight, recorded in order.
        in_flight: list[tuple[list[ImportRow], list[ImportRow], Callable[[], Sequence[Outcome]]]] = []

        def record(rows: list[ImportRow], applied: list[ImportRow], outcomes: Sequence[Outcome] | None) -> None:
            if outcomes is not None:
                if len(outcomes) != len(applied):
                    raise ValueError(f"apply_batch returned {len(outcomes)} outcomes for {len(applied)} rows")
                for row, outcome in zip(applied, outcomes, strict=True):
                    if outcome.__class__ is str and outcome in _APPLIED:
                        row.status = outcome
                    else:
                        _set_outcome(row, outcome)
            report._record(rows)
            if progress is not None:
                progress(report.total_rows, total)

        def settle() -> None:
            if in_flight:
                rows, applied, later = in_flight.pop()
                record(rows, applied, later())

        def flush() -> None:
            outcomes = None
            if valid:
                if apply_batch is None:
                    for row in valid:
                        row.status = "valid"
                else:
                    outcomes = apply_batch(valid)
            settle()
            if callable(outcomes):
                in_flight.append((list(pending), list(valid), outcomes))
            else:
                record(pending, valid, outcomes)
            pending.clear()
            valid.clear()

        for row in rows:
            pending.append(row)
            if row.errors is None:
                valid.append(row)
                if len(valid) >= batch_size:
                    flush()
            elif len(pending) >= 4 * batch_size:
                flush()
        flush()
        settle()


_APPLIED = frozenset({"imported", "updated", "skipped", "not_applied"})

# --- garbage collection ------------------------------------------------------------------------------------

IMPORT_GC_THRESHOLD = 100_000  # container allocations between young-generation collections during an import
_GC_LOCK = threading.Lock()
_GC_STATE: dict[str, Any] = {"imports": 0, "saved": None}


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect the young generation every IMPORT_GC_THRESHOLD allocations instead of every 700.

    Every row allocates a dozen containers (cell lists, value dicts, tuples) that die by
    reference counting, yet they trigger the cycle collector, whose older generations walk
    every object of the process (all of Django's): a sixth of a large import's Python time.
    Collection still happens, only less often; the threshold is put back when the last
    import running in this process ends.
    """
    with _GC_LOCK:
        if _GC_STATE["imports"] == 0:
            _GC_STATE["saved"] = gc.get_threshold()
            first, *older = _GC_STATE["saved"]
            gc.set_threshold(max(first, IMPORT_GC_THRESHOLD), *older)
        _GC_STATE["imports"] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_STATE["imports"] -= 1
            if _GC_STATE["imports"] == 0:
                gc.set_threshold(*_GC_STATE["saved"])


# --- reading and validating in a worker process ----------------------------------------------------------

PARALLEL_MIN_ROWS = 20_000  # below this, starting a worker costs more than it saves
WORKER_CHUNK = 2000  # rows per message from the worker


def _can_fork() -> bool:
    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()


def _validated_in_worker(pipeline: ImportPipeline, table: Table, warnings: list[str]) -> Iterator[ImportRow]:
    """``pipeline.validate_rows`` run in a forked child, its rows yielded here in file order.

    Parsing the sheet and validating the cells is half of a large import's Python time; in a
    child it runs on the other core while this process looks up, seals and writes. The child
    inherits the open table (fork: no re-opening, no pickling of the column parsers), touches
    no database connection and sends plain tuples through a pipe, a chunk at a time (the pipe
    blocks when this side falls behind, so memory stays at a few chunks). Its errors (a sheet
    that turns out corrupt half-way) are raised here; if this side stops early, the child is
    killed. Same rows, same order, same warnings as ``validate_rows``.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    keys = [column.key for column in pipeline.columns]
    worker = context.Process(
        target=_validate_worker, args=(pipeline, table, sender, receiver, keys), name="import-validate", daemon=False
    )
    worker.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = pickle.loads(receiver.recv_bytes())
            except EOFError:
                raise RuntimeError("the import's validation worker ended without an answer") from None
            if kind == "rows":
                for number, raw, values, errors in payload:
                    if values.__class__ is tuple:
                        values = dict(zip(keys, values, strict=True))
                    yield ImportRow(number, raw, values, errors)
            elif kind == "end":
                warnings.extend(payload)
                return
            else:
                raise payload
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()  # only when this side stopped early: the child would block on a full pipe
        worker.join()


def _validate_worker(pipeline: ImportPipeline, table: Table, sender: Any, receiver: Any, keys: list[str]) -> None:
    """The child's side of ``_validated_in_worker``: values as tuples in column order when a row
    has exactly the columns' keys (a dict is slow to unpickle), else as the dict itself."""
    receiver.close()  # the parent's end: once the parent is gone (even killed), sending fails and this ends
    key_set = frozenset(keys)
    dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
    try:
        warnings: list[str] = []
        chunk: list[tuple[Any, ...]] = []
        for row in pipeline.validate_rows(table.rows(), table.header, warnings):
            values = row.values
            if values is not None and values.keys() == key_set:
                values = tuple([values[key] for key in keys])
            chunk.append((row.row_number, row.raw, values, row.errors))
            if len(chunk) >= WORKER_CHUNK:
                sender.send_bytes(dumps(("rows", chunk), protocol))
                chunk = []
        if chunk:
            sender.send_bytes(dumps(("rows", chunk), protocol))
        sender.send_bytes(dumps(("end", warnings), protocol))
    except BaseException as error:  # every failure goes to the parent, which raises it
        try:
            message = dumps(("error", error), protocol)
        except Exception:  # an exception that cannot be pickled
            message = dumps(("error", RuntimeError(repr(error))), protocol)
        with contextlib.suppress(OSError):  # the parent is gone
            sender.send_bytes(message)
    finally:
        sender.close()


def _set_outcome(row: ImportRow, outcome: Outcome) -> None:
    if isinstance(outcome, str):
        if outcome not in _APPLIED:
            raise ValueError(f"unknown import outcome {outcome!r}")
        row.status = outcome
        return
    errors = [outcome] if isinstance(outcome, CellError) else list(outcome)
    row.status = "rejected"
    row.errors = [(error.column or "", error.code, error.message) for error in errors]


def _not_applied(rows: list[ImportRow]) -> list[str]:
    return ["not_applied"] * len(rows)


def _validation_items(error: ValidationError) -> list[tuple[str, str]]:
    """(code, message) pairs of a ValidationError, whatever way it was built."""
    if not hasattr(error, "error_list"):  # built from a dict
        return [("invalid", message) for message in error.messages]
    items = []
    for item in error.error_list:
        message = item.message
        if item.params:
            message = message % item.params
        items.append((item.code or "invalid", str(message)))
    return items


def _chunks(rows: Iterable[ImportRow], size: int) -> Iterator[list[ImportRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _unspool(spool: IO[bytes]) -> Iterator[ImportRow]:
    while True:
        try:
            chunk = pickle.load(spool)
        except EOFError:
            return
        yield from chunk


def run_import(
    source: Any,
    columns: Sequence[Column],
    *,
    apply_batch: ApplyBatch | None = None,
    sheet: str | int | None = None,
    filename: str | None = None,
    all_or_nothing: bool = False,
    duplicate_key: Callable[[dict[str, Any]], Hashable | None] | None = None,
    duplicate_column: str = "",
    clean_row: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
    batch_size: int = 2000,
    keep_rows: str | None = "all",
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Open, find the header, validate and apply in one call (raises SpreadsheetError for a bad file)."""
    pipeline = ImportPipeline(
        columns,
        duplicate_key=duplicate_key,
        duplicate_column=duplicate_column,
        clean_row=clean_row,
        batch_size=batch_size,
    )
    with pipeline.open(source, sheet=sheet, filename=filename) as table:
        return pipeline.run(
            table, apply_batch=apply_batch, all_or_nothing=all_or_nothing, keep_rows=keep_rows, progress=progress
        )
