"""Forms of hardship files: the union's application form, one small form per workflow step, the worker's page."""

from __future__ import annotations

from django import forms

from gonghui.orgs.models import Employer, Organization, OrgStatus
from gonghui.programmes.models.hardship import CivilResult, EvidenceKind, HardshipCause, HardshipLevel, Housing

DATE = forms.DateInput(attrs={"type": "date"})
TEXTAREA = forms.Textarea(attrs={"rows": 3})
HOUSEHOLD_HELP = "每人一行：姓名、与申请人关系、年龄、职业或就学情况、月收入，如「王芳、配偶、42、无业、0」"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ApplicationFieldsMixin(forms.Form):
    """The household data both the union's and the worker's forms ask for."""

    household_size = forms.IntegerField(label="家庭人口", min_value=1, max_value=30, initial=1)
    household_members = forms.CharField(label="家庭成员", widget=TEXTAREA, required=False, help_text=HOUSEHOLD_HELP)
    monthly_income = forms.DecimalField(
        label="家庭月收入（元）", min_value=0, max_digits=12, decimal_places=2, help_text="全家每月合计收入"
    )
    housing = forms.ChoiceField(label="住房情况", choices=Housing.choices)
    health = forms.CharField(
        label="健康状况", widget=TEXTAREA, required=False, help_text="本人及家庭成员患病、残疾等情况"
    )
    cause = forms.ChoiceField(label="致困原因", choices=HardshipCause.choices)
    cause_detail = forms.CharField(label="困难情况说明", widget=TEXTAREA)
    attachments = MultipleFileField(
        label="证明材料", required=False, help_text="病历、诊断证明、学费通知、失业证明等，可多选"
    )


class HardshipFileForm(ApplicationFieldsMixin):
    """工会代为申请 / 修改申请信息."""

    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="所属工会")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=30)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    employer = forms.ModelChoiceField(queryset=Employer.objects.none(), label="用人单位", required=False)
    employer_name = forms.CharField(
        label="工作单位名称", max_length=100, required=False, help_text="不在用人单位库中时填写"
    )
    applied_on = forms.DateField(label="申请日期", widget=DATE)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        self.fields["org"].queryset = Organization.objects.restrict(user, "view").exclude(status=OrgStatus.DISSOLVED)
        self.fields["employer"].queryset = Employer.objects.restrict(user, "view").order_by("name")
        if instance is not None:
            for name in ("org", "id_number", "applied_on"):
                del self.fields[name]
            self.fields["phone"].help_text = "留空则保持原号码"
            self.initial.update(
                name=instance.name,
                employer=instance.employer_id,
                employer_name=instance.employer_name,
                household_size=instance.household_size,
                housing=instance.housing,
                cause=instance.cause,
                cause_detail=instance.cause_detail,
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance is not None and not cleaned.get("phone"):
            cleaned.pop("phone", None)
        if not cleaned.get("employer") and not (cleaned.get("employer_name") or "").strip():
            self.add_error("employer_name", "请选择用人单位或填写工作单位名称。")
        return cleaned


class PublicApplyForm(ApplicationFieldsMixin):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名（与身份证一致）。"})
    id_number = forms.CharField(
        label="身份证号码", max_length=30, error_messages={"required": "请填写 18 位身份证号码。"}
    )
    phone = forms.CharField(label="手机号码", max_length=20, error_messages={"required": "请填写手机号码。"})
    employer_name = forms.CharField(
        label="工作单位", max_length=100, error_messages={"required": "请填写工作单位名称。"}
    )
    consent = forms.BooleanField(
        label="我已阅读并同意《个人信息处理告知书》",
        error_messages={"required": "请阅读并勾选同意《个人信息处理告知书》后再提交。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update(autocomplete="off")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="numeric")


class StatusForm(forms.Form):
    id_number = forms.CharField(label="身份证号码", max_length=30, error_messages={"required": "请填写身份证号码。"})
    phone = forms.CharField(label="手机号码", max_length=20, error_messages={"required": "请填写手机号码。"})


class ReviewForm(forms.Form):
    passed = forms.TypedChoiceField(
        label="初审结论", choices=[("1", "通过，转入户调查"), ("0", "不通过")], coerce=lambda v: v == "1"
    )
    on = forms.DateField(label="初审日期", widget=DATE)
    opinion = forms.CharField(label="初审意见", max_length=300, widget=TEXTAREA)


class SurveyForm(forms.Form):
    on = forms.DateField(label="入户调查日期", widget=DATE)
    investigators = forms.CharField(label="调查人", max_length=100, help_text="两人以上，用顿号分隔")
    findings = forms.CharField(label="调查情况", widget=TEXTAREA)
    signed_form = forms.FileField(label="签字的入户调查表", help_text="扫描件或照片")


class CivilSendForm(forms.Form):
    on = forms.DateField(label="送民政核对日期", widget=DATE)


class CivilResultForm(forms.Form):
    result = forms.ChoiceField(label="核对结果", choices=CivilResult.choices)
    on = forms.DateField(label="结果返回日期", widget=DATE)
    note = forms.CharField(label="核对说明", max_length=300, required=False)
    document = forms.FileField(label="民政核对结果文书", help_text="扫描件或照片")


class NoticeForm(forms.Form):
    start = forms.DateField(label="公示开始日期", widget=DATE)
    place = forms.CharField(label="公示地点", max_length=100, initial="单位公告栏")
    days = forms.IntegerField(label="公示期（工作日）", min_value=5, max_value=30, initial=5)


class ObjectionForm(forms.Form):
    on = forms.DateField(label="异议日期", widget=DATE)
    note = forms.CharField(label="异议内容及核实情况", widget=TEXTAREA)
    upheld = forms.BooleanField(label="异议成立（不予建档）", required=False)


class EstablishForm(forms.Form):
    level = forms.ChoiceField(label="困难类别", choices=HardshipLevel.choices)
    on = forms.DateField(label="建档日期", widget=DATE)


class AnnualReviewForm(forms.Form):
    on = forms.DateField(label="复核日期", widget=DATE)
    level = forms.ChoiceField(label="复核后困难类别", choices=HardshipLevel.choices)
    note = forms.CharField(label="复核情况", widget=TEXTAREA)


class ExitForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label="类型", choices=[("1", "解困脱困"), ("0", "退档")], coerce=lambda v: v == "1"
    )
    on = forms.DateField(label="日期", widget=DATE)
    reason = forms.CharField(label="原因", max_length=300, widget=TEXTAREA)


class VisitForm(forms.Form):
    on = forms.DateField(label="回访日期", widget=DATE)
    note = forms.CharField(label="回访情况", widget=TEXTAREA)
    relapsed = forms.BooleanField(label="返困（需重新申请建档）", required=False)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", choices=EvidenceKind.choices)
    upload = forms.FileField(label="文件")


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label="导出事由", max_length=200, error_messages={"required": "请填写导出事由，如「年度送温暖名单核对」。"}
    )
    sensitive = forms.BooleanField(label="包含收入、健康等敏感信息（需相应权限）", required=False)
