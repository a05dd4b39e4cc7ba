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

``load_demo_requests`` (run by ``load_demo_members``) adds the work waiting on the unions:
join applications in several unions (pending, a few overdue, approved and linked to the member
they created, rejected with a reason, withdrawn), a cluster of applicants naming the same
employer without a union in one town (a 建会线索), and a few pending transfers. It too runs
once: nothing happens when the demo unions already have join applications.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from faker import Faker

from gonghui.members import join
from gonghui.members.models import (
    MEMBER_UNION_TYPES,
    Education,
    EmploymentCategory,
    EventKind,
    Gender,
    JoinApplication,
    JoinSource,
    JoinStatus,
    Member,
    MembershipEvent,
    MemberStatus,
    NewEmploymentType,
    PoliticalStatus,
    Transfer,
    TransferSource,
    TransferState,
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
    applications: int = 0  # join applications added by load_demo_requests
    transfers: int = 0  # pending transfers added by load_demo_requests


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
        result = DemoMembersResult(skipped=True)
    else:
        result = _load_members(scale=scale, seed=seed)
    requests = load_demo_requests(seed=seed)
    result.applications, result.transfers = requests.applications, requests.transfers
    return result


def _load_members(*, scale: float, seed: int) -> DemoMembersResult:
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
        _reset_sequences(Member, MembershipEvent)
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


def _reset_sequences(*models) -> None:
    """After explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
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


# ---------------------------------------------------------------------------
# Join applications and pending transfers: the work waiting on the demo unions

CHAIR_UNION_CODE = "GH320412-01-001"  # the demo chair's union (chair_demo): most of the queue is here
LEAD_TOWN_CODE = "GH320412-01"  # 湖塘镇: where several applicants name the same employer without a union
OTHER_UNIONS = 5  # unions in other places that also get applications
REJECT_REASONS = (
    "经核实，申请人不在本单位工作，请向实际工作单位工会申请。",
    "申请人已在其他单位工会办理入会，无需重复申请。",
    "所填工作单位与劳动合同不一致，请核对后重新申请。",
)
TRANSFER_REASONS = ("已调入新单位工作", "工作单位变更", "随企业搬迁调整工作地点")


@dataclass
class DemoRequestsResult:
    applications: int = 0
    transfers: int = 0
    skipped: bool = False


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class _Applicants:
    """New people (not registered anywhere) who apply; their numbers never clash with a member's."""

    def __init__(self, seed: int):
        self.rng = random.Random(f"{seed}:join:people")
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(f"{seed}:join:faker")
        self.used: set[str] = set()

    def person(self, region_code: str) -> tuple[str, str, str, datetime.date]:
        rng = self.rng
        male = rng.random() < 0.6
        birth = _date_between(rng, datetime.date(1970, 1, 1), datetime.date(2004, 12, 31))
        area = region_code if not region_code.endswith("00") else rng.choice(LOCAL_AREAS)
        if rng.random() < 0.3:
            area = rng.choice(MIGRANT_AREAS)
        while True:
            number = make_id_number(area, birth, rng.randint(0, 499) * 2 + (1 if male else 0))
            if number not in self.used:
                self.used.add(number)
                break
        name = self.faker.name_male() if male else self.faker.name_female()
        phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
        return name, number, phone, birth


def _application(
    union: Organization,
    *,
    name: str,
    number: str,
    phone: str,
    birth: datetime.date,
    employer: Employer | None,
    employer_name: str,
    category: str,
    new_type: str,
    source: str,
    status: str,
    created: datetime.datetime,
) -> JoinApplication:
    id_sealed, phone_sealed = seal_id_number(number), seal_phone(phone)
    application = JoinApplication(
        org=union,
        name=name,
        id_number_cipher=id_sealed.cipher,
        id_number_index=id_sealed.index,
        id_number_masked=id_sealed.masked,
        phone_cipher=phone_sealed.cipher,
        phone_index=phone_sealed.index,
        phone_masked=phone_sealed.masked,
        birth_date=birth,
        employer=employer,
        employer_name=employer_name[:100],
        employer_key=join.normalize_employer_name(employer_name),
        region_code=employer.region_code if employer else union.region_code,
        employment_category=category,
        new_employment_type=new_type,
        consent=True,
        consent_at=created,
        consent_version=join.CONSENT_VERSION,
        status=status,
        source=source,
        due_date=timezone.localtime(created).date() + datetime.timedelta(days=join.approval_days()),
        created_at=created,
        updated_at=created,
    )
    application.clean_fields(exclude=["org", "employer", "member", "decided_by", "created_by"])
    return application


def _request_unions(seed: int) -> list[Organization]:
    """The chair's union first, then a few unions elsewhere (grassroots or joint, with employers)."""
    unions = [u for u in _demo_unions() if u.org_type != OrgType.ONLINE_HOME]
    chosen = [u for u in unions if u.code == CHAIR_UNION_CODE]
    rest = [u for u in unions if u.code != CHAIR_UNION_CODE]
    rng = random.Random(f"{seed}:join:unions")
    chosen += rng.sample(rest, min(OTHER_UNIONS, len(rest)))
    return chosen


def load_demo_requests(*, seed: int = DEFAULT_SEED) -> DemoRequestsResult:
    """Join applications (every status, some overdue, one lead cluster) and pending transfers."""
    if JoinApplication.objects.filter(org__is_demo=True).exists():
        return DemoRequestsResult(skipped=True)
    unions = _request_unions(seed)
    if not unions:
        return DemoRequestsResult()
    today = timezone.localdate()
    rng = random.Random(f"{seed}:join:plan")
    people = _Applicants(seed)
    employers: dict[int, list[Employer]] = defaultdict(list)
    for employer in Employer.objects.filter(union__in=unions).order_by("uscc"):
        employers[employer.union_id].append(employer)
    applications: list[JoinApplication] = []
    decisions: list[tuple[JoinApplication, datetime.datetime | None]] = []  # application, when it was closed

    def add(union, *, status, created, decided=None, reason="", source=JoinSource.QR, employer=None):
        person_name, number, phone, birth = people.person(union.region_code)
        if employer is None and employers.get(union.pk):
            employer = rng.choice(employers[union.pk])
        employer_name = employer.name if employer is not None else people.faker.company()
        platform = employer is not None and employer.is_platform
        category = (
            EmploymentCategory.NEW_EMPLOYMENT
            if platform
            else rng.choice((EmploymentCategory.EMPLOYEE, EmploymentCategory.EMPLOYEE, EmploymentCategory.MIGRANT))
        )
        new_type = _weighted(rng, NEW_EMPLOYMENT_WEIGHTS) if platform else ""
        application = _application(
            union,
            name=person_name,
            number=number,
            phone=phone,
            birth=birth,
            employer=employer,
            employer_name=employer_name,
            category=category,
            new_type=new_type,
            source=source,
            status=status,
            created=created,
        )
        application.reject_reason = reason
        applications.append(application)
        decisions.append((application, decided))
        return application

    for position, union in enumerate(unions):
        chair_union = position == 0
        for _ in range(rng.randint(3, 4) if chair_union else rng.randint(1, 2)):  # pending, within the deadline
            add(union, status=JoinStatus.SUBMITTED, created=_at(today - datetime.timedelta(rng.randint(0, 3)), 9))
        for _ in range(2 if chair_union else position % 2):  # pending and overdue
            add(union, status=JoinStatus.SUBMITTED, created=_at(today - datetime.timedelta(rng.randint(7, 15)), 20))
        created = today - datetime.timedelta(rng.randint(20, 60))
        add(
            union,
            status=JoinStatus.REJECTED,
            created=_at(created, 11),
            decided=_at(created + datetime.timedelta(rng.randint(1, 4)), 15),
            reason=rng.choice(REJECT_REASONS),
        )
        if chair_union or position % 2 == 0:
            created = today - datetime.timedelta(rng.randint(10, 30))
            add(
                union,
                status=JoinStatus.WITHDRAWN,
                created=_at(created, 12),
                decided=_at(created + datetime.timedelta(rng.randint(0, 2)), 18),
            )
    # 以入会促建会: applicants naming the same employer without a union in one town
    lead_town = Organization.objects.filter(code=LEAD_TOWN_CODE, is_demo=True).first()
    lead_employer = (
        Employer.objects.filter(is_demo=True, union__isnull=True, org__path__subtree=lead_town.path)
        .order_by("uscc")
        .first()
        if lead_town is not None
        else None
    )
    if lead_employer is not None:
        try:
            route = join.route_join(town=lead_town, employer_name=lead_employer.name)
        except ValidationError:
            route = None
        if route is not None:
            for number in range(join.lead_threshold() + 2):
                days = rng.randint(8, 12) if number == 0 else rng.randint(0, 4)
                add(
                    route.union,
                    status=JoinStatus.SUBMITTED,
                    created=_at(today - datetime.timedelta(days), 10 + number),
                    source=JoinSource.ROUTED,
                    employer=lead_employer,
                )
    # existing people are not applicants: drop any that a real registration already holds
    taken = _existing_indexes({a.id_number_index for a in applications})
    applications = [a for a in applications if a.id_number_index not in taken]
    decisions = [(a, when) for a, when in decisions if a.id_number_index not in taken]
    for application, when in decisions:
        if application.status == JoinStatus.REJECTED:
            application.decided_at = application.updated_at = when
        elif application.status == JoinStatus.WITHDRAWN:
            application.updated_at = when
    approved = _approved_applications(unions, rng)
    transfers = _pending_transfers(unions, rng, today)
    with transaction.atomic():
        rows = applications + approved
        next_id = _next_id(JoinApplication)
        for offset, row in enumerate(rows):
            row.pk = next_id + offset
        _insert(JoinApplication, rows)
        next_id = _next_id(Transfer)
        for offset, row in enumerate(transfers):
            row.pk = next_id + offset
        _insert(Transfer, transfers)
        _reset_sequences(JoinApplication, Transfer)
    return DemoRequestsResult(applications=len(rows), transfers=len(transfers))


def _approved_applications(unions: list[Organization], rng: random.Random) -> list:
    """Approved applications for some of the latest joiners, each linked to the member it created."""
    chosen: list[JoinApplication] = []
    for position, union in enumerate(unions):
        candidates = list(
            Member.objects.filter(org=union, status=MemberStatus.ACTIVE, events__kind=EventKind.JOIN)
            .exclude(phone_cipher="")
            .order_by("-join_date", "pk")[:6]
        )
        for member in rng.sample(candidates, min(2 if position == 0 else 1, len(candidates))):
            decided = _at(member.join_date, 16)
            created = _at(member.join_date - datetime.timedelta(rng.randint(1, 4)), 9)
            application = JoinApplication(
                org=union,
                name=member.name,
                id_number_cipher=member.id_number_cipher,
                id_number_index=member.id_number_index,
                id_number_masked=member.id_number_masked,
                phone_cipher=member.phone_cipher,
                phone_index=member.phone_index,
                phone_masked=member.phone_masked,
                birth_date=member.birth_date,
                employer=member.employer,
                employer_name=member.employer_name or union.name.removesuffix("工会"),
                employer_key=join.normalize_employer_name(member.employer_name or union.name.removesuffix("工会")),
                region_code=member.region_code,
                employment_category=member.employment_category,
                new_employment_type=member.new_employment_type,
                consent=True,
                consent_at=created,
                consent_version=join.CONSENT_VERSION,
                status=JoinStatus.APPROVED,
                source=JoinSource.QR,
                due_date=timezone.localtime(created).date() + datetime.timedelta(days=join.approval_days()),
                decided_at=decided,
                member=member,
                created_at=created,
                updated_at=decided,
            )
            application.clean_fields(exclude=["org", "employer", "member", "decided_by", "created_by"])
            chosen.append(application)
    return chosen


def _pending_transfers(unions: list[Organization], rng: random.Random, today: datetime.date) -> list[Transfer]:
    """A member's own request and a union's request into the chair's union, and one elsewhere."""
    from gonghui.accounts.models import User

    if len(unions) < 2:
        return []
    pairs = [(unions[0], TransferSource.MEMBER), (unions[0], TransferSource.UNION), (unions[1], TransferSource.MEMBER)]
    busy = set(Transfer.objects.filter(state=TransferState.REQUESTED).values_list("member_id", flat=True))
    transfers = []
    for number, (target, source) in enumerate(pairs):
        candidates = (
            Member.objects.filter(org__is_demo=True, status=MemberStatus.ACTIVE, org__org_type__in=MEMBER_UNION_TYPES)
            .exclude(org=target)
            .exclude(phone_cipher="")
            .exclude(pk__in=busy)
            .select_related("org")
            .order_by("pk")
        )
        same_county = candidates.filter(region_code=target.region_code)
        member = (same_county if number % 2 == 0 else candidates.exclude(region_code=target.region_code)).first()
        member = member or candidates.first()
        if member is None:
            continue
        busy.add(member.pk)
        requester = None
        if source == TransferSource.UNION:
            requester = User.objects.filter(is_demo=True, org=target).order_by("pk").first()
        created = _at(today - datetime.timedelta(rng.randint(1, 6)), 10)
        transfers.append(
            Transfer(
                org=target,
                member=member,
                from_org=member.org,
                state=TransferState.REQUESTED,
                source=source,
                reason=rng.choice(TRANSFER_REASONS),
                requested_by=requester,
                created_by=requester,
                created_at=created,
                updated_at=created,
            )
        )
    return transfers
