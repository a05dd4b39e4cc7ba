"""Forms of the innovation studio pages."""

from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.honours.forms_common import MemberField
from gonghui.honours.models import InnovationStudio, StudioAchievement, StudioReview
from gonghui.members.models import Member

DATE = forms.DateInput(attrs={"type": "date"})


class StudioForm(ScopedModelForm):
    leader = MemberField(label="领办人（带头人）")
    member_terms = forms.CharField(
        label="团队成员",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一人：姓名、会员证号或身份证号",
    )

    class Meta:
        model = InnovationStudio
        fields = ["name", "kind", "level", "org", "employer", "leader", "field", "named_on", "named_by"]
        labels = {"org": "所属工会"}
        widgets = {"named_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["leader"].queryset = Member.objects.restrict(user, "view")
        if self.instance.pk:
            self.initial["member_terms"] = "\n".join(
                m.member_card_number or m.name for m in self.instance.members.order_by("name")
            )
        elif user.org_id:
            self.fields["org"].initial = user.org_id

    def clean_member_terms(self):
        field = MemberField(queryset=self.fields["leader"].queryset)
        members, errors = [], []
        for number, line in enumerate((self.cleaned_data.get("member_terms") or "").splitlines(), start=1):
            term = line.strip()
            if not term:
                continue
            try:
                members.append(field.clean(term))
            except forms.ValidationError as error:
                errors.append(
                    f"第 {number} 行「{term if not term[:1].isdigit() else '（证件号）'}」：{error.messages[0]}"
                )
        if errors:
            raise forms.ValidationError(errors)
        return members

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["members"] = data.pop("member_terms", [])
        return data


class AchievementForm(forms.ModelForm):
    class Meta:
        model = StudioAchievement
        fields = ["kind", "title", "achieved_on", "reference", "amount"]
        widgets = {"achieved_on": DATE}


class StudioReviewForm(forms.ModelForm):
    class Meta:
        model = StudioReview
        fields = ["year", "rating", "reviewed_on", "reviewer", "comments"]
        widgets = {"reviewed_on": DATE}


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(label="摘牌日期", widget=DATE)
    reason = forms.CharField(label="摘牌原因", max_length=400)
