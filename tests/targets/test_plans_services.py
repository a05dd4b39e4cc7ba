"""Plan, own target, weight and breakdown services: every rule and its Chinese message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import ChangeLog
from gonghui.notices.models import Message
from gonghui.targets import services
from gonghui.targets.models import Plan, PlanStatus, Target
from tests.targets.plans_helpers import YEAR, city_with_breakdown, indicator, make_plan, target_of
from tests.world import make_user

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- plans ----------------------------------------------------------------------------------------


def test_plan_create_defaults_title_and_logs(world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    assert plan.title == f"武进区总工会{YEAR}年工作计划"
    assert plan.status == PlanStatus.DRAFT
    assert plan.created_by == world.wujin_admin
    assert ChangeLog.objects.filter(object_id=str(plan.pk), object_repr=plan.title).exists()


def test_one_plan_per_org_and_year(world):
    make_plan(world, world.wujin, world.wujin_admin)
    with pytest.raises(ValidationError) as excinfo:
        make_plan(world, world.wujin, world.wujin_admin)
    assert "武进区总工会」2026年的工作计划已经存在" in messages_of(excinfo)
    assert Plan.objects.count() == 1


def test_plan_for_org_outside_scope_is_refused(world):
    with pytest.raises(PermissionDenied, match="不在您的数据权限范围内"):
        make_plan(world, world.tianning, world.wujin_admin)
    assert not Plan.objects.exists()


def test_plan_without_permission_is_refused(world):
    with pytest.raises(PermissionDenied):
        make_plan(world, world.wujin, world.nobody)


def test_plan_update_validates_settings(world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    services.plan_update(user=world.wujin_admin, plan=plan, data={"title": "武进计划", "report_due_days": 15})
    plan.refresh_from_db()
    assert (plan.title, plan.report_due_days) == ("武进计划", 15)
    with pytest.raises(ValidationError):
        services.plan_update(user=world.wujin_admin, plan=plan, data={"yellow_margin": Decimal("150")})
    plan.refresh_from_db()
    assert plan.yellow_margin == Decimal("10")


def test_plan_update_of_other_subtree_is_refused(world):
    plan = make_plan(world, world.tianning, world.tianning_admin)
    with pytest.raises(PermissionDenied):
        services.plan_update(user=world.wujin_admin, plan=plan, data={"title": "x"})


def test_issue_notifies_the_units_that_received_targets(world):
    tianning_user = make_user("tn_staff", world.tianning, "union_admin")
    whole = city_with_breakdown(world, 50, 30, 20)
    plan = whole.plan
    issued = services.plan_issue(user=world.city_admin, plan=plan)
    assert issued.status == PlanStatus.ISSUED and issued.issued_at
    wujin_messages = Message.objects.filter(recipient=world.wujin_admin)
    assert wujin_messages.count() == 1
    message = wujin_messages.get()
    assert message.title == "常州市总工会下达了2026年目标任务"
    assert message.link == target_of(world.wujin).plan.get_absolute_url()
    assert Message.objects.filter(recipient__in=[world.tianning_admin, tianning_user]).count() == 2
    assert not Message.objects.filter(recipient=world.city_admin).exists()
    with pytest.raises(ValidationError, match="已经下达"):
        services.plan_issue(user=world.city_admin, plan=plan)


def test_issue_an_empty_plan_is_refused(world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    with pytest.raises(ValidationError, match="还没有任何目标"):
        services.plan_issue(user=world.wujin_admin, plan=plan)


def test_delete_only_a_draft_without_parts(world):
    whole = city_with_breakdown(world)
    with pytest.raises(ValidationError, match="已分解到下级单位，不能删除"):
        services.plan_delete(user=world.city_admin, plan=whole.plan)
    # a district's plan holds its parent's targets: refused as well
    with pytest.raises(ValidationError):
        services.plan_delete(user=world.wujin_admin, plan=target_of(world.wujin).plan)
    draft = make_plan(world, world.hutang, world.wujin_admin)
    services.target_set(user=world.wujin_admin, plan=draft, indicator=indicator(), value=3)
    services.plan_delete(user=world.wujin_admin, plan=draft)
    assert not Plan.objects.filter(pk=draft.pk).exists()
    assert not Target.objects.filter(org=world.hutang).exists()


def test_delete_an_issued_plan_is_refused(world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(), value=3)
    services.plan_issue(user=world.wujin_admin, plan=plan)
    with pytest.raises(ValidationError, match="已经下达，不能删除"):
        services.plan_delete(user=world.wujin_admin, plan=plan)


# --- own targets ----------------------------------------------------------------------------------


def test_target_set_creates_then_updates(world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    target = services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(), value="12", weight=40)
    assert (target.value, target.weight, target.assigned_by, target.org) == (12, 40, world.wujin, world.wujin)
    again = services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(), value=15, note="调高")
    assert again.pk == target.pk and again.value == 15 and again.note == "调高"
    assert Target.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "不能为负数"), ("abc", "不是数字"), ("1.23456", "最多保留 4 位小数")],
)
def test_target_set_rejects_bad_values(world, value, message):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    with pytest.raises(ValidationError) as excinfo:
        services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(), value=value)
    assert message in messages_of(excinfo)
    assert not Target.objects.exists()


def test_target_set_rejects_bad_weight(world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    with pytest.raises(ValidationError, match="权重须在 0 至 100 之间"):
        services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(), value=1, weight=120)


def test_target_set_refuses_an_inactive_indicator(world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    dormant = indicator("health_checks")
    services.indicator_update(user=world.sysadmin, indicator=dormant, data={"is_active": False})
    with pytest.raises(ValidationError, match="已停用"):
        services.target_set(user=world.wujin_admin, plan=plan, indicator=dormant, value=1)


def test_a_unit_cannot_change_the_figure_its_parent_gave_it(world):
    city_with_breakdown(world)
    given = target_of(world.wujin)
    with pytest.raises(ValidationError) as excinfo:
        services.target_set(user=world.wujin_admin, plan=given.plan, indicator=given.indicator, value=5)
    assert "由上级「常州市总工会」下达" in messages_of(excinfo)
    with pytest.raises(ValidationError, match="常州市总工会"):
        services.target_remove(user=world.wujin_admin, target=given)
    given.refresh_from_db()
    assert given.value == 30


def test_target_remove(world):
    whole = city_with_breakdown(world)
    with pytest.raises(ValidationError, match="已分解到下级单位，不能删除"):
        services.target_remove(user=world.city_admin, target=whole)
    plan = make_plan(world, world.hutang, world.wujin_admin)
    own = services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(), value=2)
    services.target_remove(user=world.wujin_admin, target=own)
    assert not Target.objects.filter(pk=own.pk).exists()


def test_target_of_other_subtree_is_out_of_reach(world):
    plan = make_plan(world, world.tianning, world.tianning_admin)
    with pytest.raises(PermissionDenied):
        services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(), value=1)


# --- weights --------------------------------------------------------------------------------------


def test_weights_are_saved_and_checked(world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    for key in ("unions_established", "members_recruited"):
        services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(key), value=10)
    warnings = services.weights_set(
        user=world.wujin_admin, plan=plan, weights={"unions_established": 60, "members_recruited": "30"}
    )
    assert warnings == ["各指标权重合计应为 100，当前合计为 90，请调整。"]
    assert target_of(world.wujin).weight == 60
    assert services.weights_set(user=world.wujin_admin, plan=plan, weights={"members_recruited": 40}) == []


def test_weights_on_a_parent_assigned_target_are_the_units_own(world):
    city_with_breakdown(world)
    plan = target_of(world.wujin).plan
    assert services.weights_set(user=world.wujin_admin, plan=plan, weights={"unions_established": 100}) == []
    assert target_of(world.wujin).weight == 100
    assert target_of(world.wujin).value == 30


def test_weights_refuse_unknown_indicator_and_bad_numbers(world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(), value=10, weight=10)
    with pytest.raises(ValidationError, match="还没有「会员总数」的目标"):
        services.weights_set(user=world.wujin_admin, plan=plan, weights={"members_total": 50})
    with pytest.raises(ValidationError, match="不是数字"):
        services.weights_set(user=world.wujin_admin, plan=plan, weights={"unions_established": "很多"})
    assert target_of(world.wujin).weight == 10


# --- breakdown ------------------------------------------------------------------------------------


def test_breakdown_sets_the_childrens_targets(world):
    whole = city_with_breakdown(world, 50, 30, 20)
    for org, value in ((world.wujin, 30), (world.tianning, 20)):
        part = target_of(org)
        assert (part.value, part.parent, part.assigned_by, part.year) == (value, whole, world.city, YEAR)
        assert part.plan.org == org and part.plan.status == PlanStatus.ISSUED
        assert part.plan.title == f"{org.name}{YEAR}年工作计划"


def test_breakdown_warns_when_short(world):
    plan = make_plan(world, world.city)
    whole = services.target_set(user=world.city_admin, plan=plan, indicator=indicator(), value=50)
    warnings = services.targets_breakdown(
        user=world.city_admin, target=whole, parts={world.wujin: Decimal(25), world.tianning: Decimal(20)}
    )
    assert warnings == ["「新建基层工会」分解合计 45 个，少于总目标 50 个（差 5 个）"]
    over = services.targets_breakdown(user=world.city_admin, target=whole, parts={world.tianning: Decimal(30)})
    assert over == []
    check = services.breakdown_check(whole, services.parts_total(whole))
    assert check.level == "over" and "超过总目标 50 个（多 5 个）" in check.message


def test_no_sum_check_for_rates(world):
    plan = make_plan(world, world.city)
    rate = services.indicator_create(
        user=world.sysadmin,
        data={"key": "coverage_rate", "name": "覆盖率", "unit": "%", "kind": "rate", "category": "组织建设"},
    )
    whole = services.target_set(user=world.city_admin, plan=plan, indicator=rate, value=90)
    assert services.targets_breakdown(user=world.city_admin, target=whole, parts={world.wujin: Decimal(10)}) == []
    assert services.breakdown_check(whole, Decimal(10)) is None


def test_units_not_named_keep_theirs_and_none_clears(world):
    whole = city_with_breakdown(world, 50, 30, 20)
    services.targets_breakdown(user=world.city_admin, target=whole, parts={world.wujin: Decimal(35)})
    assert target_of(world.tianning).value == 20
    services.targets_breakdown(user=world.city_admin, target=whole, parts={world.tianning: None})
    assert target_of(world.tianning) is None
    assert target_of(world.wujin).value == 35


def test_clearing_a_share_broken_down_further_is_refused(world):
    whole = city_with_breakdown(world)
    services.targets_breakdown(user=world.wujin_admin, target=target_of(world.wujin), parts={world.hutang: 30})
    with pytest.raises(ValidationError, match="已继续分解到它的下级单位"):
        services.targets_breakdown(user=world.city_admin, target=whole, parts={world.wujin: None})
    assert target_of(world.wujin) is not None


def test_sub_unit_breaks_its_share_down_further(world):
    city_with_breakdown(world, 50, 30, 20)
    share = target_of(world.wujin)
    warnings = services.targets_breakdown(user=world.wujin_admin, target=share, parts={world.hutang: Decimal(28)})
    assert warnings == ["「新建基层工会」分解合计 28 个，少于总目标 30 个（差 2 个）"]
    part = target_of(world.hutang)
    assert part.parent == share and part.assigned_by == world.wujin


def test_breakdown_only_to_direct_children(world):
    whole = city_with_breakdown(world)
    with pytest.raises(ValidationError, match="「湖塘镇工会」不是「常州市总工会」的直属下级单位"):
        services.targets_breakdown(user=world.city_admin, target=whole, parts={world.hutang: 5})
    assert target_of(world.hutang) is None


def test_breakdown_by_a_lower_unit_is_refused(world):
    whole = city_with_breakdown(world)
    # the chair of a grassroots union has no business breaking down the city's target
    with pytest.raises(PermissionDenied):
        services.targets_breakdown(user=world.wujin_admin, target=whole, parts={world.wujin: 1})
    assert target_of(world.wujin).value == 30


def test_breakdown_of_other_subtree_is_refused(world):
    city_with_breakdown(world)
    with pytest.raises(PermissionDenied):
        services.targets_breakdown(user=world.wujin_admin, target=target_of(world.tianning), parts={world.chashan: 1})
    assert target_of(world.chashan) is None


def test_city_may_fill_in_a_districts_breakdown(world):
    city_with_breakdown(world)
    services.targets_breakdown(user=world.city_admin, target=target_of(world.wujin), parts={world.hutang: 30})
    assert target_of(world.hutang).assigned_by == world.wujin


def test_parent_assignment_replaces_the_childs_own_target(world):
    district_plan = make_plan(world, world.wujin, world.wujin_admin)
    services.target_set(user=world.wujin_admin, plan=district_plan, indicator=indicator(), value=8)
    whole = city_with_breakdown(world, 50, 30, 20)
    part = target_of(world.wujin)
    assert part.plan == district_plan and part.assigned_by == world.city and part.parent == whole
    assert Target.objects.filter(org=world.wujin).count() == 1


def test_failed_breakdown_changes_nothing(world):
    whole = city_with_breakdown(world, 50, 30, 20)
    with pytest.raises(ValidationError):
        services.plan_breakdown(
            user=world.city_admin,
            grid={whole: {world.wujin: Decimal(40), world.tianning: "-3"}},
        )
    assert target_of(world.wujin).value == 30
    assert target_of(world.tianning).value == 20
