"""Forms of the 工作材料 pages. Values and periods are checked by the services, so the pages and the API give
the same messages."""

from __future__ import annotations

from typing import Any

from django import forms

from gonghui.intel.models import DOCUMENT_TYPES_LABEL, Document, Fact, FactKind
from gonghui.notices.forms import MultipleFileField
from gonghui.targets.forms_reports import QUARTER_CHOICES, ReportOpenForm, year_choices
from gonghui.targets.models import Indicator
from gonghui.targets.selectors_reports import number_display


class DocumentCreateForm(ReportOpenForm):
    """The unit and quarter as the quarterly report asks them (the user's own unit and this quarter by
    default), then a file or a pasted text."""

    file = forms.FileField(
        label="上传文件", required=False, help_text=f"支持 {DOCUMENT_TYPES_LABEL}；简体、繁体及 GBK、Big5 编码均可"
    )
    text = forms.CharField(
        label="或粘贴正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="从网页或文档中复制的正文；上传文件时不用填",
    )
    title = forms.CharField(label="标题（可不填）", required=False, max_length=200, help_text="不填时从正文读取")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["org"].label = "报告单位"


class BatchUploadForm(ReportOpenForm):
    files = MultipleFileField(label="选择文件（可多选）", help_text=f"支持 {DOCUMENT_TYPES_LABEL}，一次最多 200 个")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["org"].label = "报告单位"


class DocumentEditForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    year = forms.TypedChoiceField(coerce=int, label="年度")
    quarter = forms.TypedChoiceField(coerce=int, choices=QUARTER_CHOICES, label="季度")

    def __init__(self, *args, document: Document, **kwargs):
        kwargs.setdefault("initial", {"title": document.title, "year": document.year, "quarter": document.quarter})
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()


ACTION_CHOICES = [("confirm", "确认"), ("drop", "舍弃"), ("pending", "待定")]


class FactReviewForm(forms.Form):
    """One row per figure: ``action_<id>``, ``indicator_<id>``, ``value_<id>``, ``kind_<id>``."""

    def __init__(self, *args, facts: list[Fact], **kwargs):
        super().__init__(*args, **kwargs)
        self.facts = facts
        indicator_choices = [
            (i.key, f"{i.name}（{i.unit}）") for i in Indicator.objects.filter(is_active=True).order_by("sort", "pk")
        ]
        for fact in facts:
            pk = fact.pk
            default = "confirm" if fact.status != "dropped" else "drop"
            self.fields[f"action_{pk}"] = forms.ChoiceField(
                choices=ACTION_CHOICES, initial=default, widget=forms.RadioSelect, label="处理"
            )
            self.fields[f"indicator_{pk}"] = forms.ChoiceField(
                choices=indicator_choices, initial=fact.indicator.key, label="指标"
            )
            self.fields[f"value_{pk}"] = forms.CharField(
                initial=number_display(fact.value),
                label="数值",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
            )
            self.fields[f"kind_{pk}"] = forms.ChoiceField(choices=FactKind.choices, initial=fact.kind, label="类型")

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "fact": fact,
                "action": self[f"action_{fact.pk}"],
                "indicator": self[f"indicator_{fact.pk}"],
                "value": self[f"value_{fact.pk}"],
                "kind": self[f"kind_{fact.pk}"],
            }
            for fact in self.facts
        ]

    def decisions(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "fact": fact.pk,
                "action": data[f"action_{fact.pk}"],
                "indicator": data[f"indicator_{fact.pk}"],
                "value": data[f"value_{fact.pk}"],
                "kind": data[f"kind_{fact.pk}"],
            }
            for fact in self.facts
        ]
