"""Charts for generated documents: PNG images drawn by matplotlib with a CJK font.

Only the object-oriented API is used (``Figure`` + the Agg canvas), never pyplot: no GUI
backend is ever chosen and pyplot's global figure registry cannot grow inside a long-running
job worker. Fonts come from the system (fontconfig's ``fc-list`` via matplotlib's font
manager); Debian's ``fonts-noto-cjk`` package provides them.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from gonghui.reports.formatting import percent_text, score_text

if TYPE_CHECKING:
    from gonghui.reports.bulletin import IndicatorLine, RankingLine

FONT_PACKAGE = "fonts-noto-cjk"
DPI = 150
WIDTH_INCHES = 6.3  # ~160 mm: the text width of an A4 official document
LIGHT_COLOURS = {"green": "#3c9a50", "yellow": "#e3a400", "red": "#d0342c", "none": "#9e9e9e"}
BAR_COLOUR = "#2f6db0"
EXPECTED_COLOUR = "#c00000"
QUARTERS = ("一季度", "二季度", "三季度", "四季度")

_STYLE_NAMES = {"sans": "Sans", "serif": "Serif"}


class CjkFontMissing(RuntimeError):
    """No CJK font is installed, so Chinese text would render as empty boxes."""


@dataclass(frozen=True)
class CjkFont:
    path: Path  # the font file (a .ttc collection or .otf)
    family: str  # the family matplotlib and fontconfig know it by, e.g. "Noto Sans CJK SC"


def pick_cjk_font_file(paths: Iterable[str | Path], style: str) -> Path:
    """The regular-weight Noto (or Source Han, the same design) CJK file of the given style.

    Prefers a file named for Simplified Chinese, then the pan-CJK collection; the choice is
    deterministic whatever order the system lists its fonts in.
    """
    word = _STYLE_NAMES[style]
    pattern = re.compile(rf"^(Noto{word}CJK|SourceHan{word})\w*-Regular\.(ttc|otf|ttf)$", re.IGNORECASE)
    matches = sorted(
        {Path(p) for p in paths if pattern.match(Path(p).name)},
        key=lambda p: (not p.stem.lower().endswith("sc-regular"), p.suffix.lower() != ".ttc", str(p)),
    )
    if not matches:
        raise CjkFontMissing(
            f"未找到中文字体 Noto {word} CJK，无法生成含中文的图表和 PDF。"
            f"请安装 Debian 软件包 {FONT_PACKAGE}（sudo apt-get install {FONT_PACKAGE}）后重试。"
        )
    return matches[0]


@functools.cache
def cjk_font(style: str = "sans") -> CjkFont:
    """The installed CJK font of a style ("sans" ~ 黑体, "serif" ~ 宋体), registered with matplotlib."""
    path = pick_cjk_font_file(font_manager.findSystemFonts(), style)
    if not any(entry.fname == str(path) for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    return CjkFont(path=path, family=_family_of(path))


def _family_of(path: Path) -> str:
    """The family to ask matplotlib for: a collection holds one face per region; take the SC one."""
    names = [entry.name for entry in font_manager.fontManager.ttflist if entry.fname == str(path)]
    names = [name for name in names if "Mono" not in name] or names
    for name in names:
        if name.endswith(" SC"):
            return name
    return names[0] if names else font_manager.FontProperties(fname=str(path)).get_name()


@functools.cache
def _rc() -> dict:
    """The rc settings every chart is drawn with (computed once per process)."""
    return {
        "font.family": [cjk_font("sans").family],
        "font.size": 9,
        "axes.unicode_minus": False,  # CJK fonts lack U+2212; use the ASCII hyphen
        "axes.spines.top": False,
        "axes.spines.right": False,
        "savefig.dpi": DPI,
    }


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _fraction(value: Decimal | None) -> float:
    return float(value) if value is not None else math.nan


def indicator_chart(indicators: Sequence[IndicatorLine], expected: Decimal) -> bytes | None:
    """Horizontal bars: each indicator's completion, coloured by its light, with the expected progress line."""
    if not indicators:
        return None
    with matplotlib.rc_context(_rc()):
        figure = _figure(height=1.0 + 0.26 * len(indicators))
        axes = figure.add_subplot()
        values = [_fraction(line.completion) for line in indicators]
        positions = range(len(indicators))
        axes.barh(
            positions,
            [0 if math.isnan(v) else v for v in values],
            height=0.6,
            color=[LIGHT_COLOURS.get(line.light, LIGHT_COLOURS["none"]) for line in indicators],
        )
        axes.set_yticks(positions, labels=[line.name for line in indicators])
        axes.invert_yaxis()  # first indicator on top, as in the table
        known = [v for v in values if not math.isnan(v)]
        right = max([1.0, float(expected), *known]) * 1.18
        axes.set_xlim(0, right)
        axes.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        axes.axvline(
            float(expected),
            color=EXPECTED_COLOUR,
            linestyle="--",
            linewidth=1.2,
            label=f"序时进度 {percent_text(expected)}",
        )
        for position, (line, value) in enumerate(zip(indicators, values, strict=True)):
            label = "未填报" if math.isnan(value) else percent_text(line.completion)
            axes.text((0 if math.isnan(value) else value) + right * 0.01, position, label, va="center", fontsize=8)
        axes.set_title("主要指标完成率")
        axes.legend(loc="lower right", fontsize=8, frameon=False)
        return _png(figure)


def ranking_chart(ranking: Sequence[RankingLine]) -> bytes | None:
    """Vertical bars: each sub-unit's weighted score, in ranking order."""
    if not ranking:
        return None
    with matplotlib.rc_context(_rc()):
        figure = _figure(height=3.2 if len(ranking) <= 12 else 3.8)
        axes = figure.add_subplot()
        scores = [float(line.score) for line in ranking]
        positions = range(len(ranking))
        bars = axes.bar(positions, scores, width=0.6, color=BAR_COLOUR)
        # Names side by side need about one character width each at 9 pt; rotate them when they would meet.
        characters = sum(len(line.unit) for line in ranking) + 2 * len(ranking)
        rotate = len(ranking) > 8 or characters * 9 / 72 > WIDTH_INCHES * 0.85
        axes.set_xticks(
            positions,
            labels=[line.unit for line in ranking],
            rotation=30 if rotate else 0,
            ha="right" if rotate else "center",
            rotation_mode="anchor",
            fontsize=8 if rotate else 9,
        )
        axes.bar_label(bars, labels=[score_text(line.score) for line in ranking], fontsize=7, padding=2)
        axes.set_ylim(0, max([*scores, 1.0]) * 1.15)
        axes.set_ylabel("综合得分")
        axes.set_title("各单位综合得分")
        return _png(figure)


def trend_chart(trend: Mapping[str, Sequence[Decimal | None]]) -> bytes | None:
    """Lines: each indicator's completion at the end of quarters 1..4 (gaps where not reported)."""
    if not trend:
        return None
    with matplotlib.rc_context(_rc()):
        columns = min(len(trend), 4)
        legend_rows = math.ceil(len(trend) / columns)
        figure = _figure(height=2.8 + 0.2 * legend_rows)
        axes = figure.add_subplot()
        quarters = range(1, len(QUARTERS) + 1)
        highest = 1.0
        for name, values in trend.items():
            padded = [_fraction(v) for v in [*values, *([None] * len(QUARTERS))][: len(QUARTERS)]]
            highest = max([highest, *(v for v in padded if not math.isnan(v))])
            axes.plot(quarters, padded, marker="o", linewidth=1.5, label=name)
        axes.set_xticks(quarters, labels=QUARTERS)
        axes.set_ylim(0, highest * 1.1)
        axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        axes.set_title("各季度完成率走势")
        figure.legend(loc="outside lower center", ncols=columns, fontsize=7, frameon=False)
        return _png(figure)
