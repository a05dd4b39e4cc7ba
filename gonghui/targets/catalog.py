"""The indicator catalog: our copy of shared/domain/indicators.yaml, loaded as package data."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from gonghui.targets.models import Indicator, IndicatorKind, IndicatorSource

CATALOG_FIELDS = ("name", "unit", "category", "phrases", "kind", "source")


@cache
def load_catalog() -> tuple[dict[str, Any], ...]:
    """The catalog's indicators in order, each with its defaults filled in."""
    text = resources.files("gonghui.targets").joinpath("data/indicators.yaml").read_text(encoding="utf-8")
    entries = yaml.safe_load(text)["indicators"]
    result = []
    for entry in entries:
        item = {
            "key": entry["key"],
            "name": entry["name"],
            "unit": entry["unit"],
            "category": entry.get("category", ""),
            "phrases": list(entry.get("phrases") or []),
            "kind": entry.get("kind", IndicatorKind.CUMULATIVE),
            "source": entry.get("source", IndicatorSource.REPORTED),
        }
        if item["kind"] not in IndicatorKind.values or item["source"] not in IndicatorSource.values:
            raise ValueError(f"indicator catalog: bad kind or source for {item['key']}")
        result.append(item)
    return tuple(result)


def sync_builtin_indicators() -> int:
    """Create or update the built-in indicators from the catalog; returns how many changed.

    Administrators' local indicators are left alone; so are a built-in indicator's ``is_active``
    and ``sort``, which administrators may change.
    """
    existing = {indicator.key: indicator for indicator in Indicator.objects.all()}
    changed = 0
    for sort, entry in enumerate(load_catalog(), start=1):
        indicator = existing.get(entry["key"])
        if indicator is None:
            Indicator.objects.create(**entry, is_builtin=True, sort=sort * 10)
            changed += 1
            continue
        if indicator.is_builtin and any(getattr(indicator, field) != entry[field] for field in CATALOG_FIELDS):
            indicator.snapshot()
            for field in CATALOG_FIELDS:
                setattr(indicator, field, entry[field])
            indicator.save()
            changed += 1
    return changed
