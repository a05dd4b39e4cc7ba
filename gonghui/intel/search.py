"""Full-text search over stored documents, with Chinese segmentation by jieba.

One design on both databases: the body is segmented once, when a document is stored, into a column of
distinct tokens separated by single spaces (``Document.search_tokens``). A query is segmented the same
way and every query token must be one of the document's tokens.

- The tokens of a document are jieba's search-mode segmentation (``cut_for_search``: each long word and
  its shorter words, "送温暖资金" → 温暖, 资金, 送温暖资金), so a query for a part of a word finds it. The
  query is cut in precise mode, whose words are all among the search-mode tokens of the same text.
- PostgreSQL matches with a stored, GIN-indexed exact-lexeme ``tsvector`` column generated from the tokens
  (migration 0002); no text-search parser touches the Chinese. SQLite matches with an FTS5 index over the same column,
  kept in step by triggers (migration 0003); where FTS5 is missing, with ``LIKE '% token %'`` over the padded
  column, a scan. ``benchmarks/intel_search.py`` prints the figures at a few thousand documents.
- Snippets are cut from the body around the first match and the query words are marked; done in Python
  for the page of results only.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: the generated tsvector column PostgreSQL searches (migrations/0002_search_index.py)
TSVECTOR_SQL = "intel_document.search_vector"
#: the SQLite FTS5 table over the tokens (migrations/0003_sqlite_fts.py)
FTS_TABLE = "intel_document_fts"
MAX_QUERY_TOKENS = 12
SNIPPET_CHARS = 120

_WORD = re.compile(r"[^\W_]")
_lock = threading.Lock()
_jieba = None


def _tokenizer():
    """jieba loads its dictionary on first use (about a second); once per process, thread-safe."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(60)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def _keep(token: str) -> str | None:
    token = token.strip().lower()
    if not token or not _WORD.search(token):
        return None  # punctuation and spaces
    return token


def document_tokens(text: str) -> str:
    """The ``search_tokens`` value of a body: distinct search-mode tokens in order of first appearance."""
    seen: dict[str, None] = {}
    for token in _tokenizer().cut_for_search(text or ""):
        kept = _keep(token)
        if kept is not None and kept not in seen:
            seen[kept] = None
    return " ".join(seen)


def query_tokens(query: str) -> list[str]:
    """The words of a query (precise mode), each once, at most ``MAX_QUERY_TOKENS``."""
    seen: dict[str, None] = {}
    for token in _tokenizer().cut(query or ""):
        kept = _keep(token)
        if kept is not None:
            seen[kept] = None
    return list(seen)[:MAX_QUERY_TOKENS]


def _tsquery(tokens: Iterable[str]) -> str:
    return " & ".join("'" + token.replace("\\", "\\\\").replace("'", "''") + "'" for token in tokens)


def _fts_match(tokens: Iterable[str]) -> str:
    return " ".join('"' + token.replace('"', '""') + '"' for token in tokens)


_fts_tables: dict[str, bool] = {}


def _sqlite_has_fts() -> bool:
    name = str(connection.settings_dict["NAME"])
    if name not in _fts_tables:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
            _fts_tables[name] = cursor.fetchone() is not None
    return _fts_tables[name]


def match(queryset: QuerySet, tokens: list[str]) -> QuerySet:
    """Documents of ``queryset`` holding every token."""
    if not tokens:
        return queryset
    if connection.vendor == "postgresql":
        condition = RawSQL(f"{TSVECTOR_SQL} @@ %s::tsquery", (_tsquery(tokens),), output_field=BooleanField())
        return queryset.filter(condition)
    if connection.vendor == "sqlite" and _sqlite_has_fts():
        matching = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (_fts_match(tokens),))
        return queryset.filter(pk__in=matching)
    padded = queryset.annotate(_padded_tokens=Concat(Value(" "), "search_tokens", Value(" "), output_field=TextField()))
    condition = Q()
    for token in tokens:
        condition &= Q(_padded_tokens__contains=f" {token} ")
    return padded.filter(condition)


def snippet(body: str, tokens: list[str], width: int = SNIPPET_CHARS) -> SafeString:
    """An escaped piece of ``body`` around the first query word, every query word in <mark>."""
    body = body or ""
    lowered = body.lower()
    positions = [lowered.find(token) for token in tokens]
    positions = [p for p in positions if p >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = body[start : start + width]
    text = ("…" if start else "") + piece + ("…" if start + width < len(body) else "")
    return mark_words(text, tokens)


def mark_words(text: str, tokens: list[str]) -> SafeString:
    if not tokens:
        return mark_safe(escape(text))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for found in pattern.finditer(text):
        out.append(escape(text[last : found.start()]))
        out.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
