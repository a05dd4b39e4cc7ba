"""Forms of the statistics annual return pages. Figures are parsed and checked by the service, so the pages and
the API give the same messages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from gonghui.orgs.models import Organization, OrgStatus, OrgType


def opening_orgs(user):
    """Federations in the user's scope (the service re-checks the add permission)."""
    orgs = Organization.objects.restrict(user, "view").filter(org_type=OrgType.FEDERATION)
    orgs = orgs.exclude(status=OrgStatus.DISSOLVED)
    if user.org_id:
        orgs = orgs.filter(path__startswith=user.org.path)
    return orgs.order_by("path")


def default_year(today: datetime.date | None = None) -> int:
    """Statistics year N ends on 30 September N: until then it is the running year, and from October to
    December it is the year just ended, the one being filed."""
    return (today or timezone.localdate()).year


class CampaignOpenForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="布置单位")
    year = forms.TypedChoiceField(coerce=int, label="统计年度", help_text="统计期为上年10月1日至本年9月30日")
    deadline = forms.DateField(label="报送截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="任务名称", max_length=100, required=False, help_text="不填则自动生成")
    note = forms.CharField(label="填报说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = opening_orgs(user)
        if user.org_id:
            self.fields["org"].initial = user.org_id
        year = default_year()
        self.fields["year"].choices = [(y, f"{y}年") for y in range(year + 1, year - 5, -1)]
        self.fields["year"].initial = year


class ReviewForm(forms.Form):
    comment = forms.CharField(label="意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReturnBackForm(forms.Form):
    comment = forms.CharField(
        label="退回原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="说明需要核实或修改的内容，单位会收到站内消息",
    )
