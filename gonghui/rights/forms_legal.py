"""Forms of legal aid, lawyers, duty slots, committees, contracts and instructors."""

from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.rights.models import (
    BargainingInstructor,
    CollectiveContract,
    DocumentKind,
    DutySlot,
    Lawyer,
    LegalAidCase,
    LegalSupervisionCommittee,
)
from gonghui.targets.selectors_tasks import unit_choices


class _OrgForm(ScopedModelForm):
    """``org`` offers the user's units, defaulting to the user's own; a phone field is sealed by the service."""

    with_phone = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = unit_choices(self.user)
        if not self.instance.pk and self.user.org_id:
            self.fields["org"].initial = self.user.org_id
        if self.with_phone:
            masked = self.instance.phone_masked if self.instance.pk else ""
            self.fields["phone"] = forms.CharField(
                label="联系电话（手机）",
                required=False,
                max_length=20,
                help_text=f"已保存：{masked or '无'}；留空则不修改"
                if self.instance.pk
                else "加密保存，页面只显示脱敏号码",
            )

    def _post_clean(self):
        pass  # model validation runs in the service


class LegalAidForm(_OrgForm):
    with_phone = True

    class Meta:
        model = LegalAidCase
        fields = [
            "org",
            "kind",
            "applicant_name",
            "persons_count",
            "employer_name",
            "summary",
            "lawyer",
            "rights_case",
            "accepted_on",
            "closed_on",
            "outcome",
            "amount_recovered",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "accepted_on": forms.DateInput(),
            "closed_on": forms.DateInput(),
        }
        labels = {"org": "承办单位"}


class LawyerForm(_OrgForm):
    with_phone = True

    class Meta:
        model = Lawyer
        fields = ["org", "name", "kind", "law_firm", "license_number", "specialties", "contract_ends_on", "is_active"]
        widgets = {"contract_ends_on": forms.DateInput()}
        labels = {"org": "所属单位"}


class DutySlotForm(_OrgForm):
    class Meta:
        model = DutySlot
        fields = ["org", "lawyer", "location", "date", "start_time", "end_time", "capacity"]
        widgets = {
            "date": forms.DateInput(),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }
        labels = {"org": "驻点所属单位"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = Lawyer.objects.restrict(self.user, "view").filter(is_active=True)


class CommitteeForm(_OrgForm):
    members_text = forms.CharField(
        label="委员名单",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一位：姓名,职务,工作岗位（职务默认为委员），如：王芳,副主任,车间主任",
    )

    class Meta:
        model = LegalSupervisionCommittee
        fields = ["org", "name", "employer", "established_on", "chair_name"]
        widgets = {"established_on": forms.DateInput()}
        labels = {"org": "所属工会"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["members_text"].initial = "\n".join(
                ",".join(filter(None, (m.name, m.position, m.workplace))) for m in self.instance.members.all()
            )

    def member_rows(self) -> list[dict]:
        rows = []
        for line in (self.cleaned_data.get("members_text") or "").splitlines():
            parts = [part.strip() for part in line.replace("，", ",").split(",")]
            if parts and parts[0]:
                rows.append(
                    {
                        "name": parts[0],
                        "position": parts[1] if len(parts) > 1 else "",
                        "workplace": parts[2] if len(parts) > 2 else "",
                    }
                )
        return rows


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="文书类型", choices=DocumentKind.choices)
    issued_on = forms.DateField(label="发出日期", widget=forms.DateInput(attrs={"type": "date"}))
    subject = forms.CharField(label="事由", max_length=200)
    content = forms.CharField(label="主要内容", widget=forms.Textarea(attrs={"rows": 3}))
    reply_due = forms.DateField(label="要求答复日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ReplyForm(forms.Form):
    replied_on = forms.DateField(label="单位答复日期", widget=forms.DateInput(attrs={"type": "date"}))
    reply = forms.CharField(label="单位答复及整改情况", widget=forms.Textarea(attrs={"rows": 2}))


class ContractForm(_OrgForm):
    class Meta:
        model = CollectiveContract
        fields = [
            "org",
            "kind",
            "title",
            "employers",
            "employer_names",
            "signed_on",
            "starts_on",
            "ends_on",
            "workers_covered",
            "wage_increase",
            "filed_on",
            "filing_number",
        ]
        widgets = {
            "signed_on": forms.DateInput(),
            "starts_on": forms.DateInput(),
            "ends_on": forms.DateInput(),
            "filed_on": forms.DateInput(),
        }
        labels = {"org": "签约工会"}


class InstructorForm(_OrgForm):
    with_phone = True

    class Meta:
        model = BargainingInstructor
        fields = ["org", "name", "background", "appointed_on", "assigned_units", "is_active"]
        widgets = {"appointed_on": forms.DateInput()}
        labels = {"org": "聘任单位"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_units"].queryset = unit_choices(self.user)


class BookingForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号码", max_length=20)
    topic = forms.CharField(label="咨询事项", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
