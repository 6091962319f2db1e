"""The JSON API as a client sees it: tokens, auth, errors, paging, ETags, rate limits, reader state."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.api.models import ApiToken
from newsdesk.readers.changes import MAX_FOLLOWS, MAX_MUTES, MAX_SAVED_SEARCHES
from newsdesk.readers.models import Bookmark, Follow, Mute, ReadMark, SavedSearch
from tests.api.conftest import make_article


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/sources",
        "/api/articles",
        "/api/stories/{story_id}",
        "/api/search",
        "/api/entities/{slug}",
        "/api/me/bookmarks",
        "/api/tokens",
        "/api/briefing",
    ):
        assert path in schema["paths"], path
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"openapi.json" in docs.content
    assert b"cdn" not in docs.content.lower()  # served from our own static files: works offline


def test_token_is_shown_once_and_stored_hashed(world, client_for):
    c = client_for(world.token)
    created = c.post("/api/tokens", {"name": "my reader app"}, content_type="application/json")
    assert created.status_code == 201
    token = created.json()["token"]
    assert len(token) >= 40
    row = ApiToken.objects.get(pk=created.json()["id"])
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {row.token_hash, row.prefix, row.name}
    listed = c.get("/api/tokens").json()
    assert {t["name"] for t in listed} == {"tests", "my reader app"}
    assert all("token" not in t for t in listed)
    assert client_for(token).get("/api/me").json()["username"] == "reader"


def test_revoked_token_is_refused(world, client_for):
    c = client_for(world.token)
    created = c.post("/api/tokens", {"name": "temporary"}, content_type="application/json").json()
    other = client_for(created["token"])
    assert other.get("/api/me").status_code == 200
    assert c.delete(f"/api/tokens/{created['id']}").status_code == 204
    _error(other.get("/api/me"), 401, "unauthorized")
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is not None
    assert c.get("/api/me").status_code == 200  # the other token still works


def test_tokens_of_others_cannot_be_revoked(world, client_for):
    theirs = ApiToken.objects.get(user=world.staff)
    _error(client_for(world.token).delete(f"/api/tokens/{theirs.pk}"), 404, "not_found")
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_missing_or_bad_token_gets_401_with_error_body(world, client_for):
    err = _error(Client().get("/api/me/bookmarks"), 401, "unauthorized")
    assert "Bearer" in err["message"]
    _error(
        client_for("nd_not-a-real-token").post(
            "/api/me/follows", {"kind": "topic", "key": "x"}, content_type="application/json"
        ),
        401,
    )


def test_session_writes_need_csrf(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.reader)
    body = {"kind": "topic", "key": "space"}
    _error(c.post("/api/me/follows", body, content_type="application/json"), 403)
    assert not Follow.objects.exists()
    c.get("/api/me")  # a read works without the token
    assert c.get("/api/me").json()["username"] == "reader"
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    c.cookies["csrftoken"] = secret
    ok = c.post(
        "/api/me/follows",
        body,
        content_type="application/json",
        headers={"X-CSRFToken": _mask_cipher_secret(secret)},
    )
    assert ok.status_code == 201, ok.content
    assert Follow.objects.filter(user=world.reader, key="space").exists()


def test_source_writes_are_staff_only(world, client_for):
    src = world.sources["Orbit Daily"]
    _error(
        client_for(world.token).patch(
            f"/api/sources/{src.pk}", {"active": False}, content_type="application/json"
        ),
        403,
        "forbidden",
    )
    changed = client_for(world.staff_token).patch(
        f"/api/sources/{src.pk}", {"active": False, "category": "Space"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["health"] == "paused"
    assert changed.json()["category"] == "Space"
    _error(client_for(world.token).delete(f"/api/sources/{src.pk}"), 403)
    assert client_for(world.staff_token).delete(f"/api/sources/{src.pk}").status_code == 204
    _error(Client().get(f"/api/sources/{src.pk}"), 404, "not_found")


def test_error_bodies_for_invalid_input(world, client_for):
    c = client_for(world.token)
    err = _error(
        c.post("/api/me/follows", {"kind": "planet", "key": ""}, content_type="application/json"),
        422,
        "invalid",
    )
    assert {tuple(d["loc"][-1:]) for d in err["details"]} >= {("kind",), ("key",)}
    _error(c.post("/api/me/follows", b"{not json", content_type="application/json"), 400)
    _error(Client().get("/api/articles/0"), 422)
    _error(Client().get("/api/articles/99999999999999999999"), 422)
    _error(Client().get("/api/articles?cursor=garbage!"), 422)
    _error(Client().get("/api/articles?cursor=Z2FyYmFnZQ"), 400, "bad_cursor")  # base64 of "garbage"
    _error(Client().get("/api/stories/987654"), 404, "not_found")
    _error(
        c.post("/api/me/saved-searches", {"name": "x\x00", "query": "nasa"}, content_type="application/json"),
        422,
    )
    c.post("/api/me/follows", {"kind": "topic", "key": "space"}, content_type="application/json")
    _error(
        c.post("/api/me/follows", {"kind": "topic", "key": "space"}, content_type="application/json"),
        409,
        "exists",
    )


def test_pagination_loses_and_repeats_nothing_while_articles_arrive(world):
    src = world.sources["World Wire"]
    base = timezone.now() - timedelta(days=2)
    for i in range(23):
        make_article(src, f"older {i}", f"text {i}", base - timedelta(minutes=i % 5))  # equal times too
    expected = set(Client().get("/api/articles?limit=200").json()["items"][i]["id"] for i in range(27))
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        url = "/api/articles?limit=4" + (f"&cursor={cursor}" if cursor else "")
        body = Client().get(url).json()
        seen += [a["id"] for a in body["items"]]
        pages += 1
        # New articles arrive between pages, some newest, some back-dated into the middle.
        make_article(src, f"new {pages}", "fresh", timezone.now())
        make_article(src, f"late {pages}", "late", base - timedelta(minutes=2, seconds=30))
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)), "an article was repeated"
    assert expected <= set(seen), "an article that existed before paging was lost"
    assert pages >= 7


def test_etag_gives_304(world):
    first = Client().get(f"/api/stories/{world.stories[0].pk}")
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    again = Client().get(f"/api/stories/{world.stories[0].pk}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    make_article(
        world.sources["Orbit Daily"], "A third outlet", "More on Soyuz.", timezone.now(), world.stories[0]
    )
    changed = Client().get(f"/api/stories/{world.stories[0].pk}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_rate_limit_gives_429_with_retry_after(world, client_for, settings):
    settings.NEWSDESK_API_RATE_PER_MIN = 5
    c = client_for(world.token)
    codes = [c.get("/api/stories").status_code for _ in range(5)]
    assert codes == [200] * 5
    limited = c.get("/api/stories")
    _error(limited, 429, "rate_limited")
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another token (another client) has its own budget; made-up tokens share the address's.
    assert client_for(world.staff_token).get("/api/stories").status_code == 200
    for i in range(5):
        assert client_for(f"nd_made-up-{i}").get("/api/stories").status_code == 200
    _error(client_for("nd_made-up-again").get("/api/stories"), 429)


def test_rate_limit_behind_a_proxy_counts_the_forwarded_address(world, settings):
    """Same address rule as the site's log-in limits: behind a proxy each forwarded client has its
    own budget, though all arrive from the proxy's address."""
    settings.NEWSDESK_API_RATE_PER_MIN = 3
    settings.NEWSDESK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = Client(REMOTE_ADDR="10.9.9.9")

    def get(forwarded: str) -> int:
        return proxy.get("/api/stories", headers={"X-Forwarded-For": forwarded}).status_code

    assert [get("198.51.100.7") for _ in range(3)] == [200] * 3
    assert get("spoofed-by-client, 198.51.100.7") == 429  # the proxy's own (last) hop counts
    assert [get("198.51.100.8") for _ in range(3)] == [200] * 3


def test_reader_state_round_trip(world, client_for):
    c = client_for(world.token)
    a, b = world.articles[0], world.articles[1]
    assert (
        c.post("/api/me/bookmarks", {"article_id": a.pk}, content_type="application/json").status_code == 201
    )
    _error(c.post("/api/me/bookmarks", {"article_id": 10**9}, content_type="application/json"), 404)
    marks = c.post("/api/me/read", {"article_ids": [a.pk, b.pk, a.pk]}, content_type="application/json")
    assert marks.json() == {"changed": 2}
    assert set(ReadMark.objects.filter(user=world.reader).values_list("article_id", flat=True)) == {
        a.pk,
        b.pk,
    }
    assert c.post("/api/me/unread", {"article_ids": [b.pk]}, content_type="application/json").json() == {
        "changed": 1
    }
    assert [r["article_id"] for r in c.get("/api/me/read").json()["items"]] == [a.pk]
    assert Bookmark.objects.get(user=world.reader).article_id == a.pk
    assert c.get("/api/me/bookmarks").json()["items"][0]["article"]["id"] == a.pk
    mute = c.post("/api/me/mutes", {"kind": "keyword", "key": "derby"}, content_type="application/json")
    assert mute.status_code == 201
    assert c.delete(f"/api/me/mutes/{mute.json()['id']}").status_code == 204
    # Someone else sees none of it.
    assert client_for(world.staff_token).get("/api/me/bookmarks").json()["items"] == []


def test_story_has_members_summary_timeline_entities(world):
    s = Client().get(f"/api/stories/{world.stories[0].pk}").json()
    earliest_first = sorted(world.articles[:2], key=lambda a: a.published_at)
    assert [m["id"] for m in s["members"]] == [a.pk for a in earliest_first]
    assert s["summary"][0]["article_id"] == earliest_first[0].pk
    assert earliest_first[0].text.startswith(s["summary"][0]["text"])
    assert s["timeline"] and s["coverage"]
    assert {e["slug"] for e in s["entities"]} == {"jessica-meir", "nasa"}


def test_entities_and_search(world):
    ents = Client().get("/api/entities").json()["items"]
    assert ents[0]["articles"] == 2
    haaland = Client().get("/api/entities/erling-haaland/articles").json()["items"]
    assert {a["id"] for a in haaland} == {a.pk for a in world.articles[2:]}
    hits = Client().get("/api/search?q=Haaland+derby").json()["items"]
    assert hits and {h["article"]["id"] for h in hits} <= {a.pk for a in world.articles[2:]}
    # Dates are YYYY-MM-DD, as the schema says: a number of seconds is refused, not read as 1970.
    future = Client().get("/api/search?q=Haaland+derby&since=2999-01-01").json()["items"]
    assert future == []
    _error(Client().get("/api/search?q=Haaland+derby&since=0.0"), 422)


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_token_name_is_validated(world, client_for, name):
    _error(client_for(world.token).post("/api/tokens", {"name": name}, content_type="application/json"), 422)


def test_unknown_api_path_is_a_json_404(db):
    _error(Client().get("/api/no-such-thing"), 404, "not_found")


def _page_client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    ("kind", "api_key", "page_key", "stored"),
    [
        ("topic", "  Space   Station ", "space station", "space station"),
        ("entity", "Jessica-Meir", " jessica-meir ", "jessica-meir"),
        ("source", None, None, None),  # the World Wire source's id, with spaces around it in the API
    ],
)
def test_a_follow_through_the_api_and_the_page_is_one_row(world, client_for, kind, api_key, page_key, stored):
    if kind == "source":
        pk = str(world.sources["World Wire"].pk)
        api_key, page_key, stored = f" {pk} ", pk, pk
    api = client_for(world.token)
    made = api.post("/api/me/follows", {"kind": kind, "key": api_key}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["key"] == stored
    assert made.json()["label"] == stored  # no label given: the key, as the page stores it
    page = _page_client(world.reader)
    assert page.post("/me/follow/", {"kind": kind, "key": page_key, "label": "x"}).status_code == 302
    _error(api.post("/api/me/follows", {"kind": kind, "key": page_key}, content_type="application/json"), 409)
    assert list(Follow.objects.filter(user=world.reader).values_list("kind", "key")) == [(kind, stored)]


def test_a_mute_through_the_page_then_the_api_is_one_row(world, client_for):
    page = _page_client(world.reader)
    assert page.post("/me/mute/", {"kind": "keyword", "key": "Derby"}).status_code == 302
    api = client_for(world.token)
    again = api.post("/api/me/mutes", {"kind": "keyword", "key": " DERBY "}, content_type="application/json")
    _error(again, 409, "exists")
    assert list(Mute.objects.filter(user=world.reader).values_list("key", flat=True)) == ["derby"]


def test_follows_mutes_and_saved_searches_are_capped_as_on_the_site(world, client_for):
    api = client_for(world.token)
    Follow.objects.bulk_create(
        Follow(user=world.reader, kind="topic", key=f"t{i}") for i in range(MAX_FOLLOWS)
    )
    Mute.objects.bulk_create(Mute(user=world.reader, kind="keyword", key=f"k{i}") for i in range(MAX_MUTES))
    SavedSearch.objects.bulk_create(
        SavedSearch(user=world.reader, name=f"s{i}", query="derby") for i in range(MAX_SAVED_SEARCHES)
    )
    for path, body in [
        ("/api/me/follows", {"kind": "topic", "key": "one more"}),
        ("/api/me/mutes", {"kind": "keyword", "key": "one more"}),
        ("/api/me/saved-searches", {"name": "one more", "query": "derby"}),
    ]:
        err = _error(api.post(path, body, content_type="application/json"), 409, "limit")
        assert "delete some first" in err["message"], path
    assert Follow.objects.filter(user=world.reader).count() == MAX_FOLLOWS
    # Room again after a delete.
    gone = Follow.objects.filter(user=world.reader).first()
    assert api.delete(f"/api/me/follows/{gone.pk}").status_code == 204
    made = api.post("/api/me/follows", {"kind": "topic", "key": "one more"}, content_type="application/json")
    assert made.status_code == 201


def test_keys_that_name_nothing_get_clear_errors(world, client_for):
    api = client_for(world.token)

    def post(path: str, kind: str, key: str):
        return api.post(path, {"kind": kind, "key": key}, content_type="application/json")

    missing = _error(post("/api/me/follows", "source", "987654"), 404, "not_found")
    assert missing["message"] == "there is no source with id 987654"
    assert missing["details"] == {"kind": "source", "key": "987654"}
    _error(post("/api/me/mutes", "source", " 987654 "), 404, "not_found")
    for path, kind, key in [
        ("/api/me/follows", "source", "Orbit Daily"),
        ("/api/me/follows", "source", "²"),  # a digit to str.isdigit, not to int()
        ("/api/me/follows", "entity", "Jessica Meir"),  # a name, not a slug
        ("/api/me/follows", "topic", "x" * 61),
        ("/api/me/mutes", "keyword", "y" * 101),
    ]:
        err = _error(post(path, kind, key), 422, "invalid_key")
        assert kind in err["message"] and err["details"]["kind"] == kind
    assert not Follow.objects.filter(user=world.reader).exists()
    assert not Mute.objects.filter(user=world.reader).exists()
    # The schema documents the 404 beside the other error answers.
    ops = Client().get("/api/openapi.json").json()["paths"]
    for path in ("/api/me/follows", "/api/me/mutes"):
        assert "404" in ops[path]["post"]["responses"], path
