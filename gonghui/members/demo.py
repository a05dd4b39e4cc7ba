"""演示会员: members for the demo unions, reproducible (fixed seed) and fast (bulk inserts).

About 30,000 members across the demo city at scale 1: each grassroots union gets roughly a
quarter of its employers' staff, the new-employment joint unions most of theirs, and each
county's online home (网上会员之家) a couple of hundred platform and migrant workers. About
15% are new-employment workers (新就业形态); some have left, died, or moved to another union
(with both rows and their events, as a real transfer leaves them).

Personal data is sealed here exactly as the services seal it (``seal_id_number``/``seal_phone``)
and rows are validated with ``Member.clean()``; the database constraints check the rest.
Bulk inserts send no signals, so demo data does not flood the change log.

Idempotent: nothing happens when the demo unions already have members.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from faker import Faker

from gonghui.members.models import (
    MEMBER_UNION_TYPES,
    Education,
    EmploymentCategory,
    EventKind,
    Gender,
    Member,
    MembershipEvent,
    MemberStatus,
    NewEmploymentType,
    PoliticalStatus,
    add_years,
    seal_id_number,
    seal_phone,
)
from gonghui.members.services import allocate_card_numbers
from gonghui.orgs.models import Employer, Organization, OrgStatus, OrgType
from gonghui.utilities.idnumber import make_id_number

DEFAULT_SEED = 2026
BATCH = 2000
SHARE_OF_STAFF = {OrgType.GRASSROOTS: 0.24, OrgType.JOINT: 0.5}
PLATFORM_SHARE = 0.8  # new-employment joint unions: most riders and couriers join
ONLINE_HOME_SIZE = (150, 260)
LOCAL_AREAS = ("320402", "320404", "320411", "320412", "320413", "320481")
JIANGSU_AREAS = ("320321", "320324", "321323", "320923", "320723")
MIGRANT_AREAS = ("341221", "341222", "341623", "411527", "511623", "421126", "430523", "360732", *JIANGSU_AREAS)
NEW_EMPLOYMENT_WEIGHTS = (
    (NewEmploymentType.DELIVERY_RIDER, 35),
    (NewEmploymentType.COURIER, 30),
    (NewEmploymentType.RIDE_HAILING_DRIVER, 15),
    (NewEmploymentType.TRUCK_DRIVER, 12),
    (NewEmploymentType.LIVE_STREAMER, 4),
    (NewEmploymentType.OTHER, 4),
)
PLATFORM_TYPES = (
    ("快递", NewEmploymentType.COURIER),
    ("即时配送", NewEmploymentType.DELIVERY_RIDER),
    ("货运", NewEmploymentType.TRUCK_DRIVER),
)
OFFICE_EDUCATION = (
    (Education.BACHELOR, 30),
    (Education.JUNIOR_COLLEGE, 25),
    (Education.HIGH_SCHOOL, 14),
    (Education.SECONDARY_VOCATIONAL, 12),
    (Education.MASTER, 8),
    (Education.JUNIOR_HIGH, 9),
    (Education.DOCTOR, 1),
    (Education.PRIMARY, 1),
)
MANUAL_EDUCATION = (
    (Education.JUNIOR_HIGH, 35),
    (Education.HIGH_SCHOOL, 25),
    (Education.SECONDARY_VOCATIONAL, 20),
    (Education.JUNIOR_COLLEGE, 12),
    (Education.PRIMARY, 5),
    (Education.BACHELOR, 3),
)
MINORITIES = ("03", "06", "08", "11", "15", "02")


@dataclass
class DemoMembersResult:
    created: int = 0
    skipped: bool = False


class _Person:
    """One generated person before sealing (clear values stay in memory only)."""

    __slots__ = ("birth", "fields", "id_number", "join", "phone")

    def __init__(self, id_number: str, phone: str, birth: datetime.date, join: datetime.date, fields: dict):
        self.id_number = id_number
        self.phone = phone
        self.birth = birth
        self.join = join
        self.fields = fields


def _weighted(rng: random.Random, pairs) -> str:
    return rng.choices([item for item, _ in pairs], weights=[weight for _, weight in pairs])[0]


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return datetime.date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


class _Builder:
    def __init__(self, *, seed: int, scale: float, today: datetime.date):
        self.seed = seed
        self.scale = scale
        self.today = today
        self.used_numbers: set[str] = set()
        self.faker = Faker("zh_CN")

    def size(self, union: Organization, staff: int, rng: random.Random) -> int:
        if union.org_type == OrgType.ONLINE_HOME:
            base = rng.randint(*ONLINE_HOME_SIZE)
        elif union.org_type == OrgType.JOINT and "新就业形态" in union.name:
            base = staff * PLATFORM_SHARE
        else:
            base = staff * SHARE_OF_STAFF.get(union.org_type, 0.24) * rng.uniform(0.8, 1.2)
        return max(2, round(base * self.scale))

    def id_number(self, rng: random.Random, area: str, birth: datetime.date, male: bool) -> str:
        while True:
            serial = rng.randint(0, 499) * 2 + (1 if male else 0)
            number = make_id_number(area, birth, serial)
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def people(self, union: Organization, employers: list[Employer], leads: list[Employer]) -> list[_Person]:
        key = f"{self.seed}:members:{union.code}"
        rng = random.Random(key)
        self.faker.seed_instance(f"{key}:faker")
        staff = sum(e.staff_count for e in employers)
        platform_union = union.org_type == OrgType.ONLINE_HOME or any(e.is_platform for e in employers)
        founded = union.founded_on or datetime.date(2000, 1, 1)
        earliest_join = max(founded, datetime.date(1995, 1, 1))
        year_start = datetime.date(self.today.year, 1, 1)
        people = []
        for _ in range(self.size(union, staff, rng)):
            employer = None
            if employers:
                employer = rng.choices(employers, weights=[max(1, e.staff_count) for e in employers])[0]
            elif leads:
                employer = rng.choice(leads)
            platform_worker = (employer is not None and employer.is_platform) or (
                union.org_type == OrgType.ONLINE_HOME and rng.random() < 0.6
            )
            new_employment = platform_worker or (not platform_union and rng.random() < 0.09)
            women_share = 0.15 if new_employment else 0.42
            male = rng.random() >= women_share
            migrant = rng.random() < (0.55 if new_employment else 0.22)
            birth = _date_between(rng, datetime.date(1966, 1, 1), datetime.date(2004, 12, 31))
            if migrant:
                area = rng.choice(MIGRANT_AREAS)
            elif rng.random() < 0.85:
                area = union.region_code if not union.region_code.endswith("00") else rng.choice(LOCAL_AREAS)
            else:
                area = rng.choice(JIANGSU_AREAS)
            number = self.id_number(rng, area, birth, male)
            lowest = max(earliest_join, add_years(birth, 18))
            if rng.random() < 0.09 and lowest < year_start:
                join = _date_between(rng, year_start, self.today)
            else:
                join = _date_between(rng, lowest, min(self.today, year_start - datetime.timedelta(days=1)))
            join = max(join, lowest)
            if new_employment:
                category = EmploymentCategory.NEW_EMPLOYMENT
                kind = _weighted(rng, NEW_EMPLOYMENT_WEIGHTS)
                for word, platform_kind in PLATFORM_TYPES:
                    if employer is not None and employer.is_platform and word in employer.name:
                        kind = platform_kind
            else:
                category = EmploymentCategory.MIGRANT if migrant and rng.random() < 0.7 else EmploymentCategory.EMPLOYEE
                kind = ""
            manual = category != EmploymentCategory.EMPLOYEE
            age = self.today.year - birth.year
            political = _weighted(
                rng,
                (
                    (PoliticalStatus.CPC, 4 if manual else 14),
                    (PoliticalStatus.CYL, 12 if age < 28 else 0),
                    (PoliticalStatus.DEMOCRATIC, 0 if manual else 1),
                    (PoliticalStatus.MASSES, 80),
                ),
            )
            phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}" if rng.random() < 0.93 else ""
            fields = {
                "org": union,
                "name": self.faker.name_male() if male else self.faker.name_female(),
                "ethnicity": "01" if rng.random() < 0.97 else rng.choice(MINORITIES),
                "education": _weighted(rng, MANUAL_EDUCATION if manual else OFFICE_EDUCATION),
                "political_status": political,
                "employment_category": category,
                "new_employment_type": kind,
                "is_migrant_worker": migrant or category == EmploymentCategory.MIGRANT,
                "employer": employer if employer is not None and employer.union_id == union.pk else None,
                "employer_name": employer.name if employer is not None else "",
                "gender": Gender.MALE if male else Gender.FEMALE,
                "birth_date": birth,
                "region_code": union.region_code,
                "status": MemberStatus.ACTIVE,
                "left_on": None,
                "leave_reason": "",
                "is_demo": True,
            }
            people.append(_Person(number, phone, birth, join, fields))
        return people


def _demo_unions() -> list[Organization]:
    return list(
        Organization.objects.filter(is_demo=True, org_type__in=MEMBER_UNION_TYPES)
        .exclude(status=OrgStatus.DISSOLVED)
        .order_by("path")
    )


def load_demo_members(*, scale: float = 1.0, seed: int = DEFAULT_SEED) -> DemoMembersResult:
    """Create the demo members (about 30,000 at scale 1) unless the demo unions already have some."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    if Member.objects.filter(org__is_demo=True).exists():
        return DemoMembersResult(skipped=True)
    unions = _demo_unions()
    if not unions:
        return DemoMembersResult()
    today = timezone.localdate()
    builder = _Builder(seed=seed, scale=scale, today=today)
    employers: dict[int, list[Employer]] = defaultdict(list)
    leads: dict[str, list[Employer]] = defaultdict(list)  # employers without a union, by region
    for employer in Employer.objects.filter(is_demo=True).order_by("uscc"):
        if employer.union_id is not None:
            employers[employer.union_id].append(employer)
        else:
            leads[employer.region_code].append(employer)
    people: list[_Person] = []
    for union in unions:
        people.extend(builder.people(union, employers.get(union.pk, []), leads.get(union.region_code, [])))

    rng = random.Random(f"{seed}:members:life")
    rows: list[Member] = []
    plans: list[tuple[Member, list[tuple]]] = []  # row, its events (kind, date, from, to, note)
    by_county: dict[str, list[Organization]] = defaultdict(list)
    for union in unions:
        by_county[union.region_code].append(union)
    for person in people:
        id_sealed = seal_id_number(person.id_number)
        phone_sealed = seal_phone(person.phone)
        row = Member(
            **person.fields,
            id_number_cipher=id_sealed.cipher,
            id_number_index=id_sealed.index,
            id_number_masked=id_sealed.masked,
            phone_cipher=phone_sealed.cipher,
            phone_index=phone_sealed.index,
            phone_masked=phone_sealed.masked,
            join_date=person.join,
        )
        union = row.org
        events = [(EventKind.JOIN, person.join, None, union, "")]
        fate = rng.random()
        if fate < 0.03 and person.join < today:
            row.status = MemberStatus.LEFT
            row.left_on = _date_between(rng, person.join + datetime.timedelta(days=1), today)
            row.leave_reason = rng.choice(("离职", "个人原因", "退休", "调离本单位"))
            events.append((EventKind.LEAVE, row.left_on, union, None, row.leave_reason))
        elif fate < 0.033 and person.join < today:
            row.status = MemberStatus.DECEASED
            row.left_on = _date_between(rng, person.join + datetime.timedelta(days=1), today)
            row.leave_reason = "去世"
            events.append((EventKind.DEATH, row.left_on, union, None, ""))
        elif fate < 0.045 and person.join < today and len(by_county[union.region_code]) > 1:
            target = rng.choice([u for u in by_county[union.region_code] if u.pk != union.pk])
            moved_on = _date_between(rng, person.join + datetime.timedelta(days=1), today)
            row.status = MemberStatus.TRANSFERRED_OUT
            row.left_on = moved_on
            row.leave_reason = f"转入「{target.name}」"[:200]
            events.append((EventKind.TRANSFER_OUT, moved_on, union, target, ""))
            moved = Member(**{f.attname: getattr(row, f.attname) for f in Member._meta.concrete_fields})
            moved.pk = None
            moved.org = target
            moved.region_code = target.region_code
            moved.employer = None
            moved.employer_name = ""
            moved.status = MemberStatus.ACTIVE
            moved.left_on = None
            moved.leave_reason = ""
            moved.clean()
            plans.append((moved, [(EventKind.TRANSFER_IN, moved_on, union, target, "")]))
            rows.append(moved)
        row.clean()
        rows.append(row)
        plans.append((row, events))

    with transaction.atomic():
        taken = _existing_indexes({row.id_number_index for row in rows})
        if taken:  # people already registered for real: leave them alone
            plans = [(row, events) for row, events in plans if row.id_number_index not in taken]
            rows = [row for row, _events in plans]
        by_region: dict[str, list[Member]] = defaultdict(list)
        for row in rows:
            by_region[row.region_code].append(row)
        for region, members in sorted(by_region.items()):
            for member, number in zip(members, allocate_card_numbers(region, len(members)), strict=True):
                member.member_card_number = number
        now = timezone.now()
        next_id = _next_id(Member)
        for offset, row in enumerate(rows):
            row.pk = next_id + offset
            row.created_at = row.updated_at = now
        _insert(Member, rows)
        next_id = _next_id(MembershipEvent)
        event_rows = []
        for row, events in plans:
            for kind, date, from_org, to_org, note in events:
                event = MembershipEvent(
                    pk=next_id + len(event_rows),
                    org_id=row.org_id,
                    member_id=row.pk,
                    kind=kind,
                    date=date,
                    from_org=from_org,
                    to_org=to_org,
                    note=note,
                    created_at=now,
                    updated_at=now,
                )
                event_rows.append(event)
        _insert(MembershipEvent, event_rows)
        _reset_sequences()
    return DemoMembersResult(created=len(rows))


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _insert(model, objects: list) -> None:
    """INSERT with explicit ids: COPY on PostgreSQL, ``executemany`` on SQLite. The ORM's
    bulk_create spends most of its time preparing each value of each row; here only SQLite's
    dates and datetimes need adapting."""
    fields = model._meta.concrete_fields
    attnames = [field.attname for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([getattr(obj, name) for name in attnames])
        return
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    adapters = []
    for field in fields:
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(connection.ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(connection.ops.adapt_datefield_value)
        else:
            adapters.append(None)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            params = [
                [
                    adapt(getattr(obj, name)) if adapt is not None else getattr(obj, name)
                    for name, adapt in zip(attnames, adapters, strict=True)
                ]
                for obj in objects[start : start + BATCH]
            ]
            cursor.executemany(sql, params)


def _reset_sequences() -> None:
    """After explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Member, MembershipEvent])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _existing_indexes(indexes: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(indexes)
    for start in range(0, len(ordered), 900):  # SQLite's limit on query parameters
        chunk = ordered[start : start + 900]
        found.update(Member.objects.filter(id_number_index__in=chunk).values_list("id_number_index", flat=True))
    return found
