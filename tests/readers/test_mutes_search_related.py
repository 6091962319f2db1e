"""Mutes hold in search and related articles too, on articles that went through the real pipeline
(MiniLM embeddings, stories, full-text index): the three events of the story tests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.readers import changes
from newsdesk.readers.models import Mute
from tests.readers import builders
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

    changes.mute(reader, "source", str(rocket.source_id))
    changes.mute(reader, "keyword", "haaland")
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


@pytest.mark.usefixtures("hashing_embedder")
def test_a_muted_source_does_not_shorten_the_page_of_results(client: Client) -> None:
    # 45 matches from an outlet the reader mutes, the newest and strongest (the words in their
    # titles too), and 30 weaker ones from another: a page is 20, so the muted outlet fills all of it,
    # and more than two thirds of the first three pages (the view's first, wider ask).
    loud, quiet = builders.source("Loud Wire"), builders.source("Quiet Post")
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            source=src,
            guid=f"{src.pk}-{i}",
            canonical_url=f"https://{src.pk}.example/{i}",
            title=f"Ferry timetable changes, part {i}" if src == loud else f"Harbour notes {i}",
            text=f"The harbour council discussed the ferry timetable. Item {i} of {src.title}.",
            stage=FINAL_STAGE,
            published_at=now - timedelta(minutes=i if src == loud else 60 + i),
        )
        for src, n in ((loud, 45), (quiet, 30))
        for i in range(n)
    )

    def outlets() -> list[str]:
        return [r["source"] for r in client.get("/search.json", {"q": "ferry timetable"}).json()["results"]]

    before = outlets()
    assert len(before) == 20 and "Loud Wire" in before
    reader = User.objects.create_user("jo")
    client.force_login(reader)
    Mute.objects.create(user=reader, kind="source", key=str(loud.pk))
    after = outlets()
    assert after == ["Quiet Post"] * 20
    page = client.get("/search/", {"q": "ferry timetable"}).content.decode().split("<main")[1]
    assert page.count("Harbour notes") == 20 and "Ferry timetable changes" not in page
