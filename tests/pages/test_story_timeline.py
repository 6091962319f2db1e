"""The story page's "Coverage over time": bars where some hour had several articles, else the times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from newsdesk.articles.models import Article
from tests.readers import builders

pytestmark = pytest.mark.django_db


def _page_at(*hours_minutes: tuple[int, int, int]) -> str:
    """The story page of a story whose articles came on (day of Dec 2025, hour, minute)."""
    story = builders.story("Ferry strike ends", [f"Paper {c}" for c in "ABC"][: len(hours_minutes)])
    for article, (day, hour, minute) in zip(
        Article.objects.filter(story=story).order_by("pk"), hours_minutes, strict=True
    ):
        when = datetime(2025, 12, day, hour, minute, tzinfo=UTC)
        Article.objects.filter(pk=article.pk).update(published_at=when)
    return Client().get(f"/story/{story.pk}/").content.decode()


def test_one_article_an_hour_is_told_as_times_not_equal_bars() -> None:
    page = _page_at((1, 10, 5), (1, 14, 20), (2, 9, 0))
    assert "Published 1 Dec 10:05, 1 Dec 14:20 and 2 Dec 09:00 (UTC)." in page
    assert '<ol class="coverage"' not in page


def test_an_hour_with_several_articles_gets_a_longer_bar() -> None:
    page = _page_at((1, 10, 5), (1, 10, 40), (1, 16, 0))
    chart = page.split('<ol class="coverage"')[1].split("</ol>")[0]
    assert '<span class="when">1 Dec 10:00</span><span class="bar" data-pct="100"></span>' in chart
    assert '<span class="when">1 Dec 16:00</span><span class="bar" data-pct="50"></span>' in chart
    assert "Published" not in chart
