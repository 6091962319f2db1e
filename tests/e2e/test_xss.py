"""The XSS corpus (tests/fixtures/xss/payloads.txt, 288 payloads) rendered in chromium: posted as
comments through the comment form's view, and embedded in feed entries and article pages ingested
through the real pipeline (`import_path` + `run_until_idle`). Nothing may run — no dialog, no page
error, no marker left by a payload, no on* attribute, javascript:/data: URL, frame or foreign script
in the DOM — and each page keeps its header, its content and its comment list.

Bounded: the payloads are batched (all comments on one page, twelve per feed entry, 72 per page).
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.comments.models import Comment
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle
from newsdesk.stories.models import Story
from tests.comments.factories import make_story, make_user, quick_password_hashing
from tests.comments.xss_corpus import DOM_AUDIT_JS, load

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("quick_password_hashing"),
]
__all__ = ["quick_password_hashing"]  # the fixture, imported so pytest finds it here

PAYLOADS = load()
PER_ENTRY = 12
PER_PAGE = 72


def _loopback_only(page, site: str) -> None:
    """Any request a payload makes to anywhere but the test site is refused (and never leaves)."""
    allowed = urlsplit(site).netloc

    def route(r):
        if urlsplit(r.request.url).netloc == allowed:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)


def _audit(page, url: str) -> dict:
    page.goto(url)
    # Time for image errors, autofocus and animation events to fire if anything survived.
    page.wait_for_timeout(150)
    report = page.evaluate(DOM_AUDIT_JS)
    report["url"] = page.url
    return report


def _assert_clean(report: dict, expected_url: str) -> None:
    assert report["url"].split("#")[0] == expected_url.split("#")[0], f"navigated away: {report}"
    assert report["bad"] == [], report
    assert report["scripts"] == ["/static/newsdesk.js"], report
    assert report["embedded"] == 0, report
    assert report["xss"] is None and report["title"] != "XSS", report
    assert report["header"] and report["footer"], f"page structure broken: {report}"


def _login_cookie(page, site: str, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])


def test_payloads_posted_as_comments_execute_nothing(site, page, page_events, settings) -> None:
    settings.NEWSDESK_COMMENT_RATE_USER = settings.NEWSDESK_COMMENT_RATE_IP = "1000/60"
    story, [article] = make_story("A quiet council meeting")
    author, moderator = make_user("xss-author"), make_user("xss-mod", role="moderator")
    client = Client()
    client.force_login(author)
    previous = None
    for p in PAYLOADS:
        # Every fifth payload is a reply, every seventh goes to the article (shown on the story too).
        target = f"article:{article.pk}" if p.number % 7 == 0 else f"story:{story.pk}"
        data = {"target": target, "body": p.text}
        if (
            p.number % 5 == 0
            and previous is not None
            and previous.article_id == (article.pk if p.number % 7 == 0 else None)
        ):
            data["parent"] = str(previous.pk)
        response = client.post(reverse("comments:post"), data)
        assert response.status_code == 302, (p, response.status_code)
        previous = Comment.objects.latest("id")
    assert Comment.objects.count() == len(PAYLOADS)
    held = Comment.objects.filter(status=Comment.Status.HELD).count()

    _loopback_only(page, site)
    story_url = f"{site}/story/{story.pk}/"
    # As the moderator every comment is shown, held ones too; as a visitor only the published ones.
    _login_cookie(page, site, moderator)
    report = _audit(page, story_url)
    _assert_clean(report, story_url)
    assert page.locator("#comments li.comment").count() == len(PAYLOADS)
    assert page.locator("#comments .comment-body").count() == len(PAYLOADS)
    assert page.locator("#comments-h").is_visible() and page.locator("#comment-form").is_visible()
    assert page.locator("#comments").get_by_text("alert(101)").count() >= 1, "payload text is shown as text"
    article_url = f"{site}/article/{article.pk}/"
    _assert_clean(_audit(page, article_url), article_url)
    assert page.locator("#comments li.comment").count() == sum(1 for p in PAYLOADS if p.number % 7 == 0)
    _assert_clean(_audit(page, f"{site}/moderation/"), f"{site}/moderation/")
    page.context.clear_cookies()
    _assert_clean(_audit(page, story_url), story_url)
    assert page.locator("#comments li.comment").count() == len(PAYLOADS) - held
    _assert_clean(_audit(page, f"{site}/"), f"{site}/")
    assert page_events.dialogs == [] and page_events.page_errors == []


def _feed(payloads) -> str:
    items = []
    for i in range(0, len(payloads), PER_ENTRY):
        chunk = payloads[i : i + PER_ENTRY]
        body = "".join(f"<p>Paragraph {p.number} of the report.</p>{p.text}" for p in chunk)
        items.append(
            f"<item><title>{html.escape(' '.join(p.text for p in chunk))}</title>"
            f"<link>https://hostile.example/{i}</link><guid>hostile-{i}</guid>"
            f"<author>{html.escape(chunk[0].text)}</author>"
            f"<description>{html.escape(chunk[-1].text + ' ' + chunk[0].text)}</description>"
            f"<content:encoded>{html.escape(body)}</content:encoded>"
            "<pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{html.escape(payloads[0].text)} Hostile Wire</title><link>https://hostile.example/</link>"
        f"<description>{html.escape(payloads[1].text)}</description>{''.join(items)}</channel></rss>"
    )


def _page_html(n: int, payloads) -> str:
    paragraphs = "".join(
        f"<p>The harbour authority said on Monday that berth {p.number} would reopen after repairs to the "
        f"quay, which were delayed by storms in the autumn and by a shortage of steel.</p>{p.text}"
        for p in payloads
    )
    return (
        f"<!doctype html><html><head><title>Harbour berths reopen {n} {html.escape(payloads[0].text)}</title>"
        f'<meta property="og:title" content="{html.escape(payloads[1].text)}">'
        f'<meta name="description" content="{html.escape(payloads[2].text)}">'
        f'<meta name="author" content="{html.escape(payloads[3].text)}">'
        f"</head><body><header><nav>Site nav</nav></header><article><h1>Harbour berths reopen, part {n}</h1>"
        f"{paragraphs}</article><footer>Outlet footer</footer></body></html>"
    )


def test_payloads_in_feed_entries_and_article_pages_execute_nothing(
    site, page, page_events, tmp_path: Path
) -> None:
    (tmp_path / "hostile.rss").write_text(_feed(PAYLOADS), encoding="utf-8")
    for n, i in enumerate(range(0, len(PAYLOADS), PER_PAGE)):
        (tmp_path / f"page-{n}.html").write_text(_page_html(n, PAYLOADS[i : i + PER_PAGE]), encoding="utf-8")
    report = ImportReport()
    for path in sorted(tmp_path.iterdir()):
        import_path(path, report)
    assert report.errors == []
    run_until_idle(threads=1)
    articles = list(Article.objects.filter(stage=FINAL_STAGE))
    entries = -(-len(PAYLOADS) // PER_ENTRY)
    pages = -(-len(PAYLOADS) // PER_PAGE)
    assert len(articles) == entries + pages
    # Comments on them too, so each page's comment list must survive the article above it.
    author = make_user("reader")
    for a in articles:
        Comment.objects.create(article=a, author=author, body=f"Comment under article {a.pk}")

    _loopback_only(page, site)
    urls = [f"{site}/", f"{site}/latest/", f"{site}/sources/"]
    urls += [f"{site}/article/{a.pk}/" for a in articles]
    urls += [f"{site}/story/{s.pk}/" for s in Story.objects.filter(article_count__gt=0)[:40]]
    urls += [f"{site}/source/{pk}/" for pk in {a.source_id for a in articles}]
    # Reflected: payloads as search queries.
    urls += [f"{site}/search/?q={quote(p.text)}" for p in PAYLOADS[:: max(1, len(PAYLOADS) // 12)]]
    shown_text = 0
    for url in urls:
        _assert_clean(_audit(page, url), url)
        if "/article/" in url:
            assert page.locator("article.article h1").is_visible()
            # The article's own HTML cannot swallow or displace what comes after it.
            assert page.locator("main > #comments li.comment").count() == 1, url
            assert page.locator("article.article #comments, .body #comments").count() == 0
            shown_text += "alert(" in page.locator("article.article").inner_text()
    assert shown_text >= len(articles) // 2, "the payloads reached the pages (as inert text)"
    assert page_events.dialogs == [] and page_events.page_errors == []
