"""Full-text search over stored documents (gonghui.intel.search) at a few thousand documents.

    .venv/bin/python benchmarks/intel_search.py [--documents 5000] [--repeat 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/intel_search.py

Builds its own database (SQLite: /tmp/gh_intel_search_bench.sqlite3; PostgreSQL: gh_intel_search_bench on
the server of DATABASE_URL), never the test or development ones. The documents are the dev-corpus bodies
(shared/domain/dev-corpus) cut into paragraphs and recombined at random, so each is a different real-sounding
text of 1–4 k characters. Measures and prints:

- tokenising (jieba search mode, ``search.document_tokens``): documents/s and characters/s;
- the search page's query (``DocumentFilterSet`` with ``q``, the row count and the first page of 20 in
  the list's order, plus snippets) for one-, two- and three-word queries and a rare word, as a city user
  restricted to the whole tree: p50/p95 ms over ``--repeat`` runs each.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "domain" / "dev-corpus"
if not CORPUS.exists():
    CORPUS = Path("/work/shared/domain/dev-corpus")
QUERIES = ("慰问金", "困难职工 慰问", "工会 驿站 建设", "劳动法律监督委员会")


def database_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        return urlunsplit(urlsplit(base)._replace(path="/gh_intel_search_bench"))
    return "sqlite:////tmp/gh_intel_search_bench.sqlite3"


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = 'gh_intel_search_bench'").fetchone()
        if not exists:
            connection.execute("CREATE DATABASE gh_intel_search_bench")


def paragraphs() -> list[str]:
    pieces = []
    for path in sorted(CORPUS.glob("*.txt")):
        pieces += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 30]
    if not pieces:
        raise SystemExit(f"no dev-corpus texts under {CORPUS}")
    return pieces


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    url = database_url()
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory

    from gonghui.accounts.models import User
    from gonghui.intel import search
    from gonghui.intel.filtersets import DocumentFilterSet
    from gonghui.intel.models import Document
    from gonghui.intel.selectors import documents_for, with_counts
    from gonghui.orgs.models import FederationLevel, Organization, OrgType

    call_command("migrate", verbosity=0)
    city = Organization.objects.filter(code="BENCH").first() or Organization.objects.add_root(
        instance=Organization(
            name="基准市总工会",
            org_type=OrgType.FEDERATION,
            level=FederationLevel.CITY,
            region_code="320400",
            code="BENCH",
        )
    )
    user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        username="bench", password="Bench@pass2026", org=city
    )

    pieces = paragraphs()
    rng = random.Random(2026)
    texts = ["\n".join(rng.sample(pieces, rng.randint(3, 12))) for _ in range(min(args.documents, 2000))]
    chars = sum(len(t) for t in texts)
    started = time.perf_counter()
    tokens = [search.document_tokens(t) for t in texts]
    tokenise_s = time.perf_counter() - started

    have = Document.objects.filter(org=city).count()
    if have != args.documents:
        Document.objects.filter(org=city).delete()
        batch = []
        for number in range(args.documents):
            index = number % len(texts)
            batch.append(
                Document(
                    org=city,
                    year=2026,
                    quarter=number % 4 + 1,
                    title=f"基准材料{number}",
                    body=texts[index],
                    search_tokens=tokens[index],
                    status="pending",
                )
            )
        Document.objects.bulk_create(batch, batch_size=500)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE intel_document")

    request = RequestFactory().get("/intel/")
    request.user = user
    print(f"database: {connection.vendor}, documents: {args.documents}, average {chars // len(texts)} characters")
    print(
        f"tokenise: {len(texts) / tokenise_s:.0f} documents/s, {chars / tokenise_s / 1000:.0f} k characters/s "
        f"(jieba search mode, {len(texts)} documents)"
    )
    for query in QUERIES:
        timings, count = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            filterset = DocumentFilterSet({"q": query}, queryset=with_counts(documents_for(user)), request=request)
            queryset = filterset.qs
            count = queryset.count()
            words = search.query_tokens(query)
            page = list(queryset.order_by("-year", "-quarter", "-created_at", "-pk")[:20])
            for document in page:
                search.snippet(document.body, words)
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"search {query!r:14} {count:6d} hits   p50 {statistics.median(timings):7.1f} ms   "
            f"p95 {percentile(timings, 0.95):7.1f} ms"
        )


if __name__ == "__main__":
    main()
