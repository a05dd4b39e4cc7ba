"""The dev corpus scored against its labels: precision, recall and F1 on (indicator, value)."""

from __future__ import annotations

import pytest

from gonghui.intel import extract_file
from gonghui.intel.convert import strip_pinyin_artifacts, to_simplified
from tests.intel.corpus import CORPUS, corpus_pairs, prf, score

PAIRS = corpus_pairs()
needs_corpus = pytest.mark.skipif(not PAIRS, reason=f"dev corpus not found at {CORPUS} (shared/ is absent)")


def simplified(text: str) -> str:
    """A label's text as the body prints it (labels keep the input's script and artifacts)."""
    return to_simplified(strip_pinyin_artifacts(text))


@needs_corpus
def test_dev_corpus_f1_on_indicator_and_value():
    totals = [0, 0, 0]
    for path, labels in PAIRS:
        result = extract_file(path)
        for index, count in enumerate(score(result["facts"], labels["facts"])):
            totals[index] += count
    precision, recall, f1 = prf(*totals)
    print(f"dev corpus: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} ({totals})")
    assert f1 >= 0.95, (precision, recall, f1)


@needs_corpus
@pytest.mark.parametrize(("path", "labels"), PAIRS, ids=[path.stem for path, _ in PAIRS])
def test_dev_corpus_metadata_and_body(path, labels):
    result = extract_file(path)
    for key in ("title", "date", "date_kind", "region", "org"):
        assert result[key] == labels[key], key
    body = result["body"]
    assert body.startswith(simplified(labels["body_first"]))
    assert body.endswith(simplified(labels["body_last"]))
    for line in labels["boilerplate"]:
        assert simplified(line.strip()) not in body
    for fact in result["facts"]:
        assert body[fact["start"] : fact["end"]] == fact["evidence"]


@needs_corpus
@pytest.mark.parametrize(("path", "labels"), PAIRS, ids=[path.stem for path, _ in PAIRS])
def test_dev_corpus_flags(path, labels):
    """kind, approx, cumulative and component agree with the labels for every matched fact."""
    result = extract_file(path)
    got = {(fact["indicator"], fact["value"]): fact for fact in result["facts"]}
    for fact in labels["facts"]:
        mine = got.get((fact["indicator"], fact["value"]))
        if mine is None:
            continue
        assert mine["kind"] == fact["kind"], fact["evidence"]
        assert mine["approx"] == fact["approx"], fact["evidence"]
        assert mine["cumulative"] == fact.get("cumulative", False), fact["evidence"]
        assert mine["component"] == fact.get("component", False), fact["evidence"]
        assert mine["unit"] == fact["unit"]
