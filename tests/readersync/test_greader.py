"""The Google Reader API, spoken over real HTTP as NetNewsWire does (a recorded request sequence),
and the state it changes is the site's own: ReadMark, Bookmark, Follow."""

from __future__ import annotations

import hashlib
import time

import httpx
import pytest
from huey.contrib.djhuey import HUEY

from newsdesk.articles.models import Article
from newsdesk.readers.changes import MAX_FOLLOWS
from newsdesk.readers.models import Bookmark, Follow, ReadMark
from newsdesk.readersync.models import AppToken
from newsdesk.sources.models import Source
from tests.readersync.conftest import Reader, api, login, run_queued_additions, set_up_apps
from tests.readersync.sessions import load, replay

pytestmark = [pytest.mark.django_db(transaction=True)]


def _newest_first(ids: set[int]) -> list[int]:
    rows = Article.objects.filter(pk__in=ids).order_by("-published_at", "-pk")
    return list(rows.values_list("pk", flat=True))


def test_netnewswire_session(reader: Reader, live_server) -> None:
    set_up_apps(reader)
    vars = {
        "email": "alice@example.org",
        "app_password": reader.app_password,
        "new_feed_url": "https://other.example/feed",  # a source of the site alice does not follow yet
        "second_feed": reader.tech.pk,
        "now_usec": int((time.time() + 1) * 1_000_000),
    }
    r = replay(live_server.url, load("netnewswire_session.json"), vars)

    # Only the hash of the login token is stored.
    assert AppToken.objects.filter(user=reader.user).count() == 1
    assert AppToken.objects.get().token_hash == hashlib.sha256(vars["auth"].encode()).hexdigest()

    subs = {s["id"]: s for s in r["subscriptions"].json()["subscriptions"]}
    assert set(subs) == {f"feed/{reader.world.pk}", f"feed/{reader.tech.pk}"}  # not the unfollowed one
    assert subs[f"feed/{reader.world.pk}"]["categories"] == [{"id": "user/-/label/World", "label": "World"}]
    tags = {t["id"] for t in r["tags"].json()["tags"]}
    assert {"user/-/state/com.google/starred", "user/-/label/World", "user/-/label/Technology"} <= tags

    # Unread = every followed article but the one read on the site, newest first; starred = the site's.
    expected_unread = _newest_first(reader.followed_ids() - {reader.read_on_site.pk})
    assert [int(i) for i in vars["unread"]] == expected_unread
    assert [int(i) for i in vars["starred"]] == [reader.starred_on_site.pk]

    items = r["contents"].json()["items"]
    assert len(items) == len(expected_unread)
    first = items[0]
    article = Article.objects.get(pk=expected_unread[0])
    assert first["id"] == f"tag:google.com,2005:reader/item/{article.pk:016x}"
    assert first["title"] == article.title and first["alternate"][0]["href"] == article.url
    assert "user/-/state/com.google/read" not in first["categories"]

    # edit-tag changed the site's rows: read (long id form), starred (short form); a bad T changed nothing.
    marked, starred, untouched = (int(vars["unread"][i]) for i in range(3))
    assert ReadMark.objects.filter(user=reader.user, article_id=marked).exists()
    assert Bookmark.objects.filter(user=reader.user, article_id=starred).exists()
    assert not ReadMark.objects.filter(user=reader.user, article_id=untouched).exists()
    assert [int(i) for i in vars["unread_after"]] == [i for i in expected_unread if i != marked]

    # quickadd found the site's source by its address (nothing fetched), and alice follows it now.
    source = reader.other
    assert Source.objects.count() == 3
    assert vars["new_stream"] == f"feed/{source.pk}"
    follow = Follow.objects.get(user=reader.user, kind="source", key=str(source.pk))
    assert follow.label == "My science feed"
    after = {s["id"]: s for s in r["subscriptions_after"].json()["subscriptions"]}
    assert after[f"feed/{source.pk}"]["categories"] == [{"id": "user/-/label/Science", "label": "Science"}]

    # mark-all-as-read on one feed: every article of it is read on the site, the other feed untouched.
    tech_ids = set(reader.articles[reader.tech.pk])
    assert set(ReadMark.objects.filter(user=reader.user).values_list("article_id", flat=True)) >= tech_ids
    assert not ReadMark.objects.filter(user=reader.user, article_id=untouched).exists()


def test_stream_paging_filters_and_hostile_input(reader: Reader, live_server) -> None:
    set_up_apps(reader)
    base = live_server.url + "/reader/reader/api/0/"
    login = httpx.post(
        live_server.url + "/reader/accounts/ClientLogin",
        data={"Email": "alice", "Passwd": reader.app_password},
    )
    auth = {"Authorization": "GoogleLogin auth=" + login.text.split("Auth=")[1].strip()}
    world = f"feed/{reader.world.pk}"
    with httpx.Client(headers=auth, timeout=30) as client:
        # Paging a feed 20 at a time, oldest first, with continuations: every article once, in order.
        seen: list[str] = []
        params = {"n": "20", "r": "o", "output": "json"}
        while True:
            page = client.get(base + "stream/contents/" + world, params=params).json()
            seen += [item["id"] for item in page["items"]]
            if "continuation" not in page:
                break
            params["c"] = page["continuation"]
        expected = Article.objects.filter(source=reader.world).order_by("published_at", "pk")
        assert seen == [f"tag:google.com,2005:reader/item/{a.pk:016x}" for a in expected]

        # ot/nt: a window of the times the site found them; a folder stream; starred stream.
        middle = expected[10].discovered_at.timestamp()
        window = client.get(
            base + "stream/items/ids",
            params={"s": world, "ot": int(middle), "nt": int(middle) + 61, "n": 100},
        ).json()
        assert {int(ref["id"]) for ref in window["itemRefs"]} == {expected[10].pk, expected[11].pk}
        label = client.get(
            base + "stream/items/ids", params={"s": "user/-/label/Technology", "n": 100}
        ).json()
        assert {int(ref["id"]) for ref in label["itemRefs"]} == set(reader.articles[reader.tech.pk])

        # Hostile or wrong input gets a clear 400 (a stream not subscribed: 404), nothing else happens.
        assert client.get(base + "stream/contents/feed/" + str(reader.other.pk)).status_code == 404
        assert client.get(base + "stream/items/ids", params={"c": "garbage"}).status_code == 400
        bad = client.post(base + "edit-tag", data={"i": "not-an-id", "a": "user/-/state/com.google/read"})
        assert bad.status_code == 400 and "not an item id" in bad.text
        refused = client.post(
            base + "subscription/quickadd", data={"quickadd": "http://127.0.0.1:1/nothing-listens.xml"}
        ).json()
        assert refused["numResults"] == 0 and "needs a staff account" in refused["error"]
        assert not ReadMark.objects.exclude(article=reader.read_on_site).exists()

        # Unsubscribe: the follow is gone on the site too.
        assert client.post(base + "subscription/edit", data={"ac": "unsubscribe", "s": world}).text == "OK"
        assert not Follow.objects.filter(user=reader.user, key=str(reader.world.pk)).exists()


def test_ssrf_guard_refuses_private_feed(reader: Reader, live_server, settings) -> None:
    from newsdesk.runtime.fetcher import reset_fetcher

    reader.user.is_staff = True  # only staff add sources by subscribing
    reader.user.save()
    set_up_apps(reader)
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = False
    reset_fetcher()
    login = httpx.post(
        live_server.url + "/reader/accounts/ClientLogin",
        data={"Email": "alice", "Passwd": reader.app_password},
    )
    auth = {"Authorization": "GoogleLogin auth=" + login.text.split("Auth=")[1].strip()}
    response = httpx.post(
        live_server.url + "/reader/reader/api/0/subscription/quickadd",
        data={"quickadd": reader.feed_server.url("/science.xml")},
        headers=auth,
    )
    assert response.json()["numResults"] == 0 and "loopback address" in response.json()["error"]
    assert not Source.objects.filter(url=reader.feed_server.url("/science.xml")).exists()
    assert reader.feed_server.hits["/science.xml"] == 0


def test_subscribing_keeps_the_sites_follow_cap(reader: Reader, live_server) -> None:
    """Google Reader subscription/edit and quickadd obey the same cap as the site's Follow button:
    at the cap nothing is followed and the new feed is not even added (or fetched)."""
    reader.user.is_staff = True  # only staff may add a new feed by subscribing at all
    reader.user.save()
    set_up_apps(reader)
    Follow.objects.bulk_create(
        Follow(user=reader.user, kind="topic", key=f"t{i}") for i in range(MAX_FOLLOWS - 2)
    )
    assert Follow.objects.filter(user=reader.user).count() == MAX_FOLLOWS  # with the two feeds
    login = httpx.post(
        live_server.url + "/reader/accounts/ClientLogin",
        data={"Email": "alice", "Passwd": reader.app_password},
    )
    auth = {"Authorization": "GoogleLogin auth=" + login.text.split("Auth=")[1].strip()}
    base = live_server.url + "/reader/reader/api/0/"
    new_feed = reader.feed_server.url("/science.xml")
    with httpx.Client(headers=auth, timeout=30) as client:
        subscribe = client.post(base + "subscription/edit", data={"ac": "subscribe", "s": f"feed/{new_feed}"})
        assert subscribe.status_code == 400 and "500 things already" in subscribe.text
        quick = client.post(base + "subscription/quickadd", data={"quickadd": new_feed}).json()
        assert quick["numResults"] == 0 and "500 things already" in quick["error"]
        other = client.post(base + "subscription/quickadd", data={"quickadd": reader.other.url}).json()
        assert other["numResults"] == 0 and "500 things already" in other["error"]
        assert not Follow.objects.filter(user=reader.user, kind="source", key=str(reader.other.pk)).exists()
        # Renaming a feed already followed is no new follow: allowed at the cap.
        world = f"feed/{reader.world.pk}"
        renamed = client.post(base + "subscription/edit", data={"ac": "edit", "s": world, "t": "My World"})
        assert renamed.text == "OK"
    assert Follow.objects.get(user=reader.user, key=str(reader.world.pk)).label == "My World"
    assert Follow.objects.filter(user=reader.user).count() == MAX_FOLLOWS
    assert not Source.objects.filter(url=new_feed).exists()
    assert reader.feed_server.hits["/science.xml"] == 0


def test_a_new_feed_subscribed_into_a_folder_arrives_in_that_folder(reader: Reader, live_server) -> None:
    """NetNewsWire and Reeder subscribe with `ac=subscribe&s=feed/URL&t=name&a=user/-/label/Folder`.
    A feed the site does not have yet is added by the worker (staff only), never in the request; once
    it is, the app finds it under its own name in the folder it chose, not loose in no folder."""
    reader.user.is_staff = True
    reader.user.save()
    set_up_apps(reader)
    new_feed = reader.feed_server.url("/science.xml")
    HUEY.flush()
    with api(live_server.url, login(live_server.url, reader)) as gr:
        queued = gr.post(
            "subscription/edit",
            data={"ac": "subscribe", "s": f"feed/{new_feed}", "t": "Space news", "a": "user/-/label/Space"},
        )
        assert queued.text == "OK"
        assert not Source.objects.filter(url=new_feed).exists()  # nothing fetched in the request
        run_queued_additions()
        added = Source.objects.get(url=new_feed)
        subs = {
            s["id"]: s for s in gr.get("subscription/list", params={"output": "json"}).json()["subscriptions"]
        }
        assert subs[f"feed/{added.pk}"]["title"] == "Space news"
        assert subs[f"feed/{added.pk}"]["categories"] == [{"id": "user/-/label/Space", "label": "Space"}]
        tags = {t["id"] for t in gr.get("tag/list", params={"output": "json"}).json()["tags"]}
        assert "user/-/label/Space" in tags
