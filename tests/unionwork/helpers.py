"""Making union-work records for tests, through the services (the only writers)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from gonghui.unionwork import services_dues, services_info, services_meetings, services_training

TODAY = datetime.date.today()
LAST_YEAR = TODAY.year - 1


def dues(user, employer, period: datetime.date, payroll: str, paid: str = "0", paid_on=None, **extra):
    data = {
        "employer": employer,
        "period": period,
        "payroll_base": Decimal(payroll),
        "paid": Decimal(paid),
        "paid_on": paid_on
        if paid_on is not None
        else (period + datetime.timedelta(days=20) if Decimal(paid) else None),
        "channel": "tax",
        "note": "",
    }
    data.update(extra)
    return services_dues.dues_create(user=user, data=data)


def share(user, org, year: int = 2020, **pcts):
    data = {
        "org": org,
        "effective_year": year,
        "grassroots_pct": Decimal("60"),
        "county_pct": Decimal("15"),
        "city_pct": Decimal("12"),
        "province_pct": Decimal("8"),
        "national_pct": Decimal("5"),
        "note": "",
    }
    data.update({key: Decimal(value) for key, value in pcts.items()})
    return services_dues.share_create(user=user, data=data)


def course(user, org, **extra):
    data = {
        "org": org,
        "name": extra.pop("name", ("武进" if org.region_code == "320412" else "天宁") + "基层工会主席培训班"),
        "kind": "chair",
        "start_on": TODAY - datetime.timedelta(days=12),
        "end_on": TODAY - datetime.timedelta(days=10),
        "hours": Decimal("16"),
        "location": "职工服务中心",
        "status": "finished",
        "note": "",
    }
    data.update(extra)
    return services_training.course_create(user=user, data=data)


def trainee(actor, course_obj, name: str, *, chair: bool = False, completed: bool = True, **extra):
    data = {"name": name, "is_chair": chair, "completed": completed, "hours_attended": course_obj.hours, **extra}
    return services_training.trainee_add(user=actor, course=course_obj, data=data)


def info(user, org, **extra):
    data = {
        "org": org,
        "title": extra.pop("title", ("湖塘镇" if org.region_code == "320412" else "茶山街道") + "工会开展送清凉活动"),
        "kind": "info",
        "submitted_on": TODAY - datetime.timedelta(days=3),
        "author": "王敏",
        "content": "近日，镇工会深入一线慰问高温作业职工。",
    }
    data.update(extra)
    return services_info.info_create(user=user, data=data)


def rule(user, org, level: str, points: str):
    return services_info.rule_create(user=user, data={"org": org, "adopter_level": level, "points": Decimal(points)})


def meeting(user, org, **extra):
    data = {
        "org": org,
        "title": extra.pop("title", ("武进区" if org.region_code == "320412" else "天宁区") + "政府与工会联席会议"),
        "held_on": TODAY - datetime.timedelta(days=30),
        "location": "区政府第一会议室",
        "government_attendees": "李明 副区长\n张伟 人社局局长",
        "union_attendees": "王强 区总工会主席",
        "departments": "人社局、财政局、住建局",
        "agenda": "一、通报全区职工队伍状况\n二、研究根治欠薪工作",
    }
    data.update(extra)
    return services_meetings.meeting_create(user=user, data=data)


def obligation(user, org, year: int, deadline: datetime.date, **extra):
    return services_meetings.obligation_create(
        user=user, data={"org": org, "year": year, "deadline": deadline, "note": "", **extra}
    )
