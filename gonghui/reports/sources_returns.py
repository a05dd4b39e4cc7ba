"""Computed indicator sources the statistics annual returns answer (see gonghui/targets/sources.py).

Only figures no other source gives: the staff count (职工人数) and the share of it that is unionised come from the
accepted grassroots returns, with the units' corrections. Each counts the grassroots form's rows of accepted
returns, dated at the end of the statistics year (30 September), in the filing unit's subtree.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from gonghui.targets.sources import RecordSource, register

RETURN_DATE = "unit_return__campaign__period_end"
ACCEPTED_GRASSROOTS = Q(unit_return__status="accepted", unit_return__form="grassroots")


def _total():
    return Coalesce(Sum("final_value"), Value(Decimal(0)), output_field=DecimalField(max_digits=18, decimal_places=4))


RETURN_SOURCES = (
    # 职工人数 (grassroots form row 10) of accepted returns
    RecordSource(
        key="returns_staff",
        model="reports.ReturnValue",
        date_field=RETURN_DATE,
        org_field="unit_return__org",
        filter=ACCEPTED_GRASSROOTS & Q(code="10"),
        value=_total,
    ),
    # 女会员 (grassroots form row 21) of accepted returns
    RecordSource(
        key="returns_women_members",
        model="reports.ReturnValue",
        date_field=RETURN_DATE,
        org_field="unit_return__org",
        filter=ACCEPTED_GRASSROOTS & Q(code="21"),
        value=_total,
    ),
    # 农民工会员 (grassroots form row 22) of accepted returns
    RecordSource(
        key="returns_migrant_members",
        model="reports.ReturnValue",
        date_field=RETURN_DATE,
        org_field="unit_return__org",
        filter=ACCEPTED_GRASSROOTS & Q(code="22"),
        value=_total,
    ),
)

for _source in RETURN_SOURCES:
    register(_source)
