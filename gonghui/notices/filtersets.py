from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from gonghui.notices.models import Announcement, AnnouncementStatus
from gonghui.notices.selectors import inbox_q

BOXES = (("inbox", "收到的通知"), ("managed", "管理的通知"))


class AnnouncementFilterSet(django_filters.FilterSet):
    # The tab (收到的 / 管理的); hidden so the filter form keeps it.
    box = django_filters.ChoiceFilter(choices=BOXES, method="filter_box", label="", widget=forms.HiddenInput)
    q = django_filters.CharFilter(method="search", label="标题/正文")
    status = django_filters.ChoiceFilter(choices=AnnouncementStatus.choices, label="状态")
    published_from = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__gte", label="发布日期从", widget=forms.DateInput({"type": "date"})
    )
    published_to = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__lte", label="至", widget=forms.DateInput({"type": "date"})
    )

    class Meta:
        model = Announcement
        fields = ["box", "q", "status", "published_from", "published_to"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))

    def filter_box(self, queryset, name, value):
        user = self.request.user
        if value == "inbox":
            inbox = inbox_q(user)
            return queryset.filter(inbox) if inbox is not None else queryset.none()
        if value == "managed":
            return queryset.filter(pk__in=Announcement.objects.restrict(user, "view").values("pk"))
        return queryset
