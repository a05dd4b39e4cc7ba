"""Forms of the plans, targets and indicator pages. Choices come through ``restrict``."""

from __future__ import annotations

import json

from django import forms
from django.utils import timezone

from gonghui.core.forms import ScopedModelForm
from gonghui.orgs.models import Organization
from gonghui.targets.models import Indicator, IndicatorKind, Plan, Target
from gonghui.targets.services import PLAN_FIELDS

SPREADSHEET_TYPES = ".xlsx,.xls,.ods,.csv"
COMPONENTS_EXAMPLE = '[{"key": "health_checks", "weight": 50}]'


class PlanForm(ScopedModelForm):
    """Editing a plan's title and settings (the unit and year are fixed once created)."""

    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = "留空则为“单位名称+年度+工作计划”"


class PlanCreateForm(PlanForm):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="单位")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, "view")
        self.fields["year"].initial = timezone.localdate().year
        if user.org_id and not self.initial.get("org"):
            self.fields["org"].initial = user.org_id
        self.order_fields(["org", "year"])


class TargetForm(ScopedModelForm):
    """One own target of a plan's unit: the indicator is chosen only when adding."""

    class Meta:
        model = Target
        fields = ("indicator", "value", "weight", "note")

    def __init__(self, *args, user, plan: Plan | None = None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            del self.fields["indicator"]
        else:
            taken = Target.objects.filter(org=plan.org, year=plan.year).values("indicator_id")
            self.fields["indicator"].queryset = (
                Indicator.objects.restrict(user, "view").filter(is_active=True).exclude(pk__in=taken)
            )


class IndicatorForm(ScopedModelForm):
    phrases_text = forms.CharField(
        label="常见表述", required=False, help_text="用逗号或顿号分隔，如：组建基层工会、新建工会"
    )
    components_text = forms.CharField(
        label="组成指标",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='综合型指标填写，JSON 格式，如 [{"key": "health_checks", "weight": 50}, '
        '{"key": "relief_beneficiaries", "weight": 50}]，权重合计 100',
    )

    class Meta:
        model = Indicator
        fields = ("key", "name", "unit", "category", "kind", "description", "is_active", "sort")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        instance = self.instance
        if instance.pk:
            self.fields["key"].disabled = True
            self.fields["phrases_text"].initial = "、".join(instance.phrases or [])
            if instance.components:
                self.fields["components_text"].initial = json.dumps(instance.components, ensure_ascii=False)
        self.order_fields(["key", "name", "unit", "category", "kind", "components_text", "phrases_text"])

    def clean_phrases_text(self) -> list[str]:
        text = self.cleaned_data.get("phrases_text") or ""
        for mark in ("，", "、", ";", "；", "\n"):
            text = text.replace(mark, ",")
        return [item.strip() for item in text.split(",") if item.strip()]

    def clean_components_text(self) -> list:
        text = (self.cleaned_data.get("components_text") or "").strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(
                '组成指标须为 JSON 格式，如 [{"key": "health_checks", "weight": 50}]。'
            ) from None
        if not isinstance(value, list):
            raise forms.ValidationError(f"组成指标须为列表，如 {COMPONENTS_EXAMPLE}。")
        return value

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["phrases"] = data.pop("phrases_text", [])
        data["components"] = data.pop("components_text", [])
        if data.get("kind") != IndicatorKind.COMPOSITE:
            data["components"] = []
        return data


class BuiltinIndicatorForm(ScopedModelForm):
    """Built-in indicators follow the catalog: only 启用 and 排序 are theirs to change."""

    class Meta:
        model = Indicator
        fields = ("is_active", "sort")


class BreakdownImportForm(forms.Form):
    file = forms.FileField(
        label="目标分解表",
        help_text="请上传从本页导出的目标分解表（.xlsx），填写后上传；也支持 .xls 和 .csv",
        widget=forms.ClearableFileInput(attrs={"accept": SPREADSHEET_TYPES}),
    )
