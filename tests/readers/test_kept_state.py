"""A reader's state kept between their requests (readers/state.py) is never shown stale: a follow,
mute, save or read mark shows on the very next page even where a web process still keeps the state
from before it (another process's view), a ban or a role change shows at once, and readers who share
the kept texts of buttons never see each other's."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.comments import moderation
from newsdesk.comments.roles import grant
from newsdesk.readers.models import StateVersion
from newsdesk.readers.state import KEPT, ReaderState
from tests.comments.factories import make_user
from tests.readers import builders

pytestmark = pytest.mark.django_db
LATEST = "/latest/"


def _pressed(page: str) -> list[str]:
    """The buttons shown on: 'Following X', 'Unmute X', 'Saved'."""
    found = [
        f"{what.strip()} {label}"
        for what, label in re.findall(r'aria-pressed="true">([^<]+)<span class="what">([^<]+)</span>', page)
    ]
    return found + re.findall(r'aria-pressed="true"[^>]*>(Saved)<', page)


def _read_cards(page: str) -> list[int]:
    """The articles whose cards are marked read."""
    cards = re.findall(r'<li class="article-card( read)?">.*?href="/article/([0-9]+)/"', page, re.DOTALL)
    return sorted(int(pk) for read, pk in cards if read)


def _as_another_process_saw_it(user_id: int, before: ReaderState) -> None:
    """This process keeps the state from before the change, as a web process that did not make the
    change would (it learns of it only by the reader's state version)."""
    KEPT.forget(user_id)
    KEPT.keep(before)


def _story():
    story = builders.story("Rail strike called off after late talks", ["Metro Times", "Evening Wire"])
    metro = Article.objects.get(story=story, source__title="Metro Times")
    wire = Article.objects.get(story=story, source__title="Evening Wire")
    return story, metro, wire


@pytest.mark.parametrize("cached", [True, False], ids=["page cache", "no page cache"])
def test_a_change_shows_on_the_next_page_where_the_old_state_is_still_kept(
    settings, page_cache, cached
) -> None:
    settings.NEWSDESK_PAGE_CACHE = cached
    story, metro, wire = _story()
    dana = make_user("dana")
    client = Client()
    client.force_login(dana)
    article_url, story_url = f"/article/{metro.pk}/", f"/story/{story.pk}/"
    assert _pressed(client.get(article_url).content.decode()) == []
    assert "Evening Wire" in client.get(story_url).content.decode().split('id="comments"')[0]

    steps = [
        ("/me/follow/", {"kind": "source", "key": str(metro.source_id), "label": "Metro Times"}),
        (f"/me/bookmark/{metro.pk}/", {}),
        ("/me/mute/", {"kind": "source", "key": str(wire.source_id), "label": "Evening Wire"}),
    ]
    for url, form in steps:
        before = KEPT.get(dana.pk)
        assert before is not None
        assert client.post(url, {**form, "next": article_url}).status_code == 302
        _as_another_process_saw_it(dana.pk, before)
        page = client.get(article_url).content.decode()
        if "follow" in url:
            assert _pressed(page) == ["Following Metro Times"]
        elif "bookmark" in url:
            assert sorted(_pressed(page)) == sorted(["Following Metro Times", "Saved"])
    # The muted outlet is gone from the story page, the old state still kept here notwithstanding.
    assert "Evening Wire" not in client.get(story_url).content.decode().split('id="comments"')[0]

    # And undone: the buttons turn off on the next page.
    before = KEPT.get(dana.pk)
    client.post("/me/follow/", {**steps[0][1], "undo": "1", "next": article_url})
    _as_another_process_saw_it(dana.pk, before)
    assert _pressed(client.get(article_url).content.decode()) == ["Saved"]


def test_opening_an_article_marks_it_read_on_the_next_page_and_reopening_writes_nothing(page_cache) -> None:
    _, metro, _ = _story()
    dana = make_user("dana")
    client = Client()
    client.force_login(dana)
    assert _read_cards(client.get(LATEST).content.decode()) == []
    before = KEPT.get(dana.pk)
    page = client.get(f"/article/{metro.pk}/").content.decode()
    assert "Mark unread" in page
    _as_another_process_saw_it(dana.pk, before)
    latest = client.get(LATEST).content.decode()
    assert _read_cards(latest) == [metro.pk]
    version = StateVersion.objects.get(user=dana).version
    assert "Mark unread" in client.get(f"/article/{metro.pk}/").content.decode()
    assert StateVersion.objects.get(user=dana).version == version  # read already: nothing written


def test_a_ban_and_a_role_change_show_on_the_very_next_page(page_cache) -> None:
    _, metro, _ = _story()
    erin, mod = make_user("erin"), make_user("mod", role="moderator")
    client = Client()
    client.force_login(erin)
    url = f"/article/{metro.pk}/"
    page = client.get(url).content.decode()
    assert "Post comment" in page and "Moderation</a>" not in page

    moderation.ban(mod, erin, reason="spam links")
    page = client.get(url).content.decode()
    assert "You may not comment: spam links" in page and "Post comment" not in page
    moderation.unban(mod, erin)
    assert "Post comment" in client.get(url).content.decode()

    grant(erin, "moderator")
    assert "Moderation</a>" in client.get(url).content.decode()
    grant(erin, "reader")
    assert "Moderation</a>" not in client.get(url).content.decode()


def test_readers_sharing_kept_button_texts_see_only_their_own(page_cache) -> None:
    _, metro, wire = _story()
    alice, bob = make_user("alice"), make_user("bob")
    as_alice, as_bob = Client(), Client()
    as_alice.force_login(alice)
    as_bob.force_login(bob)
    url = f"/article/{metro.pk}/"
    for saved in (metro, wire):  # whichever leads the story's card on the front page
        as_alice.post(f"/me/bookmark/{saved.pk}/", {"next": url})
    as_alice.post("/me/follow/", {"kind": "source", "key": str(metro.source_id), "label": "Metro Times"})
    for _ in range(2):  # the second time from kept texts
        assert sorted(_pressed(as_alice.get(url).content.decode())) == ["Following Metro Times", "Saved"]
        page = as_bob.get(url).content.decode()
        assert _pressed(page) == [] and "alice" not in page
        assert _pressed(as_alice.get("/").content.decode()) == ["Saved"]
        assert _pressed(as_bob.get("/").content.decode()) == []
