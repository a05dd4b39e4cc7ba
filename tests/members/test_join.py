"""入会申请: the public join flow, routing, the union's decisions, status check, leads, QR poster."""

import datetime

import pytest
from django.core.cache import cache
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
