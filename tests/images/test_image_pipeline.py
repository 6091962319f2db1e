"""Lead images and publisher icons over real HTTP on loopback: fetched once by the worker's step through
the guarded fetcher, stored as thumbnails, served by the site; hostile ones refused, articles unharmed."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.flow.images import MAX_ATTEMPTS, fetch_pending_images, image_for
from newsdesk.flow.refresh import refresh_source
from newsdesk.flow.work import wait_until_idle
from newsdesk.images import store
from newsdesk.images.models import Image, ImageKind, ImageStatus
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.testing.loopback import LoopbackServer, static
from tests.images.pictures import jpeg, png_bomb, png_icon

pytestmark = [pytest.mark.django_db(transaction=True)]


def _body(n: int) -> str:  # a different text per item, so that none is a copy of another
    return " ".join(f"Sentence {i} of report {n * 100 + i} on the harbour bridge repairs." for i in range(30))


def _feed(server: LoopbackServer) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{server.url('/a/' + str(i))}</link><guid>g{i}</guid>"
        f"<pubDate>Mon, 0{i + 1} Dec 2025 10:00:00 GMT</pubDate>"
        f"<description>{_body(i)} {title}.</description>"
        f'<media:content url="{server.url(pic)}" medium="image" type="image/jpeg"/></item>'
        for i, (title, pic) in enumerate(
            [
                ("Harbour bridge reopens", "/pic.jpg"),
                ("Bomb picture story", "/bomb.png"),
                ("Not a picture story", "/page.jpg"),
                ("Second harbour story", "/pic.jpg"),  # the same picture: fetched and stored once
            ]
        )
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>Loopback Gazette - World</title><link>{server.url('/')}</link>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def server(settings, tmp_path) -> Iterator[LoopbackServer]:
    settings.NEWSDESK_HOME = tmp_path
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_ARTICLE_PAGES = False
    reset_fetcher()
    with LoopbackServer() as srv:
        srv.route("/feed.xml", static(_feed(srv), content_type="application/rss+xml"))
        srv.route("/pic.jpg", static(jpeg(1200, 800), content_type="image/jpeg"))
        srv.route("/bomb.png", static(png_bomb(), content_type="image/png"))
        srv.route("/page.jpg", static(b"<html><body>login wall</body></html>", content_type="text/html"))
        srv.route("/favicon.ico", static(png_icon(32), content_type="image/x-icon"))
        yield srv
    reset_fetcher()


def _source(server: LoopbackServer) -> Source:
    url = server.url("/feed.xml")
    return Source.objects.create(url=url, canonical_url=url)


def test_served_jpeg_becomes_stored_thumbnails_and_hostile_images_are_refused(server: LoopbackServer) -> None:
    source = _source(server)
    assert refresh_source(source).ok
    assert Image.objects.filter(status=ImageStatus.PENDING).count() == 4  # 3 lead pictures + the icon

    fetch_pending_images()

    pic = Image.objects.get(url=server.url("/pic.jpg"))
    assert pic.status == ImageStatus.READY and server.hits["/pic.jpg"] == 1
    assert pic.lead.height == 405 and pic.thumb.width <= 240
    for variant in (pic.lead, pic.thumb):
        assert store.path_for(variant.name).read_bytes()[:4] == b"RIFF"  # WebP, written once
    bomb = Image.objects.get(url=server.url("/bomb.png"))
    assert bomb.status == ImageStatus.FAILED and "too large to decode" in bomb.error
    page = Image.objects.get(url=server.url("/page.jpg"))
    assert page.status == ImageStatus.FAILED and "not an image" in page.error
    source.refresh_from_db()
    icon = source.publisher.icon
    assert source.publisher.name == "Loopback Gazette"
    assert icon.status == ImageStatus.READY and (icon.icon.width, icon.icon.height) == (64, 64)
    # Every article is still there and goes on through the pipeline, picture or not.
    assert Article.objects.filter(source=source).count() == 4
    assert Article.objects.filter(source=source, image__status=ImageStatus.READY).count() == 2


def test_private_address_images_are_refused_by_the_guard(server: LoopbackServer, settings) -> None:
    source = _source(server)
    assert refresh_source(source).ok
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = False  # as in production: 127.0.0.1 is off limits
    reset_fetcher()
    fetch_pending_images()
    assert server.hits["/pic.jpg"] == 0
    refused = Image.objects.get(url=server.url("/pic.jpg"))
    assert refused.status == ImageStatus.FAILED
    assert refused.error.startswith("refused to fetch from 127.0.0.1") and "loopback" in refused.error
    assert Article.objects.filter(source=source).count() == 4


def test_pages_show_stored_thumbnails_sized_lazy_with_alt_and_nothing_hot_linked(
    server: LoopbackServer, hashing_embedder, client: Client
) -> None:
    source = _source(server)
    assert refresh_source(source).ok
    wait_until_idle(threads=1)  # the articles' pipeline, then the pictures it found
    article = Article.objects.get(title="Harbour bridge reopens")
    assert article.story_id and article.image.status == ImageStatus.READY

    pages = {
        "front": client.get("/").content.decode(),
        "story": client.get(f"/story/{article.story_id}/").content.decode(),
        "article": client.get(f"/article/{article.pk}/").content.decode(),
        "search": client.get("/search/?q=harbour").content.decode(),
        "latest": client.get("/latest/").content.decode(),
    }
    for name, html in pages.items():
        imgs = re.findall(r"<img\b[^>]*>", html)
        pictures = [i for i in imgs if 'class="thumb"' in i or 'class="lead"' in i]
        assert pictures, f"no picture on the {name} page"
        for tag in pictures:
            assert re.search(r'src="/img/[0-9a-f]{64}\.webp"', tag), tag
            assert re.search(r'width="\d+" height="\d+"', tag), tag
            assert 'alt="' in tag and re.search(r'alt="[^"]+"', tag), tag
            assert 'loading="lazy"' in tag or (name == "front" and 'fetchpriority="high"' in tag), tag
        assert not [i for i in imgs if re.search(r'src="(https?:)?//', i)], f"hot-linked picture on {name}"
        assert 'class="logo"' in html, f"no publisher icon on the {name} page"

    name = re.search(r'src="/img/([0-9a-f]{64}\.webp)"', pages["article"]).group(1)
    served = client.get(f"/img/{name}")
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    assert served["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/img/..%2Fsecret_key").status_code == 404
    assert client.get("/img/" + "0" * 64 + ".webp").status_code == 404

    # A refused picture leaves its article whole, with no broken <img>.
    bombed = Article.objects.get(title="Bomb picture story")
    html = client.get(f"/article/{bombed.pk}/").content.decode()
    assert "Bomb picture story" in html and 'class="lead"' not in html


def test_list_pictures_cost_no_query_each(
    server: LoopbackServer, hashing_embedder, client: Client, django_assert_max_num_queries
) -> None:
    source = _source(server)
    refresh_source(source)
    wait_until_idle(threads=1)
    client.get("/latest/")  # warm caches (sessions, content types)
    with django_assert_max_num_queries(2):  # the page count and the list, pictures and logos joined
        html = client.get("/latest/").content.decode()
    assert html.count('class="thumb"') == 2 and html.count('class="logo"') == 4


def test_migration_queues_the_pictures_of_articles_stored_before(server: LoopbackServer) -> None:
    source = _source(server)
    refresh_source(source)
    Article.objects.update(image=None)
    Image.objects.all().delete()
    importlib.import_module("newsdesk.articles.migrations.0010_lead_images_for_existing_articles").forwards(
        django_apps, None
    )
    assert Article.objects.filter(image__isnull=False).count() == 4
    assert Image.objects.filter(status=ImageStatus.PENDING).count() == 3  # one row per picture URL
    assert Image.objects.get(url=server.url("/pic.jpg")).url_key == Image.key_for(
        "lead", server.url("/pic.jpg")
    )


def test_unreachable_image_is_tried_again_later_and_a_missing_one_is_not(server: LoopbackServer) -> None:
    """A picture whose server is away for a while (connection refused) waits and is fetched again; a
    404 is final at once; after MAX_ATTEMPTS an away server is given up on too."""
    with LoopbackServer() as gone:
        away_url = gone.url("/away.jpg")  # the port is closed once this block ends
    away = image_for(ImageKind.LEAD, away_url)
    missing = image_for(ImageKind.LEAD, server.url("/missing.jpg"))
    assert away is not None and missing is not None

    fetch_pending_images()

    missing.refresh_from_db()
    assert missing.status == ImageStatus.FAILED and missing.attempts == 1
    away.refresh_from_db()
    assert away.status == ImageStatus.PENDING and away.attempts == 1
    assert away.retry_at is not None and away.retry_at > timezone.now()
    assert fetch_pending_images() == 0  # not due yet: nothing is fetched again at once
    for attempt in range(2, MAX_ATTEMPTS + 1):
        Image.objects.filter(pk=away.pk).update(retry_at=timezone.now())  # its wait is over
        fetch_pending_images()
        away.refresh_from_db()
        assert away.attempts == attempt
    assert away.status == ImageStatus.FAILED and away.error
