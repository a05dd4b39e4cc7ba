"""Labour legal supervision committees (劳动法律监督委员会) with members and the 一函两书 documents,
collective contracts (集体合同) and collective-bargaining instructors (集体协商指导员)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from gonghui.core.models import ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.orgs.models import Employer
from gonghui.rights.models.personal import PhoneMixin, phone_fields


class LegalSupervisionCommittee(ScopedModel):
    """``org`` is the union that set the committee up."""

    name = models.CharField("委员会名称", max_length=100)
    employer = models.ForeignKey(
        Employer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="所在用人单位"
    )
    established_on = models.DateField("成立日期", db_index=True)
    chair_name = models.CharField("主任", max_length=50)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-established_on", "pk"]
        verbose_name = verbose_name_plural = "劳动法律监督委员会"
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="committee_unique_name_per_org")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rights:committee_detail", args=[self.pk])


class CommitteeMember(models.Model):
    scope_kind = "org"
    scope_org_field = "committee__org"

    committee = models.ForeignKey(LegalSupervisionCommittee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=50)
    position = models.CharField("委员会职务", max_length=20, default="委员")
    workplace = models.CharField("工作岗位", max_length=100, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["pk"]
        verbose_name = verbose_name_plural = "监督委员会委员"

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    REMINDER = "reminder", "提示函"
    OPINION = "opinion", "意见书"
    PROPOSAL = "proposal", "建议书"


class SupervisionDocument(models.Model):
    """一函两书: a notice the committee sends the employer, with the employer's answer."""

    scope_kind = "org"
    scope_org_field = "committee__org"

    committee = models.ForeignKey(LegalSupervisionCommittee, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("文书类型", max_length=10, choices=DocumentKind.choices)
    issued_on = models.DateField("发出日期")
    subject = models.CharField("事由", max_length=200)
    content = models.TextField("主要内容")
    reply_due = models.DateField("要求答复日期", null=True, blank=True)
    replied_on = models.DateField("单位答复日期", null=True, blank=True)
    reply = models.TextField("单位答复及整改情况", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["-issued_on", "-pk"]
        verbose_name = verbose_name_plural = "一函两书"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"

    def clean(self) -> None:
        errors = {}
        if self.replied_on and self.issued_on and self.replied_on < self.issued_on:
            errors["replied_on"] = "单位答复日期不能早于发出日期。"
        if self.reply_due and self.issued_on and self.reply_due < self.issued_on:
            errors["reply_due"] = "要求答复日期不能早于发出日期。"
        if self.reply and not self.replied_on:
            errors["replied_on"] = "已填写答复内容，请填写单位答复日期。"
        if errors:
            raise ValidationError(errors)


class ContractKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", "综合集体合同"
    WAGE = "wage", "工资专项集体合同"
    WOMEN = "women", "女职工权益保护专项集体合同"
    INDUSTRY = "industry", "行业性集体合同"
    REGIONAL = "regional", "区域性集体合同"


#: kinds that cover several employers
MULTI_EMPLOYER_KINDS = (ContractKind.INDUSTRY, ContractKind.REGIONAL)
EXPIRY_NOTICE_DAYS = 60


class CollectiveContract(ScopedModel):
    """``org`` is the union that signed it (for 行业性/区域性, the industry or area union)."""

    kind = models.CharField("合同类型", max_length=14, choices=ContractKind.choices)
    title = models.CharField("合同名称", max_length=150)
    employers = models.ManyToManyField(Employer, blank=True, related_name="+", verbose_name="签约用人单位")
    employer_names = models.CharField("签约单位（未登记的）", max_length=300, blank=True)
    signed_on = models.DateField("签订日期", db_index=True)
    starts_on = models.DateField("生效日期")
    ends_on = models.DateField("期满日期", db_index=True)
    workers_covered = models.PositiveIntegerField("覆盖职工人数", validators=[MinValueValidator(1)])
    wage_increase = models.DecimalField(
        "工资增长幅度（%）", max_digits=5, decimal_places=2, null=True, blank=True, help_text="工资专项合同必填"
    )
    filed_on = models.DateField("报送人社部门审查日期", null=True, blank=True)
    filing_number = models.CharField("审查备案号", max_length=60, blank=True)
    expiry_notified_on = models.DateField("到期提醒日期", null=True, blank=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["ends_on", "pk"]
        verbose_name = verbose_name_plural = "集体合同"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rights:contract_edit", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = "期满日期须晚于生效日期。"
        elif self.starts_on and self.ends_on and (self.ends_on - self.starts_on).days > 3 * 366:
            errors["ends_on"] = "集体合同期限一般为 1 至 3 年，请核对期满日期。"
        if self.signed_on and self.starts_on and self.starts_on < self.signed_on:
            errors["starts_on"] = "生效日期不能早于签订日期。"
        if self.kind == ContractKind.WAGE and self.wage_increase is None:
            errors["wage_increase"] = "工资专项集体合同请填写工资增长幅度（%）。"
        if self.filed_on and self.signed_on and self.filed_on < self.signed_on:
            errors["filed_on"] = "报送审查日期不能早于签订日期。"
        if errors:
            raise ValidationError(errors)


class BargainingInstructor(PhoneMixin, ScopedModel):
    """集体协商指导员: ``org`` appoints; ``assigned_units`` are the unions the instructor guides."""

    PII_FIELDS = ("phone_cipher", "phone_index", "phone_masked")
    pii_fields = PII_FIELDS
    phone_context = "rights.bargaininginstructor.phone"

    name = models.CharField("姓名", max_length=50)
    phone_cipher, phone_index, phone_masked = phone_fields()
    background = models.CharField("专业背景", max_length=200, blank=True, help_text="如 人力资源、劳动法律、工会干部")
    appointed_on = models.DateField("聘任日期", db_index=True)
    assigned_units = models.ManyToManyField(
        "orgs.Organization", blank=True, related_name="+", verbose_name="指导的工会"
    )
    is_active = models.BooleanField("在聘", default=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["name", "pk"]
        verbose_name = verbose_name_plural = "集体协商指导员"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rights:instructor_edit", args=[self.pk])
