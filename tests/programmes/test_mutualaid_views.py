"""Mutual-aid pages: every page works for its owner and answers 404 to another subtree; claims are masked in
lists, logged on every view, health details need their permission, exports need a reason; the phone pages;
the figures and the computed indicator sources."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.accounts.models import Role
from gonghui.core.models import OperationLog
from gonghui.programmes import selectors_mutualaid as selectors
from gonghui.programmes import services_mutualaid as services
from gonghui.programmes.models import MutualAidClaim, MutualAidPayment
from gonghui.targets import sources
from tests.programmes.mutualaid_helpers import (
    PERIOD_START,
    TODAY,
    agent_claim,
    enrol,
    make_plan,
    member,
    photo,
)
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def aid(world):
    """A city plan and a 武进 plan, a 武进 member enrolled in both, a claim, a payment."""
    city_plan = make_plan(world.city_admin, world.city)
    wujin_plan = make_plan(world.wujin_admin, world.wujin, name="武进区意外伤害互助", kind="accident", waiting_days=0)
    person = member(world, serial=2, name="王芳", phone="13912340002")
    enrolment = enrol(world.wujin_admin, city_plan, world.wujin_union, person)
    enrol(world.wujin_admin, wujin_plan, world.wujin_union, person)
    claim = agent_claim(world.wujin_admin, city_plan, person)
    payment = services.payment_create(
        user=world.wujin_admin,
        plan=wujin_plan,
        data={"org": world.wujin_union, "paid_on": TODAY, "headcount": 1, "amount": Decimal(30), "reference": "HD1"},
    )
    return SimpleNamespace(
        town=world.hutang,
        city_plan=city_plan,
        wujin_plan=wujin_plan,
        person=person,
        enrolment=enrolment,
        claim=claim,
        payment=payment,
    )


def object_pages(aid) -> list[tuple[str, str]]:
    """(method, url) of every page about one object of 武进."""
    claim, plan = aid.claim, aid.wujin_plan
    document = claim.documents.get()
    return [
        ("get", reverse("programmes:mutualaid_plan_detail", args=[plan.pk])),
        ("get", reverse("programmes:mutualaid_plan_edit", args=[plan.pk])),
        ("get", reverse("programmes:mutualaid_plan_delete", args=[plan.pk])),
        ("get", reverse("programmes:mutualaid_enrolment_add", args=[plan.pk])),
        ("get", reverse("programmes:mutualaid_enrolment_import", args=[plan.pk])),
        ("post", reverse("programmes:mutualaid_payment_add", args=[plan.pk])),
        ("get", reverse("programmes:mutualaid_payment_delete", args=[plan.pk, aid.payment.pk])),
        ("get", reverse("programmes:mutualaid_enrolment_cancel", args=[aid.enrolment.pk])),
        ("get", reverse("programmes:mutualaid_claim_detail", args=[claim.pk])),
        ("post", reverse("programmes:mutualaid_claim_step", args=[claim.pk, "approve"])),
        ("post", reverse("programmes:mutualaid_claim_step", args=[claim.pk, "reject"])),
        ("post", reverse("programmes:mutualaid_claim_step", args=[claim.pk, "pay"])),
        ("post", reverse("programmes:mutualaid_claim_step", args=[claim.pk, "documents"])),
        ("get", reverse("programmes:mutualaid_claim_document", args=[claim.pk, document.pk])),
        ("get", reverse("programmes:mutualaid_figures") + f"?within={aid.town.pk}"),
        ("get", reverse("programmes:mutualaid_figures") + f"?within={aid.enrolment.org_id}"),
    ]


LIST_PAGES = (
    "programmes:mutualaid_plan_list",
    "programmes:mutualaid_plan_add",
    "programmes:mutualaid_enrolment_list",
    "programmes:mutualaid_enrolment_template",
    "programmes:mutualaid_claim_list",
    "programmes:mutualaid_claim_add",
    "programmes:mutualaid_claim_overdue",
    "programmes:mutualaid_figures",
)


def test_owner_opens_every_page(client, world, aid):
    client.force_login(world.wujin_admin)
    for name in LIST_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    for method, url in object_pages(aid):
        if method == "get":
            assert client.get(url).status_code == 200, url
    client.force_login(world.city_admin)  # the city sees 武进's records and its own plan
    assert client.get(reverse("programmes:mutualaid_claim_detail", args=[aid.claim.pk])).status_code == 200
    assert client.get(reverse("programmes:mutualaid_plan_detail", args=[aid.city_plan.pk])).status_code == 200


def test_another_subtree_gets_404_on_every_page(client, world, aid):
    client.force_login(world.tianning_admin)
    for method, url in object_pages(aid):
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method.upper()} {url} → {response.status_code}"
    for name in (
        "programmes:mutualaid_claim_list",
        "programmes:mutualaid_enrolment_list",
        "programmes:mutualaid_claim_overdue",
    ):
        content = client.get(reverse(name)).content.decode()
        assert aid.claim.claim_no not in content and "王*" not in content, name
    listed = client.get(reverse("programmes:mutualaid_plan_list")).content.decode()
    assert "武进区意外伤害互助" not in listed and "住院医疗互助保障" in listed  # the city's plan is offered to 天宁
    response = client.post(reverse("programmes:mutualaid_claim_export"), {"reason": "核对年度赔付情况", "query": ""})
    assert aid.claim.claim_no.encode() not in response.content


def test_user_without_roles_is_refused(client, world, aid):
    client.force_login(world.nobody)
    for name in LIST_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("programmes:mutualaid_claim_detail", args=[aid.claim.pk])).status_code in (403, 404)


def test_list_masks_and_detail_is_logged(client, world, aid):
    client.force_login(world.city_admin)
    content = client.get(reverse("programmes:mutualaid_claim_list")).content.decode()
    assert "王*" in content and "王芳" not in content and "阑尾炎" not in content
    response = client.get(aid.claim.get_absolute_url())
    content = response.content.decode()
    assert "急性阑尾炎" in content and "6222020304050607" in content and response["Cache-Control"] == "no-store"
    assert OperationLog.objects.filter(summary=f"查看互助保障理赔 {aid.claim.claim_no}（含健康信息）").exists()
    assert (
        aid.person.id_number_masked in content and aid.person.reveal_id_number() not in content
    )  # the ID number stays masked


def test_health_details_need_their_permission(client, world, aid):
    leader = make_user("wujin_leader", world.wujin, "leader")
    client.force_login(leader)
    response = client.get(aid.claim.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200 and "急性阑尾炎" not in content and "第一人民医院" not in content
    assert "6222****0607" in content and "6222020304050607" not in content
    document = aid.claim.documents.get()
    assert (
        client.get(reverse("programmes:mutualaid_claim_document", args=[aid.claim.pk, document.pk])).status_code == 404
    )
    assert OperationLog.objects.filter(summary=f"查看互助保障理赔 {aid.claim.claim_no}").exists()
    # a role with the permission but a narrower scope does not reach the claim either
    role = Role.objects.create(code="health_tianning", name="天宁健康信息", data_scope="own_org_and_below")
    role.permissions.set(Permission.objects.filter(codename__in=["view_mutualaidclaim", "view_claim_health"]))
    outsider = make_user("tianning_health", world.tianning)
    outsider.roles.add(role)
    assert not selectors.may_view_health(outsider, aid.claim)


def test_export_needs_a_reason(client, world, aid):
    client.force_login(world.city_admin)
    url = reverse("programmes:mutualaid_claim_export")
    response = client.post(url, {"reason": "", "query": ""})
    assert response.status_code == 302 and not OperationLog.objects.filter(summary__startswith="导出互助保障").exists()
    response = client.post(url, {"reason": "年度赔付核对", "query": f"plan={aid.city_plan.pk}"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == aid.claim.claim_no and rows[1][1] == "王*"
    assert "阑尾炎" not in str(rows)
    assert OperationLog.objects.filter(summary__contains="原因：年度赔付核对").exists()


def test_review_steps_through_the_pages(client, world, aid):
    client.force_login(world.city_admin)
    step = lambda name, data: client.post(reverse("programmes:mutualaid_claim_step", args=[aid.claim.pk, name]), data)  # noqa: E731
    response = step("approve", {"approved_amount": "99999"})
    assert "超过本次最多可给付" in response.content.decode()
    assert step("approve", {"approved_amount": "2000", "decision_note": "材料齐全"}).status_code == 302
    response = step("pay", {"paid_on": (TODAY + datetime.timedelta(days=2)).isoformat(), "payment_reference": "Z1"})
    assert "不能晚于今天" in response.content.decode()
    assert step("pay", {"paid_on": TODAY.isoformat(), "payment_reference": "ZZ001"}).status_code == 302
    aid.claim.refresh_from_db()
    assert aid.claim.state == "paid" and aid.claim.paid_on == TODAY
    # the chair of the grassroots union may enter claims but not decide them
    client.force_login(world.chair)
    other = agent_claim(
        world.chair, aid.wujin_plan, aid.person, eligible_expenses=Decimal(800), total_expenses=Decimal(900)
    )
    assert (
        client.post(
            reverse("programmes:mutualaid_claim_step", args=[other.pk, "approve"]), {"approved_amount": "1"}
        ).status_code
        == 403
    )


def test_agent_claim_form(client, world, aid):
    client.force_login(world.wujin_admin)
    url = reverse("programmes:mutualaid_claim_add")
    data = {
        "plan": aid.wujin_plan.pk,
        "id_number": aid.person.reveal_id_number(),
        "event_date": (TODAY - datetime.timedelta(days=3)).isoformat(),
        "eligible_expenses": "1500",
        "total_expenses": "2000",
        "diagnosis": "右手骨折",
    }
    response = client.post(url, data)
    assert "请上传理赔材料" in response.content.decode()
    bad = io.BytesIO(b"not an image")
    bad.name = "发票.png"
    response = client.post(url, {**data, "invoice_files": bad})
    assert "不是有效的图片" in response.content.decode()
    response = client.post(url, {**data, "invoice_files": [photo("发票1.png"), photo("发票2.png")]})
    assert response.status_code == 302
    claim = MutualAidClaim.objects.get(plan=aid.wujin_plan)
    assert claim.source == "agent" and claim.documents.count() == 2 and claim.created_by == world.wujin_admin


def test_phone_claim_and_status(client, world, aid):
    start = reverse("mutualaid_public_claim")
    response = client.post(start, {"id_number": aid.person.reveal_id_number(), "phone": "13900000000", "consent": "on"})
    assert "未查询到" in response.content.decode()
    response = client.post(start, {"id_number": aid.person.reveal_id_number(), "phone": "13912340002"})
    assert "请阅读并勾选" in response.content.decode()
    response = client.post(start, {"id_number": aid.person.reveal_id_number(), "phone": "13912340002", "consent": "on"})
    content = response.content.decode()
    assert "第二步" in content and aid.person.reveal_id_number() not in content and "13912340002" not in content
    ticket = response.context["form"].initial["ticket"]
    submit = reverse("mutualaid_public_submit")
    data = {
        "ticket": ticket,
        "enrolment": aid.enrolment.pk,
        "event_date": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "eligible_expenses": "3000",
        "total_expenses": "5000",
        "hospital": "武进人民医院",
        "diagnosis": "肺炎",
        "bank_account": "6222 0203 0405 0607",
    }
    response = client.post(submit, {**data, "ticket": ticket[:-4] + "AAAA", "invoice_files": photo()})
    assert "页面已过期" in response.content.decode()
    response = client.post(submit, {**data, "invoice_files": photo(), "report_files": photo("出院小结.png")})
    assert response.status_code == 200 and "申请编号" in response.content.decode()
    claim = MutualAidClaim.objects.get(source="phone")
    assert claim.consent_at and claim.documents.count() == 2 and claim.org == world.wujin_union
    assert claim.review_due == TODAY + datetime.timedelta(days=15)
    status = reverse("mutualaid_public_status")
    content = client.post(status, {"id_number": aid.person.reveal_id_number(), "phone": "13912340002"}).content.decode()
    assert claim.claim_no in content and "待审核" in content and "肺炎" not in content
    content = client.post(status, {"id_number": aid.person.reveal_id_number(), "phone": "13911111111"}).content.decode()
    assert claim.claim_no not in content and "未查询到" in content


def test_figures_and_computed_sources(client, world, aid):
    services.claim_approve(user=world.city_admin, claim=aid.claim, amount=Decimal("2000"))
    services.claim_pay(user=world.city_admin, claim=aid.claim, paid_on=TODAY, reference="ZZ1")
    second = agent_claim(world.wujin_admin, aid.city_plan, aid.person)
    services.claim_reject(user=world.city_admin, claim=second, reason="重复申请同一次住院")
    rows, total = selectors.figures_by_plan(world.city_admin, world.city, selectors.plans_for(world.city_admin))
    city_row = next(row for row in rows if row.key == aid.city_plan)
    assert (city_row.enrolled, city_row.claims, city_row.decided, city_row.granted, city_row.paid) == (1, 2, 2, 1, 1)
    assert city_row.claims_rate == Decimal("2.0000") and city_row.approval_rate == Decimal("0.5000")
    assert city_row.paid_amount == Decimal("2000") and city_row.average_days == Decimal("0.0")
    assert total.enrolled == 2
    units, unit_total = selectors.figures_by_unit(world.city_admin, world.city, selectors.plans_for(world.city_admin))
    assert [row.label for row in units] == ["武进区总工会", "天宁区总工会"] and units[0].claims == 2
    assert unit_total.paid_amount == Decimal("2000")
    client.force_login(world.city_admin)
    content = client.get(reverse("programmes:mutualaid_figures")).content.decode()
    assert "200.00%" in content and "50.00%" in content
    response = client.get(reverse("programmes:mutualaid_figures") + "?export=xlsx")
    cells = [row for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert any(row[0] == "武进区总工会" and row[2] == 2 for row in cells)
    span = SimpleNamespace(start=PERIOD_START, end=TODAY)
    assert sources.value("mutual_aid_enrolled", world.city, span) == 2
    assert sources.value("mutual_aid_enrolled", world.tianning, span) == 0
    assert sources.value("mutual_aid_paid", world.wujin, span) == Decimal("2000")
    assert MutualAidPayment.objects.count() == 1


def test_plan_form_import_page_and_cancel(client, world, aid):
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("programmes:mutualaid_plan_add"),
        {
            "org": world.wujin.pk,
            "name": "武进区重大疾病互助",
            "kind": "critical_illness",
            "status": "open",
            "period_start": PERIOD_START.isoformat(),
            "period_end": (PERIOD_START + datetime.timedelta(days=364)).isoformat(),
            "premium": "20",
            "waiting_days": "90",
            "claim_window_days": "180",
            "deductible": "0",
            "fixed_amount": "10000",
            "covered_diseases": "恶性肿瘤\n急性心肌梗塞、脑中风后遗症",
            "per_claim_cap": "10000",
            "per_person_cap": "10000",
            "review_days": "15",
            "payment_days": "10",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    plan = selectors.plans_for(world.wujin_admin).get(name="武进区重大疾病互助")
    assert plan.covered_diseases == ["恶性肿瘤", "急性心肌梗塞", "脑中风后遗症"] and plan.reimbursement_ratio is None
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "身份证号码"])
    book.active.append(["王芳", aid.person.reveal_id_number()])
    book.active.append(["无名", "110101199003070011"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "名单.xlsx"
    url = reverse("programmes:mutualaid_enrolment_import", args=[plan.pk])
    content = client.post(url, {"org": world.wujin_union.pk, "file": buffer}).content.decode()
    assert "新增 1" in content
    assert "拒绝 1" in content
    assert "第 3 行" in content and "会员库中不存在" in content
    template = client.get(reverse("programmes:mutualaid_enrolment_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    enrolment = plan.enrolments.get()
    listing = client.get(reverse("programmes:mutualaid_enrolment_list") + f"?plan={plan.pk}").content.decode()
    assert reverse("programmes:mutualaid_enrolment_cancel", args=[enrolment.pk]) in listing
    url = reverse("programmes:mutualaid_enrolment_cancel", args=[enrolment.pk])
    assert "这个字段是必填项" in client.post(url, {"cancel_reason": ""}).content.decode()
    assert client.post(url, {"cancel_reason": "调离本市"}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "cancelled" and enrolment.cancel_reason == "调离本市"
    # an enrolment with an open claim cannot be cancelled
    url = reverse("programmes:mutualaid_enrolment_cancel", args=[aid.enrolment.pk])
    assert "办结后才能退保" in client.post(url, {"cancel_reason": "调离本市"}).content.decode()


def test_overdue_list_and_more_documents(client, world, aid):
    MutualAidClaim.objects.filter(pk=aid.claim.pk).update(review_due=TODAY - datetime.timedelta(days=2))
    fresh = agent_claim(world.wujin_admin, aid.wujin_plan, aid.person, eligible_expenses=Decimal(900))
    client.force_login(world.city_admin)
    content = client.get(reverse("programmes:mutualaid_claim_overdue")).content.decode()
    assert aid.claim.claim_no in content and "已超时" in content and fresh.claim_no not in content
    url = reverse("programmes:mutualaid_claim_step", args=[aid.claim.pk, "documents"])
    assert client.post(url, {"kind": "discharge", "files": photo("出院小结.png")}).status_code == 302
    assert aid.claim.documents.filter(kind="discharge").exists()
    document = aid.claim.documents.filter(kind="discharge").get()
    response = client.get(reverse("programmes:mutualaid_claim_document", args=[aid.claim.pk, document.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert OperationLog.objects.filter(summary__startswith=f"查看互助保障理赔材料：{aid.claim.claim_no}").exists()
