"""A feed's publisher: keyed by the site's registrable domain, named as readers know it."""

from __future__ import annotations

import pytest

from newsdesk.pipeline.publishers import badge_letter, name_key, publisher_key, publisher_name


@pytest.mark.parametrize(
    ("site", "feed", "key"),
    [
        ("https://wsj.com", "http://127.0.0.1:8000/wsj_world/a.xml", "wsj.com"),
        ("https://www.wsj.com/world", "", "wsj.com"),
        ("https://feeds.bbci.co.uk/news", "", "bbci.co.uk"),
        ("https://www.bbc.co.uk/news", "", "bbc.co.uk"),
        ("https://archive.is/newest/https://www.ft.com/", "", "ft.com"),
        ("", "https://rss.nytimes.com/services/xml/rss/nyt/Economy.xml", "nytimes.com"),
        ("http://127.0.0.1:8123/", "http://127.0.0.1:8123/feed.xml", "127.0.0.1:8123"),
        ("not a url", "", ""),
    ],
)
def test_publisher_key_is_the_registrable_domain(site: str, feed: str, key: str) -> None:
    assert publisher_key(site, feed) == key


@pytest.mark.parametrize(
    ("key", "title", "name"),
    [
        ("ft.com", "myFT following", "Financial Times"),  # the feed's title is not the outlet's name
        ("nytimes.com", "NYT > Business > Economy", "The New York Times"),
        ("wsj.com", "WSJ.com: World News", "The Wall Street Journal"),
        ("theverge.com", "The Verge -  All Posts", "The Verge"),
        ("arstechnica.com", "Ars Technica - All content", "Ars Technica"),
        ("example.org", "Latest headlines", "Example"),  # the title does not name the site
        ("127.0.0.1:8123", "Loopback Outlet > World", "Loopback Outlet"),
    ],
)
def test_publisher_name(key: str, title: str, name: str) -> None:
    assert publisher_name(key, title) == name


@pytest.mark.parametrize(
    ("source_name", "key", "name"),
    [
        ("BBC News Politics", "bbc.co.uk", "BBC News"),  # a section of a publisher readers know
        ("bbc news", "bbc.co.uk", "BBC News"),
        ("BBC Newsround", "name:bbc newsround", "BBC Newsround"),  # not "BBC News" plus a section
        ("Acme Daily: World", "name:acme daily", "Acme Daily"),
        ("Acme Daily > Sport", "name:acme daily", "Acme Daily"),  # its sections are one publisher
    ],
)
def test_a_source_known_only_by_name_is_keyed_by_it(source_name: str, key: str, name: str) -> None:
    assert name_key(source_name) == key
    assert publisher_name(key, source_name) == name


def test_a_blank_name_keys_no_publisher() -> None:
    assert name_key("  ") == ""


def test_badge_letter_skips_the_article() -> None:
    assert badge_letter("The Economist") == "E"
    assert badge_letter("¡Hola!") == "H"
