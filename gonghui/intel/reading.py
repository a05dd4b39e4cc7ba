"""Bytes → text: encoding detection and the main text of HTML and .docx files.

Encodings are detected, not assumed: UTF-8 (with or without BOM), UTF-16 with BOM, then
GB18030 (a superset of GBK and GB2312) against Big5, decided by how much of each decoding is
made of the characters Chinese prose uses most. A wrong decoding of Chinese bytes still yields
valid characters, but rare ones; a right one is full of 的, 工, 会, 职, 在 ….
"""

from __future__ import annotations

import io
import re
from pathlib import Path

# The most frequent characters of Chinese news prose, in both scripts (Simplified and Traditional
# forms of the same words), plus the union vocabulary. Membership, not order, matters.
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
    "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
    "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向"
    "道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特"
    "件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队"
    "南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风"
    "切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许"
    "步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列"
    "习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派"
    "层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞职务帮扶慰问困难服驿站"
    "這個為國會來們時說對發動過種麼後經實體當點從業還進產學開應與關樣數無線現聲報義員務總區縣組織職與幫輯"
    "參則條難題黨會屬萬級興領導檢農環節辦專證讓應設計機構統傳選轉單書議論運團據術隊舉"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _common_share(text: str) -> float:
    hanzi = _CJK.findall(text[:20000])
    if not hanzi:
        return 0.0
    return sum(1 for ch in hanzi if ch in _COMMON) / len(hanzi)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for the bytes of a text file."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        # A file cut mid-character at its very end is still UTF-8.
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            return data.decode("utf-8", errors="ignore"), "utf-8"
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
            errors = 0
        except UnicodeDecodeError:
            text = data.decode(encoding, errors="replace")
            errors = text.count("\ufffd")
        candidates.append((errors == 0, _common_share(text) - errors / max(len(text), 1), encoding, text))
    # A clean decoding beats one with errors; then the more ordinary-looking text wins.
    candidates.sort(key=lambda item: (item[0], item[1]), reverse=True)
    _, _, encoding, text = candidates[0]
    if encoding == "big5":
        # Big5-HKSCS covers the extra characters Hong Kong and Taiwan pages use.
        try:
            text = data.decode("big5hkscs")
            encoding = "big5hkscs"
        except UnicodeDecodeError:
            pass
    return text, encoding


_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """HTML bytes to str: our own detection, checked against a declared charset."""
    text, encoding = decode(data)
    if encoding in ("utf-8", "utf-8-sig", "utf-16"):
        return text
    declared = _HTML_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        name = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}.get(name, name)
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return text


def html_to_text(html: str) -> str:
    """The page's title and main text (trafilatura), as lines; our own line filters come later.

    The publication date and the title are put in front as ordinary header lines, the way
    they appear on a page, so metadata reads them like any other text.
    """
    import trafilatura

    # trafilatura reads bytes/str; keep its metadata so the title and date are not lost.
    document = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        deduplicate=False,
        with_metadata=True,
    )
    if document is None:
        return _strip_tags(html)
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    body = data.get("text") or ""
    head = []
    date = data.get("date")
    if date and _date_in_page(html, str(date)):
        # Above the title, so that the headline is still read from the page's own layout.
        head.append(f"发布日期:{date}")
    if data.get("title"):
        head.append(str(data["title"]).strip())
    return "\n".join([*head, body])


def _date_in_page(html: str, date: str) -> bool:
    """trafilatura guesses dates from URLs too; keep its date only when the page prints it."""
    year, month, day = date[:4], date[5:7], date[8:10]
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return False
    m, d = str(int(month)), str(int(day))
    pattern = rf"{year}\s*[-/.年]\s*0?{m}\s*[-/.月]\s*0?{d}(?!\d)"
    # Dates inside attribute values (URLs) do not count: look at text between tags only.
    visible = re.sub(r"<[^>]*>", " ", html)
    return re.search(pattern, visible) is not None


def _strip_tags(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|noscript)[^>]*>.*?</\1>", " ", html)
    html = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</li>|</tr>", "\n", html)
    text = re.sub(r"<[^>]+>", " ", html)
    import html as html_lib

    return html_lib.unescape(text)


class UnreadableDocument(ValueError):
    """The bytes are not a document of the kind the name says (a broken .docx, a .doc renamed …)."""


def docx_to_text(data: bytes) -> str:
    """Paragraphs of a .docx (and the cells of its tables), one per line."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise UnreadableDocument(
            "无法读取该 Word 文件：它不是有效的 .docx 文件（旧版 .doc 请先在 Word 中另存为 .docx）"
        ) from error
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = []
            for cell in row.cells:
                text = cell.text.strip()
                if text and (not cells or cells[-1] != text):
                    cells.append(text)
            if cells:
                lines.append(" ".join(cells))
    return "\n".join(lines)


SUPPORTED = (".txt", ".html", ".htm", ".docx")


def read_bytes(data: bytes, filename: str) -> str:
    """The text of a .txt, .html/.htm or .docx file, from its bytes.

    Raises UnreadableDocument for what cannot be read as text: an old binary .doc, a PDF,
    a spreadsheet or an image.
    """
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument("无法读取旧版 Word（.doc）文件：请在 Word 中另存为 .docx 后再上传")
    if data.startswith(b"%PDF"):
        raise UnreadableDocument("暂不支持 PDF 文件：请上传 .txt、.html/.htm 或 .docx 文件")
    if suffix in (".pdf", ".doc", ".xls", ".xlsx", ".ppt", ".pptx", ".jpg", ".jpeg", ".png", ".gif", ".zip"):
        raise UnreadableDocument(f"不支持 {suffix} 文件：请上传 .txt、.html/.htm 或 .docx 文件")
    if suffix == ".docx" or (data[:2] == b"PK" and suffix not in (".txt", ".html", ".htm")):
        return docx_to_text(data)
    if suffix in (".html", ".htm", ".xhtml", ".shtml") or _looks_like_html(data):
        return html_to_text(decode_html(data))
    return decode(data)[0]


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head
