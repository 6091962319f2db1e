"""Follows, mutes, bookmarks, read state and the For-you page, through the site's own forms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.readers.models import Bookmark, Follow, Mute, ReadMark
from tests.readers import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client: Client) -> User:
    user = User.objects.create_user("ada", "ada@example.org", "a long pass phrase")
    client.force_login(user)
    return user


def _csrf(client: Client, path: str = "/me/following/") -> str:
    client.get(path)
    return client.cookies["csrftoken"].value


def test_follow_needs_csrf_and_sign_in_and_undoes(reader: User) -> None:
    # Four articles name her: enough for an entity page and so a Follow button.
    s = builders.story(
        "Harbour bridge reopens", ["Coast Times", "Metro"], people=["Jane Hollis"], per_outlet=2
    )
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    form = {"kind": "entity", "key": "jane-hollis", "label": "Jane Hollis", "next": f"/story/{s.pk}/"}
    assert strict.post("/me/follow/", form).status_code == 403
    assert not Follow.objects.exists()

    # The story page offers the button; pressing it (with the page's token) follows and comes back.
    page = strict.get(f"/story/{s.pk}/").content.decode()
    assert re.search(r'name="key" value="jane-hollis"', page) and "Follow <span" in page
    token = strict.cookies["csrftoken"].value
    answer = strict.post("/me/follow/", {**form, "csrfmiddlewaretoken": token})
    assert answer.status_code == 302 and answer["Location"] == f"/story/{s.pk}/"
    assert (
        Follow.objects.filter(user=reader, kind="entity", key="jane-hollis", label="Jane Hollis").count() == 1
    )
    assert 'aria-pressed="true">Following' in strict.get(f"/story/{s.pk}/").content.decode()

    strict.post("/me/follow/", {**form, "undo": "1", "csrfmiddlewaretoken": token})
    assert not Follow.objects.exists()

    anonymous = Client()
    answer = anonymous.post("/me/follow/", form)
    assert answer.status_code == 302 and "login" in answer["Location"]
    assert 'action="/me/follow/"' not in anonymous.get(f"/story/{s.pk}/").content.decode()


def test_hostile_follow_and_mute_input_is_refused_plainly(client: Client, reader: User) -> None:
    assert client.post("/me/follow/", {"kind": "planet", "key": "x"}).status_code == 400
    assert client.post("/me/follow/", {"kind": "source", "key": "999999"}).status_code == 400
    assert client.post("/me/follow/", {"kind": "source", "key": "²"}).status_code == 400  # isdigit, not int
    assert client.post("/me/mute/", {"kind": "source", "key": "9" * 30}).status_code == 400  # no such row id
    assert client.post("/me/follow/", {"kind": "entity", "key": "<script>"}).status_code == 400
    too_long = client.post("/me/follow/", {"kind": "topic", "key": "x" * 61})
    assert too_long.status_code == 400 and "1–60 characters" in too_long.content.decode()
    assert client.post("/me/mute/", {"kind": "keyword", "key": "   "}).status_code == 400
    # A redirect never leaves the site.
    answer = client.post("/me/follow/", {"kind": "topic", "key": "Tides", "next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert Follow.objects.get().key == "tides"
    assert client.get("/me/follow/").status_code == 405
    assert Follow.objects.count() == 1 and not Mute.objects.exists()


def test_muted_sources_and_keywords_never_appear(client: Client, reader: User) -> None:
    plain = builders.story("Orchard harvest breaks record", ["Farm Weekly", "Metro"])
    crypto = builders.story("Token exchange collapses overnight", ["Coin Desk Daily", "Metro"])
    only_muted = builders.story("Gallery opens new wing", ["Art Wire"])
    mixed = builders.story("River festival draws crowds", ["Art Wire", "Metro"])
    token = _csrf(client)
    art_wire = Article.objects.filter(source__title="Art Wire").first().source_id
    client.post("/me/mute/", {"kind": "source", "key": art_wire, "csrfmiddlewaretoken": token})
    client.post("/me/mute/", {"kind": "keyword", "key": "Token", "csrfmiddlewaretoken": token})
    client.post("/me/follow/", {"kind": "source", "key": art_wire, "csrfmiddlewaretoken": token})
    client.post("/me/follow/", {"kind": "topic", "key": "token", "csrfmiddlewaretoken": token})

    briefing_page = client.get("/briefing/").content.decode()
    own_feed = re.search(r'href="(/feeds/briefing.atom\?u=[^"]+)"', briefing_page)[1]
    for path in ("/", "/for-you/", "/briefing/", "/latest/", own_feed.replace("&amp;", "&")):
        page = client.get(path).content.decode()
        assert "Token exchange" not in page and "Gallery opens" not in page, path
        assert "Art Wire" not in page, path
    front = client.get("/").content.decode()
    assert plain.headline in front and mixed.headline in front  # Metro's telling of the festival stays
    story_page = client.get(f"/story/{mixed.pk}/").content.decode()
    assert "Art Wire" not in story_page.split("<main")[1] and "1 article hidden by your mutes" in story_page
    # Someone else sees everything.
    other = Client().get("/").content.decode()
    assert all(s.headline in other for s in (plain, crypto, only_muted, mixed))
    # Unmuting brings them back.
    client.post("/me/mute/", {"kind": "keyword", "key": "token", "undo": "1", "csrfmiddlewaretoken": token})
    assert crypto.headline in client.get("/").content.decode()


def test_bookmarks_and_read_state(client: Client, reader: User) -> None:
    s = builders.story("Night trains return to the valley", ["Rail Post", "Metro"])
    first = Article.objects.get(story=s, title=s.headline)  # the cards' lead: the report headlining it
    token = _csrf(client)
    assert not ReadMark.objects.exists()
    assert s.headline in client.get("/briefing/").content.decode()
    assert 'class="story-card read"' not in client.get("/briefing/").content.decode()
    page = client.get(f"/article/{first.pk}/").content.decode()
    assert ReadMark.objects.filter(user=reader, article=first).exists()  # opening it marked it read
    assert "Mark unread" in page and "Save<span" in page
    assert ' read">' in client.get("/").content.decode().split(s.headline)[0].rsplit("<li", 1)[1] + '">'
    assert 'class="story-card read"' in client.get("/briefing/").content.decode()  # its lead is read

    client.post(f"/me/bookmark/{first.pk}/", {"csrfmiddlewaretoken": token})
    client.post(f"/me/bookmark/{first.pk}/", {"csrfmiddlewaretoken": token})  # twice is still once
    assert Bookmark.objects.filter(user=reader).count() == 1
    saved = client.get("/saved/").content.decode()
    assert first.title in saved and "· read" in saved

    client.post(f"/me/read/{first.pk}/", {"unread": "1", "csrfmiddlewaretoken": token})
    assert not ReadMark.objects.exists()
    assert "<strong>unread</strong>" in client.get("/saved/").content.decode()
    client.post(f"/me/bookmark/{first.pk}/", {"undo": "1", "csrfmiddlewaretoken": token})
    assert first.title not in client.get("/saved/").content.decode()
    assert client.post("/me/bookmark/999999/", {"csrfmiddlewaretoken": token}).status_code == 404


def test_for_you_ranks_what_the_reader_follows(client: Client, reader: User) -> None:
    now = timezone.now()
    wide = builders.story("Senate passes water bill", ["A News", "B News", "C News"], people=["Maria Ortiz"])
    narrow = builders.story("Ortiz visits flooded farms", ["D News"], people=["Maria Ortiz"])
    old = builders.story(
        "Ortiz elected to the senate",
        ["A News", "B News", "C News"],
        people=["Maria Ortiz"],
        when=now - timedelta(days=4),
    )
    topic = builders.story("Comet seen over the desert", ["E News"])
    unrelated = builders.story("Stocks close higher", ["A News", "B News", "C News", "D News"])
    token = _csrf(client)
    empty = client.get("/for-you/").content.decode()
    assert "You follow nothing yet" in empty and unrelated.headline not in empty

    client.post(
        "/me/follow/",
        {"kind": "entity", "key": "maria-ortiz", "label": "Maria Ortiz", "csrfmiddlewaretoken": token},
    )
    client.post("/me/follow/", {"kind": "topic", "key": "Comet", "csrfmiddlewaretoken": token})
    page = client.get("/for-you/").content.decode()
    order = [m for m in re.findall(r'<a class="title" href="/story/(\d+)/"', page)]
    assert order[:2] == [str(wide.pk), str(narrow.pk)]  # wider coverage first among equally fresh matches
    assert str(old.pk) in order and order.index(str(old.pk)) > order.index(str(wide.pk))  # four days old
    assert str(topic.pk) in order and str(unrelated.pk) not in order
    assert "Because you follow Maria Ortiz" in page and "you follow the topic comet" in page


def test_settings_page_saves_the_briefing_choice(client: Client, reader: User) -> None:
    page = client.get("/me/settings/").content.decode()
    assert '<label for="id_briefing_hour">' in page and "not verified yet" in page
    answer = client.post(
        "/me/settings/", {"time_zone": "Europe/Paris", "briefing_email": "on", "briefing_hour": "6"}
    )
    assert answer.status_code == 200 and "Saved." in answer.content.decode()
    reader.profile.refresh_from_db()
    assert (reader.profile.time_zone, reader.profile.briefing_email, reader.profile.briefing_hour) == (
        "Europe/Paris",
        True,
        6,
    )
    bad = client.post("/me/settings/", {"time_zone": "Mars/Olympus", "briefing_hour": "25"})
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    reader.profile.refresh_from_db()
    assert reader.profile.time_zone == "Europe/Paris"
    assert Client().get("/me/settings/").status_code == 302  # sign in first
