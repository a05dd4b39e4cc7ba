"""Reading .xlsx / .xls / .ods and .csv files row by row, with clear Chinese errors.

The format is decided by the file's content, not its name (people rename files). .xlsx is
streamed from the zip member by our own reader (constant memory apart from the shared-strings
table; see "streaming .xlsx reader" below). .xls and .ods are read with python-calamine: the
chosen sheet is parsed once into Rust memory (≈1 KB per 12-column row) and rows are then
handed to Python one at a time, so a large sheet is never a list of Python objects. CSV is
streamed with the csv module: the encoding (UTF-8 with or without BOM, UTF-16 with BOM,
GB18030/GBK) and the delimiter (comma, tab, semicolon) are detected from the first megabyte.

Every problem with the file itself raises ``SpreadsheetError`` with a message for the
user; nothing else escapes for a bad file.

    with Spreadsheet.open(path_or_file, filename="花名册.xlsx") as book:
        sheet = book.sheet()            # or book.sheet("花名册") / book.sheet(0)
        for row_number, values in sheet.rows():
            ...                         # row_number is the spreadsheet's own, 1-based
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import functools
import io
import logging
import math
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

import python_calamine

logger = logging.getLogger(__name__)

SAMPLE_SIZE = 1 << 20  # bytes looked at to detect the format, encoding and delimiter
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARKER = "EncryptedPackage".encode("utf-16-le")
_WORD_MARKER = "WordDocument".encode("utf-16-le")
_PPT_MARKER = "PowerPoint Document".encode("utf-16-le")
_UPLOAD_HINT = "请上传 .xlsx、.xls 或 .csv 格式的表格。"
_SAVE_AS_XLSX = "请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再上传。"


class SpreadsheetError(Exception):
    """The file cannot be read as a spreadsheet; ``message`` says why in Chinese."""

    def __init__(self, message: str, *, code: str = "bad_file") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class SheetInfo:
    index: int  # 0-based position in the workbook
    name: str
    rows: int  # rows with at least one non-empty cell
    hidden: bool = False

    def describe(self) -> str:
        hidden = "，隐藏" if self.hidden else ""
        return f"“{self.name}”（{self.rows} 行{hidden}）"


class SheetChoiceRequired(SpreadsheetError):
    """Several sheets hold data and the caller did not say which one to import."""

    def __init__(self, sheets: list[SheetInfo], *, detail: str = "") -> None:
        listing = "、".join(sheet.describe() for sheet in sheets)
        message = f"文件中有 {len(sheets)} 个工作表都有数据：{listing}。{detail}请选择要导入的工作表。"
        super().__init__(message, code="sheet_choice")
        self.sheets = sheets


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _row_is_empty(values: list[Any]) -> bool:
    return values.count("") == len(values)


class Sheet:
    """One sheet: ``rows()`` yields (spreadsheet row number, list of cell values).

    Cell values are str (empty cells are ""), float, bool, datetime.date/datetime/time/timedelta
    for Excel files and str for CSV. ``first_column`` is the 0-based column of the first value
    in each list (Excel files drop empty leading columns). ``merged`` lists merged areas as
    (first_row, first_col, last_row, last_col) with 1-based rows and 0-based columns relative
    to the value lists.
    """

    def __init__(
        self,
        *,
        name: str,
        index: int,
        hidden: bool = False,
        estimated_rows: int | None = None,
        first_column: int = 0,
        merged: list[tuple[int, int, int, int]] | None = None,
    ) -> None:
        self.name = name
        self.index = index
        self.hidden = hidden
        self.estimated_rows = estimated_rows
        self.first_column = first_column
        self.merged = merged or []

    def rows(self) -> Iterator[tuple[int, list[Any]]]:  # pragma: no cover - overridden
        raise NotImplementedError

    def count_rows(self) -> int:
        return sum(1 for _number, values in self.rows() if not _row_is_empty(values))

    def has_data(self) -> bool:
        return any(not _row_is_empty(values) for _number, values in self.rows())


class _CalamineSheet(Sheet):
    def __init__(self, data: python_calamine.CalamineSheet, *, index: int, hidden: bool) -> None:
        start = data.start if data.height else None
        merged = []
        first_column = start[1] if start else 0
        for (row0, col0), (row1, col1) in data.merged_cell_ranges or ():
            merged.append((row0 + 1, col0 - first_column, row1 + 1, col1 - first_column))
        super().__init__(
            name=data.name,
            index=index,
            hidden=hidden,
            estimated_rows=(data.end[0] + 1) if start else 0,
            first_column=first_column,
            merged=merged,
        )
        self._data = data

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        if not self._data.height:
            return iter(())
        # iter_rows() starts at the sheet's first row (leading empty rows come as empty
        # lists), so counting from 1 gives the spreadsheet's own row numbers.
        return enumerate(self._data.iter_rows(), 1)


class _CsvSheet(Sheet):
    def __init__(
        self, book: Spreadsheet, *, name: str, encoding: str, delimiter: str, estimated_rows: int | None
    ) -> None:
        super().__init__(name=name, index=0, estimated_rows=estimated_rows)
        self._book = book
        self.encoding = encoding
        self.delimiter = delimiter

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        binary = self._book._binary_stream()
        text = io.TextIOWrapper(binary, encoding=self.encoding, errors="strict", newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        try:
            yield from enumerate(reader, 1)
        except UnicodeDecodeError:
            raise SpreadsheetError(
                f"CSV 文件第 {reader.line_num + 1} 行附近有无法识别的文字：文件中混用了不同的文字编码。"
                "请用 Excel 或 WPS 打开后另存为“CSV UTF-8”或 Excel 工作簿（.xlsx）再上传。",
                code="csv_encoding",
            ) from None
        except csv.Error as error:
            raise SpreadsheetError(
                f"CSV 文件第 {reader.line_num} 行附近格式有误（{error}），请检查该行的引号是否成对。" + _SAVE_AS_XLSX,
                code="csv_format",
            ) from None
        finally:
            if self._book._owns_stream(binary):
                text.close()
            else:
                text.detach()


class Spreadsheet:
    """An opened spreadsheet file. Use ``Spreadsheet.open`` (also as a context manager)."""

    format: str  # "xlsx", "xls", "ods", "csv"

    def __init__(self, source: str | os.PathLike | IO[bytes], *, filename: str | None = None) -> None:
        self._path: str | None = None
        self._stream: IO[bytes] | None = None
        if isinstance(source, str | os.PathLike):
            self._path = os.fspath(source)
        elif hasattr(source, "temporary_file_path"):  # Django TemporaryUploadedFile
            self._path = source.temporary_file_path()
        elif hasattr(source, "read") and hasattr(source, "seek"):
            self._stream = source
        else:
            raise TypeError("source must be a path or a binary file object")
        self.filename = filename or (Path(self._path).name if self._path else getattr(source, "name", "") or "")
        self._workbook: python_calamine.CalamineWorkbook | None = None
        self._xlsx: _XlsxPackage | None = None
        self._loaded: dict[int, Sheet] = {}
        self._csv: _CsvSheet | None = None

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, source: str | os.PathLike | IO[bytes], *, filename: str | None = None) -> Spreadsheet:
        book = cls(source, filename=filename)
        book._detect()
        return book

    def __enter__(self) -> Spreadsheet:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._loaded.clear()
        if self._workbook is not None:
            with contextlib.suppress(python_calamine.CalamineError):  # already closed
                self._workbook.close()
            self._workbook = None
        if self._xlsx is not None:
            self._xlsx.close()
            self._xlsx = None

    def _binary_stream(self) -> IO[bytes]:
        if self._path is not None:
            return open(self._path, "rb")  # closed by the caller
        assert self._stream is not None
        self._stream.seek(0)
        return self._stream

    def _owns_stream(self, stream: IO[bytes]) -> bool:
        return stream is not self._stream

    def _read_head(self, size: int = SAMPLE_SIZE) -> bytes:
        stream = self._binary_stream()
        try:
            return stream.read(size) or b""
        finally:
            if self._owns_stream(stream):
                stream.close()
            else:
                stream.seek(0)

    def _scan_for(self, *markers: bytes) -> bytes | None:
        """Look for any marker anywhere in the file (used only after a read failed)."""
        stream = self._binary_stream()
        tail = b""
        try:
            while chunk := stream.read(1 << 20):
                window = tail + chunk
                for marker in markers:
                    if marker in window:
                        return marker
                tail = window[-64:]
        finally:
            if self._owns_stream(stream):
                stream.close()
            else:
                stream.seek(0)
        return None

    def _detect(self) -> None:
        try:
            head = self._read_head()
        except OSError:
            raise SpreadsheetError("无法读取上传的文件，请重新上传。", code="unreadable") from None
        if not head:
            raise SpreadsheetError("文件是空的（0 字节），请检查后重新上传。", code="empty_file")
        if head.startswith(_ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
            self.format, names = self._zip_format()
            if self.format == "xlsx" and "xl/workbook.xml" in names:
                self._open_xlsx()
            else:
                self._open_calamine()  # .ods, and .xlsb (binary cells in a zip)
        elif head.startswith(_OLE_MAGIC):
            self.format = "xls"
            self._open_calamine()
        else:
            self.format = "csv"
            self._csv = self._open_csv(head)

    def _zip_format(self) -> tuple[str, set[str]]:
        try:
            stream = self._binary_stream()
            try:
                names = set(zipfile.ZipFile(stream).namelist())
            finally:
                if self._owns_stream(stream):
                    stream.close()
                else:
                    stream.seek(0)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            raise SpreadsheetError(
                "文件已损坏（压缩结构不完整），无法打开。" + _SAVE_AS_XLSX, code="corrupt_file"
            ) from None
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "xlsx", names
        if "content.xml" in names and "mimetype" in names:
            return "ods", names
        if "word/document.xml" in names:
            raise SpreadsheetError("这是 Word 文档，不是 Excel 表格。" + _UPLOAD_HINT, code="not_spreadsheet")
        if any(name.startswith("ppt/") for name in names):
            raise SpreadsheetError("这是 PowerPoint 演示文稿，不是 Excel 表格。" + _UPLOAD_HINT, code="not_spreadsheet")
        raise SpreadsheetError(
            "这是一个压缩包（zip），不是 Excel 表格。请解压后上传其中的 .xlsx、.xls 或 .csv 文件。",
            code="not_spreadsheet",
        )

    def _open_calamine(self) -> None:
        try:
            if self._path is not None:
                self._workbook = python_calamine.CalamineWorkbook.from_path(self._path)
            else:
                assert self._stream is not None
                self._stream.seek(0)
                self._workbook = python_calamine.CalamineWorkbook.from_filelike(self._stream)
        except python_calamine.PasswordError:
            raise self._password_error() from None
        except (python_calamine.CalamineError, OSError, ValueError) as error:
            raise self._calamine_error(error) from None
        self._metadata = list(self._workbook.sheets_metadata)

    def _open_xlsx(self) -> None:
        with _reading():
            self._xlsx = _XlsxPackage(self)

    def _password_error(self) -> SpreadsheetError:
        return SpreadsheetError(
            "文件设置了打开密码，系统无法读取。请在 Excel 中打开文件，通过“文件 → 信息 → 保护工作簿 → 用密码进行加密”"
            "清空密码（WPS：“文件 → 文档加密 → 密码加密”）并保存后重新上传。",
            code="password_protected",
        )

    def _calamine_error(self, error: Exception) -> SpreadsheetError:
        if self.format == "xls":
            marker = self._scan_for(_ENCRYPTED_MARKER, _WORD_MARKER, _PPT_MARKER)
            if marker == _ENCRYPTED_MARKER:
                return self._password_error()
            if marker == _WORD_MARKER:
                return SpreadsheetError("这是 Word 文档，不是 Excel 表格。" + _UPLOAD_HINT, code="not_spreadsheet")
            if marker == _PPT_MARKER:
                return SpreadsheetError(
                    "这是 PowerPoint 演示文稿，不是 Excel 表格。" + _UPLOAD_HINT,
                    code="not_spreadsheet",
                )
        if "password" in str(error).lower() or "encrypt" in str(error).lower():
            return self._password_error()
        logger.warning("spreadsheet could not be read (%s): %s", self.format, type(error).__name__)
        return SpreadsheetError("文件已损坏或不是有效的 Excel 文件，无法读取。" + _SAVE_AS_XLSX, code="corrupt_file")

    def _open_csv(self, head: bytes) -> _CsvSheet:
        encoding = _detect_encoding(head)
        sample = head.decode(encoding if encoding != "utf-16" else "utf-16", errors="ignore")
        delimiter = _sniff_delimiter(sample)
        name = Path(self.filename).stem if self.filename else "CSV"
        return _CsvSheet(
            self, name=name or "CSV", encoding=encoding, delimiter=delimiter, estimated_rows=self._estimate_rows(head)
        )

    def _estimate_rows(self, head: bytes) -> int | None:
        """Rows in the whole file, extrapolated from the sample (for progress bars only)."""
        stream = self._binary_stream()
        try:
            size = stream.seek(0, os.SEEK_END)
        finally:
            if self._owns_stream(stream):
                stream.close()
            else:
                stream.seek(0)
        lines = head.count(b"\n")
        return round(size * lines / len(head)) if lines else None

    # --- sheets ------------------------------------------------------------------------

    def sheet_names(self) -> list[str]:
        if self._csv is not None:
            return [self._csv.name]
        if self._xlsx is not None:
            return [name for name, _hidden, _kind, _member in self._xlsx.sheets]
        return [meta.name for meta in self._metadata]

    def _sheet_count(self) -> int:
        return len(self._xlsx.sheets) if self._xlsx is not None else len(self._metadata)

    def _load(self, index: int) -> Sheet:
        if self._csv is not None:
            return self._csv
        if index in self._loaded:
            return self._loaded[index]
        if self._xlsx is not None:
            name, hidden, _kind, member = self._xlsx.sheets[index]
            with _reading(name):
                sheet: Sheet = _XlsxStreamSheet(self._xlsx, index=index, name=name, hidden=hidden, member=member)
            self._loaded[index] = sheet
            return sheet
        assert self._workbook is not None
        meta = self._metadata[index]
        try:
            data = self._workbook.get_sheet_by_index(index)
        except python_calamine.PasswordError:
            raise self._password_error() from None
        except (python_calamine.CalamineError, OSError, ValueError) as error:
            raise self._calamine_error(error) from None
        sheet = _CalamineSheet(data, index=index, hidden=meta.visible != python_calamine.SheetVisibleEnum.Visible)
        self._loaded[index] = sheet
        return sheet

    def _is_worksheet(self, index: int) -> bool:
        if self._xlsx is not None:
            return self._xlsx.sheets[index][2] == "worksheet"
        return self._metadata[index].typ == python_calamine.SheetTypeEnum.WorkSheet

    def sheets(self) -> list[SheetInfo]:
        """Every worksheet with its count of non-empty rows (reads each sheet once)."""
        if self._csv is not None:
            return [SheetInfo(0, self._csv.name, self._csv.count_rows())]
        infos = []
        for index in range(self._sheet_count()):
            if not self._is_worksheet(index):
                continue
            sheet = self._load(index)
            infos.append(SheetInfo(index, sheet.name, sheet.count_rows(), sheet.hidden))
            self._release(keep=None)
        return infos

    def data_sheets(self) -> list[Sheet]:
        """Visible worksheets that hold at least one non-empty cell."""
        if self._csv is not None:
            return [self._csv] if self._csv.has_data() else []
        found = []
        for index in range(self._sheet_count()):
            if not self._is_worksheet(index):
                continue
            sheet = self._load(index)
            if not sheet.hidden and sheet.has_data():
                found.append(sheet)
            else:
                self._loaded.pop(index, None)
        return found

    def sheet(self, choice: str | int | None = None) -> Sheet:
        """The sheet to read: by name, by 0-based index, or the only visible sheet with data.

        With no choice and several sheets holding data, raises SheetChoiceRequired listing them.
        """
        if self._csv is not None:
            return self._csv
        if choice is None:
            candidates = self.data_sheets()
            if not candidates:
                raise SpreadsheetError("文件中没有任何数据，请检查是否上传了正确的文件。", code="no_data")
            if len(candidates) > 1:
                raise SheetChoiceRequired([SheetInfo(s.index, s.name, s.count_rows(), s.hidden) for s in candidates])
            chosen = candidates[0]
        else:
            chosen = self._load(self._index_of(choice))
        self._release(keep=chosen.index)
        return chosen

    def _index_of(self, choice: str | int) -> int:
        names = self.sheet_names()
        if isinstance(choice, int) and not isinstance(choice, bool):
            if 0 <= choice < len(names):
                return choice
        elif choice in names:
            return names.index(choice)
        listing = "、".join(f"“{name}”" for name in names)
        raise SpreadsheetError(f"文件中没有工作表“{choice}”，现有的工作表是：{listing}。", code="sheet_not_found")

    def _release(self, *, keep: int | None) -> None:
        """Free parsed sheets other than ``keep`` (a calamine sheet holds its whole sheet in memory)."""
        for index in list(self._loaded):
            if index != keep:
                del self._loaded[index]


# --- streaming .xlsx reader -----------------------------------------------------------------------
#
# calamine parses a whole sheet into memory (≈1 GB for a 1,000,000-row roster), so .xlsx is read
# here straight from the zip member, a few megabytes at a time: a first pass over the compressed
# sheet finds the used range (which columns and rows hold values: calamine drops empty leading
# columns) and the merged areas (written after the cell data), the second pass parses rows with
# compiled regular expressions. Only the shared-strings table is held in memory (a list of str).
# Values are converted exactly as python-calamine converts them, so .xlsx, .xls and .ods behave
# alike.

_XLSX_CHUNK = 1 << 20  # decompressed bytes read from the zip member at a time
_MAX_COLUMNS = 16384
_REL_TYPES = {
    "worksheet": "worksheet",
    "chartsheet": "chartsheet",
    "dialogsheet": "dialogsheet",
    "macrosheet": "macrosheet",
    "xlMacrosheet": "macrosheet",
}
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_MS_PER_DAY = 86_400_000
_LAST_EXCEL_DAY = datetime.datetime(9999, 12, 31, 23, 59, 59, 999000)

# One cell. Attributes in any order (the repeated groups keep their last capture); the common
# bodies (<v>…</v> and <is><t>…</t></is>) get their own groups so most cells need no second look.
# Groups: column letters, style, type, <v> text, inline text, other body, unreadable cell.
_CELL = re.compile(
    r'<c(?:\s+r="([A-Z]{1,3})\d*"|\s+s="(\d*)"|\s+t="(\w*)"|\s+[\w:.-]+="[^"]*")*\s*'
    r"(?:/>|>(?:<v>([^<]*)</v>|<is><t(?:\s[^>]*)?>([^<]*)</t></is>|(.*?))</c>)"
    r"|(<c)[\s/>]",
    re.S,
)
# The common shapes in one pattern over raw bytes: r, s, t in this order, an optional plain
# formula, then <v>…</v> or <is><t>…</t></is>, or an empty styled cell. Every other cell
# matches the last alternative (its row number is then empty), and the piece is parsed
# with _ROW/_CELL instead.
_FAST_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?'
    rb"(?:/>|>(?:<f>[^<]*</f>)?(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)</c>)"
    rb"|(<c)[\s/>]"  # any other cell: the piece is read by _general_rows
)
_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)|</sheetData>", re.S)
_ROW_NUMBER = re.compile(r"""\br\s*=\s*["'](\d+)""")
_BODY_V = re.compile(r"<v(?:\s[^>]*)?>([^<]*)</v>")
_BODY_IS = re.compile(r"<is\b[^>]*?(?:/>|>(.*?)</is>)", re.S)
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_TEXT = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")
_SHARED = re.compile(r"<si>(?:<t(?:\s[^>]*)?>([^<]*)</t></si>|(.*?)</si>)|<si\s*/>", re.S)
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PREFIX = re.compile(rb"<(\w+):(?:worksheet|sheetData|sst)\b")
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?"')
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{2}:\d{2}:\d{2}(?:\.\d+)?")
_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)")
_COLUMN_INDEX: dict[str, int] = {}


def _column_index(letters: str) -> int:
    """Excel letters → 0-based column index (A → 0, AB → 27)."""
    index = _COLUMN_INDEX.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + ord(char) - 64
        index -= 1
        _COLUMN_INDEX[letters] = index
    return index


def _letters_outside(low: int, high: int) -> bytes:
    """A regex alternation of the column letters left of ``low`` or right of ``high``."""
    options = [column_letter(index).encode() for index in range(min(low, 702))]
    if low > 702:
        options = [rb"[A-Z]", rb"[A-Z]{2}"] + [
            column_letter(index).encode() for index in range(702, low)
        ]  # pragma: no cover - a sheet starting beyond column ZZ
    letters = column_letter(high)
    # Longer names are always further right; same length: greater at the first differing letter.
    for position, char in enumerate(letters):
        if char != "Z":
            rest = len(letters) - position - 1
            options.append(letters[:position].encode() + f"[{chr(ord(char) + 1)}-Z]".encode() + (b"[A-Z]" * rest))
    if len(letters) < 3:
        options.append(b"[A-Z]{%d,3}" % (len(letters) + 1))
    return b"|".join(options) or b"(?!)"


def _value_cells(letters: bytes) -> re.Pattern[bytes]:
    """Cells in the given columns that hold a value (a non-empty <v> or an inline string)."""
    return re.compile(rb'<c r="(' + letters + rb')(\d+)"[^>]*(?<!/)>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<(?:v>[^<]|is\b)')


# A cell whose first attribute is not r="…" (or that has none). Kept apart from the pattern
# above: an alternation would lose the literal prefix that makes those searches fast.
_IRREGULAR_CELL = re.compile(rb'<c(?:[>/]|\s(?!r="))')


_ANY_VALUE_CELL = _value_cells(rb"[A-Z]{1,3}")


def _unescape(text: str) -> str:
    """XML entities and Excel's _xHHHH_ escapes (only called when the text holds '&' or '_x')."""
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _ESCAPED_CHAR.sub(lambda match: chr(int(match.group(1), 16)), text)
    return text


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] == "#":
        try:
            return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
        except (ValueError, OverflowError):
            return match.group(0)
    return _ENTITIES.get(name, match.group(0))


def _rich_text(body: str) -> str:
    """The text of an <si> or <is> with runs: every <t> except the phonetic (<rPh>) ones."""
    if "<rPh" in body:
        body = _PHONETIC.sub("", body)
    text = "".join(_TEXT.findall(body))
    return _unescape(text) if "&" in text or "_x" in text else text


def _excel_datetime(serial: float, kind: str, date1904: bool) -> Any:
    """A date-formatted number as python-calamine returns it (time, date, datetime or timedelta)."""
    try:
        if kind == "td":
            return datetime.timedelta(milliseconds=math.floor(serial * _MS_PER_DAY + 0.5))
        days = serial + 1462 if date1904 else (serial if serial >= 60 else serial + 1)
        moment = _EXCEL_EPOCH + datetime.timedelta(milliseconds=math.floor(days * _MS_PER_DAY + 0.5))
    except (OverflowError, ValueError):
        return serial
    if serial < 1:
        return moment.time()
    if serial == int(serial):
        return moment.date()
    return moment


def _iso_value(text: str) -> Any:
    """A t="d" cell: ISO date, time or date-time; anything else stays text."""
    try:
        if _ISO_DATETIME.fullmatch(text):
            return datetime.datetime.fromisoformat(text)
        if _ISO_DATE.fullmatch(text):
            return datetime.date.fromisoformat(text)
        if _ISO_TIME.fullmatch(text):
            return datetime.time.fromisoformat(text)
    except ValueError:
        pass
    return text


def _number_format_kind(code: str) -> str | None:
    """'dt' for a date/time number format, 'td' for a duration ([h]:mm), None otherwise.

    Same rules as calamine: only the first section counts; quoted text, escaped characters
    and [colour]/[condition] brackets are skipped; y m d h s (or a/p after AM/PM) mean a date.
    """
    escaped = quoted = ampm = hms = False
    brackets = 0
    previous = " "
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return None
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets == 1 and hms:
            return "td"
        elif char == "]":
            brackets = max(brackets - 1, 0)
        elif brackets == 0 and not ampm and char in "aA":
            ampm = True
        elif brackets == 0 and char in ("pmMP/" if ampm else "dmhysDMHYS"):
            return "dt"
        elif not (hms and char.lower() == previous.lower()):
            hms = previous == "[" and char in "mhsMHS"
        previous = char
    return None


def _builtin_format_kind(number_format: int) -> str | None:
    if 14 <= number_format <= 22 or number_format in (45, 47):
        return "dt"
    return "td" if number_format == 46 else None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text_chunks(member: IO[bytes], prefix: bytes | None, end_tag: str, stop_tag: str) -> Iterator[str]:
    """Decoded text of a zip member in pieces that end after ``end_tag``; stops at ``stop_tag``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    strip = re.compile(r"<(/?)" + re.escape(prefix.decode()) + ":") if prefix else None
    pending = ""
    while True:
        data = member.read(_XLSX_CHUNK)
        text = pending + decoder.decode(data, final=not data)
        if strip is not None:
            text = strip.sub(r"<\1", text)
        stop = text.find(stop_tag)
        if stop >= 0 or not data:
            piece = text if stop < 0 else text[:stop]
            yield piece.replace("\r\n", "\n").replace("\r", "\n") if "\r" in piece else piece
            return
        cut = text.rfind(end_tag)
        if cut < 0:
            pending = text
            continue
        cut += len(end_tag)
        piece, pending = text[:cut], text[cut:]
        if "\r" in piece:  # XML line-end normalisation (a CR LF pair never straddles a cut)
            piece = piece.replace("\r\n", "\n").replace("\r", "\n")
        yield piece


def _row_chunks(member: IO[bytes], prefix: bytes | None) -> Iterator[bytes]:
    """Raw pieces of a sheet that end after a </row>, up to </sheetData>, line ends normalised."""
    strip = re.compile(rb"<(/?)" + re.escape(prefix) + rb":") if prefix else None
    pending = b""
    while True:
        data = member.read(_XLSX_CHUNK)
        buffer = pending + data
        if strip is not None:
            buffer = strip.sub(rb"<\1", buffer)
        stop = buffer.find(b"</sheetData>")
        if stop >= 0 or not data:
            piece = buffer if stop < 0 else buffer[:stop]
            yield piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in piece else piece
            return
        cut = buffer.rfind(b"</row>")
        if cut < 0:
            pending = buffer
            continue
        piece, pending = buffer[: cut + 6], buffer[cut + 6 :]
        if b"\r" in piece:  # XML line-end normalisation (a CR LF pair never straddles a cut)
            piece = piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        yield piece


def _byte_chunks(member: IO[bytes], prefix: bytes | None) -> Iterator[bytes]:
    """Raw pieces of a zip member that end after a </row> or, past the cells, after any tag."""
    strip = re.compile(rb"<(/?)" + re.escape(prefix) + rb":") if prefix else None
    pending = b""
    while True:
        data = member.read(_XLSX_CHUNK)
        buffer = pending + data
        if strip is not None:
            buffer = strip.sub(rb"<\1", buffer)
        if not data:
            yield buffer
            return
        cut = buffer.rfind(b"</row>")
        if cut >= 0:
            cut += 6
        elif b"</sheetData>" in buffer or b"<sheetData/>" in buffer:
            cut = buffer.rfind(b">") + 1
        else:
            pending = buffer
            continue
        yield buffer[:cut]
        pending = buffer[cut:]


class _XlsxPackage:
    """The parts of an .xlsx shared by its sheets: sheet list, styles, shared strings."""

    def __init__(self, book: Spreadsheet) -> None:
        self._book = book
        self._source = book._binary_stream()
        try:
            self.zip = zipfile.ZipFile(self._source)
            self._read_workbook()
        except BaseException:
            self.close()
            raise

    def _read_workbook(self) -> None:
        self._names = {name.lower(): name for name in self.zip.namelist()}
        self.date1904 = False
        self.sheets: list[tuple[str, bool, str, str]] = []  # (name, hidden, kind, member)
        self._shared: list[str] | None = None
        rels = self._relationships("xl/_rels/workbook.xml.rels", "xl")
        workbook = self._xml("xl/workbook.xml")
        for element in workbook.iter():
            tag = _local(element.tag)
            if tag == "workbookPr":
                self.date1904 = element.get("date1904", "").lower() in ("1", "true", "on")
            elif tag == "sheet":
                rel_id = next((value for key, value in element.attrib.items() if _local(key) == "id"), "")
                kind, member = rels.get(rel_id, ("", ""))
                hidden = element.get("state", "visible") != "visible"
                self.sheets.append((element.get("name", ""), hidden, kind, member))
        self._shared_member = next((m for k, m in rels.values() if k == "sharedStrings"), "xl/sharedStrings.xml")
        styles_member = next((m for k, m in rels.values() if k == "styles"), "xl/styles.xml")
        self.date_styles = self._date_styles(styles_member)
        self.date_byte_styles = {style.encode(): kind for style, kind in self.date_styles.items()}

    def close(self) -> None:
        if hasattr(self, "zip"):
            self.zip.close()
        if self._book._owns_stream(self._source):
            self._source.close()

    def member(self, name: str) -> str | None:
        return self._names.get(name.lower())

    def open(self, name: str) -> IO[bytes]:
        member = self.member(name)
        if member is None:
            raise KeyError(name)
        return self.zip.open(member)

    def _xml(self, name: str) -> ElementTree.Element:
        with self.open(name) as handle:
            return ElementTree.parse(handle).getroot()

    def _relationships(self, name: str, folder: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (kind, member path)."""
        if self.member(name) is None:
            return {}
        found = {}
        for element in self._xml(name).iter():
            if _local(element.tag) != "Relationship":
                continue
            kind = element.get("Type", "").rpartition("/")[2]
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[element.get("Id", "")] = (_REL_TYPES.get(kind, kind), posixpath.normpath(path))
        return found

    def _date_styles(self, name: str) -> dict[str, str]:
        """Style index (as written in s="…") → 'dt' or 'td' for the date/duration formats."""
        if self.member(name) is None:
            return {}
        root = self._xml(name)
        custom: dict[int, str | None] = {}
        kinds: dict[str, str] = {}
        for element in root.iter():
            tag = _local(element.tag)
            if tag == "numFmt":
                with contextlib.suppress(ValueError):
                    custom[int(element.get("numFmtId", ""))] = _number_format_kind(element.get("formatCode", ""))
            elif tag == "cellXfs":
                for index, xf in enumerate(child for child in element if _local(child.tag) == "xf"):
                    try:
                        number_format = int(xf.get("numFmtId", "0"))
                    except ValueError:
                        continue
                    kind = custom[number_format] if number_format in custom else _builtin_format_kind(number_format)
                    if kind:
                        kinds[str(index)] = kind
        return kinds

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            strings: list[str] = []
            if self.member(self._shared_member) is not None:
                with self.open(self._shared_member) as handle:
                    head = handle.read(4096)
                    match = _PREFIX.search(head)
                with self.open(self._shared_member) as handle:
                    for text in _text_chunks(handle, match.group(1) if match else None, "</si>", "</sst>"):
                        for simple, rich in _SHARED.findall(text):
                            if rich:
                                strings.append(_rich_text(rich))
                            elif "&" in simple or "_x" in simple:
                                strings.append(_unescape(simple))
                            else:
                                strings.append(simple)
            self._shared = strings
        return self._shared


class _XlsxStreamSheet(Sheet):
    """One worksheet of an .xlsx, parsed from the zip member on every ``rows()`` call."""

    def __init__(self, package: _XlsxPackage, *, index: int, name: str, hidden: bool, member: str) -> None:
        self.name = name
        self.index = index
        self.hidden = hidden
        self._package = package
        self._member = member
        with package.open(member) as handle:
            head = handle.read(1 << 16)
        prefix = _PREFIX.search(head)
        self._prefix = prefix.group(1) if prefix else None
        self._dates: dict[bytes, Any] = {}  # date-formatted serial → its date (see _fast_rows)
        if self._prefix:
            head = re.sub(rb"<(/?)" + re.escape(self._prefix) + rb":", rb"<\1", head)
        dimension = _DIMENSION.search(head)
        self.estimated_rows = (
            int(dimension.group(4) or dimension.group(2)) if dimension and dimension.group(2) else None
        )
        self._bounds: tuple[int, int, int] | None = None  # (first column, last column, last row)
        self._merged: list[tuple[int, int, int, int]] = []

    # The used range and the merged areas need one pass over the sheet; done on first use.

    @property
    def first_column(self) -> int:
        return self._scan()[0]

    @property
    def merged(self) -> list[tuple[int, int, int, int]]:
        self._scan()
        return self._merged

    def _scan(self) -> tuple[int, int, int]:
        if self._bounds is None:
            with _reading(self.name):
                try:
                    self._bounds = self._quick_scan()
                except _IrregularCells:
                    self._bounds = self._full_scan()
        return self._bounds

    def _quick_scan(self) -> tuple[int, int, int]:
        """The used range from the raw bytes: only cells outside the range found so far are looked at."""
        low = high = -1
        last_row = 0
        pattern = _ANY_VALUE_CELL
        merges: list[tuple[int, int, int, int]] = []
        with self._package.open(self._member) as handle:
            for piece in _byte_chunks(handle, self._prefix):
                if b"<mergeCell" in piece:
                    merges.extend(_merge_refs(piece))
                if _IRREGULAR_CELL.search(piece):
                    raise _IrregularCells  # cells without r="…" first: read them the slow way
                position = 0
                while match := pattern.search(piece, position):
                    column = _column_index(match.group(1).decode())
                    low = column if low < 0 else min(low, column)
                    high = max(high, column)
                    pattern = _value_cells(_letters_outside(low, high))
                    position = match.end()
                if low < 0:
                    continue
                end = len(piece)
                while end > 0:  # the last row of this piece that holds a value
                    start = max(piece.rfind(b"<row", 0, end), 0)
                    match = _ANY_VALUE_CELL.search(piece, start, end)
                    if match:
                        last_row = max(last_row, int(match.group(2)))
                        break
                    end = start
        self._merged = self._relative(merges, low)
        return (max(low, 0), high, last_row)

    def _full_scan(self) -> tuple[int, int, int]:
        """The used range by parsing every cell (sheets whose cells lack r="…")."""
        low = high = -1
        last_row = 0
        for number, cells in self._cells():
            for column, value in cells:
                if value is not _EMPTY:
                    low = column if low < 0 else min(low, column)
                    high = max(high, column)
                    last_row = number
        merges: list[tuple[int, int, int, int]] = []
        with self._package.open(self._member) as handle:
            for piece in _byte_chunks(handle, self._prefix):
                if b"<mergeCell" in piece:
                    merges.extend(_merge_refs(piece))
        self._merged = self._relative(merges, low)
        return (max(low, 0), high, last_row)

    @staticmethod
    def _relative(merges: list[tuple[int, int, int, int]], low: int) -> list[tuple[int, int, int, int]]:
        low = max(low, 0)
        return [(row0, col0 - low, row1, col1 - low) for row0, col0, row1, col1 in merges]

    def _cells(self) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
        """Every row as (row number, [(column, value)]), values as in rows() or _EMPTY (slow, general)."""
        convert = _CellConverter(self._package)
        number = 0
        with self._package.open(self._member) as handle:
            for text in _text_chunks(handle, self._prefix, "</row>", "</sheetData>"):
                for attributes, content in _ROW.findall(text):
                    if not content:
                        continue
                    found = _ROW_NUMBER.search(attributes)
                    number = int(found.group(1)) if found else number + 1
                    column = -1
                    cells = []
                    for match in _CELL.finditer(content):
                        letters, style, kind, value, inline, body, bad = match.groups("")
                        if bad:
                            raise _UnreadableCell
                        column = _column_index(letters) if letters else column + 1
                        cells.append((column, convert.cell(match.group(0), style, kind, value, inline, body)))
                    yield number, cells

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        with _reading(self.name):
            yield from self._rows()

    def _rows(self) -> Iterator[tuple[int, list[Any]]]:
        low, high, last_row = self._scan()
        if not last_row:
            return
        width = high - low + 1
        expected = 1  # the next row number to hand out
        number = 0  # the last row number seen (rows without r="…" count on from it)
        with self._package.open(self._member) as handle:
            for piece in _row_chunks(handle, self._prefix):
                start_number = number
                try:
                    parsed = self._fast_rows(piece, low, width)
                    for number, values in parsed:
                        if number > last_row:
                            if not _row_is_empty(values):  # rows out of order: the scan took a wrong last row
                                raise self._disorder(number)
                            return
                        if number < expected:
                            raise self._disorder(number)
                        while expected < number:
                            yield expected, [""] * width
                            expected += 1
                        yield number, values
                        expected = number + 1
                except _UnusualCell:  # some cell has another shape: read this piece element by element
                    for number, values in self._general_rows(piece.decode(), low, width, start_number):
                        if number > last_row:
                            if not _row_is_empty(values):
                                raise self._disorder(number) from None
                            return
                        if number < expected:
                            if number <= start_number:
                                raise self._disorder(number) from None
                            continue  # handed out before the unusual cell was met
                        while expected < number:
                            yield expected, [""] * width
                            expected += 1
                        yield number, values
                        expected = number + 1
        while expected <= last_row:
            yield expected, [""] * width
            expected += 1

    def _disorder(self, number: int) -> SpreadsheetError:
        return SpreadsheetError(
            f"工作表“{self.name}”的行顺序异常（第 {number} 行出现了两次或顺序颠倒）。" + _SAVE_AS_XLSX,
            code="corrupt_file",
        )

    def _fast_rows(self, piece: bytes, low: int, width: int) -> Iterator[tuple[int, list[Any]]]:
        """Rows of a piece whose cells all match _FAST_CELL (what Excel, WPS and Python writers produce)."""
        package = self._package
        shared = package.shared_strings()
        date_styles = package.date_byte_styles
        date1904 = package.date1904
        positions = _positions(low, width)
        convert = _CellConverter(package)
        plain = b"&" not in piece and b"_x" not in piece  # no entity or _xHHHH_ escape anywhere
        dates = self._dates
        current = None
        values: list[Any] = []
        for letters, row, style, kind, value, inline, unusual in _FAST_CELL.findall(piece):
            if row != current:
                if unusual:
                    raise _UnusualCell
                if current is not None:
                    yield int(current), values
                current = row
                values = [""] * width
            position = positions.get(letters)
            if position is None:
                continue
            if inline:
                text = inline.decode()
                values[position] = text if plain or ("&" not in text and "_x" not in text) else _unescape(text)
            elif value:
                if not kind or kind == b"n":
                    try:
                        number = float(value)
                    except ValueError:
                        values[position] = _unescape(value.decode())
                        continue
                    date_kind = date_styles.get(style) if style else None
                    if date_kind:
                        # a roster's dates repeat: convert each serial once (the results are immutable)
                        moment = dates.get(value) if date_kind == "dt" else None
                        if moment is None:
                            moment = _excel_datetime(number, date_kind, date1904)
                            if date_kind == "dt" and len(dates) < 100_000:
                                dates[value] = moment
                        values[position] = moment
                    elif b"_" in value or value.strip() != value:
                        values[position] = value.decode()  # float() is laxer than Excel
                    else:
                        values[position] = number
                elif kind == b"s":
                    values[position] = shared[int(value)]
                else:
                    converted = convert.typed(value.decode(), style.decode(), kind.decode())
                    if converted is not _EMPTY:
                        values[position] = converted
        if current is not None:
            yield int(current), values

    def _general_rows(self, text: str, low: int, width: int, number: int) -> Iterator[tuple[int, list[Any]]]:
        """Rows parsed element by element (any attribute order, cells or rows without r="…")."""
        convert = _CellConverter(self._package)
        columns = _column_map()
        for attributes, content in _ROW.findall(text):
            if not content:
                continue
            found = _ROW_NUMBER.search(attributes) if attributes else None
            number = int(found.group(1)) if found else number + 1
            values = [""] * width
            column = -1
            for match in _CELL.finditer(content):
                letters, style, kind, value, inline, body, bad = match.groups("")
                if bad:
                    raise _UnreadableCell
                column = columns[letters] if letters else column + 1
                position = column - low
                if 0 <= position < width:
                    converted = convert.cell(match.group(0), style, kind, value, inline, body)
                    if converted is not _EMPTY:
                        values[position] = converted
            yield number, values

    def has_data(self) -> bool:
        if not self._scan()[2]:
            return False
        return super().has_data()


@contextlib.contextmanager
def _reading(sheet_name: str | None = None) -> Iterator[None]:
    """Problems inside the .xlsx package → SpreadsheetError, as calamine's errors are."""
    try:
        yield
    except SpreadsheetError:
        raise
    except _UnreadableCell:
        raise SpreadsheetError(
            f"工作表“{sheet_name}”中有无法识别的单元格格式。" + _SAVE_AS_XLSX, code="corrupt_file"
        ) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ElementTree.ParseError,
        OSError,
        EOFError,
        ValueError,
        KeyError,
        IndexError,
        zlib.error,
    ) as error:
        logger.warning("xlsx could not be read: %s", type(error).__name__)
        raise SpreadsheetError(
            "文件已损坏或不是有效的 Excel 文件，无法读取。" + _SAVE_AS_XLSX, code="corrupt_file"
        ) from None


class _IrregularCells(Exception):
    """The sheet's cells do not all start with r="…": the quick scan cannot be used."""


class _UnusualCell(Exception):
    """A cell _FAST_CELL does not cover."""


class _UnreadableCell(Exception):
    """A <c> element the parser does not understand."""


_EMPTY = object()  # a cell without a value (calamine leaves it out of the used range)
_COLUMNS: dict[str, int] = {}


@functools.lru_cache(maxsize=8)
def _positions(low: int, width: int) -> dict[bytes, int]:
    """Column letters (bytes) → position in the value list, for the columns of the used range."""
    return {column_letter(index).encode(): index - low for index in range(low, low + width)}


def _column_map() -> dict[str, int]:
    if not _COLUMNS:
        for index in range(_MAX_COLUMNS):
            _COLUMNS[column_letter(index)] = index
    return _COLUMNS


def _merge_refs(piece: bytes) -> Iterator[tuple[int, int, int, int]]:
    for first, row0, last, row1 in _MERGE.findall(piece):
        col0 = _column_index(first.decode())
        yield (int(row0), col0, int(row1 or row0), _column_index(last.decode()) if last else col0)


class _CellConverter:
    """Cell values as python-calamine returns them, for the cells the fast path leaves over."""

    def __init__(self, package: _XlsxPackage) -> None:
        self._package = package
        self._date_styles = package.date_styles
        self._date1904 = package.date1904

    def cell(self, whole: str, style: str, kind: str, value: str, inline: str, body: str) -> Any:
        if "<is" in whole:
            if body:
                found = _BODY_IS.search(body)
                return _rich_text(found.group(1) or "") if found else ""
            return _unescape(inline) if "&" in inline or "_x" in inline else inline
        if kind == "inlineStr":
            return _EMPTY
        if not value:
            found = _BODY_V.search(whole)
            if found is None:
                return _EMPTY
            value = found.group(1)
        if not value:
            return "" if kind in ("str", "d") else _EMPTY
        return self.typed(value, style, kind)

    def typed(self, value: str, style: str, kind: str) -> Any:
        if not kind or kind == "n":
            try:
                number = float(value)
            except ValueError:
                return _unescape(value)
            if "_" in value or value.strip() != value:
                return value
            date_kind = self._date_styles.get(style) if style else None
            return _excel_datetime(number, date_kind, self._date1904) if date_kind else number
        if kind == "s":
            return self._package.shared_strings()[int(value)]
        if kind == "b":
            return value != "0"
        if kind == "e":
            return ""  # python-calamine shows error cells (#N/A, #DIV/0!…) as empty
        if kind == "inlineStr":
            return _EMPTY
        text = _unescape(value) if "&" in value or "_x" in value else value
        return _iso_value(text) if kind == "d" else text


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise SpreadsheetError("文件不是表格文件（无法识别为 Excel 或 CSV）。" + _UPLOAD_HINT, code="not_spreadsheet")
    lowered = head[:2048].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<table" in lowered:
        raise SpreadsheetError(
            "这个文件实际上是网页（HTML）格式，只是扩展名像 Excel。" + _SAVE_AS_XLSX, code="html_file"
        )
    if lowered.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head[:8192]:
        raise SpreadsheetError("这是 Excel 2003 XML 表格，系统无法直接读取。" + _SAVE_AS_XLSX, code="xml_spreadsheet")
    if head.startswith(b"%PDF"):
        raise SpreadsheetError("这是 PDF 文件，不是表格。" + _UPLOAD_HINT, code="not_spreadsheet")
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            text = decoder.decode(head, final=len(head) < SAMPLE_SIZE)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return encoding
        break
    raise SpreadsheetError(
        "文件不是表格文件（无法识别为 Excel 或 CSV，或文字编码无法识别）。" + _UPLOAD_HINT,
        code="not_spreadsheet",
    )


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for char in text[:65536] if char < " " and char not in "\t\r\n\x0c")
    return controls <= len(text[:65536]) // 1000


def _sniff_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";"):
        counts = [line.count(delimiter) for line in lines]
        score = (sum(1 for count in counts if count), sum(counts))
        if score > best_score:
            best, best_score = delimiter, score
    return best
