"""Forms of the 产改 pages."""

from __future__ import annotations

from django import forms

from gonghui.accounts.models import User
from gonghui.core.forms import ScopedModelForm
from gonghui.honours.models import DemoSite, PilotEnterprise, ReformMeasure
from gonghui.honours.selectors_competitions import ancestor_paths
from gonghui.orgs.models import OrgType

DATE = forms.DateInput(attrs={"type": "date"})


class PilotForm(ScopedModelForm):
    class Meta:
        model = PilotEnterprise
        fields = ["employer", "org", "batch", "designated_on", "feature", "status"]
        labels = {"org": "负责工会"}
        widgets = {"designated_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not self.instance.pk and user.org_id:
            self.fields["org"].initial = user.org_id


class MeasureForm(forms.ModelForm):
    class Meta:
        model = ReformMeasure
        fields = ["title", "due_on", "status", "done_on", "note"]
        widgets = {"due_on": DATE, "done_on": DATE}


class LiaisonForm(forms.Form):
    staff = forms.ModelChoiceField(label="挂点联系人", queryset=User.objects.none())
    since = forms.DateField(label="挂点开始", widget=DATE)
    note = forms.CharField(label="联系内容", max_length=300, required=False)

    def __init__(self, *args, user, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        paths = ancestor_paths(pilot.org)
        self.fields["staff"].queryset = (
            User.objects.restrict(user, "view")
            .filter(is_active=True, org__path__in=paths, org__org_type=OrgType.FEDERATION)
            .order_by("org__path", "username")
        )
        self.fields["staff"].label_from_instance = lambda u: f"{u.display_name or u.username}（{u.org.name}）"


class DemoSiteForm(ScopedModelForm):
    class Meta:
        model = DemoSite
        fields = ["name", "level", "org", "employer", "named_on", "named_by", "description"]
        labels = {"org": "负责工会"}
        widgets = {"named_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not self.instance.pk and user.org_id:
            self.fields["org"].initial = user.org_id
