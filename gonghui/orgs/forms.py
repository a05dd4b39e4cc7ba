from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.orgs.models import UNION_TYPES, Employer, Organization, OrgStatus
from gonghui.orgs.services import EMPLOYER_FIELDS, ORG_FIELDS


class OrganizationForm(ScopedModelForm):
    parent = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        label="上级单位",
        required=False,
        help_text="新设立的组织挂在哪个单位之下",
    )

    class Meta:
        model = Organization
        fields = list(ORG_FIELDS)
        widgets = {"founded_on": forms.DateInput(), "term_end": forms.DateInput()}

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organization.objects.restrict(self.user, "add").exclude(
            status=OrgStatus.DISSOLVED
        )
        self.fields["status"].choices = [c for c in OrgStatus.choices if c[0] != OrgStatus.DISSOLVED]
        if self.instance.pk:
            del self.fields["parent"]  # moving is its own action
        elif parent is not None:
            self.fields["parent"].initial = parent.pk

    def _post_clean(self):
        # Model validation runs in the service (with the tree placement rules).
        pass


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(queryset=Organization.objects.none(), label="新的上级单位")

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = (
            Organization.objects.restrict(user, "change")
            .exclude(path__subtree=org.path)
            .exclude(status=OrgStatus.DISSOLVED)
        )


class DissolveForm(forms.Form):
    dissolved_on = forms.DateField(label="撤销日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="撤销原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class EmployerForm(ScopedModelForm):
    org = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        label="负责单位",
        required=False,
        help_text="没有基层工会的单位，选择负责联系的乡镇(街道)或上级工会",
    )

    class Meta:
        model = Employer
        fields = [*EMPLOYER_FIELDS, "org"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Organization.objects.restrict(self.user, "view").exclude(status=OrgStatus.DISSOLVED)
        self.fields["union"].queryset = visible.filter(org_type__in=UNION_TYPES)
        self.fields["org"].queryset = visible

    def _post_clean(self):
        pass
