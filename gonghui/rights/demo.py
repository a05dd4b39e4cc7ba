"""Demo rights data for the demo city: hotline cases in every state (one group incident, some overdue),
lawyers with a duty week at the district service centres, legal aid cases, supervision committees with
一函两书, collective contracts (some about to expire) and bargaining instructors.

Cases go through the real services on backdated clocks, so timestamps, deadlines, lights, notes and the
change log are what real use produces. Safe to run any number of times: nothing happens once the city
has demo cases.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.demo import CITY_CODE
from gonghui.orgs.models import Employer, Organization, OrgType
from gonghui.rights import services, services_legal, services_supervision
from gonghui.rights.models import (
    AidKind,
    AidOutcome,
    BargainingInstructor,
    CaseCategory,
    Channel,
    CollectiveContract,
    ContractKind,
    DocumentKind,
    DutySlot,
    Lawyer,
    LawyerKind,
    LegalAidCase,
    LegalSupervisionCommittee,
    Outcome,
    RightsCase,
    Satisfaction,
    Tier,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "志强", "丽娟", "海燕", "伟", "静", "磊", "敏", "军", "芳", "勇")
# (title, channel, category, tier, persons, final step, hours ago received, outcome)
CASES = (
    ("拖欠一线职工两个月工资", Channel.HOTLINE, CaseCategory.WAGES, Tier.GENERAL, 3, "closed", 240, Outcome.MEDIATED),
    ("未签订书面劳动合同", Channel.CALL, CaseCategory.CONTRACT, Tier.SIMPLE, 1, "closed", 200, Outcome.ANSWERED),
    (
        "单位未足额缴纳社会保险",
        Channel.ONLINE,
        CaseCategory.SOCIAL_INSURANCE,
        Tier.GENERAL,
        1,
        "resolved",
        60,
        Outcome.COORDINATED,
    ),
    ("工伤认定期间停发工资", Channel.VISIT, CaseCategory.INJURY, Tier.COMPLEX, 1, "handling", 72, None),
    ("长期加班不支付加班费", Channel.HOTLINE, CaseCategory.HOURS, Tier.GENERAL, 6, "handling", 150, None),
    ("孕期被调岗降薪", Channel.LETTER, CaseCategory.WOMEN, Tier.GENERAL, 1, "dispatched", 1, None),
    ("违法解除劳动合同", Channel.HOTLINE, CaseCategory.DISMISSAL, Tier.COMPLEX, 1, "dispatched", 5, None),
    ("纺织公司 180 余名职工集体讨薪", Channel.VISIT, CaseCategory.WAGES, Tier.COMPLEX, 186, "handling", 20, None),
    ("快递站点克扣派件费", Channel.HOTLINE, CaseCategory.WAGES, Tier.SIMPLE, 4, "registered", 0.3, None),
    ("外卖骑手意外伤害无人理赔", Channel.ONLINE, CaseCategory.INJURY, Tier.GENERAL, 1, "registered", 2, None),
    ("年休假未安排也未补偿", Channel.REFERRAL, CaseCategory.HOURS, Tier.SIMPLE, 2, "closed", 400, Outcome.MEDIATED),
    (
        "企业搬迁未协商安置",
        Channel.HOTLINE,
        CaseCategory.DISMISSAL,
        Tier.COMPLEX,
        35,
        "resolved",
        30,
        Outcome.TO_ARBITRATION,
    ),
)
LAWYERS = (
    ("陈律师", "江苏常武律师事务所", "劳动争议、工伤赔偿", LawyerKind.CONTRACTED),
    ("刘律师", "江苏龙城律师事务所", "劳动合同、社会保险", LawyerKind.VOLUNTEER),
    ("周律师", "江苏天宁律师事务所", "女职工权益、集体协商", LawyerKind.VOLUNTEER),
)


@dataclass
class DemoRightsResult:
    cases: int = 0
    lawyers: int = 0
    slots: int = 0
    aid_cases: int = 0
    committees: int = 0
    contracts: int = 0
    instructors: int = 0
    skipped: bool = False


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"139{rng.randrange(10**8):08d}"


def load_demo_rights(*, seed: int = 2026, now: datetime.datetime | None = None) -> DemoRightsResult:
    result = DemoRightsResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    admin = User.objects.filter(username="city_admin", is_demo=True).first()
    if city is None or admin is None or RightsCase.objects.filter(received_by=city, is_demo=True).exists():
        result.skipped = True
        return result
    rng = random.Random(f"{seed}:rights")
    now = now or timezone.now()
    districts = list(
        Organization.objects.filter(path__startswith=city.path, depth=city.depth + 1, is_demo=True).order_by("path")
    )
    with transaction.atomic():
        _cases(result, rng, now, admin, city, districts)
        _legal(result, rng, now, admin, districts)
        _supervision(result, rng, now, admin, districts)
        RightsCase.objects.filter(received_by=city).update(is_demo=True)
        subtree = {"org__path__startswith": city.path}
        for model in (Lawyer, LegalAidCase, LegalSupervisionCommittee, CollectiveContract, BargainingInstructor):
            model.objects.filter(**subtree).update(is_demo=True)
    return result


def _employer_in(district: Organization) -> Employer | None:
    return Employer.objects.filter(org__path__startswith=district.path, is_demo=True).order_by("pk").first()


def _cases(result, rng, now, admin, city, districts) -> None:
    def at(hours: float) -> datetime.datetime:
        return now - datetime.timedelta(hours=hours)

    for index, (title, channel, category, tier, persons, final, hours, outcome) in enumerate(CASES):
        district = districts[index % len(districts)]
        employer = _employer_in(district)
        anonymous = index == 9
        case = services.case_register(
            user=admin,
            data={
                "channel": channel,
                "category": category,
                "tier": tier,
                "title": title,
                "description": f"{title}。诉求人反映情况属实，请承办单位核实处理。",
                "is_anonymous": anonymous,
                "complainant_name": "" if anonymous else _name(rng),
                "phone": "" if anonymous else _phone(rng),
                "persons_count": persons,
                "employer": employer,
                "received_at": at(hours),
                "received_by": city,
            },
            now=at(hours) + datetime.timedelta(minutes=3),
        )
        result.cases += 1
        if final == "registered":
            continue
        # The 5-hour-old complex case was dispatched late (past 30 minutes) and is past its response limit.
        dispatch_after = 50 if hours == 5 else 12
        services.case_dispatch(
            user=admin, case=case, to_org=district, now=at(hours) + datetime.timedelta(minutes=dispatch_after)
        )
        if final == "dispatched":
            continue
        handler = User.objects.filter(org=district, is_active=True, is_demo=True).first() or admin
        services.case_respond(
            user=admin if handler is admin else handler,
            case=case,
            text="已电话联系诉求人，了解基本情况。",
            now=at(hours) + datetime.timedelta(minutes=70),
        )
        if final == "handling":
            if hours == 150:  # a general case past its 5-day limit: red on the overdue list, urged by the city
                services.case_urge(user=admin, case=case, now=at(2))
            continue
        resolved_at = at(hours) + datetime.timedelta(hours=min(20, hours * 0.8))
        amount = Decimal(rng.randrange(8, 60) * 1000) if category == CaseCategory.WAGES else Decimal(0)
        services.case_resolve(
            user=handler,
            case=case,
            outcome=outcome,
            resolution="经调查核实，已协调用人单位依法处理。",
            amount_recovered=amount,
            now=resolved_at,
        )
        if final == "resolved":
            continue
        services.case_callback(
            user=admin,
            case=case,
            satisfaction=rng.choice([Satisfaction.VERY, Satisfaction.SATISFIED]),
            note="电话回访，诉求人表示问题已解决。",
            now=resolved_at + datetime.timedelta(hours=6),
        )


def _legal(result, rng, now, admin, districts) -> None:
    today = timezone.localdate(now)
    for index, district in enumerate(districts[:3]):
        lawyers = []
        for number, (name, firm, specialties, kind) in enumerate(LAWYERS):
            lawyers.append(
                services_legal.lawyer_create(
                    user=admin,
                    data={
                        "org": district,
                        "name": name if index == 0 else f"{name[0]}{'明华'[number % 2]}律师",
                        "kind": kind,
                        "law_firm": firm,
                        "license_number": f"13204{index}{number:02d}{rng.randrange(10**9):09d}",
                        "specialties": specialties,
                        "phone": _phone(rng),
                    },
                )
            )
            result.lawyers += 1
        for day in range(7):  # a duty week
            date = today + datetime.timedelta(days=day)
            if date.weekday() >= 5:
                continue
            services_legal.duty_slot_create(
                user=admin,
                data={
                    "org": district,
                    "lawyer": lawyers[day % len(lawyers)],
                    "location": f"{district.name}职工服务中心法律服务窗口",
                    "date": date,
                    "start_time": datetime.time(9),
                    "end_time": datetime.time(11, 30),
                    "capacity": 6,
                },
            )
            result.slots += 1
        for number, kind in enumerate(
            (AidKind.CONSULTATION, AidKind.MEDIATION, AidKind.ARBITRATION, AidKind.LITIGATION)
        ):
            accepted = today - datetime.timedelta(days=20 + 15 * number)
            closed = number < 2
            services_legal.legal_aid_create(
                user=admin,
                data={
                    "org": district,
                    "kind": kind,
                    "applicant_name": _name(rng),
                    "persons_count": 1 + number % 2,
                    "employer_name": getattr(_employer_in(district), "name", ""),
                    "summary": "劳动报酬争议，申请工会法律援助。",
                    "lawyer": lawyers[number % len(lawyers)],
                    "accepted_on": accepted,
                    "closed_on": accepted + datetime.timedelta(days=10) if closed else None,
                    "outcome": AidOutcome.MEDIATED if closed else AidOutcome.PENDING,
                    "amount_recovered": Decimal(12000 * number) if closed else Decimal(0),
                    "phone": _phone(rng),
                },
            )
            result.aid_cases += 1
    slot = DutySlot.objects.filter(org__in=districts, is_demo=False).order_by("date", "pk").first()
    if slot is not None:
        services_legal.duty_booking_create(
            slot_id=slot.pk, name=_name(rng), phone=_phone(rng), topic="试用期被辞退能否要求赔偿"
        )
    DutySlot.objects.filter(org__in=districts).update(is_demo=True)


def _supervision(result, rng, now, admin, districts) -> None:
    today = timezone.localdate(now)
    for index, district in enumerate(districts):
        unions = list(
            Organization.objects.filter(
                path__startswith=district.path, org_type=OrgType.GRASSROOTS, is_demo=True
            ).order_by("path")[:3]
        )
        for number, union in enumerate(unions):
            employer = Employer.objects.filter(union=union).first()
            committee = services_supervision.committee_create(
                user=admin,
                data={
                    "org": union,
                    "name": f"{union.name}劳动法律监督委员会",
                    "employer": employer,
                    "established_on": today - datetime.timedelta(days=400 + 90 * number),
                    "chair_name": _name(rng),
                },
                members=[
                    {"name": _name(rng), "position": "主任"},
                    {"name": _name(rng), "position": "副主任"},
                    {"name": _name(rng)},
                ],
            )
            result.committees += 1
            if number == 0:
                services_supervision.document_create(
                    user=admin,
                    committee=committee,
                    data={
                        "kind": [DocumentKind.REMINDER, DocumentKind.OPINION, DocumentKind.PROPOSAL][index % 3],
                        "issued_on": today - datetime.timedelta(days=30),
                        "subject": "高温天气劳动保护",
                        "content": "请依法落实高温津贴和防暑降温措施。",
                        "reply_due": today - datetime.timedelta(days=15),
                        "replied_on": today - datetime.timedelta(days=20),
                        "reply": "已发放高温津贴，调整作业时间。",
                    },
                )
            if employer is None:
                continue
            # Two in every district end within 60 days (the expiry list and reminders have something to show).
            ends = (
                today + datetime.timedelta(days=20 + 25 * number)
                if number < 2
                else today + datetime.timedelta(days=500)
            )
            kind = ContractKind.WAGE if number % 2 else ContractKind.COMPREHENSIVE
            services_supervision.contract_create(
                user=admin,
                data={
                    "org": union,
                    "kind": kind,
                    "title": f"{employer.name}{'工资专项' if number % 2 else ''}集体合同",
                    "employers": [employer],
                    "signed_on": ends - datetime.timedelta(days=3 * 365 - 5),
                    "starts_on": ends - datetime.timedelta(days=3 * 365 - 5),
                    "ends_on": ends,
                    "workers_covered": max(employer.staff_count, 1),
                    "wage_increase": Decimal("4.5") if number % 2 else None,
                    "filed_on": ends - datetime.timedelta(days=3 * 365 - 20),
                },
            )
            result.contracts += 1
        services_supervision.instructor_create(
            user=admin,
            data={
                "org": district,
                "name": _name(rng),
                "background": "劳动关系协调师",
                "appointed_on": today - datetime.timedelta(days=300),
                "assigned_units": unions,
                "phone": _phone(rng),
            },
        )
        result.instructors += 1
