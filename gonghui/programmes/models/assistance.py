"""帮扶 / 慰问: campaigns (送温暖, 金秋助学, 夏送清凉, 节日慰问 …) and assistance records.

An ``Assistance`` is one payment or gift to one person by one union in one campaign. The person is the
ID-number blind index, so "the same campaign once per person" holds across unions: a partial unique index on
(campaign, blind index) over records not rejected, checked first in the service to name the other union.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.models import ScopedModel
from gonghui.rights.models.personal import IdNumberMixin, PhoneMixin, id_number_fields, phone_fields

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0")


class CampaignKind(models.TextChoices):
    WINTER_RELIEF = "winter_relief", "送温暖"
    STUDENT_AID = "student_aid", "金秋助学"
    SUMMER_COOLING = "summer_cooling", "夏送清凉"
    FESTIVAL = "festival", "节日慰问"
    OTHER = "other", "其他帮扶"


class SchoolStage(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中职"
    COLLEGE = "college", "大学专科"
    UNIVERSITY = "university", "大学本科"
    GRADUATE = "graduate", "研究生"


class Campaign(ScopedModel):
    name = models.CharField("活动名称", max_length=100)
    kind = models.CharField("活动类型", max_length=20, choices=CampaignKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)], db_index=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    budget = models.DecimalField("预算（元）", validators=[MinValueValidator(0)], **MONEY)
    #: amount per person by hardship level (deep/relative/accident/none) or, for 金秋助学, by school stage
    standards = models.JSONField("发放标准", default=dict, blank=True)
    participants = models.ManyToManyField(
        "orgs.Organization", related_name="+", blank=True, verbose_name="参与工会", help_text="不选则仅发起单位发放"
    )
    description = models.TextField("活动说明", blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "-starts_on", "pk"]
        verbose_name = verbose_name_plural = "帮扶慰问活动"
        constraints = [models.UniqueConstraint(fields=["org", "year", "name"], name="campaign_unique_name_per_year")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:campaign_detail", args=[self.pk])

    def standard_for(self, key: str) -> Decimal | None:
        value = (self.standards or {}).get(key)
        return Decimal(str(value)) if value not in (None, "") else None


class AssistanceState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已审批"
    REJECTED = "rejected", "未通过"


class Assistance(IdNumberMixin, PhoneMixin, ScopedModel):
    PII_FIELDS = (
        "id_number_cipher",
        "id_number_index",
        "id_number_masked",
        "phone_cipher",
        "phone_index",
        "phone_masked",
    )
    pii_fields = PII_FIELDS
    id_number_context = "programmes.assistance.id_number"
    phone_context = "programmes.assistance.phone"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="records", verbose_name="活动")
    name = models.CharField("姓名", max_length=50)
    id_number_cipher, id_number_index, id_number_masked = id_number_fields()
    phone_cipher, phone_index, phone_masked = phone_fields()
    #: the hardship-file blind index (the file's own context) links a record to the person's file
    person_index = models.CharField("人员索引", max_length=32, editable=False, db_index=True)
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="会员"
    )
    hardship_file = models.ForeignKey(
        "programmes.HardshipFile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistance",
        verbose_name="困难档案",
    )
    employer_name = models.CharField("工作单位", max_length=100, blank=True)
    hardship_level = models.CharField("困难类别", max_length=10, blank=True)
    school_stage = models.CharField("就学阶段", max_length=12, choices=SchoolStage.choices, blank=True)
    cash_amount = models.DecimalField("慰问金（元）", default=ZERO, validators=[MinValueValidator(0)], **MONEY)
    in_kind_value = models.DecimalField("实物折价（元）", default=ZERO, validators=[MinValueValidator(0)], **MONEY)
    in_kind_items = models.CharField("慰问物品", max_length=200, blank=True)
    given_on = models.DateField("发放日期", db_index=True)
    state = models.CharField("状态", max_length=10, choices=AssistanceState.choices, default=AssistanceState.PENDING)
    approved_on = models.DateField("审批日期", null=True, blank=True)
    approved_by_name = models.CharField("审批人", max_length=150, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-given_on", "-pk"]
        verbose_name = verbose_name_plural = "帮扶慰问记录"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person_index"],
                condition=~Q(state="rejected"),
                name="assistance_once_per_campaign_person",
            ),
        ]
        indexes = [models.Index(fields=["person_index", "given_on"], name="assistance_person_given")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:assistance_detail", args=[self.pk])

    @property
    def total(self) -> Decimal:
        return (self.cash_amount or ZERO) + (self.in_kind_value or ZERO)
