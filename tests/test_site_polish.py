"""What a reader notices: branded error pages with navigation, a favicon, JSON errors under /api/,
plain words instead of numbers from the machinery, search that says when nothing matches."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.sources.models import Source
from newsdesk.sources.templatetags.sources import interval

pytestmark = pytest.mark.django_db


def test_404_page_is_branded_with_navigation_and_search(client) -> None:
    response = client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "Page not found" in page and "/no/such/page/" in page
    assert 'aria-label="Main"' in page and 'aria-label="Sections"' in page and 'role="search"' in page
    assert client.get("/article/999999/").status_code == 404


def test_500_page_is_branded_and_says_nothing_of_the_error(monkeypatch) -> None:
    def broken() -> list:
        raise RuntimeError("secret internals: db password hunter2")

    monkeypatch.setattr("newsdesk.pages.stories.front_ranking", broken)
    response = Client(raise_request_exception=False).get("/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and 'href="/latest/"' in page and "newsdesk" in page
    assert "hunter2" not in page and "Traceback" not in page


@pytest.mark.parametrize("path", ["/api/nope", "/api/v1/no-such-thing/", "/api/v1/stories/x/y/z"])
def test_unknown_api_paths_answer_json_errors(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["error"]["code"] == "not_found" and path in body["error"]["message"]


def test_favicon_is_linked_and_served(client) -> None:
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    svg = Path(__file__).resolve().parents[1] / "src/newsdesk/static/favicon.svg"
    assert svg.read_text().startswith("<svg")


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (86400, "every day"),
        (3600, "every hour"),
        (7200, "every 2 hours"),
        (5400, "every 1 hour 30 minutes"),
        (900, "every 15 minutes"),
        (30, "every 30 seconds"),
        (2 * 86400 + 3600, "every 2 days 1 hour"),
    ],
)
def test_refresh_interval_in_words(seconds: int, words: str) -> None:
    assert interval(timedelta(seconds=seconds)) == words
    assert ":" not in interval(seconds)


def test_source_page_says_the_interval_in_words(client) -> None:
    source = Source.objects.create(
        url="https://a.example/f", canonical_url="https://a.example/f", refresh_interval_s=86400
    )
    page = client.get(f"/source/{source.pk}/").content.decode()
    assert "(every day)" in page and "0:00:00" not in page


def _article(source: Source, title: str, text: str) -> Article:
    return Article.objects.create(
        source=source,
        guid=title,
        canonical_url=f"https://a.example/{title.replace(' ', '-')}",
        title=title,
        text=text,
        stage=FINAL_STAGE,
        published_at=timezone.now(),
    )


def test_search_says_no_close_matches_instead_of_one_word_hits(client, hashing_embedder) -> None:
    source = Source.objects.create(url="https://a.example/f", canonical_url="https://a.example/f", title="A")
    _article(source, "Budget day in parliament", "The chancellor set out the budget for the coming year.")
    _article(source, "Airline strike grounds flights", "Pilots walked out over pay at the airline.")
    # Every word in one article: found.
    page = client.get("/search/", {"q": "airline strike"}).content.decode()
    assert "Airline strike grounds flights" in page and "No close matches" not in page
    # No article has all the words, and no article is close in meaning: no one-word hits.
    page = client.get("/search/", {"q": "budget volcano eruption"}).content.decode()
    assert "No close matches" in page and "Budget day in parliament" not in page


def test_import_counts_the_sources_it_creates(tmp_path: Path) -> None:
    lines = [{"title": f"Item {i}", "text": "Some words here.", "source": "Gazette"} for i in range(3)]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines))
    report = ImportReport()
    import_path(path, report)
    assert report.new == 3 and report.sources_added == 1 == Source.objects.count()
    again = ImportReport()
    import_path(path, again)
    assert again.sources_added == 0


def test_readers_never_see_fetch_errors_of_archive_hosts(client, admin_client) -> None:
    source = Source.objects.create(url="https://a.example/f", canonical_url="https://a.example/f", title="A")
    dns = "could not resolve archive.ph: [Errno -2] Name or service not known"
    article = _article(source, "Wrapped story", "The feed's own summary of the wrapped story.")
    Article.objects.filter(pk=article.pk).update(page_error=dns, extraction_method="feed")
    page = client.get(f"/article/{article.pk}/").content.decode()
    assert "the full article could not be fetched" in page
    assert "archive.ph" not in page and "Errno" not in page
    assert dns in admin_client.get(f"/article/{article.pk}/").content.decode()  # staff see why
