"""Mutes hold in search and related articles too, on articles that went through the real pipeline
(MiniLM embeddings, stories, full-text index): the three events of the story tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.readers.models import Mute
from tests.stories.test_stories import _ingest

pytestmark = pytest.mark.django_db


def test_muted_source_and_keyword_vanish_from_search_and_related(tmp_path: Path, client: Client) -> None:
    _ingest(tmp_path)
    soyuz = Article.objects.get(guid="soyuz-0")
    rocket = Article.objects.get(guid="starship-0")
    reader = User.objects.create_user("jo")
    client.force_login(reader)

    # Before: the rocket story is related to the Soyuz report, and search finds both events.
    related = client.get(f"/article/{soyuz.pk}/").content.decode().split('id="related-h"')[1]
    assert "SpaceX cargo flight" in related
    found = [r["source"] for r in client.get("/search.json", {"q": "space station"}).json()["results"]]
    assert "Rocket Review" in found
    assert client.get("/search.json", {"q": "derby"}).json()["results"]

    Mute.objects.create(user=reader, kind="source", key=str(rocket.source_id))
    Mute.objects.create(user=reader, kind="keyword", key="haaland")
    page = client.get(f"/article/{soyuz.pk}/").content.decode()
    assert "SpaceX cargo flight" not in page and "Rocket Review" not in page
    found = [r["source"] for r in client.get("/search.json", {"q": "space station"}).json()["results"]]
    assert found and "Rocket Review" not in found
    assert client.get("/search.json", {"q": "derby"}).json()["results"] == []
    html = client.get("/search/", {"q": "Manchester derby"}).content.decode()
    assert "Haaland" not in html.split("<main")[1]
    # The reader's mutes are theirs alone.
    assert "Rocket Review" in [
        r["source"] for r in Client().get("/search.json", {"q": "space station"}).json()["results"]
    ]
