"""Form pieces shared by the honours pages."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from gonghui.members.models import Member
from gonghui.members.selectors import member_search_q

MEMBER_HELP = "输入姓名、会员证号或身份证号，在会员名册中查找；同名时请输入会员证号或身份证号"


class MemberField(forms.CharField):
    """Pick one member from the registry by name, card number or ID number (matched by the blind index).

    ``queryset`` is the member registry as the user may see it; the value typed is never echoed back when it
    is an ID number, and nothing personal goes into the URL (the form posts).
    """

    def __init__(self, *, queryset: QuerySet | None = None, **kwargs):
        kwargs.setdefault("label", "会员")
        kwargs.setdefault("help_text", MEMBER_HELP)
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Member.objects.none()

    def prepare_value(self, value):
        if isinstance(value, Member):
            return value.member_card_number or value.name
        if isinstance(value, int):
            member = Member.objects.filter(pk=value).only("name", "member_card_number").first()
            return (member.member_card_number or member.name) if member else ""
        return value

    def clean(self, value):
        term = super().clean(value)
        if not term:
            return None
        found = list(self.queryset.filter(member_search_q(term)).select_related("org")[:6])
        if not found:
            raise forms.ValidationError("在您可查看的会员名册中没有找到该会员，请核对姓名、会员证号或身份证号。")
        if len(found) > 1:
            names = "、".join(f"{m.name}（{m.org.name}）" for m in found[:5])
            raise forms.ValidationError(f"找到多名会员：{names}……请输入会员证号或身份证号以确定一人。")
        return found[0]
