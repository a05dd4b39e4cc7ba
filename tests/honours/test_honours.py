"""Honours registry: nomination → review → public notice → award; registration; care and the due list;
model_workers agreeing with a naive count; pages and API scoped to the subtree."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.core.context import actor
from gonghui.core.models import ChangeLog
from gonghui.honours import selectors_honours as selectors
from gonghui.honours import services_honours as services
from gonghui.honours.models import Honour, HonourState
from gonghui.orgs.models import Organization
from gonghui.targets import figures, sources
from gonghui.utilities.periods import Period
from tests.honours.helpers import D, award, honour_data, nominate
from tests.members.helpers import add_member

pytestmark = pytest.mark.django_db


def test_nomination_moves_through_review_and_notice_to_award(world):
    honour = nominate(world, world.wujin_union)
    assert honour.state == HonourState.NOMINATED and str(honour) == "劳模甲（市级劳动模范）"
    user = world.wujin_admin
    with actor(user):
        with pytest.raises(ValidationError, match="不能公示"):
            services.honour_publicise(user=user, honour=honour, notice_start=D(2026, 4, 1), notice_end=D(2026, 4, 9))
        honour = services.honour_review(user=user, honour=honour)
        with pytest.raises(ValidationError, match="不少于 5 天"):
            services.honour_publicise(user=user, honour=honour, notice_start=D(2026, 4, 1), notice_end=D(2026, 4, 3))
        honour = services.honour_publicise(
            user=user, honour=honour, notice_start=D(2026, 4, 1), notice_end=D(2026, 4, 9)
        )
        with pytest.raises(ValidationError, match="不能早于公示结束"):
            services.honour_award(user=user, honour=honour, awarded_on=D(2026, 4, 5))
        with pytest.raises(ValidationError, match="不能晚于今天"):
            services.honour_award(
                user=user, honour=honour, awarded_on=timezone.localdate() + datetime.timedelta(days=1)
            )
        honour = services.honour_award(user=user, honour=honour, awarded_on=D(2026, 4, 28), certificate_no="A1")
    assert honour.state == HonourState.AWARDED
    assert list(honour.steps.values_list("action", flat=True)) == ["nominate", "review", "publicise", "award"]
    assert ChangeLog.objects.filter(object_id=str(honour.pk), action="update").count() >= 3


def test_person_and_collective_honours_need_their_holder(world):
    with pytest.raises(ValidationError, match="请选择获得者"):
        nominate(world, world.hutang)
    with pytest.raises(ValidationError, match="请填写获得集体"):
        nominate(world, world.hutang, kind="pioneer")
    honour = nominate(world, world.hutang, kind="pioneer", collective_name="甲公司电气车间")
    assert honour.holder_name == "甲公司电气车间" and honour.member is None


def test_member_must_belong_to_the_nominating_unit_and_no_duplicates(world):
    stranger = add_member(world, world.tianning_union, name="天宁人", serial=201)
    with pytest.raises(ValidationError, match="不在您的数据权限范围内"):
        nominate(world, world.wujin_union, member=stranger)
    honour = nominate(world, world.wujin_union)
    with pytest.raises(ValidationError, match="不能重复推荐"):
        nominate(world, world.wujin_union, member=honour.member)
    assert nominate(world, world.wujin_union, member=honour.member, kind="craftsman").kind == "craftsman"


def test_reject_needs_a_reason_and_only_approvers_act(world):
    honour = nominate(world, world.wujin_union)
    with actor(world.chair), pytest.raises(PermissionDenied):
        services.honour_review(user=world.chair, honour=honour)
    with actor(world.wujin_admin):
        with pytest.raises(ValidationError, match="理由"):
            services.honour_reject(user=world.wujin_admin, honour=honour, note="")
        honour = services.honour_reject(user=world.wujin_admin, honour=honour, note="公示期间收到实名反映")
    assert honour.state == HonourState.REJECTED
    with actor(world.tianning_admin), pytest.raises(PermissionDenied):
        services.honour_review(user=world.tianning_admin, honour=Honour.objects.get(pk=honour.pk))


def test_register_an_awarded_honour_and_its_care(world):
    member = add_member(world, world.wujin_union, name="老劳模", serial=301)
    with actor(world.wujin_admin):
        honour = services.honour_register(
            user=world.wujin_admin,
            data=honour_data(world.wujin_union, member, level="province", year=2015, awarding_body="江苏省人民政府"),
            awarded_on=D(2015, 4, 28),
        )
    assert honour.state == HonourState.AWARDED
    today = timezone.localdate()
    planned, missing = selectors.care_due(world.wujin_admin, today)
    assert {(m.honour.pk, m.kind) for m in missing} == {(honour.pk, "health_check"), (honour.pk, "recuperation")}
    with actor(world.wujin_admin):
        with pytest.raises(ValidationError, match="年内"):
            services.care_create(
                user=world.wujin_admin,
                honour=honour,
                data={"kind": "health_check", "year": today.year, "due_on": D(today.year - 1, 5, 1)},
            )
        services.care_create(
            user=world.wujin_admin,
            honour=honour,
            data={"kind": "health_check", "year": today.year, "due_on": today - datetime.timedelta(days=1)},
        )
    planned, missing = selectors.care_due(world.wujin_admin, today)
    assert [r.kind for r in planned] == ["health_check"]
    assert [m.kind for m in missing] == ["recuperation"]
    craftsman = nominate(world, world.wujin_union, member=member, kind="craftsman")
    with actor(world.wujin_admin), pytest.raises(ValidationError, match="享受劳模待遇"):
        services.care_create(
            user=world.wujin_admin,
            honour=craftsman,
            data={"kind": "visit", "year": today.year, "due_on": today, "amount": Decimal("500")},
        )
    other_planned, other_missing = selectors.care_due(world.tianning_admin, today)
    assert list(other_planned) == [] and other_missing == []


def test_only_nominations_are_deleted(world):
    honour = award(world, nominate(world, world.wujin_union))
    with actor(world.wujin_admin), pytest.raises(ValidationError, match="尚未审核"):
        services.honour_delete(user=world.wujin_admin, honour=honour)


@pytest.fixture
def awarded(world):
    award(world, nominate(world, world.wujin_union, name="武进劳模", serial=401), awarded_on=D(2026, 4, 28))
    award(
        world,
        nominate(world, world.tianning_union, name="天宁工匠", serial=402, kind="craftsman"),
        awarded_on=D(2026, 9, 1),
    )
    award(
        world, nominate(world, world.hutang, kind="pioneer", collective_name="湖塘先锋班组"), awarded_on=D(2026, 5, 1)
    )
    nominate(world, world.wujin_union, name="待评", serial=403)
    award(
        world, nominate(world, world.tianning_union, name="去年劳模", serial=404, year=2025), awarded_on=D(2025, 4, 28)
    )
    return world


@pytest.mark.parametrize(
    "period", [Period.quarter_of(2026, 2), Period.quarter_of(2026, 3), Period.year_of(2026)], ids=str
)
def test_model_workers_agree_with_a_naive_count(awarded, period):
    units = list(Organization.objects.order_by("path"))
    figures.refresh(2026)
    live = sources.values_by_unit("model_workers", units, period)
    rolled = figures.values(["model_workers"], units, period)
    for unit in units:
        expected = sum(
            1
            for h in Honour.objects.all()
            if h.state == "awarded"
            and h.member_id
            and h.awarded_on
            and period.start <= h.awarded_on <= period.end
            and h.org.path.startswith(unit.path)
        )
        assert live[unit.pk] == expected == rolled[("model_workers", unit.pk)], unit.name
    assert sources.value("model_workers", awarded.city, Period.year_of(2026)) == 2


def test_pages_and_exports_are_scoped(client, awarded):
    client.force_login(awarded.wujin_admin)
    body = client.get(reverse("honours:honour_list")).content.decode()
    assert "武进劳模" in body and "天宁工匠" not in body and "*" in body
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(client.get(reverse("honours:honour_list") + "?export=xlsx").content))
        .get_sheet_by_index(0)
        .to_python()
    )
    cells = {str(c) for row in rows for c in row}
    assert "武进劳模" in cells and "天宁工匠" not in cells
    assert not any(len(str(c)) == 18 and str(c).isdigit() for c in cells)
    query = f"?within={awarded.city.pk}&awarded_from=2026-01-01&awarded_to=2026-12-31&state=awarded&personal=1"
    body = client.get(reverse("honours:honour_list") + query).content.decode()
    assert "武进劳模" in body and "湖塘先锋班组" not in body
    other = Honour.objects.get(member__name="天宁工匠")
    for url in (
        reverse("honours:honour_detail", args=[other.pk]),
        reverse("honours:honour_edit", args=[other.pk]),
        reverse("honours:honour_delete", args=[other.pk]),
        reverse("honours:care_add", args=[other.pk]),
        reverse("api:get_honour", args=[other.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("honours:honour_step", args=[other.pk, "reject"]), {"note": "x"}).status_code == 404
    response = client.post(
        reverse("api:reject_honour", args=[other.pk]), {"note": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    with actor(awarded.tianning_admin):
        record = services.care_create(
            user=awarded.tianning_admin,
            honour=Honour.objects.get(member__name="去年劳模"),
            data={"kind": "visit", "year": 2026, "due_on": D(2026, 1, 20)},
        )
    for url in (reverse("honours:care_edit", args=[record.pk]), reverse("honours:care_delete", args=[record.pk])):
        assert client.get(url).status_code == 404
    assert "去年劳模" not in client.get(reverse("honours:care_due")).content.decode()
    assert "去年劳模" not in client.get(reverse("honours:care_list")).content.decode()
    assert all(row["holder_name"] != "去年劳模" for row in client.get(reverse("api:list_care_due")).json())


def test_nomination_through_the_pages(client, world):
    member = add_member(world, world.wujin_union, name="推荐人", serial=501)
    client.force_login(world.chair)
    data = {
        "kind": "model_worker",
        "level": "county",
        "title": "",
        "year": 2026,
        "awarding_body": "武进区人民政府",
        "org": world.wujin_union.pk,
        "member": member.member_card_number,
        "collective_name": "",
        "employer": "",
        "deeds": "事迹",
    }
    response = client.post(reverse("honours:honour_add"), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    honour = Honour.objects.get(member=member)
    client.force_login(world.wujin_admin)
    assert "审核通过" in client.get(honour.get_absolute_url()).content.decode()
    client.post(reverse("honours:honour_step", args=[honour.pk, "review"]), {"note": ""})
    response = client.post(
        reverse("honours:honour_step", args=[honour.pk, "publicise"]),
        {"notice_start": "2026-04-01", "notice_end": "2026-04-02"},
    )
    assert "不少于 5 天" in response.content.decode()
    client.post(
        reverse("honours:honour_step", args=[honour.pk, "publicise"]),
        {"notice_start": "2026-04-01", "notice_end": "2026-04-07"},
    )
    response = client.post(
        reverse("api:award_honour", args=[honour.pk]), {"awarded_on": "2026-04-28"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["state"] == "awarded"
    assert "*" in response.json()["id_number_masked"]
    response = client.post(
        reverse("honours:care_add", args=[honour.pk]), {"kind": "health_check", "year": 2026, "due_on": "2026-10-10"}
    )
    assert response.status_code == 302
    assert client.get(reverse("honours:care_due") + "?export=xlsx").status_code == 200


def test_register_page(client, world):
    member = add_member(world, world.wujin_union, name="登记人", serial=601)
    client.force_login(world.wujin_admin)
    data = {
        "kind": "may_day_medal",
        "level": "province",
        "title": "江苏省五一劳动奖章",
        "year": 2020,
        "awarding_body": "江苏省总工会",
        "org": world.wujin_union.pk,
        "member": member.member_card_number,
        "collective_name": "",
        "employer": "",
        "deeds": "事迹",
        "awarded_on": "2020-04-28",
        "certificate_no": "S1",
    }
    assert client.post(reverse("honours:honour_register"), data).status_code == 302
    assert Honour.objects.get(member=member).state == HonourState.AWARDED
    client.force_login(world.nobody)
    assert client.get(reverse("honours:honour_register")).status_code == 403
    assert client.get(reverse("honours:care_due")).status_code == 403
