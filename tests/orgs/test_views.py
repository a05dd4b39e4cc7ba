"""Organisation and employer pages through the mix-in suites, plus the tree pages."""

import pytest
from django.urls import reverse

from gonghui.orgs.models import Employer, Organization, OrgStatus, OrgType
from tests.testing import CrudSuite
from tests.world import add_org, make_employer, make_uscc

pytestmark = pytest.mark.django_db


class TestOrganizationPages(CrudSuite):
    model = Organization
    list_url_name = "orgs:org_list"
    detail_url_name = "orgs:org_detail"
    add_url_name = "orgs:org_add"
    edit_url_name = "orgs:org_edit"
    delete_url_name = "orgs:org_dissolve"

    def make_object(self, world, org):
        label = "武进丙" if org.region_code == "320412" else "天宁丁"
        return add_org(org, f"{label}公司工会", OrgType.GRASSROOTS, org.region_code, f"X{org.code}9")

    def form_data(self, world, org):
        return {
            "parent": org.pk,
            "name": "新设立的戊公司工会",
            "code": f"NEW{org.code}",
            "org_type": "grassroots",
            "region_code": org.region_code,
            "status": "active",
            "founded_on": "2026-05-01",
        }

    def created(self, world, data):
        return Organization.objects.filter(code=data["code"]).first()

    def edit_data(self, world, obj):
        return {
            "name": obj.name,
            "code": obj.code,
            "org_type": obj.org_type,
            "region_code": obj.region_code,
            "status": obj.status,
        }

    def delete_data(self, world, obj):
        return {"dissolved_on": "2026-10-01", "reason": "企业注销"}

    def is_deleted(self, obj):
        obj.refresh_from_db()
        return obj.status == OrgStatus.DISSOLVED


class TestEmployerPages(CrudSuite):
    model = Employer
    list_url_name = "orgs:employer_list"
    detail_url_name = "orgs:employer_detail"
    add_url_name = "orgs:employer_add"
    edit_url_name = "orgs:employer_edit"
    delete_url_name = "orgs:employer_delete"

    def make_object(self, world, org):
        if org.region_code == "320412":
            return make_employer(org, 501, name="武进己机械有限公司")
        return make_employer(org, 502, name="天宁庚纺织有限公司")

    def form_data(self, world, org):
        return {
            "name": "新录入的辛科技有限公司",
            "uscc": make_uscc(777),
            "ownership": "private",
            "industry": "I",
            "staff_count": 30,
            "women_count": 12,
            "region_code": org.region_code,
            "org": org.pk,
        }

    def created(self, world, data):
        return Employer.objects.filter(uscc=data["uscc"]).first()

    def edit_data(self, world, obj):
        return {
            "name": obj.name,
            "uscc": obj.uscc,
            "ownership": obj.ownership,
            "industry": obj.industry,
            "staff_count": obj.staff_count,
            "women_count": obj.women_count,
            "region_code": obj.region_code,
            "org": obj.org_id,
        }


def test_tree_shows_own_subtree_root(client, world):
    client.force_login(world.wujin_admin)
    body = client.get(reverse("orgs:tree")).content.decode()
    assert "武进区总工会" in body
    assert "天宁区总工会" not in body and "常州市总工会" not in body


def test_tree_children_lazy_and_scoped(client, world):
    client.force_login(world.wujin_admin)
    response = client.get(reverse("orgs:tree_children", args=[world.wujin.pk]))
    assert response.status_code == 200 and "湖塘镇工会" in response.content.decode()
    assert client.get(reverse("orgs:tree_children", args=[world.tianning.pk])).status_code == 404
    # The city is above the user's scope: its children are not listable either.
    assert client.get(reverse("orgs:tree_children", args=[world.city.pk])).status_code == 404


def test_tree_search_by_name_code_and_credit_code(client, world):
    client.force_login(world.wujin_admin)
    url = reverse("orgs:tree_search")
    assert "湖塘镇工会" in client.get(url, {"q": "湖塘"}).content.decode()
    assert "湖塘镇工会" in client.get(url, {"q": "T320412001"}).content.decode()
    assert "武进甲公司工会" in client.get(url, {"q": world.wujin_employer.uscc}).content.decode()
    # Another subtree's names and credit codes find nothing.
    assert "茶山" not in client.get(url, {"q": "茶山"}).content.decode().replace("「茶山」", "")
    assert "天宁乙公司工会" not in client.get(url, {"q": world.tianning_employer.uscc}).content.decode()


def test_detail_cumulative_counts(client, world):
    add_org(world.hutang, "湖塘第二工会", OrgType.GRASSROOTS, "320412", "H2")
    make_employer(world.hutang, 900, name="未建会单位")
    client.force_login(world.city_admin)
    response = client.get(reverse("orgs:org_detail", args=[world.city.pk]))
    counts = response.context["counts"]
    assert counts["units"] == 7  # two counties, two towns, three grassroots unions
    assert counts["employers"] == 3 and counts["unionised"] == 2
    by_type = {row["type"]: row["count"] for row in counts["by_type"]}
    assert by_type == {"federation": 2, "town": 2, "grassroots": 3}


def test_detail_counts_are_sql_not_python(client, world, django_assert_max_num_queries):
    client.force_login(world.city_admin)
    url = reverse("orgs:org_detail", args=[world.city.pk])
    client.get(url)
    for index in range(10):
        add_org(world.chashan, f"批量工会{index}", OrgType.GRASSROOTS, "320402", f"B{index}")
    with django_assert_max_num_queries(30):
        client.get(url)


def test_list_filters_sort_and_paginate(client, world):
    for index in range(30):
        add_org(world.hutang, f"分页工会{index:02d}", OrgType.GRASSROOTS, "320412", f"P{index:02d}")
    client.force_login(world.wujin_admin)
    url = reverse("orgs:org_list")
    page1 = client.get(url, {"org_type": "grassroots", "sort": "name"})
    assert page1.status_code == 200
    table = page1.context["table"]
    assert table.page.paginator.count == 31
    page2 = client.get(url, {"org_type": "grassroots", "sort": "name", "page": 2})
    assert page2.status_code == 200
    assert "天宁" not in page2.content.decode()


def test_move_subtree(client, world):
    client.force_login(world.city_admin)
    url = reverse("orgs:org_move", args=[world.hutang.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"new_parent": world.tianning.pk})
    assert response.status_code == 302
    union = Organization.objects.get(pk=world.wujin_union.pk)
    assert union.path.startswith(Organization.objects.get(pk=world.tianning.pk).path)
    # The 武进区 admin no longer sees the moved subtree.
    client.force_login(world.wujin_admin)
    assert client.get(reverse("orgs:org_detail", args=[union.pk])).status_code == 404


def test_move_out_of_scope_target_is_refused(client, world):
    client.force_login(world.wujin_admin)
    url = reverse("orgs:org_move", args=[world.wujin_union.pk])
    response = client.post(url, {"new_parent": world.chashan.pk})
    assert response.status_code == 200  # the choice is not offered
    assert Organization.objects.get(pk=world.wujin_union.pk).path.startswith(world.wujin.path)
    assert client.get(reverse("orgs:org_move", args=[world.tianning_union.pk])).status_code == 404


def test_create_form_shows_placement_error_in_chinese(client, world):
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("orgs:org_add"),
        {
            "parent": world.wujin_union.pk,
            "name": "错误的总工会",
            "code": "BAD1",
            "org_type": "federation",
            "level": "county",
            "region_code": "320412",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "不能设在基层工会" in response.content.decode()
    assert not Organization.objects.filter(code="BAD1").exists()


def test_create_form_rejects_unknown_region_code(client, world):
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("orgs:org_add"),
        {
            "parent": world.hutang.pk,
            "name": "区划错误工会",
            "code": "BAD2",
            "org_type": "grassroots",
            "region_code": "329999",
            "status": "active",
        },
    )
    assert "不在现行 GB/T 2260 区划代码中" in response.content.decode()
    assert not Organization.objects.filter(code="BAD2").exists()


def test_employer_form_rejects_bad_credit_code(client, world):
    client.force_login(world.wujin_admin)
    bad = make_uscc(55)[:-1] + ("0" if make_uscc(55)[-1] != "0" else "1")
    response = client.post(
        reverse("orgs:employer_add"),
        {
            "name": "校验位错误公司",
            "uscc": bad,
            "ownership": "private",
            "industry": "C",
            "staff_count": 10,
            "women_count": 2,
            "region_code": "320412",
            "org": world.hutang.pk,
        },
    )
    assert "校验位错误" in response.content.decode()
    assert not Employer.objects.filter(name="校验位错误公司").exists()


def test_tree_roots_for_custom_scope(client, world):
    from gonghui.accounts.models import Role
    from gonghui.core.querysets import DataScope
    from tests.world import make_user

    role = Role.objects.create(name="自定义查看", code="custom_view", data_scope=DataScope.CUSTOM)
    role.permissions.set(Role.objects.get(code="leader").permissions.all())
    role.custom_orgs.set([world.wujin_union, world.chashan])
    user = make_user("custom_viewer", world.city, "custom_view")
    client.force_login(user)
    nodes = client.get(reverse("orgs:tree")).context["nodes"]
    assert sorted(node.name for node in nodes) == ["武进甲公司工会", "茶山街道工会"]
    # The hidden town's unit is a root of its own; the visible town lists no hidden children.
    assert client.get(reverse("orgs:tree_children", args=[world.chashan.pk])).content.decode().count("data-org") == 0


def test_list_within_a_unit(client, world):
    client.force_login(world.city_admin)
    response = client.get(reverse("orgs:org_list"), {"within": world.hutang.pk})
    names = {row.record.name for row in response.context["table"].rows}
    assert names == {"湖塘镇工会", "武进甲公司工会"}
    assert 'type="hidden" name="within"' in response.content.decode()
