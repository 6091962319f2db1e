"""What real reader apps tripped over (issue 15), each over real HTTP: sync times are crawl times,
Atom streams, a doubled slash, TheOldReader's JSON log-in and dialect, tokens reused and ended,
404 for unknown streams, and the site's own "Mark unread"."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import httpx
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.readers.models import ReadMark
from newsdesk.readersync import credentials
from newsdesk.readersync.fever import group_id
from newsdesk.readersync.models import AppToken
from tests.readersync.conftest import Reader, api, login, set_up_apps

pytestmark = [pytest.mark.django_db(transaction=True)]

READ = "user/-/state/com.google/read"
READING_LIST = "user/-/state/com.google/reading-list"


def test_sync_times_are_when_the_site_found_the_article(reader: Reader, live_server) -> None:
    """Ten articles published long before the app's last sync but found after it: new to the app,
    and left unread by mark-all-as-read and Fever's mark=feed with that sync time."""
    set_up_apps(reader)
    last_sync = timezone.now() - timedelta(hours=1)
    Article.objects.filter(source=reader.world).update(discovered_at=last_sync - timedelta(hours=5))
    late = list(Article.objects.filter(source=reader.world).order_by("pk")[10:20])
    Article.objects.filter(pk__in=[a.pk for a in late]).update(discovered_at=timezone.now())
    assert all(a.published_at < last_sync - timedelta(hours=20) for a in late)
    world = f"feed/{reader.world.pk}"
    with api(live_server.url, login(live_server.url, reader)) as gr:
        ids = gr.get("stream/items/ids", params={"s": world, "ot": int(last_sync.timestamp()), "n": 100})
        assert {int(r["id"]) for r in ids.json()["itemRefs"]} == {a.pk for a in late}  # 10/10
        items = gr.get(f"stream/contents/{world}", params={"ot": int(last_sync.timestamp()), "n": 100})
        found = {int(i["id"].rsplit("/", 1)[1], 16): i for i in items.json()["items"]}
        assert set(found) == {a.pk for a in late}
        assert all(int(i["crawlTimeMsec"]) > last_sync.timestamp() * 1000 for i in found.values())
        older = gr.get("stream/items/ids", params={"s": world, "nt": int(last_sync.timestamp()), "n": 100})
        assert not {int(r["id"]) for r in older.json()["itemRefs"]} & {a.pk for a in late}

        marked = gr.post("mark-all-as-read", data={"s": world, "ts": str(int(last_sync.timestamp() * 1e6))})
        assert marked.text == "OK"
    read = set(ReadMark.objects.filter(user=reader.user).values_list("article_id", flat=True))
    assert not read & {a.pk for a in late}  # 0/10 marked read unseen
    assert set(reader.articles[reader.world.pk]) - {a.pk for a in late} <= read

    # Fever, the same: mark=group&before=<last sync> leaves what was found after it unread.
    ReadMark.objects.filter(user=reader.user).delete()
    key = credentials.fever_key(reader.fever_login, reader.fever_password)
    body = httpx.post(
        live_server.url + "/fever/?api",
        data={
            "api_key": key,
            "mark": "group",
            "as": "read",
            "id": group_id("World"),
            "before": int(last_sync.timestamp()),
        },
    ).json()
    unread = {int(i) for i in body["unread_item_ids"].split(",") if i}
    assert {a.pk for a in late} <= unread
    assert not (set(reader.articles[reader.world.pk]) - {a.pk for a in late}) & unread


def test_atom_streams_where_newsboat_reads_them(reader: Reader, live_server) -> None:
    set_up_apps(reader)
    auth = {"Authorization": "GoogleLogin auth=" + login(live_server.url, reader)}
    world = reader.world
    Article.objects.filter(pk=reader.articles[world.pk][0]).update(title="Control \x0b char & <b>markup</b>")
    for prefix in ("/reader/atom/", "/reader/reader/atom/"):
        url = f"{live_server.url}{prefix}feed%2F{world.pk}"  # the stream id escaped, as newsboat sends it
        answer = httpx.get(url, params={"n": 50}, headers=auth)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(answer.content)
        assert feed.bozo == 0, feed.get("bozo_exception")
        assert len(feed.entries) == 50
        # The continuation pages on to the rest.
        rest = feedparser.parse(
            httpx.get(url, params={"n": 50, "c": feed.feed.gr_continuation}, headers=auth).content
        )
        assert rest.bozo == 0 and "gr_continuation" not in rest.feed
        entries = feed.entries + rest.entries
        assert [e.id for e in entries] == [
            f"tag:google.com,2005:reader/item/{pk:016x}"
            for pk in sorted(reader.articles[world.pk], reverse=True)
        ]
        read = [e for e in entries if any(t.get("label") == "read" for t in e.tags)]
        assert [e.id for e in read] == [f"tag:google.com,2005:reader/item/{reader.read_on_site.pk:016x}"]
        assert "Control  char & <b>markup</b>" in {e.title for e in entries}

    starred = feedparser.parse(
        httpx.get(f"{live_server.url}/reader/atom/user/-/state/com.google/starred", headers=auth).content
    )
    assert [e.title for e in starred.entries] == [reader.starred_on_site.title]
    assert httpx.get(f"{live_server.url}/reader/atom/feed/{world.pk}").status_code == 401
    unknown = httpx.get(f"{live_server.url}/reader/atom/user/-/label/Nope", headers=auth)
    assert unknown.status_code == 404


def test_a_server_address_with_a_final_slash(reader: Reader, live_server) -> None:
    set_up_apps(reader)
    auth = login(live_server.url, reader, path="/reader/")  # POST /reader//accounts/ClientLogin
    subs = httpx.get(
        live_server.url + "/reader//reader/api/0/subscription/list",
        params={"output": "json"},
        headers={"Authorization": f"GoogleLogin auth={auth}"},
    )
    assert subs.status_code == 200 and len(subs.json()["subscriptions"]) == 2
    assert httpx.get(live_server.url + "/reader//nothing/here").status_code == 404
    page = Client()
    page.force_login(reader.user)
    shown = page.get("/settings/apps/").content.decode()
    # The site's address (never the request's Host), with no final slash to double.
    assert f"<code>{settings.NEWSDESK_SITE_URL.rstrip('/')}/reader</code>" in shown


def test_json_login_and_the_two_dialects(reader: Reader, live_server) -> None:
    set_up_apps(reader)
    # TheOldReader's clients log in with a JSON body and ask for JSON back.
    body = {"client": "oldas", "Email": "alice@example.org", "Passwd": reader.app_password, "output": "json"}
    answer = httpx.post(live_server.url + "/reader/accounts/ClientLogin", json=body)
    assert answer.status_code == 200, answer.text
    oldreader = answer.json()["Auth"]
    wrong = httpx.post(live_server.url + "/reader/accounts/ClientLogin", json={**body, "Passwd": "nope"})
    assert wrong.status_code == 401
    assert (
        httpx.post(live_server.url + "/reader/accounts/ClientLogin", content=b"{not json").status_code == 401
    )

    google = login(live_server.url, reader)
    with api(live_server.url, oldreader) as old, api(live_server.url, google) as new:
        old_tags = old.get("tag/list", params={"output": "json"}).json()["tags"]
        new_tags = new.get("tag/list", params={"output": "json"}).json()["tags"]
        # TheOldReader's folders carry sortid (its clients read it); the others carry none (the
        # google-reader client builds Tag(id, label, type) and fails on any other key).
        assert all("sortid" in t for t in old_tags if "/label/" in t["id"])
        assert all(set(t) <= {"id", "label", "type"} for t in new_tags)
        assert {t["id"] for t in old_tags} == {t["id"] for t in new_tags}
        item = new.get("stream/contents", params={"n": 1}).json()["items"][0]
        assert set(item["canonical"][0]) == {"href"} and item["alternate"][0]["type"] == "text/html"
        info = old.get("user-info").json()
        assert info["isMultiLoginEnabled"] is False and info["isPremium"] is False


def test_tokens_are_reused_per_app_end_and_are_capped(reader: Reader, live_server) -> None:
    set_up_apps(reader)
    base = live_server.url
    first = login(base, reader, user_agent="newsboat/2.21")
    assert [login(base, reader, user_agent="newsboat/2.21") for _ in range(5)] == [first] * 5
    other = login(base, reader, user_agent="NetNewsWire")
    assert other != first and AppToken.objects.filter(user=reader.user).count() == 2

    # Unused for longer than TOKEN_IDLE: refused and gone; the next login makes a new one.
    AppToken.objects.filter(user=reader.user, client="NetNewsWire").update(
        last_used_at=timezone.now() - credentials.TOKEN_IDLE - timedelta(minutes=1)
    )
    with api(base, other) as gr:
        assert gr.get("user-info").status_code == 401
    assert not AppToken.objects.filter(client="NetNewsWire").exists()
    assert login(base, reader, user_agent="NetNewsWire") != other
    # Older than TOKEN_LIFETIME, however busy: refused too.
    AppToken.objects.filter(client="newsboat/2.21").update(
        created_at=timezone.now() - credentials.TOKEN_LIFETIME - timedelta(minutes=1)
    )
    with api(base, first) as gr:
        assert gr.get("user-info").status_code == 401

    # A reader holds at most MAX_TOKENS; the least recently used go first.
    for i in range(credentials.MAX_TOKENS + 5):
        login(base, reader, user_agent=f"App {i}")
    kept = set(AppToken.objects.filter(user=reader.user).values_list("client", flat=True))
    assert len(kept) == credentials.MAX_TOKENS and f"App {credentials.MAX_TOKENS + 4}" in kept

    # A new app password logs every app out.
    latest = login(base, reader, user_agent="App 24")
    set_up_apps(reader)
    with api(base, latest) as gr:
        assert gr.get("user-info").status_code == 401


def test_unknown_streams_are_404(reader: Reader, live_server) -> None:
    set_up_apps(reader)
    with api(live_server.url, login(live_server.url, reader)) as gr:
        for stream in ("user/-/label/No such folder", f"feed/{reader.other.pk}", "feed/999999",
                       "user/-/state/com.google/nonsense", "nonsense"):  # fmt: skip
            assert gr.post("mark-all-as-read", data={"s": stream}).status_code == 404, stream
            assert gr.get("stream/items/ids", params={"s": stream}).status_code == 404, stream
    assert ReadMark.objects.filter(user=reader.user).count() == 1


def test_mark_unread_on_the_article_page_stays_unread(reader: Reader) -> None:
    site = Client()
    site.force_login(reader.user)
    article = Article.objects.get(pk=reader.articles[reader.world.pk][5])
    page = f"/article/{article.pk}/"
    site.get(page)
    assert ReadMark.objects.filter(user=reader.user, article=article).exists()  # opening it read it
    shown = site.post(f"/me/read/{article.pk}/", {"unread": "1", "next": page}, follow=True)
    assert shown.redirect_chain[-1][0] == page and shown.status_code == 200
    assert not ReadMark.objects.filter(user=reader.user, article=article).exists()
    assert "Mark read" in shown.content.decode()
    # Marked unread from another page, opening it later still reads it; so does opening it again.
    site.get(page)
    assert ReadMark.objects.filter(user=reader.user, article=article).exists()
    site.post(f"/me/read/{article.pk}/", {"unread": "1", "next": "/"}, follow=True)
    site.get(page)
    assert ReadMark.objects.filter(user=reader.user, article=article).exists()


def test_timestamps_out_of_range_are_a_400(reader: Reader, live_server) -> None:
    set_up_apps(reader)
    with api(live_server.url, login(live_server.url, reader)) as gr:
        assert gr.get("stream/items/ids", params={"ot": "9" * 30}).status_code == 400
        assert gr.get("stream/items/ids", params={"c": f"{'9' * 30}_1"}).status_code == 400
    key = credentials.fever_key(reader.fever_login, reader.fever_password)
    form = {"api_key": key, "mark": "feed", "as": "read", "id": reader.world.pk, "before": "9" * 30}
    bad = httpx.post(live_server.url + "/fever/?api", data=form)
    assert bad.status_code == 400
