"""Demo members: valid, sealed, reproducible, idempotent."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from gonghui.members.demo import load_demo_members
from gonghui.members.models import CardSequence, EventKind, Member, MembershipEvent, MemberStatus
from gonghui.members.services import is_valid_card_number
from gonghui.orgs.demo import load_demo
from gonghui.utilities.idnumber import parse_id_number

pytestmark = pytest.mark.django_db

SCALE = 0.2


def signature() -> list[tuple]:
    return list(
        Member.objects.order_by("pk").values_list(
            "org__code", "name", "id_number_masked", "phone_masked", "status", "member_card_number", "join_date"
        )
    )


def test_demo_members_are_valid_and_idempotent():
    load_demo(scale=SCALE)
    result = load_demo_members(scale=SCALE)
    assert result.created > 300 and not result.skipped
    assert Member.objects.count() == result.created
    assert load_demo_members(scale=SCALE).skipped
    assert Member.objects.count() == result.created

    duplicates = (
        Member.objects.filter(status=MemberStatus.ACTIVE)
        .values("id_number_index")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    for member in Member.objects.select_related("org").order_by("pk")[:200]:
        info = parse_id_number(member.reveal_id_number())
        assert not info.warnings
        assert info.birth_date == member.birth_date
        assert ("male" if member.gender == "male" else "female") == info.gender
        assert is_valid_card_number(member.member_card_number)
        assert member.member_card_number.startswith(member.org.region_code)
        member.clean()
    statuses = Counter(Member.objects.values_list("status", flat=True))
    assert statuses[MemberStatus.ACTIVE] > 0.9 * result.created
    active = Member.objects.filter(status=MemberStatus.ACTIVE)
    assert 0.08 < active.filter(employment_category="new_employment").count() / active.count() < 0.3
    kinds = Counter(MembershipEvent.objects.values_list("kind", flat=True))
    assert kinds[EventKind.JOIN] + kinds[EventKind.TRANSFER_IN] == result.created
    assert kinds[EventKind.TRANSFER_OUT] == kinds[EventKind.TRANSFER_IN] == statuses[MemberStatus.TRANSFERRED_OUT]
    assert kinds[EventKind.LEAVE] == statuses[MemberStatus.LEFT]


def test_demo_members_are_reproducible():
    load_demo(scale=SCALE)
    load_demo_members(scale=SCALE)
    first = signature()
    MembershipEvent.objects.all().delete()
    Member.objects.all().delete()
    CardSequence.objects.all().delete()
    load_demo_members(scale=SCALE)
    assert [row[:5] + row[6:] for row in signature()] == [row[:5] + row[6:] for row in first]


def test_demo_ids_keep_working_after_the_bulk_insert(world):
    """Explicit ids in the bulk insert must not break the next ordinary insert (PostgreSQL sequences)."""
    from tests.members.helpers import add_member

    load_demo(scale=0.1)
    load_demo_members(scale=0.1)
    member = add_member(world, world.wujin_union, name="演示之后", serial=901)
    assert member.pk > Member.objects.exclude(pk=member.pk).order_by("-pk").first().pk
    assert member.events.count() == 1


def test_load_demo_command_reports_members():
    out = StringIO()
    call_command("load_demo", "--scale", str(SCALE), stdout=out)
    assert "会员：新建" in out.getvalue()
    again = StringIO()
    call_command("load_demo", "--scale", str(SCALE), stdout=again)
    assert "会员：演示工会已有会员，未新增" in again.getvalue()


def test_demo_member_pages_render(client):
    from gonghui.accounts.models import User
    from gonghui.orgs.models import Organization

    load_demo(scale=0.1)
    load_demo_members(scale=0.1)
    client.force_login(User.objects.get(username="city_admin"))
    moved = Member.objects.filter(status=MemberStatus.TRANSFERRED_OUT).first() or Member.objects.first()
    body = client.get(moved.get_absolute_url()).content.decode()
    assert moved.name in body and "会籍变动记录" in body
    city = Organization.objects.get(code="GH320400")
    response = client.get(f"/orgs/{city.pk}/")
    assert response.context["counts"]["members"]["active"] == Member.objects.filter(status="active").count()
    assert client.get("/members/?export=xlsx").status_code == 200
