"""Health-check and recuperation pages: lists, detail, forms, export with masked personal data, and scope (a
user of another subtree gets 404 on every page of a record)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.programmes.models import (
    HealthCheckAppointment,
    HealthCheckBatch,
    RecuperationParticipant,
    RecuperationQuota,
)
from tests.members.helpers import add_member
from tests.programmes.health_helpers import (
    TODAY,
    allocate,
    book,
    enrol,
    make_batch,
    make_group,
    make_route,
    set_quota,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    """A 武进 batch with places for 湖塘镇, one appointment and one exam-vehicle stop; a 武进 route with a quota for
    湖塘镇, one group and one participant."""
    from gonghui.core.context import actor
    from gonghui.programmes import services_health

    batch = make_batch(world.wujin_admin, world.wujin, name="武进区一线职工体检", total_slots=20)
    allocation = allocate(world.wujin_admin, batch, world.hutang, 10)
    member = add_member(world, world.wujin_union, name="王体检", serial=11, phone="13812345678")
    appointment = book(world.wujin_admin, batch, member)
    with actor(world.wujin_admin):
        visit = services_health.visit_create(
            user=world.wujin_admin,
            batch=batch,
            employer=world.wujin_employer,
            data={"visit_on": TODAY, "place": "厂区停车场", "planned_count": 30},
        )
    route = make_route(world.wujin_admin, world.wujin, name="武进疗休养线路")
    set_quota(world.wujin_admin, world.hutang, 5)
    group = make_group(world.wujin_admin, route)
    participant = enrol(world.wujin_admin, group, member)
    quota = RecuperationQuota.objects.get(org=world.hutang)
    return {
        "batch": batch,
        "allocation": allocation,
        "member": member,
        "appointment": appointment,
        "visit": visit,
        "route": route,
        "group": group,
        "participant": participant,
        "quota": quota,
    }


def urls(r) -> list[tuple[str, str]]:
    """(method, url) of every page of the records."""
    b, a, v, ro, g, p = r["batch"], r["appointment"], r["visit"], r["route"], r["group"], r["participant"]
    return [
        ("get", reverse("programmes:health_batch_detail", args=[b.pk])),
        ("get", reverse("programmes:health_batch_edit", args=[b.pk])),
        ("get", reverse("programmes:health_batch_delete", args=[b.pk])),
        ("post", reverse("programmes:health_allocation_save", args=[b.pk])),
        ("post", reverse("programmes:health_allocation_delete", args=[b.pk, r["allocation"].pk])),
        ("get", reverse("programmes:health_appointment_add", args=[b.pk])),
        ("get", reverse("programmes:health_visit_add", args=[b.pk])),
        ("get", reverse("programmes:health_appointment_complete", args=[a.pk])),
        ("get", reverse("programmes:health_appointment_mark", args=[a.pk, "cancel"])),
        ("post", reverse("programmes:health_appointment_mark", args=[a.pk, "no_show"])),
        ("get", reverse("programmes:health_visit_edit", args=[v.pk])),
        ("get", reverse("programmes:health_visit_delete", args=[v.pk])),
        ("get", reverse("programmes:recuperation_route_detail", args=[ro.pk])),
        ("get", reverse("programmes:recuperation_route_edit", args=[ro.pk])),
        ("get", reverse("programmes:recuperation_route_delete", args=[ro.pk])),
        ("post", reverse("programmes:recuperation_group_add", args=[ro.pk])),
        ("get", reverse("programmes:recuperation_group_edit", args=[ro.pk, g.pk])),
        ("post", reverse("programmes:recuperation_group_delete", args=[ro.pk, g.pk])),
        ("post", reverse("programmes:recuperation_participant_add", args=[ro.pk])),
        ("get", reverse("programmes:recuperation_participant_status", args=[p.pk])),
        ("get", reverse("programmes:recuperation_quota_delete", args=[r["quota"].pk])),
    ]


def test_every_page_is_404_for_another_subtree(client, world, records):
    client.force_login(world.tianning_admin)
    for method, url in urls(records):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    assert HealthCheckAppointment.objects.get(pk=records["appointment"].pk).status == "booked"
    assert RecuperationParticipant.objects.filter(group=records["group"]).count() == 1


def test_every_page_opens_for_the_owner(client, world, records):
    client.force_login(world.wujin_admin)
    for method, url in urls(records):
        if method == "get":
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "name",
    [
        "programmes:health_batch_list",
        "programmes:health_appointment_list",
        "programmes:health_visit_list",
        "programmes:recuperation_route_list",
        "programmes:recuperation_participant_list",
        "programmes:recuperation_quota_list",
    ],
)
def test_lists_show_only_the_own_subtree_and_need_the_permission(client, world, records, name):
    client.force_login(world.nobody)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(world.tianning_admin)
    body = client.get(reverse(name)).content.decode()
    for text in ("武进区一线职工体检", "王体检", "武进疗休养线路", "湖塘镇工会", "武进甲公司"):
        assert text not in body
    client.force_login(world.wujin_admin)
    assert client.get(reverse(name)).status_code == 200


def test_appointment_list_and_export_show_masked_personal_data_only(client, world, records):
    member = records["member"]
    client.force_login(world.wujin_admin)
    body = client.get(reverse("programmes:health_appointment_list")).content.decode()
    assert "王体检" in body and member.id_number_masked in body and member.phone_masked in body
    assert member.reveal_id_number() not in body and "13812345678" not in body
    response = client.get(reverse("programmes:health_appointment_list") + "?export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    cells = {str(cell) for row in rows[1:] for cell in row}
    assert "王体检" in cells and member.id_number_masked in cells
    assert member.reveal_id_number() not in cells and "13812345678" not in cells
    assert "操作" not in rows[0]


def test_a_union_sees_a_batch_from_above_through_its_allocation(client, world):
    batch = make_batch(world.city_admin, world.city, name="市总体检批次")
    allocate(world.city_admin, batch, world.wujin, 5)
    allocate(world.city_admin, batch, world.tianning, 7)
    client.force_login(world.wujin_admin)
    page = client.get(reverse("programmes:health_batch_detail", args=[batch.pk])).content.decode()
    assert "市总体检批次" in page and "武进区总工会" in page and "天宁区总工会" not in page
    assert "为职工预约" in page and "分配名额" not in page
    assert "市总体检批次" in client.get(reverse("programmes:health_batch_list")).content.decode()
    other = make_batch(world.city_admin, world.city, name="未分配给武进的批次")
    allocate(world.city_admin, other, world.tianning, 3)
    assert client.get(reverse("programmes:health_batch_detail", args=[other.pk])).status_code == 404


def test_the_whole_health_check_flow_through_the_pages(client, world):
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("programmes:health_batch_add"),
        {
            "org": world.wujin.pk,
            "year": TODAY.year,
            "name": "页面新建的体检批次",
            "provider": "武进人民医院",
            "start_on": f"{TODAY.year}-01-01",
            "end_on": f"{TODAY.year}-12-31",
            "total_slots": 3,
            "eligible_groups": ["front_line"],
            "status": "open",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    batch_url = response["Location"]
    batch = HealthCheckBatch.objects.get(name="页面新建的体检批次")
    too_many = client.post(
        reverse("programmes:health_allocation_save", args=[batch.pk]), {"org": world.hutang.pk, "slots": 4}
    )
    assert "最多还能分配 3 人" in too_many.content.decode()
    client.post(reverse("programmes:health_allocation_save", args=[batch.pk]), {"org": world.hutang.pk, "slots": 2})
    assert "湖塘镇工会" in client.get(batch_url).content.decode()
    member = add_member(world, world.wujin_union, name="页面职工", serial=31)
    book_url = reverse("programmes:health_appointment_add", args=[batch.pk])
    refused = client.post(book_url, {"member": member.member_card_number, "scheduled_on": TODAY.isoformat()})
    assert "不符合条件" in refused.content.decode()
    done = client.post(
        book_url,
        {
            "member": member.member_card_number,
            "scheduled_on": TODAY.isoformat(),
            "front_line": "on",
            "job_post": "焊工",
        },
    )
    assert done.status_code == 302
    appointment = HealthCheckAppointment.objects.get(member=member)
    response = client.post(
        reverse("programmes:health_appointment_complete", args=[appointment.pk]), {"completed_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "completed"
    page = client.get(batch_url).content.decode()
    assert "<td>2</td><td>1</td><td>1</td><td>0</td><td>1</td><td>50%</td>" in page.replace("\n", "").replace(
        "        ", ""
    )  # 2 places, 1 used, 1 completed, 0 no-shows, 1 free, 50 %


def test_recuperation_flow_through_the_pages(client, world):
    client.force_login(world.city_admin)
    route = make_route(world.city_admin, world.city, name="页面线路")
    url = reverse("programmes:recuperation_route_detail", args=[route.pk])
    start = max(TODAY.replace(month=1, day=1), TODAY - datetime.timedelta(days=10))
    response = client.post(
        reverse("programmes:recuperation_group_add", args=[route.pk]),
        {"name": "第1期", "start_on": start.isoformat(), "end_on": start.isoformat(), "capacity": 10},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("programmes:recuperation_quota_add"), {"org": world.wujin.pk, "year": TODAY.year, "quota": 1}
    )
    assert response.status_code == 302
    group = route.groups.get()
    first = add_member(world, world.wujin_union, name="页面甲", serial=41)
    second = add_member(world, world.wujin_union, name="页面乙", serial=43)
    apply_url = reverse("programmes:recuperation_participant_add", args=[route.pk])
    client.force_login(world.wujin_admin)
    assert client.get(url).status_code == 200  # offered to 武进 through its quota
    assert client.post(apply_url, {"group": group.pk, "member": first.member_card_number}).status_code == 302
    full = client.post(apply_url, {"group": group.pk, "member": second.member_card_number}).content.decode()
    assert "名额 1 人已用完" in full
    participant = RecuperationParticipant.objects.get(member=first)
    status_url = reverse("programmes:recuperation_participant_status", args=[participant.pk])
    assert client.post(status_url, {"status": "completed", "completed_on": TODAY.isoformat()}).status_code == 302
    participant.refresh_from_db()
    assert participant.status == "completed"
    assert (
        "页面甲"
        in client.get(reverse("programmes:recuperation_participant_list") + "?status=completed").content.decode()
    )


def test_a_grassroots_union_books_from_the_places_given_to_its_district(client, world):
    batch = make_batch(world.city_admin, world.city, name="市总体检批次")
    allocate(world.city_admin, batch, world.wujin, 5)
    route = make_route(world.city_admin, world.city, name="市总疗休养线路")
    set_quota(world.city_admin, world.wujin, 4)
    group = make_group(world.city_admin, route)
    member = add_member(world, world.wujin_union, name="基层职工", serial=51)
    client.force_login(world.chair)
    page = client.get(reverse("programmes:health_batch_detail", args=[batch.pk])).content.decode()
    assert "武进区总工会" in page and "为职工预约" in page
    response = client.post(
        reverse("programmes:health_appointment_add", args=[batch.pk]),
        {"member": member.member_card_number, "scheduled_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    assert HealthCheckAppointment.objects.get(member=member).allocation.org == world.wujin
    assert "市总疗休养线路" in client.get(reverse("programmes:recuperation_route_list")).content.decode()
    response = client.post(
        reverse("programmes:recuperation_participant_add", args=[route.pk]),
        {"group": group.pk, "member": member.member_card_number},
    )
    assert response.status_code == 302
    # the chair sees neither 天宁's places nor batches given only to 天宁
    other = make_batch(world.city_admin, world.city, name="只给天宁的批次")
    allocate(world.city_admin, other, world.tianning, 3)
    assert client.get(reverse("programmes:health_batch_detail", args=[other.pk])).status_code == 404
