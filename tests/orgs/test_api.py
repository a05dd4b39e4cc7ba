"""The JSON API for organisations and employers: authentication, scope, validation, OpenAPI."""

import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import ApiToken, hash_token
from gonghui.core.models import ChangeLog
from gonghui.orgs.models import Employer, Organization, OrgType
from tests.world import make_uscc

pytestmark = pytest.mark.django_db


def token_for(user, *, expires_at=None) -> str:
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name="脚本", prefix=raw[:8], token_hash=hash_token(raw), expires_at=expires_at)
    return raw


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(url, json.dumps(data), content_type="application/json", **extra)


def names(response) -> list[str]:
    return sorted(item["name"] for item in response.json()["items"])


def new_org(parent, **overrides) -> dict:
    return {
        "parent_id": parent.pk,
        "name": "武进丙公司工会",
        "code": "API320412001002",
        "org_type": "grassroots",
        "region_code": parent.region_code,
        "founded_on": "2026-03-01",
        "chair_name": "王建国",
        **overrides,
    }


def new_employer(union, serial=50, **overrides) -> dict:
    return {
        "name": "武进丙公司",
        "uscc": make_uscc(serial),
        "ownership": "private",
        "industry": "C",
        "staff_count": 80,
        "women_count": 30,
        "region_code": union.region_code,
        "union_id": union.pk,
        **overrides,
    }


# --- authentication -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/orgs", "/api/employers"])
def test_unauthenticated_is_401(client, world, url):
    assert client.get(url).status_code == 401
    assert client.get(f"/api/orgs/{world.wujin.pk}").status_code == 401


def test_unauthenticated_write_is_401(client, world):
    assert post(client, "/api/orgs", new_org(world.hutang)).status_code == 401
    assert not Organization.objects.filter(code="API320412001002").exists()


def test_session_auth(login, world):
    client = login(world.wujin_admin)
    response = client.get("/api/orgs")
    assert response.status_code == 200
    assert names(response) == ["武进区总工会", "武进甲公司工会", "湖塘镇工会"]
    assert response.json()["count"] == 3


def test_session_post_needs_the_csrf_token(world, password):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    login_token = client.cookies["csrftoken"].value
    logged_in = client.post(
        "/login/", {"username": "wujin_admin", "password": password, "csrfmiddlewaretoken": login_token}
    )
    assert logged_in.status_code == 302
    refused = post(client, "/api/orgs", new_org(world.hutang))
    assert refused.status_code == 403
    assert not Organization.objects.filter(code="API320412001002").exists()

    token = client.cookies["csrftoken"].value  # rotated at login
    accepted = post(client, "/api/orgs", new_org(world.hutang), HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content


def test_token_auth_reads_in_the_owners_scope(client, world):
    raw = token_for(world.wujin_admin)
    response = client.get("/api/orgs", **bearer(raw))
    assert response.status_code == 200
    assert names(response) == ["武进区总工会", "武进甲公司工会", "湖塘镇工会"]
    assert ApiToken.objects.get(token_hash=hash_token(raw)).last_used_at is not None
    assert client.get(f"/api/orgs/{world.tianning.pk}", **bearer(raw)).status_code == 404


def test_token_writes_need_no_csrf_and_are_logged_as_the_owner(world):
    client = Client(enforce_csrf_checks=True)
    raw = token_for(world.wujin_admin)
    response = post(client, "/api/orgs", new_org(world.hutang), **bearer(raw))
    assert response.status_code == 201, response.content
    log = ChangeLog.objects.get(
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=str(response.json()["id"]),
        action="create",
    )
    assert log.user == world.wujin_admin


@pytest.mark.parametrize(
    "header",
    ["Bearer gh_not-a-real-token", "Bearer abc", "Token gh_x", ""],
)
def test_bad_tokens_are_401(client, world, header):
    assert client.get("/api/orgs", HTTP_AUTHORIZATION=header).status_code == 401


def test_expired_token_is_401(client, world):
    raw = token_for(world.wujin_admin, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get("/api/orgs", **bearer(raw)).status_code == 401


def test_token_of_inactive_user_is_401(client, world):
    raw = token_for(world.wujin_admin)
    world.wujin_admin.is_active = False
    world.wujin_admin.save()
    assert client.get("/api/orgs", **bearer(raw)).status_code == 401


def test_user_without_roles_is_403_on_lists_and_404_on_objects(login, world):
    client = login(world.nobody)
    for url in ("/api/orgs", "/api/employers"):
        response = client.get(url)
        assert response.status_code == 403
        assert "权限" in response.json()["detail"]
    assert client.get(f"/api/orgs/{world.wujin.pk}").status_code == 404
    assert client.get(f"/api/employers/{world.wujin_employer.pk}").status_code == 404


def test_permission_is_per_action(login, world):
    chair = login(world.chair)
    assert chair.get("/api/orgs").status_code == 200
    assert post(chair, "/api/orgs", new_org(world.wujin_union, org_type="group")).status_code == 403
    assert patch(chair, f"/api/orgs/{world.wujin_union.pk}", {"name": "改名"}).status_code == 404
    # The system administrator manages organisations but not employers (三员分立).
    sysadmin = login(world.sysadmin)
    assert sysadmin.get("/api/orgs").json()["count"] == Organization.objects.count()
    assert sysadmin.get("/api/employers").status_code == 403


# --- organisations --------------------------------------------------------------------------------


def test_list_filters(login, world):
    client = login(world.city_admin)
    assert client.get("/api/orgs").json()["count"] == 7
    assert names(client.get("/api/orgs", {"org_type": "town"})) == ["湖塘镇工会", "茶山街道工会"]
    assert names(client.get("/api/orgs", {"q": "湖塘"})) == ["湖塘镇工会"]
    assert names(client.get("/api/orgs", {"q": "t320402"})) == ["天宁区总工会"]
    assert names(client.get("/api/orgs", {"region_code": "320402"})) == [
        "天宁乙公司工会",
        "天宁区总工会",
        "茶山街道工会",
    ]
    assert client.get("/api/orgs", {"org_type": "nonsense"}).status_code == 422


def test_filters_never_widen_the_scope(login, world):
    client = login(world.wujin_admin)
    assert names(client.get("/api/orgs", {"region_code": "320402"})) == []
    assert names(client.get("/api/orgs", {"q": "天宁"})) == []
    assert names(client.get("/api/orgs", {"org_type": "town"})) == ["湖塘镇工会"]


def test_pagination(login, world):
    client = login(world.city_admin)
    first = client.get("/api/orgs", {"page": 1, "page_size": 3}).json()
    third = client.get("/api/orgs", {"page": 3, "page_size": 3}).json()
    assert first["count"] == third["count"] == 7
    assert len(first["items"]) == 3 and len(third["items"]) == 1
    assert first["items"][0]["name"] == "常州市总工会"  # tree order
    everything = {
        i["id"] for p in (1, 2, 3) for i in client.get("/api/orgs", {"page": p, "page_size": 3}).json()["items"]
    }
    assert everything == set(Organization.objects.values_list("pk", flat=True))
    # A scoped user's count and pages cover their subtree only.
    scoped = login(world.wujin_admin).get("/api/orgs", {"page": 1, "page_size": 2}).json()
    assert scoped["count"] == 3 and len(scoped["items"]) == 2


def test_detail(login, world):
    client = login(world.wujin_admin)
    response = client.get(f"/api/orgs/{world.hutang.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "湖塘镇工会"
    assert data["org_type"] == "town" and data["level"] is None
    assert data["parent_id"] == world.wujin.pk
    assert data["region_code"] == "320412" and data["depth"] == 3 and data["numchild"] == 1
    assert "contact_phone" not in data  # personal contact data stays on the pages
    assert client.get(f"/api/orgs/{world.wujin.pk}").json()["level"] == "county"


def test_detail_of_another_subtree_is_404(login, world):
    client = login(world.wujin_admin)
    for org in (world.tianning, world.chashan, world.tianning_union, world.city):
        response = client.get(f"/api/orgs/{org.pk}")
        assert response.status_code == 404
        assert "天宁" not in response.content.decode()
    assert client.get("/api/orgs/999999").status_code == 404


def test_children(login, world):
    client = login(world.wujin_admin)
    response = client.get(f"/api/orgs/{world.wujin.pk}/children")
    assert response.status_code == 200
    assert names(response) == ["湖塘镇工会"]
    assert client.get(f"/api/orgs/{world.tianning.pk}/children").status_code == 404
    # The city admin sees both county federations under the city.
    city = login(world.city_admin).get(f"/api/orgs/{world.city.pk}/children")
    assert names(city) == ["天宁区总工会", "武进区总工会"]


def test_create(login, world):
    client = login(world.wujin_admin)
    response = post(client, "/api/orgs", new_org(world.hutang))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["parent_id"] == world.hutang.pk and data["depth"] == 4
    org = Organization.objects.get(pk=data["id"])
    assert org.name == "武进丙公司工会" and org.org_type == OrgType.GRASSROOTS
    assert Organization.objects.get_parent(org).pk == world.hutang.pk
    world.hutang.refresh_from_db()
    assert world.hutang.numchild == 2
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_create_in_another_subtree_is_refused_in_chinese(login, world):
    client = login(world.wujin_admin)
    response = post(client, "/api/orgs", new_org(world.chashan, code="API-X", region_code="320402"))
    assert response.status_code in (404, 422)
    assert "不在您的数据权限范围内" in response.json()["detail"]
    assert not Organization.objects.filter(code="API-X").exists()


@pytest.mark.parametrize(
    ("parent", "payload", "message"),
    [
        ("hutang", {"org_type": "town"}, "乡镇(街道)工会不能设在乡镇(街道)工会「湖塘镇工会」之下"),
        ("wujin_union", {"org_type": "grassroots"}, "基层工会不能设在基层工会「武进甲公司工会」之下"),
        ("wujin", {"org_type": "federation", "level": "city"}, "上级总工会的层级必须更高"),
        ("wujin", {"org_type": "federation"}, "总工会须选择层级"),
    ],
)
def test_create_breaking_placement_rules_is_422_in_chinese(login, world, parent, payload, message):
    client = login(world.city_admin)
    response = post(client, "/api/orgs", new_org(getattr(world, parent), **payload))
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]


def test_create_with_bad_fields_is_422_in_chinese(login, world):
    client = login(world.wujin_admin)
    unknown_region = post(client, "/api/orgs", new_org(world.hutang, region_code="320499"))
    assert unknown_region.status_code == 422
    assert "不在现行 GB/T 2260" in unknown_region.json()["detail"]
    duplicate = post(client, "/api/orgs", new_org(world.hutang, code=world.wujin.code))
    assert duplicate.status_code == 422
    assert "code" in duplicate.json()["detail"]
    dates = post(client, "/api/orgs", new_org(world.hutang, term_end="2020-01-01"))
    assert dates.status_code == 422
    assert "任期届满日期不能早于成立日期" in dates.json()["detail"]
    assert not Organization.objects.filter(code="API320412001002").exists()


def test_create_a_root_needs_the_whole_scope(login, world):
    payload = new_org(world.hutang, org_type="federation", level="province", region_code="320000")
    payload.pop("parent_id")
    response = post(login(world.city_admin), "/api/orgs", payload)
    assert response.status_code == 422  # parent_id is required by the API


def test_update(login, world):
    client = login(world.wujin_admin)
    response = patch(client, f"/api/orgs/{world.hutang.pk}", {"chair_name": "李红", "short_name": "湖塘"})
    assert response.status_code == 200, response.content
    assert response.json()["chair_name"] == "李红"
    world.hutang.refresh_from_db()
    assert (world.hutang.chair_name, world.hutang.short_name, world.hutang.name) == ("李红", "湖塘", "湖塘镇工会")
    log = ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Organization), object_id=str(world.hutang.pk), action="update"
    ).latest("pk")
    assert log.user == world.wujin_admin and log.after["chair_name"] == "李红"


def test_update_out_of_scope_is_404(login, world):
    client = login(world.wujin_admin)
    for org in (world.tianning, world.chashan, world.city):
        assert patch(client, f"/api/orgs/{org.pk}", {"name": "改名"}).status_code == 404
    world.tianning.refresh_from_db()
    assert world.tianning.name == "天宁区总工会"


def test_update_breaking_rules_is_422_in_chinese(login, world):
    client = login(world.wujin_admin)
    dissolve = patch(client, f"/api/orgs/{world.hutang.pk}", {"status": "dissolved"})
    assert dissolve.status_code == 422
    assert "撤销组织请使用「撤销」功能" in dissolve.json()["detail"]
    with_children = patch(client, f"/api/orgs/{world.hutang.pk}", {"org_type": "grassroots"})
    assert with_children.status_code == 422
    assert "该组织有下级单位" in with_children.json()["detail"]
    region = patch(client, f"/api/orgs/{world.hutang.pk}", {"region_code": "000000"})
    assert region.status_code == 422
    world.hutang.refresh_from_db()
    assert world.hutang.status == "active" and world.hutang.region_code == "320412"


# --- employers ------------------------------------------------------------------------------------


def test_employer_list_is_scoped_and_filtered(login, world):
    client = login(world.wujin_admin)
    response = client.get("/api/employers")
    assert response.status_code == 200
    assert names(response) == ["武进甲公司"]
    assert client.get("/api/employers", {"q": world.tianning_employer.uscc}).json()["count"] == 0
    city = login(world.city_admin)
    assert city.get("/api/employers").json()["count"] == 2
    assert names(city.get("/api/employers", {"q": world.tianning_employer.uscc})) == ["天宁乙公司"]
    assert names(city.get("/api/employers", {"union_id": world.wujin_union.pk})) == ["武进甲公司"]
    Employer.objects.filter(pk=world.tianning_employer.pk).update(is_platform=True)
    assert names(city.get("/api/employers", {"is_platform": "true"})) == ["天宁乙公司"]


def test_employer_detail(login, world):
    client = login(world.wujin_admin)
    response = client.get(f"/api/employers/{world.wujin_employer.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["uscc"] == world.wujin_employer.uscc
    assert data["union_id"] == data["org_id"] == world.wujin_union.pk
    assert client.get(f"/api/employers/{world.tianning_employer.pk}").status_code == 404


def test_employer_create(login, world):
    client = login(world.wujin_admin)
    response = post(client, "/api/employers", new_employer(world.wujin_union))
    assert response.status_code == 201, response.content
    employer = Employer.objects.get(pk=response.json()["id"])
    assert employer.org == world.wujin_union and employer.created_by == world.wujin_admin
    # Without a union the responsible unit must be given, and it must be in scope.
    lead = post(client, "/api/employers", new_employer(world.wujin_union, 51, union_id=None, org_id=world.hutang.pk))
    assert lead.status_code == 201, lead.content
    assert lead.json()["org_id"] == world.hutang.pk and lead.json()["union_id"] is None
    orphan = post(client, "/api/employers", new_employer(world.wujin_union, 52, union_id=None))
    assert orphan.status_code == 422
    assert "请选择负责的乡镇(街道)或上级工会" in orphan.json()["detail"]


def test_employer_create_in_another_subtree_is_refused(login, world):
    client = login(world.wujin_admin)
    for payload in (
        new_employer(world.tianning_union, 53),
        new_employer(world.wujin_union, 53, union_id=None, org_id=world.chashan.pk),
    ):
        response = post(client, "/api/employers", payload)
        assert response.status_code in (404, 422)
        assert "不在您的数据权限范围内" in response.json()["detail"]
    assert not Employer.objects.filter(uscc=make_uscc(53)).exists()


def test_employer_create_with_bad_fields_is_422_in_chinese(login, world):
    client = login(world.wujin_admin)
    bad_check = make_uscc(54)[:-1] + ("0" if make_uscc(54)[-1] != "0" else "1")
    checksum = post(client, "/api/employers", new_employer(world.wujin_union, uscc=bad_check))
    assert checksum.status_code == 422
    assert "统一社会信用代码校验位错误" in checksum.json()["detail"]
    women = post(client, "/api/employers", new_employer(world.wujin_union, 55, women_count=81))
    assert women.status_code == 422
    assert "女职工人数不能大于职工人数" in women.json()["detail"]
    duplicate = post(client, "/api/employers", new_employer(world.wujin_union, uscc=world.wujin_employer.uscc))
    assert duplicate.status_code == 422
    not_a_union = post(client, "/api/employers", new_employer(world.wujin_union, 56, union_id=world.hutang.pk))
    assert not_a_union.status_code == 422
    assert "所属工会须为基层工会或联合基层工会" in not_a_union.json()["detail"]
    assert Employer.objects.count() == 2


def test_employer_update(login, world):
    client = login(world.wujin_admin)
    url = f"/api/employers/{world.wujin_employer.pk}"
    response = patch(client, url, {"staff_count": 300, "women_count": 120, "is_platform": True})
    assert response.status_code == 200, response.content
    world.wujin_employer.refresh_from_db()
    assert (world.wujin_employer.staff_count, world.wujin_employer.is_platform) == (300, True)
    assert world.wujin_employer.name == "武进甲公司"  # untouched fields stay
    moved_out = patch(client, url, {"union_id": world.tianning_union.pk})
    assert moved_out.status_code in (404, 422)
    world.wujin_employer.refresh_from_db()
    assert world.wujin_employer.union == world.wujin_union
    invalid = patch(client, url, {"women_count": 301})
    assert invalid.status_code == 422 and "女职工人数" in invalid.json()["detail"]


def test_employer_update_out_of_scope_is_404(login, world):
    client = login(world.wujin_admin)
    response = patch(client, f"/api/employers/{world.tianning_employer.pk}", {"staff_count": 1})
    assert response.status_code == 404
    world.tianning_employer.refresh_from_db()
    assert world.tianning_employer.staff_count == 120


def test_leader_reads_but_cannot_write(login, world):
    leader_role_user = world.city_admin
    leader_role_user.roles.set([])
    from gonghui.accounts.models import Role

    leader_role_user.roles.add(Role.objects.get(code="leader"))
    client = login(leader_role_user)
    assert client.get("/api/employers").json()["count"] == 2
    assert post(client, "/api/employers", new_employer(world.wujin_union, 57)).status_code == 403
    assert patch(client, f"/api/employers/{world.wujin_employer.pk}", {"staff_count": 1}).status_code == 404


# --- documentation --------------------------------------------------------------------------------


def test_docs_and_openapi(login, world):
    client = login(world.wujin_admin)
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"].startswith("gonghui")
    paths = schema["paths"]
    for path, methods in {
        "/api/orgs": {"get", "post"},
        "/api/orgs/{pk}": {"get", "patch"},
        "/api/orgs/{pk}/children": {"get"},
        "/api/employers": {"get", "post"},
        "/api/employers/{pk}": {"get", "patch"},
    }.items():
        assert methods <= set(paths[path]), path
    assert paths["/api/orgs"]["get"]["summary"] == "工会组织列表"
    schemes = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} >= {"http", "apiKey"}
