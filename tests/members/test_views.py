"""Member pages: the CRUD suite, masking, the logged full view, exports, search, actions, transfers."""

import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.models import OperationLog
from gonghui.members.models import EventKind, Member, MembershipEvent, MemberStatus, Transfer, TransferState
from tests.members.helpers import add_member, grant_full_pii, id_number
from tests.testing import CrudSuite

pytestmark = pytest.mark.django_db


def sheet(response) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


class TestMemberPages(CrudSuite):
    model = Member
    list_url_name = "members:member_list"
    detail_url_name = "members:member_detail"
    add_url_name = "members:member_add"
    edit_url_name = "members:member_edit"
    delete_url_name = "members:member_delete"
    edit_value = "王建华"

    def own_org(self, world):
        return world.wujin_union

    def other_org(self, world):
        return world.tianning_union

    def make_object(self, world, org):
        if org.region_code == "320412":
            return add_member(world, org, name="武进会员王建国", serial=201, phone="13800000001")
        return add_member(world, org, name="天宁会员李秀英", serial=202, phone="13800000002")

    def form_data(self, world, org):
        return {
            "org": org.pk,
            "name": "新入会的刘洋",
            "id_number": id_number(301, org.region_code),
            "phone": "135 1111 2222",
            "ethnicity": "01",
            "education": "bachelor",
            "political_status": "masses",
            "employment_category": "new_employment",
            "new_employment_type": "courier",
            "employer": world.wujin_employer.pk if org.region_code == "320412" else "",
            "join_date": "2025-04-01",
        }

    def created(self, world, data):
        return Member.objects.filter(name=data["name"]).first()

    def edit_data(self, world, obj):
        return {
            "name": obj.name,
            "id_number": "",
            "phone": "",
            "ethnicity": obj.ethnicity,
            "education": obj.education,
            "political_status": obj.political_status,
            "employment_category": obj.employment_category,
            "new_employment_type": obj.new_employment_type,
            "employer_name": obj.employer_name,
            "join_date": obj.join_date.isoformat(),
        }

    def test_created_member_is_sealed_with_a_join_event(self, client, world):
        client.force_login(world.wujin_admin)
        data = self.form_data(world, world.wujin_union)
        response = client.post(reverse(self.add_url_name), data)
        assert response.status_code == 302
        member = self.created(world, data)
        assert member.reveal_id_number() == data["id_number"]
        assert member.reveal_phone() == "13511112222"
        assert member.employer_name == "武进甲公司"
        assert member.created_by == world.wujin_admin
        assert list(member.events.values_list("kind", flat=True)) == [EventKind.JOIN]

    def test_create_shows_errors_in_the_form(self, client, world):
        client.force_login(world.wujin_admin)
        data = self.form_data(world, world.wujin_union)
        data["id_number"] = data["id_number"][:-1]
        data["new_employment_type"] = ""
        response = client.post(reverse(self.add_url_name), data)
        assert response.status_code == 200
        body = response.content.decode()
        assert "身份证号码应为 18 位" in body
        data["id_number"] = id_number(301)
        body = client.post(reverse(self.add_url_name), data).content.decode()
        assert "请选择新就业形态类型" in body

    def test_edit_keeps_the_number_when_left_blank(self, client, world, own):
        client.force_login(world.wujin_admin)
        before = own.id_number_cipher
        data = self.edit_data(world, own)
        data["phone"] = "13900009999"
        response = client.post(reverse(self.edit_url_name, args=[own.pk]), data)
        assert response.status_code == 302, response.content.decode()[-2000:]
        own.refresh_from_db()
        assert own.id_number_cipher == before
        assert own.reveal_phone() == "13900009999"

    def test_chair_may_add_but_not_delete(self, client, world, own):
        client.force_login(world.chair)
        assert client.get(reverse(self.add_url_name)).status_code == 200
        assert client.get(reverse(self.delete_url_name, args=[own.pk])).status_code == 403


# --- masking and the logged full view --------------------------------------------------------------


@pytest.fixture
def member(world):
    return add_member(world, world.wujin_union, name="王建国", serial=211, phone="13812345678")


def test_list_and_detail_are_masked(client, world, member):
    client.force_login(world.wujin_admin)
    number = member.reveal_id_number()
    for url in (reverse("members:member_list"), reverse("members:member_detail", args=[member.pk])):
        body = client.get(url).content.decode()
        assert member.id_number_masked in body
        assert "138****5678" in body
        assert number not in body and "13812345678" not in body
        assert "1990-05-17" not in body  # only the birth year and month
    assert "显示完整信息" not in client.get(reverse("members:member_detail", args=[member.pk])).content.decode()


def test_full_view_needs_the_permission(client, world, member):
    client.force_login(world.wujin_admin)
    url = reverse("members:member_reveal", args=[member.pk])
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405


def test_full_view_shows_once_and_logs_without_the_number(client, world, member):
    grant_full_pii(world.wujin_admin)
    client.force_login(world.wujin_admin)
    detail = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert "显示完整信息" in detail
    response = client.post(reverse("members:member_reveal", args=[member.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert member.reveal_id_number() in body and "13812345678" in body
    assert response["Cache-Control"] == "no-store"
    log = OperationLog.objects.get(summary=f"查看会员完整个人信息：{member.pk}")
    assert log.user == world.wujin_admin
    for row in OperationLog.objects.values():
        text = " ".join(str(value) for value in row.values())
        assert member.reveal_id_number() not in text and "13812345678" not in text
    # The next plain view is masked again.
    assert (
        member.reveal_id_number() not in client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    )


def test_full_view_permission_follows_its_roles_scope(client, world, member):
    grant_full_pii(world.city_admin, scope="own_org")  # only members registered at the city itself
    client.force_login(world.city_admin)
    assert client.get(reverse("members:member_detail", args=[member.pk])).status_code == 200
    assert client.post(reverse("members:member_reveal", args=[member.pk])).status_code == 403


def test_full_view_of_another_subtree_is_404(client, world, member):
    grant_full_pii(world.tianning_admin)
    client.force_login(world.tianning_admin)
    assert client.post(reverse("members:member_reveal", args=[member.pk])).status_code == 404


def test_export_is_masked(client, world, member):
    client.force_login(world.wujin_admin)
    response = client.get(reverse("members:member_list") + "?export=xlsx")
    rows = sheet(response)
    assert "身份证号" in rows[0] and "手机号" in rows[0]
    cells = {str(cell) for row in rows[1:] for cell in row}
    assert member.id_number_masked in cells and "138****5678" in cells
    assert member.reveal_id_number() not in cells and "13812345678" not in cells
    assert OperationLog.objects.filter(summary__startswith="导出会员名册").exists()


def test_unmasked_export_needs_the_permission_and_is_logged(client, world, member):
    other = add_member(world, world.wujin_union, name="李秀英", serial=212, phone="13912345678")
    client.force_login(world.wujin_admin)
    url = reverse("members:member_list") + "?export=xlsx&unmasked=1"
    assert client.get(url).status_code == 403
    assert "含完整个人信息" not in client.get(reverse("members:member_list")).content.decode()
    grant_full_pii(world.wujin_admin)
    assert "含完整个人信息" in client.get(reverse("members:member_list")).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    cells = {str(cell) for row in sheet(response)[1:] for cell in row}
    assert {member.reveal_id_number(), other.reveal_id_number(), "13812345678", "13912345678"} <= cells
    log = OperationLog.objects.get(summary__contains="含完整身份证号")
    assert "2 条" in log.summary
    assert member.reveal_id_number() not in log.summary + log.path


def test_unmasked_export_masks_rows_outside_the_permissions_scope(client, world, member):
    grant_full_pii(world.city_admin, scope="own_org")
    client.force_login(world.city_admin)
    response = client.get(reverse("members:member_list") + "?export=xlsx&unmasked=1")
    cells = {str(cell) for row in sheet(response)[1:] for cell in row}
    assert member.id_number_masked in cells and member.reveal_id_number() not in cells


# --- search and filters ------------------------------------------------------------------------------


def test_search_by_exact_id_phone_card_or_name(client, world, member):
    other = add_member(world, world.wujin_union, name="李秀英", serial=214, phone="13912345678")
    client.force_login(world.wujin_admin)
    url = reverse("members:member_list")
    number = member.reveal_id_number()
    spaced = f" {number[:6]} {number[6:14]} {number[14:]} ".replace("1", "１")  # full-width, spaces
    cases = {
        spaced: member,
        number.lower(): member,
        "139-1234-5678": other,
        other.member_card_number: other,
        "秀英": other,
    }
    for term, expected in cases.items():
        response = client.get(url, {"q": term})
        names = [row.record.name for row in response.context["table"].rows]
        assert names == [expected.name], term
    response = client.get(url, {"q": number[:10]})  # partial numbers match nothing: no LIKE on ciphertext
    assert len(response.context["table"].rows) == 0


def test_exact_lookup_is_posted_and_not_echoed(client, world, member):
    other = add_member(world, world.tianning_union, name="天宁同号", serial=213, phone="13812345678")
    client.force_login(world.wujin_admin)
    url = reverse("members:member_list")
    number = member.reveal_id_number()
    response = client.post(url, {"lookup": f"{number[:9]} {number[9:].lower()}"})
    assert response.status_code == 200
    assert [row.record.pk for row in response.context["table"].rows] == [member.pk]
    body = response.content.decode()
    assert number not in body and member.id_number_masked in body
    response = client.post(url, {"lookup": "138 1234 5678"})  # the same phone in another subtree stays hidden
    assert [row.record.pk for row in response.context["table"].rows] == [member.pk]
    assert other.pk not in [row.record.pk for row in response.context["table"].rows]
    response = client.post(url, {"lookup": "王"})
    assert len(response.context["table"].rows) == 0 and "精确查找请输入完整" in response.content.decode()
    client.force_login(world.nobody)
    assert client.post(url, {"lookup": number}).status_code == 403


def test_filters(client, world, member):
    rider = add_member(
        world,
        world.wujin_union,
        name="骑手张",
        serial=215,
        employment_category="new_employment",
        new_employment_type="delivery_rider",
        join_date=datetime.date(2025, 6, 1),
    )
    add_member(world, world.tianning_union, name="天宁人", serial=216)
    client.force_login(world.city_admin)
    url = reverse("members:member_list")

    def names(**params):
        return sorted(row.record.name for row in client.get(url, params).context["table"].rows)

    assert names(new_employment_type="delivery_rider") == [rider.name]
    assert names(employment_category="new_employment") == [rider.name]
    assert names(within=world.wujin.pk) == sorted([member.name, rider.name])
    assert names(joined_from="2025-05-01") == [rider.name]
    assert names(status="left") == []


# --- actions -----------------------------------------------------------------------------------------

ACTION_URLS = (
    "members:member_leave",
    "members:member_rejoin",
    "members:member_deceased",
    "members:member_transfer",
    "members:member_edit",
    "members:member_delete",
)


@pytest.mark.parametrize("name", ACTION_URLS)
def test_actions_on_another_subtree_are_404(client, world, name):
    other = add_member(world, world.tianning_union, name="天宁人", serial=217)
    client.force_login(world.wujin_admin)
    url = reverse(name, args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"date": "2025-01-01", "reason": "x"}).status_code == 404


@pytest.mark.parametrize("name", ACTION_URLS)
def test_actions_without_permission_are_403(client, world, member, name):
    client.force_login(world.nobody)
    assert client.get(reverse(name, args=[member.pk])).status_code == 403


def test_leave_rejoin_and_deceased_pages(client, world, member):
    client.force_login(world.wujin_admin)
    leave = reverse("members:member_leave", args=[member.pk])
    assert "确认退会" in client.get(leave).content.decode()
    response = client.post(leave, {"date": "2025-02-01", "reason": ""})
    assert response.status_code == 200 and "退会原因" in response.content.decode()
    assert client.post(leave, {"date": "2025-02-01", "reason": "离职"}).status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.LEFT
    rejoin = reverse("members:member_rejoin", args=[member.pk])
    assert client.post(rejoin, {"date": "2025-03-01"}).status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    deceased = reverse("members:member_deceased", args=[member.pk])
    assert client.post(deceased, {"date": "2025-04-01"}).status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.DECEASED
    kinds = list(MembershipEvent.objects.filter(member=member).order_by("pk").values_list("kind", flat=True))
    assert kinds == [EventKind.JOIN, EventKind.LEAVE, EventKind.REJOIN, EventKind.DEATH]
    detail = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    for label in ("入会", "退会", "重新入会", "去世"):
        assert label in detail


def test_direct_transfer_page_offers_only_unions_in_scope(client, world, member):
    from gonghui.orgs.models import OrgType
    from tests.world import add_org

    target = add_org(world.hutang, "武进丙公司工会", OrgType.GRASSROOTS, "320412", "T320412001002")
    client.force_login(world.wujin_admin)
    url = reverse("members:member_transfer", args=[member.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["to_org"].queryset) == [target]
    assert client.post(url, {"to_org": world.tianning_union.pk, "date": "2025-05-01"}).status_code == 200
    response = client.post(url, {"to_org": target.pk, "date": "2025-05-01"})
    assert response.status_code == 302
    moved = Member.objects.get(org=target)
    assert response["Location"] == moved.get_absolute_url()
    detail = client.get(moved.get_absolute_url()).content.decode()
    assert "该人员的其他会籍记录" in detail and "转入" in detail and "转出" in detail


# --- transfer requests -------------------------------------------------------------------------------


def test_transfer_request_pages(client, world):
    from tests.world import make_user

    sender = make_user("tn_chair", world.tianning_union, "grassroots_chair")
    moving = add_member(world, world.tianning_union, name="陈静", serial=218, id_number=id_number(218))
    client.force_login(world.chair)
    add = reverse("members:transfer_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add, {"to_org": world.wujin_union.pk, "name": "陈静", "id_number": id_number(218), "reason": "调动"}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    transfer = Transfer.objects.get()
    detail = client.get(transfer.get_absolute_url()).content.decode()
    assert "批准" in detail and moving.id_number_masked in detail and id_number(218) not in detail
    assert "陈静" in client.get(reverse("members:transfer_list")).content.decode()

    # The sending side cannot see or decide the request.
    client.force_login(world.tianning_admin)
    assert client.get(transfer.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("members:transfer_approve", args=[transfer.pk]), {"date": "2025-08-01"}).status_code == 404
    )

    client.force_login(world.chair)
    response = client.post(reverse("members:transfer_approve", args=[transfer.pk]), {"date": "2025-08-01"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == TransferState.APPROVED
    client.force_login(sender)
    messages = client.get(reverse("notices:message_list")).content.decode()
    assert "会员转出：陈静" in messages


def test_transfer_request_with_a_wrong_name_is_refused(client, world):
    add_member(world, world.tianning_union, name="陈静", serial=219, id_number=id_number(219))
    client.force_login(world.chair)
    response = client.post(
        reverse("members:transfer_add"),
        {"to_org": world.wujin_union.pk, "name": "陈晶", "id_number": id_number(219)},
    )
    assert response.status_code == 200
    assert "没有找到身份证号码与姓名都匹配的在会会员" in response.content.decode()
    assert not Transfer.objects.exists()


def test_menu_shows_the_member_registry(client, world):
    client.force_login(world.wujin_admin)
    body = client.get(reverse("home")).content.decode()
    assert "会员名册" in body and "转会申请" in body
    client.force_login(world.sysadmin)
    assert "会员名册" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "name",
    ["members:transfer_detail", "members:transfer_approve", "members:transfer_reject", "members:transfer_cancel"],
)
def test_transfer_pages_of_another_subtree_are_404(client, world, name):
    from gonghui.core.context import actor
    from gonghui.members import services

    add_member(world, world.wujin_union, name="武进人", serial=220, id_number=id_number(220))
    with actor(world.tianning_admin):
        transfer = services.transfer_request(
            user=world.tianning_admin, to_org=world.tianning_union, id_number=id_number(220), name="武进人"
        )
    client.force_login(world.wujin_admin)  # the sending side
    url = reverse(name, args=[transfer.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"date": "2025-08-01", "reason": "x"}).status_code == 404
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED


def test_transfer_reject_and_cancel_pages(client, world):
    add_member(world, world.tianning_union, name="杨帆", serial=221, id_number=id_number(221))
    client.force_login(world.chair)
    add = reverse("members:transfer_add")
    data = {"to_org": world.wujin_union.pk, "name": "杨帆", "id_number": id_number(221)}
    assert client.post(add, data).status_code == 302
    transfer = Transfer.objects.get()
    reject = reverse("members:transfer_reject", args=[transfer.pk])
    assert "驳回原因" in client.post(reject, {"reason": ""}).content.decode()
    assert client.post(reject, {"reason": "不在本单位工作"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REJECTED
    assert client.post(add, data).status_code == 302
    again = Transfer.objects.get(state=TransferState.REQUESTED)
    assert client.post(reverse("members:transfer_cancel", args=[again.pk])).status_code == 302
    again.refresh_from_db()
    assert again.state == TransferState.CANCELLED
    assert client.get(reverse("members:transfer_detail", args=[again.pk])).status_code == 200
