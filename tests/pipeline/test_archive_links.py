"""Links through archive wrappers stand for the publisher's own URL, for identity and for the link shown."""

from __future__ import annotations

import pytest

from newsdesk.pipeline.urls import canonicalize_url, strip_tracking, unwrap_archive

FT = "https://www.ft.com/content/583a30e1-f411-40b2-bf60-8102634a6a3c"


@pytest.mark.parametrize(
    "wrapped",
    [
        f"https://archive.is/newest/{FT}",  # as in the rssarch feeds
        f"https://archive.ph/newest/{FT}",
        f"https://archive.today/oldest/{FT}",
        f"http://archive.is/20250601120000/{FT}",
        f"https://archive.ph/o/AbC12/{FT}",
        f"https://web.archive.org/web/20250601120000/{FT}",
        f"https://web.archive.org/web/20250601120000id_/{FT}",
        f"https://web.archive.org/web/*/{FT}",
        "https://archive.is/newest/https:/" + FT.removeprefix("https://"),  # one "/" lost
        f"https://archive.is/newest/https://web.archive.org/web/2025/{FT}",  # wrapped twice
    ],
)
def test_archive_wrappers_unwrap_to_the_publishers_url(wrapped: str) -> None:
    assert unwrap_archive(wrapped) == FT
    assert canonicalize_url(wrapped) == canonicalize_url(FT)
    assert strip_tracking(wrapped) == FT


def test_the_originals_query_stays_and_its_tracking_goes() -> None:
    wrapped = "https://archive.is/newest/https://www.wsj.com/a?mod=rss&id=7&utm_source=x"
    assert unwrap_archive(wrapped) == "https://www.wsj.com/a?mod=rss&id=7&utm_source=x"
    assert strip_tracking(wrapped) == "https://www.wsj.com/a?mod=rss&id=7"
    assert canonicalize_url(wrapped) == canonicalize_url("https://www.wsj.com/a?id=7&mod=rss")


@pytest.mark.parametrize(
    "url",
    [
        "https://archive.is/AbC12",  # a short id names no original: keep it
        "https://archive.is/newest/javascript:alert(1)",
        "https://archive.is/newest/",
        "https://web.archive.org/web/2025/not a url",
        "https://example.com/newest/https://www.ft.com/x",  # not an archive
        "https://notarchive.is/newest/https://www.ft.com/x",
        "",
    ],
)
def test_anything_else_is_left_as_it_is(url: str) -> None:
    assert unwrap_archive(url) == url
