"""Forms of the honours registry and care pages."""

from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.honours.forms_common import MemberField
from gonghui.honours.models import CareRecord, Honour
from gonghui.members.models import Member

DATE = forms.DateInput(attrs={"type": "date"})


class HonourForm(ScopedModelForm):
    member = MemberField(label="获得者（个人荣誉）", required=False)

    class Meta:
        model = Honour
        fields = [
            "kind",
            "level",
            "title",
            "year",
            "awarding_body",
            "org",
            "member",
            "collective_name",
            "employer",
            "deeds",
        ]
        labels = {"org": "推荐单位"}
        widgets = {"deeds": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["member"].queryset = Member.objects.restrict(user, "view")
        if not self.instance.pk and user.org_id:
            self.fields["org"].initial = user.org_id
        if self.instance.pk and self.instance.state == "awarded":
            for name in ("kind", "level", "year", "org", "member", "collective_name"):
                self.fields[name].disabled = True


class RegisterForm(HonourForm):
    awarded_on = forms.DateField(label="授予日期", widget=DATE)
    certificate_no = forms.CharField(label="证书编号", max_length=40, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PubliciseForm(forms.Form):
    notice_start = forms.DateField(label="公示开始", widget=DATE)
    notice_end = forms.DateField(label="公示结束", widget=DATE)
    note = forms.CharField(label="公示范围/方式", max_length=500, required=False)


class AwardForm(forms.Form):
    awarded_on = forms.DateField(label="授予日期", widget=DATE)
    certificate_no = forms.CharField(label="证书编号", max_length=40, required=False)
    note = forms.CharField(label="授予文件", max_length=500, required=False, help_text="如「常政发〔2026〕12号」")


class RejectHonourForm(forms.Form):
    note = forms.CharField(label="不予授予的理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CareForm(forms.ModelForm):
    class Meta:
        model = CareRecord
        fields = ["kind", "year", "due_on", "done_on", "amount", "note"]
        widgets = {"due_on": DATE, "done_on": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
