"""Rights pages and API: the flow through the pages, masking, xlsx export, public booking, and scope
(another subtree gets 404 on every page and endpoint of an object)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.accounts.models import Role
from gonghui.core.models import OperationLog
from gonghui.rights import services, services_legal, services_supervision
from gonghui.rights.models import CaseState, DutyBooking, RightsCase
from tests.rights.helpers import ID_NUMBER, PHONE, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    now = timezone.now()
    case = register(world, received_at=now - datetime.timedelta(minutes=5), now=now)
    lawyer = services_legal.lawyer_create(
        user=world.wujin_admin,
        data={
            "org": world.wujin,
            "name": "李律师",
            "kind": "volunteer",
            "law_firm": "武进律师事务所",
            "license_number": "13204201810123456",
            "phone": "13800001111",
        },
    )
    slot = services_legal.duty_slot_create(
        user=world.wujin_admin,
        data={
            "org": world.wujin,
            "lawyer": lawyer,
            "location": "武进区职工服务中心",
            "date": timezone.localdate() + datetime.timedelta(days=1),
            "start_time": datetime.time(9),
            "end_time": datetime.time(11),
            "capacity": 2,
        },
    )
    aid = services_legal.legal_aid_create(
        user=world.wujin_admin,
        data={
            "org": world.wujin,
            "kind": "arbitration",
            "applicant_name": "王五",
            "summary": "工伤赔偿仲裁代理",
            "accepted_on": timezone.localdate(),
            "lawyer": lawyer,
            "phone": "13700002222",
        },
    )
    committee = services_supervision.committee_create(
        user=world.wujin_admin,
        data={
            "org": world.wujin_union,
            "name": "武进甲公司劳动法律监督委员会",
            "employer": world.wujin_employer,
            "established_on": datetime.date(2025, 3, 1),
            "chair_name": "赵六",
        },
        members=[{"name": "赵六", "position": "主任"}, {"name": "钱七"}],
    )
    document = services_supervision.document_create(
        user=world.wujin_admin,
        committee=committee,
        data={"kind": "reminder", "issued_on": datetime.date(2026, 5, 1), "subject": "加班费", "content": "请依法支付"},
    )
    contract = services_supervision.contract_create(
        user=world.wujin_admin,
        data={
            "org": world.wujin_union,
            "kind": "wage",
            "title": "2026 年工资专项集体合同",
            "employers": [world.wujin_employer],
            "signed_on": datetime.date(2025, 1, 1),
            "starts_on": datetime.date(2025, 1, 1),
            "ends_on": timezone.localdate() + datetime.timedelta(days=30),
            "workers_covered": 120,
            "wage_increase": 5,
        },
    )
    instructor = services_supervision.instructor_create(
        user=world.wujin_admin,
        data={
            "org": world.wujin,
            "name": "孙指导",
            "appointed_on": datetime.date(2025, 1, 1),
            "assigned_units": [world.wujin_union],
            "phone": "13600003333",
        },
    )
    return {
        "case": case,
        "lawyer": lawyer,
        "slot": slot,
        "aid": aid,
        "committee": committee,
        "document": document,
        "contract": contract,
        "instructor": instructor,
    }


def object_pages(records):
    r = records
    return [
        ("rights:case_detail", r["case"].pk),
        ("rights:case_edit", r["case"].pk),
        ("rights:case_delete", r["case"].pk),
        ("rights:aid_edit", r["aid"].pk),
        ("rights:aid_delete", r["aid"].pk),
        ("rights:lawyer_edit", r["lawyer"].pk),
        ("rights:lawyer_delete", r["lawyer"].pk),
        ("rights:duty_edit", r["slot"].pk),
        ("rights:duty_delete", r["slot"].pk),
        ("rights:committee_detail", r["committee"].pk),
        ("rights:committee_edit", r["committee"].pk),
        ("rights:committee_delete", r["committee"].pk),
        ("rights:contract_edit", r["contract"].pk),
        ("rights:contract_delete", r["contract"].pk),
        ("rights:instructor_edit", r["instructor"].pk),
        ("rights:instructor_delete", r["instructor"].pk),
    ]


POSTS = ["rights:case_reveal", "rights:committee_document_add"]
STEPS = ["dispatch", "transfer", "respond", "urge", "resolve", "callback", "note"]


def test_lists_open_and_show_masked_data(client, world, records):
    client.force_login(world.city_admin)
    for name in (
        "case_list",
        "case_overdue",
        "case_stats",
        "aid_list",
        "lawyer_list",
        "duty_list",
        "committee_list",
        "contract_list",
        "instructor_list",
        "case_add",
        "aid_add",
        "lawyer_add",
        "duty_add",
        "committee_add",
        "contract_add",
        "instructor_add",
    ):
        response = client.get(reverse(f"rights:{name}"))
        assert response.status_code == 200, name
        content = response.content.decode()
        assert PHONE not in content and ID_NUMBER not in content and "13800001111" not in content
    listing = client.get(reverse("rights:case_list")).content.decode()
    assert "139****5678" in listing and records["case"].number in listing


def test_object_pages_open_in_scope(client, world, records):
    client.force_login(world.city_admin)
    for name, pk in object_pages(records):
        assert client.get(reverse(name, args=[pk])).status_code == 200, name
    detail = client.get(reverse("rights:case_detail", args=[records["case"].pk])).content.decode()
    assert "1101**********002X" in detail and ID_NUMBER not in detail


def test_another_subtree_gets_404_everywhere(client, world, records):
    client.force_login(world.tianning_admin)
    for name, pk in object_pages(records):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    case = records["case"]
    for name in POSTS:
        pk = records["committee"].pk if "committee" in name else case.pk
        assert client.post(reverse(name, args=[pk])).status_code == 404, name
    for step in STEPS:
        assert client.post(reverse("rights:case_step", args=[case.pk, step])).status_code == 404, step
    document = records["document"]
    url = reverse("rights:committee_document_reply", args=[records["committee"].pk, document.pk])
    assert client.post(url).status_code == 404
    booking = services_legal.duty_booking_create(
        slot_id=records["slot"].pk, name="周八", phone="13500004444", topic="工资"
    )
    assert client.post(reverse("rights:booking_status", args=[booking.pk]), {"status": "attended"}).status_code == 404
    assert client.get(reverse("rights:case_stats"), {"org": world.wujin.pk}).status_code == 404
    # Lists show nothing of the other subtree.
    for name in (
        "case_list",
        "aid_list",
        "lawyer_list",
        "duty_list",
        "committee_list",
        "contract_list",
        "instructor_list",
    ):
        content = client.get(reverse(f"rights:{name}")).content.decode()
        assert "武进" not in content.split("<table", 1)[-1] if "<table" in content else True, name


def test_api_scope_and_masking(client, world, records):
    case = records["case"]
    client.force_login(world.tianning_admin)
    assert client.get(f"/api/rights/cases/{case.pk}").status_code == 404
    for step, body in (
        ("dispatch", {"org_id": world.tianning.pk}),
        ("respond", {"text": "x"}),
        ("urge", {}),
        ("resolve", {"outcome": "mediated", "resolution": "x"}),
        ("callback", {"satisfaction": "satisfied"}),
        ("transfer", {"org_id": world.tianning.pk, "text": "x"}),
    ):
        response = client.post(f"/api/rights/cases/{case.pk}/{step}", body, content_type="application/json")
        assert response.status_code in (404, 422), step
        assert RightsCase.objects.get(pk=case.pk).state == CaseState.REGISTERED
    for path in ("cases", "legal-aid", "lawyers", "duty-slots", "committees", "contracts", "instructors"):
        assert client.get(f"/api/rights/{path}").json()["count"] == 0, path
    client.force_login(world.city_admin)
    body = client.get(f"/api/rights/cases/{case.pk}").json()
    assert body["phone_masked"] == "139****5678" and PHONE not in str(body) and body["light"] in ("green", "yellow")
    for path in ("legal-aid", "lawyers", "duty-slots", "committees", "contracts", "instructors"):
        assert client.get(f"/api/rights/{path}").json()["count"] == 1, path
    assert client.get("/api/rights/contracts?expiring=true").json()["count"] == 1


def test_api_closed_loop(client, world):
    client.force_login(world.city_admin)
    created = client.post(
        "/api/rights/cases",
        {
            "channel": "hotline",
            "category": "wages",
            "title": "欠薪",
            "description": "欠薪两个月",
            "complainant_name": "张三",
            "phone": PHONE,
            "persons_count": 2,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["phone_masked"] == "139****5678"
    ok = client.post(f"/api/rights/cases/{pk}/dispatch", {"org_id": world.wujin.pk}, content_type="application/json")
    assert ok.json()["state"] == "dispatched"
    bad = client.post(
        f"/api/rights/cases/{pk}/resolve", {"outcome": "mediated", "resolution": " "}, content_type="application/json"
    )
    assert bad.status_code == 422 and "办理情况" in bad.json()["detail"]
    client.post(
        f"/api/rights/cases/{pk}/resolve",
        {"outcome": "mediated", "resolution": "已补发", "amount_recovered": "8000"},
        content_type="application/json",
    )
    closed = client.post(
        f"/api/rights/cases/{pk}/callback", {"satisfaction": "very_satisfied"}, content_type="application/json"
    )
    assert closed.json()["state"] == "closed" and closed.json()["light"] == "closed"
    figures = client.get("/api/rights/figures").json()
    assert figures["cases"] == 1 and figures["persons"] == 2 and figures["rates"]["satisfaction"] == 100.0


def test_page_flow_and_reveal_is_logged(client, world):
    client.force_login(world.city_admin)
    response = client.post(
        reverse("rights:case_add"),
        {
            "channel": "visit",
            "category": "injury",
            "tier": "simple",
            "title": "工伤认定",
            "description": "工伤认定咨询",
            "complainant_name": "李四",
            "phone": PHONE,
            "id_number": ID_NUMBER,
            "persons_count": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = RightsCase.objects.get()
    client.post(reverse("rights:case_step", args=[case.pk, "dispatch"]), {"to_org": world.wujin.pk})
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED and case.org == world.wujin
    missing = client.post(reverse("rights:case_step", args=[case.pk, "resolve"]), {"outcome": "", "resolution": ""})
    assert missing.status_code == 200 and "这个字段是必填项" in missing.content.decode()
    # Full view: only with the permission, and logged without the values.
    assert client.post(reverse("rights:case_reveal", args=[case.pk])).status_code == 403
    role = Role.objects.create(code="rights_pii", name="维权个人信息查看", data_scope="own_org_and_below")
    role.permissions.set([Permission.objects.get(content_type__app_label="rights", codename="view_full_pii")])
    world.city_admin.roles.add(role)
    revealed = client.post(reverse("rights:case_reveal", args=[case.pk]))
    assert ID_NUMBER in revealed.content.decode() and revealed["Cache-Control"] == "no-store"
    log = OperationLog.objects.filter(summary__contains="查看维权案件诉求人完整个人信息").get()
    assert PHONE not in log.path and PHONE not in log.summary


def test_export_is_masked_xlsx(client, world, records):
    client.force_login(world.city_admin)
    response = client.get(reverse("rights:case_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row]
    assert "139****5678" in values and PHONE not in values
    assert "拖欠三个月工资" in values
    for name in ("aid_list", "lawyer_list", "instructor_list"):
        content = client.get(reverse(f"rights:{name}"), {"export": "xlsx"}).content
        values = [str(c.value) for row in load_workbook(io.BytesIO(content)).active.iter_rows() for c in row]
        assert not any(v in values for v in ("13800001111", "13700002222", "13600003333")), name


def test_public_booking_from_the_phone_page(client, world, records):
    url = reverse("rights_public_duty")
    page = client.get(url).content.decode()
    assert "武进区职工服务中心" in page and "李律师" in page and "13800001111" not in page
    slot = records["slot"]
    done = client.post(url, {"slot": slot.pk, "name": "周八", "phone": "13500004444", "topic": "加班费"})
    assert "您已预约" in done.content.decode() and "周*" in done.content.decode()
    again = client.post(url, {"slot": slot.pk, "name": "周八", "phone": "13500004444", "topic": "加班费"})
    assert "无需重复预约" in again.content.decode()
    client.post(url, {"slot": slot.pk, "name": "吴九", "phone": "13500005555", "topic": "合同"})
    full = client.post(url, {"slot": slot.pk, "name": "郑十", "phone": "13500006666", "topic": "合同"})
    assert "已约满" in full.content.decode()
    assert DutyBooking.objects.count() == 2
    booking = DutyBooking.objects.first()
    assert "13500004444" not in booking.phone_cipher and booking.phone_masked.startswith("135")


def test_contract_expiry_reminder_once(world, records):
    from gonghui.notices.models import Message

    today = timezone.localdate()
    contracts, _messages = services_supervision.contracts_send_expiry_notices(today=today)
    assert contracts == 1
    assert services_supervision.contracts_send_expiry_notices(today=today) == (0, 0)
    assert Message.objects.filter(title__startswith="集体合同即将期满").count() == _messages


def test_sources_count_the_records(world, records):
    from gonghui.targets import sources
    from gonghui.utilities.periods import Period

    period = Period.year_of(timezone.localdate().year)
    assert sources.value("petitions_cases", world.city, period) == 1
    assert sources.value("petitions_persons", world.city, period) == 3
    assert sources.value("petitions_cases", world.tianning, period) == 0
    assert sources.value("legal_aid_cases", world.wujin, period) == 1
    assert sources.value("legal_supervision_committees", world.wujin, period) == 1
    assert sources.value("collective_contracts", world.city, period) == 0  # signed last year
    assert sources.value("bargaining_instructors", world.wujin, period) == 1


def test_stats_page_counts_the_subtree_and_its_units(client, world, records):
    case = records["case"]
    services.case_dispatch(user=world.city_admin, case=case, to_org=world.wujin)
    register(
        world, persons_count=12, received_by=world.tianning, user=world.tianning_admin, employer=world.tianning_employer
    )
    client.force_login(world.city_admin)
    response = client.get(reverse("rights:case_stats"))
    by_unit = {row["unit"].name: row for row in response.context["by_unit"]}
    assert by_unit["武进区总工会"]["cases"] == 1 and by_unit["武进区总工会"]["persons"] == 3
    assert by_unit["天宁区总工会"]["group_incidents"] == 1 and by_unit["天宁区总工会"]["persons"] == 12
    assert response.context["figures"]["cases"] == 2 and response.context["figures"]["persons"] == 15
    client.force_login(world.wujin_admin)
    assert client.get(reverse("rights:case_stats")).context["figures"]["cases"] == 1
