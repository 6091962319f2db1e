"""Django settings: the one place where configuration lives.

Everything an operator may change comes from the environment (NEWSDESK_*, DATABASE_URL,
REDIS_URL), so the same code runs embedded (SQLite, Huey on SQLite) and scaled out
(PostgreSQL, Huey on Redis).
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import dj_database_url

from newsdesk.runtime import siteurl


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
    try:
        # Created owner-only before a byte is written (no moment where others may read it); O_EXCL:
        # of two processes starting at once, one writes and the other reads what it wrote.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            if key := path.read_text().strip():
                return key
            time.sleep(0.1)
        raise RuntimeError(
            f"{path} is empty: delete it (a new key is made) or set NEWSDESK_SECRET_KEY"
        ) from None
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("NEWSDESK_DEBUG")
# The site's public address: every absolute link in mails, feeds, the API and webhook bodies starts
# with it (never with the request's Host header), and ALLOWED_HOSTS is its host plus loopback (plus
# NEWSDESK_ALLOWED_HOSTS): a request naming any other host is refused with 400.
NEWSDESK_SITE_URL = os.environ.get("NEWSDESK_SITE_URL", "http://localhost:8000").strip().rstrip("/")
ALLOWED_HOSTS = siteurl.allowed_hosts(NEWSDESK_SITE_URL, os.environ.get("NEWSDESK_ALLOWED_HOSTS", ""))
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("NEWSDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
if (site_origin := siteurl.origin(NEWSDESK_SITE_URL)) and site_origin not in CSRF_TRUSTED_ORIGINS:
    CSRF_TRUSTED_ORIGINS.append(site_origin)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "newsdesk.images",
    "newsdesk.sources",
    "newsdesk.articles",
    "newsdesk.stories",
    "newsdesk.readers",
    "newsdesk.comments",
    "newsdesk.api",
    "ninja",  # its own copy of Swagger UI for /api/docs, so the docs page needs no CDN
    "newsdesk.readersync",
    "newsdesk.webhooks",
    "newsdesk.operations",
    "newsdesk.runtime",
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

# The user read with their state version, profile, ban and role in one query (comments/auth.py);
# ModelBackend after it reads sessions made before it.
AUTHENTICATION_BACKENDS = [
    "newsdesk.comments.auth.ReaderBackend",
    "django.contrib.auth.backends.ModelBackend",
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
                "newsdesk.pages.context.site_sections",
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
# Adding a URL (a worker's task, never a web request's): the page and at most 4 of the feeds it
# lists are fetched within this many seconds in all.
NEWSDESK_ADD_DEADLINE_S = float(os.environ.get("NEWSDESK_ADD_DEADLINE_S", "45"))
# How long a worker holds an article it works on: long enough for robots.txt + page fetch (20 s
# each) + extraction; short enough that work held by a killed worker is taken up again soon.
NEWSDESK_ARTICLE_LEASE_S = int(os.environ.get("NEWSDESK_ARTICLE_LEASE_S", "120"))
# The sweep re-queues unfinished articles untouched for this long (their task was lost with a
# killed worker or an emptied Redis); younger ones are presumably still in the queue.
NEWSDESK_SWEEP_STALE_S = int(os.environ.get("NEWSDESK_SWEEP_STALE_S", "120"))
# A story's panel is re-made once no member has joined or left for this long (a story gaining ten
# articles in a minute during an import gets one new panel, not ten).
NEWSDESK_STORY_PANEL_DEBOUNCE_S = int(os.environ.get("NEWSDESK_STORY_PANEL_DEBOUNCE_S", "60"))
# Embeddings: "minilm" (all-MiniLM-L6-v2 on torch, offline from its PyPI package; CUDA when present,
# else bf16 on CPUs that have it, one thread and one model copy per core), "minilm-onnx" (ONNX Runtime
# int8; needs the optional onnxruntime and onnx packages) or "hashing" (a fast, model-free fallback;
# much weaker similarity).
NEWSDESK_EMBEDDER = os.environ.get("NEWSDESK_EMBEDDER", "minilm")
# Word pieces of title + lead embedded: 256 (default) clusters best; 128 embeds twice as fast but loses
# stories whose event comes after the first ~90 words. Changing it on a running site mixes vectors until
# articles are embedded again.
NEWSDESK_EMBED_MAX_TOKENS = int(os.environ.get("NEWSDESK_EMBED_MAX_TOKENS", "256"))
# A vector index of at least this many articles is saved under NEWSDESK_HOME/index (after a build and
# hourly by the worker) so the next process on this machine starts from it: building the graph takes
# 13–15 minutes at a million articles on 2 cores, loading a snapshot seconds (benchmarks.search).
NEWSDESK_INDEX_SNAPSHOT_MIN = int(os.environ.get("NEWSDESK_INDEX_SNAPSHOT_MIN", "50000"))
# Reader pages made once and kept until an event changes them (pages/cache.py); 0 turns it off.
NEWSDESK_PAGE_CACHE = _env_bool("NEWSDESK_PAGE_CACHE", True)
# Articles opened by signed-in readers are marked read by each process's writer thread, a batch every
# this many seconds (readers/opened.py); 0 writes each mark in its request.
NEWSDESK_READ_MARKS_BATCH_S = float(os.environ.get("NEWSDESK_READ_MARKS_BATCH_S", "0.2"))
# spaCy pipeline for named entities (en_core_web_md 3.8.0 from a hash-pinned PyPI upload; en_core_web_sm
# is the smaller one).
NEWSDESK_SPACY_MODEL = os.environ.get("NEWSDESK_SPACY_MODEL", "en_core_web_md")
# An entity (person, organisation, place) gets a page, links and a Follow button once this many
# articles mention it: one or two mentions are too thin, and too often a misread title.
NEWSDESK_ENTITY_PAGE_MIN_ARTICLES = int(os.environ.get("NEWSDESK_ENTITY_PAGE_MIN_ARTICLES", "3"))
NEWSDESK_RAW_STORE = Path(os.environ.get("NEWSDESK_RAW_STORE", NEWSDESK_HOME / "raw"))

# The site's sections (a JSON list of {slug, name, words}); the built-in list without the file.
NEWSDESK_SECTIONS_FILE = os.environ.get("NEWSDESK_SECTIONS_FILE", str(NEWSDESK_HOME / "sections.json"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NEWSDESK_LOG_LEVEL", "INFO")},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # faiss's loader reports each SIMD build it looked for at INFO, as ModuleNotFoundError lines
        # that read like a failure (faiss 1.15 picks its SIMD level inside one library).
        "faiss": {"level": "WARNING"},
    },
}

# Accounts (readers/accounts.py): argon2 first; older hashes are upgraded at the next log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "front"
LOGOUT_REDIRECT_URL = "front"
# E-mail: SMTP when NEWSDESK_EMAIL_HOST is set, else printed on the console.
# A reader's personal briefing feed link (it shows what they follow) ends after this many days, and
# when their password changes; the briefing page always shows the current one.
NEWSDESK_BRIEFING_LINK_DAYS = int(os.environ.get("NEWSDESK_BRIEFING_LINK_DAYS", "90"))
NEWSDESK_EMAIL_HOST = os.environ.get("NEWSDESK_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "NEWSDESK_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if NEWSDESK_EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = NEWSDESK_EMAIL_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("NEWSDESK_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("NEWSDESK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("NEWSDESK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("NEWSDESK_EMAIL_TLS")
EMAIL_USE_SSL = _env_bool("NEWSDESK_EMAIL_SSL")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", os.environ.get("NEWSDESK_EMAIL_FROM", "newsdesk@localhost")
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Sessions and CSRF: HTTP-only, SameSite=Lax, Secure (+ HSTS) when served over HTTPS.
NEWSDESK_HTTPS = _env_bool("NEWSDESK_HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = NEWSDESK_HTTPS
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("NEWSDESK_SESSION_DAYS", "14")) * 86400
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if NEWSDESK_HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    if _env_bool("NEWSDESK_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
PASSWORD_RESET_TIMEOUT = 3 * 86400
# Client address for per-IP limits: REMOTE_ADDR, or the last hop of this header behind a proxy
# (e.g. HTTP_X_FORWARDED_FOR); never trust a header a client can set directly.
NEWSDESK_CLIENT_IP_HEADER = os.environ.get("NEWSDESK_CLIENT_IP_HEADER", "")
# Rates as "N/SECONDS", counted in the database (readers/ratelimit.py).
NEWSDESK_LOGIN_FAILURES_ACCOUNT = os.environ.get("NEWSDESK_LOGIN_FAILURES_ACCOUNT", "5/900")
NEWSDESK_LOGIN_FAILURES_IP = os.environ.get("NEWSDESK_LOGIN_FAILURES_IP", "20/900")
NEWSDESK_SIGNUP_RATE_IP = os.environ.get("NEWSDESK_SIGNUP_RATE_IP", "10/3600")
NEWSDESK_EMAIL_RATE = os.environ.get("NEWSDESK_EMAIL_RATE", "5/3600")  # reset/verification mails
NEWSDESK_COMMENT_RATE_USER = os.environ.get("NEWSDESK_COMMENT_RATE_USER", "5/60")
NEWSDESK_COMMENT_RATE_IP = os.environ.get("NEWSDESK_COMMENT_RATE_IP", "20/60")
NEWSDESK_REPORT_RATE_USER = os.environ.get("NEWSDESK_REPORT_RATE_USER", "10/600")
# Comments (comments/): edit window, and the spam signals that hold a comment for review.
NEWSDESK_COMMENT_EDIT_MINUTES = int(os.environ.get("NEWSDESK_COMMENT_EDIT_MINUTES", "15"))
NEWSDESK_COMMENT_MAX_LINKS = int(os.environ.get("NEWSDESK_COMMENT_MAX_LINKS", "2"))
NEWSDESK_COMMENT_NEW_ACCOUNT_HOURS = float(os.environ.get("NEWSDESK_COMMENT_NEW_ACCOUNT_HOURS", "24"))
NEWSDESK_COMMENT_REPORTS_TO_HOLD = int(os.environ.get("NEWSDESK_COMMENT_REPORTS_TO_HOLD", "3"))
# JSON API (newsdesk.api): requests a minute per token, or per client address without one; 0 = no limit.
NEWSDESK_API_RATE_PER_MIN = int(os.environ.get("NEWSDESK_API_RATE_PER_MIN", "300"))
if REDIS_URL:
    # One cache for all web processes, so rate limits hold across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("NEWSDESK_QUEUE_NAME", "newsdesk"),
        }
    }
# Webhooks: tries per event, back-off base (doubling), the total time one call may take (DNS to
# the reply, however slowly the receiver answers), failures in a row
# after which a hook is turned off (with the reason shown).
NEWSDESK_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("NEWSDESK_WEBHOOK_MAX_ATTEMPTS", "6"))
NEWSDESK_WEBHOOK_RETRY_BASE_S = float(os.environ.get("NEWSDESK_WEBHOOK_RETRY_BASE_S", "30"))
NEWSDESK_WEBHOOK_TIMEOUT_S = float(os.environ.get("NEWSDESK_WEBHOOK_TIMEOUT_S", "10"))
NEWSDESK_WEBHOOK_DISABLE_AFTER = int(os.environ.get("NEWSDESK_WEBHOOK_DISABLE_AFTER", "10"))
# A reader's own hooks at most (each story event is sent to every hook: 1,000 hooks of one reader
# would turn the site into a flood at whatever URL they name); deliveries run on their own queue
# with this many threads per worker, so slow receivers never hold the threads ingest needs.
NEWSDESK_WEBHOOKS_PER_READER = int(os.environ.get("NEWSDESK_WEBHOOKS_PER_READER", "10"))
NEWSDESK_WEBHOOK_THREADS = int(os.environ.get("NEWSDESK_WEBHOOK_THREADS", "2"))

# Operations: /healthz fails when the newest worker heartbeat is older than this, or the queue
# holds more tasks than NEWSDESK_QUEUE_DEPTH_MAX.
NEWSDESK_HEARTBEAT_MAX_AGE_S = int(os.environ.get("NEWSDESK_HEARTBEAT_MAX_AGE_S", "180"))
NEWSDESK_QUEUE_DEPTH_MAX = int(os.environ.get("NEWSDESK_QUEUE_DEPTH_MAX", "10000"))
# Process-local metrics (HTTP and AI latency) are shared through files in this folder
# (prometheus-client's multiprocess mode), so every process's observations are counted.
NEWSDESK_METRICS_DIR = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR", NEWSDESK_HOME / "metrics"))
NEWSDESK_METRICS_DIR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(NEWSDESK_METRICS_DIR))
MIDDLEWARE.insert(0, "newsdesk.operations.middleware.RequestMetricsMiddleware")
# NEWSDESK_LOG_FORMAT=json: one JSON object a line (time, level, logger, message, request id,
# route, status, duration).
NEWSDESK_LOG_FORMAT = os.environ.get("NEWSDESK_LOG_FORMAT", "plain")
LOGGING["formatters"]["json"] = {"()": "newsdesk.runtime.logs.JsonFormatter"}
LOGGING["handlers"]["console"]["formatter"] = "json" if NEWSDESK_LOG_FORMAT == "json" else "plain"
LOGGING["handlers"]["console"]["filters"] = ["request_context"]
LOGGING["filters"] = {"request_context": {"()": "newsdesk.runtime.logs.RequestContextFilter"}}
# /metrics asks for `Authorization: Bearer <token>` when this is set (else it is open).
NEWSDESK_METRICS_TOKEN = os.environ.get("NEWSDESK_METRICS_TOKEN", "")
# Optional LLM (issue 4, point 7): an OpenAI-compatible server (Ollama, vLLM, llama.cpp server) that may
# rewrite story summaries and answers from their cited sentences only; every generated sentence must
# pass the grounding check or is dropped. Unset: the extractive panel is the whole product.
NEWSDESK_LLM_URL = os.environ.get("NEWSDESK_LLM_URL", "").strip()
NEWSDESK_LLM_MODEL = os.environ.get("NEWSDESK_LLM_MODEL", "").strip()
NEWSDESK_LLM_TIMEOUT = float(os.environ.get("NEWSDESK_LLM_TIMEOUT", "30"))
# New questions a story page may send to the LLM per reader (account, else client address): each
# is queued for the worker, and its outcome (failures too) cached per story.
NEWSDESK_ASK_LLM_RATE = os.environ.get("NEWSDESK_ASK_LLM_RATE", "20/3600")
# Content-Security-Policy on HTML responses (src/newsdesk/security.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "newsdesk.security.ContentSecurityPolicyMiddleware",
)
