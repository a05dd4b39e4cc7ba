"""Forms of the health-check and recuperation pages (model validation runs in the services)."""

from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.honours.forms_common import MemberField
from gonghui.members.models import EmploymentCategory, Member
from gonghui.orgs.models import Employer, Organization, OrgStatus
from gonghui.programmes.models.health import EligibleGroup, ExamVehicleVisit, HealthCheckBatch
from gonghui.programmes.models.recuperation import ParticipantStatus, RecuperationGroup, RecuperationRoute
from gonghui.programmes.services_health import BATCH_FIELDS, VISIT_FIELDS
from gonghui.programmes.services_recuperation import GROUP_FIELDS, ROUTE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})


def _orgs(user):
    return Organization.objects.restrict(user, "view").exclude(status=OrgStatus.DISSOLVED)


class HealthBatchForm(ScopedModelForm):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="主办单位")
    eligible_categories = forms.MultipleChoiceField(
        choices=EmploymentCategory.choices,
        label="人员类别",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="只限这些人员类别；不选为不限",
    )
    eligible_groups = forms.MultipleChoiceField(
        choices=EligibleGroup.choices,
        label="体检对象",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="符合其中任一项即可；不选为全体在会会员。劳模取自荣誉库中已授予的劳模、先进",
    )

    class Meta:
        model = HealthCheckBatch
        fields = ["org", *BATCH_FIELDS]
        widgets = {"start_on": DATE, "end_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(self.user)

    def _post_clean(self):
        pass


class AllocationForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="单位")
    slots = forms.IntegerField(label="名额", min_value=1)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, batch: HealthCheckBatch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user).filter(path__subtree=batch.org.path)


class AppointmentForm(forms.Form):
    member = MemberField()
    scheduled_on = forms.DateField(label="预约日期", widget=DATE)
    visit = forms.ModelChoiceField(
        queryset=ExamVehicleVisit.objects.none(), label="体检车站点", required=False, help_text="到单位体检的选站点"
    )
    front_line = forms.BooleanField(label="一线岗位", required=False, help_text="农民工、新就业形态以外的一线职工勾选")
    job_post = forms.CharField(label="岗位", max_length=60, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, batch: HealthCheckBatch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.restrict(user, "view")
        self.fields["visit"].queryset = batch.visits.exclude(status="cancelled").select_related("employer")


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label="体检日期", widget=DATE)


class VisitForm(ScopedModelForm):
    employer = forms.ModelChoiceField(queryset=Employer.objects.none(), label="用人单位")

    class Meta:
        model = ExamVehicleVisit
        fields = ["employer", *VISIT_FIELDS]
        widgets = {"visit_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.restrict(self.user, "view").order_by("name")
        if self.instance.pk:
            self.fields["employer"].disabled = True

    def _post_clean(self):
        pass


class RouteForm(ScopedModelForm):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="组织单位")

    class Meta:
        model = RecuperationRoute
        fields = ["org", *ROUTE_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(self.user)

    def _post_clean(self):
        pass


class GroupForm(forms.ModelForm):
    class Meta:
        model = RecuperationGroup
        fields = list(GROUP_FIELDS)
        widgets = {"start_on": DATE, "end_on": DATE}

    def _post_clean(self):
        pass


class ParticipantForm(forms.Form):
    group = forms.ModelChoiceField(queryset=RecuperationGroup.objects.none(), label="批次")
    member = MemberField()
    front_line = forms.BooleanField(label="一线职工", required=False, help_text="农民工、新就业形态以外的一线职工勾选")
    repeat_allowed = forms.BooleanField(
        label="例外：允许本年度再次参加", required=False, help_text="确需再次参加的，须写明理由"
    )
    repeat_reason = forms.CharField(label="例外理由", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, route: RecuperationRoute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.restrict(user, "view")
        self.fields["group"].queryset = route.groups.all()


class ParticipantStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="改为",
        choices=[(s.value, s.label) for s in ParticipantStatus if s != ParticipantStatus.APPLIED],
    )
    completed_on = forms.DateField(label="完成日期", widget=DATE, required=False, help_text="不填按返回日期")


class QuotaForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="单位")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quota = forms.IntegerField(label="名额(人)", min_value=1)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user)
