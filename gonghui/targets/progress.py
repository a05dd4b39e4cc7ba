"""Completion, lights, scores and rankings for targets. Pure Python, no Django.

The arithmetic behind 序时进度 supervision and 比一比 assessment, kept apart from the models so that pages,
exports, bulletins and the API all compute the same figures:

- ``completion_rate``: actual ÷ target (target ÷ actual for decreasing indicators), as a fraction.
- ``light``: green / yellow / red from completion against expected progress.
- ``item_score`` / ``assessment``: weighted scores with an optional cap and over-achievement bonus, and the
  ranking of sibling units by their total.
- ``schedule_status``: all of it for one target on one date.

Inputs may be int, Decimal, float or numeric strings (floats are read through ``str`` so 0.1 stays 0.1);
None means "no figure". Rates are fractions quantized to 4 decimals (0.8333 = 83.33%), scores to 2 decimals,
both ROUND_HALF_UP.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from gonghui.utilities.periods import ProgressBasis, expected_progress

__all__ = [
    "DEFAULT_MARGIN",
    "INDICATOR_KIND_LABELS",
    "LIGHT_COLOUR_NAMES",
    "LIGHT_LABELS",
    "PRORATED_KINDS",
    "AssessmentRow",
    "IndicatorKind",
    "Light",
    "Progress",
    "assessment",
    "check_weights",
    "completion_rate",
    "composite_value",
    "expected_for",
    "item_score",
    "light",
    "rank",
    "schedule_status",
]

K = TypeVar("K", bound=Hashable)
Number = int | float | str | Decimal

RATE_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")
DEFAULT_MARGIN = Decimal("0.10")
WEIGHT_TOTAL = Decimal(100)
_ZERO = Decimal(0)
_ONE = Decimal(1)


class IndicatorKind(StrEnum):
    CUMULATIVE = "cumulative"  # counts add up over the year (new unions, people helped)
    STOCK = "stock"  # a level at the period's end (members in total)
    RATE = "rate"  # a percentage to reach or hold (establishment rate)
    DECREASING = "decreasing"  # a ceiling, lower is better (accidents, overdue cases)
    COMPOSITE = "composite"  # a weighted average of other indicators' completion


INDICATOR_KIND_LABELS = {
    IndicatorKind.CUMULATIVE: "累计型",
    IndicatorKind.STOCK: "存量型",
    IndicatorKind.RATE: "比率型",
    IndicatorKind.DECREASING: "递减型",
    IndicatorKind.COMPOSITE: "综合型",
}

# Kinds whose figure grows through the year, so it is measured against the share of the year elapsed.
# A level (stock, rate) is to be reached and a ceiling (decreasing) kept at all times: their expected
# progress is 1 on every date, otherwise a ceiling already broken in March would still show green.
PRORATED_KINDS = frozenset({IndicatorKind.CUMULATIVE, IndicatorKind.COMPOSITE})


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NONE = "none"  # no target or no figure


LIGHT_LABELS = {Light.GREEN: "正常", Light.YELLOW: "滞后", Light.RED: "严重滞后", Light.NONE: "无"}
LIGHT_COLOUR_NAMES = {Light.GREEN: "绿灯", Light.YELLOW: "黄灯", Light.RED: "红灯", Light.NONE: "无"}


# --- helpers ------------------------------------------------------------------------------------------------


def _decimal(value: Number | None, what: str = "数值") -> Decimal | None:
    """Read a number as Decimal; None stays None. Rejects NaN, infinities and non-numbers."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{what}应为数字，收到的是布尔值 {value}。")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{what}“{value}”不是有效的数字。") from None
    if not number.is_finite():
        raise ValueError(f"{what}“{value}”不是有效的数字。")
    return number


def _required(value: Number | None, what: str) -> Decimal:
    number = _decimal(value, what)
    if number is None:
        raise ValueError(f"{what}不能为空。")
    return number


def _non_negative(value: Number | None, what: str) -> Decimal:
    number = _required(value, what)
    if number < 0:
        raise ValueError(f"{what}不能为负数（当前为 {number}）。")
    return number


def _rate(value: Decimal) -> Decimal:
    return value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def _score(value: Decimal) -> Decimal:
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def _kind(kind: IndicatorKind | str) -> IndicatorKind:
    try:
        return IndicatorKind(kind)
    except ValueError:
        choices = "、".join(k.value for k in IndicatorKind)
        raise ValueError(f"指标类型“{kind}”无效，应为 {choices} 之一。") from None


# --- completion ---------------------------------------------------------------------------------------------


def completion_rate(
    actual: Number | None,
    target: Number | None,
    kind: IndicatorKind | str,
    *,
    cap: Number | None = None,
) -> Decimal | None:
    """完成率 as a fraction (0.8333 = 83.33%), or None when it cannot be measured.

    - None when the target or the actual figure is missing.
    - Cumulative, stock, rate and composite: actual ÷ target. A target of 0 or below gives None: no share
      of it can be measured.
    - Decreasing (a ceiling, lower is better): target ÷ actual. Negative figures give None.
      A target of 0 with a positive actual gives 0 (the ceiling is broken outright).
      An actual of 0 meets any ceiling: with ``cap`` it gives ``cap`` (the ratio is unbounded, so the cap
      applies), without ``cap`` it gives 1 (fully met). Without a cap an actual of 0 therefore ranks below
      a small positive actual under a larger ceiling (target 5, actual 1 → 5); give decreasing indicators
      a cap when their completion is compared or scored.
    - ``cap``: the result is at most ``cap``.
    """
    kind = _kind(kind)
    actual_value = _decimal(actual, "实际值")
    target_value = _decimal(target, "目标值")
    cap_value = _decimal(cap, "完成率上限")
    if actual_value is None or target_value is None:
        return None
    if kind == IndicatorKind.DECREASING:
        rate = _decreasing_rate(actual_value, target_value, cap_value)
    else:
        rate = None if target_value <= 0 else actual_value / target_value
    if rate is None:
        return None
    if cap_value is not None:
        rate = min(rate, cap_value)
    return _rate(rate)


def _decreasing_rate(actual: Decimal, target: Decimal, cap: Decimal | None) -> Decimal | None:
    if actual < 0 or target < 0:
        return None
    if actual == 0:
        return _ONE if cap is None or target == 0 else cap
    return target / actual


def composite_value(parts: Sequence[tuple[Number, Number | None]]) -> Decimal | None:
    """A composite indicator's completion: the weighted average of its components' completion rates.

    Only components that have a completion count; their weights are renormalised to sum to 1, so a missing
    component neither counts as 0 nor blocks the rest. None when no component (with a positive weight) has one.
    """
    total_weight = _ZERO
    weighted = _ZERO
    for weight, completion in parts:
        weight_value = _non_negative(weight, "组成指标权重")
        completion_value = _decimal(completion, "组成指标完成率")
        if completion_value is None:
            continue
        total_weight += weight_value
        weighted += weight_value * completion_value
    if total_weight == 0:
        return None
    return _rate(weighted / total_weight)


# --- lights -------------------------------------------------------------------------------------------------


def light(
    completion: Number | None,
    expected: Number | None,
    *,
    margin: Number = DEFAULT_MARGIN,
    deadline_passed: bool = False,
) -> Light:
    """The light for a completion rate against expected progress (both fractions).

    NONE without a completion (or without an expected progress). RED once the deadline has passed and the
    target is not met. Otherwise GREEN when completion ≥ expected, YELLOW when behind by less than ``margin``
    and RED when behind by ``margin`` or more.
    """
    completion_value = _decimal(completion, "完成率")
    expected_value = _decimal(expected, "序时进度")
    margin_value = _non_negative(margin, "黄灯容差")
    if completion_value is None or expected_value is None:
        return Light.NONE
    if deadline_passed and completion_value < 1:
        return Light.RED
    if completion_value >= expected_value:
        return Light.GREEN
    if expected_value - completion_value < margin_value:
        return Light.YELLOW
    return Light.RED


# --- scores and ranking -------------------------------------------------------------------------------------


def item_score(
    weight: Number,
    completion: Number | None,
    *,
    cap: Number = _ONE,
    bonus_rate: Number = _ZERO,
    bonus_cap: Number = _ZERO,
) -> Decimal:
    """One indicator's assessment score, to 2 decimals.

    weight × min(completion, cap) + weight × bonus_rate × min(completion − 1 if above 1 else 0, bonus_cap).
    A missing completion scores 0, and so does a negative one (a score is never below 0). The score is at
    most weight × (cap + bonus_rate × bonus_cap).
    """
    weight_value = _non_negative(weight, "权重")
    cap_value = _non_negative(cap, "计分上限")
    bonus_rate_value = _non_negative(bonus_rate, "超额加分系数")
    bonus_cap_value = _non_negative(bonus_cap, "超额加分上限")
    completion_value = _decimal(completion, "完成率")
    if completion_value is None:
        return _score(_ZERO)
    completion_value = max(completion_value, _ZERO)
    base = weight_value * min(completion_value, cap_value)
    excess = min(max(completion_value - 1, _ZERO), bonus_cap_value)
    return _score(base + weight_value * bonus_rate_value * excess)


def rank(values: Mapping[K, Number | None], *, descending: bool = True) -> dict[K, int | None]:
    """Competition ranking (1, 2, 2, 4): a unit's rank is 1 + the number of units strictly better.

    None values get rank None (they sort after every ranked unit). Keys come back in the order given.
    """
    numbers = {key: _decimal(value, "排名数值") for key, value in values.items()}
    ordered = sorted((value for value in numbers.values() if value is not None), reverse=descending)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: None if value is None else first_position[value] for key, value in numbers.items()}


@dataclass(frozen=True)
class AssessmentRow:
    unit: Hashable
    items: dict[Hashable, Decimal]
    total: Decimal
    rank: int | None


def assessment(
    rows: Mapping[K, Mapping[Hashable, Number | None]],
    weights: Mapping[Hashable, Number],
    **score_options: Number,
) -> list[AssessmentRow]:
    """Score and rank sibling units (考核评价 / 比一比).

    ``rows`` maps each unit to its completion rate per indicator key; ``weights`` gives each indicator's
    weight (normally summing to 100, see ``check_weights``). Each unit gets ``item_score`` per weighted
    indicator (missing completions score 0; indicators without a weight are ignored) and their total. Units
    are ranked by total, highest first; a unit with no completion at all is not ranked (rank None). Rows come
    back by rank, ties and unranked units in the order given. ``score_options`` go to ``item_score``
    (cap, bonus_rate, bonus_cap).
    """
    totals: dict[K, Decimal | None] = {}
    scored: dict[K, dict[Hashable, Decimal]] = {}
    for unit, completions in rows.items():
        items = {key: item_score(weight, completions.get(key), **score_options) for key, weight in weights.items()}
        scored[unit] = items
        has_figure = any(completions.get(key) is not None for key in weights)
        totals[unit] = sum(items.values(), _score(_ZERO)) if has_figure else None
    ranks = rank(totals)
    result = [
        AssessmentRow(unit=unit, items=scored[unit], total=sum(scored[unit].values(), _score(_ZERO)), rank=ranks[unit])
        for unit in rows
    ]
    order = {unit: position for position, unit in enumerate(rows)}
    result.sort(key=lambda row: (row.rank is None, row.rank or 0, order[row.unit]))
    return result


def check_weights(weights: Mapping[Hashable, Number | None]) -> list[str]:
    """Chinese messages for what is wrong with a set of indicator weights; empty when they are fine
    (none negative or missing, sum exactly 100)."""
    if not weights:
        return ["尚未设置任何指标权重，请为参与考核的指标填写权重，合计 100。"]
    errors = []
    total = _ZERO
    for key, weight in weights.items():
        try:
            value = _decimal(weight, f"指标“{key}”的权重")
        except ValueError as error:
            errors.append(f"{error}请填写 0 至 100 之间的数字。")
            continue
        if value is None:
            errors.append(f"指标“{key}”的权重未填写，请填写 0 至 100 之间的数字。")
        elif value < 0:
            errors.append(f"指标“{key}”的权重不能为负数（当前为 {value}），请改为 0 至 100 之间的数字。")
        else:
            total += value
    if not errors and total != WEIGHT_TOTAL:
        errors.append(f"各指标权重合计应为 100，当前合计为 {total.normalize():f}，请调整。")
    return errors


# --- schedule status ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    actual: Decimal | None
    target: Decimal | None
    completion: Decimal | None
    expected: Decimal
    gap: Decimal | None  # completion − expected; negative means behind schedule
    light: Light


def expected_for(
    kind: IndicatorKind | str, year: int, as_of: datetime.date, basis: ProgressBasis | str = ProgressBasis.DAY
) -> Decimal:
    """The progress a target of ``kind`` is expected to show on ``as_of``: the share of the year elapsed for
    cumulative and composite indicators, 1 for levels and ceilings (see ``PRORATED_KINDS``)."""
    if _kind(kind) in PRORATED_KINDS:
        return expected_progress(year, as_of, basis)
    # Validate the arguments the same way even though the answer does not depend on them.
    expected_progress(year, as_of, basis)
    return _rate(_ONE)


def schedule_status(
    actual: Number | None,
    target: Number | None,
    kind: IndicatorKind | str,
    year: int,
    as_of: datetime.date,
    *,
    basis: ProgressBasis | str = ProgressBasis.DAY,
    margin: Number = DEFAULT_MARGIN,
    cap: Number | None = None,
    deadline: datetime.date | None = None,
) -> Progress:
    """Completion, expected progress, gap and light for one target on ``as_of``.

    The deadline has passed when ``deadline`` is given and ``as_of`` is after it; a target not met by then
    is red whatever the schedule says.
    """
    completion = completion_rate(actual, target, kind, cap=cap)
    expected = expected_for(kind, year, as_of, basis)
    deadline_passed = deadline is not None and as_of > deadline
    return Progress(
        actual=_decimal(actual, "实际值"),
        target=_decimal(target, "目标值"),
        completion=completion,
        expected=expected,
        gap=None if completion is None else completion - expected,
        light=light(completion, expected, margin=margin, deadline_passed=deadline_passed),
    )
