"""Honest dates (issue 17, point 2): an article without a known publish time (a BBC corpus row) says
"date unknown", gets no freshness, never fills Top stories or the Top 8, and its timeline holds only the
dates its text states, in words."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from newsdesk.articles.models import FINAL_STAGE, Article, Insight
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle
from newsdesk.readers.briefing import top_stories
from newsdesk.readers.state import ReaderState
from newsdesk.stories.assign import refresh_story
from newsdesk.stories.models import Story
from newsdesk.stories.ranking import candidates
from tests.readers import builders

AGO = re.compile(r"\b(?:just now|\d+ (?:minute|hour|day|week|month|year)s? ago)\b")
# A corpus row of our own writing in the BBC corpus's shape: no "published" field.
ROW = {
    "id": "tech/999",
    "title": "Handheld console heads for the shops",
    "text": (
        "Sony's new handheld console will go on sale in the US on Thursday, the company said.\n\n"
        "A cheaper model is expected next month, and the firm will sell it in Europe next year. "
        "The device was first shown to developers on 9 December 2004 at a Tokyo event.\n\n"
        "Handheld games have been popular since the 1980s, when Nintendo's Game Boy appeared. "
        "Mechanical toys of this kind go back to the 19th century, the museum's curator said. "
        "Analysts expect strong sales among commuters who play games on trains and buses."
    ),
    "source": "BBC News",
}


def _undated_story(headline: str, outlets: list[str]) -> Story:
    """A story of undated articles (imported now, as a corpus is), covered by ``outlets``."""
    s = Story.objects.create(headline=headline)
    for i, name in enumerate(outlets):
        Article.objects.create(
            source=builders.source(name),
            guid=f"{headline}-{i}",
            url=f"https://{name.lower().replace(' ', '')}.example/undated/{s.pk}",
            title=f"{headline} ({name})",
            text=f"{headline}, {name} reports.",
            published_at=None,
            stage=FINAL_STAGE,
            story=s,
            content_fingerprint=f"undated-{s.pk}-{i}",
        )
    refresh_story(s)
    s.refresh_from_db()
    return s


@pytest.mark.django_db
def test_an_imported_corpus_row_is_date_unknown_and_its_timeline_states_only_its_own_dates(
    tmp_path: Path, client, hashing_embedder
) -> None:
    path = tmp_path / "bbc.jsonl"
    path.write_text(json.dumps(ROW) + "\n")
    import_path(path, ImportReport())
    run_until_idle(threads=1)
    article = Article.objects.get()
    assert article.published_at is None  # unknown is stored as unknown, not as the import time

    page = client.get(f"/article/{article.pk}/").content.decode()
    assert "date unknown" in page and not AGO.search(page)
    timeline = page.split("<h3>Timeline</h3>")[1].split("</ol>")[0]
    shown = re.findall(r"<time [^>]*>([^<]*)</time>", timeline)
    assert shown == ["the 19th century", "the 1980s", "9 December 2004"]  # in words, oldest first
    # Nothing was resolved against the day of the import: not "Thursday", "next month" nor "next year".
    values = [e["value"] for e in Insight.objects.get(article=article).data["timeline"]]
    assert not any(v.startswith(str(timezone.now().year)) for v in values)

    for url in ("/latest/", "/search/?q=handheld"):
        listing = client.get(url).content.decode()
        assert "date unknown" in listing and not AGO.search(listing.split("<main")[-1]), url
    assert "Date unknown" in client.get("/latest/").content.decode()  # its own day heading


@pytest.mark.django_db
def test_undated_stories_get_no_freshness_and_never_fill_top_stories_or_the_top_8(client) -> None:
    now = timezone.now()
    dated = [
        builders.story(f"Dated event {n}", [f"Outlet {n}"], when=now - timedelta(hours=2 + n))
        for n in range(3)
    ]
    # Undated, wider coverage, and "found" a minute ago: the import time must not make them fresh.
    wide = _undated_story("Archive story with wide coverage", [f"Paper {c}" for c in "ABCDEFGH"])
    assert not wide.dated and all(s.dated for s in dated)

    front = client.get("/").content.decode()
    positions = [front.index(s.headline) for s in [*dated, wide]]
    assert positions[3] > max(positions[:3])  # after every dated story, however wide its coverage
    card = front[positions[3] :].split("</li>")[0]
    assert "date unknown" in card and not AGO.search(card)

    briefing = top_stories(ReaderState())
    assert [i.story.pk for i in briefing.items] and wide.pk not in {i.story.pk for i in briefing.items}
    page = client.get("/briefing/").content.decode()
    assert "Dated event 0" in page and "Archive story" not in page

    # However many undated stories an import brings, "found just now", the dated ones stay candidates.
    assert [s.pk for s in candidates(limit=3)] == [s.pk for s in dated]
    assert [s.pk for s in candidates(limit=4)][-1] == wide.pk

    # A corpus with nothing dated: the Top 8 is empty rather than filled by the import.
    Article.objects.exclude(story=wide).delete()
    assert top_stories(ReaderState()).items == []


@pytest.mark.django_db
def test_undated_articles_come_after_dated_ones_in_every_list_on_every_database(client) -> None:
    """PostgreSQL sorts NULL first in a descending order and SQLite first in an ascending one: without
    one explicit ordering an undated article heads a source's list (PostgreSQL) or leads a story as
    its first report (SQLite)."""
    now = timezone.now()
    story = builders.story(
        "Harbour strike ends", ["Coast Gazette", "Port Daily"], when=now - timedelta(hours=3)
    )
    undated = _undated_story("Harbour strike archive piece", ["Coast Gazette"])
    Article.objects.filter(story=undated).update(story=story)
    refresh_story(story)
    gazette = builders.source("Coast Gazette")
    titles = [a.title for a in Article.objects.filter(story=story)]  # the model's own ordering
    assert titles[-1].startswith("Harbour strike archive piece"), titles

    listing = client.get(f"/source/{gazette.pk}/").content.decode()
    assert listing.index("Harbour strike ends") < listing.index("Harbour strike archive piece")
    page = client.get(f"/story/{story.pk}/").content.decode()  # oldest first: the first report leads
    assert page.index("Harbour strike ends (Port Daily)") < page.index("Harbour strike archive piece")
    front = client.get("/").content.decode()
    card = front[front.index(f"/story/{story.pk}/") :].split("</li>")[0]
    assert "archive piece" not in card and "date unknown" not in card, card  # a dated report leads
