"""Forms of the rights pages. Choices come through ``restrict``; the rules live in the services."""

from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.notices.models import ATTACHMENT_TYPES_LABEL, validate_attachment
from gonghui.rights import selectors
from gonghui.rights.models import Outcome, RightsCase, Satisfaction

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CaseForm(ScopedModelForm):
    id_number = forms.CharField(
        label="身份证号码", required=False, max_length=30, help_text="可选；加密保存，页面只显示脱敏号码"
    )
    phone = forms.CharField(
        label="联系电话（手机）", required=False, max_length=20, help_text="可选；用于回访，加密保存"
    )
    file = forms.FileField(
        label="材料附件",
        required=False,
        validators=[validate_attachment],
        help_text=f"可选；来信扫描件、录音记录等，支持 {ATTACHMENT_TYPES_LABEL}",
    )

    class Meta:
        model = RightsCase
        fields = [
            "channel",
            "received_at",
            "received_by",
            "category",
            "tier",
            "title",
            "description",
            "is_anonymous",
            "complainant_name",
            "persons_count",
            "is_group_incident",
            "employer",
            "employer_name",
        ]
        widgets = {"received_at": DATETIME_INPUT, "description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "received_by": "默认本单位（如 12351 热线受理中心所在工会）",
            "is_group_incident": "涉及人数达到群体性标准时自动标记，并立即通知上级工会",
            "employer": "已登记的用人单位可直接选择；未登记的填写下面的单位名称",
            "tier": "简单：1 天办结；一般：5 天；复杂：15 天（派单 30 分钟、响应 2 小时、回访 24 小时）",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_by"].queryset = selectors.unit_choices(self.user)
        self.fields["received_by"].required = False
        self.fields["received_at"].required = False
        self.fields["received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if self.instance.pk:
            for name in ("received_by", "received_at", "channel", "file"):
                del self.fields[name]
            self.fields["id_number"].help_text = f"已保存：{self.instance.id_number_masked or '无'}；留空则不修改"
            self.fields["phone"].help_text = f"已保存：{self.instance.phone_masked or '无'}；留空则不修改"
        elif self.user.org_id:
            self.fields["received_by"].initial = self.user.org_id

    def _post_clean(self):
        pass  # model validation runs in the service


class UnitStepForm(forms.Form):
    to_org = forms.ModelChoiceField(label="承办单位", queryset=None)
    note = forms.CharField(label="派单意见", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = selectors.unit_choices(user)


class TransferForm(forms.Form):
    to_org = forms.ModelChoiceField(label="转办单位", queryset=None)
    reason = forms.CharField(label="转办原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = selectors.unit_choices(user)


class RespondForm(forms.Form):
    text = forms.CharField(label="响应情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label="办理情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label="附件", required=False, validators=[validate_attachment])


class UrgeForm(forms.Form):
    text = forms.CharField(label="督办意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", choices=[("", "请选择"), *list(Outcome.choices)])
    amount_recovered = forms.DecimalField(label="挽回金额（元）", required=False, min_value=0, decimal_places=2)
    resolution = forms.CharField(label="办理情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class CallbackForm(forms.Form):
    satisfaction = forms.ChoiceField(label="满意度", choices=[("", "请选择"), *list(Satisfaction.choices)])
    note = forms.CharField(label="回访情况", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
