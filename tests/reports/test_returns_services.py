"""Statistics annual returns: opening, compiling from the records, corrections with reasons, submit and review,
aggregation of accepted sub-units and the missing list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import ChangeLog
from gonghui.notices.models import Message
from gonghui.reports import returns as forms
from gonghui.reports import services_returns as services
from gonghui.reports.models import ReturnAction, ReturnLog, ReturnStatus
from gonghui.targets import figures, sources
from gonghui.targets.models import Figure
from tests.reports.returns_helpers import (
    YEAR,
    add_members,
    fill_above,
    fill_manual,
    open_campaign,
    return_of,
    town_admin,
)
from tests.world import make_employer

pytestmark = pytest.mark.django_db


def values(ret) -> dict:
    return {row.code: row for row in ret.values.all()}


def test_opening_creates_a_return_per_filing_unit_on_its_form(world):
    campaign = open_campaign(world)
    assert campaign.period_start == datetime.date(2025, 10, 1)
    assert campaign.period_end == datetime.date(2026, 9, 30)
    forms_by_org = dict(campaign.returns.values_list("org__code", "form"))
    assert forms_by_org == {
        "T3204": "above",
        "T320412": "above",
        "T320412001": "above",
        "T320412001001": "grassroots",
        "T320402": "above",
        "T320402001": "above",
        "T320402001001": "grassroots",
    }
    assert set(campaign.returns.values_list("status", flat=True)) == {ReturnStatus.NOT_STARTED}


def test_opening_is_refused_outside_scope_twice_for_a_non_federation_and_with_an_early_deadline(world):
    with pytest.raises(PermissionDenied):
        open_campaign(world, user=world.tianning_admin)
    with pytest.raises(ValidationError, match="不是总工会"):
        open_campaign(world, org=world.hutang, user=world.wujin_admin)
    open_campaign(world)
    with pytest.raises(ValidationError, match="不能重复布置"):
        open_campaign(world)
    with pytest.raises(ValidationError, match="统计期结束"):
        services.campaign_open(user=world.wujin_admin, org=world.wujin, year=YEAR, deadline=datetime.date(2026, 9, 1))


def test_grassroots_form_is_compiled_from_the_registry_for_the_statistics_window(world):
    add_members(world)
    make_employer(world.hutang, 7, union=world.wujin_union, name="武进甲二厂", staff_count=30, women_count=10)
    campaign = open_campaign(world)
    ret = services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    assert ret.status == ReturnStatus.FILLING
    rows = values(ret)
    assert rows["01"].computed_text == "武进甲公司工会"
    assert rows["08"].final_value == 2
    assert rows["10"].final_value == 150  # 120 + 30 staff
    assert rows["11"].final_value == 50
    assert rows["20"].final_value == 3  # the member who joined after 30 September is not counted
    assert rows["21"].final_value == 1
    assert rows["22"].final_value == 1
    assert rows["23"].final_value == rows["24"].final_value == 1
    assert rows["28"].final_value == 2  # joined 2025-11-02 and 2026-03-01, inside the window
    assert rows["29"].final_value == Decimal("2.00")  # 3 members ÷ 150 staff
    assert rows["12"].is_manual and rows["12"].final_value is None
    assert rows["53"].is_manual is (sources.get("collective_contracts") is None)


def test_a_source_that_is_not_registered_makes_the_row_hand_entered(world):
    field = forms.Field("99", "试验", "人", source="no_such_source_yet")
    assert field.is_manual_now()
    assert "尚未启用" in field.describe()
    registered = forms.ABOVE_FORM.field("50")
    assert registered.is_manual_now() is (sources.get("petitions_cases") is None)


def test_correcting_a_computed_figure_needs_a_reason_and_keeps_both_values(world):
    add_members(world)
    campaign = open_campaign(world)
    ret = services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    with pytest.raises(ValidationError) as refused:
        services.return_save(user=world.chair, unit_return=ret, entries={"20": {"value": "5"}})
    assert "更正原因" in str(refused.value)
    assert values(ret)["20"].final_value == 3  # nothing saved
    services.return_save(
        user=world.chair, unit_return=ret, entries={"20": {"value": "5", "reason": "两名会员名册漏登，已补录"}}
    )
    row = values(ret)["20"]
    assert (row.records_value, row.computed_value, row.corrected_value, row.final_value) == (3, 3, 5, 5)
    assert row.is_corrected and row.correction_reason == "两名会员名册漏登，已补录"
    log = ReturnLog.objects.get(unit_return=ret, action=ReturnAction.CORRECT)
    assert (log.code, log.before, log.after) == ("20", "3", "5")
    assert ChangeLog.objects.filter(object_repr__startswith="20:").exists()
    # the ratio follows the corrected figure; recompiling keeps the correction
    assert values(ret)["29"].final_value == Decimal("4.17")
    services.return_compile(user=world.chair, unit_return=ret)
    assert values(ret)["20"].final_value == 5
    # clearing the correction goes back to the computed figure (with a reason)
    services.return_save(user=world.chair, unit_return=ret, entries={"20": {"value": "", "reason": "核实无误"}})
    assert values(ret)["20"].final_value == 3 and not values(ret)["20"].is_corrected


def test_bad_entries_are_all_reported_by_code_and_nothing_is_saved(world):
    campaign = open_campaign(world)
    ret = services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    with pytest.raises(ValidationError) as refused:
        services.return_save(
            user=world.chair,
            unit_return=ret,
            entries={
                "32": {"value": "-1"},
                "33": {"value": "1.5"},
                "50": {"value": "有"},
                "41": {"value": "abc"},
                "29": {"value": "50"},
                "77": {"value": "1"},
            },
        )
    errors = refused.value.message_dict
    assert "负数" in errors["value_32"][0]
    assert "整数" in errors["value_33"][0]
    assert "是或否" in errors["value_50"][0]
    assert "不是有效数字" in errors["value_41"][0]
    assert "不能直接修改" in errors["value_29"][0]
    assert "77" in errors["entries"][0]
    assert values(ret)["32"].final_value is None


def test_submit_needs_the_hand_entered_rows_and_the_preparer_then_locks(world):
    campaign = open_campaign(world)
    ret = services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    with pytest.raises(ValidationError) as refused:
        services.return_submit(user=world.chair, unit_return=ret)
    assert "代码12「农民工」" in str(refused.value) and "填报人" in str(refused.value)
    fill_manual(world.chair, ret)
    ret = services.return_submit(user=world.chair, unit_return=ret)
    assert ret.status == ReturnStatus.SUBMITTED
    with pytest.raises(ValidationError, match="不能修改"):
        services.return_save(user=world.chair, unit_return=ret, entries={"32": {"value": "6"}})


def test_review_is_for_a_proper_ancestor_and_returning_needs_a_reason(world):
    campaign = open_campaign(world)
    ret = services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    fill_manual(world.chair, ret)
    services.return_submit(user=world.chair, unit_return=ret)
    with pytest.raises(PermissionDenied):
        services.return_accept(user=world.chair, unit_return=ret)
    with pytest.raises(PermissionDenied):
        services.return_accept(user=world.tianning_admin, unit_return=ret)
    with pytest.raises(ValidationError, match="退回原因"):
        services.return_return(user=world.wujin_admin, unit_return=ret, comment=" ")
    ret = services.return_return(user=world.wujin_admin, unit_return=ret, comment="职工人数与社保参保人数不符，请核实")
    assert "职工人数与社保参保人数不符" in Message.objects.get(recipient=world.chair).body
    assert ret.status == ReturnStatus.RETURNED and ret.review_comment.startswith("职工人数")
    services.return_submit(user=world.chair, unit_return=ret)
    ret = services.return_accept(user=world.wujin_admin, unit_return=ret, comment="同意")
    assert ret.status == ReturnStatus.ACCEPTED and ret.reviewer_name == "wujin_admin"


def test_parent_form_takes_accepted_corrections_and_lists_who_is_missing(world):
    add_members(world)
    hutang_admin = town_admin(world)
    campaign = open_campaign(world)
    grassroots = services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    fill_manual(world.chair, grassroots, **{"20": {"value": "6", "reason": "3 名劳务派遣会员未录入名册"}})
    town = services.return_compile(user=hutang_admin, unit_return=return_of(campaign, world.hutang))
    assert values(town)["10"].final_value == 3  # not accepted yet: the records
    assert [child.org for child in services.missing_children(town)] == [world.wujin_union]
    services.return_submit(user=world.chair, unit_return=grassroots)
    notice = Message.objects.get(recipient=hutang_admin)
    assert (
        notice.title.startswith("武进甲公司工会已上报2026年统计年报") and notice.link == grassroots.get_absolute_url()
    )
    services.return_accept(user=hutang_admin, unit_return=grassroots)
    town = services.return_compile(user=hutang_admin, unit_return=town)
    row = values(town)["10"]
    assert (row.records_value, row.computed_value, row.final_value) == (3, 6, 6)
    assert services.missing_children(town) == []
    assert values(town)["01"].final_value == 1
    # 建会率: the one employer of ≥100 staff has a union
    assert values(town)["22"].final_value == 1 and values(town)["24"].final_value == Decimal("100.00")

    # one level up: the district sees the town missing until it is accepted, and needs a note to submit without it
    district = services.return_compile(user=world.wujin_admin, unit_return=return_of(campaign, world.wujin))
    assert values(district)["10"].final_value == 3
    fill_above(world.wujin_admin, district)
    with pytest.raises(ValidationError, match="湖塘镇工会"):
        services.return_submit(user=world.wujin_admin, unit_return=district)
    fill_above(hutang_admin, town)
    services.return_submit(user=hutang_admin, unit_return=town)
    # a return already counted in a submitted parent cannot be sent back
    with pytest.raises(ValidationError, match="已计入"):
        services.return_return(user=world.wujin_admin, unit_return=grassroots, comment="再核实")
    services.return_accept(user=world.wujin_admin, unit_return=town)
    district = services.return_submit(user=world.wujin_admin, unit_return=district)
    assert values(district)["10"].final_value == 6
    assert district.status == ReturnStatus.SUBMITTED


def test_hand_entered_rows_of_the_parent_sum_the_accepted_children(world):
    hutang_admin = town_admin(world)
    campaign = open_campaign(world)
    grassroots = services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    fill_manual(world.chair, grassroots, **{"41": {"value": "3500.50"}})
    town = services.return_compile(user=hutang_admin, unit_return=return_of(campaign, world.hutang))
    assert values(town)["61"].is_manual and values(town)["61"].computed_value is None
    services.return_submit(user=world.chair, unit_return=grassroots)
    notice = Message.objects.get(recipient=hutang_admin)
    assert (
        notice.title.startswith("武进甲公司工会已上报2026年统计年报") and notice.link == grassroots.get_absolute_url()
    )
    services.return_accept(user=hutang_admin, unit_return=grassroots)
    town = services.return_compile(user=hutang_admin, unit_return=town)
    assert values(town)["61"].computed_value == Decimal("3500.50")
    # overriding the children's total is a correction: it needs a reason
    with pytest.raises(ValidationError, match="更正原因"):
        services.return_save(user=hutang_admin, unit_return=town, entries={"61": {"value": "4000"}})
    services.return_save(
        user=hutang_admin, unit_return=town, entries={"61": {"value": "4000", "reason": "镇工会本级支出 499.50 元"}}
    )
    assert values(town)["61"].final_value == 4000


def test_accepted_returns_feed_the_return_indicator_sources_and_the_figures(world):
    campaign = open_campaign(world)
    grassroots = services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    fill_manual(world.chair, grassroots, **{"10": {"value": "130", "reason": "新招 10 名职工未登记"}})
    services.return_submit(user=world.chair, unit_return=grassroots)
    window = forms.Window(campaign.period_start, campaign.period_end)
    assert sources.value("returns_staff", world.city, window) == 0  # submitted, not accepted
    services.return_accept(user=world.wujin_admin, unit_return=grassroots)
    assert sources.value("returns_staff", world.city, window) == 130
    assert sources.value("returns_staff", world.tianning, window) == 0
    figures.refresh(YEAR)
    figure = Figure.objects.get(indicator_key="returns_staff", org=world.wujin, year=YEAR, month=9)
    assert figure.value == 130


def test_campaign_close_locks_the_returns(world):
    campaign = open_campaign(world)
    campaign = services.campaign_close(user=world.city_admin, campaign=campaign)
    with pytest.raises(ValidationError, match="已结束"):
        services.return_compile(user=world.chair, unit_return=return_of(campaign, world.wujin_union))
    assert campaign.status == "closed"
