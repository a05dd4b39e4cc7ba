"""gonghui settings: one file, every value from the environment.

Each value goes through a small typed helper that fails loudly on a bad value,
so a misconfigured deployment stops at start-up instead of misbehaving later.
A local, git-ignored ``.env`` file (written by ``make demo`` / ``make test``)
supplies development keys; real environment variables always win.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines into os.environ without overriding what is set."""
    if not path.is_file():
        return
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=VALUE")
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip())


_load_env_file(Path(os.environ.get("GONGHUI_ENV_FILE", BASE_DIR / ".env")))


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item")
    return items


def env_key(name: str, *, sizes: tuple[int, ...] = (16, 32)) -> bytes:
    """A base64-encoded binary key of one of the allowed sizes."""
    value = env_str(name)
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name} is not valid base64") from None
    if len(key) not in sizes:
        raise ImproperlyConfigured(f"{name} must decode to {' or '.join(map(str, sizes))} bytes")
    return key


def env_keyring(name: str) -> dict[str, bytes]:
    """Key ring ``id:base64key,id:base64key`` so keys can rotate; the first is active."""
    ring: dict[str, bytes] = {}
    for item in env_list(name, []):
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id.isalnum():
            raise ImproperlyConfigured(f"{name}: each item must be id:base64key")
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"{name}: key {key_id} is not valid base64") from None
        if len(key) not in (16, 32):
            raise ImproperlyConfigured(f"{name}: key {key_id} must decode to 16 or 32 bytes")
        if key_id in ring:
            raise ImproperlyConfigured(f"{name}: key id {key_id} appears twice")
        ring[key_id] = key
    if not ring:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return ring


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters with 5 distinct ones")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Personal data: encryption keys (rotating ring) and the blind-index key.
PII_ENCRYPTION_KEYS = env_keyring("PII_ENCRYPTION_KEYS")
PII_INDEX_KEY = env_key("PII_INDEX_KEY", sizes=(32,))
PII_CIPHER = env_str("PII_CIPHER", "sm4-gcm")
if PII_CIPHER not in {"sm4-gcm", "aes-gcm"}:
    raise ImproperlyConfigured("PII_CIPHER must be sm4-gcm or aes-gcm")
# The blind-index hash is fixed for the life of a database: changing it needs a reindex.
PII_INDEX_HASH = env_str("PII_INDEX_HASH", "sm3")
if PII_INDEX_HASH not in {"sm3", "sha256"}:
    raise ImproperlyConfigured("PII_INDEX_HASH must be sm3 or sha256")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.members",
    "gonghui.notices",
    "gonghui.jobs",
    "gonghui.targets",
    "gonghui.intel",
    "gonghui.programmes",
    "gonghui.rights",
    "gonghui.honours",
    "gonghui.reports",
    "gonghui.unionwork",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gonghui.core.middleware.RequestContextMiddleware",
    "gonghui.accounts.middleware.SessionSecurityMiddleware",
    "gonghui.core.middleware.OperationLogMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"
ASGI_APPLICATION = "gonghui.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gonghui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the job worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

# Background jobs: django-tasks with the database backend; `manage.py jobs_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job whose worker has shown no sign of life for this long is re-queued (or failed after
# JOB_MAX_ATTEMPTS runs) by `manage.py job_recover` and by every worker's periodic sweep.
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 120)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 2)

# Computed indicator figures (targets.figures): after the records change, pages rebuild them at most
# this often (seconds), so a busy registry does not rebuild on every page view; 0 = always current.
TARGETS_FIGURES_MAX_LAG = env_int("TARGETS_FIGURES_MAX_LAG", 60)
# A year whose last rebuild took longer than this (milliseconds) is rebuilt by the job worker, not a page.
TARGETS_FIGURES_SYNC_MS = env_int("TARGETS_FIGURES_SYNC_MS", 3000)
# Progress boards and dashboards are cached under a version of their inputs (targets.board_cache) for at
# most this long (seconds); 0 turns the cache off. Any change to the inputs shows at once either way.
TARGETS_BOARD_CACHE_SECONDS = env_int("TARGETS_BOARD_CACHE_SECONDS", 900)
# The job worker sends the day's supervision-task reminders from this hour (local time) on.
TARGETS_REMINDER_HOUR = env_int("TARGETS_REMINDER_HOUR", 8)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gonghui.accounts.backends.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gonghui.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gonghui.accounts.passwords.CharacterClassValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("FAST_PASSWORD_HASHING", False)
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

# Login security
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["gonghui.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "gonghui" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("TESTING", False)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Outbound messages: email through Django's backend, SMS through a pluggable backend.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "gonghui@localhost")
SMS_BACKEND = env_str("SMS_BACKEND", "gonghui.notices.channels.ConsoleSmsBackend")

# Map tiles for later modules (天地图 / 高德 / OpenStreetMap style URL).
MAP_TILE_URL = env_str("MAP_TILE_URL", "-")
# The coordinate system the tiles are drawn in: wgs84 (天地图, OpenStreetMap) or gcj02 (高德); bd09 for 百度.
MAP_TILE_COORDS = env_str("MAP_TILE_COORDS", "wgs84")
if MAP_TILE_COORDS not in {"wgs84", "gcj02", "bd09"}:
    raise ImproperlyConfigured("MAP_TILE_COORDS must be wgs84, gcj02 or bd09")

# Production hardening: these pass `manage.py check --deploy` when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every step of a PDF at INFO; bulletins only need its warnings
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_PAGE_RANGE = 8
NINJA_PAGINATION_PER_PAGE = 50

# Rights cases (gonghui/rights/deadlines.py): the group-incident threshold and the resolution limits per
# tier in days (dispatch 30 min, response 2 h and callback 24 h follow the 12351 standard).
RIGHTS_GROUP_INCIDENT_THRESHOLD = env_int("RIGHTS_GROUP_INCIDENT_THRESHOLD", 10)
RIGHTS_CASE_LIMITS = {
    tier: {"resolution": env_int(f"RIGHTS_{tier.upper()}_RESOLUTION_DAYS", days) * 24 * 60}
    for tier, days in (("simple", 1), ("general", 5), ("complex", 15))
}
