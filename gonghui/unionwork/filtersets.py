from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from gonghui.orgs.models import Organization
from gonghui.unionwork.models import (
    CourseKind,
    CourseStatus,
    DuesChannel,
    DuesRecord,
    InfoItem,
    InfoKind,
    JointMeeting,
    JointMeetingObligation,
    TrainingCourse,
)

DATE = forms.DateInput(attrs={"type": "date"})
MONTH = forms.DateInput(attrs={"type": "month"})


class WithinMixin(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="单位", widget=forms.HiddenInput)

    def filter_within(self, queryset, name, value):
        parent = Organization.objects.filter(pk=value).first()
        return queryset.filter(org__path__startswith=parent.path) if parent else queryset.none()


class DuesRecordFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="单位名称/信用代码")
    channel = django_filters.ChoiceFilter(choices=DuesChannel.choices, label="缴纳方式", empty_label="全部")
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte", label="所属期从", widget=DATE)
    period_to = django_filters.DateFilter(field_name="period", lookup_expr="lte", label="至", widget=DATE)
    paid_from = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte", label="入库从", widget=DATE)
    paid_to = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte", label="至", widget=DATE)
    arrears = django_filters.BooleanFilter(method="filter_arrears", label="有欠缴", widget=forms.CheckboxInput)

    class Meta:
        model = DuesRecord
        fields = ["q", "channel"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(employer__name__icontains=value) | Q(employer__uscc__icontains=value))

    def filter_arrears(self, queryset, name, value):
        from django.db.models import F

        return queryset.filter(due__gt=F("paid")) if value else queryset


class TrainingCourseFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="名称/地点")
    kind = django_filters.ChoiceFilter(choices=CourseKind.choices, label="类型", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=CourseStatus.choices, label="状态", empty_label="全部")
    end_from = django_filters.DateFilter(field_name="end_on", lookup_expr="gte", label="结业从", widget=DATE)
    end_to = django_filters.DateFilter(field_name="end_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = TrainingCourse
        fields = ["q", "kind", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(location__icontains=value))


class InfoItemFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="标题/撰稿人")
    kind = django_filters.ChoiceFilter(choices=InfoKind.choices, label="类型", empty_label="全部")
    submitted_from = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="gte", label="报送从", widget=DATE
    )
    submitted_to = django_filters.DateFilter(field_name="submitted_on", lookup_expr="lte", label="至", widget=DATE)
    adopted = django_filters.BooleanFilter(method="filter_adopted", label="已采用", widget=forms.CheckboxInput)

    class Meta:
        model = InfoItem
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(author__icontains=value))

    def filter_adopted(self, queryset, name, value):
        return queryset.filter(adoptions__isnull=False).distinct() if value else queryset


class JointMeetingFilterSet(WithinMixin):
    q = django_filters.CharFilter(method="search", label="会议名称/议程")
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label="召开从", widget=DATE)
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label="至", widget=DATE)

    class Meta:
        model = JointMeeting
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(agenda__icontains=value))


class ObligationFilterSet(WithinMixin):
    year = django_filters.NumberFilter(label="年度")
    status = django_filters.ChoiceFilter(
        choices=[("held", "已召开"), ("pending", "待召开"), ("overdue", "逾期未召开")],
        method="filter_status",
        label="状态",
        empty_label="全部",
    )

    class Meta:
        model = JointMeetingObligation
        fields = ["year"]

    def filter_status(self, queryset, name, value):
        from django.utils import timezone

        from gonghui.unionwork.selectors import overdue_q

        today = timezone.localdate()
        if value == "held":
            return queryset.filter(held_on__isnull=False)
        if value == "overdue":
            return queryset.filter(overdue_q(today))
        return queryset.filter(held_on__isnull=True, deadline__gte=today)
