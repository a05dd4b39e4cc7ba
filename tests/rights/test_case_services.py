"""Rights cases: the closed loop, deadlines and lights on a fixed clock, transfers, group incidents, PII."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from gonghui.core.models import ChangeLog
from gonghui.notices.models import Message
from gonghui.rights import deadlines, selectors, services
from gonghui.rights.models import CaseNoteKind, CaseState, Outcome, RightsCase, Satisfaction, Tier
from gonghui.targets.selectors_tasks import Light
from tests.rights.helpers import ID_NUMBER, PHONE, T0, at, register

pytestmark = pytest.mark.django_db


def light_at(case, minutes):
    case.refresh_from_db()
    return selectors.case_light(case, at(minutes))


def sql_light(case, minutes):
    return selectors.with_light(RightsCase.objects.filter(pk=case.pk), at(minutes)).get().light


def test_register_sets_the_12351_deadlines_from_the_time_received(world):
    case = register(world)
    assert case.state == CaseState.REGISTERED and case.org == world.city and case.received_by == world.city
    assert case.dispatch_due == T0 + datetime.timedelta(minutes=30)
    assert case.response_due == T0 + datetime.timedelta(hours=2)
    assert case.resolution_due == T0 + datetime.timedelta(days=5)
    assert case.current_due == case.dispatch_due
    assert case.received_on == datetime.date(2026, 6, 1)
    assert case.employer_name == "武进甲公司"
    assert case.notes.filter(kind=CaseNoteKind.STEP, text__startswith="接听登记").exists()


@pytest.mark.parametrize(("tier", "days"), [(Tier.SIMPLE, 1), (Tier.GENERAL, 5), (Tier.COMPLEX, 15)])
def test_tiers_set_the_resolution_limit(world, tier, days):
    assert register(world, tier=tier).resolution_due == T0 + datetime.timedelta(days=days)


@override_settings(RIGHTS_CASE_LIMITS={"complex": {"resolution": 20 * 24 * 60, "dispatch": 60}})
def test_limits_are_configurable(world):
    case = register(world, tier=Tier.COMPLEX)
    assert case.resolution_due == T0 + datetime.timedelta(days=20)
    assert case.dispatch_due == T0 + datetime.timedelta(minutes=60)
    assert case.response_due == T0 + datetime.timedelta(hours=2)


def test_dispatch_light_goes_green_yellow_red_in_python_and_sql(world):
    case = register(world)
    # 30-minute window: yellow for the last quarter (at least 15 minutes) → from minute 15.
    for minutes, expected in (
        (5, Light.GREEN),
        (14, Light.GREEN),
        (16, Light.YELLOW),
        (30, Light.YELLOW),
        (31, Light.RED),
    ):
        assert light_at(case, minutes) == expected, minutes
        assert sql_light(case, minutes) == expected, minutes


def test_closed_loop_with_timestamps_and_lights(world):
    case = register(world)
    case = services.case_dispatch(user=world.city_admin, case=case, to_org=world.wujin, now=at(10))
    assert case.state == CaseState.DISPATCHED and case.org == world.wujin and case.dispatched_at == at(10)
    assert case.current_due == case.response_due
    assert Message.objects.filter(recipient=world.wujin_admin, title__contains="派单").exists()
    assert (
        light_at(case, 60) == Light.GREEN and light_at(case, 100) == Light.YELLOW and light_at(case, 121) == Light.RED
    )
    case = services.case_respond(user=world.wujin_admin, case=case, text="已电话联系诉求人", now=at(50))
    assert case.state == CaseState.HANDLING and case.current_due == case.resolution_due
    services.case_add_note(user=world.wujin_admin, case=case, text="约谈企业负责人", now=at(600))
    case = services.case_resolve(
        user=world.wujin_admin,
        case=case,
        outcome=Outcome.MEDIATED,
        resolution="企业承诺一周内补发",
        amount_recovered=Decimal("40000"),
        now=at(24 * 60),
    )
    assert case.state == CaseState.RESOLVED and case.callback_due == at(48 * 60)
    assert Message.objects.filter(recipient=world.city_admin, title__contains="待回访").exists()
    case = services.case_callback(
        user=world.city_admin, case=case, satisfaction=Satisfaction.SATISFIED, note="工资已到账", now=at(30 * 60)
    )
    assert case.state == CaseState.CLOSED and case.current_due is None
    assert light_at(case, 10**6) == Light.CLOSED
    figures = selectors.case_figures(RightsCase.objects.all())
    assert figures["rates"] == {
        "dispatch": 100.0,
        "response": 100.0,
        "resolution": 100.0,
        "callback": 100.0,
        "satisfaction": 100.0,
    }
    assert figures["amount"] == Decimal("40000")
    steps = list(case.notes.values_list("text", flat=True))
    assert any("派单至武进区总工会" in text for text in steps) and any("回访" in text for text in steps)
    assert ChangeLog.objects.filter(object_id=str(case.pk), content_type__app_label="rights").count() >= 5


def test_late_steps_stay_late_in_the_on_time_rates(world):
    case = register(world)
    case = services.case_dispatch(user=world.city_admin, case=case, to_org=world.wujin, now=at(45))
    assert "超过派单时限" in case.notes.order_by("-pk").first().text
    figures = selectors.case_figures(RightsCase.objects.all())
    assert figures["dispatched"] == 1 and figures["dispatched_on_time"] == 0 and figures["rates"]["dispatch"] == 0.0


def test_wrong_state_and_wrong_party_are_refused(world):
    case = register(world)
    with pytest.raises(ValidationError, match="尚未派单，不能办结"):
        services.case_resolve(user=world.city_admin, case=case, outcome=Outcome.MEDIATED, resolution="x", now=at(5))
    case = services.case_dispatch(user=world.city_admin, case=case, to_org=world.wujin, now=at(5))
    with pytest.raises(ValidationError, match="不能派单"):
        services.case_dispatch(user=world.city_admin, case=case, to_org=world.wujin, now=at(6))
    # The district handles but did not receive the call: it cannot call back or urge itself.
    with pytest.raises(PermissionDenied, match="受理单位"):
        services.case_urge(user=world.wujin_admin, case=case, now=at(7))
    # Another subtree cannot touch it at all.
    with pytest.raises(PermissionDenied):
        services.case_respond(user=world.tianning_admin, case=case, text="x", now=at(8))


def test_dispatch_outside_scope_is_refused_and_leaves_the_case_as_it_was(world):
    case = register(world, received_by=world.wujin, user=world.wujin_admin)
    with pytest.raises(ValidationError, match="不在您的数据权限范围内"):
        services.case_dispatch(user=world.wujin_admin, case=case, to_org=world.tianning, now=at(5))
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED and case.org == world.wujin and case.dispatched_at is None


def test_transfer_needs_a_reason_and_keeps_the_clock(world):
    case = register(world)
    case = services.case_dispatch(user=world.city_admin, case=case, to_org=world.wujin, now=at(5))
    with pytest.raises(ValidationError, match="请填写转办原因"):
        services.case_transfer(user=world.city_admin, case=case, to_org=world.tianning, reason=" ", now=at(6))
    case = services.case_transfer(
        user=world.city_admin, case=case, to_org=world.tianning, reason="用人单位注册地在天宁区", now=at(6)
    )
    assert case.org == world.tianning and case.response_due == T0 + datetime.timedelta(hours=2)
    assert case.notes.filter(kind=CaseNoteKind.TRANSFER, text__contains="注册地在天宁区").exists()
    assert Message.objects.filter(recipient=world.tianning_admin, title__contains="转办").exists()
    # The district that lost it no longer sees it.
    assert not selectors.cases_for(world.wujin_admin).filter(pk=case.pk).exists()


def test_group_incident_notifies_the_parent_unions_at_once(world):
    case = register(world, persons_count=12, received_by=world.hutang, user=world.city_admin)
    assert case.is_group_incident
    assert Message.objects.filter(recipient=world.wujin_admin, title__startswith="群体性维权事件").exists()
    assert not Message.objects.filter(recipient=world.tianning_admin).exists()
    # Message bodies carry no personal data.
    assert not Message.objects.filter(body__contains=PHONE).exists()
    small = register(world, persons_count=9)
    assert not small.is_group_incident


@override_settings(RIGHTS_GROUP_INCIDENT_THRESHOLD=5)
def test_group_threshold_is_configurable(world):
    assert register(world, persons_count=5).is_group_incident


def test_personal_data_is_encrypted_indexed_masked_and_redacted_in_the_log(world):
    case = register(world)
    row = RightsCase.objects.values("id_number_cipher", "phone_cipher", "id_number_masked", "phone_masked").get()
    assert ID_NUMBER not in row["id_number_cipher"] and PHONE not in row["phone_cipher"]
    assert row["id_number_masked"] == "1101**********002X" and row["phone_masked"] == "139****5678"
    assert case.reveal_id_number() == ID_NUMBER and case.reveal_phone() == PHONE
    log = ChangeLog.objects.get(object_id=str(case.pk), content_type__model="rightscase", action="create")
    assert PHONE not in str(log.after) and "139****5678" not in str(log.after)


def test_anonymous_case_keeps_no_personal_data(world):
    case = register(world, is_anonymous=True)
    assert case.complainant_name == "" and case.phone_cipher == "" and case.id_number_cipher == ""
    assert case.complainant_display == "匿名"


def test_bad_input_says_which_field(world):
    with pytest.raises(ValidationError) as excinfo:
        register(world, phone="123")
    assert "phone" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        register(world, complainant_name="")
    assert "请填写诉求人姓名" in str(excinfo.value)
    with pytest.raises(ValidationError, match="不能晚于现在"):
        register(world, received_at=at(60), now=at(1))
    assert not RightsCase.objects.exists()


def test_tier_change_recomputes_the_deadlines(world):
    case = register(world)
    data = {"tier": Tier.COMPLEX}
    case = services.case_update(user=world.city_admin, case=case, data=data, now=at(3))
    assert case.resolution_due == T0 + datetime.timedelta(days=15)
    assert case.current_due == case.dispatch_due


def test_overdue_list_for_the_parent(world):
    late = register(world)
    services.case_dispatch(user=world.city_admin, case=late, to_org=world.wujin, now=at(5))
    fresh = register(world, received_at=at(200), now=at(201))
    rows = list(selectors.overdue_cases(world.city_admin, at(210)))
    assert [row.pk for row in rows] == [late.pk]  # response due at 120 min: red; the fresh one is green
    assert rows[0].light == Light.RED
    assert list(selectors.overdue_cases(world.tianning_admin, at(210))) == []
    summary = selectors.overdue_summary(selectors.overdue_cases(world.city_admin, at(210)))
    assert summary[0]["org__name"] == "武进区总工会" and summary[0]["red"] == 1
    assert fresh.pk not in [row.pk for row in rows]


def test_warn_window_rule():
    start = T0
    assert deadlines.warn_at(start, start + datetime.timedelta(minutes=30)) == start + datetime.timedelta(minutes=15)
    assert deadlines.warn_at(start, start + datetime.timedelta(days=4)) == start + datetime.timedelta(days=3)
    assert deadlines.remaining_text(at(0), at(90)) == "剩 1 小时 30 分"
    assert deadlines.remaining_text(at(100), at(40)) == "超时 1 小时"
