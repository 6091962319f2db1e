"""A reader's look at publishers and pictures in Chromium: front, story, article and search at 1280 px
and 390 px, light and dark. Pictures come from feeds served on loopback, through the worker's image
step; screenshots go to test-artifacts/e2e/publishers-<page>-<width>-<scheme>.png."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import pytest
from django.test import Client
from PIL import Image, ImageDraw

from newsdesk.articles.models import Article
from newsdesk.flow.refresh import refresh_source
from newsdesk.flow.work import wait_until_idle
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.testing.loopback import LoopbackServer, static
from tests.e2e.conftest import ARTIFACTS
from tests.images.pictures import png_icon

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

STORIES = [
    (
        "Harbour bridge reopens after two years of repairs",
        "The harbour bridge carried its first cars in two years after engineers replaced rusted cables. "
        "Ferry operators expect fewer passengers now that commuters can drive across the estuary again. "
        "Repair crews worked through two winters to strengthen the steel deck and the towers.",
    ),
    (
        "City council approves new budget for schools",
        "Councillors voted nine to four for a budget that gives primary schools forty new teachers. "
        "Parents had petitioned the council for smaller classes and repaired classrooms. "
        "The finance committee said property taxes would rise by two percent to pay for it.",
    ),
    (
        "Storm floods coastal towns overnight",
        "Heavy rain and a high tide flooded streets in three fishing villages overnight. "
        "Lifeboat volunteers rescued residents from cottages near the seafront. "
        "Forecasters warned that gales would continue along the shoreline until the weekend.",
    ),
    (
        "Local club wins the regional football championship",
        "United beat Rovers three goals to one in a final watched by twelve thousand supporters. "
        "The striker scored twice in the second half after a goalless opening hour. "
        "Fans celebrated in the town square until the trophy bus arrived after midnight.",
    ),
    (
        "Museum opens exhibition of early photography",
        "Daguerreotypes and glass plate negatives from the nineteenth century fill four galleries. "
        "Curators restored faded portraits of dockworkers and their families for the show. "
        "Visitors can try a replica wooden camera and develop prints in a darkroom workshop.",
    ),
]


def picture(seed: int) -> bytes:
    """A landscape-ish picture: sky, hills and a sun, in colours that differ per story."""
    w, h = 1200, 800
    im = Image.new("RGB", (w, h), (70 + seed * 30 % 120, 130 + seed * 17 % 90, 200 - seed * 23 % 100))
    d = ImageDraw.Draw(im)
    d.ellipse((800 - seed * 90, 120, 960 - seed * 90, 280), fill=(250, 215, 90))
    d.polygon([(0, 560), (300 + seed * 40, 330), (700, 600), (1200, 380), (1200, 800), (0, 800)],
              fill=(40 + seed * 25 % 80, 110, 60 + seed * 11 % 60))  # fmt: skip
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def _body(part: int, text: str) -> str:
    """Each outlet tells the story in its own order, with a line of its own."""
    sentences = [x.strip() for x in text.split(". ") if x.strip()]
    own = ["Our reporter was there.", "Readers sent us pictures.", "More details are expected."][part]
    return " ".join(x.rstrip(".") + "." for x in [*sentences[part:], *sentences[:part], own])


def _feed(server: LoopbackServer, title: str, site: str, part: int) -> bytes:
    items = []
    for i, (headline, words) in enumerate(STORIES):
        n = part * 10 + i
        pic = f'<media:content url="{server.url(f"/pic/{i}.jpg")}" medium="image" type="image/jpeg"/>'
        items.append(
            f"<item><title>{headline if part == 0 else headline + ' (update)'}</title>"
            f"<link>{server.url(f'/a/{n}')}</link><guid>g{n}</guid>"
            f"<pubDate>Mon, 0{i + 1} Dec 2025 1{part}:00:00 GMT</pubDate>"
            f"<description>{_body(part, words)}</description>{pic if part == 0 or i % 2 else ''}</item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{title}</title><link>{site}</link>{''.join(items)}</channel></rss>"
    ).encode()


@pytest.fixture
def newsroom(settings, tmp_path, hashing_embedder) -> Iterator[LoopbackServer]:
    settings.NEWSDESK_HOME = tmp_path
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_ARTICLE_PAGES = False
    reset_fetcher()
    with LoopbackServer() as srv:
        for i in range(len(STORIES)):
            srv.route(f"/pic/{i}.jpg", static(picture(i), content_type="image/jpeg"))
        srv.route("/favicon.ico", static(png_icon(32), content_type="image/png"))
        # Two feeds of one publisher (this server) and one of another (a site with no icon: a badge).
        feeds = {
            "/world.xml": _feed(srv, "Loopback Gazette - World", srv.url("/"), 0),
            "/business.xml": _feed(srv, "Loopback Gazette > Business", srv.url("/"), 1),
            "/harbour.xml": _feed(srv, "Harbour Times: Latest", "https://harbourtimes.example/", 2),
        }
        for path, body in feeds.items():
            srv.route(path, static(body, content_type="application/rss+xml"))
            source = Source.objects.create(url=srv.url(path), canonical_url=srv.url(path))
            assert refresh_source(source).ok
        wait_until_idle(threads=1)
        yield srv
    reset_fetcher()


def test_publishers_and_pictures_look_right(newsroom, browser, live_server) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lead = Article.objects.filter(image__isnull=False, story__isnull=False).order_by("pk").first()
    assert lead is not None
    pages = {
        "front": "/",
        "story": f"/story/{lead.story_id}/",
        "article": f"/article/{lead.pk}/",
        "search": "/search/?q=harbour+bridge",
    }
    # The AI panels of the story and article pages are made on their first view when no worker runs
    # (spaCy, MiniLM): made here first, so that the browser measures the pages, not the models.
    warm = Client()
    for path in pages.values():
        assert warm.get(path).status_code == 200
    badges = 0
    with contextlib.ExitStack() as opened:  # a failing page never leaves its browser context open
        for width, height in ((1280, 900), (390, 844)):
            for scheme in ("light", "dark"):
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                context.set_default_timeout(30_000)
                opened.callback(context.close)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                # CSP refusals are console errors; a missing resource is counted by its response
                # instead (the site's own /favicon.ico is not this test's business).
                page.on(
                    "console",
                    lambda m, errors=errors: (
                        m.type == "error"
                        and not m.text.startswith("Failed to load resource")
                        and errors.append(m.text)
                    ),
                )
                page.on(
                    "response",
                    lambda r, errors=errors: (
                        r.status >= 400
                        and not r.url.endswith("/favicon.ico")
                        and errors.append(f"{r.status} {r.url}")
                    ),
                )
                pending: set[str] = set()
                page.on("request", lambda r, pending=pending: pending.add(r.url))
                page.on("requestfinished", lambda r, pending=pending: pending.discard(r.url))
                page.on("requestfailed", lambda r, pending=pending: pending.discard(r.url))
                for name, path in pages.items():
                    page.goto(live_server.url + path)
                    try:
                        page.wait_for_load_state("networkidle")
                    except Exception:
                        raise AssertionError(f"{name}: still loading {pending}") from None
                    # Lazy pictures load as they scroll into view: scroll through, then come back.
                    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                    page.wait_for_timeout(200)
                    page.evaluate("window.scrollTo(0, 0)")
                    pictures = page.eval_on_selector_all(
                        "img.thumb, img.lead, img.logo",
                        "els => els.map(e => [e.className, e.complete && e.naturalWidth > 0, e.getAttribute('src')])",  # noqa: E501
                    )
                    assert pictures, f"no picture on {name}"
                    assert all(ok for _, ok, _ in pictures), f"a picture did not load on {name}: {pictures}"
                    assert all(src.startswith("/img/") for _, _, src in pictures)
                    badges += page.locator(".logo.letter").count()
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    assert overflow <= 1, f"{name} overflows by {overflow}px at {width}px"
                    page.screenshot(
                        path=str(ARTIFACTS / f"publishers-{name}-{width}-{scheme}.png"), full_page=True
                    )
                assert errors == [], errors  # no script error, no CSP violation (nothing hot-linked)
    assert badges, "the publisher without an icon shows no letter badge"
    # Outlets are publishers: the Gazette's two feeds are one outlet.
    front = Source.objects.filter(url__endswith="/world.xml").get()
    assert front.publisher.name == "Loopback Gazette"
    assert Source.objects.filter(publisher=front.publisher).count() == 2
