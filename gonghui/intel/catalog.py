"""The indicator catalog read straight from the project's YAML copy (no Django)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def _catalog() -> tuple[tuple[str, dict], ...]:
    text = resources.files("gonghui.targets").joinpath("data/indicators.yaml").read_text(encoding="utf-8")
    items = []
    for entry in yaml.safe_load(text)["indicators"]:
        items.append(
            (
                entry["key"],
                {
                    "name": entry["name"],
                    "unit": entry["unit"],
                    "category": entry.get("category", ""),
                    "phrases": tuple(entry.get("phrases") or ()),
                },
            )
        )
    return tuple(items)


def load_catalog() -> dict[str, dict]:
    """Indicator key → {name, unit, category, phrases}, in catalog order (a fresh copy each call)."""
    return {key: {**value, "phrases": list(value["phrases"])} for key, value in _catalog()}
