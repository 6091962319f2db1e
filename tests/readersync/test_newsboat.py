"""newsboat (Debian's package) against the site: its Google Reader backend ("FeedHQ", the one whose
server address can be set) logs in, lists the subscriptions, reads the Atom streams, and round-trips
read and starred state with the site. Headless: `-x reload` / `-x print-unread` for the sync, tmux
for the keys a reader presses. Then the site's feeds out, read by newsboat as plain feeds.

newsboat 2.21's FeedHQ backend reads read state from the server but not starred state (its
"Starred items" feed is hardwired to feedhq.org), so starring is checked from newsboat to the site.
`make test` installs newsboat and tmux when missing and run as root; otherwise these tests skip.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdesk.readersync.models import AppToken
from tests.readersync.clients import LOGIN, Site
from tests.readersync.newsboat import MISSING, Newsboat, Tmux

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.skipif(bool(MISSING), reason=MISSING)]


def guid(pk: int) -> str:
    return f"tag:google.com,2005:reader/item/{pk:016x}"


def test_newsboat_syncs_with_the_site(site: Site, tmp_path: Path) -> None:
    site.mark_read_on_site(site.articles[site.world.pk][0])
    # The address as /settings/apps/ shows it; newsboat adds "/accounts/ClientLogin" and "/reader/…".
    newsboat = Newsboat.google_reader(tmp_path, site.url + "/reader", LOGIN, site.app_password)
    out = newsboat.run("reload", "print-unread")
    print("newsboat -x reload print-unread:", out.strip())
    unread = len(site.all_ids) - 1
    assert out.strip() == f"{unread} unread articles"
    assert not (newsboat.errors.read_text() if newsboat.errors.exists() else "").strip()

    # Subscriptions and articles arrived; the one read on the site is read in newsboat.
    assert sorted(newsboat.feeds().values()) == ["Tech Daily", "World Wire"]
    items = newsboat.items()
    assert set(items) == {guid(pk) for pk in site.all_ids}
    assert {t for t, _, _ in items.values()} == {site.title(pk) for pk in site.all_ids}
    assert [g for g, (_, u, _) in items.items() if not u] == [guid(site.articles[site.world.pk][0])]

    # The site marks another read: newsboat's next sync shows it read.
    site.mark_read_on_site(site.articles[site.tech.pk][0])
    assert newsboat.run("reload", "print-unread").strip() == f"{unread - 1} unread articles"
    assert not newsboat.items()[guid(site.articles[site.tech.pk][0])][1]
    assert AppToken.objects.filter(user=site.user).count() == 1  # one token however often it logs in

    # A reader in newsboat (keys through tmux): open the first feed, toggle its newest article read,
    # flag the next one starred ("s" = feedhq-flag-star), toggle the first back to unread, then
    # mark the whole other feed read. Each step reaches the site at once.
    tech_newest, tech_next = sorted(site.articles[site.tech.pk], reverse=True)[:2]
    tmux = Tmux(f"newsboat-{os.getpid()}", newsboat)
    try:
        tmux.wait_for(lambda s: "Tech Daily" in s and "World Wire" in s, "the feed list")
        tmux.keys("Enter")
        shown = tmux.wait_for(lambda s: "Articles in feed 'Tech Daily'" in s, "the Tech Daily articles")
        print("newsboat article list:\n" + "\n".join(line for line in shown.splitlines() if line.strip()))
        tmux.keys("N")
        eventually(lambda: tech_newest in site.read(), "read in newsboat -> read on the site")
        tmux.keys("C-e")
        tmux.wait_for(lambda s: "Flags:" in s, "the flags prompt")
        tmux.keys("s", "Enter")
        eventually(lambda: site.starred() == {tech_next}, "flagged in newsboat -> starred on the site")
        tmux.keys("Up", "N")
        eventually(lambda: tech_newest not in site.read(), "unread in newsboat -> unread on the site")
        tmux.keys("q")
        tmux.wait_for(lambda s: "Your feeds" in s, "the feed list again")
        tmux.keys("Down", "A")
        eventually(lambda: set(site.articles[site.world.pk]) <= site.read(), "mark feed read -> all read")
        tmux.keys("Q")
    finally:
        tmux.close()
    assert site.read() == set(site.articles[site.world.pk]) | {site.articles[site.tech.pk][0]}
    assert newsboat.run("reload", "print-unread").strip() == "3 unread articles"


def eventually(check: Callable[[], bool], what: str, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"never happened: {what}")
