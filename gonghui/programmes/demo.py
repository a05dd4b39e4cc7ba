"""Demo programmes: a few hundred stations around 常州 owned by the town and street unions, with opening
hours, facilities and star ratings, inspections (some overdue, some with fixes still open) and six months of
usage. Safe to run any number of times: nothing happens once the demo city has demo stations.

Written with bulk_create (one statement per table) so ``make demo`` stays quick; positions are GCJ-02, as a
phone map app would give them, and their WGS-84 copies come from the same conversion the services use.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import Organization, OrgType
from gonghui.programmes.models.stations import (
    CHECKLIST,
    FACILITY_BITS,
    BuildKind,
    CoordSystem,
    HostType,
    Inspection,
    InspectionResult,
    Station,
    StationStatus,
    UsageReport,
)

CITY_CODE = "GH320400"

#: district region code → (GCJ-02 centre, spread of its towns in metres)
DISTRICTS: dict[str, tuple[tuple[float, float], float]] = {
    "320402": ((31.7797, 119.9746), 4_000),  # 天宁
    "320404": ((31.7760, 119.9020), 4_000),  # 钟楼
    "320411": ((31.8600, 119.9600), 9_000),  # 新北
    "320412": ((31.7011, 119.9424), 13_000),  # 武进
    "320413": ((31.7232, 119.5975), 14_000),  # 金坛
    "320481": ((31.4161, 119.4840), 20_000),  # 溧阳
    "320400": ((31.7600, 120.0500), 3_000),  # 经开区
}
HOSTS = (
    (HostType.BANK, "工商银行{town}支行", "爱心驿站"),
    (HostType.BANK, "农商银行{town}支行", "劳动者港湾"),
    (HostType.STREET_OFFICE, "{town}便民服务中心", "户外劳动者驿站"),
    (HostType.STREET_OFFICE, "{town}新时代文明实践站", "职工驿站"),
    (HostType.PUBLIC_VENUE, "中石化{town}加油站", "司机之家"),
    (HostType.SHOP, "{town}苏果超市", "暖心驿站"),
    (HostType.EMPLOYER, "顺丰速运{town}营业部", "小哥驿站"),
    (HostType.UNION, "{town}工会服务站", "工会驿站"),
)
ROADS = ("人民路", "长江路", "延陵路", "中吴大道", "常武路", "花园街", "府前路", "建设路", "健康路", "新城大道")
HOURS = ("每天 8:00-20:00", "全天开放", "周一至周日 7:30-21:00", "工作日 8:30-17:30", "每天 9:00-18:00")
#: the facilities a station most often has, in order of how common they are
COMMON = ("water", "seats", "climate", "charging", "microwave", "first_aid", "toilet", "wifi", "reading", "repair")


@dataclass
class DemoProgrammesResult:
    stations: int = 0
    inspections: int = 0
    usage_reports: int = 0
    projects: int = 0
    skipped: bool = False
    jobfairs: int = 0
    mutual_aid: object = None  # DemoMutualAidResult (demo_mutualaid.py)


def _offset(lat: float, lng: float, rng: random.Random, spread_m: float) -> tuple[float, float]:
    distance = spread_m * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111_320
    dlng = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


def load_demo_programmes(*, seed: int = 2026, today: datetime.date | None = None) -> DemoProgrammesResult:
    result = DemoProgrammesResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    if city is None or Station.objects.filter(is_demo=True).exists():
        result.skipped = True
        result.jobfairs = _jobfairs(seed, today)
        result.mutual_aid = _load_mutual_aid(seed, today)
        result.projects = load_demo_projects(today=today)
        return result
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:programmes")
    admin = User.objects.filter(username="city_admin").first()
    towns = list(
        Organization.objects.filter(
            path__subtree=city.path, org_type__in=(OrgType.TOWN, OrgType.PARK), is_demo=True
        ).order_by("path")
    )
    with transaction.atomic():
        stations = _stations(towns, rng, today, admin)
        result.stations = len(stations)
        result.inspections = _inspections(stations, rng, today, admin)
        result.usage_reports = _usage(stations, rng, today, admin)
        result.jobfairs = _jobfairs(seed, today)
        result.mutual_aid = _load_mutual_aid(seed, today)
        result.projects = load_demo_projects(today=today)
    return result


def _stations(towns, rng, today, admin) -> list[Station]:
    rows = []
    year_start = datetime.date(today.year, 1, 1)
    for town_index, town in enumerate(towns):
        centre, spread = DISTRICTS.get(town.region_code, DISTRICTS["320400"])
        town_lat, town_lng = _offset(*centre, rng, spread)
        town_name = town.short_name or town.name.removesuffix("工会")
        for number in range(rng.randint(3, 7)):
            host_type, host, suffix = HOSTS[(town_index + number) % len(HOSTS)]
            host_name = host.format(town=town_name)
            lat, lng = _offset(town_lat, town_lng, rng, 1_800)
            this_year = rng.random() < 0.58
            if this_year:
                built_on = year_start + datetime.timedelta(days=rng.randint(0, (today - year_start).days))
            else:
                built_on = datetime.date(rng.randint(2020, today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
            status = StationStatus.OPERATING
            roll = rng.random()
            if roll < 0.04:
                status, built_on = StationStatus.BUILDING, None
            elif roll < 0.07:
                status = StationStatus.SUSPENDED
            elif roll < 0.09 and not this_year:
                status = StationStatus.REVOKED
            stars = rng.choices(range(6), weights=(30, 10, 20, 20, 12, 8))[0] if built_on else 0
            facilities = COMMON[: rng.randint(3, len(COMMON))]
            mask = sum(FACILITY_BITS[code] for code in facilities)
            station = Station(
                org=town,
                name=f"{town_name}{host_name.replace(town_name, '')}{suffix}",
                host_type=host_type,
                host_name=host_name,
                address=f"{town.name.removesuffix('工会')}{rng.choice(ROADS)}{rng.randint(1, 399)}号",
                region_code=town.region_code,
                lat=Decimal(f"{lat:.6f}"),
                lng=Decimal(f"{lng:.6f}"),
                coord_system=CoordSystem.GCJ02,
                opening_hours=rng.choice(HOURS),
                facilities=mask,
                star_rating=stars,
                star_rated_on=(built_on + datetime.timedelta(days=rng.randint(30, 120))) if stars else None,
                star_grounds=f"常州市总工会{(built_on.year if built_on else today.year)}年星级驿站评定"
                if stars
                else "",
                status=status,
                build_kind=BuildKind.UPGRADED if this_year and rng.random() < 0.4 else BuildKind.NEW,
                built_on=built_on,
                created_by=admin,
                is_demo=True,
            )
            if station.star_rated_on and station.star_rated_on > today:
                station.star_rated_on = today
            station.sync_derived()
            rows.append(station)
    return Station.objects.bulk_create(rows, batch_size=500)


def _inspections(stations, rng, today, admin) -> int:
    rows = []
    codes = [code for code, _label in CHECKLIST]
    updates = []
    for station in stations:
        if station.status not in (StationStatus.OPERATING, StationStatus.SUSPENDED) or not station.built_on:
            continue
        age = (today - station.built_on).days
        if age < 20:
            continue
        # Most are inspected on schedule; about one in six has gone past its date.
        overdue = rng.random() < 0.17
        last_gap = rng.randint(95, 200) if overdue else rng.randint(5, 85)
        last = today - datetime.timedelta(days=min(last_gap, age - 1))
        dates = [last]
        while len(dates) < 3 and (dates[-1] - station.built_on).days > 100:
            dates.append(dates[-1] - datetime.timedelta(days=rng.randint(80, 95)))
        for position, day in enumerate(sorted(dates)):
            latest = position == len(dates) - 1
            problem = rng.random() < (0.3 if latest else 0.15)
            failed = set(rng.sample(codes, rng.randint(1, 2))) if problem else set()
            rows.append(
                Inspection(
                    station=station,
                    org=station.org,
                    inspected_on=day,
                    inspector=rng.choice(("张明", "李芳", "王磊", "陈静", "刘洋", "周婷")),
                    checklist={code: code not in failed for code in codes},
                    result=InspectionResult.NEEDS_FIX if problem else InspectionResult.PASSED,
                    issues_found="；".join(f"{dict(CHECKLIST)[code]}不达标" for code in sorted(failed)),
                    fix_deadline=day + datetime.timedelta(days=15) if problem else None,
                    # older problems were put right; some recent ones are still open (a few past their deadline)
                    fixed_on=(day + datetime.timedelta(days=rng.randint(5, 14)))
                    if problem and (not latest or rng.random() < 0.4)
                    else None,
                    created_by=admin,
                )
            )
        station.last_inspected_on = last
        station.sync_derived()
        updates.append(station)
    Inspection.objects.bulk_create(rows, batch_size=1000)
    Station.objects.bulk_update(updates, ["last_inspected_on", "next_inspection_due"], batch_size=500)
    return len(rows)


def _usage(stations, rng, today, admin) -> int:
    rows = []
    first = today.replace(day=1)
    months = []
    month = first
    for _ in range(6):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    for station in stations:
        if station.status != StationStatus.OPERATING or not station.built_on:
            continue
        base = rng.randint(80, 900)
        for month in months:
            if month < station.built_on.replace(day=1):
                continue
            seasonal = 1.35 if month.month in (7, 8, 12, 1) else 1.0  # 夏送清凉 / 冬送温暖 months are busier
            rows.append(
                UsageReport(
                    station=station,
                    org=station.org,
                    month=month,
                    visits=round(base * seasonal * rng.uniform(0.8, 1.2)),
                    created_by=admin,
                )
            )
    UsageReport.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


#: the seeds' four public commitments: (title, target, unit, indicator, share of the target reported so far)
PROJECTS = (
    ("新建提升200家户外劳动者驿站", 200, "家", "stations_built", None),
    # the demo city is about a tenth of 常州's size, so its commitments are too; all four read the records
    ("为全市3.5万名职工提供互助保障", 35_000, "人", "mutual_aid_enrolled", None),  # the enrolments
    ("为全市5000名一线职工赠送健康体检", 5_000, "人", "health_checks", None),  # demo_health.py
    ("提供就业岗位2800个", 2_800, "个", "jobs_offered", None),  # the demo job fairs
)


def _jobfairs(seed: int, today: datetime.date | None) -> int:
    from gonghui.programmes.demo_jobfairs import load_demo_jobfairs

    return load_demo_jobfairs(seed=seed, today=today)


def load_demo_projects(*, today: datetime.date | None = None) -> int:
    """The city's 民生实事 this year: stations, health checks and jobs counted from the records, the rest reported."""
    from gonghui.programmes.models.projects import LivelihoodProject
    from gonghui.targets.models import Indicator

    city = Organization.objects.filter(code=CITY_CODE).first()
    today = today or timezone.localdate()
    if city is None or LivelihoodProject.objects.filter(org=city, year=today.year).exists():
        return 0
    admin = User.objects.filter(username="city_admin").first()
    indicators = {i.key: i for i in Indicator.objects.filter(key__in=[p[3] for p in PROJECTS])}
    reported_on = today - datetime.timedelta(days=3)
    share_of_year = (today - datetime.date(today.year, 1, 1)).days / 365
    rows = [
        LivelihoodProject(
            org=city,
            year=today.year,
            title=title,
            target_value=Decimal(target),
            unit=unit,
            deadline=datetime.date(today.year, 12, 31),
            indicator=indicators.get(key),
            reported_value=None if share is None else Decimal(round(target * share * share_of_year)),
            reported_on=None if share is None else reported_on,
            department="权益保障部" if index % 2 else "经济技术部",
            description=f"{today.year}年市政府民生实事项目：{title}。",
            sort=index,
            created_by=admin,
            is_demo=True,
        )
        for index, (title, target, unit, key, share) in enumerate(PROJECTS, start=1)
    ]
    LivelihoodProject.objects.bulk_create(rows)
    return len(rows)


def _load_mutual_aid(seed: int, today: datetime.date | None):
    """职工互助保障 (demo_mutualaid.py): before the projects, whose 大病互助保障 figure counts its enrolments."""
    from gonghui.programmes.demo_mutualaid import load_demo_mutualaid

    return load_demo_mutualaid(seed=seed, today=today)
