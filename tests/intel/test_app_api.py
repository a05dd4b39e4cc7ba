"""The intel API: documents (search, detail, paste, upload, review, delete) and facts, scoped by restrict."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.intel.models import Document, FactStatus
from tests.intel.app_helpers import QUARTER, TIANNING_TEXT, WUJIN_TEXT, build_intel_targets, fact_of, paste
from tests.orgs.test_api import bearer, post, token_for
from tests.targets.reports_helpers import YEAR, value_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def documents(world):
    build_intel_targets(world)
    return paste(world.wujin_admin, world.wujin), paste(world.tianning_admin, world.tianning, TIANNING_TEXT)


def test_list_searches_and_filters_within_scope(client, world, documents):
    own, other = documents
    auth = bearer(token_for(world.wujin_admin))
    items = client.get("/api/intel/documents", **auth).json()["items"]
    assert [item["id"] for item in items] == [own.pk]
    assert items[0]["org_name"] == "武进区总工会" and items[0]["status"] == "pending"
    city = bearer(token_for(world.city_admin))
    assert client.get("/api/intel/documents?q=慰问金", **city).json()["count"] == 2
    assert client.get("/api/intel/documents?q=新增会员", **city).json()["count"] == 1
    assert client.get(f"/api/intel/documents?unit={world.tianning.pk}", **city).json()["items"][0]["id"] == other.pk
    assert client.get(f"/api/intel/documents?year={YEAR}&quarter=1", **city).json()["count"] == 0
    assert client.get("/api/intel/documents?indicator=relief_amount", **city).json()["count"] == 2
    assert client.get("/api/intel/documents?quarter=5", **city).status_code == 422
    assert client.get("/api/intel/documents?indicator=nope", **city).status_code == 422
    assert client.get("/api/intel/documents", **bearer(token_for(world.nobody))).status_code == 403


def test_detail_has_body_and_facts_with_offsets_and_other_subtree_is_404(client, world, documents):
    own, other = documents
    auth = bearer(token_for(world.wujin_admin))
    data = client.get(f"/api/intel/documents/{own.pk}", **auth).json()
    money = next(f for f in data["facts"] if f["indicator"] == "relief_amount")
    assert float(money["value"]) == 410000 and money["approx"] and money["status"] == "pending"
    assert data["body"][money["start"] : money["end"]] == money["evidence"]
    assert client.get(f"/api/intel/documents/{other.pk}", **auth).status_code == 404
    facts = client.get("/api/intel/facts?indicator=relief_amount", **auth).json()
    assert facts["count"] == 1 and facts["items"][0]["document_id"] == own.pk


def test_paste_review_and_prefill(client, world):
    build_intel_targets(world)
    auth = bearer(token_for(world.wujin_admin))
    payload = {"org_id": world.wujin.pk, "year": YEAR, "quarter": QUARTER, "text": WUJIN_TEXT}
    response = post(client, "/api/intel/documents", payload, **auth)
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    money = fact_of(document, "dues_collected")  # reported (relief is computed from assistance records)
    decisions = [{"fact": f.pk, "action": "confirm"} for f in document.facts.exclude(pk=money.pk)]
    decisions.append({"fact": money.pk, "action": "confirm", "value": 412000})
    response = post(client, f"/api/intel/documents/{document.pk}/review", {"decisions": decisions}, **auth)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["confirmed"] == len(decisions) and "工会经费收缴" in data["prefilled"]
    report = world.wujin.targets_quarterlyreport_set.get(pk=data["quarterly_report_id"])
    assert value_of(report, "dues_collected") == 412000
    bad = post(client, f"/api/intel/documents/{document.pk}/review", {"decisions": [{"fact": 0}]}, **auth)
    assert bad.status_code == 422 and "不属于本材料" in bad.json()["detail"]
    assert post(client, "/api/intel/documents", {**payload, "quarter": 4, "year": YEAR + 1}, **auth).status_code == 422


def test_upload_a_file(client, world):
    auth = bearer(token_for(world.wujin_admin))
    data = {
        "org_id": world.wujin.pk,
        "year": YEAR,
        "quarter": QUARTER,
        "file": SimpleUploadedFile("a.txt", WUJIN_TEXT.encode()),
    }
    response = client.post("/api/intel/documents/upload", data, **auth)
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "a.txt" and response.json()["source"] == "upload"
    data["file"] = SimpleUploadedFile("a.pdf", b"%PDF")
    response = client.post("/api/intel/documents/upload", data, **auth)
    assert response.status_code == 422 and "docx" in response.json()["detail"]


def test_writes_to_another_subtree_are_404_or_refused(client, world, documents):
    own, _other = documents
    auth = bearer(token_for(world.tianning_admin))
    fact = own.facts.first()
    decisions = {"decisions": [{"fact": fact.pk, "action": "confirm"}]}
    assert post(client, f"/api/intel/documents/{own.pk}/review", decisions, **auth).status_code == 404
    assert client.delete(f"/api/intel/documents/{own.pk}", **auth).status_code == 404
    payload = {"org_id": world.wujin.pk, "year": YEAR, "quarter": QUARTER, "text": WUJIN_TEXT}
    assert post(client, "/api/intel/documents", payload, **auth).status_code == 404
    assert not own.facts.filter(status=FactStatus.CONFIRMED).exists()
    assert (
        client.get("/api/intel/facts", **auth).json()["count"]
        == own.__class__.objects.get(org=world.tianning).facts.count()
    )
    mine = bearer(token_for(world.wujin_admin))
    assert client.delete(f"/api/intel/documents/{own.pk}", **mine).status_code == 204
    assert not Document.objects.filter(pk=own.pk).exists()
