"""Rights cases (来信来电来访 / 12351 热线): one case is 1 件 and ``persons_count`` 人次.

The closed loop 接听 → 登记 → 派单 → 督办 → 回访 is the state chain below, each step with its timestamp.
``received_by`` is the unit that took the call or letter (it dispatches, urges and calls back); ``org`` is
the union responsible now (it responds, handles and resolves). Deadlines are fixed at registration from the
case's tier (``deadlines.limits_for``); ``current_due`` / ``current_warn_at`` hold the deadline of the step
the case waits for, so lists compute the lights in SQL.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.notices.models import validate_attachment
from gonghui.orgs.models import Employer
from gonghui.rights.models.personal import IdNumberMixin, PhoneMixin, id_number_fields, phone_fields

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class Channel(models.TextChoices):
    LETTER = "letter", "来信"
    CALL = "call", "来电"
    VISIT = "visit", "来访"
    HOTLINE = "hotline", "12351 热线"
    ONLINE = "online", "网上"
    REFERRAL = "referral", "转办"


class CaseCategory(models.TextChoices):
    WAGES = "wages", "欠薪"
    CONTRACT = "contract", "劳动合同"
    SOCIAL_INSURANCE = "social_insurance", "社会保险"
    INJURY = "injury", "工伤"
    HOURS = "hours", "工时休假"
    WOMEN = "women", "女职工权益"
    DISMISSAL = "dismissal", "解除劳动关系"
    OTHER = "other", "其他"


class Tier(models.TextChoices):
    SIMPLE = "simple", "简单"
    GENERAL = "general", "一般"
    COMPLEX = "complex", "复杂"


class CaseState(models.TextChoices):
    REGISTERED = "registered", "已登记待派单"
    DISPATCHED = "dispatched", "已派单待响应"
    HANDLING = "handling", "办理中"
    RESOLVED = "resolved", "已办结待回访"
    CLOSED = "closed", "已回访结案"


class Outcome(models.TextChoices):
    MEDIATED = "mediated", "调解成功"
    COORDINATED = "coordinated", "协调解决"
    ANSWERED = "answered", "政策解答"
    TO_ARBITRATION = "to_arbitration", "转仲裁"
    TO_LITIGATION = "to_litigation", "转诉讼"
    TO_LEGAL_AID = "to_legal_aid", "转法律援助"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    OTHER = "other", "其他"


class Satisfaction(models.TextChoices):
    VERY = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHABLE = "unreachable", "无法回访"


#: satisfaction values that count as satisfied in the satisfaction rate (无法回访 is left out of it)
SATISFIED_VALUES = (Satisfaction.VERY, Satisfaction.SATISFIED, Satisfaction.BASIC)


class RightsCase(IdNumberMixin, PhoneMixin, ScopedModel):
    PII_FIELDS = (
        "id_number_cipher",
        "id_number_index",
        "id_number_masked",
        "phone_cipher",
        "phone_index",
        "phone_masked",
    )
    pii_fields = PII_FIELDS
    id_number_context = "rights.rightscase.id_number"
    phone_context = "rights.rightscase.phone"

    received_by = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="受理单位"
    )
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)
    category = models.CharField("诉求类别", max_length=20, choices=CaseCategory.choices)
    tier = models.CharField("复杂程度", max_length=10, choices=Tier.choices, default=Tier.GENERAL)
    title = models.CharField("诉求摘要", max_length=100)
    description = models.TextField("诉求内容")
    is_anonymous = models.BooleanField("匿名", default=False)
    complainant_name = models.CharField("诉求人姓名", max_length=50, blank=True)
    id_number_cipher, id_number_index, id_number_masked = id_number_fields()
    phone_cipher, phone_index, phone_masked = phone_fields()
    persons_count = models.PositiveIntegerField("涉及人数（人次）", default=1, validators=[MinValueValidator(1)])
    is_group_incident = models.BooleanField("群体性事件", default=False)
    employer = models.ForeignKey(
        Employer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="用人单位"
    )
    employer_name = models.CharField("用人单位名称", max_length=100, blank=True)
    state = models.CharField("办理状态", max_length=12, choices=CaseState.choices, default=CaseState.REGISTERED)
    received_at = models.DateTimeField("接听（收到）时间")
    received_on = models.DateField("受理日期", editable=False, db_index=True)
    registered_at = models.DateTimeField("登记时间", editable=False)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True, editable=False)
    responded_at = models.DateTimeField("首次响应时间", null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    callback_at = models.DateTimeField("回访时间", null=True, blank=True, editable=False)
    dispatch_due = models.DateTimeField("派单时限", editable=False)
    response_due = models.DateTimeField("响应时限", editable=False)
    resolution_due = models.DateTimeField("办结时限", editable=False)
    callback_due = models.DateTimeField("回访时限", null=True, blank=True, editable=False)
    current_due = models.DateTimeField("当前环节时限", null=True, blank=True, editable=False, db_index=True)
    current_warn_at = models.DateTimeField("当前环节预警时间", null=True, blank=True, editable=False)
    outcome = models.CharField("办理结果", max_length=16, choices=Outcome.choices, blank=True)
    resolution = models.TextField("办理情况", blank=True)
    amount_recovered = models.DecimalField("挽回（追回）金额（元）", default=0, **AMOUNT)
    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices, blank=True)
    callback_note = models.CharField("回访情况", max_length=500, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-received_at", "-pk"]
        verbose_name = verbose_name_plural = "维权案件"
        permissions = [("view_full_pii", "查看完整个人信息")]
        indexes = [
            models.Index(fields=["state", "current_due"], name="rightscase_state_due"),
            models.Index(fields=["org", "received_on"], name="rightscase_org_received"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """受理编号: year of receipt and the row id, e.g. WQ2026000123."""
        year = self.received_at.year if self.received_at else timezone.now().year
        return f"WQ{year}{self.pk or 0:06d}"

    @property
    def complainant_display(self) -> str:
        return "匿名" if self.is_anonymous else (self.complainant_name or "—")

    def get_absolute_url(self) -> str:
        return reverse("rights:case_detail", args=[self.pk])


class CaseNoteKind(models.TextChoices):
    STEP = "step", "流转"
    PROGRESS = "progress", "办理情况"
    TRANSFER = "transfer", "转办"
    URGE = "urge", "督办"
    ATTACHMENT = "attachment", "附件"


def case_upload_to(instance: CaseNote, filename: str) -> str:
    extension = PurePath(filename).suffix.lower()
    return f"rights/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class CaseNote(models.Model):
    """The case's timeline: steps, handling notes, transfers with their reason, urges, attachments."""

    scope_kind = "org"
    scope_org_field = "case__org"

    case = models.ForeignKey(RightsCase, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField("类型", max_length=10, choices=CaseNoteKind.choices, default=CaseNoteKind.PROGRESS)
    text = models.TextField("内容")
    file = models.FileField(
        "附件", upload_to=case_upload_to, validators=[validate_attachment], blank=True, max_length=200
    )
    original_name = models.CharField("文件名", max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user_name = models.CharField("记录人", max_length=150, blank=True)
    time = models.DateTimeField("时间", default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["time", "pk"]
        verbose_name = verbose_name_plural = "维权案件记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user_name}"
