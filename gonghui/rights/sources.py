"""Computed indicator sources of rights protection (see gonghui/targets/sources.py)."""

from __future__ import annotations

from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce

from gonghui.targets.sources import RecordSource, register

CASE_PAGE = ("rights:case_list", "within", "received_from", "received_to", "")


def _persons():
    return Coalesce(Sum("persons_count"), Value(0))


RIGHTS_SOURCES = (
    RecordSource(key="petitions_cases", model="rights.RightsCase", date_field="received_on", records_page=CASE_PAGE),
    RecordSource(
        key="petitions_persons",
        model="rights.RightsCase",
        date_field="received_on",
        value=_persons,
        records_page=CASE_PAGE,
    ),
    RecordSource(
        key="legal_aid_cases",
        model="rights.LegalAidCase",
        date_field="accepted_on",
        records_page=("rights:aid_list", "within", "accepted_from", "accepted_to", ""),
    ),
    # Committees in existence at the period's end (stock): every committee set up by then.
    RecordSource(
        key="legal_supervision_committees",
        model="rights.LegalSupervisionCommittee",
        date_field="established_on",
        stock=True,
        records_page=("rights:committee_list", "within", "established_from", "established_to", ""),
    ),
    RecordSource(
        key="collective_contracts",
        model="rights.CollectiveContract",
        date_field="signed_on",
        records_page=("rights:contract_list", "within", "signed_from", "signed_to", ""),
    ),
    # Instructors in office at the period's end (stock): appointed by then and still appointed.
    RecordSource(
        key="bargaining_instructors",
        model="rights.BargainingInstructor",
        date_field="appointed_on",
        filter=Q(is_active=True),
        stock=True,
        records_page=("rights:instructor_list", "within", "appointed_from", "appointed_to", "is_active=true"),
    ),
)

for _source in RIGHTS_SOURCES:
    register(_source)
