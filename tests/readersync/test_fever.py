"""The Fever API, spoken over real HTTP as Reeder does (a recorded request sequence); the state
it changes is the site's ReadMark and Bookmark rows."""

from __future__ import annotations

import hashlib
import time

import pytest

from newsdesk.readers.models import Bookmark, ReadMark
from newsdesk.readersync.fever import group_id
from newsdesk.readersync.models import AppCredential
from tests.readersync.conftest import Reader, set_up_apps
from tests.readersync.sessions import load, replay

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_reeder_fever_session(reader: Reader, live_server) -> None:
    set_up_apps(reader)
    api_key = hashlib.md5(f"{reader.fever_login}:{reader.fever_password}".encode()).hexdigest()
    # Stored as a salted keyed hash (test_security has the attack), never the key or its bare SHA-256.
    cred = AppCredential.objects.get(user=reader.user)
    assert api_key not in cred.fever_key_hash
    assert hashlib.sha256(api_key.encode()).hexdigest() not in cred.fever_key_hash
    vars = {"api_key": api_key, "second_feed": reader.tech.pk, "now_s": int(time.time()) + 1}
    r = replay(live_server.url, load("fever_session.json"), vars)

    groups = {g["id"]: g["title"] for g in r["groups"].json()["groups"]}
    assert groups == {group_id("World"): "World", group_id("Technology"): "Technology"}
    members = {fg["group_id"]: fg["feed_ids"] for fg in r["groups"].json()["feeds_groups"]}
    assert members[group_id("World")] == str(reader.world.pk)
    assert {f["id"] for f in r["feeds"].json()["feeds"]} == {reader.world.pk, reader.tech.pk}

    followed = reader.followed_ids()
    assert vars["unread"] == sorted(followed - {reader.read_on_site.pk})
    assert vars["saved"] == [reader.starred_on_site.pk]

    # Items in pages of 50 by since_id: every followed article exactly once, none of the other feed.
    assert len(vars["page1"]) == 50 and vars["page1"] == sorted(vars["page1"])
    assert sorted(vars["page1"] + vars["page2"]) == sorted(followed)
    assert r["items_page1"].json()["total_items"] == len(followed)
    assert sorted(vars["with_ids"]) == sorted(vars["unread"][:2])
    item = next(i for i in r["items_page1"].json()["items"] if i["id"] == reader.read_on_site.pk)
    assert item["is_read"] == 1 and item["feed_id"] == reader.world.pk

    marked, saved = vars["unread"][0], vars["unread"][1]
    assert ReadMark.objects.filter(user=reader.user, article_id=marked).exists()
    assert Bookmark.objects.filter(user=reader.user, article_id=saved).exists()
    tech = set(reader.articles[reader.tech.pk])
    assert vars["unread_after"] == sorted(followed - {reader.read_on_site.pk, marked} - tech)
    assert str(saved) in r["save_item"].json()["saved_item_ids"].split(",")


def test_fever_hostile_input(reader: Reader, live_server) -> None:
    import httpx

    set_up_apps(reader)
    api_key = hashlib.md5(f"{reader.fever_login}:{reader.fever_password}".encode()).hexdigest()
    url = live_server.url + "/fever/?api"
    bad = httpx.post(url, data={"api_key": api_key, "mark": "item", "as": "read", "id": "x"})
    assert bad.status_code == 400 and "number" in bad.json()["error"]
    assert (
        httpx.post(url, data={"api_key": api_key, "mark": "item", "as": "burn", "id": "1"}).status_code == 400
    )
    # The login password is not a Fever password.
    login_key = hashlib.md5(b"alice@example.org:login-password-not-for-apps").hexdigest()
    assert httpx.post(url, data={"api_key": login_key}).json()["auth"] == 0
    assert ReadMark.objects.filter(user=reader.user).count() == 1
