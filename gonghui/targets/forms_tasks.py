"""Forms of the supervision task pages. Choices come through ``restrict``; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from gonghui.core.forms import ScopedModelForm
from gonghui.notices.models import ATTACHMENT_TYPES_LABEL, validate_attachment
from gonghui.targets import selectors_tasks as selectors
from gonghui.targets.models import Task, TaskState

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class TaskForm(ScopedModelForm):
    class Meta:
        model = Task
        fields = [
            "title",
            "source",
            "assigned_by",
            "org",
            "cooperating_units",
            "deadline",
            "responsible_leader",
            "department",
            "owner_name",
            "owner",
            "description",
        ]
        labels = {"org": "牵头单位"}
        help_texts = {
            "assigned_by": "负责督办和验收的单位，默认为本单位",
            "org": "须是交办单位或其下级单位",
            "cooperating_units": "可多选；须是交办单位或其下级单位",
            "owner": "可选：牵头单位的用户账号",
        }
        widgets = {"deadline": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.unit_choices(self.user)
        for name in ("assigned_by", "org", "cooperating_units"):
            self.fields[name].queryset = units
        self.fields["owner"].queryset = (
            get_user_model().objects.restrict(self.user, "view").filter(is_active=True).order_by("org__path", "pk")
        )
        if self.instance.pk:
            # The assigning unit stays as set; the lead unit only changes before it is received.
            del self.fields["assigned_by"]
            if self.instance.state != TaskState.ASSIGNED:
                self.fields["org"].disabled = True
                self.fields["org"].help_text = "事项已被接收，不能更换牵头单位"
        else:
            self.fields["assigned_by"].required = False
            if self.user.org_id and units.filter(pk=self.user.org_id).exists():
                self.fields["assigned_by"].initial = self.user.org_id

    def _post_clean(self):
        # Model validation runs in the service, with the rules about units and deadlines.
        pass


class MilestoneForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="节点", max_length=200, required=False)
    due_date = forms.DateField(label="节点时限", required=False, widget=DATE_INPUT)


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, can_delete=True, max_num=30, validate_max=True)


def milestone_rows(formset) -> list[dict]:
    """The rows the service gets: the filled, not deleted ones."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if data and not data.get("DELETE"):
            rows.append({"id": data.get("id"), "title": data.get("title"), "due_date": data.get("due_date")})
    return rows


class TaskNoteForm(forms.Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    file = forms.FileField(
        label="附件",
        required=False,
        validators=[validate_attachment],
        help_text=f"可选；支持 {ATTACHMENT_TYPES_LABEL}，不超过 20 MB",
    )


class ReportForm(forms.Form):
    completion_report = forms.CharField(label="办结情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class AcceptForm(forms.Form):
    note = forms.CharField(label="验收意见", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class SendBackForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class UrgeForm(forms.Form):
    text = forms.CharField(label="催办意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
