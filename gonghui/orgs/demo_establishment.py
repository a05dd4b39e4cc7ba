"""Demo 建会 cases (one in every state, one overdue, a joint union of small shops) and 换届 records for the
demo city's 武进区, filed through the real services as the demo county administrator. Dates are counted back
from today so the overdue list and the reminders have something to show. Safe to run again: a second run
finds the demo cases and does nothing."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs import services_establishment as services
from gonghui.orgs.models import Employer, Organization, OrgStatus, OrgType, Ownership
from gonghui.orgs.models_establishment import (
    CommitteeMember,
    EstablishmentCase,
    EstablishmentState,
    LeadSource,
    ReElection,
)
from gonghui.utilities.validators import uscc_check_char

COUNTY_CODE = "GH320412"
LEAD_TOWN_CODE = "GH320412-01"  # the members demo's join-cluster town: its leads stay leads
CHAIRS = ("王建华", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽")
COMMITTEE = "周敏、吴刚、郑芳、孙涛、马丽"


@dataclass
class DemoEstablishmentResult:
    cases: int = 0
    established: int = 0
    reelections: int = 0
    skipped: bool = False


FIRMS = ("精密机械", "新材料", "电子科技", "智能装备", "纺织", "食品", "物流", "医疗器械", "环保科技", "汽车零部件")
SHOPS = ("便利店", "面馆", "理发店", "花店", "烘焙坊", "五金店")


def _employer(rng, town: Organization, serial: int, staff: int, *, shop: bool = False) -> Employer:
    """A demo employer without a union; its credit code uses the reserved organisation code JH……."""
    body = f"92{town.region_code}JH{serial:07d}" if shop else f"91{town.region_code}JH{serial:07d}"
    uscc = body + uscc_check_char(body)
    existing = Employer.objects.filter(uscc=uscc).first()
    if existing is not None:
        return existing
    place = town.name.removesuffix("工会").removesuffix("镇").removesuffix("街道")
    if shop:
        name = f"{place}{rng.choice(('惠民', '福来', '佳佳', '顺心'))}{SHOPS[serial % len(SHOPS)]}"
    else:
        brand = rng.choice(("恒达", "瑞丰", "华信", "正和", "远航", "金诚"))
        name = f"常州{place}{brand}{FIRMS[serial % len(FIRMS)]}有限公司"
    return Employer.objects.create(
        name=name,
        uscc=uscc,
        ownership=Ownership.PRIVATE,
        industry="F" if shop else "C",
        staff_count=staff,
        women_count=staff * 2 // 5,
        region_code=town.region_code,
        org=town,
        is_demo=True,
    )


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _advance(admin, case, days_ago: int, **data) -> EstablishmentCase:
    return services.establishment_advance(
        user=admin, case=case, acted_on=_day(days_ago), note=data.pop("note", ""), data=data
    )


def load_demo_establishment(*, seed: int = 2026) -> DemoEstablishmentResult:
    result = DemoEstablishmentResult()
    county = Organization.objects.filter(code=COUNTY_CODE, is_demo=True).first()
    admin = User.objects.filter(username="wujin_admin", is_demo=True).first()
    if county is None or admin is None or EstablishmentCase.objects.filter(is_demo=True).exists():
        result.skipped = True
        return result
    towns = list(
        Organization.objects.filter(
            path__startswith=county.path, org_type__in=(OrgType.TOWN, OrgType.PARK), is_demo=True
        )
        .exclude(code=LEAD_TOWN_CODE)
        .order_by("path")
    )
    if not towns:
        result.skipped = True
        return result
    rng = random.Random(f"{seed}:establishment")
    with transaction.atomic():
        applicants = [_employer(rng, towns[i % len(towns)], i, rng.randint(30, 600)) for i in range(8)]
        small = [_employer(rng, towns[0], 10 + i, rng.randint(6, 20), shop=True) for i in range(3)]
        for i in range(4):  # leads nobody has taken up yet: two of ≥100 staff, two of 25–99
            _employer(rng, towns[(i + 1) % len(towns)], 20 + i, rng.randint(100, 400) if i < 2 else rng.randint(25, 99))
        big, rejected = applicants[:7], applicants[7]
        plans = [
            # (days ago applied, final state)
            (40, EstablishmentState.APPLIED),  # overdue: the county has not answered in 15 days
            (5, EstablishmentState.APPLIED),
            (50, EstablishmentState.PREPARING),
            (70, EstablishmentState.ASSEMBLED),
            (90, EstablishmentState.ELECTED),
            (120, EstablishmentState.ESTABLISHED),
            (30, EstablishmentState.RETURNED),
        ]
        for index, ((days, state), employer) in enumerate(zip(plans, big, strict=True)):
            parent = Organization.objects.get(pk=employer.org_id)
            case = services.establishment_create(
                user=admin,
                parent=parent,
                employers=[employer],
                data={
                    "union_name": f"{employer.name}工会委员会",
                    "union_type": "grassroots",
                    "union_code": f"{parent.code}-J{index + 1:02d}",
                    "lead_source": LeadSource.SIZE_BAND if index % 2 else LeadSource.MANUAL,
                    "applicant_name": CHAIRS[index],
                    "applied_on": _day(days),
                    "remark": f"{employer.name}职工 {employer.staff_count} 人，申请组建工会。",
                },
            )
            _run(admin, case, days, state, chair=CHAIRS[(index + 3) % len(CHAIRS)], members=employer.staff_count)
            result.cases += 1
        if small:
            case = services.establishment_create(
                user=admin,
                parent=towns[0],
                employers=small,
                data={
                    "union_name": f"{towns[0].name.removesuffix('工会')}小微企业联合工会委员会",
                    "union_type": "joint",
                    "union_code": f"{towns[0].code}-L01",
                    "lead_source": LeadSource.MANUAL,
                    "applicant_name": "钱志刚",
                    "applied_on": _day(25),
                    "remark": "辖区三家小微企业共同组建联合基层工会。",
                },
            )
            _advance(admin, case, 20, note="同意筹建联合工会")
            result.cases += 1
        if rejected is not None:
            case = services.establishment_create(
                user=admin,
                parent=Organization.objects.get(pk=rejected.org_id),
                employers=[rejected],
                data={
                    "union_name": f"{rejected.name}工会委员会",
                    "union_code": f"{COUNTY_CODE}-R01",
                    "applicant_name": "孙丽",
                    "applied_on": _day(60),
                },
            )
            services.establishment_reject(
                user=admin, case=case, acted_on=_day(50), reason="经核实该单位已停业，待恢复经营后重新申请。"
            )
            result.cases += 1
        result.established = EstablishmentCase.objects.filter(state=EstablishmentState.ESTABLISHED).count()
        _reelections(admin, county, result)
        created = EstablishmentCase.objects.filter(org__path__startswith=county.path)
        created.update(is_demo=True)
        Employer.objects.filter(establishment_cases__in=created).update(is_demo=True)
        Organization.objects.filter(establishment_case__in=created).update(is_demo=True)
        ReElection.objects.filter(org__path__startswith=county.path).update(is_demo=True)
    return result


def _run(admin, case, days: int, state: str, *, chair: str, members: int) -> None:
    if state == EstablishmentState.APPLIED:
        return
    if state == EstablishmentState.RETURNED:
        services.establishment_return(
            user=admin, case=case, acted_on=_day(days - 10), reason="职工名册缺少身份证号，请补全后重新提交。"
        )
        return
    case = _advance(admin, case, days - 10, note="同意筹建，请按期召开会员大会")
    if state == EstablishmentState.PREPARING:
        return
    case = _advance(admin, case, days - 40, member_count=max(1, members * 4 // 5))
    if state == EstablishmentState.ASSEMBLED:
        return
    case = _advance(admin, case, days - 45, chair_name=chair, vice_chairs="孙涛", committee=COMMITTEE)
    if state == EstablishmentState.ELECTED:
        return
    _advance(admin, case, days - 60, note="同意成立")


def _reelections(admin, county, result) -> None:
    """A planned re-election for the most overdue union, one with results waiting for approval, one approved."""
    today = timezone.localdate()
    overdue = list(
        Organization.objects.filter(
            path__startswith=county.path,
            org_type=OrgType.GRASSROOTS,
            status=OrgStatus.ACTIVE,
            term_end__lt=today,
            is_demo=True,
        ).order_by("term_end", "path")[:3]
    )
    if len(overdue) < 3:
        return
    planned, held, approved = overdue
    services.reelection_create(
        user=admin,
        org=planned,
        data={"planned_on": today + datetime.timedelta(days=20), "remark": "拟于下月召开会员大会"},
    )
    item = services.reelection_create(user=admin, org=held, data={"planned_on": today - datetime.timedelta(days=10)})
    services.reelection_record_results(
        user=admin,
        re_election=item,
        data={"election_on": today - datetime.timedelta(days=7), "chair_name": "冯国强", "committee": COMMITTEE},
    )
    CommitteeMember.objects.create(org=approved, created_by=admin, name=approved.chair_name or "原主席", role="chair")
    item = services.reelection_create(
        user=admin, org=approved, data={"planned_on": today - datetime.timedelta(days=40)}
    )
    services.reelection_record_results(
        user=admin,
        re_election=item,
        data={"election_on": today - datetime.timedelta(days=30), "chair_name": "褚明", "vice_chairs": "卫红"},
    )
    services.reelection_approve(user=admin, re_election=item, approved_on=today - datetime.timedelta(days=20))
    result.reelections = 3
