"""Readers of the statistics annual returns: always restricted to the user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet

from gonghui.reports import returns as forms
from gonghui.reports.models import ReturnCampaign, ReturnLog, ReturnStatus, ReturnValue, UnitReturn
from gonghui.reports.services_returns import child_returns


def campaigns_for(user: Any, action: str = "view") -> QuerySet[ReturnCampaign]:
    return ReturnCampaign.objects.restrict(user, action).select_related("org")


def returns_for(user: Any, action: str = "view") -> QuerySet[UnitReturn]:
    return UnitReturn.objects.restrict(user, action).select_related("org", "campaign")


def status_counts(queryset: QuerySet[UnitReturn]) -> list[dict]:
    """Per status (in workflow order): label and count, for the progress bar of a campaign."""
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return [{"status": value, "label": label, "count": counts.get(value, 0)} for value, label in ReturnStatus.choices]


def number_display(value: Decimal | None, field: forms.Field | None = None) -> str:
    if value is None:
        return ""
    if field is not None and field.kind == forms.RATIO:
        return f"{value:.2f}"
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", "")
    return f"{value.normalize():f}"


@dataclass
class Row:
    field: forms.Field
    value: ReturnValue | None

    @property
    def is_text(self) -> bool:
        return self.field.kind in (forms.TEXT, forms.CHOICE)

    @property
    def computed(self) -> str:
        if self.value is None:
            return ""
        if self.is_text:
            return self.value.computed_text
        return number_display(self.value.computed_value, self.field)

    @property
    def records(self) -> str:
        if self.value is None or self.is_text:
            return ""
        return number_display(self.value.records_value, self.field)

    @property
    def final(self) -> str:
        if self.value is None:
            return ""
        if self.is_text:
            return self.value.final_text
        return number_display(self.value.final_value, self.field)

    @property
    def corrected(self) -> bool:
        return bool(self.value and self.value.is_corrected)

    @property
    def adjusted_by_children(self) -> bool:
        """The computed figure differs from the records: accepted sub-units corrected theirs."""
        v = self.value
        return bool(v and not v.is_manual and v.records_value is not None and v.computed_value != v.records_value)

    @property
    def manual(self) -> bool:
        return bool(self.value.is_manual) if self.value is not None else self.field.is_manual_now()


def return_rows(ret: UnitReturn) -> list[tuple[str, list[Row]]]:
    """The form's sections with each row's field definition and stored value."""
    values = {value.code: value for value in ret.values.all()}
    return [
        (section, [Row(field, values.get(field.code)) for field in fields])
        for section, fields in forms.FORMS[ret.form].sections
    ]


def return_log(ret: UnitReturn) -> QuerySet[ReturnLog]:
    return ret.log.all()


def children_status(ret: UnitReturn) -> dict:
    """The direct sub-units' returns of an above-grassroots return: each with its status, and who is missing."""
    children = list(child_returns(ret))
    missing = [child for child in children if child.status != ReturnStatus.ACCEPTED]
    counts = {value: 0 for value, _label in ReturnStatus.choices}
    for child in children:
        counts[child.status] += 1
    return {
        "children": children,
        "missing": missing,
        "counts": [{"status": v, "label": label, "count": counts[v]} for v, label in ReturnStatus.choices],
        "accepted": len(children) - len(missing),
        "total": len(children),
    }
