from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.orgs.models import Employer, Organization, OrgStatus
from gonghui.programmes.models.jobfairs import JobFair, JobFairEmployer
from gonghui.programmes.services_jobfairs import EMPLOYER_FIELDS, FAIR_FIELDS, FIGURES, has_employer_rows

DATE = forms.DateInput(attrs={"type": "date"})


def _optional_figures(form) -> None:
    for name in FIGURES:
        form.fields[name].required = False
        form.fields[name].widget.attrs.setdefault("placeholder", "0")


def _zero_figures(data: dict) -> None:
    for name in FIGURES:
        if data.get(name) is None:
            data[name] = 0


class JobFairForm(ScopedModelForm):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="承办工会")

    class Meta:
        model = JobFair
        fields = ["org", *FAIR_FIELDS]
        widgets = {"held_on": DATE, "ends_on": DATE, "remark": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(self.user, "view").exclude(
            status=OrgStatus.DISSOLVED
        )
        _optional_figures(self)
        if has_employer_rows(self.instance):
            for name in FIGURES:
                self.fields[name].disabled = True
                self.fields[name].help_text = "已登记参会单位，按参会单位明细自动汇总"

    def clean(self):
        data = super().clean()
        _zero_figures(data)
        return data

    def _post_clean(self):
        pass  # model validation runs in the service


class JobFairEmployerForm(ScopedModelForm):
    employer = forms.ModelChoiceField(
        queryset=Employer.objects.none(),
        label="已登记的用人单位",
        required=False,
        help_text="已在系统登记的单位请选择；未登记的单位留空，在下面填写名称",
    )
    employer_name = forms.CharField(label="参会单位名称", max_length=100, required=False)

    class Meta:
        model = JobFairEmployer
        fields = list(EMPLOYER_FIELDS)
        widgets = {"remark": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.restrict(self.user, "view").order_by("name")
        _optional_figures(self)

    def clean(self):
        data = super().clean()
        _zero_figures(data)
        if not data.get("employer") and not (data.get("employer_name") or "").strip():
            self.add_error("employer_name", "请选择已登记的用人单位，或填写参会单位名称。")
        return data

    def _post_clean(self):
        pass
