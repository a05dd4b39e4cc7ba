"""Electronic member card: signed token, verification, nothing personal exposed."""

import datetime

import pytest
from django.urls import reverse

from gonghui.core.context import actor
from gonghui.members import card, services
from tests.members.helpers import add_member, id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(world):
    return add_member(world, world.wujin_union, name="王小红", serial=3, phone="13912345678")


def test_token_carries_no_id_number(member):
    token = card.card_token(member)
    assert id_number(3) not in token
    check = card.verify_card_token(token)
    assert check.valid and check.verdict == "有效" and check.member == member


def test_card_page_shows_qr_and_masked_name(client, member):
    token = card.card_token(member)
    response = client.get(reverse("member_card", args=[token]))
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html
    assert "王**" in html and member.member_card_number in html and "武进甲公司工会" in html
    assert id_number(3) not in html and "13912345678" not in html and "王小红" not in html
    assert reverse("card_verify", args=[token]) in html


def test_verify_valid(client, member):
    html = client.get(reverse("card_verify", args=[card.card_token(member)])).content.decode()
    assert "有效" in html and "无效" not in html and "武进甲公司工会" in html and "王**" in html
    assert id_number(3) not in html and member.id_number_masked not in html


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: "x" + t])
def test_tampered_token_is_invalid(client, member, mangle):
    html = client.get(reverse("card_verify", args=[mangle(card.card_token(member))])).content.decode()
    assert "无效" in html and "武进甲公司工会" not in html
    assert client.get(reverse("member_card", args=["garbage"])).status_code == 404


def test_token_with_other_salt_is_invalid(member):
    from django.core import signing

    forged = signing.dumps({"m": member.pk, "c": member.member_card_number, "d": "2025-01-01"}, salt="other")
    assert not card.verify_card_token(forged).valid


def test_member_no_longer_active_is_invalid(client, world, member):
    token = card.card_token(member)
    with actor(world.chair):
        services.member_leave(user=world.chair, member=member, date=datetime.date.today(), reason="离职")
    html = client.get(reverse("card_verify", args=[token])).content.decode()
    assert "无效（已退会）" in html
    assert not card.verify_card_token(token).valid
