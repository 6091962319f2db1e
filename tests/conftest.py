"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NEWSDESK_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The third-party data set beside the repository (../shared/data); skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (set NEWSDESK_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def hashing_embedder(settings):
    """The hashing embedder instead of MiniLM, for tests about something other than similarity:
    it keeps the vector half of search and the embed stage cheap."""
    from newsdesk.articles import vectors

    settings.NEWSDESK_EMBEDDER = "hashing"
    vectors.reset()
    yield
    vectors.reset()


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Pages are made afresh on every request in tests, except where a test asks for the page
    cache (`page_cache`): most tests change rows directly, as no event on a live site would."""
    settings.NEWSDESK_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _read_marks_in_request(settings):
    """An opened article is marked read in its own request, so a test sees the mark as soon as the
    page answers (tests/readers/test_opened.py checks the web processes' batches)."""
    settings.NEWSDESK_READ_MARKS_BATCH_S = 0


@pytest.fixture(autouse=True)
def _readers_kept_apart():
    """Each test starts with no reader state kept by this process (readers/state.py) and no hole
    texts (readers/holes.py): a rolled-back test's user ids come back in the next test."""
    from newsdesk.readers.holes import TEXTS
    from newsdesk.readers.state import KEPT

    KEPT.clear()
    TEXTS.clear()
    yield
    KEPT.clear()
    TEXTS.clear()


@pytest.fixture
def page_cache(settings, tmp_path_factory):
    """The page cache on, empty, with this process's view of the change log started afresh; its
    shared files in a folder of this test's own (parallel test processes share NEWSDESK_HOME)."""
    from newsdesk.pages.cache import STORE
    from newsdesk.runtime import pagechanges

    settings.NEWSDESK_HOME = tmp_path_factory.mktemp("home")
    settings.NEWSDESK_PAGE_CACHE = True
    STORE.clear()
    pagechanges.FEED.forget()
    yield STORE
    STORE.clear()
    pagechanges.FEED.forget()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd); Django sends its mail there for this test."""
    from newsdesk.testing.smtp import LocalSMTPServer

    with LocalSMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server


# --- which database the run uses -------------------------------------------------------------
# `make test` runs the suite twice: on SQLite, then with DATABASE_URL=postgres://… . The second
# pass runs only the tests that touch the database (a django_db marker, a database fixture, or
# the `database` marker for tests that drive processes against the configured database); tests
# that never open a connection would only repeat themselves.
DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "client", "admin_client", "live_server"}


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") or item.get_closest_marker("database"):
        return True
    return bool(DB_FIXTURES & set(getattr(item, "fixturenames", ())))


def _postgres_unreachable() -> str | None:
    """Why the PostgreSQL server in DATABASE_URL cannot be reached, or None when it can."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at {url.split('@')[-1]} is not reachable ({str(exc).strip()[:200]})"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _on_postgres():
        return
    kept = [item for item in items if _uses_database(item)]
    deselected = [item for item in items if not _uses_database(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
    if reason := _postgres_unreachable():
        skip = pytest.mark.skip(reason=f"{reason}: the PostgreSQL pass is skipped")
        for item in items:
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    if _on_postgres():
        return "database: PostgreSQL (only the database tests run in this pass)"
    return "database: SQLite"


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Each test's database starts empty and reuses primary keys: the per-process vector index,
    near-duplicate index and story clusterer must not carry an earlier test's articles into it."""
    from newsdesk.articles import vectors
    from newsdesk.flow import processing
    from newsdesk.stories import assign

    vectors.forget_index()
    processing.forget_near_index()
    assign.reset()
