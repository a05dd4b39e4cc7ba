from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.programmes.models.centres import ServiceCenter
from gonghui.programmes.models.projects import LivelihoodProject
from gonghui.programmes.models.stations import (
    CHECKLIST,
    FACILITIES,
    Inspection,
    InspectionResult,
    Station,
    StationPhoto,
    UsageReport,
)
from gonghui.programmes.services_centres import CENTER_FIELDS
from gonghui.programmes.services_projects import PROJECT_FIELDS
from gonghui.programmes.services_stations import INSPECTION_FIELDS, STATION_FIELDS
from gonghui.targets.models import Indicator

DATE = forms.DateInput(attrs={"type": "date"})


class StationForm(ScopedModelForm):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="所属工会")
    facilities = forms.MultipleChoiceField(
        choices=FACILITIES, label="服务设施", required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Station
        fields = ["org", *STATION_FIELDS]
        widgets = {
            "star_rated_on": DATE,
            "built_on": DATE,
            "remark": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(self.user, "view").exclude(
            status=OrgStatus.DISSOLVED
        )
        if self.instance.pk:
            self.initial["facilities"] = self.instance.facility_codes
        order = ["org", *STATION_FIELDS[:9], "facilities", *STATION_FIELDS[9:]]
        self.order_fields(order)

    def _post_clean(self):
        pass  # model validation runs in the service


class StationPhotoForm(forms.ModelForm):
    class Meta:
        model = StationPhoto
        fields = ["image", "caption"]

    def _post_clean(self):
        pass


class InspectionForm(forms.ModelForm):
    passed_items = forms.MultipleChoiceField(
        choices=CHECKLIST,
        label="达标的检查项",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="逐项勾选达标的项目；未勾选即为不达标",
    )

    class Meta:
        model = Inspection
        fields = list(INSPECTION_FIELDS)
        widgets = {"inspected_on": DATE, "fix_deadline": DATE, "issues_found": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = InspectionResult.choices
        self.order_fields(["inspected_on", "inspector", "passed_items", "result", "issues_found", "fix_deadline"])

    def _post_clean(self):
        pass


class UsageReportForm(forms.ModelForm):
    month = forms.DateField(label="月份", widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"])

    class Meta:
        model = UsageReport
        fields = ["month", "visits", "remark"]

    def _post_clean(self):
        pass


class ServiceCenterForm(ScopedModelForm):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="所属工会")

    class Meta:
        model = ServiceCenter
        fields = ["org", *CENTER_FIELDS]
        widgets = {"started_on": DATE, "completed_on": DATE, "transferred_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(self.user, "view").exclude(
            status=OrgStatus.DISSOLVED
        )

    def _post_clean(self):
        pass


class LivelihoodProjectForm(ScopedModelForm):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="承诺单位")

    class Meta:
        model = LivelihoodProject
        fields = ["org", *PROJECT_FIELDS]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(self.user, "view").exclude(
            status=OrgStatus.DISSOLVED
        )
        self.fields["indicator"].queryset = Indicator.objects.filter(is_active=True)

    def _post_clean(self):
        pass


class ProjectReportForm(forms.Form):
    reported_value = forms.DecimalField(label="完成数", min_value=0, max_digits=14, decimal_places=2)
    reported_on = forms.DateField(label="截至日期", widget=DATE)
