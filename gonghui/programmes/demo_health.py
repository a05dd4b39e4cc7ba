"""Demo health checks and recuperation for the demo city: this year's front-line health-check batch with its
places spread over the districts, a few thousand completed checks and the exam vehicle's stops at employers;
three recuperation routes with their groups, quotas per district and participants (劳模 first).

Deterministic (seeded) and written with bulk_create, one statement per table. Safe to run any number of
times: nothing happens once the demo city has a demo batch.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.members.models import Gender, Member, MemberStatus
from gonghui.orgs.models import Employer, Organization
from gonghui.programmes.models.health import (
    FRONT_LINE_CATEGORIES,
    AppointmentStatus,
    BatchStatus,
    EligibleGroup,
    ExamVehicleVisit,
    HealthCheckAllocation,
    HealthCheckAppointment,
    HealthCheckBatch,
    VisitStatus,
)
from gonghui.programmes.models.recuperation import (
    PRIORITY_ORDER,
    ParticipantStatus,
    Priority,
    RecuperationGroup,
    RecuperationParticipant,
    RecuperationQuota,
    RecuperationRoute,
)

CITY_CODE = "GH320400"
#: the share of a district's members given a place, and of the places used by today
PLACE_SHARE = 0.18
POSTS = ("一线操作工", "环卫工", "建筑工", "装卸工", "保安", "车间技工", "护工", "公交驾驶员")
ROUTES = (
    ("溧阳天目湖劳模疗休养线路", "溧阳天目湖", 5, "天目湖职工疗休养基地"),
    ("金坛茅山一线职工疗休养线路", "金坛茅山", 4, "茅山职工疗休养基地"),
    ("宜兴竹海疗休养线路", "宜兴竹海", 3, "竹海工人疗休养院"),
)


@dataclass
class DemoHealthResult:
    batches: int = 0
    allocations: int = 0
    appointments: int = 0
    completed: int = 0
    visits: int = 0
    routes: int = 0
    participants: int = 0
    skipped: bool = False


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def load_demo_health(*, seed: int = 2026, today: datetime.date | None = None) -> DemoHealthResult:
    result = DemoHealthResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    if city is None or HealthCheckBatch.objects.filter(is_demo=True).exists():
        result.skipped = True
        return result
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:health")
    admin = User.objects.filter(username="city_admin").first()
    districts = list(
        Organization.objects.filter(path__subtree=city.path, depth=city.depth + 1, is_demo=True).order_by("path")
    )
    if not districts:
        result.skipped = True
        return result
    with transaction.atomic():
        _health(city, districts, rng, today, admin, result)
        _recuperation(city, districts, rng, today, admin, result)
    return result


def _model_worker_honours() -> dict[str, object]:
    from gonghui.honours.models import CARE_KINDS, Honour, HonourState

    honours = Honour.objects.filter(state=HonourState.AWARDED, kind__in=CARE_KINDS, member__isnull=False)
    return {h.member.id_number_index: h for h in honours.select_related("member").order_by("awarded_on", "pk")}


@dataclass(frozen=True)
class _Person:
    pk: int
    org_id: int
    index: str
    front_line: bool
    female: bool


def _people(district: Organization, limit: int | None = None) -> list[_Person]:
    """The district's active members as plain tuples (model instances would cost the demo seconds)."""
    rows = (
        Member.objects.filter(org__path__subtree=district.path, status=MemberStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "org_id", "id_number_index", "employment_category", "is_migrant_worker", "gender")
    )
    if limit:
        rows = rows[:limit]
    return [
        _Person(pk, org_id, index, category in FRONT_LINE_CATEGORIES or migrant, gender == Gender.FEMALE)
        for pk, org_id, index, category, migrant, gender in rows
    ]


def _health(city, districts, rng, today, admin, result) -> None:
    year = today.year
    start, end = datetime.date(year, 3, 1), datetime.date(year, 12, 20)
    members_by_district = {d.pk: _people(d) for d in districts}
    slots = {d.pk: max(20, round(len(members_by_district[d.pk]) * PLACE_SHARE / 10) * 10) for d in districts}
    batch = HealthCheckBatch.objects.create(
        org=city,
        year=year,
        name=f"{year}年一线职工和劳模健康体检",
        provider="常州市第一人民医院健康管理中心",
        provider_contact="体检预约专线 0519-6887xxxx",
        package="内科、外科、血常规、肝肾功能、血脂、血糖、腹部B超、心电图、胸部DR；女职工加做两癌筛查",
        start_on=start,
        end_on=end,
        total_slots=sum(slots.values()) + 200,  # a reserve the city keeps back
        eligible_groups=[EligibleGroup.FRONT_LINE, EligibleGroup.MODEL_WORKER, EligibleGroup.WOMEN],
        status=BatchStatus.OPEN if today <= end else BatchStatus.CLOSED,
        note="市政府民生实事项目",
        created_by=admin,
        is_demo=True,
    )
    result.batches = 1
    allocations = HealthCheckAllocation.objects.bulk_create(
        [
            HealthCheckAllocation(batch=batch, org=d, slots=slots[d.pk], created_by=admin, note="按会员人数分配")
            for d in districts
        ]
    )
    result.allocations = len(allocations)
    honours = _model_worker_honours()
    # exam vehicle stops at the bigger employers with a union
    employers = list(
        Employer.objects.filter(union__path__subtree=city.path, union__isnull=False)
        .select_related("union")
        .order_by("-staff_count", "pk")[:12]
    )
    visits = []
    for index, employer in enumerate(employers):
        day = start + datetime.timedelta(days=24 * index + rng.randint(0, 10))
        done = day < today
        visits.append(
            ExamVehicleVisit(
                batch=batch,
                employer=employer,
                org=employer.union,
                visit_on=min(day, end),
                place=f"{employer.name}厂区停车场",
                planned_count=rng.randint(4, 12) * 10,
                status=VisitStatus.DONE if done else VisitStatus.SCHEDULED,
                contact="工会办公室",
                created_by=admin,
                is_demo=True,
            )
        )
    visits = ExamVehicleVisit.objects.bulk_create(visits)
    visit_by_union: dict[int, ExamVehicleVisit] = {v.org_id: v for v in visits}
    result.visits = len(visits)
    elapsed = max(0.0, min(1.0, (today - start).days / max(1, (end - start).days)))
    rows = []
    for district, allocation in zip(districts, allocations, strict=True):
        people = members_by_district[district.pk]
        eligible = []
        for person in people:
            declared = not person.front_line and not person.female and rng.random() < 0.35
            if person.front_line or declared or person.female or person.index in honours:
                eligible.append((person, declared))
        rng.shuffle(eligible)
        # the places taken so far grow with the year; a few districts lag behind
        pace = rng.uniform(0.86, 1.02)
        taken = min(len(eligible), round(allocation.slots * min(1.0, elapsed * 1.05) * pace))
        for person, declared in eligible[:taken]:
            visit = visit_by_union.get(person.org_id)
            scheduled = visit.visit_on if visit else _day(rng, start, end)
            if scheduled < today:
                status = AppointmentStatus.NO_SHOW if rng.random() < 0.04 else AppointmentStatus.COMPLETED
            else:
                status = AppointmentStatus.BOOKED
            rows.append(
                HealthCheckAppointment(
                    batch=batch,
                    allocation=allocation,
                    member_id=person.pk,
                    org_id=person.org_id,
                    person_index=person.index,
                    scheduled_on=scheduled,
                    front_line=declared,
                    job_post=rng.choice(POSTS) if declared else "",
                    visit=visit,
                    status=status,
                    completed_on=scheduled if status == AppointmentStatus.COMPLETED else None,
                    created_by=admin,
                    is_demo=True,
                )
            )
    HealthCheckAppointment.objects.bulk_create(rows, batch_size=2000)
    result.appointments = len(rows)
    result.completed = sum(1 for row in rows if row.status == AppointmentStatus.COMPLETED)
    examined = dict(
        HealthCheckAppointment.objects.filter(batch=batch, status=AppointmentStatus.COMPLETED, visit__isnull=False)
        .values_list("visit")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for visit in visits:
        if visit.status == VisitStatus.DONE:
            visit.examined_count = examined.get(visit.pk, 0)
            visit.planned_count = max(1, round(visit.examined_count * rng.uniform(1.03, 1.2)))
    ExamVehicleVisit.objects.bulk_update(visits, ["examined_count", "planned_count"])


def _recuperation(city, districts, rng, today, admin, result) -> None:
    year = today.year
    quotas = RecuperationQuota.objects.bulk_create(
        [
            RecuperationQuota(org=d, year=year, quota=rng.randint(6, 12) * 5, created_by=admin, is_demo=True)
            for d in districts
        ]
    )
    routes = RecuperationRoute.objects.bulk_create(
        [
            RecuperationRoute(
                org=city,
                year=year,
                name=name,
                destination=destination,
                days=days,
                provider=provider,
                description=f"第1天 报到、体检咨询；第2-{days - 1}天 疗养、参观学习；第{days}天 返程。",
                created_by=admin,
                is_demo=True,
            )
            for name, destination, days, provider in ROUTES
        ]
    )
    result.routes = len(routes)
    groups = []
    for route_index, route in enumerate(routes):
        for number in range(1, 5):
            start = datetime.date(year, 3 + number * 2, 8 + route_index * 5)
            groups.append(
                RecuperationGroup(
                    route=route,
                    org=city,
                    name=f"第{number}期",
                    start_on=start,
                    end_on=start + datetime.timedelta(days=route.days - 1),
                    capacity=40,
                    allow_repeat=route_index == 0 and number == 4,
                    repeat_reason="省部级劳模专场" if route_index == 0 and number == 4 else "",
                    created_by=admin,
                )
            )
    groups = RecuperationGroup.objects.bulk_create(groups)
    honours = _model_worker_honours()
    taken_in_group = {g.pk: 0 for g in groups}
    seen: set[str] = set()
    rows = []
    for district, quota in zip(districts, quotas, strict=True):
        ranked = []
        for person in _people(district, limit=3000):
            if person.index in honours:
                priority = Priority.MODEL_WORKER
            elif person.front_line:
                priority = Priority.FRONT_LINE
            else:
                priority = Priority.OTHER
            ranked.append((PRIORITY_ORDER[priority], rng.random(), person, priority))
        ranked.sort(key=lambda item: (item[0], item[1]))
        wanted = round(quota.quota * rng.uniform(0.7, 0.95))
        for _rank, _roll, person, priority in ranked[:wanted]:
            if person.index in seen:
                continue
            open_groups = [g for g in groups if taken_in_group[g.pk] < g.capacity and not g.allow_repeat]
            if not open_groups:
                break
            group = rng.choice(open_groups)
            taken_in_group[group.pk] += 1
            seen.add(person.index)
            if group.end_on < today:
                status = ParticipantStatus.CANCELLED if rng.random() < 0.05 else ParticipantStatus.COMPLETED
            else:
                status = ParticipantStatus.CONFIRMED if rng.random() < 0.6 else ParticipantStatus.APPLIED
            rows.append(
                RecuperationParticipant(
                    group=group,
                    year=year,
                    member_id=person.pk,
                    org_id=person.org_id,
                    person_index=person.index,
                    priority=priority,
                    priority_rank=PRIORITY_ORDER[priority],
                    honour=honours.get(person.index),
                    status=status,
                    completed_on=group.end_on if status == ParticipantStatus.COMPLETED else None,
                    created_by=admin,
                    is_demo=True,
                )
            )
    RecuperationParticipant.objects.bulk_create(rows, batch_size=2000)
    result.participants = len(rows)
