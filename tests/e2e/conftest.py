"""Browser tests: Debian's chromium driven by Playwright against the site on a live loopback server.

Each test gets a fresh browser context; every JavaScript dialog and uncaught page error is
recorded (an XSS payload that runs shows up there), and a screenshot of the last page is saved
under `test-artifacts/e2e/` whatever the outcome.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM, used by the test body to
# set up data, refuses to run beside a running loop unless told the loop is not ours to guard.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

pytestmark = pytest.mark.e2e


@dataclass
class PageEvents:
    """What the page did that a user would notice but a test cannot see in the DOM."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page_events() -> PageEvents:
    return PageEvents()


@pytest.fixture
def page(browser, page_events: PageEvents, request: pytest.FixtureRequest) -> Iterator[object]:
    """A new page in a fresh context; dialogs are dismissed and recorded, never left hanging."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()

    def on_dialog(dialog) -> None:
        page_events.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda exc: page_events.page_errors.append(str(exc)))
    pg.on("console", lambda msg: msg.type == "error" and page_events.console_errors.append(msg.text))
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # A crashed page still must not hide the test's own failure.
    with contextlib.suppress(Exception):
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def site(live_server, settings) -> str:
    """The base URL of the site served on loopback for this test (real HTTP, test database); it is
    also the site's public address, as an operator sets NEWSDESK_SITE_URL (mailed links use it)."""
    settings.NEWSDESK_SITE_URL = live_server.url
    return live_server.url
