"""Login security through the real pages: lockout, counter reset, idle timeout, forced change, policy."""

import json
import time

import pytest
from django.conf import settings
from django.urls import reverse

from gonghui.accounts import services
from gonghui.accounts.middleware import LAST_SEEN_KEY
from gonghui.accounts.models import LoginEvent, LoginLog, User
from gonghui.core.models import ChangeLog
from tests.world import make_user

pytestmark = pytest.mark.django_db

LOCKED_MESSAGE = "账号因多次密码错误已被锁定"


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def events(username):
    return list(LoginLog.objects.filter(username=username).order_by("pk").values_list("event", flat=True))


def test_lockout_after_max_failures(client, world, password):
    limit = settings.LOGIN_MAX_FAILURES
    for attempt in range(1, limit):
        response = post_login(client, "chair", "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()
        assert User.objects.get(pk=world.chair.pk).failed_login_count == attempt
    response = post_login(client, "chair", "wrong-password")
    body = response.content.decode()
    assert LOCKED_MESSAGE in body and f"{settings.LOGIN_LOCKOUT_MINUTES} 分钟后再试" in body
    assert User.objects.get(pk=world.chair.pk).is_locked
    assert events("chair") == [LoginEvent.FAILED] * (limit - 1) + [LoginEvent.LOCKED]
    # The right password does not help while locked, and the refusal is logged.
    response = post_login(client, "chair", password)
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert events("chair")[-1] == LoginEvent.LOCKED
    assert LoginLog.objects.filter(username="chair", reason="账号已锁定，拒绝登录").exists()


def test_unlock_by_sysadmin_lets_user_in(client, world, password):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        post_login(client, "chair", "wrong-password")
    services.user_unlock(user=world.sysadmin, target=world.chair)
    response = post_login(client, "chair", password)
    assert response.status_code == 302


def test_success_resets_the_counter(client, world, password):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        post_login(client, "chair", "wrong-password")
    assert User.objects.get(pk=world.chair.pk).failed_login_count == settings.LOGIN_MAX_FAILURES - 1
    response = post_login(client, "chair", password)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert User.objects.get(pk=world.chair.pk).failed_login_count == 0
    assert events("chair")[-1] == LoginEvent.LOGIN
    client.post(reverse("logout"))
    # A fresh run of failures starts from zero: one more failure does not lock.
    post_login(client, "chair", "wrong-password")
    assert not User.objects.get(pk=world.chair.pk).is_locked


def test_unknown_user_is_logged_without_user(client, world):
    response = post_login(client, "no-such-user", "whatever")
    assert "用户名或密码错误" in response.content.decode()
    row = LoginLog.objects.get(username="no-such-user")
    assert row.event == LoginEvent.FAILED and row.user is None


def test_inactive_user_gets_the_disabled_message(client, world, password):
    User.objects.filter(pk=world.chair.pk).update(is_active=False)
    response = post_login(client, "chair", password)
    assert "该账号已停用，请联系系统管理员。" in response.content.decode()
    assert User.objects.get(pk=world.chair.pk).failed_login_count == 0
    assert (
        LoginLog.objects.filter(username="chair", event=LoginEvent.FAILED, reason="账号已停用，拒绝登录").count() == 1
    )
    # A wrong password on a disabled account says nothing about the account.
    response = post_login(client, "chair", "wrong-password")
    assert "用户名或密码错误" in response.content.decode()


def test_idle_timeout_logs_out(login, world):
    client = login(world.chair)
    assert client.get(reverse("accounts:token_list")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    url = reverse("accounts:token_list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert events("chair")[-2:] == [LoginEvent.TIMEOUT, LoginEvent.LOGOUT]
    # The session is gone: the next request is anonymous.
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_activity_within_the_limit_keeps_the_session(login, world):
    client = login(world.chair)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 60
    session.save()
    assert client.get(reverse("accounts:token_list")).status_code == 200


def test_background_polls_do_not_count_as_activity(login, world):
    client = login(world.chair)
    session = client.session
    stale = time.time() - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 30
    session[LAST_SEEN_KEY] = stale
    session.save()
    poll = client.get(reverse("notices:unread_count"), HTTP_HX_REQUEST="true", HTTP_X_GONGHUI_POLL="1")
    assert poll.status_code == 200
    assert client.session[LAST_SEEN_KEY] == stale  # the timer was not refreshed


def test_expired_session_redirects_htmx_requests_whole_page(login, world):
    client = login(world.chair)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("notices:unread_count"), HTTP_HX_REQUEST="true", HTTP_X_GONGHUI_POLL="1")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_forced_password_change(client, world, password):
    user = make_user("newbie", world.wujin)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    response = post_login(client, "newbie", password)
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get(reverse("accounts:token_list"))["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Brand#new2026x", "new_password2": "Brand#new2026x"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.password_changed_at is not None
    assert client.get(reverse("home")).status_code == 200


def test_forced_change_after_admin_reset(client, world):
    new_password = services.user_reset_password(user=world.sysadmin, target=world.chair)
    post_login(client, "chair", new_password)
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_demo_users_are_exempt(client, world, password):
    make_user("demo", world.wujin, is_demo=True)
    User.objects.filter(username="demo").update(must_change_password=True)
    post_login(client, "demo", password)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Ab1!", "密码太短，至少需要 10 个字符。"),
        ("abcdefghijk", "密码须至少包含大写字母、小写字母、数字、特殊符号中的 3 类。"),
        ("1234567890123", "密码只包含数字。"),
        ("password123", "这个密码太常见了。"),
        ("Wujin_admin1", "密码跟 用户名 太相似了。"),
    ],
)
def test_password_policy_rejects_weak_passwords(login, world, password, new_password, message):
    client = login(world.wujin_admin)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    world.wujin_admin.refresh_from_db()
    assert world.wujin_admin.check_password(password)


def test_new_password_must_differ(login, world, password):
    response = login(world.chair).post(
        reverse("password_change"), {"old_password": password, "new_password1": password, "new_password2": password}
    )
    assert "新密码不能与当前密码相同。" in response.content.decode()


def test_change_log_never_holds_the_password_hash(login, world, password):
    """User writes are change-logged; the password (hash or raw) never reaches the log."""
    target, initial = services.user_create(user=world.sysadmin, data={"username": "zhaoliu", "org": world.wujin})
    hashes = {User.objects.get(pk=target.pk).password}
    reset = services.user_reset_password(user=world.sysadmin, target=target)
    hashes.add(User.objects.get(pk=target.pk).password)
    client = login(world.chair)
    client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Other#pass2026", "new_password2": "Other#pass2026"},
    )
    hashes.add(User.objects.get(pk=world.chair.pk).password)
    rows = ChangeLog.objects.filter(content_type__model="user")
    assert rows.filter(object_id=str(target.pk), action="create").exists()
    assert rows.filter(object_id=str(target.pk), action="update").exists()
    # A password-only change is still recorded (as ***), so the audit trail shows it happened.
    own_change = rows.filter(object_id=str(world.chair.pk), action="update").latest("pk")
    assert own_change.before["password"] == own_change.after["password"] == "***"
    dump = json.dumps([[row.before, row.after] for row in rows], ensure_ascii=False)
    for secret in (*hashes, initial, reset, "Other#pass2026", password):
        assert secret not in dump
    for row in rows:
        for state in (row.before, row.after):
            if state and "password" in state:
                assert state["password"] in ("***", "")
