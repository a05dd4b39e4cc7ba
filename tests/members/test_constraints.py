"""One active membership per person is enforced by the database, not only by the services."""

import copy
import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction

from gonghui.members import services
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import OrgType
from tests.members.helpers import add_member, id_number
from tests.world import add_org

pytestmark = pytest.mark.django_db


def clone_into(member: Member, org, *, status=MemberStatus.ACTIVE) -> Member:
    """A raw copy of ``member`` for ``org``: same person (same blind index), new card number."""
    row = copy.copy(member)
    row.pk = None
    row.id = None
    row._state = type(member)()._state
    row.org = org
    row.status = status
    row.left_on = None if status == MemberStatus.ACTIVE else member.join_date
    row.member_card_number = services.allocate_card_numbers(org.region_code)[0]
    return row


def test_a_second_active_row_is_refused_by_the_database(world):
    member = add_member(world, world.wujin_union, name="王建国", serial=101, id_number=id_number(101))
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.bulk_create([clone_into(member, world.tianning_union)])
    assert Member.objects.filter(id_number_index=member.id_number_index).count() == 1


def test_inactive_rows_elsewhere_are_allowed(world):
    member = add_member(world, world.wujin_union, name="王建国", serial=103, id_number=id_number(103))
    Member.objects.bulk_create([clone_into(member, world.tianning_union, status=MemberStatus.LEFT)])
    assert Member.objects.filter(id_number_index=member.id_number_index).count() == 2


def test_a_second_row_in_the_same_union_is_refused_by_the_database(world):
    member = add_member(world, world.wujin_union, name="王建国", serial=105)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.LEFT, left_on=member.join_date)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.bulk_create([clone_into(member, world.wujin_union, status=MemberStatus.LEFT)])


def test_new_employment_type_is_checked_by_the_database(world):
    member = add_member(world, world.wujin_union, name="王建国", serial=107)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(employment_category="new_employment", new_employment_type="")


@pytest.mark.django_db(transaction=True)
def test_concurrent_raw_inserts_of_the_same_person_leave_one_active(world):
    """Two connections insert the same person as active in two unions at the same time.

    The first holds its transaction open; the second's insert waits on the unique index
    and fails once the first commits. PostgreSQL only: SQLite takes a database-wide write
    lock at BEGIN IMMEDIATE, so there two writers cannot overlap at all.
    """
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers before they reach the index")
    member = add_member(world, world.wujin_union, name="王建国", serial=109, id_number=id_number(109))
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.LEFT, left_on=member.join_date)
    member.refresh_from_db()
    third = add_org(world.chashan, "天宁丙公司工会", OrgType.GRASSROOTS, "320402", "T320402001002")
    rows = [clone_into(member, world.tianning_union), clone_into(member, third)]
    first_inserted = threading.Event()
    outcome: dict[str, object] = {}

    def insert(name: str, row: Member, hold: bool):
        try:
            with transaction.atomic():
                Member.objects.bulk_create([row])
                if hold:
                    first_inserted.set()
                    time.sleep(0.5)  # keep the transaction open while the other one tries
            outcome[name] = "ok"
        except IntegrityError:
            outcome[name] = "refused"
        finally:
            first_inserted.set()
            connections.close_all()

    first = threading.Thread(target=insert, args=("first", rows[0], True))
    first.start()
    first_inserted.wait(5)
    second = threading.Thread(target=insert, args=("second", rows[1], False))
    second.start()
    first.join(10)
    second.join(10)
    assert outcome == {"first": "ok", "second": "refused"}
    assert Member.objects.filter(id_number_index=member.id_number_index, status=MemberStatus.ACTIVE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_service_calls_end_with_one_active_membership(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the single-connection tests cover it")
    number = id_number(111)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def register(org):
        try:
            barrier.wait(5)
            add_member(world, org, name="王建国", serial=111, id_number=number)
            results.append("ok")
        except Exception as error:
            results.append(type(error).__name__ + ":" + " ".join(getattr(error, "messages", [str(error)])))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(org,)) for org in (world.wujin_union, world.tianning_union)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(r.split(":")[0] for r in results) == ["ValidationError", "ok"], results
    assert "登记为在会会员" in next(r for r in results if r != "ok")
    assert Member.objects.filter(status=MemberStatus.ACTIVE).count() == 1
