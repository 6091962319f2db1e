"""In a real browser: a story panel's citation opens the outlet's article at the cited sentence."""

from __future__ import annotations

import pytest

from newsdesk.stories.insights import story_panel
from newsdesk.stories.models import Story
from tests.stories.bridge import bridge_story

__all__ = ["bridge_story"]  # the fixture
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citation_lands_on_the_cited_sentence(bridge_story: Story, site, page, page_events, settings) -> None:
    settings.NEWSDESK_ENTITY_PAGE_MIN_ARTICLES = 2  # two of the outlets name Maria Lopez
    insight = story_panel(bridge_story)  # made before the browser asks, as the worker does
    assert insight is not None
    page.goto(f"{site}/story/{bridge_story.pk}/")
    star = page.locator(".disagreements a.cite", has_text="Evening Star").first
    href = star.get_attribute("href")
    assert href and "#s-" in href
    star.click()
    page.wait_for_url(f"**{href}")
    cited = page.locator(f"#{href.split('#')[1]}")
    cited.wait_for(state="visible")
    assert "At least 14 people were killed" in cited.inner_text()
    assert "cited" in (cited.get_attribute("class") or "")
    # The entity links of the story panel lead to entity pages listing the outlets' articles.
    page.go_back()
    page.locator(".story-panel a.entity", has_text="Maria Lopez").click()
    page.wait_for_url("**/entity/maria-lopez/")
    assert "At least 14 dead as Riverton bridge falls" in page.content()
    assert page_events.page_errors == []
