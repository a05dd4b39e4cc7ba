"""Settings: typed helpers fail loudly; production settings pass check --deploy with no warnings."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gonghui import settings as s

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert s.env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        s.env_bool("X_FLAG", False)


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("X_INT", "12x")
    with pytest.raises(ImproperlyConfigured):
        s.env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a,,b")
    with pytest.raises(ImproperlyConfigured):
        s.env_list("X_LIST", [])
    monkeypatch.delenv("X_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured):
        s.env_str("X_REQUIRED")


def test_keyring(monkeypatch):
    key = base64.b64encode(b"k" * 32).decode()
    monkeypatch.setenv("X_RING", f"k2:{key},k1:{key}")
    ring = s.env_keyring("X_RING")
    assert list(ring) == ["k2", "k1"]
    for bad in (f"k1{key}", "k1:notbase64!", f"k1:{base64.b64encode(b'short').decode()}", f"k1:{key},k1:{key}"):
        monkeypatch.setenv("X_RING", bad)
        with pytest.raises(ImproperlyConfigured):
            s.env_keyring("X_RING")


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    key = base64.b64encode(os.urandom(32)).decode()
    env.update(
        DEBUG="0",
        SECRET_KEY="p" + base64.b64encode(os.urandom(48)).decode(),
        ALLOWED_HOSTS="gonghui.example.cn",
        PII_ENCRYPTION_KEYS=f"k1:{key}",
        PII_INDEX_KEY=key,
        DATABASE_URL="sqlite:////tmp/gonghui-deploy-check.sqlite3",
        GONGHUI_ENV_FILE="/nonexistent",
        TESTING="0",
        DJANGO_SETTINGS_MODULE="gonghui.settings",
    )
    env.update(extra)
    return env


def test_check_deploy_has_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"PII_INDEX_KEY": "abc"}, "PII_INDEX_KEY"),
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"PII_CIPHER": "des"}, "PII_CIPHER"),
    ],
)
def test_bad_production_values_stop_start_up(extra, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr
