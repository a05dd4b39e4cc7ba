"""Full-text search over stored documents: jieba tokens, all words must match, scope, filters, snippets and
pagination — on whichever database the suite runs (SQLite by default, PostgreSQL with DATABASE_URL); on
PostgreSQL the GIN index answers the match."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from gonghui.intel import search
from gonghui.intel.filtersets import DocumentFilterSet
from gonghui.intel.models import Document
from gonghui.intel.selectors import documents_for
from tests.intel.app_helpers import TIANNING_TEXT, WUJIN_TEXT, paste
from tests.targets.reports_helpers import YEAR

pytestmark = pytest.mark.django_db

TRAD_TEXT = "武進區總工會開展金秋助學活動\n武進區總工會為困難職工子女發放助學金，資助大學新生45人。"


@pytest.fixture
def stored(world):
    return {
        "wujin": paste(world.wujin_admin, world.wujin, WUJIN_TEXT),
        "trad": paste(world.wujin_admin, world.wujin, TRAD_TEXT, quarter=3),
        "hutang": paste(world.wujin_admin, world.hutang, "湖塘镇工会二季度工作\n湖塘镇工会组织职工健康体检300人。"),
        "tianning": paste(world.tianning_admin, world.tianning, TIANNING_TEXT),
    }


def found(user, **params) -> set[int]:
    filterset = DocumentFilterSet(params, queryset=documents_for(user), request=_Request(user))
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


class _Request:
    def __init__(self, user):
        self.user = user


def ids(*documents) -> set[int]:
    return {d.pk for d in documents}


def test_tokens_are_jieba_words_searchable_by_part_and_by_whole():
    tokens = search.document_tokens("发放送温暖资金41万元，慰问困难职工。").split(" ")
    assert "温暖" in tokens and "资金" in tokens and "困难职工" in tokens and "职工" in tokens
    assert "，" not in tokens and "" not in tokens
    assert search.query_tokens("慰问 困难职工！") == ["慰问", "困难职工"]
    assert search.query_tokens("   ") == []


def test_every_word_must_match_and_scope_applies(world, stored):
    s = stored
    city = world.city_admin
    assert found(city, q="慰问金") == ids(s["wujin"], s["tianning"])
    assert found(city, q="慰问金 驿站") == ids(s["wujin"], s["tianning"])
    assert found(city, q="慰问金 新增会员") == ids(s["wujin"])
    assert found(city, q="健康体检") == ids(s["hutang"])
    assert found(city, q="助学金") == ids(s["trad"])  # stored converted to Simplified
    assert found(city, q="疗休养") == set()
    assert found(world.wujin_admin, q="慰问金") == ids(s["wujin"])
    assert found(world.tianning_admin, q="健康体检") == set()
    assert found(world.nobody, q="慰问金") == set()


def test_quotes_and_operators_in_a_query_are_plain_words(world, stored):
    assert found(world.city_admin, q="慰问金' | !驿站 & (") == found(world.city_admin, q="慰问金 驿站")
    assert found(world.city_admin, q="%") == ids(*stored.values())  # no words: no text condition
    assert found(world.city_admin, q="_职工") == found(world.city_admin, q="职工")


def test_filters_by_unit_period_and_indicator(world, stored):
    s = stored
    city = world.city_admin
    assert found(city, unit=world.wujin.pk) == ids(s["wujin"], s["trad"], s["hutang"])
    assert found(city, unit=world.hutang.pk) == ids(s["hutang"])
    assert found(city, year=YEAR, quarter=3) == ids(s["trad"])
    assert found(city, indicator="relief_amount") == ids(s["wujin"], s["tianning"])
    assert found(city, indicator="health_checks", q="体检") == ids(s["hutang"])
    assert found(city, indicator="relief_amount", unit=world.tianning.pk, q="驿站") == ids(s["tianning"])


def test_snippet_marks_the_words_and_escapes_the_body():
    body = "<b>前言</b>" + "某" * 200 + "发放慰问金41万余元，慰问困难职工。" + "尾" * 200
    snippet = search.snippet(body, ["慰问金", "困难职工"])
    assert "<mark>慰问金</mark>41万余元" in snippet and "<mark>困难职工</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…") and "<b>" not in snippet
    assert search.snippet("&短文", []) == "&amp;短文"


def test_the_page_paginates_results(login, world):
    for number in range(25):
        paste(world.wujin_admin, world.wujin, f"第{number}期简报\n武进区总工会走访慰问困难职工{number + 1}人。")
    client = login(world.wujin_admin)
    first = client.get(reverse("intel:document_list") + "?q=慰问").content.decode()
    assert "共 25 条" in first and first.count('class="snippet"') == 20
    second = client.get(reverse("intel:document_list") + "?q=慰问&page=2").content.decode()
    assert second.count('class="snippet"') == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_postgresql_answers_from_the_gin_index(world, stored):
    queryset = search.match(Document.objects.all(), ["慰问金"])
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "intel_doc_tokens_gin" in plan
    assert set(queryset.values_list("pk", flat=True)) == ids(stored["wujin"], stored["tianning"])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only")
def test_sqlite_answers_from_the_fts_index_which_follows_every_write(world, stored):
    assert search._sqlite_has_fts()
    queryset = search.match(Document.objects.all(), ["慰问金"])
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "VIRTUAL TABLE" in plan and search.FTS_TABLE in plan
    document = stored["hutang"]
    Document.objects.filter(pk=document.pk).update(search_tokens=search.document_tokens("组织劳模疗休养"))
    assert found(world.city_admin, q="疗休养") == ids(document)
    assert found(world.city_admin, q="健康体检") == set()
    stored["wujin"].delete()
    assert found(world.city_admin, q="慰问金") == ids(stored["tianning"])
