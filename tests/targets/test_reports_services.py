"""Quarterly reports (一季一报): opening, saving, the workflow, late and missing units, reported actuals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core.context import actor
from gonghui.core.models import ChangeLog
from gonghui.notices.models import Message
from gonghui.targets import services_reports as services
from gonghui.targets.models import (
    Indicator,
    IndicatorKind,
    IndicatorSource,
    Plan,
    QuarterlyReport,
    ReportAction,
    ReportStatus,
)
from gonghui.targets.selectors_reports import late_and_missing, reported_actuals
from tests.members.helpers import add_member
from tests.targets.reports_helpers import (
    YEAR,
    D,
    build_targets,
    filed,
    give_target,
    make_plan,
    open_report,
    save,
    submit,
    value_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(world):
    return build_targets(world)


@pytest.fixture
def joined(targets):
    """Members of 武进甲公司工会: one before the year, two in Q1, one in Q2."""
    world = targets
    add_member(world, world.wujin_union, name="老会员", serial=11, join_date=D(2025, 6, 1))
    add_member(world, world.wujin_union, name="一月", serial=12, join_date=D(YEAR, 1, 15))
    add_member(world, world.wujin_union, name="三月", serial=13, join_date=D(YEAR, 3, 31))
    add_member(world, world.wujin_union, name="五月", serial=14, join_date=D(YEAR, 5, 2))
    return world


def log_actions(report) -> list[str]:
    return list(report.log.values_list("action", flat=True))


# --- open ----------------------------------------------------------------------------------------------


def test_open_creates_the_draft_with_computed_figures_prefilled(joined):
    world = joined
    report = open_report(world.wujin_admin, world.wujin, 1)
    assert report.status == ReportStatus.DRAFT
    assert report.due_date == D(YEAR, 4, 15)  # the city's plan: 15 days after the quarter
    keys = list(report.values.values_list("indicator__key", flat=True))
    assert keys == ["members_recruited", "members_total", "union_social_workers"]  # catalog order
    recruited = report.values.get(indicator__key="members_recruited")
    assert recruited.is_computed and recruited.value == 2  # joined within Q1
    assert value_of(report, "members_total") == 3  # stock: everyone up to the end of Q1
    stations = report.values.get(indicator__key="union_social_workers")
    assert not stations.is_computed and stations.value is None
    assert log_actions(report) == [ReportAction.CREATE]
    # Opening again returns the same report.
    assert open_report(world.wujin_admin, world.wujin, 1).pk == report.pk
    assert QuarterlyReport.objects.count() == 1


def test_due_date_follows_the_assigning_units_plan(targets):
    world = targets
    assert open_report(world.wujin_admin, world.hutang, 2).due_date == D(YEAR, 7, 10)  # 武进's plan: 10 days
    narrative_only = open_report(world.tianning_admin, world.chashan, 2)  # no targets at all
    assert narrative_only.due_date == D(YEAR, 7, 10)  # the default
    assert narrative_only.values.count() == 0


def test_open_refuses_another_subtree_and_future_quarters(targets):
    world = targets
    with pytest.raises(PermissionDenied):
        open_report(world.tianning_admin, world.wujin, 1)
    with pytest.raises(PermissionDenied):
        open_report(world.nobody, world.wujin, 1)
    with pytest.raises(ValidationError, match="尚未开始"):
        open_report(world.wujin_admin, world.wujin, 1, year=timezone.localdate().year + 1)
    assert QuarterlyReport.objects.count() == 0


# --- save ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [("abc", "不是有效数字"), ("-1", "不能为负数"), ("1.23456", "最多保留 4 位小数"), ("1e20", "过大")],
)
def test_save_rejects_bad_numbers_and_changes_nothing(targets, raw, message):
    world = targets
    report = open_report(world.wujin_admin, world.wujin, 1)
    with pytest.raises(ValidationError) as caught:
        save(world.wujin_admin, report, highlights="新内容", values={"union_social_workers": raw})
    assert message in " ".join(caught.value.message_dict["value_union_social_workers"])
    report.refresh_from_db()
    assert report.highlights == ""
    assert value_of(report, "union_social_workers") is None
    assert log_actions(report) == [ReportAction.CREATE]


def test_rate_indicators_must_lie_between_0_and_100(targets):
    world = targets
    rate = Indicator.objects.create(
        key="coverage_rate", name="覆盖率", unit="%", category="测试", kind=IndicatorKind.RATE, sort=1
    )
    plan = Plan.objects.get(org=world.city, year=YEAR)
    give_target(plan, world.wujin, rate.key, 90)
    report = open_report(world.wujin_admin, world.wujin, 1)
    with pytest.raises(ValidationError, match="0 至 100"):
        save(world.wujin_admin, report, values={"coverage_rate": "120"})
    report = save(world.wujin_admin, report, values={"coverage_rate": "85.5", "union_social_workers": "3"})
    assert value_of(report, "coverage_rate") == Decimal("85.5")
    assert value_of(report, "union_social_workers") == 3


def test_computed_values_cannot_be_overridden_and_are_refreshed_on_save(joined):
    world = joined
    report = open_report(world.wujin_admin, world.wujin, 1)
    add_member(world, world.wujin_union, name="二月", serial=15, join_date=D(YEAR, 2, 1))
    report = save(
        world.wujin_admin,
        report,
        highlights="发展会员有新突破",
        values={"members_recruited": "999", "union_social_workers": "4"},
        notes={"union_social_workers": "新建 4 个驿站"},
    )
    assert value_of(report, "members_recruited") == 3  # from the records, not the input
    assert value_of(report, "union_social_workers") == 4
    assert report.values.get(indicator__key="union_social_workers").note == "新建 4 个驿站"
    assert report.highlights == "发展会员有新突破"
    assert log_actions(report) == [ReportAction.CREATE, ReportAction.SAVE]


def test_save_refuses_indicators_not_in_the_report(targets):
    world = targets
    report = open_report(world.wujin_admin, world.wujin, 1)
    with pytest.raises(ValidationError, match="本报表没有这些指标：health_checks"):
        save(world.wujin_admin, report, values={"health_checks": "5"})


# --- submit --------------------------------------------------------------------------------------------


def test_submit_lists_missing_values_and_requires_highlights(targets):
    world = targets
    report = open_report(world.wujin_admin, world.wujin, 1)
    with pytest.raises(ValidationError) as caught:
        submit(world.wujin_admin, report, problems="人手不足")
    errors = caught.value.message_dict
    assert "工会社会工作者" in errors["values"][0]
    assert "发展会员" not in errors["values"][0]  # computed: never missing
    assert "工作亮点" in errors["highlights"][0]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.problems == ""  # nothing saved


def test_submit_freezes_figures_and_notifies_the_parent(joined, django_capture_on_commit_callbacks):
    world = joined
    report = open_report(world.wujin_admin, world.wujin, 1)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(world.wujin_admin, report, highlights="亮点", values={"union_social_workers": "5"})
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == world.wujin_admin and report.submitted_at is not None
    assert log_actions(report)[-1] == ReportAction.SUBMIT
    assert Message.objects.filter(recipient=world.city_admin, link=report.get_absolute_url()).exists()
    assert not Message.objects.filter(recipient=world.tianning_admin).exists()
    add_member(world, world.wujin_union, name="迟到", serial=16, join_date=D(YEAR, 3, 1))
    report.refresh_from_db()
    assert value_of(report, "members_recruited") == 2  # frozen at submission
    with pytest.raises(ValidationError, match="不能修改"):
        save(world.wujin_admin, report, highlights="改一改")


# --- review --------------------------------------------------------------------------------------------


def test_return_with_comment_then_edit_and_resubmit(targets):
    world = targets
    report = filed(world.wujin_admin, world.wujin, 1, stations="5")
    with actor(world.city_admin), pytest.raises(ValidationError, match="退回意见"):
        services.report_return(user=world.city_admin, report=report, comment="  ")
    with actor(world.city_admin):
        report = services.report_return(user=world.city_admin, report=report, comment="驿站数与台账不符")
    assert report.status == ReportStatus.RETURNED and report.review_comment == "驿站数与台账不符"
    assert report.log.get(action=ReportAction.RETURN).comment == "驿站数与台账不符"
    assert Message.objects.filter(recipient=world.wujin_admin, title__contains="退回").exists()
    report = save(world.wujin_admin, report, values={"union_social_workers": "6"})
    report = submit(world.wujin_admin, report)
    assert report.status == ReportStatus.SUBMITTED and value_of(report, "union_social_workers") == 6


def test_accept_locks_the_report(targets):
    world = targets
    report = filed(world.wujin_admin, world.wujin, 1, stations="5")
    with actor(world.city_admin):
        report = services.report_accept(user=world.city_admin, report=report, comment="同意")
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by == world.city_admin
    with pytest.raises(ValidationError, match="不能修改"):
        save(world.wujin_admin, report, values={"union_social_workers": "9"})
    with pytest.raises(ValidationError, match="不能修改"):
        submit(world.wujin_admin, report)
    with actor(world.city_admin), pytest.raises(ValidationError, match="只有已报送的报表可以退回"):
        services.report_return(user=world.city_admin, report=report, comment="再看看")
    assert value_of(report, "union_social_workers") == 5


def test_reopen_needs_a_reason_and_is_logged(targets):
    world = targets
    report = filed(world.wujin_admin, world.wujin, 1, stations="5")
    with actor(world.city_admin):
        report = services.report_accept(user=world.city_admin, report=report)
        with pytest.raises(ValidationError) as caught:
            services.report_reopen(user=world.city_admin, report=report, reason=" ")
        assert caught.value.message_dict["reason"] == ["请填写重新打开的原因。"]
        report.refresh_from_db()
        assert report.status == ReportStatus.ACCEPTED
        report = services.report_reopen(user=world.city_admin, report=report, reason="统计口径调整，需更正")
    assert report.status == ReportStatus.RETURNED
    entry = report.log.get(action=ReportAction.REOPEN)
    assert entry.comment == "统计口径调整，需更正" and entry.user == world.city_admin
    change = ChangeLog.objects.filter(object_id=str(report.pk), content_type__model="quarterlyreport").first()
    assert change.before["status"] == ReportStatus.ACCEPTED and change.after["status"] == ReportStatus.RETURNED
    save(world.wujin_admin, report, values={"union_social_workers": "7"})  # editable again


def test_a_unit_never_reviews_its_own_report(targets):
    world = targets
    own = filed(world.wujin_admin, world.wujin, 1, stations="5")
    for review in (
        lambda: services.report_accept(user=world.wujin_admin, report=own),
        lambda: services.report_return(user=world.wujin_admin, report=own, comment="自己退回"),
        lambda: services.report_reopen(user=world.wujin_admin, report=own, reason="自己打开"),
    ):
        with actor(world.wujin_admin), pytest.raises(PermissionDenied):
            review()
    with actor(world.tianning_admin), pytest.raises(PermissionDenied):  # another subtree
        services.report_accept(user=world.tianning_admin, report=own)
    own.refresh_from_db()
    assert own.status == ReportStatus.SUBMITTED
    below = filed(world.wujin_admin, world.hutang, 1, stations="2")
    with actor(world.wujin_admin):
        assert services.report_accept(user=world.wujin_admin, report=below).status == ReportStatus.ACCEPTED


# --- late and missing ------------------------------------------------------------------------------------


def _submitted_on(report, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    QuarterlyReport.objects.filter(pk=report.pk).update(submitted_at=moment)


def test_late_and_missing_with_a_frozen_today(targets):
    world = targets
    on_time = filed(world.wujin_admin, world.wujin, 1, stations="5")
    _submitted_on(on_time, D(YEAR, 4, 15))  # the due date itself is on time
    late = filed(world.wujin_admin, world.hutang, 1, stations="2")
    _submitted_on(late, D(YEAR, 4, 13))  # 湖塘 is due on 4-10
    open_report(world.tianning_admin, world.tianning, 1)  # a draft is not a submission

    rows = {row.unit.pk: row for row in late_and_missing(world.city_admin, world.city, YEAR, 1, D(YEAR, 4, 20))}
    assert set(rows) == {world.wujin.pk, world.hutang.pk, world.tianning.pk}  # units with targets only
    assert not rows[world.wujin.pk].is_late and rows[world.wujin.pk].days_late == 0
    assert rows[world.hutang.pk].is_late and rows[world.hutang.pk].days_late == 3
    assert rows[world.tianning.pk].is_missing and rows[world.tianning.pk].days_late == 5
    assert rows[world.tianning.pk].status_label == "草稿"

    before_due = late_and_missing(world.city_admin, world.city, YEAR, 1, D(YEAR, 4, 15))
    assert not any(row.is_missing for row in before_due)

    # Nobody without a report at all is missed; the district sees only its own subtree.
    rows_q2 = late_and_missing(world.city_admin, world.city, YEAR, 2, D(YEAR, 8, 1))
    assert all(row.is_missing and row.report is None for row in rows_q2)
    assert {row.due_date for row in rows_q2} == {D(YEAR, 7, 15), D(YEAR, 7, 10)}
    wujin_view = late_and_missing(world.wujin_admin, world.city, YEAR, 1, D(YEAR, 4, 20))
    assert {row.unit.pk for row in wujin_view} == {world.wujin.pk, world.hutang.pk}


# --- reported actuals ------------------------------------------------------------------------------------


def test_reported_actuals_sum_cumulative_and_take_the_latest_level(joined):
    world = joined
    q1 = filed(world.wujin_admin, world.wujin, 1, stations="5")
    with actor(world.city_admin):
        services.report_accept(user=world.city_admin, report=q1)
    filed(world.wujin_admin, world.wujin, 2, stations="7.5")
    q3 = open_report(world.wujin_admin, world.wujin, 3)
    save(world.wujin_admin, q3, values={"union_social_workers": "100"})  # a draft does not count
    units = [world.wujin, world.tianning]

    actuals = reported_actuals(units, YEAR, 3)
    assert actuals[("union_social_workers", world.wujin.pk)] == Decimal("12.5")
    assert actuals[("members_recruited", world.wujin.pk)] == 3  # 2 in Q1 + 1 in Q2
    assert actuals[("members_total", world.wujin.pk)] == 4  # stock: the Q2 level, not Q1 + Q2
    assert not any(unit_id == world.tianning.pk for _key, unit_id in actuals)
    first = reported_actuals(units, YEAR, 1)
    assert first[("union_social_workers", world.wujin.pk)] == 5 and first[("members_total", world.wujin.pk)] == 3


def test_computed_indicator_without_a_source_is_reported_by_hand(targets):
    world = targets
    indicator = Indicator.objects.create(
        key="local_computed", name="本地计算指标", unit="个", category="测试", source=IndicatorSource.COMPUTED
    )
    give_target(make_plan(world.hutang), world.wujin_union, indicator.key, 3)
    report = open_report(world.chair, world.wujin_union, 1)
    row = report.values.get(indicator=indicator)
    assert not row.is_computed and row.value is None
    report = save(world.chair, report, values={"local_computed": "2"})
    assert value_of(report, "local_computed") == 2


# --- value parsing (property) ------------------------------------------------------------------------------

COUNT = Indicator(key="count", name="计数", unit="个", kind=IndicatorKind.CUMULATIVE)
RATE = Indicator(key="rate", name="比率", unit="%", kind=IndicatorKind.RATE)


@settings(max_examples=150, deadline=None)
@given(st.decimals(min_value=0, max_value=Decimal("99999999999999.9999"), places=4, allow_nan=False))
def test_any_number_with_up_to_four_places_round_trips(value):
    assert services.parse_value(COUNT, str(value)) == value
    assert services.parse_value(COUNT, f"{value:,}") == value  # thousands separators as Excel copies them


@settings(max_examples=150, deadline=None)
@given(st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=6, allow_nan=False))
def test_parse_value_accepts_exactly_the_valid_rates(value):
    valid = 0 <= value <= 100 and value == value.quantize(Decimal("0.0001"))
    try:
        parsed = services.parse_value(RATE, str(value))
    except ValidationError:
        assert not valid
    else:
        assert valid and parsed == value
