from __future__ import annotations

from django import forms
from django.utils import timezone

from gonghui.notices.forms import MultipleFileField
from gonghui.notices.models import ATTACHMENT_TYPES_LABEL, validate_attachment
from gonghui.orgs.models import Employer, Organization, OrgStatus
from gonghui.orgs.models_establishment import EstablishmentCase, EstablishmentState, LeadSource
from gonghui.orgs.selectors_establishment import TERM_TYPES, parents_for

DATE = forms.DateInput(attrs={"type": "date"})
FILES_HELP = f"可多选，{ATTACHMENT_TYPES_LABEL}，每个不超过 20 MB"


def _files(label: str = "材料") -> MultipleFileField:
    return MultipleFileField(label=label, required=False, validators=[validate_attachment], help_text=FILES_HELP)


class EstablishmentCaseForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="上级工会", help_text="批复建会的上级工会")
    employers = forms.ModelMultipleChoiceField(
        queryset=Employer.objects.none(),
        label="用人单位",
        required=False,
        help_text="基层工会选一个单位；联合基层工会选两个及以上小微企业（按住 Ctrl 多选）",
    )
    union_name = forms.CharField(label="拟建工会名称", max_length=100)
    union_type = forms.ChoiceField(label="工会类型", choices=EstablishmentCase._meta.get_field("union_type").choices)
    union_code = forms.CharField(
        label="拟用组织编码", max_length=32, help_text="批复成立时作为新组织的编码，系统内唯一"
    )
    region_code = forms.CharField(
        label="行政区划代码", max_length=6, required=False, help_text="留空则取用人单位的区划"
    )
    lead_source = forms.ChoiceField(label="线索来源", choices=LeadSource.choices, initial=LeadSource.MANUAL)
    applicant_name = forms.CharField(label="申请联系人", max_length=40)
    worker_count = forms.IntegerField(
        label="职工人数", min_value=0, required=False, help_text="留空则按用人单位职工数合计"
    )
    applied_on = forms.DateField(label="申请日期", widget=DATE)
    term_years = forms.TypedChoiceField(label="任期(年)", choices=[(5, "5 年"), (3, "3 年")], coerce=int, initial=5)
    remark = forms.CharField(label="申请说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = _files("申请材料")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = parents_for(user)
        self.fields["employers"].queryset = Employer.objects.restrict(user, "view").filter(union__isnull=True)
        self.fields["applied_on"].initial = timezone.localdate()

    def clean_worker_count(self):
        return self.cleaned_data.get("worker_count") or 0


class StepForm(forms.Form):
    """The fields a step needs; the view drops those that do not apply to the case's state."""

    acted_on = forms.DateField(label="办理日期", widget=DATE)
    member_count = forms.IntegerField(label="会员人数", min_value=1, required=False)
    election_on = forms.DateField(label="选举日期", widget=DATE, required=False)
    chair_name = forms.CharField(label="当选主席", max_length=40, required=False)
    vice_chairs = forms.CharField(label="当选副主席", max_length=200, required=False, help_text="多人用顿号分隔")
    committee = forms.CharField(
        label="当选委员", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="多人用顿号分隔"
    )
    note = forms.CharField(label="办理意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = _files()

    FIELDS_BY_STATE = {
        EstablishmentState.APPLIED: ("acted_on", "note", "files"),
        EstablishmentState.PREPARING: ("acted_on", "member_count", "note", "files"),
        EstablishmentState.ASSEMBLED: (
            "acted_on",
            "election_on",
            "chair_name",
            "vice_chairs",
            "committee",
            "note",
            "files",
        ),
        EstablishmentState.ELECTED: ("acted_on", "note", "files"),
        EstablishmentState.RETURNED: ("acted_on", "note", "files"),
    }

    def __init__(self, *args, state: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.FIELDS_BY_STATE.get(state, ("acted_on", "note", "files"))
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["acted_on"].initial = timezone.localdate()
        if state == EstablishmentState.ASSEMBLED:
            self.fields["chair_name"].required = True


class ReasonForm(forms.Form):
    acted_on = forms.DateField(label="办理日期", widget=DATE)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acted_on"].initial = timezone.localdate()


class DocumentsForm(forms.Form):
    files = _files()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].required = True


class ReElectionForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="换届工会")
    planned_on = forms.DateField(label="计划选举日期", widget=DATE, required=False)
    remark = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = _files("换届材料")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, "view").filter(
            status=OrgStatus.ACTIVE, org_type__in=TERM_TYPES
        )


class ResultsForm(forms.Form):
    election_on = forms.DateField(label="选举日期", widget=DATE)
    term_start = forms.DateField(label="新一届任期开始", widget=DATE, required=False, help_text="留空则为选举日期")
    term_end = forms.DateField(label="新一届任期届满", widget=DATE, required=False, help_text="留空则按任期年限推算")
    chair_name = forms.CharField(label="当选主席", max_length=40)
    vice_chairs = forms.CharField(label="当选副主席", max_length=200, required=False, help_text="多人用顿号分隔")
    committee = forms.CharField(
        label="当选委员", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="多人用顿号分隔"
    )
    files = _files("选举材料")


class ApproveForm(forms.Form):
    approved_on = forms.DateField(label="批复日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_on"].initial = timezone.localdate()
