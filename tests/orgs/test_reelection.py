"""换届: planning, results, approval updating the union, due/overdue lists, the daily reminders job, scope."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gonghui.jobs import periodic
from gonghui.notices.models import Message
from gonghui.orgs import selectors_establishment as selectors
from gonghui.orgs import services_establishment as services
from gonghui.orgs.models import Organization
from gonghui.orgs.models_establishment import CommitteeMember, ReElection, ReElectionReminder, ReElectionStatus
from gonghui.orgs.tasks_establishment import enqueue_reelection_reminders
from tests.world import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def set_term(org, term_end):
    Organization.objects.filter(pk=org.pk).update(term_end=term_end, chair_name="老主席")
    org.refresh_from_db()
    return org


def test_plan_results_approve_updates_union_and_committee(world):
    union = set_term(world.wujin_union, TODAY + datetime.timedelta(days=40))
    CommitteeMember.objects.create(org=union, name="老主席", role="chair")
    item = services.reelection_create(user=world.wujin_admin, org=union, data={"planned_on": TODAY})
    assert item.previous_term_end == union.term_end and item.status == ReElectionStatus.PLANNED
    with pytest.raises(ValidationError, match="未办结的换届"):
        services.reelection_create(user=world.wujin_admin, org=union, data={})
    with pytest.raises(ValidationError, match="只有已报送选举结果"):
        services.reelection_approve(user=world.wujin_admin, re_election=item, approved_on=TODAY)
    with pytest.raises(ValidationError, match="主席"):
        services.reelection_record_results(user=world.wujin_admin, re_election=item, data={"election_on": TODAY})
    item = services.reelection_record_results(
        user=world.chair,  # the union's own chair reports the results
        re_election=item,
        data={"election_on": TODAY, "chair_name": "新主席", "vice_chairs": "副一，副二", "committee": "委一 委二"},
        files=[SimpleUploadedFile("选举报告.docx", b"PK\x03\x04docx")],
    )
    assert item.status == ReElectionStatus.HELD
    assert item.term_end == services.add_years(TODAY, 5)
    assert item.documents.count() == 1
    with pytest.raises(PermissionDenied):
        services.reelection_approve(user=world.chair, re_election=item, approved_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.reelection_approve(user=world.tianning_admin, re_election=item, approved_on=TODAY)
    item = services.reelection_approve(user=world.wujin_admin, re_election=item, approved_on=TODAY)
    union.refresh_from_db()
    assert union.chair_name == "新主席" and union.term_end == item.term_end
    current = list(CommitteeMember.objects.filter(org=union, is_current=True).values_list("name", "role"))
    assert current == [
        ("新主席", "chair"),
        ("副一", "vice_chair"),
        ("副二", "vice_chair"),
        ("委一", "member"),
        ("委二", "member"),
    ]
    assert CommitteeMember.objects.get(name="老主席").is_current is False
    with pytest.raises(ValidationError, match="不能删除"):
        services.reelection_delete(user=world.wujin_admin, re_election=item)


def test_due_and_overdue_lists_over_the_subtree(world):
    set_term(world.wujin_union, TODAY - datetime.timedelta(days=3))
    set_term(world.hutang, TODAY + datetime.timedelta(days=60))
    set_term(world.tianning_union, TODAY - datetime.timedelta(days=10))
    set_term(world.wujin, TODAY + datetime.timedelta(days=400))
    assert list(selectors.term_orgs(world.wujin_admin, window="overdue")) == [world.wujin_union]
    assert list(selectors.term_orgs(world.wujin_admin, window="due")) == [world.wujin_union, world.hutang]
    assert set(selectors.term_orgs(world.city_admin, window="overdue")) == {world.wujin_union, world.tianning_union}


def test_reminders_six_three_overdue_and_idempotent(world, django_capture_on_commit_callbacks):
    hutang_user = make_user("hutang_staff", world.hutang, "union_admin")
    union = set_term(world.wujin_union, TODAY + datetime.timedelta(days=150))  # within six months
    set_term(world.tianning_union, TODAY + datetime.timedelta(days=365))  # not yet
    run = services.reelection_send_reminders(today=TODAY)
    assert run.sent == 1
    reminder = ReElectionReminder.objects.get()
    assert reminder.kind == "six_months" and reminder.org == union
    # The union's chair and the parent (town) staff hear of it.
    recipients = set(Message.objects.values_list("recipient__username", flat=True))
    assert recipients == {"chair", hutang_user.username}
    assert "换届提醒" in Message.objects.first().title
    again = services.reelection_send_reminders(today=TODAY)
    assert again.sent == 0 and again.skipped == 1
    assert Message.objects.count() == 2
    later = TODAY + datetime.timedelta(days=100)  # within three months now
    assert services.reelection_send_reminders(today=later).sent == 1
    after = union.term_end + datetime.timedelta(days=1)
    assert services.reelection_send_reminders(today=after).sent == 1
    assert sorted(ReElectionReminder.objects.values_list("kind", flat=True)) == [
        "overdue",
        "six_months",
        "three_months",
    ]
    assert Message.objects.filter(title__startswith="换届超期").count() == 2
    assert services.reelection_send_reminders(today=after + datetime.timedelta(days=1)).sent == 0
    # A results report waiting for approval stops further reminders; a new term end starts again.
    set_term(union, TODAY + datetime.timedelta(days=30))
    item = services.reelection_create(user=world.wujin_admin, org=union, data={})
    services.reelection_record_results(
        user=world.wujin_admin, re_election=item, data={"election_on": TODAY, "chair_name": "甲"}
    )
    assert services.reelection_send_reminders(today=TODAY).sent == 0


def test_management_command_and_periodic_hook(world):
    set_term(world.wujin_union, TODAY - datetime.timedelta(days=1))
    call_command("reelection_reminders", "--today", TODAY.isoformat())
    assert ReElectionReminder.objects.filter(kind="overdue").count() == 1
    assert "orgs.reelection_reminders" in periodic.registered()
    morning = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(5, 0)))
    assert enqueue_reelection_reminders(morning) is False  # before 8 o'clock


def test_reelection_pages(client, login, world):
    union = set_term(world.wujin_union, TODAY - datetime.timedelta(days=5))
    login(world.wujin_admin)
    due = client.get(reverse("orgs:reelection_due") + "?window=overdue")
    assert due.status_code == 200 and union.name in due.content.decode()
    export = client.get(reverse("orgs:reelection_due") + "?window=overdue&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post(reverse("orgs:reelection_add"), {"org": union.pk, "planned_on": TODAY.isoformat()})
    assert response.status_code == 302
    item = ReElection.objects.get(org=union)
    results = reverse("orgs:reelection_results", args=[item.pk])
    bad = client.post(results, {"election_on": TODAY.isoformat()})
    assert bad.status_code == 422
    assert client.post(results, {"election_on": TODAY.isoformat(), "chair_name": "孙八"}).status_code == 302
    approve = reverse("orgs:reelection_approve", args=[item.pk])
    assert "确认批复" in client.get(approve).content.decode()
    assert client.post(approve, {"approved_on": TODAY.isoformat()}).status_code == 302
    union.refresh_from_db()
    assert union.chair_name == "孙八"
    assert "孙八" in client.get(item.get_absolute_url()).content.decode()
    assert client.get(reverse("orgs:reelection_list")).status_code == 200
    assert "孙八" in client.get(reverse("orgs:committee_member_list")).content.decode()


def test_reelection_pages_and_api_404_for_another_subtree(client, login, world):
    union = set_term(world.wujin_union, TODAY - datetime.timedelta(days=5))
    item = services.reelection_create(user=world.wujin_admin, org=union, data={})
    services.reelection_add_documents(
        user=world.wujin_admin, re_election=item, files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4")]
    )
    document = item.documents.get()
    login(world.tianning_admin)
    for name in ("reelection_detail", "reelection_approve", "reelection_delete"):
        assert client.get(reverse(f"orgs:{name}", args=[item.pk])).status_code == 404, name
    for name in ("reelection_results", "reelection_documents", "reelection_approve", "reelection_delete"):
        assert client.post(reverse(f"orgs:{name}", args=[item.pk]), {}).status_code == 404, name
    assert client.get(reverse("orgs:reelection_document_download", args=[document.pk])).status_code == 404
    for name in ("reelection_list", "reelection_due", "committee_member_list"):
        html = client.get(reverse(f"orgs:{name}") + "?window=overdue").content.decode()
        assert union.name not in html, name
    assert client.get(f"/api/reelections/{item.pk}").status_code == 404
    body = {"election_on": TODAY.isoformat(), "chair_name": "x"}
    assert client.post(f"/api/reelections/{item.pk}/results", body, content_type="application/json").status_code == 404
    body = {"approved_on": TODAY.isoformat()}
    assert client.post(f"/api/reelections/{item.pk}/approve", body, content_type="application/json").status_code == 404
    assert client.get("/api/reelections").json()["count"] == 0
    assert client.get("/api/reelections/due?window=overdue").json()["count"] == 0
    response = client.post("/api/reelections", {"org_id": union.pk}, content_type="application/json")
    assert response.status_code == 422
    login(world.nobody)
    for name in ("reelection_list", "reelection_due", "reelection_add", "committee_member_list"):
        assert client.get(reverse(f"orgs:{name}")).status_code == 403, name


def test_reelection_api_workflow(client, login, world):
    union = set_term(world.wujin_union, TODAY - datetime.timedelta(days=5))
    login(world.wujin_admin)
    due = client.get("/api/reelections/due?window=overdue").json()
    assert [row["name"] for row in due["items"]] == [union.name]
    created = client.post(
        "/api/reelections", {"org_id": union.pk, "planned_on": TODAY.isoformat()}, content_type="application/json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    body = {"election_on": TODAY.isoformat(), "chair_name": "周九", "committee": "甲、乙"}
    assert client.post(f"/api/reelections/{pk}/results", body, content_type="application/json").status_code == 200
    approved = client.post(
        f"/api/reelections/{pk}/approve", {"approved_on": TODAY.isoformat()}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert client.get(f"/api/orgs/{union.pk}").json()["chair_name"] == "周九"
    assert client.get("/api/reelections/due?window=bad").status_code == 422


def test_grassroots_chair_plans_and_reports_but_does_not_approve(client, login, world):
    union = set_term(world.wujin_union, TODAY + datetime.timedelta(days=30))
    login(world.chair)
    form = client.get(reverse("orgs:reelection_add")).content.decode()
    assert union.name in form and world.tianning_union.name not in form
    assert client.post(reverse("orgs:reelection_add"), {"org": union.pk}).status_code == 302
    item = ReElection.objects.get(org=union)
    body = {"election_on": TODAY.isoformat(), "chair_name": "吴六"}
    assert client.post(reverse("orgs:reelection_results", args=[item.pk]), body).status_code == 302
    assert client.get(reverse("orgs:reelection_approve", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.status == ReElectionStatus.HELD
    union.refresh_from_db()
    assert union.chair_name == "老主席"  # unchanged until the higher union approves
