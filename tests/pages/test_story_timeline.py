"""The story page's "Coverage over time": bars where some hour had several articles, else the times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from newsdesk.articles.models import Article
from tests.readers import builders

pytestmark = pytest.mark.django_db


def _story_at(*times: datetime):
    story = builders.story("Ferry strike ends", [f"Paper {c}" for c in "ABC"][: len(times)])
    for article, t in zip(Article.objects.filter(story=story).order_by("pk"), times, strict=True):
        Article.objects.filter(pk=article.pk).update(published_at=t)
    return story


def test_one_article_an_hour_is_told_as_times_not_equal_bars(client: Client) -> None:
    story = _story_at(
        datetime(2025, 12, 1, 10, 5, tzinfo=UTC),
        datetime(2025, 12, 1, 14, 20, tzinfo=UTC),
        datetime(2025, 12, 2, 9, 0, tzinfo=UTC),
    )
    page = client.get(f"/story/{story.pk}/").content.decode()
    assert "Published 1 Dec 10:05, 1 Dec 14:20 and 2 Dec 09:00 (UTC)." in page
    assert '<ol class="coverage"' not in page


def test_an_hour_with_several_articles_gets_a_longer_bar(client: Client) -> None:
    story = _story_at(
        datetime(2025, 12, 1, 10, 5, tzinfo=UTC),
        datetime(2025, 12, 1, 10, 40, tzinfo=UTC),
        datetime(2025, 12, 1, 16, 0, tzinfo=UTC),
    )
    page = client.get(f"/story/{story.pk}/").content.decode()
    chart = page.split('<ol class="coverage"')[1].split("</ol>")[0]
    assert '<span class="when">1 Dec 10:00</span><span class="bar" data-pct="100"></span>' in chart
    assert '<span class="when">1 Dec 16:00</span><span class="bar" data-pct="50"></span>' in chart
    assert "Published" not in chart
