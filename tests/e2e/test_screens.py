"""The site as a reader sees it, on real news: the latest rssarch snapshot of each feed, served on
loopback and fetched through the real fetcher, plus a subset of the BBC corpus imported from files.

One ingest for the module (CI time matters): the data stays in the test database for every test
here and is removed at the end. Screenshots of front, section, story, article (a feed's teaser, and a
BBC report with its AI panel), entity, search, latest and sources at 1280 px and 390 px, light and
dark (and a signed-in reader's For you, Top 8 and follows), go to test-artifacts/e2e/screens/; each
page is also checked for what a reader would notice: horizontal overflow on a phone, words broken mid-word,
navigation wrapping, raw numbers from the machinery.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Count
from django.test import Client, override_settings
from django.test.testcases import LiveServerThread
from django.test.utils import setup_databases, teardown_databases
from huey.contrib.djhuey import HUEY

from newsdesk.articles.models import Article, EntityMention
from newsdesk.flow.adding import get_or_create_feed
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.tasks import add_source_task, fetch_source_task
from newsdesk.flow.work import refresh_sources, run_until_idle
from newsdesk.readers.models import Follow
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story
from newsdesk.testing.loopback import LoopbackServer, static
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.database]

SHOTS = ARTIFACTS / "screens"
# The operator's categories for the rssarch feeds (free text, as feeds and OPML files give them).
# The Economist's snapshot (100 entries) is left out: processing is most of this module's time.
FEEDS = {
    "wsj_world": "News / World",
    "nyt_econ": "",  # no category: its title, "NYT > Business > Economy", places it
    "wsj_econ": "Business / Economy",
    "ft-home": "Business",
}
BBC_PER_TOPIC = 15
BBC_CATEGORIES = {
    "business": "Business",
    "politics": "Politics",
    "tech": "Technology",
    "sport": "Sport",
    "entertainment": "Entertainment & Arts",
}
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# A word laid out on more than one line box has been broken mid-word.
BROKEN_WORDS_JS = """(selector) => {
  const bad = [];
  document.querySelectorAll(selector).forEach((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      for (const m of node.data.matchAll(/\\S{2,}/g)) {
        const r = document.createRange();
        r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
        const boxes = [...r.getClientRects()].filter((x) => x.width > 0);
        const tops = new Set(boxes.map((x) => Math.round(x.top)));
        if (tops.size > 1) bad.push(m[0]);
      }
    }
  });
  return bad;
}"""


# The parts of a meta line ("1 year ago", "3 articles", "0 comments") laid out on more than one line.
SPLIT_PARTS_JS = """() => [...document.querySelectorAll(
    '.meta time, .meta .date-unknown, .meta .outlets, .meta .count, .meta .comment-count')]
  .filter((e) => new Set([...e.getClientRects()].map((r) => Math.round(r.top))).size > 1)
  .map((e) => e.textContent)"""


@dataclass
class Site:
    url: str
    story: Story
    article: Article
    full_article: Article  # a BBC report: whole text, so its page has an AI panel
    entity: str
    staff_cookie: str
    reader_cookie: str


def _bbc_subset(shared: Path, folder: Path) -> Path:
    """BBC_PER_TOPIC articles of each topic, each topic its own source (the import's `source` field)."""
    taken: dict[str, int] = {}
    lines = []
    with (shared / "bbc-news" / "bbc_news.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            topic = item.get("topic", "")
            if topic in BBC_CATEGORIES and taken.get(topic, 0) < BBC_PER_TOPIC:
                taken[topic] = taken.get(topic, 0) + 1
                lines.append(json.dumps({**item, "source": f"BBC News {topic.capitalize()}"}))
    path = folder / "bbc-subset.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@contextlib.contextmanager
def _test_database() -> Iterator[None]:
    """pytest-django sets the test database up only for tests marked for it; these tests share one
    ingest and so carry no per-test mark. Run alone, the module sets the test database up itself."""
    creation = connection.creation
    if connection.settings_dict["NAME"] == creation._get_test_db_name():
        yield
        return
    config = setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})
    try:
        yield
    finally:
        connections.close_all()
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="module")
def news_site(shared_data: Path, django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Site]:
    """Ingest once, serve the site on loopback from its own thread, remove everything afterwards."""
    rssarch = shared_data / "rss-feeds-rssarch"
    with (
        django_db_blocker.unblock(),
        _test_database(),
        override_settings(
            NEWSDESK_ALLOW_PRIVATE_NETWORKS=True,
            # The tests' own switch (tests/conftest.py) comes after a module's fixture: without this,
            # the pages opened here to make panels came from an earlier run's cache, and made none.
            NEWSDESK_PAGE_CACHE=False,
            NEWSDESK_FETCH_ARTICLE_PAGES=False,  # the pages live on the web; the feeds' text is used
            NEWSDESK_ENTITY_PAGE_MIN_ARTICLES=1,  # a small ingest: any named entity has its page
            NEWSDESK_SECTIONS_FILE=str(tmp_path_factory.mktemp("cfg") / "sections.json"),
        ),
    ):
        reset_fetcher()
        with LoopbackServer() as feeds:
            feeds.serve_dir("/rssarch", rssarch)
            ids = []
            for name, category in FEEDS.items():
                latest = sorted((rssarch / name).glob("*.xml"))[-1].name
                source, _ = get_or_create_feed(feeds.url(f"/rssarch/{name}/{latest}"), category=category)
                ids.append(source.pk)
            refresh_sources(ids, threads=2)
        report = ImportReport()
        import_path(_bbc_subset(shared_data, tmp_path_factory.mktemp("bbc")), report)
        assert not report.errors, report.errors[:3]
        for source in Source.objects.filter(kind=Source.Kind.IMPORT):
            topic = source.title.rsplit(" ", 1)[-1].lower()
            source.category = BBC_CATEGORIES.get(topic, "")
            source.save(update_fields=["category"])
        run_until_idle()
        User = get_user_model()
        staff = User.objects.create_user("editor", "editor@example.org", "a long pass phrase", is_staff=True)
        reader = User.objects.create_user("reader", "reader@example.org", "a long pass phrase")
        story = Story.objects.filter(article_count__gt=0).order_by("-source_count", "-article_count").first()
        article = max(Article.objects.filter(story=story), key=lambda a: len(a.text), default=None)
        assert story is not None and article is not None
        server = LiveServerThread("127.0.0.1", StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        url = f"http://127.0.0.1:{server.port}"
        # An article page makes its panel (no worker runs), which stores the entities it names: a
        # BBC article, whose text is whole (the feeds give teasers).
        bbc = Article.objects.filter(source__title="BBC News Politics").order_by("pk").first()
        assert bbc is not None
        for item in (article, bbc):
            Client().get(f"/article/{item.pk}/")
        most = EntityMention.objects.values("slug").annotate(n=Count("article", distinct=True))
        entity = next(iter(most.order_by("-n", "slug").values_list("slug", flat=True)), None)
        assert entity is not None, "the article pages made no panel, so no entity has a page"
        try:
            yield Site(url, story, article, bbc, entity, _cookie(staff), _cookie(reader))
        finally:
            server.terminate()
            server.join()
            connections.close_all()
            for model in (EntityMention, Article, Story, Source, User):
                model.objects.all().delete()
            reset_fetcher()


@pytest.fixture(autouse=True)
def _database(django_db_blocker) -> Iterator[None]:
    """The tests read the module's data (no per-test database: that would flush the ingest)."""
    with django_db_blocker.unblock():
        yield


def _pages(site: Site) -> dict[str, str]:
    return {
        "front": "/",
        "section": "/section/business/",
        "story": f"/story/{site.story.pk}/",
        "article": f"/article/{site.article.pk}/",
        "article-panel": f"/article/{site.full_article.pk}/",
        "search": "/search/?q=economy",
        "latest": "/latest/",
        "sources": "/sources/",
        "entity": f"/entity/{site.entity}/",
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_screens_read_well(browser, news_site: Site, size: str, scheme: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=SIZES[size], color_scheme=scheme)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: list[str] = []
    try:
        for name, path in _pages(news_site).items():
            response = page.goto(news_site.url + path)
            assert response is not None and response.status == 200, (name, response and response.status)
            page.screenshot(path=str(SHOTS / f"{name}-{size}-{scheme}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                problems.append(f"{name}: {overflow}px wider than the {size} screen")
            if name == "article-panel":  # a question is a sentence: its field takes the panel's row
                field, row = (
                    page.locator("form.ask input").bounding_box(),
                    page.locator(".ai-panel").bounding_box(),
                )
                if not (field and row and field["width"] > 0.6 * row["width"]):
                    problems.append(f"{name}: the question field is {field and field['width']}px wide")
            if split := page.evaluate(SPLIT_PARTS_JS):
                problems.append(f"{name}: split across lines: {split[:3]}")
            body = page.inner_text("main")
            if re.search(r"\d\.\d\d similar|\d+ days?, \d+:\d\d:\d\d|outlet' own", body):
                problems.append(f"{name}: machinery numbers or broken wording")
    finally:
        context.close()
    assert not problems, problems
    assert not errors, errors


@pytest.mark.parametrize("size", list(SIZES))
def test_sources_table_never_breaks_words(browser, news_site: Site, size: str) -> None:
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    try:
        page.goto(news_site.url + "/sources/")
        assert page.locator("table.sources tbody tr").count() == len(FEEDS) + len(BBC_CATEGORIES)
        broken = page.evaluate(BROKEN_WORDS_JS, "table.sources td, table.sources th")
        assert broken == [], broken
        # Readers see that a source fails, never the resolver's or fetcher's message.
        assert "Name or service" not in page.inner_text("main") and "getaddrinfo" not in page.inner_text(
            "main"
        )
    finally:
        context.close()


def test_logged_in_navigation_stays_on_one_line_at_1280(browser, news_site: Site) -> None:
    context = browser.new_context(viewport=SIZES["desktop"])
    context.add_cookies([{"name": "sessionid", "value": news_site.staff_cookie, "url": news_site.url}])
    page = context.new_page()
    try:
        page.goto(news_site.url + "/")
        assert page.get_by_role("link", name="For you").is_visible()
        assert page.get_by_role("link", name="Admin", exact=True).is_visible()
        tops = page.evaluate(
            "[...document.querySelectorAll('header.site .bar > *')]"
            ".map(e => Math.round(e.getBoundingClientRect().top))"
        )
        height = page.evaluate("document.querySelector('header.site .bar').getBoundingClientRect().height")
        assert height < 60, (height, tops)
        page.screenshot(path=str(SHOTS / "front-desktop-staff.png"))
    finally:
        context.close()


def test_sections_in_navigation_lead_to_their_stories(browser, news_site: Site) -> None:
    context = browser.new_context(viewport=SIZES["phone"])
    page = context.new_page()
    try:
        page.goto(news_site.url + "/")
        nav = page.get_by_role("navigation", name="Sections")
        for name in ("World", "Business", "Technology", "Sport", "Politics"):
            assert nav.get_by_role("link", name=name).count() == 1
        nav.get_by_role("link", name="Sport").click()
        page.wait_for_load_state()
        assert page.url.endswith("/section/sport/")
        assert page.get_by_role("heading", name="Sport", level=1).is_visible()
        assert page.locator("ol.stories li.story-card").count() > 0
        # Every story listed is covered by a BBC Sport article (the only source in Sport).
        titles = page.locator("ol.stories .title").all_inner_texts()
        sport = set(
            Article.objects.filter(source__title="BBC News Sport").values_list("story__headline", flat=True)
        )
        assert set(titles) <= sport
        # A story from one outlet: its panel says so in plain words, with no "what each outlet adds".
        page.locator("ol.stories .title").first.click()
        page.wait_for_load_state()
        main = page.inner_text("main")
        assert "outlet' own" not in main and "What each outlet adds" not in main
        if page.locator(".story-panel").count():
            assert "from one outlet's own sentences" in main
        world = page.goto(news_site.url + "/section/world/")
        assert world is not None and world.status == 200
        assert page.locator("ol.stories li.story-card").count() > 0
        # The row scrolls sideways on a phone: the last section, past its edge, is brought into view.
        page.goto(news_site.url + "/section/culture/")
        here, box = nav.locator("[aria-current=page]").bounding_box(), nav.bounding_box()
        assert here and box and box["x"] <= here["x"] and here["x"] + here["width"] <= box["x"] + box["width"]
    finally:
        context.close()


def _be_the_worker(name: str) -> None:
    """Run the queued task `name` here, as a worker would (no consumer runs in these tests); tasks
    queued by other pages (AI panels) are dropped: no worker would have run them here either."""
    bodies = {"add_source_task": add_source_task, "fetch_source_task": fetch_source_task}
    while (task := HUEY.dequeue()) is not None:
        if task.name.endswith(name):
            bodies[name].call_local(*task.args)
            return
    raise AssertionError(f"no {name} was queued")


def test_staff_adds_a_source_from_the_page_with_a_preview(browser, news_site: Site) -> None:
    context = browser.new_context(viewport=SIZES["desktop"])
    context.add_cookies([{"name": "sessionid", "value": news_site.staff_cookie, "url": news_site.url}])
    page = context.new_page()
    before = Source.objects.count()
    try:
        with override_settings(NEWSDESK_ALLOW_PRIVATE_NETWORKS=True), LoopbackServer() as srv:
            reset_fetcher()
            feed = (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Ledger</title>'
                "<link>https://ledger.example/</link><item><title>Port strike ends after talks</title>"
                "<link>https://ledger.example/1</link><guid>l-1</guid></item></channel></rss>"
            )
            srv.route("/feed.xml", static(feed.encode(), content_type="application/rss+xml"))
            home = f'<link rel="alternate" type="application/rss+xml" href="{srv.url("/feed.xml")}">'
            srv.route("/", static(home.encode()))
            page.goto(news_site.url + "/sources/")
            page.get_by_label("Feed or site address").fill(srv.url("/"))
            page.get_by_label("Category").first.fill("Business")
            page.get_by_role("button", name="Preview").click()
            page.wait_for_load_state()
            # The request only queues the work: the page waits, reloading itself, for a worker.
            assert page.get_by_text(f"Looking at {srv.url('/')}").is_visible() and srv.hits == {}
            page.screenshot(path=str(SHOTS / "sources-preview-waiting-desktop-light.png"), full_page=True)
            _be_the_worker("add_source_task")
            page.get_by_text("Port strike ends after talks").wait_for(timeout=10_000)  # its next reload
            assert page.get_by_role("heading", name="Preview").is_visible()
            assert Source.objects.count() == before  # nothing saved by the preview
            page.screenshot(path=str(SHOTS / "sources-preview-desktop-light.png"), full_page=True)
            page.get_by_role("button", name="Add this source").click()
            page.wait_for_load_state()
            assert Source.objects.count() == before  # queued, not yet added
            _be_the_worker("add_source_task")
            page.wait_for_url(re.compile(r"/source/\d+/$"), timeout=10_000)
            assert Source.objects.count() == before + 1
            assert page.get_by_text("its first fetch is queued").is_visible()
            _be_the_worker("fetch_source_task")  # the first fetch names the source after its feed
            page.reload()
            assert page.get_by_role("heading", name="Loopback Ledger").is_visible()
    finally:
        Source.objects.filter(title="Loopback Ledger").delete()
        reset_fetcher()
        context.close()


def test_reader_sees_no_staff_tools_and_a_branded_404(browser, news_site: Site) -> None:
    context = browser.new_context(viewport=SIZES["phone"], color_scheme="dark")
    context.add_cookies([{"name": "sessionid", "value": news_site.reader_cookie, "url": news_site.url}])
    page = context.new_page()
    try:
        page.goto(news_site.url + "/sources/")
        assert page.get_by_text("Add a source").count() == 0
        assert page.get_by_role("button", name="Pause").count() == 0
        response = page.goto(news_site.url + "/no/such/page/")
        assert response is not None and response.status == 404
        assert page.get_by_role("heading", name="Page not found").is_visible()
        assert page.get_by_role("navigation", name="Sections").is_visible()
        page.screenshot(path=str(SHOTS / "404-phone-dark.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_a_readers_own_pages_read_well(browser, news_site: Site, size: str) -> None:
    """For you and the briefing, signed in as a reader who follows one outlet and one topic."""
    reader = get_user_model().objects.get(username="reader")
    wsj = Source.objects.get(title__startswith="WSJ", category="News / World")
    Follow.objects.get_or_create(user=reader, kind=Follow.Kind.SOURCE, key=str(wsj.pk), label=wsj.title)
    Follow.objects.get_or_create(user=reader, kind=Follow.Kind.TOPIC, key="election", label="election")
    context = browser.new_context(viewport=SIZES[size], color_scheme="dark" if size == "phone" else "light")
    context.add_cookies([{"name": "sessionid", "value": news_site.reader_cookie, "url": news_site.url}])
    page = context.new_page()
    try:
        for name, path in (
            ("for-you", "/for-you/"),
            ("briefing", "/briefing/"),
            ("following", "/me/following/"),
        ):
            page.goto(news_site.url + path)
            page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (name, overflow)
            if name == "following":
                continue
            # Every card names its report's outlet, as the front page's do, and says why it is here.
            cards = page.locator("ol.stories li.story-card")
            assert cards.count() > 0, name
            assert page.locator("ol.stories li.story-card .outlet .name").count() == cards.count(), name
            assert page.locator("ol.stories li.story-card .reason").count() == cards.count(), name
            # The rssarch snapshots are a year old: the Top 8 names the day it covers.
            intro = page.inner_text("main > p.muted")
            assert "ago" not in intro, intro
    finally:
        Follow.objects.filter(user=reader).delete()
        context.close()
