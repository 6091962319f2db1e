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
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd); Django sends its mail there for this test."""
    from newsdesk.testing.smtp import LocalSMTPServer

    with LocalSMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Each test's database starts empty and reuses primary keys: the per-process vector index and
    story clusterer must not carry an earlier test's articles into it."""
    from newsdesk.articles import vectors
    from newsdesk.stories import assign

    vectors.forget_index()
    assign.reset()
