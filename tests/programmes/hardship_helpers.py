"""Hardship files and assistance for tests, made and moved through the services (the only writers)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.context import actor
from gonghui.programmes import services_assistance, services_hardship
from gonghui.utilities.idnumber import make_id_number

TODAY = datetime.date.today()


def id_no(serial: int, area: str = "320412") -> str:
    return make_id_number(area, datetime.date(1980, 3, 9), serial)


def scan(name: str = "调查表.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 signed form", content_type="application/pdf")


def file_data(org, serial: int = 1, **extra) -> dict:
    data = {
        "org": org,
        "name": extra.pop("name", "王建国"),
        "id_number": id_no(serial, org.region_code),
        "phone": f"139{serial:08d}",
        "employer": None,
        "employer_name": "武进甲公司",
        "household_size": 3,
        "household_members": "李芳、配偶、45、无业、0",
        "monthly_income": "2350",
        "housing": "rented",
        "health": "本人患尿毒症，每周透析三次",
        "cause": "illness",
        "cause_detail": "本人患病无法工作，配偶无业。",
        "applied_on": TODAY - datetime.timedelta(days=40),
    }
    data.update(extra)
    return data


def make_file(user, org, serial: int = 1, **extra):
    with actor(user):
        return services_hardship.hardship_file_create(user=user, data=file_data(org, serial, **extra))


def walk_to_filed(user, approver, file, level: str = "deep"):
    """Take a new file through 初审, 入户调查, 民政核对, 公示 to 建档 with its evidence, dated in the past."""
    base = file.applied_on
    day = lambda n: base + datetime.timedelta(days=n)  # noqa: E731
    with actor(user):
        file = services_hardship.hardship_review(user=user, file=file, passed=True, on=day(1), opinion="情况属实")
        file = services_hardship.hardship_survey(
            user=user, file=file, on=day(3), investigators="张三、李四", findings="家中无大件电器", signed_form=scan()
        )
        file = services_hardship.hardship_civil_send(user=user, file=file, on=day(4))
        file = services_hardship.hardship_civil_result(
            user=user, file=file, result="confirmed", on=day(10), note="", document=scan("核对结果.pdf")
        )
        file = services_hardship.hardship_notice_start(user=user, file=file, start=day(11), place="公告栏")
    with actor(approver):
        return services_hardship.hardship_establish(user=approver, file=file, level=level, on=day(25))


def make_campaign(user, org, **extra):
    data = {
        "org": org,
        "name": extra.pop("name", "2026年元旦春节送温暖"),
        "kind": extra.pop("kind", "winter_relief"),
        "year": TODAY.year,
        "starts_on": TODAY - datetime.timedelta(days=30),
        "ends_on": TODAY + datetime.timedelta(days=30),
        "budget": 500000,
        "standards": {"deep": 2000, "relative": 1000, "accident": 1500, "none": 500},
        "participants": extra.pop("participants", []),
        "description": "",
    }
    data.update(extra)
    with actor(user):
        return services_assistance.campaign_create(user=user, data=data)


def give(user, campaign, org, serial: int = 1, **extra):
    data = {
        "org": org,
        "name": extra.pop("name", "王建国"),
        "id_number": id_no(serial, extra.pop("area", "320412")),
        "given_on": TODAY,
    }
    data.update(extra)
    with actor(user):
        return services_assistance.assistance_create(user=user, campaign=campaign, data=data)
