"""Reading union reports: documents per second through gonghui.intel, against the floor.

Repeats the dev corpus (../shared/domain/dev-corpus, or --corpus DIR) to at least --docs
documents (default 1,000) and times, in one single-threaded process (one core):

- the full pipeline, ``extract_bytes`` (decode, pinyin artifacts, script detection and
  conversion, cleaning, metadata, facts) — the goal is ≥ 200 docs/s;
- the floor: OpenCC t2s conversion of every document plus one bare regex scan for figures
  with a measure word — what any extractor of this kind pays at least.

    .venv/bin/python benchmarks/intel.py [--docs 1000] [--repeat 5] [--corpus DIR]

The best of ``--repeat`` runs is printed (the machine is shared; the best is the floor).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The pipeline is single-threaded, so it uses one core; INTEL_BENCH_PIN=1 also pins the process to
# the first core (on a shared machine that core may be the busiest one, so it is off by default).
if os.environ.get("INTEL_BENCH_PIN", "0") == "1" and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

from gonghui.intel import extract_bytes  # noqa: E402
from gonghui.intel.convert import to_simplified  # noqa: E402

BARE_FIGURE = re.compile(r"\d+(?:\.\d+)?[万亿]?[余多]?(?:人次|人|名|个|家|户|元|件|份|场|期|项)")


def load(corpus: Path, docs: int) -> list[tuple[str, bytes]]:
    files = sorted(path for path in corpus.iterdir() if path.suffix in (".txt", ".html", ".htm", ".docx"))
    if not files:
        raise SystemExit(f"no documents in {corpus}")
    items = [(path.name, path.read_bytes()) for path in files]
    repeated = []
    while len(repeated) < docs:
        repeated.extend(items)
    return repeated[: max(docs, len(items))]


def best_of(repeat: int, run) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "domain" / "dev-corpus")
    args = parser.parse_args()
    documents = load(args.corpus, args.docs)
    size = sum(len(data) for _, data in documents)
    # Warm up: caches (catalog, place names, OpenCC dictionaries) are built once per process.
    extract_bytes(documents[0][1], documents[0][0])
    texts = [data.decode("utf-8", errors="replace") for _, data in documents]

    facts = 0

    def pipeline() -> None:
        nonlocal facts
        facts = sum(len(extract_bytes(data, name)["facts"]) for name, data in documents)

    def floor() -> None:
        for text in texts:
            BARE_FIGURE.findall(to_simplified(text))

    full = best_of(args.repeat, pipeline)
    bare = best_of(args.repeat, floor)
    count = len(documents)
    print(f"documents: {count} ({size / 1e6:.1f} MB), one core, best of {args.repeat}")
    print(f"pipeline (extract_bytes): {count / full:8.1f} docs/s  {full * 1000 / count:6.2f} ms/doc  {facts} facts")
    print(f"floor (OpenCC t2s + regex scan): {count / bare:8.1f} docs/s  {bare * 1000 / count:6.2f} ms/doc")
    print(
        f"pipeline / floor time: {full / bare:.2f}x; goal ≥ 200 docs/s: {'met' if count / full >= 200 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
