"""Demo 职工互助保障: the city's three plans for this year (住院医疗, 重大疾病, 女职工特殊疾病), enrolments of
the demo unions' active members, each union's premium payment, and claims in every state — some waiting for
review, a few past their review or payment deadline, approved, rejected with reasons, paid.

Deterministic (seeded) and quick: bulk inserts, one statement per table and batch. Runs once: nothing happens
when the demo city already has a demo plan.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.members.models import Gender, Member, MemberStatus
from gonghui.orgs.models import Organization
from gonghui.programmes.models.mutualaid import (
    ClaimSource,
    ClaimState,
    MutualAidClaim,
    MutualAidEnrolment,
    MutualAidPayment,
    MutualAidPlan,
    PlanKind,
)

CITY_CODE = "GH320400"
CENT = Decimal("0.01")

#: (kind, name, premium, share of the eligible members enrolled, rules)
PLANS = (
    (
        PlanKind.INPATIENT,
        "职工住院医疗互助保障",
        Decimal(30),
        0.55,
        {
            "waiting_days": 90,
            "deductible": Decimal(500),
            "reimbursement_ratio": Decimal("0.5"),
            "per_claim_cap": Decimal(5000),
            "per_person_cap": Decimal(10000),
            "description": "住院医疗费用经基本医保报销后，个人负担部分超过 500 元的按 50% 给付。",
        },
    ),
    (
        PlanKind.CRITICAL_ILLNESS,
        "职工重大疾病互助保障",
        Decimal(20),
        0.35,
        {
            "waiting_days": 180,
            "fixed_amount": Decimal(10000),
            "covered_diseases": ["恶性肿瘤", "急性心肌梗塞", "脑中风后遗症", "重大器官移植术", "终末期肾病"],
            "per_claim_cap": Decimal(10000),
            "per_person_cap": Decimal(10000),
            "description": "确诊所列重大疾病一次性给付 1 万元。",
        },
    ),
    (
        PlanKind.WOMEN_SPECIAL,
        "女职工特殊疾病互助保障",
        Decimal(10),
        0.45,
        {
            "waiting_days": 180,
            "fixed_amount": Decimal(5000),
            "covered_diseases": ["乳腺癌", "宫颈癌", "卵巢癌", "子宫内膜癌"],
            "per_claim_cap": Decimal(5000),
            "per_person_cap": Decimal(5000),
            "women_only": True,
            "description": "女职工确诊所列特殊疾病一次性给付 5000 元。",
        },
    ),
)
HOSPITALS = ("常州市第一人民医院", "常州市第二人民医院", "武进人民医院", "溧阳市人民医院", "金坛区人民医院")
DIAGNOSES = ("急性阑尾炎", "肺炎", "腰椎间盘突出", "胆囊结石", "骨折术后", "冠心病", "高血压", "肾结石")
REJECTIONS = (
    "出险日期在等待期内，不符合本计划给付条件。",
    "所患疾病不在本计划保障病种范围内。",
    "材料不全，经两次通知仍未补交住院费用发票。",
    "同一次住院已在其他计划中重复申请。",
)


@dataclass
class DemoMutualAidResult:
    plans: int = 0
    enrolments: int = 0
    payments: int = 0
    claims: int = 0
    skipped: bool = False


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def load_demo_mutualaid(*, seed: int = 2026, today: datetime.date | None = None) -> DemoMutualAidResult:
    result = DemoMutualAidResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    if city is None or MutualAidPlan.objects.filter(org=city, is_demo=True).exists():
        result.skipped = True
        return result
    today = today or timezone.localdate()
    year = today.year
    rng = random.Random(f"{seed}:mutualaid")
    admin = User.objects.filter(username="city_admin").first()
    people = list(
        Member.objects.filter(org__is_demo=True, org__path__subtree=city.path, status=MemberStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "org_id", "id_number_index", "name", "gender")
    )
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    with transaction.atomic():
        plans = [
            MutualAidPlan(
                org=city,
                name=f"{year}年度{name}",
                kind=kind,
                period_start=start,
                period_end=end,
                premium=premium,
                created_by=admin,
                is_demo=True,
                **rules,
            )
            for kind, name, premium, _share, rules in PLANS
        ]
        for plan in plans:
            plan.full_clean()
        MutualAidPlan.objects.bulk_create(plans)
        result.plans = len(plans)
        enrolments: list[MutualAidEnrolment] = []
        for plan, (_kind, _name, _premium, share, _rules) in zip(plans, PLANS, strict=True):
            for pk, org_id, index, name, gender in people:
                if plan.women_only and gender != Gender.FEMALE:
                    continue
                if rng.random() >= share:
                    continue
                # most unions enrol their whole list in January; some members join the plan later in the year
                cover = start if rng.random() < 0.8 else start + datetime.timedelta(days=rng.randint(10, 200))
                if cover > today:
                    cover = start
                enrolments.append(
                    MutualAidEnrolment(
                        plan=plan,
                        org_id=org_id,
                        member_id=pk,
                        person_index=index,
                        name=name,
                        coverage_start=cover,
                        coverage_end=end,
                        premium=plan.premium,
                        created_by=admin,
                        is_demo=True,
                    )
                )
        MutualAidEnrolment.objects.bulk_create(enrolments, batch_size=2000)
        result.enrolments = len(enrolments)
        result.payments = _payments(plans, enrolments, rng, admin)
        result.claims = _claims(enrolments, rng, today, admin)
    return result


def _payments(plans, enrolments, rng, admin) -> int:
    counts = Counter((e.plan_id, e.org_id) for e in enrolments)
    by_pk = {plan.pk: plan for plan in plans}
    rows = []
    for (plan_id, org_id), headcount in sorted(counts.items()):
        plan = by_pk[plan_id]
        if rng.random() < 0.08:
            continue  # a few unions have not paid yet
        rows.append(
            MutualAidPayment(
                plan=plan,
                org_id=org_id,
                paid_on=plan.period_start + datetime.timedelta(days=rng.randint(10, 45)),
                headcount=headcount,
                amount=plan.premium * headcount,
                reference=f"HD{plan.period_start:%Y}{plan_id:02d}{org_id:06d}",
                remark="年度互助金",
                created_by=admin,
            )
        )
    MutualAidPayment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _amount(plan: MutualAidPlan, eligible: Decimal | None) -> Decimal:
    if plan.pays_ratio:
        above = max(Decimal(0), (eligible or 0) - plan.deductible)
        value = (above * plan.reimbursement_ratio).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        value = plan.fixed_amount
    return min(value, plan.per_claim_cap)


def _claims(enrolments, rng, today, admin) -> int:
    """About one claim per 60 enrolments, in every state; one claim per person and plan, so caps never bind."""
    candidates = [e for e in enrolments if e.coverage_start <= today - datetime.timedelta(days=30)]
    chosen = rng.sample(candidates, min(len(candidates), max(12, len(enrolments) // 60)))
    claims = []
    for number, enrolment in enumerate(chosen):
        plan = enrolment.plan
        latest = today - datetime.timedelta(days=1)
        earliest = max(
            enrolment.coverage_start + datetime.timedelta(days=plan.waiting_days), latest - datetime.timedelta(days=300)
        )
        if earliest > latest:
            earliest = enrolment.coverage_start
        event = earliest + datetime.timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
        submitted_on = min(today, event + datetime.timedelta(days=rng.randint(1, 20)))
        age = (today - submitted_on).days
        roll = rng.random()
        if age <= 20 and roll < 0.6:
            state = ClaimState.SUBMITTED
        elif age <= 25 and roll < 0.8:
            state = ClaimState.APPROVED
        elif roll < 0.15:
            state = ClaimState.REJECTED
        elif age > 10:
            state = ClaimState.PAID
        else:
            state = ClaimState.SUBMITTED
        if number < 3:
            state = ClaimState.SUBMITTED  # always a few waiting, and so at least one of each state below
        elif number < 5:
            state = ClaimState.APPROVED
        elif number < 7:
            state = ClaimState.REJECTED
        eligible = Decimal(rng.randrange(1200, 16000)) if plan.pays_ratio else None
        claim = MutualAidClaim(
            plan=plan,
            enrolment=enrolment,
            org_id=enrolment.org_id,
            source=ClaimSource.PHONE if rng.random() < 0.55 else ClaimSource.AGENT,
            state=state,
            event_date=event,
            admitted_on=event - datetime.timedelta(days=rng.randint(2, 12)) if plan.pays_ratio else None,
            total_expenses=(eligible * Decimal("1.8")).quantize(CENT) if eligible else None,
            eligible_expenses=eligible,
            bank_name=rng.choice(("工商银行", "农业银行", "建设银行", "江南农商银行")),
            submitted_at=_moment(submitted_on, rng.randint(8, 20)),
            review_due=submitted_on + datetime.timedelta(days=plan.review_days),
            consent_at=_moment(submitted_on, 8),
            created_by=admin,
            is_demo=True,
        )
        if plan.pays_ratio:
            claim.set_health(disease="", diagnosis=rng.choice(DIAGNOSES), hospital=rng.choice(HOSPITALS))
        else:
            claim.set_health(
                disease=rng.choice(plan.covered_diseases), diagnosis="病理确诊", hospital=rng.choice(HOSPITALS)
            )
        claim.set_bank_account(f"6222{rng.randrange(10**11, 10**12)}")
        if state != ClaimState.SUBMITTED:
            decided_on = min(today, submitted_on + datetime.timedelta(days=rng.randint(2, plan.review_days + 3)))
            claim.decided_at = _moment(decided_on, 15)
            claim.decided_by = admin
            if state == ClaimState.REJECTED:
                claim.decision_note = rng.choice(REJECTIONS)
            else:
                claim.approved_amount = _amount(plan, eligible) or Decimal(100)
                claim.decision_note = "材料齐全，符合给付条件。"
                claim.pay_due = decided_on + datetime.timedelta(days=plan.payment_days)
                if state == ClaimState.PAID:
                    claim.paid_on = min(
                        today, decided_on + datetime.timedelta(days=rng.randint(1, plan.payment_days + 2))
                    )
                    claim.payment_reference = f"ZF{claim.paid_on:%Y%m%d}{number:05d}"
                    claim.pay_due = None
        claims.append(claim)
    MutualAidClaim.objects.bulk_create(claims, batch_size=1000)
    for claim in claims:
        claim.claim_no = f"HZ{timezone.localtime(claim.submitted_at):%Y}{claim.pk:07d}"
    MutualAidClaim.objects.bulk_update(claims, ["claim_no"], batch_size=1000)
    return len(claims)
