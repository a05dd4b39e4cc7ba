"""Health-check batches and recuperation routes for tests, made through the services."""

from __future__ import annotations

import datetime

from gonghui.core.context import actor
from gonghui.programmes import services_health, services_recuperation

TODAY = datetime.date.today()
YEAR = TODAY.year
START = datetime.date(YEAR, 1, 1)
END = datetime.date(YEAR, 12, 31)


def make_batch(user, org, **extra):
    data = {
        "org": org,
        "year": YEAR,
        "name": extra.pop("name", f"{YEAR}年一线职工健康体检"),
        "provider": "常州市第一人民医院体检中心",
        "start_on": START,
        "end_on": END,
        "total_slots": extra.pop("total_slots", 100),
        "eligible_categories": [],
        "eligible_groups": [],
        "status": "open",
    }
    data.update(extra)
    with actor(user):
        return services_health.batch_create(user=user, data=data)


def allocate(user, batch, org, slots):
    with actor(user):
        return services_health.allocation_save(user=user, batch=batch, org=org, slots=slots)


def book(user, batch, member, **extra):
    extra.setdefault("scheduled_on", TODAY)
    with actor(user):
        return services_health.appointment_create(user=user, batch=batch, member=member, **extra)


def complete(user, appointment, day=TODAY):
    with actor(user):
        return services_health.appointment_complete(user=user, appointment=appointment, completed_on=day)


def make_route(user, org, **extra):
    data = {
        "org": org,
        "year": YEAR,
        "name": extra.pop("name", "天目湖疗休养线路"),
        "destination": "溧阳天目湖",
        "days": 5,
    }
    data.update(extra)
    with actor(user):
        return services_recuperation.route_create(user=user, data=data)


def make_group(user, route, **extra):
    start = extra.pop("start_on", max(START, TODAY - datetime.timedelta(days=10)))
    data = {
        "name": extra.pop("name", "第1期"),
        "start_on": start,
        "end_on": start + datetime.timedelta(days=route.days - 1),
        "capacity": extra.pop("capacity", 30),
        "allow_repeat": False,
        "repeat_reason": "",
    }
    data.update(extra)
    with actor(user):
        return services_recuperation.group_create(user=user, route=route, data=data)


def set_quota(user, org, quota, year=YEAR):
    with actor(user):
        return services_recuperation.quota_save(user=user, org=org, year=year, quota=quota)


def enrol(user, group, member, **extra):
    with actor(user):
        return services_recuperation.participant_add(user=user, group=group, member=member, **extra)
