"""Bytes in: encodings detected, not assumed; HTML main text; .docx paragraphs and tables."""

from __future__ import annotations

import docx
import pytest

from gonghui.intel import extract_bytes, extract_file
from gonghui.intel.convert import _converter
from gonghui.intel.reading import decode, read_bytes

SIMPLIFIED = (
    "本报讯 5月10日，金寨县总工会召开全县工会工作会议。今年以来，全县新建基层工会32个，发展会员1200余人，"
    "走访慰问困难职工356人，发放慰问金28.6万元。会议要求，各级工会要进一步增强责任感和紧迫感。"
)
TRADITIONAL = (
    "本報訊 5月10日，金寨縣總工會召開全縣工會工作會議。今年以來，全縣新建基層工會32個，發展會員1200餘人，"
    "走訪慰問困難職工356人，發放慰問金28.6萬元。會議要求，各級工會要進一步增強責任感和緊迫感。"
)
EXPECTED = [
    ("unions_established", 32),
    ("members_recruited", 1200),
    ("relief_beneficiaries", 356),
    ("relief_amount", 286000),
]


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def pairs(result: dict) -> list[tuple[str, int]]:
    return [(fact["indicator"], fact["value"]) for fact in result["facts"]]


@pytest.mark.parametrize(
    ("text", "encoding", "detected"),
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (SIMPLIFIED, "utf-8-sig", "utf-8-sig"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (SIMPLIFIED, "gbk", "gb18030"),
        (SIMPLIFIED, "gb2312", "gb18030"),
        (TRADITIONAL, "big5", "big5hkscs"),
        (TRADITIONAL, "utf-8", "utf-8"),
        (TRADITIONAL, "gb18030", "gb18030"),
        (SIMPLIFIED, "utf-16", "utf-16"),
    ],
)
def test_encodings_are_detected(text, encoding, detected):
    decoded, name = decode(text.encode(encoding))
    assert decoded == text
    assert name == detected


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk", "big5"])
def test_the_same_report_in_any_encoding_gives_the_same_facts(encoding):
    text = TRADITIONAL if encoding == "big5" else SIMPLIFIED
    result = extract_bytes(text.encode(encoding), "report.txt")
    assert pairs(result) == EXPECTED
    assert result["script"] == ("hant" if encoding == "big5" else "hans")
    assert "县总工会" in result["body"]


def test_short_gbk_text_is_not_mistaken_for_big5():
    assert decode("工会驿站".encode("gbk"))[0] == "工会驿站"
    assert decode("職工之家".encode("big5"))[0] == "職工之家"


PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>金寨县总工会召开全县工会工作会议_某某工会网</title></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/a">工会要闻</a> | <a href="/b">通知公告</a></div>
<div class="crumb">您现在的位置：首页 &gt; 工会要闻</div>
<div class="article">
<h1>金寨县总工会召开全县工会工作会议</h1>
<div class="info">发布时间：2024-05-11 09:30　来源：县总工会　浏览次数：321</div>
<div class="content"><p>{body}</p><p>（通讯员 王明）</p></div>
<div class="share">分享到：微信 微博 QQ空间</div>
<div class="pages">上一篇：县总工会开展劳动竞赛<br>下一篇：全县职工运动会开幕</div>
</div>
<div class="footer">主办单位：金寨县总工会　版权所有 © 2024　苏ICP备12345678号　苏公网安备32060202000123号</div>
</body></html>"""


@pytest.mark.parametrize(("charset", "encoding"), [("utf-8", "utf-8"), ("gb2312", "gb18030"), ("gbk", "gbk")])
def test_html_main_text_metadata_and_facts(charset, encoding):
    page = PAGE.format(charset=charset, body=SIMPLIFIED)
    data = (page.replace("©", "") if encoding == "gbk" else page).encode(encoding)
    result = extract_bytes(data, "page.html")
    assert result["title"] == "金寨县总工会召开全县工会工作会议"
    assert result["date"] == "2024-05-11"
    assert result["date_kind"] == "published"
    assert result["body"].startswith("本报讯 5月10日")
    assert result["body"].endswith("紧迫感。")
    for junk in ("分享到", "上一篇", "ICP", "版权所有", "浏览次数", "您现在的位置", "首页"):
        assert junk not in result["body"]
    assert pairs(result) == EXPECTED


def test_big5_html_page(tmp_path):
    path = tmp_path / "page.htm"
    page = to_traditional(PAGE.format(charset="big5", body=SIMPLIFIED)).replace("©", "(C)")
    path.write_bytes(page.encode("big5"))
    result = extract_file(path)
    assert result["script"] == "hant"
    assert pairs(result) == EXPECTED
    assert result["file"] == str(path)


def test_html_without_a_suffix_is_recognised():
    data = PAGE.format(charset="utf-8", body=SIMPLIFIED).encode()
    assert "版权所有" not in read_bytes(data, "download")


def test_docx_paragraphs_and_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("金寨县总工会2024年上半年工作总结")
    for sentence in SIMPLIFIED.split("。")[:-1]:
        document.add_paragraph(sentence + "。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "项目"
    table.cell(0, 1).text = "完成情况"
    table.cell(1, 0).text = "职工体检"
    table.cell(1, 1).text = "为3000名职工免费体检。"
    path = tmp_path / "summary.docx"
    document.save(path)
    result = extract_file(path)
    assert result["title"] == "金寨县总工会2024年上半年工作总结"
    assert result["org"] == "金寨县总工会"
    assert result["region"] == "金寨县"
    assert pairs(result) == [*EXPECTED, ("health_checks", 3000)]


def test_a_broken_docx_is_a_clear_error():
    from gonghui.intel import UnreadableDocument

    with pytest.raises(UnreadableDocument, match=r"不是有效的 \.docx"):
        extract_bytes(b"not a zip at all", "report.docx")


def test_empty_and_furniture_only_inputs():
    assert extract_bytes(b"", "empty.txt")["body"] == ""
    assert extract_bytes("版权所有 © 2024\n苏ICP备12345678号".encode(), "footer.txt")["body"] == ""
    assert extract_bytes(b"<html><body></body></html>", "blank.html")["facts"] == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.doc", "旧版 Word"),
        (b"%PDF-1.7\n%...", "report.pdf", "PDF"),
        (b"%PDF-1.7\n%...", "report.txt", "PDF"),
        (b"PK\x03\x04", "sheet.xlsx", r"\.xlsx"),
    ],
)
def test_unsupported_files_are_refused_clearly(data, name, message):
    from gonghui.intel import UnreadableDocument

    with pytest.raises(UnreadableDocument, match=message):
        extract_bytes(data, name)


def test_html_headline_comes_from_the_page_when_the_title_tag_is_the_site_name():
    page = (
        '<html><head><meta charset="utf-8"><title>南通市总工会</title></head><body>'
        '<div class="nav"><a href="/">首页</a> | <a href="/a">工会要闻</a></div>'
        "<h1>南通市总工会开展送温暖活动</h1>"
        '<div class="info">发布时间：2024-01-26 来源：南通市总工会</div>'
        '<div class="content"><p>1月25日，南通市总工会启动“两节”送温暖活动，慰问困难职工300人。</p>'
        "<p>活动持续到春节前，覆盖全市各县区。</p></div></body></html>"
    )
    result = extract_bytes(page.encode(), "page.html")
    assert (result["title"], result["date"], result["org"]) == (
        "南通市总工会开展送温暖活动",
        "2024-01-26",
        "南通市总工会",
    )
    assert pairs(result) == [("relief_beneficiaries", 300)]
