"""入会申请: the public join flow, routing, the union's decisions, status check, leads, QR poster."""

import datetime
import json
import re
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from gonghui.core.context import actor
from gonghui.members import join
from gonghui.members.models import (
    EventKind,
    JoinApplication,
    JoinSource,
    JoinStatus,
    Member,
    MembershipEvent,
    Transfer,
    TransferSource,
    TransferState,
)
from gonghui.orgs.models import OrgType
from tests.members.helpers import add_member, id_number
from tests.world import add_org, make_employer

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def form_data(serial: int = 1, **extra) -> dict:
    return {
        "name": "李小明",
        "id_number": id_number(serial),
        "phone": PHONE,
        "employer_name": "湖塘快递站",
        "employment_category": "new_employment",
        "new_employment_type": "courier",
        "consent": "on",
        **extra,
    }


def apply(world, org=None, serial: int = 1, **extra) -> JoinApplication:
    data = {**form_data(serial, **extra), "consent": True}
    return join.join_application_submit(org=org or world.wujin_union, data=data)


def join_url(org) -> str:
    return reverse("join_union", args=[org.code])


# --- public join page ------------------------------------------------------------------------


def test_join_page_renders_both_screens_without_login(client, world):
    response = client.get(join_url(world.wujin_union))
    assert response.status_code == 200
    html = response.content.decode()
    assert "申请加入武进甲公司工会" in html and "个人信息处理告知书" in html
    assert 'name="viewport"' in html
    assert "csrfmiddlewaretoken" in html


def test_join_page_404_for_unknown_or_non_member_union(client, world):
    assert client.get(reverse("join_union", args=["NOPE"])).status_code == 404
    assert client.get(join_url(world.hutang)).status_code == 404  # a town holds no members


def test_submit_creates_sealed_application_and_leaks_nothing(client, world):
    number = id_number(1)
    response = client.post(join_url(world.wujin_union), form_data(1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "入会申请已提交" in html and "李**" in html
    assert number not in html and PHONE not in html
    application = JoinApplication.objects.get()
    assert application.org == world.wujin_union
    assert application.status == JoinStatus.SUBMITTED and application.source == JoinSource.QR
    assert application.consent and application.consent_at and application.consent_version
    assert number not in application.id_number_cipher and application.reveal_id_number() == number
    assert application.reveal_phone() == PHONE and application.phone_masked == "139****5678"
    assert application.due_date == datetime.date.today() + datetime.timedelta(days=5)


def test_submit_errors_are_chinese(client, world):
    response = client.post(
        join_url(world.wujin_union), form_data(1, id_number="320412199005171230", phone="12345", consent="")
    )
    html = response.content.decode()
    assert "校验码" in html or "身份证" in html
    assert "手机号" in html
    assert not JoinApplication.objects.exists()
    response = client.post(join_url(world.wujin_union), form_data(1, consent=""))
    assert "请阅读并勾选同意" in response.content.decode()
    assert not JoinApplication.objects.exists()


def test_active_member_gets_friendly_message_without_union_name(client, world):
    add_member(world, world.tianning_union, name="李小明", serial=1, id_number=id_number(1))
    response = client.post(join_url(world.wujin_union), form_data(1))
    html = response.content.decode()
    assert "您已是其他工会的在会会员，如需转会请联系所在工会" in html
    assert world.tianning_union.name not in html
    assert not JoinApplication.objects.exists()


def test_one_open_application_per_person(client, world):
    apply(world)
    response = client.post(join_url(world.wujin_union), form_data(1))
    assert "您已提交过入会申请" in response.content.decode()
    assert JoinApplication.objects.count() == 1


def test_database_constraint_one_open_application(world):
    first = apply(world)
    clone = JoinApplication.objects.get(pk=first.pk)
    clone.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()
    first.status = JoinStatus.REJECTED
    first.save()
    clone.save()  # a decided application does not block a new one
    assert JoinApplication.objects.count() == 2


def test_throttle_per_ip(client, world):
    url = join_url(world.wujin_union)
    for _ in range(20):
        client.post(url, {"name": ""})
    response = client.post(url, form_data(1))
    assert "操作过于频繁" in response.content.decode()
    assert not JoinApplication.objects.exists()


def test_employer_pick_from_unions_employers(client, world):
    response = client.post(
        join_url(world.wujin_union),
        form_data(1, employer=str(world.wujin_employer.pk), employer_name="", employment_category="employee"),
    )
    assert response.status_code == 200
    application = JoinApplication.objects.get()
    assert application.employer == world.wujin_employer and application.employer_name == "武进甲公司"
    # another union's employer is not a valid choice
    client.post(join_url(world.wujin_union), form_data(2, employer=str(world.tianning_employer.pk), employer_name=""))
    assert JoinApplication.objects.count() == 1


# --- generic join page: routing ------------------------------------------------------------------


def test_route_to_employers_own_union(client, world):
    response = client.post(reverse("join_start"), {"town": world.hutang.pk, "employer_name": " 武进甲公司 "})
    assert response.status_code == 302 and response["Location"] == join_url(world.wujin_union)
    page = client.get(response["Location"])
    assert "武进甲公司" in page.content.decode()
    client.post(response["Location"], form_data(1, employment_category="employee", employer=""))
    application = JoinApplication.objects.get()
    assert application.org == world.wujin_union and application.source == JoinSource.ONLINE_HOME


def test_route_to_online_home_when_employer_has_no_union(client, world):
    home = add_org(world.hutang, "湖塘镇网上会员之家", OrgType.ONLINE_HOME, "320412", "T320412001OH")
    response = client.post(reverse("join_start"), {"town": world.hutang.pk, "employer_name": "某某奶茶店"})
    assert response["Location"] == join_url(home)
    page = client.get(response["Location"]).content.decode()
    assert "您的申请将提交给「湖塘镇网上会员之家」" in page
    client.post(response["Location"], form_data(1, employer_name="某某奶茶店"))
    application = JoinApplication.objects.get()
    assert application.org == home and application.source == JoinSource.ROUTED


def test_route_to_joint_union_by_region(world):
    joint = add_org(world.chashan, "茶山街道联合工会", OrgType.JOINT, "320402", "T320402001J")
    make_employer(world.chashan, 9, name="茶山小店")
    route = join.route_join(town=world.chashan, employer_name="茶山小店")
    assert route.union == joint and route.source == JoinSource.ROUTED and route.employer.name == "茶山小店"


def test_route_without_any_union_says_how_to_proceed(client, world):
    response = client.post(reverse("join_start"), {"town": world.chashan.pk, "employer_name": "无名店"})
    assert response.status_code == 200
    assert "暂未开通网上入会" in response.content.decode()


# --- union side ---------------------------------------------------------------------------------


def test_list_detail_in_scope_and_404_outside(client, login, world):
    application = apply(world)
    other = apply(world, org=world.tianning_union, serial=2)
    login(world.chair)
    response = client.get(reverse("members:join_application_list"))
    html = response.content.decode()
    assert response.status_code == 200 and "李小明" in html
    assert id_number(1) not in html and PHONE not in html
    assert client.get(reverse("members:join_application_detail", args=[application.pk])).status_code == 200
    for name in (
        "members:join_application_detail",
        "members:join_application_approve",
        "members:join_application_reject",
    ):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    assert client.post(reverse("members:join_application_approve", args=[other.pk])).status_code == 404
    login(world.tianning_admin)
    assert client.get(reverse("members:join_application_detail", args=[application.pk])).status_code == 404


def test_user_without_role_gets_403(client, login, world):
    login(world.nobody)
    assert client.get(reverse("members:join_application_list")).status_code == 403
    assert client.get(reverse("members:join_leads")).status_code == 403


def test_approve_creates_exactly_one_member_with_join_event(client, login, world):
    application = apply(world)
    login(world.chair)
    url = reverse("members:join_application_approve", args=[application.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == JoinStatus.APPROVED and application.decided_by == world.chair
    member = Member.objects.get()
    assert application.member == member and member.org == world.wujin_union
    assert member.reveal_id_number() == id_number(1) and member.reveal_phone() == PHONE
    assert member.new_employment_type == "courier" and member.employer_name == "湖塘快递站"
    event = MembershipEvent.objects.get(member=member)
    assert event.kind == EventKind.JOIN and event.approved_by == world.chair
    # approving again changes nothing
    client.post(url, {"note": ""})
    assert Member.objects.count() == 1


def test_approve_fails_cleanly_if_person_joined_elsewhere_meanwhile(client, login, world):
    application = apply(world)
    add_member(world, world.tianning_union, name="李小明", serial=1, id_number=id_number(1))
    login(world.chair)
    response = client.post(reverse("members:join_application_approve", args=[application.pk]), {"note": ""})
    assert response.status_code == 200 and "请办理转会" in response.content.decode()
    application.refresh_from_db()
    assert application.status == JoinStatus.SUBMITTED and Member.objects.count() == 1


def test_reject_needs_a_reason(client, login, world):
    application = apply(world)
    login(world.chair)
    url = reverse("members:join_application_reject", args=[application.pk])
    response = client.post(url, {"reason": "  "})
    assert "请填写未通过的原因" in response.content.decode()
    application.refresh_from_db()
    assert application.status == JoinStatus.SUBMITTED
    assert client.post(url, {"reason": "不在本单位工作"}).status_code == 302
    application.refresh_from_db()
    assert application.status == JoinStatus.REJECTED and application.reject_reason == "不在本单位工作"
    assert not Member.objects.exists()


def test_overdue_filter_for_union_and_parent(client, login, world):
    late = apply(world, serial=1)
    apply(world, serial=2)
    JoinApplication.objects.filter(pk=late.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=1))
    for user in (world.chair, world.wujin_admin):
        login(user)
        html = client.get(reverse("members:join_application_list") + "?overdue=true").content.decode()
        assert "已超期" in html
        assert html.count(reverse("members:join_application_detail", args=[late.pk])) >= 1
        assert reverse("members:join_application_detail", args=[late.pk + 1]) not in html
    assert join.overdue_count(world.wujin_admin, world.wujin) == 1
    assert join.overdue_count(world.tianning_admin, world.tianning) == 0


def test_export_list(client, login, world):
    apply(world)
    login(world.wujin_admin)
    response = client.get(reverse("members:join_application_list") + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- status check ---------------------------------------------------------------------------------


def test_status_check_shows_only_masked_name_union_and_decision(client, world):
    application = apply(world)
    with actor(world.chair):
        join.join_application_reject(user=world.chair, application=application, reason="请先提供劳动合同")
    response = client.post(reverse("join_status"), {"id_number": id_number(1), "phone": PHONE})
    html = response.content.decode()
    assert "李**" in html and "武进甲公司工会" in html and "未通过" in html and "请先提供劳动合同" in html
    assert id_number(1) not in html and PHONE not in html and "李小明" not in html


def test_status_check_no_enumeration(client, world):
    apply(world)
    wrong_phone = client.post(reverse("join_status"), {"id_number": id_number(1), "phone": "13800000000"})
    unknown = client.post(reverse("join_status"), {"id_number": id_number(7), "phone": PHONE})
    garbage = client.post(reverse("join_status"), {"id_number": "abc", "phone": "x"})
    messages = [r.content.decode() for r in (wrong_phone, unknown, garbage)]
    for html in messages:
        assert "未查询到与该身份证号码和手机号码对应的入会申请" in html
        assert "武进甲公司工会" not in html
    assert client.get(reverse("join_status")).status_code == 200


def test_status_check_throttled(client, world):
    for _ in range(20):
        client.post(reverse("join_status"), {"id_number": id_number(1), "phone": PHONE})
    response = client.post(reverse("join_status"), {"id_number": id_number(1), "phone": PHONE})
    assert "操作过于频繁" in response.content.decode()


def test_status_after_approval_links_to_card(client, world):
    application = apply(world)
    with actor(world.chair):
        join.join_application_approve(user=world.chair, application=application)
    html = client.post(reverse("join_status"), {"id_number": id_number(1), "phone": PHONE}).content.decode()
    assert "已批准" in html and "打开电子会员证" in html and "/card/" in html


# --- establishment leads --------------------------------------------------------------------------


def test_establishment_leads_threshold(client, login, world):
    home = add_org(world.hutang, "湖塘镇网上会员之家", OrgType.ONLINE_HOME, "320412", "T320412001OH")
    apply(world, org=home, serial=1, employer_name="湖塘 奶茶店")
    apply(world, org=home, serial=2, employer_name="湖塘奶茶店")
    assert join.establishment_leads(world.wujin_admin) == []
    apply(world, org=home, serial=3, employer_name="湖塘奶茶店 ")
    apply(world, org=home, serial=4, employer_name="武进甲公司")  # has a union: never a lead
    apply(world, org=home, serial=5, employer_name="武进甲公司")
    apply(world, org=home, serial=6, employer_name="武进甲公司")
    leads = join.establishment_leads(world.wujin_admin)
    assert [(lead.employer_name.replace(" ", ""), lead.applicants) for lead in leads] == [("湖塘奶茶店", 3)]
    assert join.establishment_leads(world.tianning_admin) == []
    login(world.wujin_admin)
    html = client.get(reverse("members:join_leads")).content.decode()
    assert "湖塘" in html and "奶茶店" in html
    login(world.tianning_admin)
    assert "奶茶店" not in client.get(reverse("members:join_leads")).content.decode()


def test_rejected_applications_do_not_count_as_leads(world):
    apps = [apply(world, serial=n, employer_name="某小店") for n in (1, 2, 3)]
    assert len(join.establishment_leads(world.city_admin)) == 1
    with actor(world.city_admin):
        join.join_application_reject(user=world.city_admin, application=apps[0], reason="重复")
    assert join.establishment_leads(world.city_admin) == []


# --- QR poster ------------------------------------------------------------------------------------


def test_qr_poster_in_scope(client, login, world):
    login(world.chair)
    response = client.get(reverse("members:join_qr", args=[world.wujin_union.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html and "@media print" in html
    assert f"http://testserver{join_url(world.wujin_union)}" in html
    assert client.get(reverse("members:join_qr", args=[world.tianning_union.pk])).status_code == 404
    login(world.wujin_admin)
    assert client.get(reverse("members:join_qr", args=[world.hutang.pk])).status_code == 404  # not a member union


def test_menu_has_join_applications(client, login, world):
    login(world.chair)
    html = client.get(reverse("home")).content.decode()
    assert reverse("members:join_application_list") in html


def test_list_shows_overdue_count_leads_and_qr_links(client, login, world):
    late = apply(world)
    JoinApplication.objects.filter(pk=late.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=1))
    login(world.chair)
    html = client.get(reverse("members:join_application_list")).content.decode()
    assert "有 1 条入会申请已超过办理期限" in html
    assert reverse("members:join_leads") in html
    assert reverse("members:join_qr", args=[world.wujin_union.pk]) in html
    login(world.tianning_admin)
    html = client.get(reverse("members:join_application_list")).content.decode()
    assert "已超过办理期限" not in html and "/join-qr/" not in html


def test_under_age_is_refused(client, world):
    young = id_number(1, birth=datetime.date.today().replace(year=datetime.date.today().year - 15, day=1))
    response = client.post(join_url(world.wujin_union), form_data(1, id_number=young))
    assert "入会须年满 16 周岁" in response.content.decode()
    assert not JoinApplication.objects.exists()


def test_generic_join_page_lists_towns(client, world):
    response = client.get(reverse("join_start"))
    html = response.content.decode()
    assert response.status_code == 200 and "湖塘镇工会" in html and "茶山街道工会" in html
    assert "武进甲公司工会" not in html  # only towns/streets are offered
    response = client.post(reverse("join_start"), {"town": "", "employer_name": ""})
    assert "请选择工作单位所在的镇（街道）" in response.content.decode()


def test_org_page_shows_overdue_count_and_qr_link(client, login, world):
    late = apply(world)
    JoinApplication.objects.filter(pk=late.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=1))
    login(world.wujin_admin)
    html = client.get(reverse("orgs:org_detail", args=[world.wujin.pk])).content.decode()
    assert "已超期入会申请 1 条" in html
    html = client.get(reverse("orgs:org_detail", args=[world.wujin_union.pk])).content.decode()
    assert "已超期入会申请 1 条" in html and reverse("members:join_qr", args=[world.wujin_union.pk]) in html
    login(world.tianning_admin)
    html = client.get(reverse("orgs:org_detail", args=[world.tianning.pk])).content.decode()
    assert "无超期入会申请" in html


# --- withdrawal by the applicant ------------------------------------------------------------------


def status_post(client, serial: int = 1, phone: str = PHONE):
    return client.post(reverse("join_status"), {"id_number": id_number(serial), "phone": phone})


def ticket_in(html: str) -> str:
    match = re.search(r'name="ticket" value="([^"]+)"', html)
    assert match, "no withdrawal ticket on the page"
    return match.group(1)


def test_withdraw_from_status_page_with_confirmation(client, world):
    application = apply(world)
    response = status_post(client)
    html = response.content.decode()
    assert "撤回申请" in html and response["Cache-Control"] == "no-store"
    assert id_number(1) not in html and PHONE not in html  # the ticket is encrypted
    ticket = ticket_in(html)
    url = reverse("join_withdraw")
    assert id_number(1) not in url and client.get(url).status_code == 405
    confirm = client.post(url, {"ticket": ticket, "application": application.pk})
    page = confirm.content.decode()
    assert "确认撤回" in page and "武进甲公司工会" in page and id_number(1) not in page
    application.refresh_from_db()
    assert application.status == JoinStatus.SUBMITTED  # nothing happens before the confirmation
    done = client.post(url, {"ticket": ticket_in(page), "application": application.pk, "confirm": "1"})
    html = done.content.decode()
    assert "您的入会申请已撤回" in html and "已撤回" in html and "重新申请入会" in html
    application.refresh_from_db()
    assert application.status == JoinStatus.WITHDRAWN and application.decided_by is None
    assert "撤回申请</button>" not in html
    # the applicant may apply again, and the status page then shows the new application
    response = client.post(join_url(world.wujin_union), form_data(1))
    assert "入会申请已提交" in response.content.decode()
    assert JoinApplication.objects.filter(status=JoinStatus.SUBMITTED).count() == 1
    assert "待审批" in status_post(client).content.decode()


def test_withdraw_refuses_forged_expired_or_someone_elses_ticket(client, world):
    from gonghui.members import views_join
    from gonghui.utilities.pii import encrypt

    mine = apply(world, serial=1)
    theirs = apply(world, serial=2, phone="13800001111")
    url = reverse("join_withdraw")
    forged = client.post(url, {"ticket": "k1.s.AAAA", "application": mine.pk, "confirm": "1"})
    assert "页面已过期" in forged.content.decode()
    old = json.dumps({"i": id_number(1), "p": PHONE, "t": int(time.time()) - views_join.TICKET_MAX_AGE - 5})
    expired = client.post(
        url, {"ticket": encrypt(old, context=views_join.TICKET_CONTEXT), "application": mine.pk, "confirm": "1"}
    )
    assert "页面已过期" in expired.content.decode()
    # a ticket from another column (a member's encrypted ID) does not open
    other_column = encrypt(old, context="members.member.id_number")
    assert "页面已过期" in client.post(url, {"ticket": other_column, "application": mine.pk}).content.decode()
    # my own valid ticket cannot withdraw someone else's application
    ticket = ticket_in(status_post(client).content.decode())
    response = client.post(url, {"ticket": ticket, "application": theirs.pk, "confirm": "1"})
    assert "未查询到与该身份证号码和手机号码对应的入会申请" in response.content.decode()
    assert client.post(url, {"ticket": ticket, "application": theirs.pk}).status_code == 200
    assert set(JoinApplication.objects.values_list("status", flat=True)) == {JoinStatus.SUBMITTED}


def test_withdraw_service_refuses_decided_applications(world):
    approved, rejected, open_one = (apply(world, serial=n) for n in (1, 2, 3))
    with actor(world.chair):
        join.join_application_approve(user=world.chair, application=approved)
        join.join_application_reject(user=world.chair, application=rejected, reason="不在本单位工作")
    for application, status in ((approved, "已批准"), (rejected, "未通过")):
        with pytest.raises(ValidationError) as error:
            join.join_application_withdraw(
                application_id=application.pk, id_number=id_number(1 if status == "已批准" else 2), phone=PHONE
            )
        assert f"当前状态为「{status}」" in error.value.messages[0] and "不能撤回" in error.value.messages[0]
    with pytest.raises(ValidationError, match="未查询到"):
        join.join_application_withdraw(application_id=open_one.pk, id_number=id_number(3), phone="13800000000")
    join.join_application_withdraw(application_id=open_one.pk, id_number=id_number(3), phone=PHONE)
    with pytest.raises(ValidationError, match="已撤回"):
        join.join_application_withdraw(application_id=open_one.pk, id_number=id_number(3), phone=PHONE)
    statuses = dict(JoinApplication.objects.values_list("pk", "status"))
    assert statuses == {
        approved.pk: JoinStatus.APPROVED,
        rejected.pk: JoinStatus.REJECTED,
        open_one.pk: JoinStatus.WITHDRAWN,
    }


def test_status_page_of_a_decided_application_offers_no_withdrawal(client, world):
    application = apply(world)
    with actor(world.chair):
        join.join_application_reject(user=world.chair, application=application, reason="请先提供劳动合同")
    html = status_post(client).content.decode()
    assert "未通过" in html and 'name="ticket"' not in html


def test_union_list_shows_withdrawn_applications(client, login, world):
    application = apply(world)
    join.join_application_withdraw(application_id=application.pk, id_number=id_number(1), phone=PHONE)
    login(world.chair)
    html = client.get(reverse("members:join_application_list") + "?status=withdrawn").content.decode()
    assert "李小明" in html and "已撤回" in html
    detail = client.get(reverse("members:join_application_detail", args=[application.pk])).content.decode()
    assert "已撤回" in detail and reverse("members:join_application_approve", args=[application.pk]) not in detail
    assert client.post(reverse("members:join_application_approve", args=[application.pk])).status_code == 200
    application.refresh_from_db()
    assert application.status == JoinStatus.WITHDRAWN and not Member.objects.exists()
    login(world.tianning_admin)
    assert client.get(reverse("members:join_application_detail", args=[application.pk])).status_code == 404
    assert "李小明" not in client.get(reverse("members:join_application_list")).content.decode()


# --- a member's own transfer request --------------------------------------------------------------


def transfer_url(org) -> str:
    return reverse("join_transfer", args=[org.code])


def transfer_data(serial: int = 1, **extra) -> dict:
    return {
        "name": "李小明",
        "id_number": id_number(serial),
        "phone": PHONE,
        "reason": "已调入武进甲公司工作",
        "consent": "on",
        **extra,
    }


@pytest.fixture
def elsewhere(world):
    """李小明, an active member of 天宁乙公司工会 (another subtree), with a phone on file."""
    return add_member(world, world.tianning_union, name="李小明", serial=1, id_number=id_number(1), phone=PHONE)


def test_join_page_offers_a_transfer_to_an_active_member_elsewhere(client, world, elsewhere):
    response = client.post(join_url(world.wujin_union), form_data(1))
    html = response.content.decode()
    assert "申请转入本工会" in html and f'action="{transfer_url(world.wujin_union)}"' in html
    assert world.tianning_union.name not in html
    prefilled = client.post(transfer_url(world.wujin_union), {"prefill": "1", **form_data(1)})
    page = prefilled.content.decode()
    assert prefilled.status_code == 200 and "申请转入武进甲公司工会" in page
    assert f'value="{id_number(1)}"' in page and "转会事由" in page
    assert 'class="error"' not in page  # prefilling shows no errors
    assert not Transfer.objects.exists()
    # a person who is not a member anywhere gets no offer
    html = client.post(join_url(world.wujin_union), form_data(2)).content.decode()
    assert "申请转入本工会" not in html


def test_member_requests_transfer_and_receiving_union_approves(client, login, world, elsewhere):
    assert client.get(transfer_url(world.wujin_union)).status_code == 200
    response = client.post(transfer_url(world.wujin_union), transfer_data())
    html = response.content.decode()
    assert "转会申请已提交" in html and "天宁乙公司工会" in html and "武进甲公司工会" in html
    assert id_number(1) not in html and PHONE not in html and "李小明" not in html
    transfer = Transfer.objects.get()
    assert transfer.source == TransferSource.MEMBER and transfer.requested_by is None
    assert transfer.org == world.wujin_union and transfer.from_org == world.tianning_union
    assert transfer.member == elsewhere and transfer.state == TransferState.REQUESTED
    assert transfer.reason == "已调入武进甲公司工作"
    # the person checks progress with ID number and phone
    html = status_post(client).content.decode()
    assert "转会申请" in html and "待审批" in html and "会员本人申请" in html and "天宁乙公司工会" in html
    assert 'name="ticket"' not in html
    # the sending union's subtree cannot open it; the receiving union approves on its own pages
    login(world.tianning_admin)
    assert client.get(transfer.get_absolute_url()).status_code == 404
    login(world.chair)
    assert "李小明" in client.get(reverse("members:transfer_list")).content.decode()
    assert "会员本人申请" in client.get(transfer.get_absolute_url()).content.decode()
    today = datetime.date.today().isoformat()
    assert client.post(reverse("members:transfer_approve", args=[transfer.pk]), {"date": today}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == TransferState.APPROVED and transfer.new_member.org == world.wujin_union
    client.logout()
    html = status_post(client).content.decode()
    assert "已批准" in html and "打开电子会员证" in html


def test_member_transfer_mismatch_gives_one_answer_and_names_no_union(client, world, elsewhere):
    cases = [
        transfer_data(phone="13800000000"),  # not the phone on file
        transfer_data(name="李晓明"),  # not the name on file
        transfer_data(2),  # not a member anywhere
    ]
    for data in cases:
        html = client.post(transfer_url(world.wujin_union), data).content.decode()
        assert "未找到与您填写的姓名、身份证号码和手机号码都相符的在会会员" in html
        assert "天宁" not in html
    assert not Transfer.objects.exists()


def test_member_transfer_without_phone_on_file_matches_by_name_and_id(client, world):
    add_member(world, world.tianning_union, name="李小明", serial=1, id_number=id_number(1))
    html = client.post(transfer_url(world.wujin_union), transfer_data(phone="13700001111")).content.decode()
    assert "转会申请已提交" in html and "无法在线查询进度" in html
    assert Transfer.objects.get().source == TransferSource.MEMBER


def test_member_transfer_errors(client, world, elsewhere):
    url = transfer_url(world.wujin_union)
    html = client.post(url, transfer_data(reason="", consent="")).content.decode()
    assert "请填写转会事由" in html and "请阅读并勾选同意" in html
    html = client.post(url, transfer_data(id_number="320412199005171230")).content.decode()
    assert "身份证" in html
    assert not Transfer.objects.exists()
    client.post(url, transfer_data())
    html = client.post(url, transfer_data()).content.decode()
    assert "您已有一条待审批的转会申请" in html
    assert Transfer.objects.count() == 1
    html = client.post(transfer_url(world.tianning_union), transfer_data()).content.decode()
    assert "您已是本工会的在会会员，无需转会" in html
    assert client.get(reverse("join_transfer", args=["NOPE"])).status_code == 404
    assert client.get(transfer_url(world.hutang)).status_code == 404


def test_member_transfer_throttled(client, world, elsewhere):
    url = transfer_url(world.wujin_union)
    for _ in range(20):
        client.post(url, {"name": ""})
    assert "操作过于频繁" in client.post(url, transfer_data()).content.decode()
    assert not Transfer.objects.exists()
