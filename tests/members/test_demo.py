"""Demo members: valid, sealed, reproducible, idempotent."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from gonghui.members.demo import load_demo_members
from gonghui.members.models import CardSequence, EventKind, Member, MembershipEvent, MemberStatus
from gonghui.members.services import is_valid_card_number
from gonghui.orgs.demo import load_demo
from gonghui.utilities.idnumber import make_id_number, parse_id_number

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


def test_demo_join_applications_and_transfers(client):
    from gonghui.accounts.models import User
    from gonghui.members import join
    from gonghui.members.models import JoinApplication, JoinStatus, Transfer, TransferSource, TransferState

    out = StringIO()
    call_command("load_demo", "--scale", "0.1", stdout=out)
    applications = JoinApplication.objects.select_related("org", "member")
    statuses = Counter(applications.values_list("status", flat=True))
    assert statuses[JoinStatus.SUBMITTED] >= 8
    assert statuses[JoinStatus.APPROVED] >= 2 and statuses[JoinStatus.REJECTED] >= 3
    assert statuses[JoinStatus.WITHDRAWN] >= 2
    assert len({a.org_id for a in applications}) >= 4  # several unions
    assert sum(a.is_overdue for a in applications) >= 3
    assert all(a.due_date >= datetime.date.today() for a in applications.filter(status="submitted") if not a.is_overdue)
    for application in applications.filter(status=JoinStatus.APPROVED):
        assert application.member is not None and application.member.org_id == application.org_id
        assert application.member.id_number_index == application.id_number_index and application.decided_at
    for application in applications.filter(status=JoinStatus.REJECTED):
        assert application.reject_reason and application.decided_at
    for application in applications.exclude(status=JoinStatus.APPROVED)[:20]:
        parse_id_number(application.reveal_id_number())  # valid, sealed like the service seals them
        assert not Member.objects.filter(id_number_index=application.id_number_index).exists()
        assert application.is_demo if hasattr(application, "is_demo") else application.org.is_demo
    # one town's applicants name the same employer without a union: an establishment lead
    leads = join.establishment_leads(User.objects.get(username="wujin_admin"))
    assert any(lead.applicants >= join.lead_threshold() and lead.employer is not None for lead in leads)
    # pending transfers, one from a member's own request, visible to the demo chair
    transfers = Transfer.objects.filter(state=TransferState.REQUESTED)
    assert transfers.count() >= 2 and transfers.filter(source=TransferSource.MEMBER).exists()
    chair = User.objects.get(username="chair_demo")
    assert Transfer.objects.restrict(chair, "approve").filter(state=TransferState.REQUESTED).exists()
    assert JoinApplication.objects.restrict(chair, "view").filter(status=JoinStatus.SUBMITTED).exists()
    client.force_login(chair)
    assert client.get(reverse("members:join_application_list")).status_code == 200
    assert client.get(reverse("members:transfer_list")).status_code == 200
    # a second run adds nothing; a run with the same seed gives the same people
    first = sorted(applications.values_list("org__code", "name", "id_number_masked", "status"))
    call_command("load_demo", "--scale", "0.1", stdout=StringIO())
    assert JoinApplication.objects.count() == sum(statuses.values())
    assert Transfer.objects.filter(state=TransferState.REQUESTED).count() == transfers.count()
    assert sorted(JoinApplication.objects.values_list("org__code", "name", "id_number_masked", "status")) == first
    # the ordinary insert still works after the bulk insert with explicit ids (PostgreSQL sequences)
    new = join.join_application_submit(
        org=applications.first().org,
        data={
            "name": "演示之后",
            "id_number": make_id_number("320412", datetime.date(1991, 2, 3), 901),
            "phone": "13912340000",
            "employer_name": "某某公司",
            "consent": True,
        },
    )
    assert new.pk > JoinApplication.objects.exclude(pk=new.pk).order_by("-pk").first().pk
