"""Entity pages only for entities seen in several articles (issue 17, point 6): a name in one or two
articles (often a misread title: "Follow Ape Academy") gets no page, no link and no Follow button."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from newsdesk.articles.entities import index_article, with_pages
from newsdesk.articles.models import Article, Insight
from tests.readers import builders


@pytest.mark.django_db
@override_settings(NEWSDESK_ENTITY_PAGE_MIN_ARTICLES=3)
def test_an_entity_needs_several_articles_for_a_page_and_a_link(client) -> None:
    builders.story("Ministers meet on budget", ["Outlet A", "Outlet B", "Outlet C"], people=["Maria Ortiz"])
    builders.story("Console launch draws queues", ["Outlet D", "Outlet E"], people=["Ape Academy"])
    for insight in Insight.objects.select_related("article"):  # what the worker does with each panel
        index_article(insight.article, insight.data)
    assert with_pages(["maria-ortiz", "ape-academy", "nobody"]) == {"maria-ortiz"}

    assert client.get("/entity/ape-academy/").status_code == 404
    assert client.get("/entity/maria-ortiz/").status_code == 200

    lone = Article.objects.filter(title__startswith="Console launch").first()
    html = client.get(f"/article/{lone.pk}/").content.decode()
    assert "Ape Academy" in html and 'href="/entity/ape-academy/"' not in html  # named, not linked
    wide = Article.objects.filter(title__startswith="Ministers meet").first()
    assert 'href="/entity/maria-ortiz/"' in client.get(f"/article/{wide.pk}/").content.decode()

    # A signed-in reader is offered "Follow Maria Ortiz", never "Follow Ape Academy".
    client.force_login(User.objects.create_user("reader", password="x" * 12))
    for article in (lone, wide):
        html = client.get(f"/article/{article.pk}/").content.decode()
        offered = set(re.findall(r'name="key" value="([^"]+)"', html))
        assert "ape-academy" not in offered
    assert "maria-ortiz" in offered
