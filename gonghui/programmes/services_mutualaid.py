"""Writers for 职工互助保障: plans, enrolments (one by one or from a spreadsheet), premium payments, claims
(from the phone or the union's agent) and their review — the rule checks (``assess``) and the decisions.

Every writer is atomic, validates with ``full_clean`` and re-reads through ``restrict`` after writing.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.members.models import Gender, Member, MemberStatus, id_number_index, phone_index
from gonghui.orgs.models import Organization
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.mutualaid import (
    FIXED_KINDS,
    ClaimSource,
    ClaimState,
    EnrolmentStatus,
    MutualAidClaim,
    MutualAidClaimDocument,
    MutualAidEnrolment,
    MutualAidPayment,
    MutualAidPlan,
    PlanStatus,
)
from gonghui.programmes.selectors_mutualaid import plans_for
from gonghui.utilities.idnumber import parse_id_number
from gonghui.utilities.importing import CellError, Column, ImportReport, run_import

PLAN_FIELDS = (
    "name",
    "kind",
    "status",
    "period_start",
    "period_end",
    "premium",
    "waiting_days",
    "claim_window_days",
    "deductible",
    "reimbursement_ratio",
    "fixed_amount",
    "covered_diseases",
    "per_claim_cap",
    "per_person_cap",
    "women_only",
    "review_days",
    "payment_days",
    "description",
)
PAYMENT_FIELDS = ("paid_on", "headcount", "amount", "reference", "remark")
CLAIM_FIELDS = ("event_date", "admitted_on", "total_expenses", "eligible_expenses", "claimed_amount", "bank_name")
MAX_DOCUMENTS = 12
CENT = Decimal("0.01")


# --- plans --------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, user, data: dict) -> MutualAidPlan:
    plan = MutualAidPlan(created_by=user)
    plan.org = owning_union(user, data.get("org"), "互助保障计划")
    assign_fields(plan, PLAN_FIELDS, data, strip=True)
    plan.full_clean()
    plan.save()
    ensure_in_scope(user, plan, "add")
    return plan


@transaction.atomic
def plan_update(*, user, plan: MutualAidPlan, data: dict) -> MutualAidPlan:
    plan = fetch_for_update(MutualAidPlan, user, "change", plan.pk)
    plan.snapshot()
    if "org" in data and data["org"] != plan.org:
        if plan.enrolments.exists():
            raise ValidationError({"org": "计划已有参保记录，不能更换举办单位。"})
        plan.org = owning_union(user, data["org"], "互助保障计划")
    before = (plan.period_start, plan.period_end)
    assign_fields(plan, PLAN_FIELDS, data, strip=True)
    plan.full_clean()
    if (plan.period_start, plan.period_end) != before and plan.enrolments.exists():
        outside = plan.enrolments.exclude(coverage_start__gte=plan.period_start, coverage_end__lte=plan.period_end)
        if outside.exists():
            raise ValidationError({"period_start": "已有参保记录的保障日期超出新的保障期，请先调整或退保这些记录。"})
    plan.save()
    ensure_in_scope(user, plan, "change")
    return plan


@transaction.atomic
def plan_delete(*, user, plan: MutualAidPlan) -> None:
    plan = fetch_for_update(MutualAidPlan, user, "delete", plan.pk)
    if plan.enrolments.exists() or plan.payments.exists():
        raise ValidationError("该计划已有参保或缴费记录，不能删除；不再开办的计划请把状态改为“已结束”。")
    plan.delete()


# --- enrolments ---------------------------------------------------------------------------------------


def _offered_for_update(user, plan: MutualAidPlan) -> MutualAidPlan:
    """The plan as the user may read it (their scope or a federation above), locked for the write."""
    locked = plans_for(user).select_for_update(of=("self",)).filter(pk=plan.pk).first()
    if locked is None:
        raise PermissionDenied("计划不存在或不在您的数据权限范围内。")
    return locked


def _enrolling_union(user, plan: MutualAidPlan, org: Organization | None) -> Organization:
    union = owning_union(user, org, "参保")
    if not union.path.startswith(plan.org.path):
        raise ValidationError({"org": f"「{union}」不在计划举办单位「{plan.org}」的范围内，不能参加该计划。"})
    return union


def _coverage(plan: MutualAidPlan, start: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    start = start or max(plan.period_start, min(timezone.localdate(), plan.period_end))
    if not plan.period_start <= start <= plan.period_end:
        raise ValidationError({"coverage_start": f"保障开始日期应在保障期（{plan.period_label}）内。"})
    return start, plan.period_end


def person_index(id_number: str) -> str:
    """The blind index of a typed ID number, after checking it (GB 11643) so a typo gets its own message."""
    try:
        return id_number_index(parse_id_number(id_number).number)
    except ValidationError as error:
        raise ValidationError({"id_number": f"身份证号码有误：{error.messages[0]}"}) from None


def member_problem(member: Member | None, union: Organization) -> str:
    """Why this person cannot be enrolled by ``union`` ("" when they can)."""
    if member is None:
        return f"该身份证号码在「{union}」及其下级工会的会员库中不存在，只有在会会员可以参保；请先办理入会。"
    if member.status != MemberStatus.ACTIVE:
        return f"{member.name}的会籍状态为“{member.get_status_display()}”，只有在会会员可以参保。"
    return ""


def _find_member(union: Organization, index: str) -> Member | None:
    """The person's row in the union's subtree, the active one first."""
    rows = Member.objects.filter(id_number_index=index, org__path__subtree=union.path).order_by("-pk")
    return min(rows, key=lambda m: m.status != MemberStatus.ACTIVE, default=None)


@transaction.atomic
def enrolment_create(
    *, user, plan: MutualAidPlan, org: Organization, id_number: str, coverage_start: datetime.date | None = None
) -> MutualAidEnrolment:
    plan = _offered_for_update(user, plan)
    if plan.status != PlanStatus.OPEN:
        raise ValidationError(f"计划「{plan}」当前状态为“{plan.get_status_display()}”，不接受参保。")
    union = _enrolling_union(user, plan, org)
    index = person_index(id_number)
    member = _find_member(union, index)
    problem = member_problem(member, union)
    if problem:
        raise ValidationError({"id_number": problem})
    start, end = _coverage(plan, coverage_start)
    if MutualAidEnrolment.objects.filter(plan=plan, person_index=index, status=EnrolmentStatus.ACTIVE).exists():
        raise ValidationError({"id_number": f"{member.name}已参加本期计划，不能重复参保。"})
    enrolment = MutualAidEnrolment(
        plan=plan,
        org=union,
        member=member,
        person_index=index,
        name=member.name,
        coverage_start=start,
        coverage_end=end,
        premium=plan.premium,
        created_by=user,
    )
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise ValidationError({"id_number": f"{member.name}已参加本期计划，不能重复参保。"}) from None
    ensure_in_scope(user, enrolment, "add")
    return enrolment


@transaction.atomic
def enrolment_cancel(*, user, enrolment: MutualAidEnrolment, reason: str, on: datetime.date | None = None) -> None:
    enrolment = fetch_for_update(MutualAidEnrolment, user, "change", enrolment.pk)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise ValidationError("该参保记录已退保。")
    if not (reason or "").strip():
        raise ValidationError({"cancel_reason": "请填写退保原因。"})
    if enrolment.claims.filter(state__in=(ClaimState.SUBMITTED, ClaimState.APPROVED)).exists():
        raise ValidationError("该职工还有未办结的理赔申请，办结后才能退保。")
    on = on or timezone.localdate()
    enrolment.snapshot()
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.cancelled_on = on
    enrolment.cancel_reason = reason.strip()
    enrolment.coverage_end = max(enrolment.coverage_start, min(on, enrolment.coverage_end))
    enrolment.full_clean(validate_constraints=False)
    enrolment.save()
    ensure_in_scope(user, enrolment, "change")


def _parse_id(value: str) -> str:
    try:
        return parse_id_number(value).number
    except ValidationError as error:
        raise CellError(None, error.messages[0], error.code or "id_invalid") from None


IMPORT_COLUMNS = [
    Column("name", "姓名", required=True, kind="name", example="张三"),
    Column(
        "id_number",
        "身份证号码",
        synonyms=("公民身份号码", "证件号码", "身份证号", "身份证"),
        required=True,
        kind="id_number",
        parse=_parse_id,
        width=22,
        example="320412199005170012",
    ),
    Column(
        "coverage_start",
        "保障开始日期",
        synonyms=("参保日期", "生效日期"),
        kind="date",
        note="不填则从保障期开始日（或今天，如已过开始日）起保障",
        example="2026-01-01",
    ),
]
IMPORT_NOTES = (
    "每行一名职工；只有本工会及下级工会的在会会员可以参保，同一职工在同一期计划中只能参保一次。",
    "身份证号码请设置为文本格式，避免被 Excel 改成科学计数法。",
)


def enrolment_import(
    *, user, plan: MutualAidPlan, org: Organization, file: Any, filename: str | None = None
) -> ImportReport:
    """参保名单导入: every valid row enrolled, every other row rejected with its reason (valid-only mode)."""
    plan = plans_for(user).filter(pk=plan.pk).first()
    if plan is None:
        raise PermissionDenied("计划不存在或不在您的数据权限范围内。")
    if not can(user, MutualAidEnrolment, "add"):
        raise PermissionDenied("您没有登记参保的权限。")
    if plan.status != PlanStatus.OPEN:
        raise ValidationError(f"计划「{plan}」当前状态为“{plan.get_status_display()}”，不接受参保。")
    union = _enrolling_union(user, plan, org)

    def apply_batch(rows) -> list:
        indexes = {id_number_index(row.values["id_number"]) for row in rows}
        members: dict[str, list[Member]] = {}
        for member in Member.objects.filter(id_number_index__in=indexes, org__path__subtree=union.path):
            members.setdefault(member.id_number_index, []).append(member)
        taken = set(
            MutualAidEnrolment.objects.filter(
                plan=plan, person_index__in=indexes, status=EnrolmentStatus.ACTIVE
            ).values_list("person_index", flat=True)
        )
        outcomes: list = []
        new: list[MutualAidEnrolment] = []
        for row in rows:
            values = row.values
            index = id_number_index(values["id_number"])
            candidates = sorted(members.get(index, []), key=lambda m: m.status != MemberStatus.ACTIVE)
            member = candidates[0] if candidates else None
            problem = member_problem(member, union)
            if problem:
                outcomes.append(CellError("身份证号码", problem, "not_member"))
                continue
            if member.name != values["name"]:
                outcomes.append(
                    CellError("姓名", f"姓名与会员库不一致（会员库中为“{member.name}”），请核对。", "name_mismatch")
                )
                continue
            if index in taken:
                outcomes.append(CellError("身份证号码", f"{member.name}已参加本期计划，不能重复参保。", "enrolled"))
                continue
            try:
                start, end = _coverage(plan, values.get("coverage_start"))
            except ValidationError as error:
                outcomes.append(CellError("保障开始日期", error.messages[0], "coverage"))
                continue
            taken.add(index)
            new.append(
                MutualAidEnrolment(
                    plan=plan,
                    org=union,
                    member=member,
                    person_index=index,
                    name=member.name,
                    coverage_start=start,
                    coverage_end=end,
                    premium=plan.premium,
                    created_by=user,
                )
            )
            outcomes.append("imported")
        with transaction.atomic():
            created = MutualAidEnrolment.objects.bulk_create(new)
            if created and created[0].pk is not None:  # check after write (both databases return the ids)
                mine = MutualAidEnrolment.objects.restrict(user, "add").filter(pk__in=[e.pk for e in created])
                if mine.count() != len(created):
                    raise PermissionDenied("保存后的数据超出了您的数据权限范围，操作已撤销。")
        return outcomes

    return run_import(
        file,
        IMPORT_COLUMNS,
        apply_batch=apply_batch,
        filename=filename,
        duplicate_key=lambda values: values["id_number"],
        duplicate_column="身份证号码",
        batch_size=1000,
        keep_rows="problems",
    )


# --- payments -----------------------------------------------------------------------------------------


@transaction.atomic
def payment_create(*, user, plan: MutualAidPlan, data: dict) -> MutualAidPayment:
    plan = _offered_for_update(user, plan)
    union = _enrolling_union(user, plan, data.get("org"))
    payment = MutualAidPayment(plan=plan, org=union, created_by=user)
    assign_fields(payment, PAYMENT_FIELDS, data, strip=True)
    payment.full_clean()
    payment.save()
    ensure_in_scope(user, payment, "add")
    return payment


@transaction.atomic
def payment_delete(*, user, payment: MutualAidPayment) -> None:
    payment = fetch_for_update(MutualAidPayment, user, "delete", payment.pk)
    payment.delete()


# --- the rules ----------------------------------------------------------------------------------------


@dataclass
class Check:
    code: str
    label: str
    ok: bool
    detail: str


@dataclass
class Assessment:
    checks: list[Check] = field(default_factory=list)
    computed: Decimal = Decimal(0)  # what the benefit rule gives before the caps
    max_payable: Decimal = Decimal(0)  # after the per-claim cap and what is left of the per-person cap
    suggested: Decimal = Decimal(0)
    used_before: Decimal = Decimal(0)

    @property
    def eligible(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def as_json(self) -> dict:
        return {
            "checks": [asdict(check) for check in self.checks],
            "computed": str(self.computed),
            "max_payable": str(self.max_payable),
            "suggested": str(self.suggested),
            "used_before": str(self.used_before),
        }


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(CENT):,} 元"


def assess(claim: MutualAidClaim, *, disease: str | None = None) -> Assessment:
    """The plan's rules applied to the claim: each check with its reason, and the amount they allow."""
    plan, enrolment = claim.plan, claim.enrolment
    member = enrolment.member
    result = Assessment()
    checks = result.checks
    checks.append(
        Check(
            "enrolled",
            "参保有效",
            enrolment.status == EnrolmentStatus.ACTIVE,
            f"{enrolment.name}已参加{plan}，保障期 {enrolment.coverage_start} 至 {enrolment.coverage_end}"
            if enrolment.status == EnrolmentStatus.ACTIVE
            else f"参保记录已于 {enrolment.cancelled_on} 退保",
        )
    )
    if plan.women_only:
        is_woman = member.gender == Gender.FEMALE
        checks.append(Check("women_only", "保障对象", is_woman, "女职工" if is_woman else "本计划仅保障女职工"))
    event = claim.event_date
    within = enrolment.coverage_start <= event <= enrolment.coverage_end
    checks.append(
        Check(
            "coverage",
            "在保障期内",
            within,
            f"出险日期 {event} {'在' if within else '不在'}保障期 {enrolment.coverage_start} 至 "
            f"{enrolment.coverage_end} 内",
        )
    )
    onset = claim.admitted_on or event
    waiting_ends = enrolment.coverage_start + datetime.timedelta(days=plan.waiting_days)
    after_waiting = plan.waiting_days == 0 or onset >= waiting_ends
    checks.append(
        Check(
            "waiting",
            "已过等待期",
            after_waiting,
            "本计划无等待期"
            if plan.waiting_days == 0
            else f"等待期 {plan.waiting_days} 天，至 {waiting_ends} 止；"
            f"{'入院' if claim.admitted_on else '出险'}日期 {onset}{'' if after_waiting else '，在等待期内'}",
        )
    )
    submitted = timezone.localtime(claim.submitted_at).date() if claim.submitted_at else timezone.localdate()
    window_ends = event + datetime.timedelta(days=plan.claim_window_days)
    in_window = submitted <= window_ends
    checks.append(
        Check(
            "window",
            "在申请时限内",
            in_window,
            f"应在出险后 {plan.claim_window_days} 天内（{window_ends} 前）申请，实际 {submitted} 提交",
        )
    )
    if plan.kind in FIXED_KINDS:
        disease = (disease if disease is not None else claim.reveal_health()["disease"]).strip()
        listed = disease in plan.covered_diseases
        checks.append(
            Check(
                "disease",
                "属于保障病种",
                listed,
                f"申请病种“{disease or '未填写'}”{'' if listed else '不'}在本计划保障病种"
                f"（{'、'.join(plan.covered_diseases)}）内",
            )
        )
        result.computed = plan.fixed_amount or Decimal(0)
    else:
        eligible = claim.eligible_expenses or Decimal(0)
        above = max(Decimal(0), eligible - plan.deductible)
        result.computed = (above * (plan.reimbursement_ratio or 0)).quantize(CENT, rounding=ROUND_HALF_UP)
        checks.append(
            Check(
                "deductible",
                "超过起付线",
                above > 0,
                f"可报销费用 {_yuan(eligible)}，起付线 {_yuan(plan.deductible)}，"
                f"按 {(plan.reimbursement_ratio or 0) * 100:.0f}% 给付 {_yuan(result.computed)}",
            )
        )
    used = MutualAidClaim.objects.filter(
        plan=plan,
        enrolment__person_index=enrolment.person_index,
        state__in=(ClaimState.APPROVED, ClaimState.PAID),
    ).exclude(pk=claim.pk).aggregate(total=Sum("approved_amount"))["total"] or Decimal(0)
    result.used_before = used
    left = max(Decimal(0), plan.per_person_cap - used)
    result.max_payable = min(plan.per_claim_cap, left)
    checks.append(
        Check(
            "caps",
            "未超过给付上限",
            left > 0,
            f"单次上限 {_yuan(plan.per_claim_cap)}；每人累计上限 {_yuan(plan.per_person_cap)}，"
            f"已核定 {_yuan(used)}，尚可给付 {_yuan(left)}",
        )
    )
    suggested = min(result.computed, result.max_payable)
    if claim.claimed_amount:
        suggested = min(suggested, claim.claimed_amount)
    result.suggested = suggested if result.eligible else Decimal(0)
    return result


# --- claims -------------------------------------------------------------------------------------------


def _attach(claim: MutualAidClaim, documents: list[tuple[str, Any]], user=None) -> None:
    if len(documents) + claim.documents.count() > MAX_DOCUMENTS:
        raise ValidationError({"documents": f"每份申请最多上传 {MAX_DOCUMENTS} 个材料文件。"})
    for kind, upload in documents:
        document = MutualAidClaimDocument(
            claim=claim,
            org=claim.org,
            kind=kind,
            file=upload,
            original_name=(getattr(upload, "name", "") or "")[:200],
            created_by=user,
        )
        try:
            document.full_clean()
        except ValidationError as error:
            raise ValidationError({"documents": error.messages}) from None
        document.save()


def _new_claim(
    *, enrolment: MutualAidEnrolment, source: str, data: dict, documents: list[tuple[str, Any]], user=None
) -> MutualAidClaim:
    plan = enrolment.plan
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise ValidationError("该参保记录已退保，不能申请理赔。")
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError(f"计划「{plan}」尚未开办，不能申请理赔。")
    if not documents:
        raise ValidationError({"documents": "请上传理赔材料（发票、出院小结或诊断证明等）的照片。"})
    now = timezone.now()
    claim = MutualAidClaim(
        plan=plan,
        enrolment=enrolment,
        org=enrolment.org,
        source=source,
        submitted_at=now,
        review_due=timezone.localdate(now) + datetime.timedelta(days=plan.review_days),
        consent_at=now if data.get("consent") else None,
        created_by=user,
    )
    assign_fields(claim, CLAIM_FIELDS, data, strip=True)
    claim.set_health(
        disease=data.get("disease") or "", diagnosis=data.get("diagnosis") or "", hospital=data.get("hospital") or ""
    )
    claim.set_bank_account(data.get("bank_account") or "")
    if source == ClaimSource.PHONE and claim.consent_at is None:
        raise ValidationError({"consent": "请阅读并勾选同意《个人信息处理告知书》后再提交。"})
    claim.full_clean(exclude=["claim_no"])
    claim.save()
    claim.claim_no = f"HZ{timezone.localdate(now):%Y}{claim.pk:07d}"
    MutualAidClaim.objects.filter(pk=claim.pk).update(claim_no=claim.claim_no)
    _attach(claim, documents, user)
    return claim


def person_enrolments(*, id_number: str, phone: str) -> list[MutualAidEnrolment]:
    """A worker on the phone, identified by ID number and phone against the member registry: their active
    enrolments in plans that take claims (empty when the pair matches no active member)."""
    try:
        index, phone_key = person_index(id_number), phone_index(phone)
    except ValidationError:
        return []
    if not Member.objects.filter(id_number_index=index, phone_index=phone_key, status=MemberStatus.ACTIVE).exists():
        return []
    return list(
        MutualAidEnrolment.objects.filter(
            person_index=index, status=EnrolmentStatus.ACTIVE, plan__status__in=(PlanStatus.OPEN, PlanStatus.CLOSED)
        )
        .select_related("plan", "org")
        .order_by("-plan__period_start", "plan__name")
    )


def person_claims(*, id_number: str, phone: str) -> list[MutualAidClaim]:
    """The claims of the person the ID number and phone identify (for the phone status page)."""
    try:
        index, phone_key = person_index(id_number), phone_index(phone)
    except ValidationError:
        return []
    if not Member.objects.filter(id_number_index=index, phone_index=phone_key).exists():
        return []
    return list(
        MutualAidClaim.objects.filter(enrolment__person_index=index).select_related("plan").order_by("-submitted_at")
    )


@transaction.atomic
def claim_submit_public(
    *, id_number: str, phone: str, enrolment_id: int, data: dict, documents: list[tuple[str, Any]]
) -> MutualAidClaim:
    """A member's own claim from the phone page (no login): the ID number and phone are re-verified here."""
    enrolment = next((e for e in person_enrolments(id_number=id_number, phone=phone) if e.pk == enrolment_id), None)
    if enrolment is None:
        raise ValidationError("未找到您的有效参保记录，请核对身份证号码和手机号码，或联系所在工会。")
    return _new_claim(enrolment=enrolment, source=ClaimSource.PHONE, data=data, documents=documents)


@transaction.atomic
def claim_create_agent(
    *, user, plan: MutualAidPlan, id_number: str, data: dict, documents: list[tuple[str, Any]]
) -> MutualAidClaim:
    """工会代办: the union's agent enters the claim for an enrolled member of its subtree."""
    index = person_index(id_number)
    if not plans_for(user).filter(pk=plan.pk).exists():
        raise PermissionDenied("计划不存在或不在您的数据权限范围内。")
    enrolment = (
        MutualAidEnrolment.objects.restrict(user, "view")
        .filter(plan=plan, person_index=index, status=EnrolmentStatus.ACTIVE)
        .select_related("plan")
        .first()
    )
    if enrolment is None:
        raise ValidationError({"id_number": f"在您管理范围内没有找到该职工参加「{plan}」的有效参保记录。"})
    claim = _new_claim(enrolment=enrolment, source=ClaimSource.AGENT, data=data, documents=documents, user=user)
    ensure_in_scope(user, claim, "add")
    return claim


@transaction.atomic
def claim_add_documents(*, user, claim: MutualAidClaim, documents: list[tuple[str, Any]]) -> None:
    claim = fetch_for_update(MutualAidClaim, user, "change", claim.pk)
    if claim.state != ClaimState.SUBMITTED:
        raise ValidationError("只有待审核的申请可以补充材料。")
    if not documents:
        raise ValidationError({"documents": "请选择要上传的材料文件。"})
    _attach(claim, documents, user)


@transaction.atomic
def claim_approve(*, user, claim: MutualAidClaim, amount: Decimal, note: str = "") -> MutualAidClaim:
    claim = fetch_for_update(MutualAidClaim, user, "approve", claim.pk)
    if claim.state != ClaimState.SUBMITTED:
        raise ValidationError(f"该申请当前状态为“{claim.get_state_display()}”，不能核准。")
    result = assess(claim)
    if not result.eligible:
        reasons = "；".join(f"{c.label}：{c.detail}" for c in result.failures)
        raise ValidationError(f"规则核对未通过，不能核准（{reasons}）。请改为不予赔付并写明原因。")
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise ValidationError({"approved_amount": "核定金额应大于 0。"})
    if amount > result.max_payable:
        raise ValidationError(
            {"approved_amount": f"核定金额超过本次最多可给付的 {_yuan(result.max_payable)}（单次及累计上限）。"}
        )
    claim.snapshot()
    now = timezone.now()
    claim.state = ClaimState.APPROVED
    claim.approved_amount = amount
    claim.decision_note = (note or "").strip()
    claim.decided_at = now
    claim.decided_by = user
    claim.pay_due = timezone.localdate(now) + datetime.timedelta(days=claim.plan.payment_days)
    claim.assessment = result.as_json()
    claim.full_clean()
    claim.save()
    ensure_in_scope(user, claim, "approve")
    return claim


@transaction.atomic
def claim_reject(*, user, claim: MutualAidClaim, reason: str) -> MutualAidClaim:
    claim = fetch_for_update(MutualAidClaim, user, "approve", claim.pk)
    if claim.state != ClaimState.SUBMITTED:
        raise ValidationError(f"该申请当前状态为“{claim.get_state_display()}”，不能驳回。")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"decision_note": "请写明不予赔付的原因（至少 4 个字），职工可在手机上查看。"})
    claim.snapshot()
    claim.state = ClaimState.REJECTED
    claim.decision_note = reason[:300]
    claim.decided_at = timezone.now()
    claim.decided_by = user
    claim.approved_amount = None
    claim.pay_due = None
    claim.assessment = assess(claim).as_json()
    claim.full_clean()
    claim.save()
    ensure_in_scope(user, claim, "approve")
    return claim


@transaction.atomic
def claim_pay(*, user, claim: MutualAidClaim, paid_on: datetime.date, reference: str) -> MutualAidClaim:
    claim = fetch_for_update(MutualAidClaim, user, "approve", claim.pk)
    if claim.state != ClaimState.APPROVED:
        raise ValidationError(f"该申请当前状态为“{claim.get_state_display()}”，只有已核准的申请可以登记支付。")
    reference = (reference or "").strip()
    errors = {}
    if not reference:
        errors["payment_reference"] = "请填写支付凭证号（银行转账流水号）。"
    if paid_on is None:
        errors["paid_on"] = "请填写支付日期。"
    elif paid_on > timezone.localdate():
        errors["paid_on"] = "支付日期不能晚于今天。"
    elif paid_on < timezone.localtime(claim.decided_at).date():
        errors["paid_on"] = "支付日期不能早于核准日期。"
    if errors:
        raise ValidationError(errors)
    claim.snapshot()
    claim.state = ClaimState.PAID
    claim.paid_on = paid_on
    claim.payment_reference = reference[:60]
    claim.pay_due = None
    claim.full_clean()
    claim.save()
    ensure_in_scope(user, claim, "approve")
    return claim
