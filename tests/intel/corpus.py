"""The dev corpus (../shared/domain/dev-corpus from the repository root) and its scoring."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "dev-corpus"


def corpus_pairs() -> list[tuple[Path, dict]]:
    """(text file, labels) for every labelled document of the dev corpus; [] when it is absent."""
    if not CORPUS.is_dir():
        return []
    return [
        (text, json.loads(text.with_suffix(".json").read_text(encoding="utf-8")))
        for text in sorted(CORPUS.glob("*.txt"))
    ]


def score(predicted: list[dict], expected: list[dict]) -> tuple[int, int, int]:
    """(true positives, predicted, expected) on (indicator, value) pairs, as multisets."""
    got = Counter((fact["indicator"], fact["value"]) for fact in predicted)
    want = Counter((fact["indicator"], fact["value"]) for fact in expected)
    return sum((got & want).values()), sum(got.values()), sum(want.values())


def prf(tp: int, predicted: int, expected: int) -> tuple[float, float, float]:
    precision = tp / predicted if predicted else 1.0
    recall = tp / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
