"""Reading .xlsx / .xls / .ods and .csv files row by row, with clear Chinese errors.

The format is decided by the file's content, not its name (people rename files). Excel
formats are read with python-calamine: the chosen sheet is parsed once into Rust memory
(≈1 KB per 12-column row) and rows are then handed to Python one at a time, so a large
sheet is never a list of Python objects. CSV is streamed with the csv module: the
encoding (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK) and the delimiter
(comma, tab, semicolon) are detected from the first megabyte.

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
import io
import logging
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

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
            self.format = self._zip_format()
            self._open_calamine()
        elif head.startswith(_OLE_MAGIC):
            self.format = "xls"
            self._open_calamine()
        else:
            self.format = "csv"
            self._csv = self._open_csv(head)

    def _zip_format(self) -> str:
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
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            return "ods"
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
        return [meta.name for meta in self._metadata]

    def _load(self, index: int) -> Sheet:
        if self._csv is not None:
            return self._csv
        if index in self._loaded:
            return self._loaded[index]
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
        return self._metadata[index].typ == python_calamine.SheetTypeEnum.WorkSheet

    def sheets(self) -> list[SheetInfo]:
        """Every worksheet with its count of non-empty rows (reads each sheet once)."""
        if self._csv is not None:
            return [SheetInfo(0, self._csv.name, self._csv.count_rows())]
        infos = []
        for index in range(len(self._metadata)):
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
        for index in range(len(self._metadata)):
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
        """Free parsed sheets other than ``keep`` (each holds its whole sheet in memory)."""
        for index in list(self._loaded):
            if index != keep:
                del self._loaded[index]


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
