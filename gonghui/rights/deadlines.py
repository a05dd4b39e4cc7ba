"""Time limits of rights cases per tier, and the lights of a case's deadlines (pure functions, no database).

Defaults follow the national 12351 hotline standard: every case is dispatched within 30 minutes and gets a
first response within 2 hours of being received, and is called back within 24 hours of being resolved; the
resolution limit grows with the tier (简单 1 day, 一般 5 days, 复杂 15 days, counted in calendar time).
A deployment changes any of them in settings::

    RIGHTS_CASE_LIMITS = {"complex": {"resolution": 20 * 24 * 60}}   # minutes
    RIGHTS_GROUP_INCIDENT_THRESHOLD = 10                              # persons

Lights reuse the supervision tasks' colours (gonghui.targets.selectors_tasks.Light): a deadline that has
passed is red; one whose last quarter of its window has begun (at least 15 minutes) is yellow; else green.
A step done late stays on the record as late; a closed case has no light.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from gonghui.targets.selectors_tasks import Light

MINUTE = datetime.timedelta(minutes=1)
DEFAULT_LIMITS: dict[str, dict[str, int]] = {
    # minutes
    "simple": {"dispatch": 30, "response": 120, "resolution": 24 * 60, "callback": 24 * 60},
    "general": {"dispatch": 30, "response": 120, "resolution": 5 * 24 * 60, "callback": 24 * 60},
    "complex": {"dispatch": 30, "response": 120, "resolution": 15 * 24 * 60, "callback": 24 * 60},
}
STAGES = ("dispatch", "response", "resolution", "callback")
STAGE_LABELS = {"dispatch": "派单", "response": "首次响应", "resolution": "办结", "callback": "回访"}
DEFAULT_GROUP_THRESHOLD = 10
WARN_SHARE = 0.25
MIN_WARN = datetime.timedelta(minutes=15)
LIGHT_LABELS = {Light.GREEN: "绿", Light.YELLOW: "黄", Light.RED: "红", Light.CLOSED: "已结案"}


def limits_for(tier: str) -> dict[str, datetime.timedelta]:
    configured = getattr(settings, "RIGHTS_CASE_LIMITS", {}) or {}
    minutes = {**DEFAULT_LIMITS[tier], **configured.get(tier, {})}
    return {stage: minutes[stage] * MINUTE for stage in STAGES}


def group_threshold() -> int:
    return int(getattr(settings, "RIGHTS_GROUP_INCIDENT_THRESHOLD", DEFAULT_GROUP_THRESHOLD))


@dataclass(frozen=True)
class Deadlines:
    dispatch: datetime.datetime
    response: datetime.datetime
    resolution: datetime.datetime


def deadlines_for(tier: str, received_at: datetime.datetime) -> Deadlines:
    limits = limits_for(tier)
    return Deadlines(
        dispatch=received_at + limits["dispatch"],
        response=received_at + limits["response"],
        resolution=received_at + limits["resolution"],
    )


def warn_at(start: datetime.datetime, due: datetime.datetime) -> datetime.datetime:
    """When the yellow light comes on: the last quarter of the window, at least 15 minutes before the end."""
    window = due - start
    return due - max(window * WARN_SHARE, MIN_WARN)


def light(now: datetime.datetime, due: datetime.datetime | None, warn: datetime.datetime | None) -> str:
    if due is None:
        return Light.CLOSED
    if now > due:
        return Light.RED
    if warn is not None and now >= warn:
        return Light.YELLOW
    return Light.GREEN


def step_light(done_at: datetime.datetime | None, due: datetime.datetime | None, now: datetime.datetime) -> str:
    """The light of one deadline: done on time (green) or late (red); pending as ``light`` with no yellow
    window known here, so red when passed and green otherwise."""
    if due is None:
        return Light.CLOSED
    if done_at is not None:
        return Light.GREEN if done_at <= due else Light.RED
    return Light.RED if now > due else Light.GREEN


def minutes_left(now: datetime.datetime, due: datetime.datetime | None) -> int | None:
    if due is None:
        return None
    return int((due - now).total_seconds() // 60)


def remaining_text(now: datetime.datetime, due: datetime.datetime | None) -> str:
    """剩 3 小时 20 分 / 超时 45 分 / —."""
    left = minutes_left(now, due)
    if left is None:
        return "—"
    late = left < 0
    total = abs(left)
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} 天")
    if hours:
        parts.append(f"{hours} 小时")
    if minutes or not parts:
        parts.append(f"{minutes} 分")
    return ("超时 " if late else "剩 ") + " ".join(parts)
