"""Readers of stored documents and their figures; every queryset is restricted to the user."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from gonghui.intel.models import Document, Fact, FactKind, FactStatus
from gonghui.intel.services import prefill_value
from gonghui.targets.models import QuarterlyReport


def documents_for(user: Any, action: str = "view") -> QuerySet[Document]:
    return Document.objects.restrict(user, action).select_related("org", "created_by")


def facts_for(user: Any, action: str = "view") -> QuerySet[Fact]:
    """Figures ride on their document's permission: visible exactly when the document is."""
    return Fact.objects.filter(document__in=Document.objects.restrict(user, action).values("pk")).select_related(
        "indicator", "document", "document__org"
    )


def with_counts(documents: QuerySet[Document]) -> QuerySet[Document]:
    """Each document with its number of figures not dropped and of figures still pending."""
    return documents.annotate(
        fact_count=Count("facts", filter=~Q(facts__status=FactStatus.DROPPED)),
        pending_count=Count("facts", filter=Q(facts__status=FactStatus.PENDING)),
    )


@dataclass
class Segment:
    text: str
    fact: Fact | None = None
    number: int = 0


def body_segments(document: Document, facts: list[Fact] | None = None) -> list[Segment]:
    """The body cut into plain pieces and figure pieces (in order; an overlapping figure is left unmarked)."""
    body = document.body
    facts = sorted(facts if facts is not None else document.facts.all(), key=lambda f: (f.start, f.end))
    segments, position = [], 0
    for number, fact in enumerate(facts, start=1):
        if fact.start < position or fact.end > len(body):
            continue
        if fact.start > position:
            segments.append(Segment(body[position : fact.start]))
        segments.append(Segment(body[fact.start : fact.end], fact, number))
        position = fact.end
    if position < len(body):
        segments.append(Segment(body[position:]))
    return segments


# --- beside the quarterly report -------------------------------------------------------------------------


@dataclass
class Evidence:
    """What the unit's confirmed figures say about one indicator of its quarterly report."""

    facts: list[Fact] = field(default_factory=list)
    value: Decimal | None = None
    prefilled: bool = False
    differs: bool = False

    @property
    def value_display(self) -> str:
        return "" if self.value is None else format(self.value.normalize(), "f")

    @property
    def documents(self) -> list[Document]:
        seen: dict[int, Document] = {}
        for fact in self.facts:
            seen.setdefault(fact.document_id, fact.document)
        return list(seen.values())


def report_evidence(user: Any, report: QuarterlyReport) -> dict[int, Evidence]:
    """{indicator id: Evidence} for the report's unit and quarter, from confirmed actual figures the user may
    see: the value they state (as prefilling would compute it), whether the report holds a value filled
    from them, and whether it differs from the report's value (for computed indicators: the cross-check)."""
    from gonghui.intel.models import PrefilledValue

    facts = (
        facts_for(user)
        .filter(
            document__org=report.org_id,
            document__year=report.year,
            document__quarter=report.quarter,
            status=FactStatus.CONFIRMED,
            kind=FactKind.ACTUAL,
        )
        .order_by("document__date", "document__created_at", "start", "pk")
    )
    grouped: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[fact.indicator_id].append(fact)
    if not grouped:
        return {}
    rows = {row.indicator_id: row for row in report.values.select_related("indicator")}
    prefilled = set(
        PrefilledValue.objects.filter(report_value__report=report).values_list("report_value_id", flat=True)
    )
    result = {}
    for indicator_id, items in grouped.items():
        row = rows.get(indicator_id)
        indicator = row.indicator if row else items[0].indicator
        value = prefill_value(indicator, items)
        evidence = Evidence(facts=items, value=value, prefilled=row is not None and row.pk in prefilled)
        if row is not None and value is not None and row.value is not None:
            evidence.differs = row.value != value
        result[indicator_id] = evidence
    return result
