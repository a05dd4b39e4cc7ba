"""Bulletins (通报): a quarter's progress report rendered to Word (.docx) and PDF.

Callers build a ``BulletinData`` (plain values, no models) and call ``render_docx`` or
``render_pdf``. Both renderers draw the same charts and show the same figures.

Word output is a docxtpl template: the default one is ``data/bulletin.docx`` (built by
``scripts/make_bulletin_template.py``); administrators may supply their own with
``render_docx(..., template=path)``. The template sees these context variables — all
figures already formatted as text:

==================== =======================================================================
org_name             issuing organisation, e.g. 常州市总工会
title                bulletin title
doc_number           文号, e.g. 常总工〔2026〕12号
issue_date           2026年10月12日
year, quarter        2026, 3 (integers)
period               2026年第三季度;  quarter_name: 第三季度
expected             expected progress (序时进度), e.g. 75.0%
summary_paragraphs   list of paragraphs of the overall-progress text
indicators           list of: name, unit, target, actual, completion, expected,
                     light (green/yellow/red/none), light_label (绿灯…), light_fill (hex, for cellbg)
ranking_columns      indicator names whose completion the ranking table shows (at most
                     RANKING_COLUMN_LIMIT; empty when there are more, the table then shows scores only)
ranking              list of: rank, unit, score, completions (texts aligned with ranking_columns)
behind               list of: unit, indicator, completion, expected, gap, light, light_label, light_fill
overdue_tasks        list of: title, lead_unit, deadline, days_overdue, state
projects             list of 民生实事 (livelihood projects) of the year: title, org, unit, target, actual,
                     completion, expected, status (超额完成 / 已完成 / 正常 / 滞后 / 预警 / 暂无数据),
                     light, light_label, light_fill
requirements         list of: number (（一）), text
indicator_chart      image: completion per indicator with the expected-progress line (None if no indicators)
ranking_chart        image: scores of the sub-units (None if no ranking)
trend_chart          image: completion per quarter (None if no trend data)
==================== =======================================================================

Use ``{{ indicator_chart }}`` alone in a paragraph for an image, ``{%tr for line in indicators %}``
for table rows and ``{% cellbg line.light_fill %}`` to shade a cell. A template that does
not parse, or names a variable not listed here, raises ``ValueError`` with a Chinese message
naming the place; nothing is written to ``out`` in that case.

The PDF is rendered by WeasyPrint from ``templates/reports/bulletin_pdf.html`` with a
standalone Django template engine (no installed app needed) and embeds the Noto CJK fonts.
"""

from __future__ import annotations

import base64
import functools
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
from django.template import Context, Engine
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from gonghui.reports import charts
from gonghui.reports.formatting import (
    LIGHT_FILLS,
    LIGHT_LABELS,
    MISSING,
    chinese_number,
    date_text,
    gap_text,
    percent_text,
    quantity_text,
    quarter_name,
    score_text,
)

HERE = Path(__file__).resolve().parent
RANKING_COLUMN_LIMIT = 6  # more per-indicator columns than this no longer fit an A4 page
CHART_WIDTH = Mm(150)


@dataclass(frozen=True)
class IndicatorLine:
    """One row of the per-indicator table (the issuing organisation's own figures)."""

    name: str
    unit: str
    target: Decimal | None
    actual: Decimal | None
    completion: Decimal | None  # fraction: 0.8333
    expected: Decimal  # fraction
    light: str  # "green" | "yellow" | "red" | "none"


@dataclass(frozen=True)
class RankingLine:
    """One sub-unit in the weighted assessment."""

    rank: int | None
    unit: str
    score: Decimal
    completions: dict[str, Decimal | None]  # indicator name -> completion


@dataclass(frozen=True)
class BehindLine:
    """A sub-unit behind schedule on an indicator."""

    unit: str
    indicator: str
    completion: Decimal | None
    expected: Decimal
    light: str


@dataclass(frozen=True)
class TaskLine:
    """An overdue supervision task."""

    title: str
    lead_unit: str
    deadline: date
    days_overdue: int
    state: str


@dataclass(frozen=True)
class ProjectLine:
    """A livelihood project (民生实事) of the year with its progress at the bulletin's date."""

    title: str
    org: str
    unit: str
    target: Decimal
    actual: Decimal | None
    completion: Decimal | None
    expected: Decimal
    status: str  # 超额完成, 已完成, or the light's label: 正常 / 滞后 / 预警 / 暂无数据
    light: str


@dataclass(frozen=True)
class BulletinData:
    org_name: str
    title: str
    doc_number: str
    issue_date: date
    year: int
    quarter: int
    expected: Decimal
    summary: str  # overall-progress text; blank lines or line breaks separate paragraphs
    indicators: list[IndicatorLine]
    ranking: list[RankingLine]
    behind: list[BehindLine]
    overdue_tasks: list[TaskLine]
    requirements: list[str]
    trend: dict[str, list[Decimal | None]] = field(default_factory=dict)  # indicator -> completion per quarter 1..4
    projects: list[ProjectLine] = field(default_factory=list)


def default_template_path() -> Path:
    return HERE / "data" / "bulletin.docx"


# --- context shared by both renderers -------------------------------------------------------


@dataclass(frozen=True)
class ChartImages:
    indicator: bytes | None
    ranking: bytes | None
    trend: bytes | None


def draw_charts(data: BulletinData) -> ChartImages:
    return ChartImages(
        indicator=charts.indicator_chart(data.indicators, data.expected),
        ranking=charts.ranking_chart(data.ranking),
        trend=charts.trend_chart(data.trend),
    )


def _light(light: str) -> dict[str, str]:
    key = light if light in LIGHT_LABELS else "none"
    return {"light": key, "light_label": LIGHT_LABELS[key], "light_fill": LIGHT_FILLS[key]}


def _ranking_columns(data: BulletinData) -> list[str]:
    """Indicator names for the ranking table, in the order of the indicator table."""
    names = [line.name for line in data.indicators]
    for line in data.ranking:
        names.extend(name for name in line.completions if name not in names)
    shown = [name for name in names if any(name in line.completions for line in data.ranking)]
    return shown if len(shown) <= RANKING_COLUMN_LIMIT else []


def build_context(data: BulletinData, images: dict[str, Any]) -> dict[str, Any]:
    """The template context (see the module docstring); ``images`` maps chart names to embeddable images."""
    columns = _ranking_columns(data)
    return {
        "org_name": data.org_name,
        "title": data.title,
        "doc_number": data.doc_number,
        "issue_date": date_text(data.issue_date),
        "year": data.year,
        "quarter": data.quarter,
        "quarter_name": quarter_name(data.quarter),
        "period": f"{data.year}年{quarter_name(data.quarter)}",
        "expected": percent_text(data.expected),
        "summary_paragraphs": [p.strip() for p in re.split(r"\n+", data.summary) if p.strip()],
        "indicators": [
            {
                "name": line.name,
                "unit": line.unit,
                "target": quantity_text(line.target),
                "actual": quantity_text(line.actual),
                "completion": percent_text(line.completion),
                "expected": percent_text(line.expected),
                **_light(line.light),
            }
            for line in data.indicators
        ],
        "ranking_columns": columns,
        "ranking": [
            {
                "rank": MISSING if line.rank is None else str(line.rank),
                "unit": line.unit,
                "score": score_text(line.score),
                "completions": [percent_text(line.completions.get(name)) for name in columns],
            }
            for line in data.ranking
        ],
        "behind": [
            {
                "unit": line.unit,
                "indicator": line.indicator,
                "completion": percent_text(line.completion),
                "expected": percent_text(line.expected),
                "gap": gap_text(line.completion, line.expected),
                **_light(line.light),
            }
            for line in data.behind
        ],
        "overdue_tasks": [
            {
                "title": task.title,
                "lead_unit": task.lead_unit,
                "deadline": date_text(task.deadline),
                "days_overdue": f"{task.days_overdue}天",
                "state": task.state,
            }
            for task in data.overdue_tasks
        ],
        "projects": [
            {
                "title": line.title,
                "org": line.org,
                "unit": line.unit,
                "target": quantity_text(line.target),
                "actual": quantity_text(line.actual),
                "completion": percent_text(line.completion),
                "expected": percent_text(line.expected),
                "status": line.status,
                **_light(line.light),
            }
            for line in data.projects
        ],
        "requirements": [
            {"number": f"（{chinese_number(number)}）", "text": text}
            for number, text in enumerate(data.requirements, start=1)
        ],
        "indicator_chart": images.get("indicator"),
        "ranking_chart": images.get("ranking"),
        "trend_chart": images.get("trend"),
    }


def _chart_dict(images: ChartImages, embed: Callable[[bytes], Any]) -> dict[str, Any]:
    return {
        name: embed(png) if png is not None else None
        for name, png in (("indicator", images.indicator), ("ranking", images.ranking), ("trend", images.trend))
    }


def _write(content: bytes, out: Path | BinaryIO) -> None:
    if isinstance(out, str | Path):
        Path(out).write_bytes(content)
    else:
        out.write(content)


# --- Word ----------------------------------------------------------------------------------


def render_docx(data: BulletinData, out: Path | BinaryIO, *, template: Path | None = None) -> None:
    """Render the bulletin into a .docx, from the default template or an administrator's one."""
    document = _open_template(template or default_template_path())
    images = _chart_dict(draw_charts(data), lambda png: InlineImage(document, BytesIO(png), width=CHART_WIDTH))
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    context = build_context(data, images)
    try:
        document.render(context, environment)
    except jinja2.TemplateSyntaxError as error:
        raise ValueError(_syntax_message(error)) from error
    except jinja2.UndefinedError as error:
        raise ValueError(_undefined_message(error, context)) from error
    except jinja2.TemplateError as error:
        raise ValueError(f"Word 模板渲染失败：{error}。请检查模板中的标签。") from error
    _order_cell_properties(document)
    buffer = BytesIO()
    document.save(buffer)
    _write(buffer.getvalue(), out)


# CT_TcPr is an ordered sequence; Word refuses a cell whose properties are out of order.
_TC_PR_ORDER = {
    qn(f"w:{name}"): index
    for index, name in enumerate(
        [
            *("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar"),
            *("textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge"),
            "tcPrChange",
        ]
    )
}


def _order_cell_properties(document: DocxTemplate) -> None:
    """Put cell properties back in schema order: docxtpl's ``cellbg`` inserts ``w:shd`` before ``w:tcW``."""
    for properties in document.docx.element.body.iter(qn("w:tcPr")):
        children = list(properties)
        ordered = sorted(children, key=lambda child: _TC_PR_ORDER.get(child.tag, len(_TC_PR_ORDER)))
        if ordered != children:
            for child in children:
                properties.remove(child)
            properties.extend(ordered)


def _open_template(path: Path) -> DocxTemplate:
    if not Path(path).is_file():
        raise ValueError(f"找不到 Word 模板文件“{Path(path).name}”，请确认文件已上传。")
    try:
        document = DocxTemplate(path)
        document.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as error:
        raise ValueError(
            f"“{Path(path).name}”不是有效的 Word 文档（.docx），请用 Word 另存为“Word 文档(*.docx)”后重新上传。"
        ) from error
    return document


def _syntax_message(error: jinja2.TemplateSyntaxError) -> str:
    """Say which paragraph holds the tag that failed; docxtpl puts each paragraph on its own source line."""
    message = error.message or ""
    lines = (error.source or "").splitlines()
    place = ""
    at_end = "Unexpected end of template" in message  # the line is then just the last one: no use
    if not at_end and error.lineno and 0 < error.lineno <= len(lines):
        text = re.sub(r"<[^>]+>", "", lines[error.lineno - 1]).strip()
        if text:
            place = f"“{_failing_tag(text, message)[:80]}”处"
    return f"Word 模板中{place}的标签有误：{_syntax_reason(message)}。请改正后重新上传模板。"


def _failing_tag(text: str, message: str) -> str:
    """The tag an "unknown tag" error names, out of the paragraph text (which may hold several tags)."""
    match = re.search(r"unknown tag '(\w+)'", message)
    tag = re.search(rf"{{%-?\s*{match[1]}\b.*?%}}", text) if match else None
    return tag[0] if tag else text


def _syntax_reason(message: str) -> str:
    if match := re.search(r"unknown tag '(\w+)'", message):
        return f"无法识别的标签“{match[1]}”（是否拼错，或缺少与之配对的开始标签？）"
    if "Unexpected end of template" in message:
        block = re.search(r"needs to be closed is '(\w+)'", message)
        name = block[1] if block else "for/if"
        return f"“{name}”标签没有对应的结束标签（例如 {{%p end{name} %}}）"
    if match := re.search(r"No filter named '([^']+)'", message):
        return f"不存在的过滤器“{match[1]}”"
    if match := re.search(r"unexpected '(.+?)'", message):
        return f"标签不完整或有多余的“{match[1]}”（标签应写成 {{{{ 变量 }}}} 或 {{% 语句 %}}）"
    return f"标签无法解析（{message}）"


def _undefined_message(error: jinja2.UndefinedError, context: dict[str, Any]) -> str:
    message = error.message or ""
    match = re.search(r"'([^']+)' is undefined", message) or re.search(r"has no attribute '([^']+)'", message)
    name = match[1] if match else message
    return (
        f"Word 模板使用了不存在的变量“{name}”。可用的变量有：{'、'.join(sorted(context))}；"
        "表格行中的字段见通报模板说明。请改正后重新上传模板。"
    )


# --- PDF -----------------------------------------------------------------------------------


@functools.cache
def _pdf_engine() -> Engine:
    """A template engine of our own, so the PDF does not depend on the app being installed."""
    return Engine(dirs=[str(HERE / "templates")], autoescape=True)


def render_pdf(data: BulletinData, out: Path | BinaryIO) -> None:
    """Render the bulletin to an A4 PDF with embedded CJK fonts and page numbers."""
    from weasyprint import HTML  # heavy import (pango via cffi): only when a PDF is made

    images = _chart_dict(draw_charts(data), lambda png: "data:image/png;base64," + base64.b64encode(png).decode())
    context = build_context(data, images)
    context["fonts"] = {
        "serif": charts.cjk_font("serif").path.as_uri(),
        "sans": charts.cjk_font("sans").path.as_uri(),
        "serif_family": charts.cjk_font("serif").family,
        "sans_family": charts.cjk_font("sans").family,
    }
    html = _pdf_engine().get_template("reports/bulletin_pdf.html").render(Context(context))
    _write(HTML(string=html).write_pdf(), out)
