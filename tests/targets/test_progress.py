"""Completion, lights, scores, ranking and assessment: hand-computed tables plus properties.

No database: these run in milliseconds.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.targets.progress import (
    INDICATOR_KIND_LABELS,
    LIGHT_COLOUR_NAMES,
    LIGHT_LABELS,
    AssessmentRow,
    IndicatorKind,
    Light,
    assessment,
    check_weights,
    completion_rate,
    composite_value,
    expected_for,
    item_score,
    light,
    rank,
    schedule_status,
)

D = datetime.date
CUM, STOCK, RATE, DEC, COMP = (
    IndicatorKind.CUMULATIVE,
    IndicatorKind.STOCK,
    IndicatorKind.RATE,
    IndicatorKind.DECREASING,
    IndicatorKind.COMPOSITE,
)


def dec(value):
    return None if value is None else Decimal(value)


def test_enums_use_the_stored_values_and_have_chinese_labels():
    assert [k.value for k in IndicatorKind] == ["cumulative", "stock", "rate", "decreasing", "composite"]
    assert [x.value for x in Light] == ["green", "yellow", "red", "none"]
    assert LIGHT_LABELS == {Light.GREEN: "正常", Light.YELLOW: "滞后", Light.RED: "严重滞后", Light.NONE: "无"}
    assert LIGHT_COLOUR_NAMES[Light.RED] == "红灯"
    assert set(INDICATOR_KIND_LABELS) == set(IndicatorKind)


# --- completion ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "kind", "cap", "expected"),
    [
        (50, 60, CUM, None, "0.8333"),
        (0, 60, CUM, None, "0.0000"),
        (70, 60, CUM, None, "1.1667"),
        (70, 60, CUM, "1", "1.0000"),
        (80, 60, CUM, "1.2", "1.2000"),  # 1.3333 capped
        (1, 32, CUM, None, "0.0313"),  # 0.03125 rounds half up
        (-6, 60, CUM, None, "-0.1000"),  # a net decrease is a negative completion
        (50, 0, CUM, None, None),  # zero target: no share can be measured
        (50, -5, CUM, None, None),
        (None, 60, CUM, None, None),
        (50, None, CUM, None, None),
        (None, None, DEC, None, None),
        (95000, 100000, STOCK, None, "0.9500"),
        ("85.5", "90", RATE, None, "0.9500"),
        ("0.9", "1", COMP, None, "0.9000"),
        (0.1, 0.3, CUM, None, "0.3333"),  # floats are read through str
        # decreasing: target ÷ actual
        (4, 5, DEC, None, "1.2500"),
        (5, 5, DEC, None, "1.0000"),
        (10, 5, DEC, None, "0.5000"),
        (4, 5, DEC, "1", "1.0000"),
        (0, 5, DEC, None, "1.0000"),  # actual 0 meets the ceiling: 1 without a cap
        (0, 5, DEC, "1.5", "1.5000"),  # ... and the cap with one (the ratio is unbounded)
        (0, 0, DEC, None, "1.0000"),
        (0, 0, DEC, "1.5", "1.0000"),
        (3, 0, DEC, None, "0.0000"),  # a zero ceiling broken outright
        (-1, 5, DEC, None, None),
        (2, -5, DEC, None, None),
        (4, None, DEC, None, None),
    ],
)
def test_completion_rate_reference_table(actual, target, kind, cap, expected):
    result = completion_rate(actual, target, kind, cap=dec(cap))
    assert result == dec(expected)
    if result is not None:
        assert result.as_tuple().exponent == -4


def test_completion_rate_accepts_kind_as_text():
    assert completion_rate(Decimal("4"), Decimal("5"), "decreasing") == Decimal("1.25")


@pytest.mark.parametrize(
    ("actual", "target", "kind", "message"),
    [
        ("abc", 5, CUM, "实际值“abc”不是有效的数字"),
        (5, "NaN", CUM, "目标值“NaN”不是有效的数字"),
        (True, 5, CUM, "布尔值"),
        (5, 5, "weekly", "指标类型“weekly”无效"),
    ],
)
def test_completion_rate_rejects_bad_input(actual, target, kind, message):
    with pytest.raises(ValueError, match=message):
        completion_rate(actual, target, kind)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([(50, "0.8"), (30, "1.0"), (20, None)], "0.8750"),  # (40 + 30) / 80
        ([(50, "1.2"), (50, "0.6")], "0.9000"),
        ([(1, "0.5")], "0.5000"),
        ([(1, "0.3333"), (2, "0.6667")], "0.5556"),  # 1.6667 / 3
        ([(0, "0.5"), (0, "0.7")], None),
        ([(1, None)], None),
        ([], None),
    ],
)
def test_composite_value(parts, expected):
    assert composite_value([(Decimal(w), dec(c)) for w, c in parts]) == dec(expected)


def test_composite_value_rejects_negative_weights():
    with pytest.raises(ValueError, match="组成指标权重不能为负数"):
        composite_value([(Decimal(-1), Decimal("0.5"))])


# --- lights -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completion", "expected", "margin", "deadline_passed", "result"),
    [
        ("0.5", "0.5", "0.10", False, Light.GREEN),  # exactly on schedule
        ("0.6", "0.5", "0.10", False, Light.GREEN),
        ("0.4001", "0.5", "0.10", False, Light.YELLOW),
        ("0.41", "0.5", "0.10", False, Light.YELLOW),
        ("0.4", "0.5", "0.10", False, Light.RED),  # exactly the margin behind
        ("0.1", "0.5", "0.10", False, Light.RED),
        ("0.4999", "0.5", "0", False, Light.RED),  # no margin: any lag is red
        ("0.45", "0.5", "0.05", False, Light.RED),
        ("0.46", "0.5", "0.05", False, Light.YELLOW),
        (None, "0.5", "0.10", False, Light.NONE),
        ("0.5", None, "0.10", False, Light.NONE),
        (None, "1", "0.10", True, Light.NONE),
        ("0.9", "0.5", "0.10", True, Light.RED),  # ahead of schedule but past the deadline unmet
        ("0.99", "1", "0.10", True, Light.RED),
        ("1", "1", "0.10", True, Light.GREEN),
        ("1.2", "0.5", "0.10", True, Light.GREEN),
    ],
)
def test_light_reference_table(completion, expected, margin, deadline_passed, result):
    assert light(dec(completion), dec(expected), margin=Decimal(margin), deadline_passed=deadline_passed) is result


def test_light_default_margin_is_ten_points():
    assert light(Decimal("0.41"), Decimal("0.5")) is Light.YELLOW
    assert light(Decimal("0.40"), Decimal("0.5")) is Light.RED


# --- scores -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "completion", "options", "score"),
    [
        (30, "0.8", {}, "24.00"),
        (30, "1.2", {}, "30.00"),  # default cap 1: no credit above 100%
        (30, "1.2", {"cap": "1.1"}, "33.00"),
        (30, "1.2", {"bonus_rate": "0.5", "bonus_cap": "0.1"}, "31.50"),  # 30 + 30 × 0.5 × 0.1
        (30, "1.05", {"bonus_rate": "0.5", "bonus_cap": "0.1"}, "30.75"),  # 30 + 30 × 0.5 × 0.05
        (30, "0.9", {"bonus_rate": "0.5", "bonus_cap": "0.1"}, "27.00"),  # no bonus below 100%
        (20, "1.5", {"cap": "1.2", "bonus_rate": "1", "bonus_cap": "0.2"}, "28.00"),  # 20 × 1.2 + 20 × 1 × 0.2
        (10, "0.1245", {}, "1.25"),  # 1.245 rounds half up
        (25, "0.8333", {}, "20.83"),
        (30, None, {"bonus_rate": "1", "bonus_cap": "1"}, "0.00"),
        (30, "-0.2", {}, "0.00"),  # a score is never negative
        (0, "1", {}, "0.00"),
    ],
)
def test_item_score_reference_table(weight, completion, options, score):
    result = item_score(Decimal(weight), dec(completion), **{k: Decimal(v) for k, v in options.items()})
    assert result == Decimal(score)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weight": -1, "completion": 1}, "权重不能为负数"),
        ({"weight": 10, "completion": 1, "cap": -1}, "计分上限不能为负数"),
        ({"weight": 10, "completion": 1, "bonus_rate": -1}, "超额加分系数不能为负数"),
        ({"weight": None, "completion": 1}, "权重不能为空"),
    ],
)
def test_item_score_rejects_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        item_score(**kwargs)


# --- ranking ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "descending", "ranks"),
    [
        ({"a": 90, "b": 80, "c": 80, "d": 70}, True, {"a": 1, "b": 2, "c": 2, "d": 4}),
        ({"a": 90, "b": 80, "c": 80, "d": 70}, False, {"a": 4, "b": 2, "c": 2, "d": 1}),
        ({"a": 5, "b": 5, "c": 5}, True, {"a": 1, "b": 1, "c": 1}),
        ({"a": None, "b": 5, "c": 5, "d": 3}, True, {"a": None, "b": 1, "c": 1, "d": 3}),
        ({"a": None, "b": None}, True, {"a": None, "b": None}),
        ({"a": Decimal("0.50"), "b": Decimal("0.5")}, True, {"a": 1, "b": 1}),  # equal values, any exponent
        ({}, True, {}),
    ],
)
def test_rank_reference_table(values, descending, ranks):
    result = rank(values, descending=descending)
    assert result == ranks
    assert list(result) == list(values)  # keys in the order given


# --- assessment ---------------------------------------------------------------------------------------------

WEIGHTS = {"A": Decimal(40), "B": Decimal(35), "C": Decimal(25)}
OPTIONS = {"cap": Decimal(1), "bonus_rate": Decimal("0.5"), "bonus_cap": Decimal("0.2")}
# Worked by hand (score = weight × min(c, 1) + weight × 0.5 × min(max(c − 1, 0), 0.2)):
#   武进  A 1.00 → 40.00   B 0.80 → 28.00   C 1.20 → 25 + 25 × 0.5 × 0.2 = 27.50   total 95.50  rank 1
#   天宁  A 0.90 → 36.00   B 1.10 → 35 + 35 × 0.5 × 0.1 = 36.75   C none → 0.00   total 72.75  rank 3
#   钟楼  A 0.95 → 38.00   B 0.90 → 31.50   C 1.00 → 25.00                          total 94.50  rank 2
ROWS = {
    "武进": {"A": Decimal("1.00"), "B": Decimal("0.80"), "C": Decimal("1.20")},
    "天宁": {"A": Decimal("0.90"), "B": Decimal("1.10"), "C": None},
    "钟楼": {"A": Decimal("0.95"), "B": Decimal("0.90"), "C": Decimal("1.00")},
}


def test_assessment_three_units_three_indicators():
    result = assessment(ROWS, WEIGHTS, **OPTIONS)
    assert result == [
        AssessmentRow(
            "武进", {"A": Decimal("40.00"), "B": Decimal("28.00"), "C": Decimal("27.50")}, Decimal("95.50"), 1
        ),
        AssessmentRow(
            "钟楼", {"A": Decimal("38.00"), "B": Decimal("31.50"), "C": Decimal("25.00")}, Decimal("94.50"), 2
        ),
        AssessmentRow(
            "天宁", {"A": Decimal("36.00"), "B": Decimal("36.75"), "C": Decimal("0.00")}, Decimal("72.75"), 3
        ),
    ]


def test_assessment_ties_keep_the_given_order_and_units_without_figures_are_unranked():
    rows = {
        "新北": {"A": None, "B": None, "C": None},
        "金坛": {"A": Decimal("0.5"), "B": Decimal("0.5"), "C": Decimal("0.5")},  # 20 + 17.5 + 12.5 = 50
        "溧阳": {"A": Decimal("1"), "B": Decimal("0"), "C": Decimal("0.4")},  # 40 + 0 + 10 = 50
        "武进": {"A": Decimal("1"), "B": Decimal("1"), "C": Decimal("1"), "X": Decimal("9")},  # X has no weight
    }
    result = assessment(rows, WEIGHTS)
    assert [(row.unit, row.total, row.rank) for row in result] == [
        ("武进", Decimal("100.00"), 1),
        ("金坛", Decimal("50.00"), 2),
        ("溧阳", Decimal("50.00"), 2),
        ("新北", Decimal("0.00"), None),
    ]
    assert set(result[0].items) == {"A", "B", "C"}


def test_assessment_rows_are_frozen():
    row = assessment(ROWS, WEIGHTS)[0]
    with pytest.raises(AttributeError):
        row.total = Decimal(0)


@pytest.mark.parametrize(
    ("weights", "messages"),
    [
        ({"A": 40, "B": 35, "C": 25}, []),
        ({"A": Decimal("33.34"), "B": Decimal("33.33"), "C": Decimal("33.33")}, []),
        ({"A": 40, "B": 35}, ["各指标权重合计应为 100，当前合计为 75，请调整。"]),
        (
            {"A": Decimal("33.33"), "B": Decimal("33.33"), "C": Decimal("33.33")},
            ["各指标权重合计应为 100，当前合计为 99.99，请调整。"],
        ),
        ({"A": -5, "B": 105}, ["指标“A”的权重不能为负数（当前为 -5），请改为 0 至 100 之间的数字。"]),
        ({"A": None, "B": 100}, ["指标“A”的权重未填写，请填写 0 至 100 之间的数字。"]),
        ({}, ["尚未设置任何指标权重，请为参与考核的指标填写权重，合计 100。"]),
    ],
)
def test_check_weights(weights, messages):
    assert check_weights(weights) == messages


def test_check_weights_reports_text_that_is_not_a_number():
    (message,) = check_weights({"A": "四十", "B": 60})
    assert "“四十”不是有效的数字" in message


# --- schedule status ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "kind", "as_of", "basis", "deadline", "completion", "expected", "result"),
    [
        # cumulative: 181/365 = 0.4959 of the year gone on 30 June
        (50, 100, CUM, D(2026, 6, 30), "day", None, "0.5000", "0.4959", Light.GREEN),
        (40, 100, CUM, D(2026, 6, 30), "day", None, "0.4000", "0.4959", Light.YELLOW),  # 0.0959 behind
        (39, 100, CUM, D(2026, 6, 30), "day", None, "0.3900", "0.4959", Light.RED),  # 0.1059 behind
        (42, 100, CUM, D(2026, 6, 29), "month", None, "0.4200", "0.4167", Light.GREEN),  # 5/12
        (99, 100, CUM, D(2027, 1, 5), "day", None, "0.9900", "1.0000", Light.YELLOW),
        (99, 100, CUM, D(2027, 1, 5), "day", D(2026, 12, 31), "0.9900", "1.0000", Light.RED),  # deadline passed
        (99, 100, CUM, D(2026, 12, 31), "day", D(2026, 12, 31), "0.9900", "1.0000", Light.YELLOW),  # on the day
        (None, 100, CUM, D(2026, 6, 30), "day", None, None, "0.4959", Light.NONE),
        ("0.8", "1", COMP, D(2026, 6, 30), "month", None, "0.8000", "0.5000", Light.GREEN),
        # levels and ceilings are expected in full on every date
        (96, 100, STOCK, D(2026, 6, 30), "day", None, "0.9600", "1.0000", Light.YELLOW),
        (85, 90, RATE, D(2026, 3, 31), "month", None, "0.9444", "1.0000", Light.YELLOW),
        (6, 5, DEC, D(2026, 3, 31), "day", None, "0.8333", "1.0000", Light.RED),  # ceiling broken in March
        (2, 5, DEC, D(2026, 3, 31), "day", None, "2.5000", "1.0000", Light.GREEN),
    ],
)
def test_schedule_status(actual, target, kind, as_of, basis, deadline, completion, expected, result):
    status = schedule_status(actual, target, kind, 2026, as_of, basis=basis, deadline=deadline)
    assert status.actual == dec(actual if actual is None else str(actual))
    assert status.target == Decimal(str(target))
    assert status.completion == dec(completion)
    assert status.expected == Decimal(expected)
    assert status.gap == (None if completion is None else Decimal(completion) - Decimal(expected))
    assert status.light is result


def test_schedule_status_passes_cap_and_margin():
    status = schedule_status(
        150, 100, CUM, 2026, D(2026, 6, 30), basis="month", margin=Decimal("0.2"), cap=Decimal("1.2")
    )
    assert status.completion == Decimal("1.2000")
    assert status.gap == Decimal("0.7000")
    behind = schedule_status(35, 100, CUM, 2026, D(2026, 6, 30), basis="month", margin=Decimal("0.2"))
    assert behind.light is Light.YELLOW  # 0.15 behind, inside a 0.20 margin


def test_expected_for_validates_its_arguments_for_every_kind():
    assert expected_for(STOCK, 2026, D(2026, 1, 1)) == Decimal(1)
    with pytest.raises(ValueError, match="序时进度口径"):
        expected_for(STOCK, 2026, D(2026, 1, 1), "week")


# --- properties ---------------------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=-1, max_value=3, places=4, allow_nan=False, allow_infinity=False)
SEVERITY = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


@settings(max_examples=200, deadline=None)
@given(amounts, amounts, amounts.filter(lambda t: t > 0))
def test_cumulative_completion_is_monotone_in_actual(a, b, target):
    low, high = sorted((a, b))
    assert completion_rate(low, target, CUM) <= completion_rate(high, target, CUM)


@settings(max_examples=200, deadline=None)
@given(amounts, amounts, amounts)
def test_capped_decreasing_completion_is_monotone_the_other_way(a, b, target):
    low, high = sorted((a, b))
    cap = Decimal("1.5")
    assert completion_rate(low, target, DEC, cap=cap) >= completion_rate(high, target, DEC, cap=cap)


@settings(max_examples=200, deadline=None)
@given(
    rates,
    rates,
    st.decimals(min_value=0, max_value=1, places=4),
    st.decimals(min_value=0, max_value="0.5", places=2),
    st.booleans(),
)
def test_raising_completion_never_worsens_the_light(a, b, expected, margin, deadline_passed):
    low, high = sorted((a, b))
    worse = light(low, expected, margin=margin, deadline_passed=deadline_passed)
    better = light(high, expected, margin=margin, deadline_passed=deadline_passed)
    assert SEVERITY[better] <= SEVERITY[worse]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 30), st.one_of(st.none(), st.integers(-5, 5)), max_size=12), st.booleans())
def test_rank_properties(values, descending):
    ranks = rank(values, descending=descending)
    ranked = [key for key, value in values.items() if value is not None]
    for key in ranked:
        assert 1 <= ranks[key] <= len(ranked)
    for first in ranked:
        for second in ranked:
            first_better = values[first] > values[second] if descending else values[first] < values[second]
            if first_better:
                assert ranks[first] < ranks[second]
            if values[first] == values[second]:
                assert ranks[first] == ranks[second]
    assert all(ranks[key] is None for key, value in values.items() if value is None)


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=0, max_value=100, places=2),
    rates,
    rates,
    st.decimals(min_value=0, max_value=2, places=2),
    st.decimals(min_value=0, max_value=2, places=2),
    st.decimals(min_value=0, max_value=1, places=2),
)
def test_item_score_is_monotone_and_bounded(weight, a, b, cap, bonus_rate, bonus_cap):
    low, high = sorted((a, b))
    options = {"cap": cap, "bonus_rate": bonus_rate, "bonus_cap": bonus_cap}
    low_score = item_score(weight, low, **options)
    high_score = item_score(weight, high, **options)
    bound = (weight * (cap + bonus_rate * bonus_cap)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(0) <= low_score <= high_score <= bound
