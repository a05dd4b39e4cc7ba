"""The public interface: a document in, the contract's JSON object out (shared/domain/EXTRACTION.md).

    extract_bytes(data, filename)  bytes of a .txt/.html/.htm/.docx file
    extract_text(text)             text already decoded
    extract_file(path)             a file on disk; adds "file"

Each returns {title, date, date_kind, region, org, script, body, facts}; every fact has
indicator, value, unit, approx, kind, cumulative, component, evidence, start, end, with
``body[start:end] == evidence``.
"""

from __future__ import annotations

from pathlib import Path

from gonghui.intel.catalog import load_catalog
from gonghui.intel.cleaning import clean
from gonghui.intel.convert import normalise_script
from gonghui.intel.facts import extract_facts
from gonghui.intel.metadata import find_date, find_org, find_title
from gonghui.intel.reading import read_bytes

__all__ = ["body_segments", "extract_bytes", "extract_file", "extract_text", "load_catalog"]

FACT_KEYS = ("indicator", "value", "unit", "approx", "kind", "cumulative", "component", "evidence", "start", "end")


def extract_text(text: str) -> dict:
    """The contract's object for a document's text (any script, any web furniture)."""
    simplified, script = normalise_script(text)
    cleaned = clean(simplified)
    body = cleaned.body
    title = find_title(cleaned.header, cleaned.title_hint)
    date, date_kind = find_date(cleaned.meta, cleaned.header, body, cleaned.trailer, cleaned.footer)
    region, org = find_org(title, body, cleaned.header)
    facts = [{key: fact[key] for key in FACT_KEYS} for fact in extract_facts(body)]
    return {
        "title": title,
        "date": date,
        "date_kind": date_kind,
        "region": region,
        "org": org,
        "script": script,
        "body": body,
        "facts": facts,
    }


def extract_bytes(data: bytes, filename: str) -> dict:
    """The contract's object for the bytes of a .txt, .html/.htm or .docx file (encoding detected)."""
    return extract_text(read_bytes(data, filename))


def extract_file(path: str | Path) -> dict:
    """The contract's object for a file, with "file" (the path as given) first."""
    result = extract_bytes(Path(path).read_bytes(), str(path))
    return {"file": str(path), **result}


def body_segments(body: str, facts: list[dict]) -> list[tuple[str, int | None]]:
    """The body cut into (text, index of the fact it is the evidence of, or None), in order.

    For highlighting: join the texts back and you get the body; overlapping evidence goes to
    the fact that starts first.
    """
    segments: list[tuple[str, int | None]] = []
    position = 0
    order = sorted(range(len(facts)), key=lambda i: (facts[i]["start"], -facts[i]["end"]))
    for index in order:
        start, end = facts[index]["start"], facts[index]["end"]
        if start < position:
            continue
        if start > position:
            segments.append((body[position:start], None))
        segments.append((body[start:end], index))
        position = end
    if position < len(body):
        segments.append((body[position:], None))
    return segments
