"""API tokens: each user manages only their own; the raw token is shown once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts import services
from gonghui.accounts.api_auth import TokenAuth
from gonghui.accounts.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db


def test_pages_need_login(client, world):
    token, _raw = services.token_create(user=world.chair, name="脚本")
    for url in (
        reverse("accounts:token_list"),
        reverse("accounts:token_add"),
        reverse("accounts:token_revoke", args=[token.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_any_user_manages_own_tokens(login, world):
    client = login(world.nobody)  # no roles at all: tokens are personal, not a permission
    assert client.get(reverse("accounts:token_list")).status_code == 200
    response = client.post(reverse("accounts:token_add"), {"name": "统计系统对接", "expires_on": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw"]
    assert raw.startswith("gh_") and raw in response.content.decode()
    token = ApiToken.objects.get(user=world.nobody)
    assert token.token_hash == hash_token(raw) and token.prefix == raw[:8]
    listing = client.get(reverse("accounts:token_list")).content.decode()
    assert "统计系统对接" in listing and raw not in listing


def test_list_shows_only_own_tokens(login, world):
    services.token_create(user=world.chair, name="主席的令牌")
    services.token_create(user=world.sysadmin, name="管理员的令牌")
    body = login(world.sysadmin).get(reverse("accounts:token_list")).content.decode()
    assert "管理员的令牌" in body and "主席的令牌" not in body


def test_expiry(login, world):
    client = login(world.chair)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(reverse("accounts:token_add"), {"name": "旧", "expires_on": yesterday.isoformat()})
    assert "过期日期须晚于今天" in response.content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.post(reverse("accounts:token_add"), {"name": "新", "expires_on": tomorrow.isoformat()})
    token = ApiToken.objects.get(user=world.chair)
    assert timezone.localtime(token.expires_at).date() == tomorrow
    assert not token.is_expired


def test_revoke_with_confirmation(login, world):
    token, raw = services.token_create(user=world.chair, name="脚本")
    client = login(world.chair)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert "确定吊销令牌" in client.get(url).content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert client.post(url).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert TokenAuth().authenticate(None, raw) is None


def test_other_users_token_is_404_even_for_admins(login, world):
    token, _raw = services.token_create(user=world.chair, name="脚本")
    url = reverse("accounts:token_revoke", args=[token.pk])
    for user in (world.wujin_admin, world.sysadmin, world.tianning_admin):
        client = login(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    with pytest.raises(PermissionDenied):
        services.token_revoke(user=world.sysadmin, token=token)


def test_token_limit(world):
    for n in range(services.MAX_TOKENS_PER_USER):
        services.token_create(user=world.chair, name=f"t{n}")
    with pytest.raises(Exception, match="最多"):
        services.token_create(user=world.chair, name="one too many")
