"""Reader features in a real browser: follow an entity and see the briefing and For you change, walk
the front page with the keyboard, read it on a phone, in dark mode, with labels, focus and contrast."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.readers.models import Bookmark, Follow
from tests.readers import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OUTLETS = [f"Outlet {c}" for c in "ABCDEFGHIJ"]


def _sign_in(page, site: str, name: str = "ada") -> User:
    """Sign a reader in: a session made by Django's test client, handed to the browser as its cookie."""
    user = User.objects.create_user(name, f"{name}@example.org", "a long pass phrase")
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])
    return user


def _news() -> list:
    now = timezone.now()
    return [
        builders.story(f"Event {n} reaches {n} newsrooms", OUTLETS[:n], when=now - timedelta(hours=n))
        for n in range(2, 11)
    ]


def test_following_an_entity_changes_the_briefing_and_for_you(site, page, page_events) -> None:
    _news()
    # One outlet, three articles: enough for Maria Ortiz to have a page, so a Follow button.
    quiet = builders.story(
        "Ortiz visits flooded farms", ["Valley Post"], people=["Maria Ortiz"], places=["Yolo"], per_outlet=3
    )
    user = _sign_in(page, site)

    page.goto(f"{site}/briefing/")
    assert page.get_by_role("heading", name="Top 8").is_visible()
    assert page.get_by_text(quiet.headline).count() == 0  # one outlet: not among the eight widest
    page.goto(f"{site}/for-you/")
    assert page.get_by_text("You follow nothing yet").is_visible()

    page.goto(f"{site}/story/{quiet.pk}/")
    page.get_by_role("button", name=re.compile(r"^Follow Maria Ortiz")).click()
    page.wait_for_load_state()
    assert page.url == f"{site}/story/{quiet.pk}/"
    following = page.get_by_role("button", name=re.compile(r"^Following Maria Ortiz"))
    assert following.get_attribute("aria-pressed") == "true"
    assert Follow.objects.filter(user=user, kind="entity", key="maria-ortiz").exists()

    page.goto(f"{site}/briefing/")
    card = page.locator(".story-card", has_text=quiet.headline)
    assert card.is_visible() and "Because you follow Maria Ortiz" in card.inner_text()
    assert page.locator(".story-card").count() == 8
    page.goto(f"{site}/for-you/")
    first = page.locator(".story-card").first
    assert quiet.headline in first.inner_text() and "you follow Maria Ortiz" in first.inner_text()
    assert page_events.page_errors == [] and page_events.dialogs == []


def test_keyboard_walk_through_the_front_page(site, page, page_events) -> None:
    _news()
    user = _sign_in(page, site)
    page.goto(site + "/")
    cards = page.locator("ol.stories > li.story-card")
    hrefs = [cards.nth(i).locator("a.title").get_attribute("href") for i in range(3)]
    titles = [cards.nth(i).locator("a.title").inner_text() for i in range(3)]

    def current() -> int:
        return page.evaluate(
            "Array.from(document.querySelectorAll('ol.stories > li.story-card'))"
            ".findIndex(c => c.classList.contains('current') && c.contains(document.activeElement))"
        )

    page.keyboard.press("j")
    assert current() == 0
    page.keyboard.press("j")
    assert current() == 1
    page.keyboard.press("k")
    assert current() == 0
    page.keyboard.press("o")
    page.wait_for_url(f"{site}{hrefs[0]}")
    assert page.get_by_role("heading", level=1).inner_text() == titles[0]

    page.goto(site + "/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("jk")  # typing in the search box is typing, not shortcuts
    assert page.input_value("#q") == "jk" and current() == -1
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    help_box = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert help_box.is_visible() and "next story" in help_box.inner_text()
    page.keyboard.press("Escape")
    assert not help_box.is_visible()

    # s saves the selected story's lead article for later.
    page.keyboard.press("j")
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("s")
    saved = Bookmark.objects.get(user=user).article
    assert f"/story/{saved.story_id}/" == hrefs[1]
    assert page_events.page_errors == [] and page_events.dialogs == []


PAGES = [
    "/",
    "/latest/",
    "/briefing/",
    "/for-you/",
    "/saved/",
    "/me/following/",
    "/me/settings/",
    "/sources/",
]


def test_every_page_fits_a_phone(site, page, page_events) -> None:
    stories = _news()
    builders.story("A" * 90 + " unbroken headline of a very wide word", ["Outlet Z"])
    _sign_in(page, site)
    article = Article.objects.filter(story=stories[-1]).first()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in [
        *PAGES,
        f"/story/{stories[-1].pk}/",
        f"/article/{article.pk}/",
        f"/source/{article.source_id}/",
    ]:
        page.goto(site + path)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1] == 390, (path, width)
    assert page_events.page_errors == []


def _contrast_js() -> str:
    # WCAG 2 contrast of each element's text colour on the first opaque background behind it.
    return """(sel) => {
      function rgb(c) {
        const m = c.match(/[\\d.]+/g).map(Number);
        return m.length > 3 && m[3] === 0 ? null : m;
      }
      function lum(c) {
        const [r, g, b] = c.slice(0, 3).map(v => {
          v /= 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      }
      function bg(el) {
        for (; el; el = el.parentElement) {
          const c = rgb(getComputedStyle(el).backgroundColor);
          if (c) return c;
        }
        return [255, 255, 255];
      }
      const shown = Array.from(document.querySelectorAll(sel))
        .filter(e => e.offsetParent && e.innerText.trim());
      return shown.map(e => {
        const a = lum(rgb(getComputedStyle(e).color)), b = lum(bg(e));
        return [e.tagName + '.' + e.className, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
      });
    }"""


def test_dark_mode_labels_focus_and_contrast(site, page, page_events) -> None:
    stories = _news()
    _sign_in(page, site)
    backgrounds = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path in ["/", f"/story/{stories[-1].pk}/", "/me/following/", "/briefing/"]:
            page.goto(site + path)
            backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
            ratios = page.evaluate(
                _contrast_js(), "main a, main p, main .meta, main button, main label, header a, footer"
            )
            low = [(what, round(r, 2)) for what, r in ratios if r < 4.5]
            assert ratios and not low, (scheme, path, low)
    assert backgrounds["light"] != backgrounds["dark"]
    dark = [int(v) for v in re.findall(r"\d+", backgrounds["dark"])[:3]]
    assert max(dark) < 60  # a dark page, not merely another light one

    # Every form control has a label, every button a name.
    for path in PAGES:
        page.goto(site + path)
        unlabeled = page.evaluate(
            """Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                 .map(e => e.outerHTML)"""
        )
        nameless = page.evaluate(
            """Array.from(document.querySelectorAll('button'))
                 .filter(b => !b.innerText.trim()).map(b => b.outerHTML)"""
        )
        assert unlabeled == [] and nameless == [], path

    # Tab order starts at the skip link, then the site's name; the focused element is outlined.
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "brand"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    assert page_events.page_errors == []
