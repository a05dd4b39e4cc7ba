"""职工互助保障 (mutual aid): plans with computable benefit rules, enrolments by union, premium payments,
claims from the phone or the union's agent, reviewed against the rules, approved or rejected, paid.

Rules are structured fields, not text, so the review page can compute every check:

* 住院医疗 / 意外伤害 (ratio plans): ``(eligible expenses − deductible) × reimbursement ratio``;
* 重大疾病 / 女职工特殊疾病 (fixed plans): ``fixed_amount`` for a disease on ``covered_diseases``;
* all: coverage dates, waiting period (``waiting_days`` after coverage starts), filing window
  (``claim_window_days`` after the event), ``per_claim_cap`` and ``per_person_cap`` over the plan period;
  ``women_only`` plans cover women members only.

A claim's health details (disease, diagnosis, hospital) and the payee's bank account are personal data:
encrypted at rest with the registry's machinery, shown only to roles holding ``programmes.view_claim_health``
within their scope; every such view is logged.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import ScopedModel
from gonghui.utilities.pii import decrypt, encrypt

HEALTH_CONTEXT = "programmes.mutualaidclaim.health"
BANK_CONTEXT = "programmes.mutualaidclaim.bank_account"
HEALTH_PERMISSION = "programmes.view_claim_health"
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class PlanKind(models.TextChoices):
    INPATIENT = "inpatient", "住院医疗"
    CRITICAL_ILLNESS = "critical_illness", "重大疾病"
    ACCIDENT = "accident", "意外伤害"
    WOMEN_SPECIAL = "women_special", "女职工特殊疾病"


#: plans that pay a share of the medical expenses above a deductible
RATIO_KINDS = (PlanKind.INPATIENT, PlanKind.ACCIDENT)
#: plans that pay a fixed sum for a listed disease
FIXED_KINDS = (PlanKind.CRITICAL_ILLNESS, PlanKind.WOMEN_SPECIAL)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "筹备"
    OPEN = "open", "开办中"
    CLOSED = "closed", "已结束"


class MutualAidPlan(ScopedModel):
    """One plan for one period (保障期), run by ``org`` for the unions of its subtree."""

    name = models.CharField("计划名称", max_length=100, help_text="如 2026年度职工住院医疗互助保障")
    kind = models.CharField("保障类型", max_length=20, choices=PlanKind.choices, db_index=True)
    status = models.CharField("状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    period_start = models.DateField("保障期开始")
    period_end = models.DateField("保障期结束")
    premium = models.DecimalField("每人互助金(元)", **MONEY)
    waiting_days = models.PositiveSmallIntegerField(
        "等待期(天)", default=0, validators=[MaxValueValidator(365)], help_text="参保生效后多少天内发生的不予赔付"
    )
    claim_window_days = models.PositiveSmallIntegerField(
        "申请时限(天)",
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="出院、确诊或事故之日起多少天内提出申请",
    )
    deductible = models.DecimalField("起付线(元)", default=Decimal(0), **MONEY)
    reimbursement_ratio = models.DecimalField(
        "给付比例",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="住院医疗、意外伤害：如 0.5 表示 50%",
    )
    fixed_amount = models.DecimalField(
        "定额给付(元)", null=True, blank=True, help_text="重大疾病、女职工特殊疾病：确诊后一次性给付", **MONEY
    )
    covered_diseases = models.JSONField("保障病种", default=list, blank=True, help_text="定额给付的病种名称")
    per_claim_cap = models.DecimalField("单次给付上限(元)", **MONEY)
    per_person_cap = models.DecimalField("每人保障期内累计上限(元)", **MONEY)
    women_only = models.BooleanField("仅限女职工", default=False)
    review_days = models.PositiveSmallIntegerField(
        "审核时限(天)", default=15, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    payment_days = models.PositiveSmallIntegerField(
        "支付时限(天)", default=10, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    description = models.TextField("保障说明", blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-period_start", "name", "pk"]
        verbose_name = verbose_name_plural = "互助保障计划"
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="mutualaid_plan_unique_name"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="mutualaid_plan_period"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:mutualaid_plan_detail", args=[self.pk])

    @property
    def pays_ratio(self) -> bool:
        return self.kind in RATIO_KINDS

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%Y-%m-%d} 至 {self.period_end:%Y-%m-%d}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            errors["period_end"] = "保障期结束日期应晚于开始日期。"
        if self.period_start and self.period_end and (self.period_end - self.period_start).days > 366 * 3:
            errors["period_end"] = "一个保障期最长三年，请按年度分别设立计划。"
        diseases = [str(name).strip() for name in (self.covered_diseases or []) if str(name).strip()]
        if len(set(diseases)) != len(diseases):
            errors["covered_diseases"] = "保障病种有重复，请删除重复的名称。"
        self.covered_diseases = diseases
        if self.kind in RATIO_KINDS:
            if self.reimbursement_ratio is None or self.reimbursement_ratio <= 0:
                errors["reimbursement_ratio"] = "住院医疗、意外伤害计划请填写大于 0 的给付比例，如 0.5。"
            self.fixed_amount = None
        elif self.kind in FIXED_KINDS:
            if not self.fixed_amount:
                errors["fixed_amount"] = "重大疾病、女职工特殊疾病计划请填写定额给付金额。"
            if not diseases:
                errors["covered_diseases"] = "定额给付的计划请列出保障病种（每行一个）。"
            self.reimbursement_ratio = None
        if self.kind == PlanKind.WOMEN_SPECIAL:
            self.women_only = True
        if self.per_claim_cap is not None and self.per_person_cap is not None:
            if self.per_claim_cap <= 0:
                errors["per_claim_cap"] = "单次给付上限应大于 0。"
            elif self.per_person_cap < self.per_claim_cap:
                errors["per_person_cap"] = "每人累计上限不能低于单次给付上限。"
        if self.fixed_amount and self.per_claim_cap and self.fixed_amount > self.per_claim_cap:
            errors["fixed_amount"] = "定额给付金额不能高于单次给付上限。"
        if errors:
            raise ValidationError(errors)


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    CANCELLED = "cancelled", "已退保"


class MutualAidEnrolment(ScopedModel):
    """One member in one plan-period, enrolled (and paid for) by ``org``, the enrolling union."""

    plan = models.ForeignKey(MutualAidPlan, on_delete=models.PROTECT, related_name="enrolments", verbose_name="计划")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="mutual_aid_enrolments", verbose_name="会员"
    )
    # The member's blind index, so "one enrolment per person per plan-period" is a database constraint that a
    # transfer (a second member row for the same person) cannot get round.
    person_index = models.CharField("身份证号索引", max_length=32, editable=False)
    name = models.CharField("姓名", max_length=50, editable=False)
    coverage_start = models.DateField("保障开始", db_index=True)
    coverage_end = models.DateField("保障结束")
    premium = models.DecimalField("互助金(元)", **MONEY)
    status = models.CharField(
        "状态", max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE, db_index=True
    )
    cancelled_on = models.DateField("退保日期", null=True, blank=True)
    cancel_reason = models.CharField("退保原因", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    pii_fields = ("person_index",)

    class Meta(ScopedModel.Meta):
        ordering = ["plan", "org__path", "name", "pk"]
        verbose_name = verbose_name_plural = "互助保障参保"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "person_index"],
                condition=Q(status="active"),
                name="mutualaid_one_enrolment_per_person_plan",
                violation_error_message="该职工已参加本期计划，不能重复参保。",
            ),
            models.CheckConstraint(
                condition=Q(coverage_end__gte=models.F("coverage_start")), name="mutualaid_enrolment_coverage"
            ),
        ]
        indexes = [models.Index(fields=["person_index"], name="mutualaid_enrolment_person")]

    def __str__(self) -> str:
        return f"{self.name}（{self.plan}）"

    def get_absolute_url(self) -> str:
        return reverse("programmes:mutualaid_enrolment_list") + f"?plan={self.plan_id}"

    def covers(self, day: datetime.date) -> bool:
        return self.status == EnrolmentStatus.ACTIVE and self.coverage_start <= day <= self.coverage_end


class MutualAidPayment(ScopedModel):
    """缴费记录: a union's premium payment for its enrolled members."""

    plan = models.ForeignKey(MutualAidPlan, on_delete=models.PROTECT, related_name="payments", verbose_name="计划")
    paid_on = models.DateField("缴费日期", db_index=True)
    headcount = models.PositiveIntegerField("缴费人数", validators=[MinValueValidator(1)])
    amount = models.DecimalField("缴费金额(元)", **MONEY)
    reference = models.CharField("凭证号", max_length=60, help_text="银行回单或收据号")
    remark = models.CharField("备注", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["-paid_on", "-pk"]
        verbose_name = verbose_name_plural = "互助保障缴费"

    def __str__(self) -> str:
        return f"{self.org} {self.paid_on:%Y-%m-%d} 缴费 {self.amount} 元"

    def clean(self) -> None:
        if self.paid_on and self.paid_on > timezone.localdate():
            raise ValidationError({"paid_on": "缴费日期不能晚于今天。"})
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": "缴费金额应大于 0。"})


class ClaimState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已核准待支付"
    REJECTED = "rejected", "不予赔付"
    PAID = "paid", "已支付"


class ClaimSource(models.TextChoices):
    PHONE = "phone", "职工手机申请"
    AGENT = "agent", "工会代办"


class MutualAidClaim(ScopedModel):
    """理赔申请: owned by the enrolling union (``org`` = the enrolment's), so its subtree and those above see it."""

    pii_fields = ("health_cipher", "bank_account_cipher", "bank_account_masked")

    claim_no = models.CharField("申请编号", max_length=16, unique=True, null=True, editable=False)
    plan = models.ForeignKey(MutualAidPlan, on_delete=models.PROTECT, related_name="claims", verbose_name="计划")
    enrolment = models.ForeignKey(
        MutualAidEnrolment, on_delete=models.PROTECT, related_name="claims", verbose_name="参保记录"
    )
    source = models.CharField("申请方式", max_length=10, choices=ClaimSource.choices)
    state = models.CharField(
        "状态", max_length=10, choices=ClaimState.choices, default=ClaimState.SUBMITTED, db_index=True
    )
    event_date = models.DateField("出险日期", help_text="出院、确诊或事故发生之日")
    admitted_on = models.DateField("入院日期", null=True, blank=True)
    total_expenses = models.DecimalField("医疗费用总额(元)", null=True, blank=True, **MONEY)
    eligible_expenses = models.DecimalField(
        "可报销费用(元)", null=True, blank=True, help_text="扣除基本医保统筹支付后的个人负担部分", **MONEY
    )
    claimed_amount = models.DecimalField("申请金额(元)", null=True, blank=True, **MONEY)
    health_cipher = models.TextField("健康信息（密文）", blank=True, editable=False)
    bank_name = models.CharField("开户银行", max_length=60, blank=True)
    bank_account_cipher = models.TextField("收款账号（密文）", blank=True, editable=False)
    bank_account_masked = models.CharField("收款账号", max_length=32, blank=True, editable=False)
    consent_at = models.DateTimeField("同意个人信息处理", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    review_due = models.DateField("审核期限", db_index=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="审核人"
    )
    assessment = models.JSONField("审核时的规则核对", default=dict, blank=True, editable=False)
    approved_amount = models.DecimalField("核定金额(元)", null=True, blank=True, **MONEY)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)
    pay_due = models.DateField("支付期限", null=True, blank=True, db_index=True)
    paid_on = models.DateField("支付日期", null=True, blank=True, db_index=True)
    payment_reference = models.CharField("支付凭证号", max_length=60, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-submitted_at", "-pk"]
        verbose_name = verbose_name_plural = "互助保障理赔"
        permissions = [("view_claim_health", "查看理赔健康信息")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="paid") | Q(paid_on__isnull=False, approved_amount__isnull=False),
                name="mutualaid_claim_paid_has_date_and_amount",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(decision_note=""), name="mutualaid_claim_rejected_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["org", "state"], name="mutualaid_claim_org_state")]

    def __str__(self) -> str:
        return self.claim_no or f"理赔申请 {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:mutualaid_claim_detail", args=[self.pk])

    # --- personal data ---------------------------------------------------------------------------

    def set_health(self, *, disease: str = "", diagnosis: str = "", hospital: str = "") -> None:
        payload = {"disease": disease.strip(), "diagnosis": diagnosis.strip(), "hospital": hospital.strip()}
        self.health_cipher = encrypt(json.dumps(payload, ensure_ascii=False), context=HEALTH_CONTEXT)

    def reveal_health(self) -> dict[str, str]:
        """Disease, diagnosis and hospital in clear. Callers check the permission and log the view."""
        if not self.health_cipher:
            return {"disease": "", "diagnosis": "", "hospital": ""}
        return json.loads(decrypt(self.health_cipher, context=HEALTH_CONTEXT))

    def set_bank_account(self, value: str) -> None:
        account = "".join((value or "").split())
        if account and not (account.isdigit() and 8 <= len(account) <= 30):
            raise ValidationError({"bank_account": "收款账号应为 8 至 30 位数字，请核对银行卡号。"})
        self.bank_account_cipher = encrypt(account, context=BANK_CONTEXT) if account else ""
        self.bank_account_masked = f"{account[:4]}****{account[-4:]}" if account else ""

    def reveal_bank_account(self) -> str:
        return decrypt(self.bank_account_cipher, context=BANK_CONTEXT) if self.bank_account_cipher else ""

    # --- state -----------------------------------------------------------------------------------

    @property
    def current_due(self) -> datetime.date | None:
        if self.state == ClaimState.SUBMITTED:
            return self.review_due
        if self.state == ClaimState.APPROVED:
            return self.pay_due
        return None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        due = self.current_due
        return due is not None and due < (today or timezone.localdate())

    @property
    def days_to_payment(self) -> int | None:
        if self.paid_on is None:
            return None
        return (self.paid_on - timezone.localtime(self.submitted_at).date()).days

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.event_date and self.event_date > today:
            errors["event_date"] = "出险日期不能晚于今天。"
        if self.admitted_on and self.event_date and self.admitted_on > self.event_date:
            errors["admitted_on"] = "入院日期不能晚于出院日期。"
        expenses = (self.eligible_expenses, self.total_expenses)
        if None not in expenses and expenses[0] > expenses[1]:
            errors["eligible_expenses"] = "可报销费用不能高于医疗费用总额。"
        if self.plan_id and self.plan.pays_ratio and self.eligible_expenses is None:
            errors["eligible_expenses"] = f"{self.plan.get_kind_display()}计划请填写可报销的医疗费用。"
        if errors:
            raise ValidationError(errors)


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "医疗费用发票"
    DISCHARGE = "discharge", "出院小结"
    DIAGNOSIS = "diagnosis", "诊断证明"
    SETTLEMENT = "settlement", "医保结算单"
    ACCIDENT = "accident", "事故证明"
    ID_CARD = "id_card", "身份证"
    BANK_CARD = "bank_card", "银行卡"
    OTHER = "other", "其他"


DOCUMENT_MAX_BYTES = 8 * 1024 * 1024
DOCUMENT_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "pdf"]


def validate_document(upload) -> None:
    """An image that opens as one, or a PDF that starts as one; at most 8 MB."""
    from PIL import Image, UnidentifiedImageError

    name = getattr(upload, "name", "") or "文件"
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(f"「{name}」超过 8 MB，请压缩或分页拍照后再上传。")
    position = upload.tell()
    try:
        if name.lower().endswith(".pdf"):
            if upload.read(5) != b"%PDF-":
                raise ValidationError(f"「{name}」不是有效的 PDF 文件。")
        else:
            try:
                with Image.open(upload) as image:
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError):
                raise ValidationError(f"「{name}」不是有效的图片，请上传 JPG、PNG 照片或 PDF。") from None
    finally:
        upload.seek(position)


class MutualAidClaimDocument(ScopedModel):
    """A photo or scan of a claim document; served only through the permission-checked, logged page."""

    claim = models.ForeignKey(MutualAidClaim, on_delete=models.CASCADE, related_name="documents", verbose_name="理赔")
    kind = models.CharField("材料类型", max_length=12, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    file = models.FileField(
        "文件",
        upload_to="mutualaid/%Y/%m/",
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS), validate_document],
    )
    original_name = models.CharField("原文件名", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["claim", "pk"]
        verbose_name = verbose_name_plural = "互助保障理赔材料"

    def __str__(self) -> str:
        return f"{self.claim} {self.get_kind_display()}"
