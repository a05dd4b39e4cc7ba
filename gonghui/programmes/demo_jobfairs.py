"""Demo job fairs: a year of 工会送岗位 fairs (offline and online) run by the demo city and its district
unions, from January up to today, each with its participating employers (demo employers where the district
has them, otherwise unregistered names). Their figures add up over the year to the seeds' scale —
about 2,800 positions, 3,000 applicants and 500 intentions for a whole year — so the 民生实事 "提供就业岗位"
reads its progress from them. Deterministic (seeded); nothing happens once demo fairs exist.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import Employer, Organization, OrgType
from gonghui.programmes.models.jobfairs import FairMode, FairStatus, JobFair, JobFairEmployer

CITY_CODE = "GH320400"
THEMES = (
    ("“工会送岗位 乐业在龙城”春风行动专场招聘会", FairMode.OFFLINE, "市人力资源市场"),
    ("“就业援助月”困难职工专场招聘会", FairMode.OFFLINE, "{district}职工服务中心"),
    ("新就业形态劳动者线上直播带岗", FairMode.ONLINE, "“常州工会”微信视频号"),
    ("高校毕业生就业服务季专场", FairMode.HYBRID, "常州大学体育馆及线上平台"),
    ("“民营企业招聘月”网络招聘会", FairMode.ONLINE, "江苏公共就业服务网"),
    ("金秋招聘月现场招聘会", FairMode.OFFLINE, "{district}文化广场"),
)
EMPLOYER_NAMES = (
    "常州某某精密机械有限公司", "江苏某某新能源科技有限公司", "常州某某物流有限公司", "某某快递常州分拨中心",
    "常州某某纺织有限公司", "某某连锁超市常州分公司", "常州某某汽车零部件有限公司", "常州某某餐饮管理有限公司",
    "常州某某电子科技有限公司", "某某家政服务有限公司", "常州某某建设工程有限公司", "某某外卖常州站点",
)  # fmt: skip
#: a whole year's totals at the seeds' scale
YEAR_POSITIONS = 3_100


def load_demo_jobfairs(*, seed: int = 2026, today: datetime.date | None = None) -> int:
    city = Organization.objects.filter(code=CITY_CODE).first()
    if city is None or JobFair.objects.filter(is_demo=True).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:jobfairs")
    admin = User.objects.filter(username="city_admin").first()
    districts = list(
        Organization.objects.filter(path__subtree=city.path, depth=city.depth + 1, org_type=OrgType.FEDERATION)
        .exclude(pk=city.pk)
        .order_by("path")
    )
    hosts = [city, *districts]
    start = datetime.date(today.year, 1, 1)
    days = (today - start).days
    # about two fairs a month; positions spread so the year comes to YEAR_POSITIONS
    count = max(1, round(days / 15))
    per_fair = YEAR_POSITIONS / (365 / 15)
    fairs: list[JobFair] = []
    rows: list[list[JobFairEmployer]] = []
    employers_by_org: dict[int, list[Employer]] = {}
    for host in districts:
        employers_by_org[host.pk] = list(
            Employer.objects.filter(org__path__subtree=host.path, is_demo=True).order_by("pk")[:40]
        )
    with transaction.atomic():
        for number in range(count):
            held_on = start + datetime.timedelta(days=min(days, round(number * 15 + rng.uniform(0, 10))))
            if held_on > today:
                held_on = today
            host = hosts[number % len(hosts)]
            theme, mode, venue = THEMES[number % len(THEMES)]
            district = host.name.removesuffix("总工会")
            fair = JobFair(
                org=host,
                name=f"{held_on.month}月{theme}" if host == city else f"{district}{held_on.month}月{theme}",
                mode=mode,
                held_on=held_on,
                ends_on=held_on + datetime.timedelta(days=6) if mode == FairMode.ONLINE else None,
                organiser="常州市总工会、常州市人社局" if host == city else f"{host.name}、{district}人社局",
                venue=venue.format(district=district),
                region_code=host.region_code,
                status=FairStatus.HELD,
                created_by=admin,
                is_demo=True,
            )
            target = max(20, round(per_fair * rng.uniform(0.6, 1.4)))
            registered = list(employers_by_org.get(host.pk, ()))
            rng.shuffle(registered)
            fair_rows = []
            left = target
            names_used: set[str] = set()
            for index in range(rng.randint(6, 14)):
                if left <= 0:
                    break
                positions = min(left, rng.randint(3, 40))
                left -= positions
                applicants = round(positions * rng.uniform(0.7, 1.5))
                intents = min(applicants, round(applicants * rng.uniform(0.1, 0.25)))
                employer = registered[index] if index < len(registered) and rng.random() < 0.7 else None
                name = employer.name if employer else EMPLOYER_NAMES[(number + index) % len(EMPLOYER_NAMES)]
                if name in names_used:
                    continue
                names_used.add(name)
                fair_rows.append(
                    JobFairEmployer(
                        org=host,
                        employer=employer,
                        employer_name=name,
                        positions=positions,
                        applicants=applicants,
                        intents=intents,
                        created_by=admin,
                    )
                )
            fair.positions = sum(row.positions for row in fair_rows)
            fair.applicants = sum(row.applicants for row in fair_rows)
            fair.intents = sum(row.intents for row in fair_rows)
            fairs.append(fair)
            rows.append(fair_rows)
        JobFair.objects.bulk_create(fairs)
        flat = []
        for fair, fair_rows in zip(fairs, rows, strict=True):
            for row in fair_rows:
                row.fair = fair
                flat.append(row)
        JobFairEmployer.objects.bulk_create(flat, batch_size=1000)
    return len(fairs)
