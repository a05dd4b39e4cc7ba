from __future__ import annotations

from django import forms
from django.utils import timezone

from gonghui.core.forms import ScopedModelForm
from gonghui.members.models import MEMBER_UNION_TYPES, Member
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.utilities.idnumber import parse_id_number
from gonghui.utilities.validators import normalize_phone, validate_mobile

DATE = forms.DateInput(attrs={"type": "date"})


def member_unions(user, action: str = "add"):
    """The unions the user may register members in (choices of the union fields)."""
    from gonghui.core.querysets import scope_q

    if scope_q(user, Member, action) is None:
        return Organization.objects.none()
    return (
        Organization.objects.restrict(user, "view")
        .filter(org_type__in=MEMBER_UNION_TYPES)
        .exclude(status=OrgStatus.DISSOLVED)
    )


class MemberForm(ScopedModelForm):
    id_number = forms.CharField(
        label="身份证号码", max_length=30, help_text="18 位公民身份号码；性别和出生日期由号码自动得出"
    )
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    clear_phone = forms.BooleanField(label="清除手机号码", required=False)

    class Meta:
        model = Member
        fields = [
            "org",
            "name",
            "id_number",
            "phone",
            "clear_phone",
            "ethnicity",
            "education",
            "political_status",
            "employment_category",
            "new_employment_type",
            "is_migrant_worker",
            "employer",
            "employer_name",
            "join_date",
        ]
        labels = {"org": "所属工会"}
        widgets = {"join_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.id_warnings: tuple[str, ...] = ()
        if self.instance.pk:
            del self.fields["org"]  # changing the union is a transfer
            self.fields["id_number"].required = False
            self.fields[
                "id_number"
            ].help_text = f"当前：{self.instance.id_number_masked}。留空表示不修改；填写则替换为新的号码"
            if self.instance.phone_masked:
                self.fields["phone"].help_text = f"当前：{self.instance.phone_masked}。留空表示不修改"
            else:
                del self.fields["clear_phone"]
        else:
            del self.fields["clear_phone"]
            self.fields["org"].queryset = member_unions(self.user, "add")
            self.fields["join_date"].initial = timezone.localdate()
        self.fields["employer"].required = False

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        if not value:
            return ""
        info = parse_id_number(value)
        self.id_warnings = info.warnings
        return info.number

    def clean_phone(self):
        value = normalize_phone(self.cleaned_data.get("phone", ""))
        if value:
            validate_mobile(value)
        return value

    def _post_clean(self):
        # Model validation runs in the service, after the personal data is sealed.
        pass


class LeaveForm(forms.Form):
    date = forms.DateField(label="退会日期", widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label="退会原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class RejoinForm(forms.Form):
    date = forms.DateField(label="重新入会日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="说明", max_length=200, required=False)


class DeceasedForm(forms.Form):
    date = forms.DateField(label="去世日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False)


class TransferDirectForm(forms.Form):
    to_org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="转入工会")
    date = forms.DateField(label="转会日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = member_unions(user, "add").exclude(pk=member.org_id)


class TransferRequestForm(forms.Form):
    to_org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="转入工会")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=30, help_text="须与姓名一致，用于查找该人员现在的会籍")
    reason = forms.CharField(label="转会事由", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.core.querysets import scope_q
        from gonghui.members.models import Transfer

        unions = member_unions(user, "view")
        self.fields["to_org"].queryset = unions if scope_q(user, Transfer, "add") is not None else unions.none()

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number


class TransferApproveForm(forms.Form):
    date = forms.DateField(label="转会日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="审批意见", max_length=200, required=False)


class TransferRejectForm(forms.Form):
    reason = forms.CharField(label="驳回原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
