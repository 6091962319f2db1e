"""The site renders in a real browser with no script error (the harness the other browser tests use)."""

from __future__ import annotations

import pytest

from newsdesk.sources.models import Source

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_page_renders_in_chromium_without_script_errors(site, page, page_events) -> None:
    Source.objects.create(url="https://example.org/feed", canonical_url="example.org/feed", title="Example")
    page.goto(f"{site}/sources/")
    assert page.get_by_role("link", name="Example").is_visible()
    page.goto(site + "/")
    assert page.title()
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page_events.page_errors == []
    assert page_events.dialogs == []
