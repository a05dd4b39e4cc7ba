"""Filters of the rights lists; the light filters are SQL (selectors)."""

from __future__ import annotations

import re

import django_filters
from django.db.models import Q
from django.utils import timezone

from gonghui.core.filtersets import DATE_WIDGET
from gonghui.orgs.models import Organization
from gonghui.rights import selectors
from gonghui.rights.models import (
    AidKind,
    AidOutcome,
    BargainingInstructor,
    CaseCategory,
    CaseState,
    Channel,
    CollectiveContract,
    ContractKind,
    DutySlot,
    Lawyer,
    LawyerKind,
    LegalAidCase,
    LegalSupervisionCommittee,
    Outcome,
    RightsCase,
    Satisfaction,
    Tier,
)

LIGHT_FILTERS = (("overdue", "已超时（红灯）"), ("warning", "临近时限（黄灯）"), ("on_track", "正常（绿灯）"))
NUMBER = re.compile(r"^WQ(\d{4})(\d{6,})$", re.IGNORECASE)


def visible_orgs(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view")


class WithinMixin:
    def filter_within(self, queryset, name, value):
        return queryset.filter(org__path__startswith=value.path)


class RightsCaseFilterSet(WithinMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="编号/摘要/单位")
    state = django_filters.ChoiceFilter(choices=CaseState.choices, label="办理状态", empty_label="全部")
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label="来源渠道", empty_label="全部")
    category = django_filters.ChoiceFilter(choices=CaseCategory.choices, label="诉求类别", empty_label="全部")
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label="复杂程度", empty_label="全部")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label="办理结果", empty_label="全部")
    satisfaction = django_filters.ChoiceFilter(choices=Satisfaction.choices, label="满意度", empty_label="全部")
    is_group_incident = django_filters.BooleanFilter(label="群体性")
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="承办单位（含下级）")
    light = django_filters.ChoiceFilter(choices=LIGHT_FILTERS, method="filter_light", label="预警", empty_label="全部")
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label="受理日期从", widget=DATE_WIDGET
    )
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label="至", widget=DATE_WIDGET)

    class Meta:
        model = RightsCase
        fields = ["q", "state", "channel", "category", "tier", "outcome", "satisfaction", "is_group_incident"]

    def search(self, queryset, name, value):
        value = value.strip()
        match = NUMBER.match(value)
        if match:
            return queryset.filter(pk=int(match.group(2)), received_at__year=int(match.group(1)))
        return queryset.filter(
            Q(title__icontains=value) | Q(employer_name__icontains=value) | Q(description__icontains=value)
        )

    def filter_light(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(selectors.overdue_q(now))
        if value == "warning":
            return queryset.filter(selectors.warning_q(now))
        return queryset.filter(current_due__isnull=False).exclude(selectors.overdue_q(now) | selectors.warning_q(now))


class LegalAidFilterSet(WithinMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="受援人/单位")
    kind = django_filters.ChoiceFilter(choices=AidKind.choices, label="援助类型", empty_label="全部")
    outcome = django_filters.ChoiceFilter(choices=AidOutcome.choices, label="结果", empty_label="全部")
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="单位（含下级）")
    accepted_from = django_filters.DateFilter(
        field_name="accepted_on", lookup_expr="gte", label="受理日期从", widget=DATE_WIDGET
    )
    accepted_to = django_filters.DateFilter(field_name="accepted_on", lookup_expr="lte", label="至", widget=DATE_WIDGET)

    class Meta:
        model = LegalAidCase
        fields = ["q", "kind", "outcome"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(applicant_name__icontains=value) | Q(employer_name__icontains=value))


class LawyerFilterSet(WithinMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="姓名/律所/领域")
    kind = django_filters.ChoiceFilter(choices=LawyerKind.choices, label="类别", empty_label="全部")
    is_active = django_filters.BooleanFilter(label="在册")
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="单位（含下级）")

    class Meta:
        model = Lawyer
        fields = ["q", "kind", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(law_firm__icontains=value) | Q(specialties__icontains=value)
        )


class DutySlotFilterSet(WithinMixin, django_filters.FilterSet):
    location = django_filters.CharFilter(lookup_expr="icontains", label="驻点地点")
    lawyer = django_filters.CharFilter(field_name="lawyer__name", lookup_expr="icontains", label="律师")
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="单位（含下级）")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="日期从", widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="至", widget=DATE_WIDGET)

    class Meta:
        model = DutySlot
        fields = ["location", "lawyer"]


class CommitteeFilterSet(WithinMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称/主任")
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="单位（含下级）")
    established_from = django_filters.DateFilter(
        field_name="established_on", lookup_expr="gte", label="成立日期从", widget=DATE_WIDGET
    )
    established_to = django_filters.DateFilter(
        field_name="established_on", lookup_expr="lte", label="至", widget=DATE_WIDGET
    )

    class Meta:
        model = LegalSupervisionCommittee
        fields = ["q"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(chair_name__icontains=value))


EXPIRY_FILTERS = (("expiring", "60 天内期满"), ("expired", "已期满"), ("in_force", "有效期内"))


class ContractFilterSet(WithinMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="合同名称/单位")
    kind = django_filters.ChoiceFilter(choices=ContractKind.choices, label="合同类型", empty_label="全部")
    expiry = django_filters.ChoiceFilter(
        choices=EXPIRY_FILTERS, method="filter_expiry", label="期限", empty_label="全部"
    )
    filed = django_filters.BooleanFilter(field_name="filed_on", lookup_expr="isnull", exclude=True, label="已报送审查")
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="单位（含下级）")
    signed_from = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="gte", label="签订日期从", widget=DATE_WIDGET
    )
    signed_to = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte", label="至", widget=DATE_WIDGET)

    class Meta:
        model = CollectiveContract
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(title__icontains=value) | Q(employer_names__icontains=value) | Q(employers__name__icontains=value)
        ).distinct()

    def filter_expiry(self, queryset, name, value):
        from gonghui.rights.selectors_supervision import expiring_q

        today = timezone.localdate()
        if value == "expiring":
            return queryset.filter(expiring_q(today))
        if value == "expired":
            return queryset.filter(ends_on__lt=today)
        return queryset.filter(ends_on__gte=today)


class InstructorFilterSet(WithinMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="姓名")
    is_active = django_filters.BooleanFilter(label="在聘")
    within = django_filters.ModelChoiceFilter(queryset=visible_orgs, method="filter_within", label="单位（含下级）")
    appointed_from = django_filters.DateFilter(
        field_name="appointed_on", lookup_expr="gte", label="聘任日期从", widget=DATE_WIDGET
    )
    appointed_to = django_filters.DateFilter(
        field_name="appointed_on", lookup_expr="lte", label="至", widget=DATE_WIDGET
    )

    class Meta:
        model = BargainingInstructor
        fields = ["q", "is_active"]
