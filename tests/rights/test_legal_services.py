"""Legal aid, lawyers, duty slots, committees, contracts and instructors: validation, scope, change log."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.models import ChangeLog
from gonghui.rights import services_legal, services_supervision
from gonghui.rights.models import CollectiveContract, Lawyer, LegalAidCase

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def lawyer(world, **overrides):
    data = {
        "org": world.wujin,
        "name": "李律师",
        "kind": "volunteer",
        "law_firm": "武进律师事务所",
        "license_number": "13204201810123456",
        "phone": "13800001111",
        **overrides,
    }
    return services_legal.lawyer_create(user=world.wujin_admin, data=data)


def test_lawyer_licence_is_checked_and_unique_per_roster(world):
    with pytest.raises(ValidationError, match="17 位数字"):
        lawyer(world, license_number="1234")
    first = lawyer(world)
    with pytest.raises(ValidationError, match="已有该执业证号"):
        lawyer(world, name="另一位")
    assert first.phone_masked == "138****1111" and "13800001111" not in first.phone_cipher
    assert Lawyer.objects.count() == 1


def test_records_cannot_be_placed_outside_the_scope(world):
    with pytest.raises(ValidationError, match="不在您的数据权限范围内"):
        lawyer(world, org=world.tianning)
    with pytest.raises(PermissionDenied):
        services_legal.legal_aid_create(
            user=world.nobody,
            data={"kind": "consultation", "applicant_name": "x", "summary": "x", "accepted_on": timezone.localdate()},
        )
    assert not LegalAidCase.objects.exists()


def test_duty_slots_do_not_overlap_and_keep_bookings(world):
    counsel = lawyer(world)
    data = {
        "org": world.wujin,
        "lawyer": counsel,
        "location": "服务中心",
        "date": TOMORROW,
        "start_time": datetime.time(9),
        "end_time": datetime.time(11),
        "capacity": 1,
    }
    slot = services_legal.duty_slot_create(user=world.wujin_admin, data=data)
    with pytest.raises(ValidationError, match="已有值班安排"):
        services_legal.duty_slot_create(
            user=world.wujin_admin, data={**data, "start_time": datetime.time(10), "end_time": datetime.time(12)}
        )
    with pytest.raises(ValidationError, match="结束时间须晚于开始时间"):
        services_legal.duty_slot_create(
            user=world.wujin_admin, data={**data, "start_time": datetime.time(14), "end_time": datetime.time(13)}
        )
    services_legal.duty_booking_create(slot_id=slot.pk, name="周八", phone="13500004444", topic="工资")
    with pytest.raises(ValidationError, match="已约满"):
        services_legal.duty_booking_create(slot_id=slot.pk, name="吴九", phone="13500005555", topic="工资")
    with pytest.raises(ValidationError, match="不能删除"):
        services_legal.duty_slot_delete(user=world.wujin_admin, slot=slot)
    with pytest.raises(ValidationError, match="不能删除"):
        services_legal.lawyer_delete(user=world.wujin_admin, lawyer=counsel)


def test_aid_outcome_and_dates_are_consistent(world):
    base = {
        "org": world.wujin,
        "kind": "mediation",
        "applicant_name": "王五",
        "summary": "调解",
        "accepted_on": datetime.date(2026, 5, 1),
    }
    with pytest.raises(ValidationError, match="请选择办理结果"):
        services_legal.legal_aid_create(user=world.wujin_admin, data={**base, "closed_on": datetime.date(2026, 5, 9)})
    with pytest.raises(ValidationError, match="不能早于受理日期"):
        services_legal.legal_aid_create(
            user=world.wujin_admin, data={**base, "closed_on": datetime.date(2026, 4, 1), "outcome": "mediated"}
        )
    aid = services_legal.legal_aid_create(user=world.wujin_admin, data=base)
    assert ChangeLog.objects.filter(content_type__model="legalaidcase", object_id=str(aid.pk)).exists()


def contract_data(world, **overrides):
    return {
        "org": world.wujin_union,
        "kind": "wage",
        "title": "工资专项集体合同",
        "employers": [world.wujin_employer],
        "signed_on": datetime.date(2026, 1, 5),
        "starts_on": datetime.date(2026, 1, 10),
        "ends_on": datetime.date(2028, 1, 9),
        "workers_covered": 120,
        "wage_increase": 5,
        **overrides,
    }


def test_contract_rules(world):
    user = world.wujin_admin
    with pytest.raises(ValidationError, match="工资增长幅度"):
        services_supervision.contract_create(user=user, data=contract_data(world, wage_increase=None))
    with pytest.raises(ValidationError, match="只能由一家用人单位签订"):
        services_supervision.contract_create(
            user=world.city_admin, data=contract_data(world, employers=[world.wujin_employer, world.tianning_employer])
        )
    with pytest.raises(ValidationError, match="不在您的数据权限范围内"):
        services_supervision.contract_create(user=user, data=contract_data(world, employers=[world.tianning_employer]))
    with pytest.raises(ValidationError, match="期满日期须晚于生效日期"):
        services_supervision.contract_create(user=user, data=contract_data(world, ends_on=datetime.date(2026, 1, 1)))
    regional = services_supervision.contract_create(
        user=world.city_admin,
        data=contract_data(
            world,
            kind="regional",
            org=world.city,
            wage_increase=None,
            employers=[world.wujin_employer, world.tianning_employer],
        ),
    )
    assert regional.employers.count() == 2 and CollectiveContract.objects.count() == 1


def test_renewed_contract_is_reminded_again(world):
    today = timezone.localdate()
    contract = services_supervision.contract_create(
        user=world.wujin_admin,
        data=contract_data(
            world,
            signed_on=today - datetime.timedelta(days=700),
            starts_on=today - datetime.timedelta(days=700),
            ends_on=today + datetime.timedelta(days=59),
        ),
    )
    assert services_supervision.contract_send_expiry_notice(contract=contract, today=today) >= 0
    contract.refresh_from_db()
    assert contract.expiry_notified_on == today
    contract = services_supervision.contract_update(
        user=world.wujin_admin, contract=contract, data={"ends_on": today + datetime.timedelta(days=40)}
    )
    assert contract.expiry_notified_on is None


def test_committee_members_and_documents(world):
    committee = services_supervision.committee_create(
        user=world.wujin_admin,
        data={
            "org": world.wujin_union,
            "name": "监督委员会",
            "established_on": datetime.date(2025, 3, 1),
            "chair_name": "赵六",
        },
        members=[{"name": "赵六", "position": "主任"}, {"name": ""}, {"name": "钱七"}],
    )
    assert list(committee.members.values_list("name", flat=True)) == ["赵六", "钱七"]
    with pytest.raises(ValidationError, match="已有名为"):
        services_supervision.committee_create(
            user=world.wujin_admin,
            data={
                "org": world.wujin_union,
                "name": "监督委员会",
                "established_on": datetime.date(2025, 3, 1),
                "chair_name": "x",
            },
        )
    with pytest.raises(ValidationError, match="不能早于发出日期"):
        services_supervision.document_create(
            user=world.wujin_admin,
            committee=committee,
            data={
                "kind": "opinion",
                "issued_on": datetime.date(2026, 5, 1),
                "subject": "s",
                "content": "c",
                "reply_due": datetime.date(2026, 4, 1),
            },
        )
    document = services_supervision.document_create(
        user=world.wujin_admin,
        committee=committee,
        data={"kind": "opinion", "issued_on": datetime.date(2026, 5, 1), "subject": "s", "content": "c"},
    )
    services_supervision.document_reply(
        user=world.wujin_admin, document=document, replied_on=datetime.date(2026, 5, 9), reply="已整改"
    )
    document.refresh_from_db()
    assert document.reply == "已整改"
    with pytest.raises(PermissionDenied):
        services_supervision.document_reply(
            user=world.tianning_admin, document=document, replied_on=datetime.date(2026, 5, 9), reply="x"
        )
