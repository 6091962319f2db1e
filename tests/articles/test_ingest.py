"""Feed entries become articles once: re-imports, syndicated feeds and edited entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.articles.models import FINAL_STAGE, Article, Sighting
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>{title}</title><link>https://{host}/</link>
<item><title>Rocket reaches orbit</title><link>https://{host}/a?utm_source=rss</link><guid>{host}-a</guid>
<description>{body_a}</description><pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate></item>
<item><title>Council approves budget</title><link>https://{host}/b</link><guid>{host}-b</guid>
<description>The council approved the budget on Monday after a long debate.</description></item>
</channel></rss>"""


def _write(tmp_path: Path, name: str, **kw: str) -> Path:
    kw.setdefault("body_a", "The rocket lifted off at dawn and reached orbit nine minutes later.")
    path = tmp_path / name
    path.write_text(RSS.format(**kw))
    return path


def _import(*paths: Path) -> ImportReport:
    report = ImportReport()
    for p in paths:
        import_path(p, report)
    run_until_idle(threads=1)
    return report


def test_importing_the_same_feed_twice_creates_no_duplicates(tmp_path: Path) -> None:
    feed = _write(tmp_path, "one.xml", title="Daily", host="daily.example")
    first = _import(feed)
    second = _import(feed)
    assert (first.new, second.new, second.unchanged) == (2, 0, 2)
    assert Article.objects.count() == 2
    assert set(Article.objects.values_list("stage", flat=True)) == {FINAL_STAGE}


def test_two_feeds_carrying_the_same_links_give_one_article_each(tmp_path: Path) -> None:
    # Two feeds of one outlet (e.g. "top stories" and "world") carry the same items under other GUIDs.
    a = _write(tmp_path, "top.xml", title="Top", host="daily.example")
    b = tmp_path / "world.xml"
    b.write_text(
        a.read_text()
        .replace("<guid>daily.example-", "<guid>world-")
        .replace("<link>https://daily.example/</link>", "<link>https://world.daily.example/</link>")
    )
    _import(a, b)
    assert Article.objects.count() == 2
    assert Sighting.objects.count() == 2
    # Tracking parameters never reach the stored link.
    assert Article.objects.get(title="Rocket reaches orbit").url == "https://daily.example/a"


def test_edited_entry_is_detected_and_processed_again(tmp_path: Path) -> None:
    feed = _write(tmp_path, "one.xml", title="Daily", host="daily.example")
    _import(feed)
    _write(
        tmp_path,
        "one.xml",
        title="Daily",
        host="daily.example",
        body_a="Correction: the rocket reached orbit after twelve minutes, not nine.",
    )
    report = _import(feed)
    assert report.updated == 1
    article = Article.objects.get(title="Rocket reaches orbit")
    assert "twelve minutes" in article.text
    assert article.stage == FINAL_STAGE


def test_same_text_from_two_outlets_is_one_story_with_also_published_by(tmp_path: Path, client) -> None:
    wire = " ".join(
        ["The central bank raised interest rates by a quarter point on Thursday, citing inflation."] * 6
    )
    _import(
        _write(tmp_path, "a.xml", title="Outlet A", host="a.example", body_a=wire),
        _write(tmp_path, "b.xml", title="Outlet B", host="b.example", body_a=wire),
    )
    copies = Article.objects.filter(duplicate_of__isnull=False)
    assert copies.count() == 1
    primary = copies.get().duplicate_of
    page = client.get(f"/article/{primary.pk}/").content.decode()
    assert "Also published by" in page and "Outlet B" in page
    front = client.get("/").content.decode()
    assert front.count("Rocket reaches orbit") == 1  # the copy is not listed twice


def test_a_broken_file_is_reported_and_the_others_still_import(tmp_path: Path) -> None:
    bad = tmp_path / "broken.xml"
    bad.write_bytes(b"\x00\x01 this is not a feed")
    good = _write(tmp_path, "good.xml", title="Daily", host="daily.example")
    report = _import(bad, good)
    assert len(report.errors) == 1 and "broken.xml" in report.errors[0]
    assert Article.objects.count() == 2


def test_jsonl_articles_import_with_their_text(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    item = {
        "title": "Storm hits coast",
        "text": "Winds of 120 km/h hit the coast.\n\nThousands lost power.",
        "url": "https://news.example/storm",
        "source": "News Example",
        "published": "2025-11-20T08:00:00Z",
    }
    path.write_text(json.dumps(item) + "\nnot json\n")
    report = _import(path)
    assert report.new == 1 and len(report.errors) == 1
    article = Article.objects.get()
    assert article.source.title == "News Example"
    assert "Thousands lost power." in article.text
    assert article.published_at.isoformat().startswith("2025-11-20T08:00")


def test_html_page_import_is_extracted_from_the_page(tmp_path: Path) -> None:
    page = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "synthetic_article.html"
    report = _import(page)
    again = _import(page)
    assert (report.new, again.new, again.unchanged) == (1, 0, 1)
    article = Article.objects.get()
    assert article.extraction_method != "feed" and len(article.text.split()) > 50
    assert article.stage == FINAL_STAGE


def test_jsonl_sources_without_urls_get_their_publisher_by_name(tmp_path: Path, client) -> None:
    path = tmp_path / "corpus.jsonl"
    lines = [
        {"title": "Budget vote set", "text": "MPs will vote on the Budget.", "source": "BBC News Politics"},
        {"title": "Cup final tonight", "text": "The final kicks off at eight.", "source": "BBC News Sport"},
        {"title": "Harbour reopens", "text": "The harbour reopened today.", "source": "Acme Daily: World"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines))
    assert _import(path).new == 3
    publishers = {a.source.title: a.source.publisher for a in Article.objects.select_related("source")}
    assert publishers["BBC News Politics"] == publishers["BBC News Sport"]  # one outlet, two sections
    assert publishers["BBC News Politics"].name == "BBC News"
    assert publishers["Acme Daily: World"].name == "Acme Daily"
    page = client.get("/sources/").content.decode()
    assert "BBC News" in page and "Acme Daily" in page
