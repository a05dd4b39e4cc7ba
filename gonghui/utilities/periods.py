"""Reporting periods and schedule progress (序时进度). Pure Python, no Django.

- ``Period``: a year, half-year, quarter or month, with codes for URLs and files ("2026", "2026H1",
  "2026Q3", "2026M07"), Chinese labels ("2026年第三季度"), inclusive start and end dates and navigation.
- ``due_date``: when the report for a period is due (quarterly reports: the 10th day after the quarter).
- ``expected_progress``: the share of the year elapsed on a date, by day or by completed month; the yardstick
  that completion rates are compared with.
- ``working_days_after``: the n-th working day after a date, for public-notice periods.

Periods are frozen dataclasses, so they can be dict keys and set members. Their natural order
(``order=True``) sorts by year, then kind, then index; sort periods of one kind, or sort by ``start``.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "Period",
    "PeriodKind",
    "ProgressBasis",
    "due_date",
    "expected_progress",
    "quarter_end_progress",
    "working_days_after",
]

# Four-digit years keep codes fixed-width and round-trippable.
MIN_YEAR = 1000
MAX_YEAR = 9999

_FOUR_PLACES = Decimal("0.0001")
_CHINESE_DIGITS = "一二三四"


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"


class ProgressBasis(StrEnum):
    """How the share of the year elapsed is counted: by calendar day, or by completed month."""

    DAY = "day"
    MONTH = "month"


# Months in one period of each kind, and the number of periods of that kind in a year.
_SPAN = {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}
_PER_YEAR = {kind: 12 // span for kind, span in _SPAN.items()}
_KIND_NAMES = {PeriodKind.YEAR: "年度", PeriodKind.HALF: "半年", PeriodKind.QUARTER: "季度", PeriodKind.MONTH: "月份"}
_CODE_LETTER = {PeriodKind.HALF: "H", PeriodKind.QUARTER: "Q", PeriodKind.MONTH: "M"}
_LETTER_KIND = {letter: kind for kind, letter in _CODE_LETTER.items()}

_CODE_RE = re.compile(r"^(?P<year>\d{4})(?:-?(?P<letter>[HQM])(?P<index>\d{1,2})|-(?P<month>\d{1,2}))?$")
_LABEL_RE = re.compile(
    r"^(?P<year>\d{4})年(?:度)?(?:(?P<half>[上下])半年|第(?P<quarter>[一二三四1-4])季度|(?P<month>\d{1,2})月(?:份)?)?$"
)
_CODE_HELP = "请使用如 2026（年度）、2026H1（上半年）、2026Q3（第三季度）、2026M07 或 2026-07（月份）的格式。"


def _as_date(value: datetime.date) -> datetime.date:
    """Accept datetimes too (comparing a datetime with a date raises TypeError)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"需要日期，收到的是 {type(value).__name__}。")


def _as_kind(kind: PeriodKind | str) -> PeriodKind:
    try:
        return PeriodKind(kind)
    except ValueError:
        raise ValueError(f"期间类型“{kind}”无效，应为 year、half、quarter 或 month 之一。") from None


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"年份“{year!r}”无效，应为四位整数，如 2026。")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"年份 {year} 超出范围，应在 {MIN_YEAR} 至 {MAX_YEAR} 之间。")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: PeriodKind
    index: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _as_kind(self.kind))
        _check_year(self.year)
        count = _PER_YEAR[self.kind]
        if isinstance(self.index, bool) or not isinstance(self.index, int) or not 1 <= self.index <= count:
            raise ValueError(f"{_KIND_NAMES[self.kind]}序号“{self.index!r}”无效，应为 1 至 {count} 之间的整数。")

    # --- constructors -------------------------------------------------------------------------------------

    @classmethod
    def year_of(cls, year: int) -> Period:
        return cls(year, PeriodKind.YEAR, 1)

    @classmethod
    def half_of(cls, year: int, half: int) -> Period:
        return cls(year, PeriodKind.HALF, half)

    @classmethod
    def quarter_of(cls, year: int, quarter: int) -> Period:
        return cls(year, PeriodKind.QUARTER, quarter)

    @classmethod
    def month_of(cls, year: int, month: int) -> Period:
        return cls(year, PeriodKind.MONTH, month)

    @classmethod
    def containing(cls, date: datetime.date, kind: PeriodKind | str) -> Period:
        """The period of ``kind`` that contains ``date``."""
        date = _as_date(date)
        kind = _as_kind(kind)
        return cls(date.year, kind, (date.month - 1) // _SPAN[kind] + 1)

    @classmethod
    def parse(cls, code: str) -> Period:
        """Read a code ("2026", "2026H1", "2026Q3", "2026M07", "2026-Q3", "2026-07", any case) or a Chinese
        label as ``label`` writes it ("2026年第三季度"). Raises ValueError with a Chinese message."""
        text = str(code).strip()
        match = _CODE_RE.match(text.upper())
        if match:
            year = int(match["year"])
            if match["letter"]:
                return cls(year, _LETTER_KIND[match["letter"]], int(match["index"]))
            if match["month"]:
                return cls.month_of(year, int(match["month"]))
            return cls.year_of(year)
        match = _LABEL_RE.match(text)
        if match:
            return cls._from_label(match)
        raise ValueError(f"无法识别期间“{text}”。{_CODE_HELP}")

    @classmethod
    def _from_label(cls, match: re.Match[str]) -> Period:
        year = int(match["year"])
        if match["half"]:
            return cls.half_of(year, 1 if match["half"] == "上" else 2)
        if match["quarter"]:
            quarter = match["quarter"]
            return cls.quarter_of(year, int(quarter) if quarter.isdigit() else _CHINESE_DIGITS.index(quarter) + 1)
        if match["month"]:
            return cls.month_of(year, int(match["month"]))
        return cls.year_of(year)

    # --- names --------------------------------------------------------------------------------------------

    @property
    def code(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.year:04d}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.year:04d}M{self.index:02d}"
        return f"{self.year:04d}{_CODE_LETTER[self.kind]}{self.index}"

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.year}年"
        if self.kind == PeriodKind.HALF:
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}年第{_CHINESE_DIGITS[self.index - 1]}季度"
        return f"{self.year}年{self.index}月"

    def __str__(self) -> str:
        return self.label

    # --- dates --------------------------------------------------------------------------------------------

    @property
    def months(self) -> tuple[int, ...]:
        """The calendar months (1..12) the period covers."""
        span = _SPAN[self.kind]
        first = (self.index - 1) * span + 1
        return tuple(range(first, first + span))

    @property
    def ytd_months(self) -> tuple[int, ...]:
        """Months 1 .. the period's last month: what a year-to-date figure at the period's end covers."""
        return tuple(range(1, self.months[-1] + 1))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.months[0], 1)

    @property
    def end(self) -> datetime.date:
        last = self.months[-1]
        return datetime.date(self.year, last, calendar.monthrange(self.year, last)[1])

    @property
    def ytd_start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, date: datetime.date) -> bool:
        return self.start <= _as_date(date) <= self.end

    # --- navigation ---------------------------------------------------------------------------------------

    def next(self) -> Period:
        if self.index < _PER_YEAR[self.kind]:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)

    def previous(self) -> Period:
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, _PER_YEAR[self.kind])

    def year_period(self) -> Period:
        return Period.year_of(self.year)

    def within(self, kind: PeriodKind | str) -> Period:
        """The period of ``kind`` that contains this one, e.g. the quarter of a month. A finer kind than the
        period's own (the month of a quarter) is ambiguous and raises ValueError."""
        kind = _as_kind(kind)
        if _SPAN[kind] < _SPAN[self.kind] or _SPAN[kind] % _SPAN[self.kind]:
            raise ValueError(f"{self.label}不能归入单个{_KIND_NAMES[kind]}。")
        return Period.containing(self.start, kind)

    def quarters(self) -> tuple[Period, ...]:
        """The quarters that make up the period: four for a year, two for a half, the quarter itself.
        A month is part of a quarter, not made of quarters: use ``within("quarter")``."""
        if self.kind == PeriodKind.MONTH:
            raise ValueError(f"{self.label}是月份，不能拆分为季度；如需所属季度，请用 within('quarter')。")
        return self._parts(PeriodKind.QUARTER)

    def months_periods(self) -> tuple[Period, ...]:
        """The month periods that make up the period."""
        return self._parts(PeriodKind.MONTH)

    def _parts(self, kind: PeriodKind) -> tuple[Period, ...]:
        span = _SPAN[kind]
        return tuple(Period(self.year, kind, (month - 1) // span + 1) for month in self.months[::span])


def due_date(period: Period, days_after: int = 10) -> datetime.date:
    """The date a period's report is due: the ``days_after``-th day after the period ends
    (a quarterly report with the default 10 days: 2026Q1 → 2026-04-10). 0 means the period's last day."""
    if days_after < 0:
        raise ValueError(f"报送期限天数不能为负数（当前为 {days_after}），请填写期末后的天数，如 10。")
    return period.end + datetime.timedelta(days=days_after)


def _completed_months(as_of: datetime.date) -> int:
    """Months of the year completed on ``as_of``: a month counts on its last day."""
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    return as_of.month if as_of.day == last_day else as_of.month - 1


def expected_progress(year: int, as_of: datetime.date, basis: ProgressBasis | str = ProgressBasis.DAY) -> Decimal:
    """序时进度: the share of ``year`` elapsed on ``as_of`` (inclusive), between 0 and 1, to 4 decimals.

    By day: days from 1 January to ``as_of`` inclusive ÷ days in the year (365 or 366).
    By month: completed months ÷ 12, a month counting only on its last day (30 June → 0.5, 29 June → 5/12).
    Before the year it is 0, after the year 1.
    """
    _check_year(year)
    as_of = _as_date(as_of)
    try:
        basis = ProgressBasis(basis)
    except ValueError:
        raise ValueError(f"序时进度口径“{basis}”无效，应为 day（按天）或 month（按月）。") from None
    if as_of.year < year:
        return Decimal(0).quantize(_FOUR_PLACES)
    if as_of.year > year:
        return Decimal(1).quantize(_FOUR_PLACES)
    if basis == ProgressBasis.DAY:
        elapsed = as_of.timetuple().tm_yday
        share = Decimal(elapsed) / Decimal(366 if calendar.isleap(year) else 365)
    else:
        share = Decimal(_completed_months(as_of)) / Decimal(12)
    return share.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)


def quarter_end_progress(year: int, quarter: int, basis: ProgressBasis | str = ProgressBasis.DAY) -> Decimal:
    """Expected progress on the last day of a quarter (Q2: 0.5 by month; by day 181/365 in 2026)."""
    return expected_progress(year, Period.quarter_of(year, quarter).end, basis)


def working_days_after(start: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted; n = 0 gives ``start``).

    Working days are Monday to Friday only: there is no holiday calendar (no 法定节假日 or 调休 make-up
    days), so a notice period spanning a public holiday must be checked by a person.
    """
    start = _as_date(start)
    if n < 0:
        raise ValueError(f"工作日天数不能为负数（当前为 {n}）。")
    if n == 0:
        return start
    # Any 7 consecutive days hold exactly 5 working days: jump whole weeks, then step through the rest.
    weeks = (n - 1) // 5
    day = start + datetime.timedelta(weeks=weeks)
    remaining = n - weeks * 5
    while remaining:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day
