"""The plan's rules as the review computes them, and the decisions they allow (services, no HTTP)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gonghui.programmes import services_mutualaid as services
from gonghui.programmes.models import ClaimState, MutualAidClaim, MutualAidEnrolment
from tests.programmes.mutualaid_helpers import (
    EVENT,
    PERIOD_START,
    TODAY,
    agent_claim,
    critical_plan,
    enrol,
    make_plan,
    member,
    plan_data,
)

pytestmark = pytest.mark.django_db


def checks(result) -> dict[str, bool]:
    return {check.code: check.ok for check in result.checks}


def test_ratio_plan_pays_half_above_the_deductible(world):
    plan = make_plan(world.city_admin, world.city)
    person = member(world)
    enrol(world.wujin_admin, plan, world.wujin_union, person)
    claim = agent_claim(world.wujin_admin, plan, person)
    result = services.assess(claim)
    assert result.eligible, result.failures
    assert result.computed == Decimal("2000.00")  # (4500 − 500) × 50 %
    assert result.suggested == Decimal("2000.00") and result.max_payable == Decimal("5000")


def test_caps_per_claim_and_per_person(world):
    plan = make_plan(world.city_admin, world.city)
    person = member(world)
    enrol(world.wujin_admin, plan, world.wujin_union, person)
    first = agent_claim(
        world.wujin_admin, plan, person, eligible_expenses=Decimal("20500"), total_expenses=Decimal("30000")
    )
    result = services.assess(first)
    assert result.computed == Decimal("10000.00") and result.suggested == Decimal("5000")  # per-claim cap
    with pytest.raises(ValidationError, match="超过本次最多可给付"):
        services.claim_approve(user=world.city_admin, claim=first, amount=Decimal("5000.01"))
    services.claim_approve(user=world.city_admin, claim=first, amount=Decimal("5000"))
    second = agent_claim(
        world.wujin_admin, plan, person, eligible_expenses=Decimal("20500"), total_expenses=Decimal("30000")
    )
    result = services.assess(second)
    assert result.used_before == Decimal("5000") and result.max_payable == Decimal("3000")  # 8000 − 5000 left
    assert result.suggested == Decimal("3000")


def test_waiting_period_coverage_and_filing_window(world):
    plan = make_plan(world.city_admin, world.city, waiting_days=30)
    person = member(world)
    start = TODAY - datetime.timedelta(days=20)
    enrol(world.wujin_admin, plan, world.wujin_union, person, start=start)
    claim = agent_claim(world.wujin_admin, plan, person, admitted_on=start + datetime.timedelta(days=3))
    result = services.assess(claim)
    assert checks(result)["waiting"] is False and result.suggested == 0
    with pytest.raises(ValidationError, match="规则核对未通过"):
        services.claim_approve(user=world.city_admin, claim=claim, amount=Decimal("100"))
    before = agent_claim(
        world.wujin_admin, plan, person, event_date=start - datetime.timedelta(days=2), admitted_on=None
    )
    assert checks(services.assess(before))["coverage"] is False
    late_plan = make_plan(world.city_admin, world.city, name="时限短的计划", waiting_days=0, claim_window_days=5)
    other = member(world, serial=3, name="李强", phone="13912340003")
    enrol(world.wujin_admin, late_plan, world.wujin_union, other, start=PERIOD_START)
    late = agent_claim(world.wujin_admin, late_plan, other)  # event 10 days ago, window 5 days
    assert checks(services.assess(late)) == {
        "enrolled": True,
        "coverage": True,
        "waiting": True,
        "window": False,
        "deductible": True,
        "caps": True,
    }


def test_fixed_plan_pays_listed_diseases_only(world):
    plan = critical_plan(world.city_admin, world.city)
    person = member(world)
    enrol(world.wujin_admin, plan, world.wujin_union, person)
    listed = agent_claim(world.wujin_admin, plan, person, disease="恶性肿瘤", eligible_expenses=None)
    result = services.assess(listed)
    assert result.eligible and result.suggested == Decimal("10000")
    unlisted = agent_claim(world.wujin_admin, plan, person, disease="糖尿病", eligible_expenses=None)
    assert checks(services.assess(unlisted))["disease"] is False


def test_women_only_plan(world):
    plan = critical_plan(
        world.city_admin,
        world.city,
        name="女职工特殊疾病互助保障",
        kind="women_special",
        covered_diseases=["乳腺癌", "宫颈癌"],
    )
    assert plan.women_only
    man = member(world, serial=1, name="张伟")
    woman = member(world, serial=2, name="王芳", phone="13912340002")
    for person in (man, woman):
        enrol(world.wujin_admin, plan, world.wujin_union, person)
    assert checks(services.assess(agent_claim(world.wujin_admin, plan, man, disease="乳腺癌")))["women_only"] is False
    assert services.assess(agent_claim(world.wujin_admin, plan, woman, disease="乳腺癌")).eligible


def test_plan_rules_are_validated(world):
    with pytest.raises(ValidationError) as error:
        make_plan(world.city_admin, world.city, reimbursement_ratio=None)
    assert "给付比例" in str(error.value)
    with pytest.raises(ValidationError) as error:
        critical_plan(world.city_admin, world.city, covered_diseases=[])
    assert "保障病种" in str(error.value)
    with pytest.raises(ValidationError, match="不能低于单次给付上限"):
        make_plan(world.city_admin, world.city, per_person_cap=Decimal("100"))
    with pytest.raises(ValidationError, match="晚于开始日期"):
        make_plan(world.city_admin, world.city, period_end=PERIOD_START)


def test_reject_needs_a_reason_and_pay_needs_approval(world):
    plan = make_plan(world.city_admin, world.city)
    person = member(world)
    enrol(world.wujin_admin, plan, world.wujin_union, person)
    claim = agent_claim(world.wujin_admin, plan, person)
    with pytest.raises(ValidationError, match="写明不予赔付的原因"):
        services.claim_reject(user=world.city_admin, claim=claim, reason=" ")
    with pytest.raises(ValidationError, match="只有已核准的申请"):
        services.claim_pay(user=world.city_admin, claim=claim, paid_on=TODAY, reference="X1")
    services.claim_approve(user=world.city_admin, claim=claim, amount=Decimal("2000"))
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPROVED and claim.pay_due == TODAY + datetime.timedelta(days=10)
    assert claim.assessment["suggested"] == "2000.00"
    with pytest.raises(ValidationError) as error:
        services.claim_pay(user=world.city_admin, claim=claim, paid_on=TODAY + datetime.timedelta(days=1), reference="")
    assert "凭证号" in str(error.value) and "晚于今天" in str(error.value)
    services.claim_pay(user=world.city_admin, claim=claim, paid_on=TODAY, reference="ZZ20260001")
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAID and claim.days_to_payment == 0 and claim.current_due is None
    with pytest.raises(ValidationError, match="不能驳回"):
        services.claim_reject(user=world.city_admin, claim=claim, reason="重复申请")


def test_claim_database_constraints(world):
    plan = make_plan(world.city_admin, world.city)
    person = member(world)
    enrol(world.wujin_admin, plan, world.wujin_union, person)
    claim = agent_claim(world.wujin_admin, plan, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        MutualAidClaim.objects.filter(pk=claim.pk).update(state="paid")  # paid without date and amount
    with pytest.raises(IntegrityError), transaction.atomic():
        MutualAidClaim.objects.filter(pk=claim.pk).update(state="rejected", decision_note="")


def test_health_and_bank_account_are_encrypted(world):
    plan = make_plan(world.city_admin, world.city)
    person = member(world)
    enrol(world.wujin_admin, plan, world.wujin_union, person)
    claim = agent_claim(world.wujin_admin, plan, person)
    raw = MutualAidClaim.objects.values("health_cipher", "bank_account_cipher", "bank_account_masked").get()
    assert "阑尾炎" not in raw["health_cipher"] and "6222020304050607" not in raw["bank_account_cipher"]
    assert raw["bank_account_masked"] == "6222****0607"
    assert claim.reveal_health()["diagnosis"] == "急性阑尾炎"
    from gonghui.core.models import ChangeLog

    logged = " ".join(str(row.after) for row in ChangeLog.objects.filter(object_repr=claim.claim_no))
    assert "6222020304050607" not in logged and raw["health_cipher"] not in logged


def test_claim_needs_documents_and_active_enrolment(world):
    plan = make_plan(world.city_admin, world.city)
    person = member(world)
    enrolment = enrol(world.wujin_admin, plan, world.wujin_union, person)
    with pytest.raises(ValidationError, match="请上传理赔材料"):
        services.claim_create_agent(
            user=world.wujin_admin,
            plan=plan,
            id_number=person.reveal_id_number(),
            data=plan_data(world.city),
            documents=[],
        )
    services.enrolment_cancel(user=world.wujin_admin, enrolment=enrolment, reason="调离本市")
    assert MutualAidEnrolment.objects.get().status == "cancelled"
    with pytest.raises(ValidationError, match="有效参保记录"):
        agent_claim(world.wujin_admin, plan, person)
    assert EVENT < TODAY
