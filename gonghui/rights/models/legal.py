"""Legal aid (法律援助), the lawyers roster (律师团) and lawyers' duty at service centres (律师驻点)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from gonghui.core.models import ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.rights.models.cases import AMOUNT, RightsCase
from gonghui.rights.models.personal import PhoneMixin, phone_fields


class LawyerKind(models.TextChoices):
    VOLUNTEER = "volunteer", "志愿律师"
    CONTRACTED = "contracted", "签约律师"


class Lawyer(PhoneMixin, ScopedModel):
    """A lawyer on ``org``'s roster (律师团)."""

    PII_FIELDS = ("phone_cipher", "phone_index", "phone_masked")
    pii_fields = PII_FIELDS
    phone_context = "rights.lawyer.phone"

    name = models.CharField("姓名", max_length=50)
    kind = models.CharField("类别", max_length=12, choices=LawyerKind.choices, default=LawyerKind.VOLUNTEER)
    law_firm = models.CharField("执业机构", max_length=100)
    license_number = models.CharField("执业证号", max_length=17, help_text="17 位律师执业证号")
    specialties = models.CharField("擅长领域", max_length=200, blank=True)
    phone_cipher, phone_index, phone_masked = phone_fields()
    contract_ends_on = models.DateField("签约到期日", null=True, blank=True, help_text="签约律师填写")
    is_active = models.BooleanField("在册", default=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["name", "pk"]
        verbose_name = verbose_name_plural = "律师团成员"
        constraints = [
            models.UniqueConstraint(fields=["org", "license_number"], name="lawyer_one_per_roster"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.law_firm}）"

    def get_absolute_url(self) -> str:
        return reverse("rights:lawyer_edit", args=[self.pk])

    def clean(self) -> None:
        self.license_number = (self.license_number or "").strip()
        if not (self.license_number.isdigit() and len(self.license_number) == 17):
            raise ValidationError({"license_number": "律师执业证号应为 17 位数字，请按执业证核对。"})


class DutySlot(ScopedModel):
    """One lawyer's duty period at a service centre (律师驻点值班) of ``org``; workers book it from a phone."""

    lawyer = models.ForeignKey(Lawyer, on_delete=models.PROTECT, related_name="duty_slots", verbose_name="值班律师")
    location = models.CharField("驻点地点", max_length=100, help_text="如 武进区职工服务中心 法律服务窗口")
    date = models.DateField("值班日期")
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    capacity = models.PositiveSmallIntegerField("可预约人数", default=6, validators=[MinValueValidator(1)])
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["date", "start_time", "pk"]
        verbose_name = verbose_name_plural = "律师值班"
        indexes = [models.Index(fields=["date", "org"], name="dutyslot_date_org")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.start_time:%H:%M}-{self.end_time:%H:%M} {self.location}"

    def get_absolute_url(self) -> str:
        return reverse("rights:duty_edit", args=[self.pk])

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "结束时间须晚于开始时间。"})


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    ATTENDED = "attended", "已咨询"
    CANCELLED = "cancelled", "已取消"
    NO_SHOW = "no_show", "未到"


class DutyBooking(PhoneMixin, models.Model):
    """A worker's booking of a duty slot (from the public phone page, no login)."""

    PII_FIELDS = ("phone_cipher", "phone_index", "phone_masked")
    pii_fields = PII_FIELDS
    phone_context = "rights.dutybooking.phone"
    scope_kind = "org"
    scope_org_field = "slot__org"

    slot = models.ForeignKey(DutySlot, on_delete=models.CASCADE, related_name="bookings", verbose_name="值班")
    name = models.CharField("姓名", max_length=50)
    phone_cipher, phone_index, phone_masked = phone_fields()
    topic = models.CharField("咨询事项", max_length=300)
    status = models.CharField("状态", max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    created_at = models.DateTimeField("预约时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ("view", "change", "export")
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "值班预约"
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "phone_index"],
                condition=models.Q(status="booked"),
                name="dutybooking_one_per_phone_slot",
                violation_error_message="该手机号已预约过这个时段，无需重复预约。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}预约{self.slot}"


class AidKind(models.TextChoices):
    CONSULTATION = "consultation", "法律咨询"
    MEDIATION = "mediation", "调解"
    ARBITRATION = "arbitration", "仲裁代理"
    LITIGATION = "litigation", "诉讼代理"


class AidOutcome(models.TextChoices):
    PENDING = "pending", "办理中"
    WON = "won", "胜诉（裁决支持）"
    PARTLY = "partly", "部分支持"
    MEDIATED = "mediated", "调解结案"
    LOST = "lost", "败诉（不予支持）"
    WITHDRAWN = "withdrawn", "撤回"
    ANSWERED = "answered", "已解答"


class LegalAidCase(PhoneMixin, ScopedModel):
    """法律援助案件 of ``org`` (the union providing it), optionally from a rights case (转法律援助)."""

    PII_FIELDS = ("phone_cipher", "phone_index", "phone_masked")
    pii_fields = PII_FIELDS
    phone_context = "rights.legalaidcase.phone"

    kind = models.CharField("援助类型", max_length=14, choices=AidKind.choices)
    applicant_name = models.CharField("受援人", max_length=50)
    phone_cipher, phone_index, phone_masked = phone_fields()
    persons_count = models.PositiveIntegerField("受援人数", default=1, validators=[MinValueValidator(1)])
    employer_name = models.CharField("对方用人单位", max_length=100, blank=True)
    summary = models.TextField("案情摘要")
    lawyer = models.ForeignKey(
        Lawyer, on_delete=models.SET_NULL, null=True, blank=True, related_name="aid_cases", verbose_name="承办律师"
    )
    rights_case = models.ForeignKey(
        RightsCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aid_cases",
        verbose_name="来源维权案件",
    )
    accepted_on = models.DateField("受理日期", db_index=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=AidOutcome.choices, default=AidOutcome.PENDING)
    amount_recovered = models.DecimalField("追回金额（元）", default=0, **AMOUNT)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-accepted_on", "-pk"]
        verbose_name = verbose_name_plural = "法律援助案件"

    def __str__(self) -> str:
        return f"{self.applicant_name}（{self.get_kind_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("rights:aid_edit", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.closed_on and self.accepted_on and self.closed_on < self.accepted_on:
            errors["closed_on"] = "结案日期不能早于受理日期。"
        if self.outcome == AidOutcome.PENDING and self.closed_on:
            errors["outcome"] = "已填写结案日期，请选择办理结果。"
        if self.outcome != AidOutcome.PENDING and not self.closed_on:
            errors["closed_on"] = "已有办理结果，请填写结案日期。"
        if self.amount_recovered is not None and self.amount_recovered < 0:
            errors["amount_recovered"] = "追回金额不能为负数。"
        if errors:
            raise ValidationError(errors)
