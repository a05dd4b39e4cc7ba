"""The member API: masked responses, scope, the same services and errors as the pages."""

import json

import pytest

from gonghui.core.models import OperationLog
from gonghui.members.models import Member
from tests.members.helpers import add_member, grant_full_pii, id_number
from tests.orgs.test_api import bearer, patch, post, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(world):
    own = add_member(world, world.wujin_union, name="王建国", serial=401, phone="13812345678")
    other = add_member(world, world.tianning_union, name="李秀英", serial=402, phone="13912345678")
    return own, other


def new_member(org, serial=403, **overrides) -> dict:
    return {
        "org_id": org.pk,
        "name": "刘洋",
        "id_number": id_number(serial, org.region_code),
        "phone": "13511112222",
        "employment_category": "new_employment",
        "new_employment_type": "ride_hailing_driver",
        "join_date": "2025-04-01",
        **overrides,
    }


def test_list_is_masked_and_scoped(client, world, members):
    own, _other = members
    grant_full_pii(world.wujin_admin)  # even with the permission, the API never decrypts
    raw = token_for(world.wujin_admin)
    response = client.get("/api/members", **bearer(raw))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["name"] == "王建国" and item["id_number_masked"] == own.id_number_masked
    assert item["phone_masked"] == "138****5678" and item["birth_year_month"] == "1990-05"
    assert item["org_name"] == "武进甲公司工会"
    text = json.dumps(data, ensure_ascii=False)
    assert own.reveal_id_number() not in text and "13812345678" not in text and "1990-05-17" not in text


def test_list_filters_and_exact_search(client, world, members):
    own, other = members
    client.force_login(world.city_admin)
    assert client.get("/api/members").json()["count"] == 2
    assert client.get("/api/members", {"q": own.reveal_id_number()}).json()["items"][0]["id"] == own.pk
    assert client.get("/api/members", {"q": "13912345678"}).json()["items"][0]["id"] == other.pk
    assert client.get("/api/members", {"within": world.tianning.pk}).json()["count"] == 1
    assert client.get("/api/members", {"status": "left"}).json()["count"] == 0
    client.force_login(world.wujin_admin)
    assert client.get("/api/members", {"within": world.tianning.pk}).status_code == 422


def test_detail_other_subtree_is_404(client, world, members):
    own, other = members
    client.force_login(world.wujin_admin)
    assert client.get(f"/api/members/{own.pk}").json()["id_number_masked"] == own.id_number_masked
    assert client.get(f"/api/members/{other.pk}").status_code == 404
    assert patch(client, f"/api/members/{other.pk}", {"name": "改名"}).status_code == 404
    client.force_login(world.nobody)
    assert client.get("/api/members").status_code == 403
    assert client.get(f"/api/members/{own.pk}").status_code == 404


def test_create_and_update(client, world):
    raw = token_for(world.wujin_admin)
    response = post(client, "/api/members", new_member(world.wujin_union), **bearer(raw))
    assert response.status_code == 201, response.content
    data = response.json()
    member = Member.objects.get(pk=data["id"])
    assert member.created_by == world.wujin_admin
    assert data["gender"] == "male" and data["new_employment_type"] == "ride_hailing_driver"
    assert member.reveal_phone() == "13511112222"
    response = patch(client, f"/api/members/{member.pk}", {"name": "刘阳", "phone": ""}, **bearer(raw))
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.name == "刘阳" and member.phone_cipher == "" and response.json()["phone_masked"] == ""


def test_create_errors_are_422_in_chinese(client, world, members):
    own, _other = members
    raw = token_for(world.wujin_admin)
    response = post(client, "/api/members", new_member(world.tianning_union), **bearer(raw))
    assert response.status_code == 422 and "不在您的数据权限范围内" in response.json()["detail"]
    response = post(
        client, "/api/members", new_member(world.wujin_union, id_number=own.reveal_id_number()), **bearer(raw)
    )
    assert response.status_code == 422 and "已是本工会在会会员" in response.json()["detail"]
    response = post(client, "/api/members", new_member(world.wujin_union, new_employment_type=None), **bearer(raw))
    assert response.status_code == 422 and "新就业形态类型" in response.json()["detail"]
    response = post(client, "/api/members", new_member(world.hutang), **bearer(raw))
    assert response.status_code == 422 and "会员只能登记在基层工会" in response.json()["detail"]


def test_lookup_by_exact_number_in_the_body(client, world, members):
    own, other = members
    client.force_login(world.wujin_admin)
    response = post(client, "/api/members/lookup", {"term": own.reveal_id_number()})
    assert response.status_code == 200 and [item["id"] for item in response.json()] == [own.pk]
    assert post(client, "/api/members/lookup", {"term": other.reveal_id_number()}).json() == []
    assert post(client, "/api/members/lookup", {"term": "13812345678"}).json()[0]["id"] == own.pk
    assert post(client, "/api/members/lookup", {"term": "王"}).status_code == 422
    client.force_login(world.nobody)
    assert post(client, "/api/members/lookup", {"term": own.reveal_id_number()}).status_code == 403


# --- the logged full view ---------------------------------------------------------------------------


def test_reveal_gives_full_data_with_the_permission_and_logs_it(client, world, members):
    own, _other = members
    grant_full_pii(world.wujin_admin)
    raw = token_for(world.wujin_admin)
    response = post(client, f"/api/members/{own.pk}/reveal", {}, **bearer(raw))
    assert response.status_code == 200, response.content
    assert response.json() == {"id_number": own.reveal_id_number(), "phone": "13812345678"}
    assert response["Cache-Control"] == "no-store"
    log = OperationLog.objects.get(summary=f"查看会员完整个人信息：{own.pk}")
    assert log.user == world.wujin_admin and log.method == "POST" and log.status_code == 200
    for row in OperationLog.objects.values():
        text = " ".join(str(value) for value in row.values())
        assert own.reveal_id_number() not in text and "13812345678" not in text


def test_reveal_other_subtree_is_404_and_masked_role_is_403(client, world, members):
    own, other = members
    grant_full_pii(world.wujin_admin)
    client.force_login(world.wujin_admin)
    response = post(client, f"/api/members/{other.pk}/reveal", {})
    assert response.status_code == 404 and other.reveal_id_number() not in response.content.decode()
    assert post(client, "/api/members/987654321/reveal", {}).status_code == 404
    client.force_login(world.tianning_admin)  # sees the member, masked only
    response = post(client, f"/api/members/{other.pk}/reveal", {})
    assert response.status_code == 403 and "查看完整个人信息" in response.json()["detail"]
    assert post(client, f"/api/members/{own.pk}/reveal", {}).status_code == 404
    client.force_login(world.nobody)
    assert post(client, f"/api/members/{own.pk}/reveal", {}).status_code == 404
    assert client.get(f"/api/members/{own.pk}/reveal").status_code == 405
    assert not OperationLog.objects.filter(summary__startswith="查看会员完整个人信息").exists()


def test_reveal_follows_the_permission_roles_scope(client, world, members):
    own, _other = members
    grant_full_pii(world.city_admin, scope="own_org")  # only members registered at the city itself
    client.force_login(world.city_admin)
    assert client.get(f"/api/members/{own.pk}").status_code == 200
    assert post(client, f"/api/members/{own.pk}/reveal", {}).status_code == 403
    grant_full_pii(world.city_admin, scope="own_org_and_below")
    assert post(client, f"/api/members/{own.pk}/reveal", {}).json()["phone"] == "13812345678"
