"""Forms of the competition pages; choices come from the user's scope (``ScopedModelForm`` and selectors)."""

from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.honours import selectors_competitions as selectors
from gonghui.honours.forms_common import MemberField
from gonghui.honours.models import AwardGrade, Challenge, Competition, CompetitionProject, StageKind

DATE = forms.DateInput(attrs={"type": "date"})


class CompetitionForm(ScopedModelForm):
    class Meta:
        model = Competition
        fields = [
            "name",
            "kind",
            "level",
            "brand",
            "subject",
            "org",
            "co_organisers",
            "start_date",
            "end_date",
            "rules",
            "prizes",
        ]
        labels = {"org": "主办单位"}
        widgets = {"start_date": DATE, "end_date": DATE, "rules": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not self.instance.pk and user.org_id:
            self.fields["org"].initial = user.org_id
        self.fields["prizes"].widget.attrs["rows"] = 3


class StageForm(forms.Form):
    kind = forms.ChoiceField(label="阶段", choices=StageKind.choices)
    held_on = forms.DateField(label="日期", widget=DATE)
    title = forms.CharField(label="会议/活动名称", max_length=120)
    report = forms.CharField(label="阶段报告", widget=forms.Textarea(attrs={"rows": 5}))


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["title", "description", "reward", "deadline"]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class ProjectForm(forms.ModelForm):
    """自主申报 or 揭榜: the unit (in scope and under the organiser) and the project itself."""

    org = forms.ModelChoiceField(label="申报单位", queryset=None)

    class Meta:
        model = CompetitionProject
        fields = ["org", "title", "description", "leader_name"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.entry_units(user, competition).order_by("path")
        if user.org_id:
            self.fields["org"].initial = user.org_id


class ReviewForm(forms.Form):
    note = forms.CharField(label="审核意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    note = forms.CharField(label="不予通过的理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    result = forms.CharField(label="完成情况", widget=forms.Textarea(attrs={"rows": 3}))
    award = forms.ChoiceField(label="获奖等次", choices=[("", "未获奖"), *AwardGrade.choices], required=False)


class TeamForm(forms.Form):
    org = forms.ModelChoiceField(label="参赛单位", queryset=None)
    name = forms.CharField(label="队伍名称", max_length=80)
    event = forms.CharField(label="参赛项目/工种", max_length=60, required=False)

    def __init__(self, *args, user, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.entry_units(user, competition).order_by("path")
        if user.org_id:
            self.fields["org"].initial = user.org_id


class ParticipantForm(forms.Form):
    org = forms.ModelChoiceField(label="参赛单位", queryset=None)
    member = MemberField(label="参赛会员")
    team = forms.ModelChoiceField(label="所在队伍", queryset=None, required=False, empty_label="个人参赛")
    event = forms.CharField(label="参赛项目/工种", max_length=60, required=False)

    def __init__(self, *args, user, competition, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.entry_units(user, competition)
        self.fields["org"].queryset = units.order_by("path")
        self.fields["member"].queryset = selectors.member_choices(user).filter(org__path__subtree=competition.org.path)
        self.fields["team"].queryset = selectors.teams_for(user, "view").filter(competition=competition)
        if user.org_id:
            self.fields["org"].initial = user.org_id


class ResultForm(forms.Form):
    score = forms.DecimalField(label="成绩", max_digits=8, decimal_places=2, required=False)
    rank = forms.IntegerField(label="名次", min_value=1, required=False)
    award = forms.ChoiceField(label="获奖等次", choices=[("", "未获奖"), *AwardGrade.choices], required=False)
