"""Member services: personal data sealed at write, one active membership, events, transfers."""

import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.core.context import actor
from gonghui.core.models import ChangeLog
from gonghui.members import services
from gonghui.members.models import (
    EventKind,
    Member,
    MembershipEvent,
    MemberStatus,
    Transfer,
    TransferState,
    id_number_index,
)
from gonghui.notices.models import Message
from gonghui.orgs.models import OrgType
from gonghui.utilities.pii import decrypt
from tests.members.helpers import add_member, id_number
from tests.world import add_org, make_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def events(member) -> list[str]:
    return list(MembershipEvent.objects.filter(member=member).order_by("pk").values_list("kind", flat=True))


def test_create_seals_personal_data_and_derives_gender_and_birth(world):
    number = id_number(123)  # serial 123: odd, male
    member = add_member(world, world.wujin_union, name="王建国", serial=123, phone="138 0000 1234")
    member.refresh_from_db()
    assert member.gender == "male"
    assert member.birth_date == datetime.date(1990, 5, 17)
    assert member.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert member.phone_masked == "138****1234"
    assert member.reveal_id_number() == number
    assert member.reveal_phone() == "13800001234"
    assert member.id_number_index == id_number_index(number.lower())
    assert member.region_code == "320412"
    assert member.status == MemberStatus.ACTIVE
    assert events(member) == [EventKind.JOIN]


def test_database_row_holds_no_plaintext(world):
    number = id_number(124)
    member = add_member(world, world.wujin_union, name="李秀英", serial=124, phone="13912345678")
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [member.pk])
        row = cursor.fetchone()
    dump = json.dumps([str(value) for value in row], ensure_ascii=False)
    assert number not in dump
    assert number[6:14] not in dump  # not even the birth-date digits in a readable form
    assert "13912345678" not in dump
    assert member.id_number_cipher in dump
    with pytest.raises(Exception):  # noqa: B017 — bound to its column: the phone context cannot open it
        decrypt(member.id_number_cipher, context="members.member.phone")


def test_change_log_has_no_plaintext(world):
    number = id_number(125)
    member = add_member(world, world.wujin_union, name="张伟", serial=125, phone="13700001111")
    with actor(world.city_admin):
        services.member_update(
            user=world.city_admin, member=member, data={"phone": "13700002222", "id_number": id_number(127)}
        )
    logs = ChangeLog.objects.filter(content_type=ContentType.objects.get_for_model(Member), object_id=str(member.pk))
    assert logs.count() == 2
    text = json.dumps([[log.before, log.after] for log in logs], ensure_ascii=False)
    for secret in (number, id_number(127), "13700001111", "13700002222", "1990-05-17"):
        assert secret not in text
    assert "***" in text


def test_card_numbers_are_unique_per_region_with_a_check_digit(world):
    a = add_member(world, world.wujin_union, name="甲", serial=1)
    b = add_member(world, world.wujin_union, name="乙", serial=3)
    assert a.member_card_number.startswith("320412") and len(a.member_card_number) == 15
    assert int(b.member_card_number[6:14]) == int(a.member_card_number[6:14]) + 1
    assert services.is_valid_card_number(a.member_card_number)
    assert not services.is_valid_card_number(a.member_card_number[:14] + str((int(a.member_card_number[14]) + 1) % 10))
    block = services.allocate_card_numbers("320402", 5)
    assert len(set(block)) == 5 and all(services.is_valid_card_number(n) for n in block)


def test_only_member_unions_hold_members(world):
    with pytest.raises(ValidationError) as error:
        add_member(world, world.hutang, name="王五", serial=5)
    assert "基层工会" in str(error.value)


def test_new_employment_type_required_iff_category(world):
    with pytest.raises(ValidationError) as error:
        add_member(world, world.wujin_union, name="骑手甲", serial=7, employment_category="new_employment")
    assert "新就业形态类型" in str(error.value)
    with pytest.raises(ValidationError):
        add_member(world, world.wujin_union, name="职工甲", serial=9, new_employment_type="courier")
    rider = add_member(
        world,
        world.wujin_union,
        name="骑手乙",
        serial=11,
        employment_category="new_employment",
        new_employment_type="delivery_rider",
    )
    assert rider.new_employment_type == "delivery_rider"


def test_migrant_category_sets_the_migrant_flag(world):
    member = add_member(world, world.wujin_union, name="农民工甲", serial=13, employment_category="migrant")
    assert member.is_migrant_worker


def test_bad_id_numbers_are_refused_in_chinese(world):
    bad = id_number(15)[:-1] + ("0" if id_number(15)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        add_member(world, world.wujin_union, name="错号", serial=15, id_number=bad)
    assert "校验位" in str(error.value)


def test_unknown_area_code_is_a_warning(world):
    member = add_member(world, world.wujin_union, name="旧区划", serial=17, id_number=id_number(17, area="329999"))
    assert member.id_warnings and "329999" in member.id_warnings[0]


def test_too_young_at_join_date(world):
    with pytest.raises(ValidationError) as error:
        add_member(world, world.wujin_union, name="少年", serial=19, join_date=datetime.date(2005, 1, 1))
    assert "未满 16 周岁" in str(error.value)


def test_same_person_twice_in_one_union(world):
    add_member(world, world.wujin_union, name="王建国", serial=21)
    with pytest.raises(ValidationError) as error:
        add_member(world, world.wujin_union, name="王建国", serial=21)
    assert "已是本工会在会会员" in str(error.value)


def test_active_elsewhere_names_the_union_only_if_visible(world):
    add_member(world, world.tianning_union, name="赵敏", serial=23, id_number=id_number(23))
    with pytest.raises(ValidationError) as error:
        add_member(world, world.wujin_union, name="赵敏", serial=23, user=world.wujin_admin)
    assert "已在其他工会登记为在会会员，请办理转会" in str(error.value)
    assert "天宁" not in str(error.value)
    with pytest.raises(ValidationError) as error:
        add_member(world, world.wujin_union, name="赵敏", serial=23, user=world.city_admin)
    assert "已在「天宁乙公司工会」登记为在会会员" in str(error.value)


def test_a_member_who_left_may_join_elsewhere_and_rejoin_is_refused_while_active_there(world):
    first = add_member(world, world.wujin_union, name="孙丽", serial=25)
    with actor(world.city_admin):
        services.member_leave(user=world.city_admin, member=first, date=datetime.date(2025, 1, 10), reason="离职")
    second = add_member(
        world,
        world.tianning_union,
        name="孙丽",
        serial=25,
        id_number=id_number(25),
        join_date=datetime.date(2025, 2, 1),
    )
    assert second.status == MemberStatus.ACTIVE
    first.refresh_from_db()
    assert first.status == MemberStatus.LEFT and first.left_on == datetime.date(2025, 1, 10)
    assert events(first) == [EventKind.JOIN, EventKind.LEAVE]
    with pytest.raises(ValidationError) as error:
        services.member_rejoin(user=world.city_admin, member=first, date=TODAY)
    assert "天宁乙公司工会" in str(error.value)


def test_leave_then_rejoin_same_union_reuses_the_row(world):
    member = add_member(world, world.wujin_union, name="周杰", serial=27)
    with actor(world.wujin_admin):
        services.member_leave(user=world.wujin_admin, member=member, date=datetime.date(2025, 1, 1), reason="个人原因")
        with pytest.raises(ValidationError):
            add_member(world, world.wujin_union, name="周杰", serial=27)
        member = services.member_rejoin(user=world.wujin_admin, member=member, date=datetime.date(2025, 6, 1))
    assert member.status == MemberStatus.ACTIVE and member.left_on is None
    assert member.join_date == datetime.date(2025, 6, 1)
    assert events(member) == [EventKind.JOIN, EventKind.LEAVE, EventKind.REJOIN]
    assert Member.objects.filter(id_number_index=member.id_number_index).count() == 1


def test_leave_needs_a_reason_and_a_sensible_date(world):
    member = add_member(world, world.wujin_union, name="吴刚", serial=29)
    with pytest.raises(ValidationError):
        services.member_leave(user=world.wujin_admin, member=member, date=TODAY, reason=" ")
    with pytest.raises(ValidationError):
        services.member_leave(user=world.wujin_admin, member=member, date=datetime.date(2020, 1, 1), reason="x")


def test_deceased_blocks_any_new_registration(world):
    member = add_member(world, world.wujin_union, name="郑和", serial=31)
    with actor(world.wujin_admin):
        services.member_mark_deceased(user=world.wujin_admin, member=member, date=datetime.date(2025, 5, 5))
    member.refresh_from_db()
    assert member.status == MemberStatus.DECEASED and member.left_on == datetime.date(2025, 5, 5)
    assert events(member) == [EventKind.JOIN, EventKind.DEATH]
    with pytest.raises(ValidationError) as error:
        add_member(world, world.tianning_union, name="郑和", serial=31, id_number=id_number(31))
    assert "已故" in str(error.value)


def test_services_refuse_other_subtrees(world):
    other = add_member(world, world.tianning_union, name="钱多", serial=33)
    with pytest.raises(PermissionDenied):
        services.member_update(user=world.wujin_admin, member=other, data={"name": "改名"})
    with pytest.raises(PermissionDenied):
        services.member_leave(user=world.wujin_admin, member=other, date=TODAY, reason="x")
    with pytest.raises(PermissionDenied):
        add_member(world, world.tianning_union, name="越界", serial=35, user=world.wujin_admin)
    assert not Member.objects.filter(name="越界").exists()
    with pytest.raises(PermissionDenied):
        add_member(world, world.wujin_union, name="无权", serial=37, user=world.nobody)


def test_direct_transfer_within_the_users_scope(world):
    second_union = add_org(world.hutang, "武进丙公司工会", OrgType.GRASSROOTS, "320412", "T320412001002")
    member = add_member(world, world.wujin_union, name="冯远", serial=39, phone="13600000000")
    with actor(world.wujin_admin):
        moved = services.member_transfer_direct(
            user=world.wujin_admin, member=member, to_org=second_union, date=datetime.date(2025, 3, 3)
        )
    member.refresh_from_db()
    assert member.status == MemberStatus.TRANSFERRED_OUT and member.left_on == datetime.date(2025, 3, 3)
    assert moved.org == second_union and moved.status == MemberStatus.ACTIVE
    assert moved.reveal_id_number() == member.reveal_id_number() and moved.reveal_phone() == "13600000000"
    assert moved.join_date == member.join_date
    assert moved.member_card_number != member.member_card_number
    assert events(member) == [EventKind.JOIN, EventKind.TRANSFER_OUT]
    assert events(moved) == [EventKind.TRANSFER_IN]
    out = MembershipEvent.objects.get(member=member, kind=EventKind.TRANSFER_OUT)
    assert (out.from_org, out.to_org, out.approved_by) == (world.wujin_union, second_union, world.wujin_admin)
    record = Transfer.objects.get(member=member)
    assert record.state == TransferState.APPROVED and record.new_member == moved
    with pytest.raises(PermissionDenied):  # the other subtree is not the admin's to move into
        services.member_transfer_direct(user=world.wujin_admin, member=moved, to_org=world.tianning_union)
    moved.refresh_from_db()
    assert moved.status == MemberStatus.ACTIVE


def test_transfer_request_approve_notifies_the_sending_union(world):
    sender_chair = make_user("tn_chair", world.tianning_union, "grassroots_chair")
    member = add_member(world, world.tianning_union, name="陈静", serial=41, id_number=id_number(41))
    with pytest.raises(ValidationError):  # the name must match the number
        services.transfer_request(
            user=world.chair, to_org=world.wujin_union, id_number=id_number(41), name="陈晶", reason=""
        )
    with actor(world.chair):
        transfer = services.transfer_request(
            user=world.chair, to_org=world.wujin_union, id_number=id_number(41), name="陈静", reason="调入武进甲公司"
        )
    assert transfer.state == TransferState.REQUESTED and transfer.from_org == world.tianning_union
    with pytest.raises(ValidationError):  # one open request per member
        services.transfer_request(user=world.chair, to_org=world.wujin_union, id_number=id_number(41), name="陈静")
    with pytest.raises(PermissionDenied):  # the sending side cannot approve
        services.transfer_approve(user=world.tianning_admin, transfer=transfer)
    with actor(world.chair):
        transfer = services.transfer_approve(user=world.chair, transfer=transfer, date=datetime.date(2025, 8, 1))
    member.refresh_from_db()
    assert transfer.state == TransferState.APPROVED and transfer.decided_by == world.chair
    assert member.status == MemberStatus.TRANSFERRED_OUT
    new_row = transfer.new_member
    assert new_row.org == world.wujin_union and new_row.status == MemberStatus.ACTIVE
    assert events(member) == [EventKind.JOIN, EventKind.TRANSFER_OUT]
    assert events(new_row) == [EventKind.TRANSFER_IN]
    message = Message.objects.get(recipient=sender_chair)
    assert "陈静" in message.title and "武进甲公司工会" in message.body
    assert id_number(41) not in message.body
    assert Message.objects.filter(recipient=world.tianning_admin).count() == 0  # the union's own users first


def test_transfer_reject_and_cancel(world):
    add_member(world, world.tianning_union, name="杨帆", serial=43, id_number=id_number(43))
    with actor(world.chair):
        transfer = services.transfer_request(
            user=world.chair, to_org=world.wujin_union, id_number=id_number(43), name="杨帆"
        )
        with pytest.raises(ValidationError):
            services.transfer_reject(user=world.chair, transfer=transfer, reason="")
        transfer = services.transfer_reject(user=world.chair, transfer=transfer, reason="未在本单位就业")
    assert transfer.state == TransferState.REJECTED
    with actor(world.chair):
        again = services.transfer_request(
            user=world.chair, to_org=world.wujin_union, id_number=id_number(43), name="杨帆"
        )
        again = services.transfer_cancel(user=world.chair, transfer=again)
    assert again.state == TransferState.CANCELLED
    assert Member.objects.get(id_number_index=id_number_index(id_number(43))).status == MemberStatus.ACTIVE


def test_delete_removes_events_and_logs_it(world):
    member = add_member(world, world.wujin_union, name="误录", serial=45)
    with actor(world.wujin_admin):
        services.member_delete(user=world.wujin_admin, member=member)
    assert not Member.objects.filter(pk=member.pk).exists()
    assert not MembershipEvent.objects.filter(member_id=member.pk).exists()
    assert ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Member), object_id=str(member.pk), action="delete"
    ).exists()
    with pytest.raises(PermissionDenied):  # the grassroots chair may not delete
        services.member_delete(user=world.chair, member=add_member(world, world.wujin_union, name="留", serial=47))
