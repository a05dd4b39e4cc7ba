"""Periods, due dates, expected progress and working days: hand-computed tables plus properties.

No database: these run in milliseconds.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.utilities.periods import (
    Period,
    PeriodKind,
    due_date,
    expected_progress,
    quarter_end_progress,
    working_days_after,
)

D = datetime.date

# code, kind, index, label, start, end, days
PERIODS = [
    ("2026", PeriodKind.YEAR, 1, "2026年", D(2026, 1, 1), D(2026, 12, 31), 365),
    ("2024", PeriodKind.YEAR, 1, "2024年", D(2024, 1, 1), D(2024, 12, 31), 366),
    ("2026H1", PeriodKind.HALF, 1, "2026年上半年", D(2026, 1, 1), D(2026, 6, 30), 181),
    ("2024H1", PeriodKind.HALF, 1, "2024年上半年", D(2024, 1, 1), D(2024, 6, 30), 182),
    ("2026H2", PeriodKind.HALF, 2, "2026年下半年", D(2026, 7, 1), D(2026, 12, 31), 184),
    ("2026Q1", PeriodKind.QUARTER, 1, "2026年第一季度", D(2026, 1, 1), D(2026, 3, 31), 90),
    ("2024Q1", PeriodKind.QUARTER, 1, "2024年第一季度", D(2024, 1, 1), D(2024, 3, 31), 91),
    ("2026Q2", PeriodKind.QUARTER, 2, "2026年第二季度", D(2026, 4, 1), D(2026, 6, 30), 91),
    ("2026Q3", PeriodKind.QUARTER, 3, "2026年第三季度", D(2026, 7, 1), D(2026, 9, 30), 92),
    ("2026Q4", PeriodKind.QUARTER, 4, "2026年第四季度", D(2026, 10, 1), D(2026, 12, 31), 92),
    ("2026M07", PeriodKind.MONTH, 7, "2026年7月", D(2026, 7, 1), D(2026, 7, 31), 31),
    ("2026M02", PeriodKind.MONTH, 2, "2026年2月", D(2026, 2, 1), D(2026, 2, 28), 28),
    ("2024M02", PeriodKind.MONTH, 2, "2024年2月", D(2024, 2, 1), D(2024, 2, 29), 29),
    ("2000M02", PeriodKind.MONTH, 2, "2000年2月", D(2000, 2, 1), D(2000, 2, 29), 29),
    ("1900M02", PeriodKind.MONTH, 2, "1900年2月", D(1900, 2, 1), D(1900, 2, 28), 28),
    ("2026M12", PeriodKind.MONTH, 12, "2026年12月", D(2026, 12, 1), D(2026, 12, 31), 31),
]


@pytest.mark.parametrize(("code", "kind", "index", "label", "start", "end", "days"), PERIODS)
def test_period_reference_table(code, kind, index, label, start, end, days):
    period = Period(int(code[:4]), kind, index)
    assert period.code == code
    assert Period.parse(code) == period
    assert period.label == label
    assert str(period) == label
    assert (period.start, period.end, period.days) == (start, end, days)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period.year_of(2026), Period(2026, PeriodKind.YEAR, 1)),
        (Period.half_of(2026, 2), Period(2026, PeriodKind.HALF, 2)),
        (Period.quarter_of(2026, 3), Period(2026, PeriodKind.QUARTER, 3)),
        (Period.month_of(2026, 7), Period(2026, PeriodKind.MONTH, 7)),
        (Period.containing(D(2026, 8, 15), "quarter"), Period.quarter_of(2026, 3)),
        (Period.containing(D(2026, 6, 30), PeriodKind.HALF), Period.half_of(2026, 1)),
        (Period.containing(D(2026, 7, 1), PeriodKind.HALF), Period.half_of(2026, 2)),
        (Period.containing(D(2026, 12, 31), PeriodKind.MONTH), Period.month_of(2026, 12)),
        (Period.containing(datetime.datetime(2026, 4, 1, 9, 30), PeriodKind.QUARTER), Period.quarter_of(2026, 2)),
        (Period.containing(D(2026, 2, 1), PeriodKind.YEAR), Period.year_of(2026)),
    ],
)
def test_constructors(period, expected):
    assert period == expected


def test_kind_given_as_text_becomes_the_enum_and_periods_are_hashable():
    period = Period(2026, "quarter", 2)
    assert period.kind is PeriodKind.QUARTER
    assert {period: "x"}[Period.quarter_of(2026, 2)] == "x"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026h1", Period.half_of(2026, 1)),
        ("2026q3", Period.quarter_of(2026, 3)),
        ("2026-Q3", Period.quarter_of(2026, 3)),
        ("2026-q4", Period.quarter_of(2026, 4)),
        ("2026-07", Period.month_of(2026, 7)),
        ("2026-7", Period.month_of(2026, 7)),
        ("2026m7", Period.month_of(2026, 7)),
        (" 2026Q3 ", Period.quarter_of(2026, 3)),
        ("2026年第三季度", Period.quarter_of(2026, 3)),
        ("2026年第4季度", Period.quarter_of(2026, 4)),
        ("2026年下半年", Period.half_of(2026, 2)),
        ("2026年7月", Period.month_of(2026, 7)),
        ("2026年度", Period.year_of(2026)),
        ("2026年", Period.year_of(2026)),
    ],
)
def test_parse_accepts_variants(text, expected):
    assert Period.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026Q5", "季度序号"),
        ("2026Q0", "季度序号"),
        ("2026H3", "半年序号"),
        ("2026M13", "月份序号"),
        ("2026-13", "月份序号"),
        ("26Q3", "无法识别"),
        ("2026X1", "无法识别"),
        ("", "无法识别"),
        ("第三季度", "无法识别"),
        ("2026年第五季度", "无法识别"),
        ("0999", "超出范围"),
    ],
)
def test_parse_rejects_bad_codes_in_chinese(text, message):
    with pytest.raises(ValueError, match=message):
        Period.parse(text)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2026, "quarter", 5), "季度序号"),
        ((2026, "week", 1), "期间类型"),
        ((2026, PeriodKind.YEAR, 2), "年度序号"),
        ((2026, PeriodKind.QUARTER, True), "季度序号"),
        ((2026, PeriodKind.MONTH, 1.0), "月份序号"),
        (("2026", PeriodKind.YEAR, 1), "年份"),
        ((10000, PeriodKind.YEAR, 1), "超出范围"),
    ],
)
def test_invalid_periods_raise_chinese_errors(args, message):
    with pytest.raises(ValueError, match=message):
        Period(*args)


@pytest.mark.parametrize(
    ("code", "previous", "following"),
    [
        ("2026", "2025", "2027"),
        ("2026H1", "2025H2", "2026H2"),
        ("2026H2", "2026H1", "2027H1"),
        ("2026Q1", "2025Q4", "2026Q2"),
        ("2026Q4", "2026Q3", "2027Q1"),
        ("2026M01", "2025M12", "2026M02"),
        ("2026M12", "2026M11", "2027M01"),
    ],
)
def test_navigation(code, previous, following):
    period = Period.parse(code)
    assert period.previous().code == previous
    assert period.next().code == following
    assert period.next().previous() == period
    assert period.year_period() == Period.year_of(2026)


@pytest.mark.parametrize(
    ("code", "months", "ytd", "quarters"),
    [
        ("2026", tuple(range(1, 13)), tuple(range(1, 13)), ("2026Q1", "2026Q2", "2026Q3", "2026Q4")),
        ("2026H1", (1, 2, 3, 4, 5, 6), (1, 2, 3, 4, 5, 6), ("2026Q1", "2026Q2")),
        ("2026H2", (7, 8, 9, 10, 11, 12), tuple(range(1, 13)), ("2026Q3", "2026Q4")),
        ("2026Q3", (7, 8, 9), tuple(range(1, 10)), ("2026Q3",)),
        ("2026Q1", (1, 2, 3), (1, 2, 3), ("2026Q1",)),
    ],
)
def test_months_ytd_and_quarters(code, months, ytd, quarters):
    period = Period.parse(code)
    assert period.months == months
    assert period.ytd_months == ytd
    assert period.ytd_start == D(2026, 1, 1)
    assert tuple(q.code for q in period.quarters()) == quarters
    assert tuple(m.index for m in period.months_periods()) == months


def test_month_is_not_made_of_quarters_but_lies_within_one():
    august = Period.month_of(2026, 8)
    assert august.ytd_months == (1, 2, 3, 4, 5, 6, 7, 8)
    assert august.months_periods() == (august,)
    assert august.within("quarter") == Period.quarter_of(2026, 3)
    assert august.within(PeriodKind.HALF) == Period.half_of(2026, 2)
    assert august.within(PeriodKind.YEAR) == Period.year_of(2026)
    assert august.within(PeriodKind.MONTH) == august
    with pytest.raises(ValueError, match="不能拆分为季度"):
        august.quarters()
    with pytest.raises(ValueError, match="不能归入"):
        Period.quarter_of(2026, 3).within("month")
    with pytest.raises(ValueError, match="不能归入"):
        Period.half_of(2026, 1).within("quarter")
    assert Period.quarter_of(2026, 3).within("half") == Period.half_of(2026, 2)


def test_contains_is_inclusive_and_accepts_datetimes():
    q2 = Period.quarter_of(2026, 2)
    assert q2.contains(D(2026, 4, 1))
    assert q2.contains(D(2026, 6, 30))
    assert q2.contains(datetime.datetime(2026, 6, 30, 23, 59))
    assert not q2.contains(D(2026, 3, 31))
    assert not q2.contains(D(2026, 7, 1))


@pytest.mark.parametrize(
    ("code", "days_after", "due"),
    [
        ("2026Q1", 10, D(2026, 4, 10)),
        ("2026Q2", 10, D(2026, 7, 10)),
        ("2026Q4", 10, D(2027, 1, 10)),
        ("2024M02", 10, D(2024, 3, 10)),
        ("2026", 31, D(2027, 1, 31)),
        ("2026Q3", 0, D(2026, 9, 30)),
        ("2026H1", 15, D(2026, 7, 15)),
    ],
)
def test_due_dates(code, days_after, due):
    assert due_date(Period.parse(code), days_after) == due


def test_due_date_default_is_ten_days_and_rejects_negative():
    assert due_date(Period.quarter_of(2026, 1)) == D(2026, 4, 10)
    with pytest.raises(ValueError, match="不能为负数"):
        due_date(Period.quarter_of(2026, 1), -1)


@pytest.mark.parametrize(
    ("year", "as_of", "basis", "expected"),
    [
        # by day: days elapsed (inclusive) ÷ days in the year
        (2026, D(2026, 1, 1), "day", "0.0027"),  # 1/365 = 0.00274
        (2026, D(2026, 3, 31), "day", "0.2466"),  # 90/365 = 0.24658
        (2026, D(2026, 6, 30), "day", "0.4959"),  # 181/365 = 0.49589
        (2026, D(2026, 12, 31), "day", "1.0000"),
        (2024, D(2024, 2, 29), "day", "0.1639"),  # 60/366 = 0.16393
        (2024, D(2024, 6, 30), "day", "0.4973"),  # 182/366 = 0.49727
        (2024, D(2024, 12, 31), "day", "1.0000"),
        (2026, D(2025, 12, 31), "day", "0.0000"),  # before the year
        (2026, D(2027, 1, 1), "day", "1.0000"),  # after the year
        # by month: completed months ÷ 12, a month counts on its last day
        (2026, D(2026, 1, 30), "month", "0.0000"),
        (2026, D(2026, 1, 31), "month", "0.0833"),  # 1/12
        (2026, D(2026, 2, 28), "month", "0.1667"),  # 2/12
        (2024, D(2024, 2, 28), "month", "0.0833"),  # February 2024 has 29 days
        (2024, D(2024, 2, 29), "month", "0.1667"),
        (2026, D(2026, 6, 29), "month", "0.4167"),  # 5/12
        (2026, D(2026, 6, 30), "month", "0.5000"),
        (2026, D(2026, 12, 30), "month", "0.9167"),  # 11/12
        (2026, D(2026, 12, 31), "month", "1.0000"),
        (2026, D(2025, 6, 30), "month", "0.0000"),
        (2026, D(2030, 1, 1), "month", "1.0000"),
    ],
)
def test_expected_progress_reference_table(year, as_of, basis, expected):
    result = expected_progress(year, as_of, basis)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -4


def test_expected_progress_defaults_to_day_basis_and_rejects_bad_basis():
    assert expected_progress(2026, D(2026, 6, 30)) == Decimal("0.4959")
    assert expected_progress(2026, datetime.datetime(2026, 6, 30, 8, 0)) == Decimal("0.4959")
    with pytest.raises(ValueError, match="序时进度口径"):
        expected_progress(2026, D(2026, 6, 30), "week")


@pytest.mark.parametrize(
    ("year", "quarter", "basis", "expected"),
    [
        (2026, 1, "day", "0.2466"),  # 90/365
        (2026, 2, "day", "0.4959"),  # 181/365
        (2026, 3, "day", "0.7479"),  # 273/365 = 0.74795
        (2024, 3, "day", "0.7486"),  # 274/366 = 0.74863
        (2026, 4, "day", "1.0000"),
        (2026, 1, "month", "0.2500"),
        (2026, 2, "month", "0.5000"),
        (2026, 3, "month", "0.7500"),
        (2026, 4, "month", "1.0000"),
    ],
)
def test_quarter_end_progress(year, quarter, basis, expected):
    assert quarter_end_progress(year, quarter, basis) == Decimal(expected)


@pytest.mark.parametrize(
    ("start", "n", "result"),
    [
        (D(2026, 1, 1), 0, D(2026, 1, 1)),  # Thursday
        (D(2026, 1, 1), 1, D(2026, 1, 2)),  # Friday
        (D(2026, 1, 2), 1, D(2026, 1, 5)),  # Friday → Monday
        (D(2026, 1, 2), 5, D(2026, 1, 9)),
        (D(2026, 1, 3), 1, D(2026, 1, 5)),  # Saturday → Monday
        (D(2026, 1, 3), 5, D(2026, 1, 9)),  # Saturday → Friday, not the next Saturday
        (D(2026, 1, 4), 6, D(2026, 1, 12)),  # Sunday
        (D(2026, 1, 5), 10, D(2026, 1, 19)),  # Monday + two weeks
        (D(2026, 1, 5), 7, D(2026, 1, 14)),
    ],
)
def test_working_days_after(start, n, result):
    assert working_days_after(start, n) == result


def test_working_days_after_rejects_negative():
    with pytest.raises(ValueError, match="不能为负数"):
        working_days_after(D(2026, 1, 1), -1)


# --- properties -----------------------------------------------------------------------------------------------

kinds = st.sampled_from(list(PeriodKind))
years = st.integers(min_value=1001, max_value=9998)
dates = st.dates(min_value=D(1001, 1, 1), max_value=D(9998, 12, 31))


@st.composite
def periods(draw):
    kind = draw(kinds)
    count = {PeriodKind.YEAR: 1, PeriodKind.HALF: 2, PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}[kind]
    return Period(draw(years), kind, draw(st.integers(min_value=1, max_value=count)))


@settings(max_examples=200, deadline=None)
@given(periods())
def test_code_round_trips_and_dates_are_ordered(period):
    assert Period.parse(period.code) == period
    assert Period.parse(period.code.lower()) == period
    assert Period.parse(period.label) == period
    assert period.start <= period.end
    assert period.days == (period.end - period.start).days + 1
    assert period.next().start == period.end + datetime.timedelta(days=1)
    assert period.previous().end == period.start - datetime.timedelta(days=1)


@settings(max_examples=150, deadline=None)
@given(years)
def test_quarters_and_months_partition_the_year(year):
    whole = Period.year_of(year)
    for parts in (whole.quarters(), whole.months_periods()):
        assert sum(part.days for part in parts) == whole.days
        assert parts[0].start == whole.start
        assert parts[-1].end == whole.end
        for before, after in itertools.pairwise(parts):
            assert after.start == before.end + datetime.timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(dates, kinds)
def test_containing_contains(date, kind):
    period = Period.containing(date, kind)
    assert period.contains(date)
    assert not period.next().contains(date)
    assert not period.previous().contains(date)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=2000, max_value=2100),
    dates.filter(lambda d: 1999 <= d.year <= 2101),
    st.integers(min_value=0, max_value=400),
    st.sampled_from(["day", "month"]),
)
def test_expected_progress_is_monotone_and_bounded(year, as_of, extra_days, basis):
    later = as_of + datetime.timedelta(days=extra_days)
    earlier_progress = expected_progress(year, as_of, basis)
    later_progress = expected_progress(year, later, basis)
    assert Decimal(0) <= earlier_progress <= later_progress <= Decimal(1)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)), st.integers(min_value=0, max_value=40))
def test_working_days_after_matches_counting_day_by_day(start, n):
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        counted += day.weekday() < 5
    assert working_days_after(start, n) == day
