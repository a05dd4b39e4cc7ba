"""Forms of the quarterly report pages. Values are parsed and checked by the service, not here, so the
page and the API give the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from gonghui.notices.forms import MultipleFileField
from gonghui.notices.models import ATTACHMENT_TYPES_LABEL, validate_attachment
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.targets.models import QuarterlyReport, ReportAttachment
from gonghui.targets.selectors_reports import number_display
from gonghui.utilities.periods import Period

QUARTER_CHOICES = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]


def year_choices(today=None) -> list[tuple[int, str]]:
    today = today or timezone.localdate()
    return [(year, f"{year}年") for year in range(today.year, today.year - 6, -1)]


def reporting_orgs(user):
    """Units the user may open a report for: visible, not dissolved, and the user's own or below
    (the service re-checks the add permission over the unit)."""
    orgs = Organization.objects.restrict(user, "view").exclude(status=OrgStatus.DISSOLVED)
    if user.org_id:
        orgs = orgs.filter(path__startswith=user.org.path)
    return orgs.order_by("path")


class ReportOpenForm(forms.Form):
    """填报本季度: the unit (the user's own by default), year and quarter of the report to open."""

    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="填报单位")
    year = forms.TypedChoiceField(coerce=int, label="年度")
    quarter = forms.TypedChoiceField(coerce=int, choices=QUARTER_CHOICES, label="季度")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["org"].queryset = reporting_orgs(user)
        self.fields["year"].choices = year_choices()
        current = Period.containing(timezone.localdate(), "quarter")
        self.fields["year"].initial = current.year
        self.fields["quarter"].initial = current.index
        if user.org_id:
            self.fields["org"].initial = user.org_id


class ReportEditForm(forms.Form):
    """The narrative, one input per reported figure (``value_<key>``, ``note_<key>``) and attachments."""

    highlights = forms.CharField(
        label="工作亮点", required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text="报送时必填"
    )
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    next_steps = forms.CharField(label="下步打算", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    new_attachments = MultipleFileField(
        required=False,
        label="上传附件",
        validators=[validate_attachment],
        help_text=f"可多选；支持 {ATTACHMENT_TYPES_LABEL}，每个文件不超过 20 MB",
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        queryset=ReportAttachment.objects.none(),
        required=False,
        label="删除已有附件",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, report: QuarterlyReport, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.value_rows = list(report.values.select_related("indicator").order_by("indicator__sort", "pk"))
        for row in self.value_rows:
            key = row.indicator.key
            if not row.is_computed:
                self.fields[f"value_{key}"] = forms.CharField(
                    label=row.indicator.name,
                    required=False,
                    initial=number_display(row.value),
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
                )
            self.fields[f"note_{key}"] = forms.CharField(
                label=f"{row.indicator.name}说明", required=False, max_length=200, initial=row.note
            )
        for field in ("highlights", "problems", "next_steps"):
            self.fields[field].initial = getattr(report, field)
        self.fields["remove_attachments"].queryset = report.attachments.all()

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "highlights": data["highlights"],
            "problems": data["problems"],
            "next_steps": data["next_steps"],
            "values": {
                row.indicator.key: data.get(f"value_{row.indicator.key}")
                for row in self.value_rows
                if not row.is_computed
            },
            "notes": {row.indicator.key: data.get(f"note_{row.indicator.key}", "") for row in self.value_rows},
        }

    def bound_value(self, key: str):
        name = f"value_{key}"
        return self[name] if name in self.fields else None


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回意见", max_length=500, widget=forms.Textarea(attrs={"rows": 4}), help_text="说明需要修改的内容"
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label="审核意见（可不填）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="重新打开原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text="将记入操作记录"
    )


class OverdueFilterForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Organization.objects.none(), required=False, label="上级单位")
    year = forms.TypedChoiceField(coerce=int, required=False, label="年度")
    quarter = forms.TypedChoiceField(coerce=int, choices=QUARTER_CHOICES, required=False, label="季度")
    show = forms.ChoiceField(choices=[("overdue", "仅逾期和未报"), ("all", "全部单位")], required=False, label="显示")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organization.objects.restrict(user, "view")
        self.fields["year"].choices = year_choices()
