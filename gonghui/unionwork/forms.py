from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.orgs.models import Employer, Organization, OrgStatus, OrgType
from gonghui.unionwork.models import (
    DuesRecord,
    DuesShareScheme,
    InfoAdoption,
    InfoItem,
    InfoScoreRule,
    JointMeeting,
    JointMeetingDecision,
    JointMeetingObligation,
    Trainee,
    TrainingCourse,
)
from gonghui.unionwork.services_dues import DUES_FIELDS, SCHEME_FIELDS
from gonghui.unionwork.services_info import ITEM_FIELDS, RULE_FIELDS
from gonghui.unionwork.services_meetings import MEETING_FIELDS, OBLIGATION_FIELDS
from gonghui.unionwork.services_training import COURSE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


def _units(user, federation: bool = False):
    queryset = Organization.objects.restrict(user, "view").exclude(status=OrgStatus.DISSOLVED)
    return queryset.filter(org_type=OrgType.FEDERATION) if federation else queryset


class _ServiceValidated(ScopedModelForm):
    def _post_clean(self):
        pass  # model validation runs in the service


class DuesRecordForm(_ServiceValidated):
    period = forms.DateField(label="所属期", widget=MONTH, input_formats=["%Y-%m", "%Y-%m-%d"], help_text="所属月份")

    class Meta:
        model = DuesRecord
        fields = ["employer", *DUES_FIELDS]
        widgets = {"paid_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.restrict(self.user, "view").order_by("name")


class DuesShareSchemeForm(_ServiceValidated):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="制定单位（总工会）")

    class Meta:
        model = DuesShareScheme
        fields = ["org", *SCHEME_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _units(self.user, federation=True)


class DuesImportForm(forms.Form):
    file = forms.FileField(label="经费月报文件", help_text="税务部门提供的工会经费入库明细（.xlsx、.xls、.csv）")
    mode = forms.ChoiceField(
        label="导入方式",
        choices=[
            ("valid-only", "只导入正确的行（有错误的行跳过，在结果中列出）"),
            ("all-or-nothing", "整批导入（任何一行有错误则全部不导入）"),
        ],
        initial="valid-only",
        widget=forms.RadioSelect,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 30 * 1024 * 1024:
            raise forms.ValidationError("文件超过 30 MB，请按月拆分后分别导入。")
        return upload


class TrainingCourseForm(_ServiceValidated):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="主办工会")

    class Meta:
        model = TrainingCourse
        fields = ["org", *COURSE_FIELDS]
        widgets = {"start_on": DATE, "end_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _units(self.user)


class TraineeForm(_ServiceValidated):
    member_card = forms.CharField(
        label="会员证号", required=False, max_length=15, help_text="学员是会员时填写，姓名和单位从会员名册带出"
    )

    class Meta:
        model = Trainee
        fields = ["name", "work_unit", "position", "is_chair", "user", "hours_attended", "completed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        from gonghui.accounts.models import User

        self.fields["user"].queryset = User.objects.restrict(self.user, "view").filter(is_active=True)
        self.order_fields(["member_card", "user", "name", "work_unit", "position", "is_chair"])

    def clean_member_card(self):
        from gonghui.members.models import Member

        number = (self.cleaned_data.get("member_card") or "").strip()
        if not number:
            return None
        member = Member.objects.restrict(self.user, "view").filter(member_card_number=number).first()
        if member is None:
            raise forms.ValidationError(f"没有找到会员证号为 {number} 的会员（或不在您的数据权限范围内），请核对。")
        return member

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["member"] = data.pop("member_card", None)
        return data


class TraineeProgressForm(forms.Form):
    hours_attended = forms.DecimalField(label="实到学时", min_value=0, max_digits=5, decimal_places=1)
    completed = forms.BooleanField(label="结业", required=False)


class InfoItemForm(_ServiceValidated):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="报送单位")

    class Meta:
        model = InfoItem
        fields = ["org", *ITEM_FIELDS, "attachment"]
        widgets = {"submitted_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _units(self.user)


class InfoAdoptionForm(forms.ModelForm):
    class Meta:
        model = InfoAdoption
        fields = ["adopter_level", "adopter_name", "adopted_on"]
        widgets = {"adopted_on": DATE}

    def _post_clean(self):
        pass


class InfoScoreRuleForm(_ServiceValidated):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="制定单位（总工会）")

    class Meta:
        model = InfoScoreRule
        fields = ["org", *RULE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _units(self.user, federation=True)


class ObligationForm(_ServiceValidated):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="召开单位（总工会）")

    class Meta:
        model = JointMeetingObligation
        fields = ["org", *OBLIGATION_FIELDS]
        widgets = {"deadline": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _units(self.user, federation=True)


class JointMeetingForm(_ServiceValidated):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="召开单位（总工会）")

    class Meta:
        model = JointMeeting
        fields = ["org", *MEETING_FIELDS, "minutes"]
        widgets = {
            "held_on": DATE,
            "government_attendees": forms.Textarea(attrs={"rows": 3}),
            "union_attendees": forms.Textarea(attrs={"rows": 3}),
            "departments": forms.TextInput(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _units(self.user, federation=True)


class DecisionForm(_ServiceValidated):
    class Meta:
        model = JointMeetingDecision
        fields = ["title", "description", "lead_department", "lead_unit", "deadline"]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = _units(self.user)
        if meeting is not None:
            queryset = queryset.filter(path__startswith=meeting.org.path)
        self.fields["lead_unit"].queryset = queryset
        self.fields["lead_unit"].required = False
        self.fields["lead_unit"].help_text = "留空为召开会议的总工会；牵头政府部门另填"
