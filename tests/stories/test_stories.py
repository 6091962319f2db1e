"""Stories end to end: outlets' articles about one event grouped, ranked, related with reasons, searchable."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from django.db import connection

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle
from newsdesk.stories.models import Story

# Three events, told by different outlets in their own words (written for these tests).
EVENTS = {
    "soyuz": [
        (
            "Orbit Daily",
            "Soyuz crew launches from Baikonur to the space station",
            "A Soyuz rocket carrying NASA astronaut Jessica Meir and Roscosmos cosmonauts Oleg Skripochka "
            "and Alexei Ovchinin lifted off from the Baikonur Cosmodrome in Kazakhstan on Tuesday morning. "
            "The capsule docked with the International Space Station six hours later. The crew will spend "
            "eight months aboard the orbiting laboratory and return on December 9.",
        ),
        (
            "World Wire",
            "Three astronauts head to ISS aboard Russian Soyuz",
            "Three space travellers are on their way to the International Space Station after their Soyuz "
            "spacecraft blasted off from Kazakhstan's Baikonur launch site. Roscosmos said the docking went "
            "smoothly. NASA's Jessica Meir joins cosmonauts Skripochka and Ovchinin for a long mission that "
            "ends with a landing in the Kazakh steppe in December.",
        ),
        (
            "Science Post",
            "Soyuz docks at space station after fast trip",
            "The Russian Soyuz capsule with a three-person crew docked at the International Space Station "
            "on Tuesday after a six-hour flight from Baikonur. NASA and Roscosmos confirmed the hatch opened "
            "without problems. Astronaut Jessica Meir and cosmonauts Oleg Skripochka and Alexei Ovchinin "
            "will carry out experiments until December.",
        ),
    ],
    "starship": [
        (
            "Rocket Review",
            "SpaceX cargo flight to the space station delayed by weather",
            "NASA and SpaceX postponed the launch of a Dragon cargo capsule to the International Space "
            "Station because of high winds at Cape Canaveral in Florida. The uncrewed spacecraft carries "
            "food, spare parts and science experiments for the station crew. The next launch attempt is "
            "planned for Friday, weather permitting.",
        ),
    ],
    "football": [
        (
            "Sport Today",
            "Haaland header wins Manchester derby for City",
            "Erling Haaland headed a late winner as Manchester City beat Manchester United 2-1 in the "
            "derby at the Etihad Stadium on Sunday. United had led at half-time through Bruno Fernandes. "
            "The result lifts City to the top of the Premier League table, two points clear of Arsenal.",
        ),
        (
            "World Wire",
            "Late Haaland goal settles Manchester derby",
            "A stoppage-time header from Erling Haaland gave Manchester City a 2-1 win over Manchester "
            "United at the Etihad Stadium on Sunday, after Bruno Fernandes had put United ahead. City move "
            "two points clear of Arsenal at the top of the Premier League.",
        ),
    ],
}


def _write_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    lines = []
    for event, items in EVENTS.items():
        for i, (source, title, text) in enumerate(items):
            lines.append(
                json.dumps(
                    {
                        "id": f"{event}-{i}",
                        "title": title,
                        "text": text,
                        "source": source,
                        "url": f"https://{source.lower().replace(' ', '')}.example/{event}",
                        "published": f"2025-04-08T{9 + i:02d}:00:00Z",
                    }
                )
            )
    path.write_text("\n".join(lines) + "\n")
    return path


def _ingest(tmp_path: Path) -> None:
    report = ImportReport()
    import_path(_write_jsonl(tmp_path), report)
    assert not report.errors
    run_until_idle(threads=1)


def _story_of(event: str) -> set[int]:
    return set(Article.objects.filter(guid__startswith=f"{event}-").values_list("story_id", flat=True))


@pytest.mark.django_db
def test_outlets_reporting_one_event_share_one_story(tmp_path: Path, client) -> None:
    _ingest(tmp_path)
    assert set(Article.objects.values_list("stage", flat=True)) == {FINAL_STAGE}
    soyuz, starship, football = _story_of("soyuz"), _story_of("starship"), _story_of("football")
    assert len(soyuz) == len(starship) == len(football) == 1
    assert len(soyuz | starship | football) == 3
    assert Story.objects.count() == 3

    story = Story.objects.get(pk=next(iter(soyuz)))
    assert (story.source_count, story.article_count) == (3, 3)
    page = client.get(f"/story/{story.pk}/").content.decode()
    assert "3 outlets" in page
    assert all(name in page for name in ("Orbit Daily", "World Wire", "Science Post"))

    # The story with three outlets leads the front page.
    front = client.get("/").content.decode()
    assert front.index(story.headline.replace("'", "&#x27;")) < front.index("Haaland")


@pytest.mark.django_db
def test_a_development_after_a_month_is_a_new_story_linked_to_the_earlier_one(tmp_path: Path, client) -> None:
    # One outlet after another reports the mission: on day 0, day 20 and day 40.
    days = ["2025-04-01", "2025-04-21", "2025-05-11"]
    path = tmp_path / "month.jsonl"
    rows = [
        {
            "id": f"soyuz-{d}",
            "title": title,
            "text": text,
            "source": source,
            "url": f"https://{source.lower().replace(' ', '')}.example/soyuz-{d}",
            "published": f"{d}T09:00:00Z",
        }
        for (source, title, text), d in zip(EVENTS["soyuz"], days, strict=True)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = ImportReport()
    import_path(path, report)
    assert not report.errors
    run_until_idle(threads=1)
    first, second, third = (Article.objects.get(guid=f"soyuz-{d}").story for d in days)
    assert second == first  # 20 days apart: one story
    assert third != first and third.continues == first  # 40 days: a story of its own, linked
    page = client.get(f"/story/{third.pk}/").content.decode()
    assert "Earlier coverage" in page and f'href="/story/{first.pk}/"' in page
    page = client.get(f"/story/{first.pk}/").content.decode()
    assert "Later coverage" in page and f'href="/story/{third.pk}/"' in page
    assert client.get(f"/api/stories/{third.pk}").json()["continues"] == first.pk


@pytest.mark.django_db
def test_article_page_shows_related_coverage_with_reasons(tmp_path: Path, client) -> None:
    _ingest(tmp_path)
    soyuz = Article.objects.get(guid="soyuz-0")
    page = client.get(f"/article/{soyuz.pk}/").content.decode()
    more, related = page.split('id="story-h"')[1].split('id="related-h"')
    # More from this story: the other outlets' Soyuz reports.
    assert "Three astronauts head to ISS" in more
    # Related: other stories from other outlets, each with its reason: the rocket story, not football.
    assert "SpaceX cargo flight" in related and "Rocket Review" in related
    assert re.search(r"Why: .*\d\.\d\d similar", related)
    assert (
        "derby" not in related and "Soyuz" not in related.split("</section>")[0].split("Related articles")[1]
    )


@pytest.mark.django_db
def test_search_finds_words_and_meaning(tmp_path: Path, client) -> None:
    _ingest(tmp_path)
    data = client.get("/search.json", {"q": "Soyuz Baikonur"}).json()
    titles = [r["title"] for r in data["results"]]
    assert titles and all("Soyuz" in t or "ISS" in t for t in titles[:3])
    assert any("<mark>" in r["snippet_html"] for r in data["results"])
    # A query with none of the words still finds the event by meaning.
    data = client.get("/search.json", {"q": "football match result"}).json()
    assert data["results"] and "derby" in data["results"][0]["title"]
    # Filters: by source.
    source_id = Article.objects.get(guid="football-1").source_id
    data = client.get("/search.json", {"q": "derby", "source": source_id}).json()
    assert [r["source"] for r in data["results"]] == ["World Wire"]
    # Hostile query text is only words.
    assert client.get("/search/", {"q": '"); DROP TABLE x; NEAR( <script>'}).status_code == 200
    assert (
        "<script>"
        not in client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode().split("<main")[1]
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_create_no_duplicate_stories(tmp_path: Path) -> None:
    report = ImportReport()
    import_path(_write_jsonl(tmp_path), report)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            run_until_idle(threads=2)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    run_until_idle(threads=1)  # anything one worker skipped while the other held it
    assert not errors
    assert set(Article.objects.values_list("stage", flat=True)) == {FINAL_STAGE}
    assert Story.objects.count() == 3
    assert all(len(_story_of(e)) == 1 for e in EVENTS)
