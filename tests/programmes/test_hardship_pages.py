"""Hardship and assistance pages and API: every page and endpoint answers another subtree with 404 (or leaves
its records out of lists), masks personal data, logs each view of a file, and asks a reason for exports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.models import OperationLog
from gonghui.programmes.models.assistance import Assistance
from gonghui.programmes.models.hardship import HardshipFile
from tests.orgs.test_api import bearer, post, token_for
from tests.programmes.hardship_helpers import TODAY, give, id_no, make_campaign, make_file, walk_to_filed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def data(world):
    own = make_file(world.chair, world.wujin_union, serial=1)
    other = make_file(world.tianning_admin, world.tianning_union, serial=2, name="赵天宁")
    own_campaign = make_campaign(world.wujin_admin, world.wujin, name="武进送温暖")
    other_campaign = make_campaign(world.tianning_admin, world.tianning, name="天宁送温暖")
    own_record = give(world.wujin_admin, own_campaign, world.wujin_union, serial=1)[0]
    other_record = give(world.tianning_admin, other_campaign, world.tianning_union, serial=2, name="赵天宁")[0]
    return {
        "own": own,
        "other": other,
        "own_campaign": own_campaign,
        "other_campaign": other_campaign,
        "own_record": own_record,
        "other_record": other_record,
    }


OBJECT_PAGES = [
    ("programmes:hardship_detail", "file", ()),
    ("programmes:hardship_edit", "file", ()),
    ("programmes:campaign_detail", "campaign", ()),
    ("programmes:campaign_edit", "campaign", ()),
    ("programmes:campaign_delete", "campaign", ()),
    ("programmes:assistance_add", "campaign", ()),
    ("programmes:assistance_import", "campaign", ()),
    ("programmes:assistance_template", "campaign", ()),
    ("programmes:assistance_detail", "record", ()),
    ("programmes:assistance_delete", "record", ()),
]


def _target(data, kind: str, which: str):
    return {"file": data[which], "campaign": data[f"{which}_campaign"], "record": data[f"{which}_record"]}[kind]


@pytest.mark.parametrize(("name", "kind", "extra"), OBJECT_PAGES)
def test_object_pages_of_another_subtree_are_404(login, world, data, name, kind, extra):
    client = login(world.wujin_admin)
    assert client.get(reverse(name, args=[_target(data, kind, "own").pk, *extra])).status_code == 200
    assert client.get(reverse(name, args=[_target(data, kind, "other").pk, *extra])).status_code == 404


@pytest.mark.parametrize(
    ("name", "kind", "args"),
    [
        ("programmes:hardship_step", "file", ("review",)),
        ("programmes:hardship_step", "file", ("attachment",)),
        ("programmes:assistance_decide", "record", ()),
        ("programmes:campaign_delete", "campaign", ()),
        ("programmes:assistance_delete", "record", ()),
    ],
)
def test_posts_to_another_subtree_are_404_and_change_nothing(login, world, data, name, kind, args):
    client = login(world.wujin_admin)
    target = _target(data, kind, "other")
    response = client.post(reverse(name, args=[target.pk, *args]), {"passed": "1", "on": TODAY, "opinion": "x"})
    assert response.status_code == 404
    target.refresh_from_db()
    assert getattr(target, "state", "applied") in ("applied", "pending")


def test_attachment_download_of_another_subtree_is_404(login, world, data):
    walk_to_filed(world.tianning_admin, world.tianning_admin, data["other"])
    attachment = data["other"].attachments.first()
    client = login(world.wujin_admin)
    url = reverse("programmes:hardship_attachment", args=[data["other"].pk, attachment.pk])
    assert client.get(url).status_code == 404
    own = walk_to_filed(world.chair, world.wujin_admin, data["own"])
    response = client.get(reverse("programmes:hardship_attachment", args=[own.pk, own.attachments.first().pk]))
    assert response.status_code == 200 and b"signed form" in b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("name", "own_text", "other_text"),
    [
        ("programmes:hardship_list", "王**", "赵**"),
        ("programmes:hardship_overdue", "王**", "赵**"),
        ("programmes:campaign_list", "武进送温暖", "天宁送温暖"),
        ("programmes:assistance_list", "王**", "赵**"),
        ("programmes:assistance_stats", "武进送温暖", "天宁送温暖"),
    ],
)
def test_lists_show_only_the_own_subtree_masked(login, world, data, name, own_text, other_text):
    body = login(world.wujin_admin).get(reverse(name)).content.decode()
    assert own_text in body and other_text not in body
    assert "王建国" not in body and id_no(1) not in body and "2350" not in body


def test_stats_of_another_unit_is_404_and_counts_own_subtree(login, world, data):
    walk_to_filed(world.chair, world.wujin_admin, data["own"])
    client = login(world.wujin_admin)
    body = client.get(reverse("programmes:hardship_stats")).content.decode()
    assert '<strong id="filed-total">1</strong>' in body
    assert client.get(reverse("programmes:hardship_stats") + f"?within={world.tianning.pk}").status_code == 404
    assert client.get(reverse("programmes:assistance_stats") + f"?within={world.tianning.pk}").status_code == 404
    city = login(world.city_admin).get(reverse("programmes:hardship_stats")).content.decode()
    assert "武进区总工会" in city and "天宁区总工会" in city


def test_exact_lookup_by_id_in_the_body_stays_in_scope(login, world, data):
    client = login(world.wujin_admin)
    url = reverse("programmes:hardship_list")
    assert "王**" in client.post(url, {"lookup": id_no(1)}).content.decode()
    body = client.post(url, {"lookup": id_no(2, "320402")}).content.decode()
    assert "赵**" not in body and "没有找到" in body


def test_detail_masks_without_the_permission_and_logs_each_view(login, world, data):
    from tests.world import make_user

    leader = make_user("leader", world.wujin, "leader")
    body = login(leader).get(data["own"].get_absolute_url()).content.decode()
    assert "***" in body and "尿毒症" not in body and "2350" not in body and "王建国" not in body
    body = login(world.wujin_admin).get(data["own"].get_absolute_url()).content.decode()
    assert "尿毒症" in body and "2350.00" in body
    logs = OperationLog.objects.filter(view_name="programmes:hardship_detail")
    assert logs.count() == 2 and all(data["own"].number in log.summary for log in logs)
    assert not any("尿毒症" in log.summary or "王建国" in log.summary for log in logs)


def test_export_needs_a_reason_and_sensitive_columns_need_the_permission(login, world, data):
    client = login(world.wujin_admin)
    url = reverse("programmes:hardship_export")
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "请填写导出事由" in response.content.decode()
    response = client.post(url, {"reason": "年度送温暖名单核对", "sensitive": "on"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 2 and "王**" in rows[1] and "2350.00" in rows[1]
    assert id_no(1) not in str(rows)
    log = OperationLog.objects.filter(view_name="programmes:hardship_export").latest("pk")
    assert "年度送温暖名单核对" in log.summary and "1 条" in log.summary
    from tests.world import make_user

    leader = make_user("leader", world.wujin, "leader")
    response = login(leader).post(url, {"reason": "看看", "sensitive": "on"})
    assert "没有查看困难职工敏感信息的权限" in response.content.decode()


def test_workflow_steps_through_the_pages(login, world, data):
    client = login(world.chair)
    file = data["own"]
    response = client.post(
        reverse("programmes:hardship_step", args=[file.pk, "review"]), {"passed": "1", "on": TODAY, "opinion": ""}
    )
    assert response.status_code == 422 and 'class="error"' in response.content.decode()
    file.refresh_from_db()
    assert file.state == "applied"
    response = client.post(
        reverse("programmes:hardship_step", args=[file.pk, "review"]), {"passed": "1", "on": TODAY, "opinion": "属实"}
    )
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.state == "survey"
    body = client.get(file.get_absolute_url()).content.decode()
    assert 'data-step="survey"' in body and 'data-step="establish"' not in body


def test_creating_through_the_page_and_the_cross_union_duplicate_message(login, world, data):
    client = login(world.tianning_admin)
    payload = {
        "org": world.tianning_union.pk,
        "name": "王建国",
        "id_number": id_no(1),
        "phone": "",
        "employer_name": "天宁乙公司",
        "household_size": 3,
        "monthly_income": "2000",
        "housing": "rented",
        "cause": "illness",
        "cause_detail": "患病",
        "applied_on": TODAY,
    }
    body = client.post(reverse("programmes:hardship_add"), payload).content.decode()
    assert "武进甲公司工会" in body and "同一人只能有一份" in body
    assert HardshipFile.objects.count() == 2


def test_assistance_add_page_warns_and_refuses_duplicates(login, world, data):
    client = login(world.wujin_admin)
    url = reverse("programmes:assistance_add", args=[data["own_campaign"].pk])
    payload = {"org": world.wujin_union.pk, "name": "王建国", "id_number": id_no(1), "given_on": TODAY}
    body = client.post(url, payload).content.decode()
    assert "同一活动每人只能领取一次" in body and "武进甲公司工会" in body
    payload["id_number"] = id_no(40)
    response = client.post(url, payload)
    assert response.status_code == 302 and Assistance.objects.filter(org=world.wujin_union).count() == 2


def test_grassroots_union_sees_the_city_campaign_it_pays_in(login, world):
    campaign = make_campaign(world.city_admin, world.city, name="全市送温暖", participants=[world.wujin])
    client = login(world.chair)
    assert "全市送温暖" in client.get(reverse("programmes:campaign_list")).content.decode()
    assert client.get(campaign.get_absolute_url()).status_code == 200
    tianning_chair_view = login(world.tianning_admin).get(campaign.get_absolute_url())
    assert tianning_chair_view.status_code == 200  # a county sees its city's campaign (reaches its ancestor)
    assert login(world.chair).get(reverse("programmes:campaign_edit", args=[campaign.pk])).status_code == 403


# --- public phone pages -------------------------------------------------------------------------


def test_worker_applies_on_the_phone_page_and_checks_the_status(client, world):
    url = reverse("hardship_apply", args=[world.wujin_union.code])
    payload = {
        "name": "钱小红",
        "id_number": id_no(60),
        "phone": "13900000060",
        "employer_name": "武进甲公司",
        "household_size": 2,
        "monthly_income": "1800",
        "housing": "rented",
        "cause": "schooling",
        "cause_detail": "女儿上大学",
    }
    response = client.post(url, payload)
    assert "请阅读并勾选同意" in response.content.decode()
    response = client.post(url, {**payload, "consent": "on"})
    body = response.content.decode()
    assert "钱**" in body and "钱小红" not in body
    file = HardshipFile.objects.get(name="钱小红")
    assert file.source == "worker" and file.org == world.wujin_union
    status = reverse("hardship_status")
    wrong = client.post(status, {"id_number": id_no(60), "phone": "13900000061"}).content.decode()
    assert "未查询到" in wrong
    right = client.post(status, {"id_number": id_no(60), "phone": "13900000060"}).content.decode()
    assert "待初审" in right and "钱**" in right and id_no(60) not in right
    assert client.get(reverse("hardship_apply", args=["NOPE"])).status_code == 404


# --- API --------------------------------------------------------------------------------------


def test_api_lists_and_details_are_scoped_and_masked(client, world, data):
    auth = bearer(token_for(world.wujin_admin))
    items = client.get("/api/hardship-files", **auth).json()["items"]
    assert [item["number"] for item in items] == [data["own"].number]
    assert items[0]["name_masked"] == "王**" and "income" not in items[0]
    assert client.get(f"/api/hardship-files/{data['own'].pk}", **auth).status_code == 200
    assert client.get(f"/api/hardship-files/{data['other'].pk}", **auth).status_code == 404
    found = post(client, "/api/hardship-files/lookup", {"lookup": id_no(2, "320402")}, **auth).json()
    assert found == []
    assert post(client, "/api/hardship-files/lookup", {"lookup": "王"}, **auth).status_code == 422
    assert client.get("/api/hardship-stats", **auth).json()["open"] == 1
    assert client.get(f"/api/hardship-stats?within={world.tianning.pk}", **auth).status_code == 404
    campaigns = client.get("/api/assistance-campaigns", **auth).json()["items"]
    assert [c["name"] for c in campaigns] == ["武进送温暖"]
    assert client.get(f"/api/assistance-campaigns/{data['other_campaign'].pk}", **auth).status_code == 404
    records = client.get("/api/assistance-records", **auth).json()["items"]
    assert [r["id"] for r in records] == [data["own_record"].pk]
    assert client.get(f"/api/assistance-records/{data['other_record'].pk}", **auth).status_code == 404


def test_api_creates_assistance_with_the_cross_union_check(client, world, data):
    auth = bearer(token_for(world.tianning_admin))
    city = make_campaign(world.city_admin, world.city, name="全市送温暖", participants=[world.wujin, world.tianning])
    give(world.wujin_admin, city, world.wujin_union, serial=70)
    payload = {"org_id": world.tianning_union.pk, "name": "王五", "id_number": id_no(70), "given_on": str(TODAY)}
    response = post(client, f"/api/assistance-campaigns/{city.pk}/records", payload, **auth)
    assert response.status_code == 422 and "武进甲公司工会" in response.json()["detail"]
    payload["id_number"] = id_no(71)
    response = post(client, f"/api/assistance-campaigns/{city.pk}/records", payload, **auth)
    assert response.status_code == 201 and response.json()["cash_amount"] == "500.00"
    other = post(client, f"/api/assistance-campaigns/{data['own_campaign'].pk}/records", payload, **auth)
    assert other.status_code == 404
