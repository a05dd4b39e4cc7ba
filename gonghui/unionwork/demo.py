"""Demo union work for the demo city: two years of dues for every employer with a union (two districts
lagging this year: 溧阳 barely past a fifth and 金坛 below last year), the city's share scheme and scoring
rules, cadre training courses with their chairs, a year and a bit of information submissions (falling this
year, as the seeds complain) with adoptions, and the joint meetings — every district's obligation each year,
金坛's meeting of this year not held and past its deadline, the city's meeting with decisions assigned as
supervision tasks (one overdue).

Dues, submissions and trainees are written with bulk_create so ``make demo`` stays quick; meetings and
decisions go through the services, so the tasks and their notes are what real use produces. Safe to run any
number of times: nothing happens once the city has demo dues.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.context import actor
from gonghui.orgs.demo import CITY_CODE
from gonghui.orgs.models import Employer, Organization, OrgType
from gonghui.targets.models import Task
from gonghui.unionwork import services_dues, services_info, services_meetings
from gonghui.unionwork.models import (
    AdopterLevel,
    CourseKind,
    CourseStatus,
    DuesChannel,
    DuesOrigin,
    DuesRecord,
    InfoAdoption,
    InfoItem,
    InfoKind,
    JointMeeting,
    Trainee,
    TrainingCourse,
    dues_due,
    money,
)

LAGGING = {"320481": 0.24, "320413": 0.6}  # 溧阳, 金坛: share of dues paid this year
OVERDUE_MEETING = "320413"  # 金坛 has not held this year's meeting
POINTS = {
    AdopterLevel.COUNTY: "1",
    AdopterLevel.CITY: "2",
    AdopterLevel.PROVINCE: "5",
    AdopterLevel.NATIONAL: "10",
    AdopterLevel.MEDIA_LOCAL: "2",
    AdopterLevel.MEDIA_PROVINCE: "5",
    AdopterLevel.MEDIA_NATIONAL: "10",
}
ADOPTERS = (
    (AdopterLevel.CITY, "常州市总工会《工会信息》"),
    (AdopterLevel.MEDIA_LOCAL, "常州日报"),
    (AdopterLevel.PROVINCE, "江苏省总工会《工会工作动态》"),
    (AdopterLevel.MEDIA_PROVINCE, "江苏工人报"),
    (AdopterLevel.MEDIA_NATIONAL, "工人日报"),
)
TOPICS = ("开展夏送清凉慰问活动", "推进新就业形态劳动者入会", "举办职工技能竞赛", "深化工会驿站建设",
          "开展劳动法律监督检查", "组织劳模工匠进企业", "推进集体协商要约行动", "开展困难职工帮扶")  # fmt: skip
COURSES = (
    ("基层工会主席培训班", CourseKind.CHAIR, 16),
    ("工会经费审查与财务业务培训", CourseKind.CADRE, 8),
    ("集体协商专题培训", CourseKind.TOPIC, 6),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "志强", "丽娟", "海燕", "伟", "静", "磊", "敏", "军", "芳", "勇", "娜", "涛")
DECISIONS = (
    ("建立欠薪问题联合预警处置机制", "市人社局", 90),
    ("推动工会经费由税务部门全额代收", "市税务局", 120),
    ("将户外劳动者驿站建设纳入城市更新项目", "市住建局", 30),
)


@dataclass
class DemoUnionworkResult:
    dues_records: int = 0
    courses: int = 0
    trainees: int = 0
    info_items: int = 0
    adoptions: int = 0
    meetings: int = 0
    decisions: int = 0
    skipped: bool = False

    def summary(self) -> str:
        return (
            f"自身建设：经费记录 {self.dues_records} 条，培训班 {self.courses} 期（学员 {self.trainees} 人），"
            f"报送信息 {self.info_items} 条（采用 {self.adoptions} 次），联席会议 {self.meetings} 次，"
            f"议定事项 {self.decisions} 项（已交办督办）"
        )


def _months(start: datetime.date, end: datetime.date):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def _district_of(org: Organization, districts: list[Organization]) -> Organization | None:
    return next((d for d in districts if org.path.startswith(d.path)), None)


def load_demo_unionwork(*, seed: int = 2026, today: datetime.date | None = None) -> DemoUnionworkResult:
    result = DemoUnionworkResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    admin = User.objects.filter(username="city_admin", is_demo=True).first()
    done = DuesRecord.objects.filter(org__path__startswith=city.path, is_demo=True) if city else None
    if city is None or admin is None or done.exists():
        result.skipped = True
        return result
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:unionwork")
    districts = list(
        Organization.objects.filter(
            path__startswith=city.path, depth=city.depth + 1, org_type=OrgType.FEDERATION, is_demo=True
        ).order_by("path")
    )
    with transaction.atomic(), actor(admin):
        _configuration(admin, city)
        _dues(result, rng, today, admin, city, districts)
        _training(result, rng, today, admin, city, districts)
        _information(result, rng, today, admin, city, districts)
        _meetings(result, rng, today, admin, city, districts)
    return result


def _configuration(admin: User, city: Organization) -> None:
    from gonghui.unionwork.models import DuesShareScheme, InfoScoreRule

    if not DuesShareScheme.objects.filter(org=city).exists():
        services_dues.share_create(
            user=admin,
            data={
                "org": city,
                "effective_year": 2020,
                "grassroots_pct": Decimal("60"),
                "county_pct": Decimal("15"),
                "city_pct": Decimal("12"),
                "province_pct": Decimal("8"),
                "national_pct": Decimal("5"),
                "note": "按省总工会经费分成办法（演示）",
            },
        )
    for level, points in POINTS.items():
        if not InfoScoreRule.objects.filter(org=city, adopter_level=level).exists():
            services_info.rule_create(user=admin, data={"org": city, "adopter_level": level, "points": Decimal(points)})


def _dues(result, rng, today, admin, city, districts) -> None:
    employers = list(
        Employer.objects.filter(is_demo=True, union__isnull=False, union__path__startswith=city.path).select_related(
            "union"
        )
    )
    records = []
    start = datetime.date(today.year - 1, 1, 1)
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    for employer in employers:
        district = _district_of(employer.union, districts)
        lag = LAGGING.get(district.region_code if district else "", 1.0)
        wage = Decimal(rng.randrange(5200, 9800))
        staff = max(employer.staff_count, 5)
        growth = Decimal(rng.randrange(102, 112)) / 100
        paying = staff >= 200 or rng.random() < 0.9  # a few small employers never pay
        for period in _months(start, last_month):
            base = money(staff * wage * (growth if period.year == today.year else 1))
            due = dues_due(base)
            paid_on = (period + datetime.timedelta(days=32)).replace(day=rng.randrange(10, 25))
            ratio = 1.0 if period.year < today.year else lag
            if paid_on > today and rng.random() < 0.85:
                paid_on = today  # last month's dues mostly reach the account in the first days of this one
            if not paying or paid_on > today or rng.random() > ratio:
                paid, paid_on = Decimal("0.00"), None
            else:
                paid = due
            records.append(
                DuesRecord(
                    org=employer.union,
                    created_by=admin,
                    employer=employer,
                    period=period,
                    payroll_base=base,
                    due=due,
                    paid=paid,
                    paid_on=paid_on,
                    channel=DuesChannel.TAX if rng.random() < 0.85 else DuesChannel.DIRECT,
                    origin=DuesOrigin.IMPORT,
                    is_demo=True,
                )
            )
    DuesRecord.objects.bulk_create(records, batch_size=2000)
    result.dues_records = len(records)


def _person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _training(result, rng, today, admin, city, districts) -> None:
    courses, trainees = [], []
    for org in [city, *districts]:
        grassroots = list(
            Organization.objects.filter(path__startswith=org.path, org_type=OrgType.GRASSROOTS).order_by("path")[:40]
        )
        for year in (today.year - 1, today.year):
            for name, kind, hours in COURSES[: 2 if org != city else 3]:
                start = datetime.date(year, rng.randrange(3, 11), rng.randrange(1, 25))
                end = start + datetime.timedelta(days=max(1, hours // 8) - 1)
                status = CourseStatus.FINISHED if end <= today else CourseStatus.PLANNED
                short = org.short_name or org.name
                course = TrainingCourse(
                    org=org, created_by=admin, name=f"{year}年{short}{name}", kind=kind, start_on=start, end_on=end,
                    hours=Decimal(hours), location=f"{short}职工服务中心", status=status, is_demo=True,
                )  # fmt: skip
                courses.append(course)
                people = grassroots if kind == CourseKind.CHAIR else grassroots[: len(grassroots) // 2]
                for union in people:
                    done = status == CourseStatus.FINISHED and rng.random() < 0.92
                    trainees.append(
                        Trainee(
                            course=course,
                            name=_person(rng),
                            work_unit=union.name[:100],
                            position="工会主席" if kind == CourseKind.CHAIR else "工会干事",
                            is_chair=kind == CourseKind.CHAIR,
                            hours_attended=Decimal(hours) if done else Decimal(0),
                            completed=done,
                        )
                    )
    upcoming = today + datetime.timedelta(days=20)
    courses.append(
        TrainingCourse(org=city, created_by=admin, name=f"{upcoming.year}年新任基层工会主席轮训班",
                       kind=CourseKind.CHAIR,
                       start_on=upcoming, end_on=upcoming + datetime.timedelta(days=1), hours=Decimal(16),
                       location="常州市职工培训中心", status=CourseStatus.PLANNED, is_demo=True)
    )  # fmt: skip
    TrainingCourse.objects.bulk_create(courses, batch_size=500)
    for trainee in trainees:
        trainee.course_id = trainee.course.pk
    Trainee.objects.bulk_create(trainees, batch_size=2000)
    result.courses, result.trainees = len(courses), len(trainees)


def _information(result, rng, today, admin, city, districts) -> None:
    items, adoptions = [], []
    start = datetime.date(today.year - 1, 1, 1)
    for district in districts:
        towns = list(Organization.objects.filter(path__startswith=district.path, depth=district.depth + 1)[:4])
        for period in _months(start, today):
            falling = period.year == today.year
            for unit in [district, *towns]:
                count = rng.randrange(0, 3 if falling else 5)
                for _ in range(count):
                    last = min(
                        today, (period + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
                    )
                    day = period + datetime.timedelta(days=rng.randrange(0, (last - period).days + 1))
                    item = InfoItem(
                        org=unit, created_by=admin, title=f"{unit.short_name or unit.name}{rng.choice(TOPICS)}",
                        kind=rng.choice([InfoKind.INFO, InfoKind.INFO, InfoKind.NEWS, InfoKind.RESEARCH]),
                        submitted_on=day, author=_person(rng), content="（演示）工作信息正文。", is_demo=True,
                    )  # fmt: skip
                    items.append(item)
                    if rng.random() < (0.25 if falling else 0.4):
                        level, name = rng.choice(ADOPTERS)
                        adopted = min(today, day + datetime.timedelta(days=rng.randrange(1, 15)))
                        adoptions.append(
                            InfoAdoption(
                                item=item,
                                adopter_level=level,
                                adopter_name=name,
                                adopted_on=adopted,
                                score=Decimal(POINTS[level]),
                                recorded_by=admin,
                            )
                        )
    InfoItem.objects.bulk_create(items, batch_size=2000)
    for adoption in adoptions:
        adoption.item_id = adoption.item.pk
    InfoAdoption.objects.bulk_create(adoptions, batch_size=2000)
    result.info_items, result.adoptions = len(items), len(adoptions)


def _meetings(result, rng, today, admin, city, districts) -> None:
    for year in (today.year - 1, today.year):
        for org in [city, *districts]:
            deadline = datetime.date(year, 6, 30) if org != city else datetime.date(year, 9, 30)
            services_meetings.obligation_create(user=admin, data={"org": org, "year": year, "deadline": deadline})
            if year == today.year and org.region_code == OVERDUE_MEETING:
                continue
            held = min(today, datetime.date(year, rng.randrange(3, 7), rng.randrange(1, 28)))
            name = org.short_name or org.name
            level = "市" if org == city else "区"
            meeting = services_meetings.meeting_create(
                user=admin,
                data={
                    "org": org,
                    "title": f"{year}年{name}政府与工会联席会议",
                    "held_on": held,
                    "location": "政府常务会议室",
                    "government_attendees": f"{_person(rng)} 副{level}长\n{_person(rng)} 人社局局长",
                    "union_attendees": f"{_person(rng)} 总工会主席\n{_person(rng)} 总工会副主席",
                    "departments": "人社局、财政局、住建局、税务局",
                    "agenda": (
                        "一、通报职工队伍和工会工作情况\n二、研究需政府支持解决的职工权益问题\n三、部署下一阶段工作"
                    ),
                },
            )
            JointMeeting.objects.filter(pk=meeting.pk).update(is_demo=True)
            result.meetings += 1
            if org == city and year == today.year:
                for number, (title, department, days) in enumerate(DECISIONS):
                    lead = districts[number % len(districts)] if number and districts else city
                    decision = services_meetings.decision_add(
                        user=admin,
                        meeting=meeting,
                        data={"title": title, "lead_department": department, "lead_unit": lead,
                              "deadline": today + datetime.timedelta(days=days), "description": ""},
                    )  # fmt: skip
                    result.decisions += 1
                    if number == len(DECISIONS) - 1:  # the station decision slipped past its deadline
                        Task.objects.filter(pk=decision.task_id).update(
                            deadline=today - datetime.timedelta(days=12), is_demo=True
                        )
                    else:
                        Task.objects.filter(pk=decision.task_id).update(is_demo=True)
