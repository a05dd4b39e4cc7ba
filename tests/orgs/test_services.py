"""Organisation services: placement rules, move under lock, dissolve, check-after-write."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.context import actor
from gonghui.core.models import ChangeLog
from gonghui.orgs import services
from gonghui.orgs.models import Employer, Organization, OrgStatus, OrgType, check_placement
from tests.world import add_org, make_uscc

pytestmark = pytest.mark.django_db


def data(name, code, org_type="grassroots", region="320412", **extra):
    return {"name": name, "code": code, "org_type": org_type, "region_code": region, "status": "active", **extra}


def test_create_under_own_subtree(world):
    org = services.org_create(user=world.wujin_admin, parent=world.hutang, data=data("新工会", "N1"))
    assert Organization.objects.get_parent(org).pk == world.hutang.pk
    assert org.depth == world.hutang.depth + 1


def test_create_under_other_subtree_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.org_create(user=world.wujin_admin, parent=world.chashan, data=data("越权工会", "N2"))
    assert not Organization.objects.filter(code="N2").exists()


def test_root_requires_all_scope(world):
    with pytest.raises(PermissionDenied):
        services.org_create(
            user=world.city_admin, parent=None,
            data=data("另一个市总", "R2", "federation", "320500", level="city"),
        )
    root = services.org_create(
        user=world.sysadmin, parent=None, data=data("苏州市总工会", "R1", "federation", "320500", level="city")
    )
    assert root.depth == 1


@pytest.mark.parametrize(
    ("org_type", "level", "parent_attr", "message"),
    [
        ("federation", "county", "wujin_union", "不能设在基层工会"),
        ("federation", "city", "wujin", "层级必须更高"),
        ("town", "", "city", "县(区)级总工会之下"),
        ("grassroots", "", "wujin_union", "不能设在基层工会"),
        ("group", "", "hutang", "不能设在乡镇(街道)工会"),
        ("federation", "", "city", "须选择层级"),
    ],
)
def test_placement_rules(world, org_type, level, parent_attr, message):
    with pytest.raises(ValidationError) as error:
        check_placement(org_type, level, getattr(world, parent_attr))
    assert message in str(error.value)


def test_placement_allows_the_usual_shapes(world):
    check_placement("town", "", world.wujin)
    check_placement("park", "", world.city)
    check_placement("group", "", world.wujin_union)
    check_placement("joint", "", world.hutang)
    check_placement("online_home", "", world.hutang)


def test_duplicate_code_is_a_field_error(world):
    with pytest.raises(ValidationError) as error:
        services.org_create(user=world.wujin_admin, parent=world.hutang, data=data("重复", "T320412"))
    assert "code" in error.value.message_dict


def test_update_cannot_dissolve_by_status(world):
    with pytest.raises(ValidationError):
        services.org_update(user=world.wujin_admin, org=world.hutang, data={"status": "dissolved"})


def test_update_type_keeps_children_valid(world):
    with pytest.raises(ValidationError):
        services.org_update(user=world.wujin_admin, org=world.hutang, data={"org_type": "grassroots"})


def test_move_subtree_rewrites_paths(world):
    add_org(world.wujin_union, "一车间", OrgType.GROUP, "320412", "G1")
    moved = services.org_move(user=world.city_admin, org=world.hutang, new_parent=world.tianning)
    tianning = Organization.objects.get(pk=world.tianning.pk)
    assert moved.path.startswith(tianning.path)
    group = Organization.objects.get(code="G1")
    assert group.path.startswith(moved.path) and group.depth == 5
    assert Organization.objects.get(pk=world.wujin.pk).numchild == 0
    assert tianning.numchild == 2
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_move_into_own_descendant_is_refused(world):
    with pytest.raises(ValidationError):
        services.org_move(user=world.city_admin, org=world.wujin, new_parent=world.hutang)


def test_move_out_of_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.org_move(user=world.wujin_admin, org=world.hutang, new_parent=world.tianning)
    assert Organization.objects.get(pk=world.hutang.pk).path.startswith(world.wujin.path)


def test_move_is_logged(world):
    with actor(world.city_admin):
        services.org_move(user=world.city_admin, org=world.hutang, new_parent=world.tianning)
    entry = ChangeLog.objects.filter(object_id=str(world.hutang.pk), content_type__model="organization").first()
    assert entry.user == world.city_admin and entry.before["parent"] == "武进区总工会"


def test_dissolve_requires_empty_subtree_and_reason(world):
    with pytest.raises(ValidationError) as error:
        services.org_dissolve(user=world.wujin_admin, org=world.hutang, dissolved_on=datetime.date(2026, 1, 1),
                              reason="合并")
    assert "未撤销的下级组织" in str(error.value)
    with pytest.raises(ValidationError):
        services.org_dissolve(user=world.wujin_admin, org=world.wujin_union, dissolved_on=datetime.date(2026, 1, 1),
                              reason="  ")
    union = services.org_dissolve(user=world.wujin_admin, org=world.wujin_union,
                                  dissolved_on=datetime.date(2026, 1, 1), reason="企业注销")
    assert union.status == OrgStatus.DISSOLVED
    assert Employer.objects.get(pk=world.wujin_employer.pk).union is None


def test_employer_owned_by_its_union(world):
    employer = services.employer_create(user=world.wujin_admin, data={
        "name": "新单位", "uscc": make_uscc(4321), "ownership": "private", "industry": "C",
        "region_code": "320412", "union": world.wujin_union, "org": world.hutang,
    })
    assert employer.org_id == world.wujin_union.pk and employer.created_by == world.wujin_admin
    lead = services.employer_create(user=world.wujin_admin, data={
        "name": "未建会单位", "uscc": make_uscc(4322), "ownership": "private", "industry": "C",
        "region_code": "320412", "org": world.hutang,
    })
    assert lead.org_id == world.hutang.pk and lead.union is None


def test_check_after_write_rolls_back(world):
    # An employer moved to a union outside the user's scope is refused and nothing changes.
    with pytest.raises((PermissionDenied, Organization.DoesNotExist)):
        services.employer_update(user=world.wujin_admin, employer=world.wujin_employer,
                                 data={"union": world.tianning_union})
    assert Employer.objects.get(pk=world.wujin_employer.pk).union_id == world.wujin_union.pk


def test_changelog_written_with_user_and_request_id(world):
    with actor(world.wujin_admin, request_id="abc123"):
        org = services.org_create(user=world.wujin_admin, parent=world.hutang, data=data("日志工会", "L1"))
        services.org_update(user=world.wujin_admin, org=org, data={"chair_name": "张三"})
    entries = list(ChangeLog.objects.filter(object_id=str(org.pk), content_type__model="organization").order_by("pk"))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before["chair_name"] == "" and entries[1].after["chair_name"] == "张三"
    assert entries[0].user == world.wujin_admin and entries[0].request_id == "abc123"
