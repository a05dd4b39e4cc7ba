"""Forms and filters of 职工互助保障 (plans, enrolments, payments, claims, the phone pages)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from gonghui.core.forms import ScopedModelForm
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.programmes.filtersets import WithinMixin
from gonghui.programmes.models.mutualaid import (
    DOCUMENT_EXTENSIONS,
    ClaimSource,
    ClaimState,
    DocumentKind,
    EnrolmentStatus,
    MutualAidClaim,
    MutualAidEnrolment,
    MutualAidPlan,
    PlanKind,
)
from gonghui.programmes.selectors_mutualaid import plans_for
from gonghui.programmes.services_mutualaid import PLAN_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})
ACCEPT = ",".join(f".{ext}" for ext in DOCUMENT_EXTENSIONS) + ",image/*"


def _orgs(user):
    return Organization.objects.restrict(user, "view").exclude(status=OrgStatus.DISSOLVED).order_by("path")


class PlanForm(ScopedModelForm):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="举办单位")
    covered_diseases = forms.CharField(
        label="保障病种",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="定额给付的计划每行写一个病种，如 恶性肿瘤、急性心肌梗塞",
    )

    class Meta:
        model = MutualAidPlan
        fields = ["org", *PLAN_FIELDS]
        widgets = {"period_start": DATE, "period_end": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(self.user)
        if self.instance.pk:
            self.initial["covered_diseases"] = "\n".join(self.instance.covered_diseases)

    def clean_covered_diseases(self):
        text = self.cleaned_data.get("covered_diseases") or ""
        return [line.strip() for line in text.replace("、", "\n").replace("，", "\n").splitlines() if line.strip()]

    def _post_clean(self):
        pass  # model validation runs in the service


class EnrolmentForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="参保工会")
    id_number = forms.CharField(label="身份证号码", max_length=30)
    coverage_start = forms.DateField(label="保障开始日期", required=False, widget=DATE, help_text="不填则从保障期开始")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user)
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"


class EnrolmentImportForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="参保工会")
    file = forms.FileField(label="参保名单（Excel 或 CSV）", help_text="支持 xlsx、xls、csv；请使用导入模板")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user)


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(label="退保原因", max_length=200)


class PaymentForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="缴费工会")
    paid_on = forms.DateField(label="缴费日期", widget=DATE)
    headcount = forms.IntegerField(label="缴费人数", min_value=1)
    amount = forms.DecimalField(label="缴费金额(元)", min_value=0, max_digits=12, decimal_places=2)
    reference = forms.CharField(label="凭证号", max_length=60)
    remark = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user)


# --- claims -------------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "capture": "environment"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


#: the upload fields of a claim form and the document kind each one files
UPLOAD_FIELDS = (
    ("invoice_files", DocumentKind.INVOICE, "医疗费用发票、医保结算单"),
    ("report_files", DocumentKind.DIAGNOSIS, "诊断证明、出院小结或事故证明"),
    ("other_files", DocumentKind.OTHER, "其他材料（身份证、银行卡等）"),
)


class ClaimFieldsForm(forms.Form):
    event_date = forms.DateField(label="出险日期（出院、确诊或事故发生日）", widget=DATE)
    admitted_on = forms.DateField(label="入院日期", required=False, widget=DATE)
    hospital = forms.CharField(label="就诊医院", max_length=100, required=False)
    disease = forms.CharField(label="疾病名称", max_length=60, required=False, help_text="重大疾病、女职工特殊疾病必填")
    diagnosis = forms.CharField(
        label="诊断或伤情简述", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    total_expenses = forms.DecimalField(
        label="医疗费用总额(元)", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    eligible_expenses = forms.DecimalField(
        label="个人负担的医疗费用(元)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="住院医疗、意外伤害必填：扣除医保统筹支付后自己负担的部分",
    )
    claimed_amount = forms.DecimalField(
        label="申请金额(元)", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    bank_name = forms.CharField(label="开户银行", max_length=60, required=False)
    bank_account = forms.CharField(label="收款银行卡号", max_length=40, required=False)
    invoice_files = MultipleFileField(label=UPLOAD_FIELDS[0][2])
    report_files = MultipleFileField(label=UPLOAD_FIELDS[1][2])
    other_files = MultipleFileField(label=UPLOAD_FIELDS[2][2])

    def documents(self) -> list[tuple[str, object]]:
        return [(kind, upload) for name, kind, _label in UPLOAD_FIELDS for upload in self.cleaned_data.get(name) or []]


class AgentClaimForm(ClaimFieldsForm):
    plan = forms.ModelChoiceField(queryset=MutualAidPlan.objects.none(), label="保障计划")
    id_number = forms.CharField(label="职工身份证号码", max_length=30)
    consent = forms.BooleanField(label="职工已签署个人信息处理同意书", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans_for(user).exclude(status="draft")
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.order_fields(["plan", "id_number"])


class DocumentsForm(forms.Form):
    kind = forms.ChoiceField(label="材料类型", choices=DocumentKind.choices)
    files = MultipleFileField(label="文件")


class ApproveForm(forms.Form):
    approved_amount = forms.DecimalField(label="核定金额(元)", min_value=0, max_digits=12, decimal_places=2)
    decision_note = forms.CharField(label="审核意见", max_length=300, required=False)


class RejectForm(forms.Form):
    decision_note = forms.CharField(label="不予赔付原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class PayForm(forms.Form):
    paid_on = forms.DateField(label="支付日期", widget=DATE)
    payment_reference = forms.CharField(label="支付凭证号", max_length=60)


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label="导出原因", min_length=4, max_length=100, error_messages={"min_length": "请写明导出用途（至少 4 个字）。"}
    )


# --- the phone pages (no login) ----------------------------------------------------------------------


class IdentifyForm(forms.Form):
    id_number = forms.CharField(
        label="身份证号码", max_length=30, error_messages={"required": "请填写 18 位居民身份证号码。"}
    )
    phone = forms.CharField(
        label="手机号码", max_length=20, error_messages={"required": "请填写在工会登记的手机号码。"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update(autocomplete="off")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="numeric")


class StartClaimForm(IdentifyForm):
    consent = forms.BooleanField(
        label="我已阅读并同意《个人信息处理告知书》，同意工会为审核理赔处理我的健康信息",
        error_messages={"required": "请阅读并勾选同意《个人信息处理告知书》后再继续。"},
    )


class PublicClaimForm(ClaimFieldsForm):
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=1000)
    enrolment = forms.TypedChoiceField(label="申请理赔的保障计划", coerce=int)

    def __init__(self, *args, enrolments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].choices = [(e.pk, f"{e.plan}（{e.org.name}参保）") for e in enrolments]
        self.order_fields(["ticket", "enrolment"])


# --- filters ------------------------------------------------------------------------------------------


class PlanFilterSet(WithinMixin):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="计划名称")
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label="保障类型", empty_label="全部")

    class Meta:
        model = MutualAidPlan
        fields = ["q", "kind", "status"]


class EnrolmentFilterSet(WithinMixin):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="姓名")
    plan = django_filters.ModelChoiceFilter(queryset=MutualAidPlan.objects.none(), label="计划", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=EnrolmentStatus.choices, label="状态", empty_label="全部")
    start_from = django_filters.DateFilter(
        field_name="coverage_start", lookup_expr="gte", label="保障开始从", widget=DATE
    )
    start_to = django_filters.DateFilter(field_name="coverage_start", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = MutualAidEnrolment
        fields = ["q", "plan", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["plan"].queryset = plans_for(request.user)


class ClaimFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="申请编号/姓名")
    plan = django_filters.ModelChoiceFilter(queryset=MutualAidPlan.objects.none(), label="计划", empty_label="全部")
    state = django_filters.ChoiceFilter(choices=ClaimState.choices, label="状态", empty_label="全部")
    source = django_filters.ChoiceFilter(choices=ClaimSource.choices, label="申请方式", empty_label="全部")
    paid_from = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte", label="支付从", widget=DATE)
    paid_to = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = MutualAidClaim
        fields = ["q", "plan", "state", "source"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["plan"].queryset = plans_for(request.user)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(claim_no__iexact=value) | Q(enrolment__name=value)) if value else queryset
