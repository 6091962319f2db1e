"""The Google Reader API subset that NetNewsWire, Reeder, ReadYou and FeedMe speak (as FreshRSS
and Miniflux serve it), under /reader/.

Requests: `POST /reader/accounts/ClientLogin` (Email, Passwd = the app password; a form or, as
TheOldReader's clients send it, a JSON body) answers `Auth=<token>`; every other call sends
`Authorization: GoogleLogin auth=<token>` and, when it changes state, the short token from
`/reader/reader/api/0/token` as `T`. Item ids come in the long form
`tag:google.com,2005:reader/item/<16 hex digits>` and the short decimal form; both name an
article's primary key. Streams: `user/-/state/com.google/reading-list` (every subscribed feed),
`.../starred`, `.../read`, `user/-/label/<folder>` and `feed/<source id>` (or `feed/<feed URL>`);
an unknown stream is a 404. Times an app syncs by (`ot`, `nt`, mark-all-as-read's `ts`) are
compared with when the site found the article (`crawlTimeMsec`), never its publication time: an old
article found after an app's last sync is still new to it. Atom streams (`/reader/atom/<stream>`)
are in atom.py.

A reader follows sources the site already has (matched by feed or site address); only staff add a
new source by subscribing. Dialects: an app that logs in as to TheOldReader (a JSON body, or its
`client=` parameter) gets TheOldReader's answers: folders in the tag list carry `sortid`, and item
refs carry the hex digits of the long item id. Every other app gets Google Reader's / Miniflux's:
no `sortid` in the tag list (the `google-reader` Python client rejects unknown keys), decimal ids.
One module of ~650 lines: one view per endpoint of one protocol, sharing its id, stream and token
rules; the Atom streams (atom.py), credentials (credentials.py) and bodies (content.py) are apart.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from newsdesk.articles.models import Article
from newsdesk.flow.adding import AddError, AlreadyFollowed
from newsdesk.flow.additions import request_addition
from newsdesk.flow.tasks import add_source_task
from newsdesk.pipeline.urls import InvalidURL, canonicalize_url
from newsdesk.readers import changes, ratelimit
from newsdesk.readersync import state
from newsdesk.readersync.content import article_html
from newsdesk.readersync.credentials import authenticate_token, issue_token
from newsdesk.readersync.models import AppCredential, AppToken
from newsdesk.sources.models import Source

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
KEPT_UNREAD = "user/-/state/com.google/kept-unread"
LABEL_PREFIX = "user/-/label/"
ITEM_PREFIX = "tag:google.com,2005:reader/item/"
MAX_ITEMS = 1000  # per page of stream/contents
MAX_IDS = 10_000  # per page of stream/items/ids

View = Callable[..., HttpResponse]


class BadRequest(Exception):
    """The request cannot be served; the message says why, in plain words."""

    status = 400


class NotFound(BadRequest):
    """No such stream or subscription (what apps expect: 404)."""

    status = 404


class Forbidden(BadRequest):
    """Allowed to staff only."""

    status = 403


# -- ids ----------------------------------------------------------------------------------------------


def long_item_id(pk: int) -> str:
    return f"{ITEM_PREFIX}{pk:016x}"


def parse_item_id(value: str) -> int:
    """An article pk from either form; short ids may be signed 64-bit numbers."""
    value = value.strip()
    try:
        if value.startswith(ITEM_PREFIX):
            return int(value[len(ITEM_PREFIX) :], 16)
        number = int(value)
    except ValueError as exc:
        raise BadRequest(f"not an item id: {value[:80]!r}") from exc
    return number + 2**64 if number < 0 else number


def normalise_stream(stream: str) -> str:
    """`user/1234/…` and `user/-/…` are the same stream."""
    return re.sub(r"^user/[^/]+/", "user/-/", stream.strip())


def usec(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def from_seconds(value: str) -> datetime | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise BadRequest(f"not a time: {value[:40]!r}") from exc
    if number > 1e14:  # microseconds (mark-all-as-read's ts)
        number /= 1_000_000
    elif number > 1e11:  # milliseconds
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise BadRequest(f"not a time: {value[:40]!r}") from exc


# -- auth ---------------------------------------------------------------------------------------------


def _json_body(request: HttpRequest) -> dict[str, Any] | None:
    if request.method != "POST" or not request.content_type.endswith("json"):
        return None
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def params(request: HttpRequest) -> QueryDict:
    """Query string and body together: apps send the same parameters either way (a form, or a JSON
    object as TheOldReader's clients do; its lists become repeated fields)."""
    merged = request.GET.copy()
    if (body := _json_body(request)) is not None:
        for key, value in body.items():
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, str | int | float | bool):
                    merged.appendlist(str(key), str(one))
    elif request.method == "POST":
        merged.update(request.POST)
    return merged


def edit_token(token: AppToken) -> str:
    """The short `T` token for state-changing calls, bound to the login token."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, token.token_hash.encode(), hashlib.sha256).hexdigest()[:57]


def _authenticate(request: HttpRequest) -> AppToken | None:
    header = request.headers.get("Authorization", "")
    match = re.match(r"GoogleLogin\s+auth=(\S+)", header)
    if not match:
        return None
    return authenticate_token(match.group(1))


def api(view: View) -> View:
    """Authenticate by the GoogleLogin header, check T on POSTs, turn BadRequest into a 400."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _authenticate(request)
        if token is None:
            return HttpResponse("Unauthorized", status=401, content_type="text/plain")
        request.reader_token = token  # type: ignore[attr-defined]
        given = params(request).get("T")
        if request.method == "POST" and given and not hmac.compare_digest(given, edit_token(token)):
            response = HttpResponse("Unauthorized", status=401, content_type="text/plain")
            response["X-Reader-Google-Bad-Token"] = "true"
            return response
        try:
            return view(request, token.user, *args, **kwargs)
        except BadRequest as exc:
            return HttpResponse(str(exc), status=exc.status, content_type="text/plain")

    return wrapped


def _rate(setting: str) -> ratelimit.Rate:
    return ratelimit.Rate.parse(getattr(settings, setting))


def _too_many(limited: ratelimit.Limited) -> HttpResponse:
    """429 with Retry-After and a sentence an app may show as it is."""
    response = HttpResponse(
        f"Too many failed log-ins. {limited.message}\n", status=429, content_type="text/plain"
    )
    response["Retry-After"] = str(limited.retry_after_s)
    return response


@csrf_exempt
def client_login(request: HttpRequest) -> HttpResponse:
    p = params(request)
    login, password = p.get("Email", "").strip(), p.get("Passwd", "")
    user = None
    if login and password:
        user = (
            get_user_model()
            .objects.filter(Q(username__iexact=login) | Q(email__iexact=login), is_active=True)
            .first()
        )
    # App passwords are guessable like any other: the site's log-in limits, counted per account
    # and per address (the address budget is shared with the site's log-in form).
    account = (user.get_username() if user else login).lower()
    guard = ratelimit.LoginGuard(
        [
            ("greader-login-account", account, _rate("NEWSDESK_LOGIN_FAILURES_ACCOUNT")),
            ("login-ip", ratelimit.client_ip(request), _rate("NEWSDESK_LOGIN_FAILURES_IP")),
        ]
    )
    if limited := guard.start():
        return _too_many(limited)
    cred = AppCredential.objects.filter(user=user).first() if user else None
    if cred is None or not cred.app_password or not check_password(password, cred.app_password):
        if limited := guard.failed():
            return _too_many(limited)
        return HttpResponse("Error=BadAuthentication\n", status=401, content_type="text/plain")
    guard.give_back()
    oldreader = bool(p.get("client")) or _json_body(request) is not None
    dialect = AppToken.Dialect.OLDREADER if oldreader else AppToken.Dialect.GOOGLE
    raw = issue_token(user, request.headers.get("User-Agent", ""), dialect)
    if p.get("output") == "json":
        return JsonResponse({"SID": raw, "LSID": "null", "Auth": raw})
    return HttpResponse(f"SID={raw}\nLSID=null\nAuth={raw}\n", content_type="text/plain")


@api
def token(request: HttpRequest, user: Any) -> HttpResponse:
    return HttpResponse(edit_token(request.reader_token), content_type="text/plain")  # type: ignore[attr-defined]


@api
def user_info(request: HttpRequest, user: Any) -> HttpResponse:
    return JsonResponse(
        {
            "userId": str(user.pk),
            "userName": user.get_username(),
            "userProfileId": str(user.pk),
            "userEmail": user.email or "",
            "isBloggerUser": False,
            "signupTimeSec": int(user.date_joined.timestamp()),
            "isMultiLoginEnabled": False,
            "isPremium": False,
        }
    )


# -- subscriptions and tags ---------------------------------------------------------------------------


def _label_ref(name: str) -> dict[str, str]:
    return {"id": LABEL_PREFIX + name, "label": name}


@api
def subscription_list(request: HttpRequest, user: Any) -> HttpResponse:
    subs = state.subscriptions(user)
    labels = state.labels_by_source(user, [s for s, _ in subs])
    return JsonResponse(
        {
            "subscriptions": [
                {
                    "id": f"feed/{s.pk}",
                    "title": f.label or s.display_name,
                    "categories": [_label_ref(n) for n in labels[s.pk]],
                    "sortid": f"{s.pk:08X}",
                    "firstitemmsec": str(int(s.created_at.timestamp() * 1000)),
                    "url": s.url,
                    "htmlUrl": s.site_url,
                    "iconUrl": "",
                }
                for s, f in subs
            ]
        }
    )


@api
def tag_list(request: HttpRequest, user: Any) -> HttpResponse:
    tags: list[dict[str, str]] = [{"id": STARRED}, {"id": READ}, {"id": READING_LIST}]
    folders = [{"id": LABEL_PREFIX + n, "label": n, "type": "folder"} for n in state.all_labels(user)]
    if request.reader_token.dialect == AppToken.Dialect.OLDREADER:  # type: ignore[attr-defined]
        for i, tag in enumerate(tags + folders):
            tag["sortid"] = f"{i:08X}"
    return JsonResponse({"tags": tags + folders})


def feed_source(user: Any, stream: str) -> Source:
    """The followed source a `feed/…` stream names: by id, or by feed URL."""
    ref = stream.removeprefix("feed/")
    source = Source.objects.filter(pk=int(ref)).first() if ref.isdigit() else _known_source(ref)
    if source is None or source.pk not in state.followed_source_ids(user):
        raise NotFound(f"no such subscription: {stream[:200]}")
    return source


def _known_source(url: str) -> Source | None:
    """The site's source for a feed or site address as an app gives it (with or without a final
    slash, in any of the spellings canonicalisation makes equal)."""
    url = url.strip()
    spellings = {url, url.rstrip("/"), url.rstrip("/") + "/"}
    with contextlib.suppress(InvalidURL):
        spellings.add(canonicalize_url(url))
    spellings.discard("")
    return (
        Source.objects.filter(
            Q(canonical_url__in=spellings) | Q(url__in=spellings) | Q(site_url__in=spellings)
        )
        .order_by("pk")
        .first()
    )


QUEUED = "being added by the site's worker: it appears among your subscriptions within a minute"


def _subscribe(user: Any, url: str, title: str = "", folders: Sequence[str] = ()) -> Source | None:
    """Follow the source at URL. A reader follows only what the site has; staff may add a new one,
    which a worker looks for and adds, then follows for them under `title`, in `folders` (None:
    queued; autodiscovery never runs in the request, issue 14). A refused address is never fetched
    nor stored."""
    existing = _known_source(url)
    if existing is None and not user.is_staff:
        raise Forbidden(
            f"{url[:200]} is not a source of this site; following one needs it added first, "
            "and adding sources needs a staff account"
        )
    try:  # at the cap, refused before a new feed is even added to the site
        changes.room_to_follow(user, existing)
    except changes.Refused as refused:
        raise BadRequest(refused.message) from None
    if existing is None:
        try:
            addition = request_addition(
                url, user=user, follow=True, follow_title=title, follow_folders=folders
            )
        except AlreadyFollowed as exc:  # added since the look-up above
            existing = exc.source
        except AddError as exc:
            raise BadRequest(str(exc)) from exc
        else:
            add_source_task(addition.pk)
            return None
    _follow(user, existing, title)
    return existing


def _follow(user: Any, source: Source, title: str) -> None:
    """Subscribe (the site's cap holds here too: readers/changes.py)."""
    try:
        changes.follow_source(user, source, title)
    except changes.Refused as refused:
        raise BadRequest(refused.message) from None


@api
def subscription_edit(request: HttpRequest, user: Any) -> HttpResponse:
    if request.method != "POST":
        raise BadRequest("subscription/edit takes a POST")
    p = params(request)
    action = p.get("ac", "edit")
    streams = p.getlist("s")
    if not streams:
        raise BadRequest("s= (the feed stream) is missing")
    title = p.get("t", "").strip()
    added = _folders(p.getlist("a"))
    for stream in streams:
        if action == "subscribe":
            source = _subscribe(user, stream.removeprefix("feed/"), title, added)
            if source is None:  # a new feed, queued for the worker: its folders are set once it is there
                continue
        elif action == "unsubscribe":
            state.unfollow_source(user, feed_source(user, stream).pk)
            continue
        elif action == "edit":
            source = feed_source(user, stream)
            if title:
                _follow(user, source, title)
        else:
            raise BadRequest(f"unknown ac={action[:40]!r} (subscribe, unsubscribe or edit)")
        for folder in added:
            state.set_label(user, source, folder, on=True)
        for folder in _folders(p.getlist("r")):
            state.set_label(user, source, folder, on=False)
    return HttpResponse("OK", content_type="text/plain")


def _folders(streams: list[str]) -> list[str]:
    """The folder names of `user/-/label/<name>` streams (others, such as states, are not folders)."""
    labels = (normalise_stream(s) for s in streams)
    return [s[len(LABEL_PREFIX) :] for s in labels if s.startswith(LABEL_PREFIX)]


@api
def quickadd(request: HttpRequest, user: Any) -> HttpResponse:
    if request.method != "POST":
        raise BadRequest("subscription/quickadd takes a POST")
    url = params(request).get("quickadd", "").strip().removeprefix("feed/")
    if not url:
        raise BadRequest("quickadd= (the feed URL) is missing")
    try:
        source = _subscribe(user, url)
    except BadRequest as exc:
        # The protocol's "nothing found" (NetNewsWire and TheOldReader's clients read it so), with why.
        return JsonResponse({"numResults": 0, "query": url, "error": str(exc)})
    if source is None:  # a new feed, added by the worker: the protocol has no "pending", so say so
        return JsonResponse({"numResults": 0, "query": url, "error": f"{url[:200]} is {QUEUED}"})
    return JsonResponse(
        {"numResults": 1, "query": url, "streamId": f"feed/{source.pk}", "streamName": source.display_name}
    )


@api
def rename_tag(request: HttpRequest, user: Any) -> HttpResponse:
    """Rename a folder (`s`=old label stream, `dest`=new) or delete it (disable-tag)."""
    p = params(request)
    old = normalise_stream(p.get("s", "") or LABEL_PREFIX + p.get("t", ""))
    if not old.startswith(LABEL_PREFIX) or old == LABEL_PREFIX:
        raise BadRequest("s= must be a user/-/label/… stream")
    name = old[len(LABEL_PREFIX) :]
    dest = normalise_stream(p.get("dest", ""))
    for source in Source.objects.filter(pk__in=state.sources_with_label(user, name)):
        state.set_label(user, source, name, on=False)
        if dest.startswith(LABEL_PREFIX) and dest != LABEL_PREFIX:
            state.set_label(user, source, dest[len(LABEL_PREFIX) :], on=True)
    return HttpResponse("OK", content_type="text/plain")


# -- streams ------------------------------------------------------------------------------------------


def _stream_articles(user: Any, stream: str) -> QuerySet[Article]:
    stream = normalise_stream(stream or READING_LIST)
    if stream == READING_LIST:
        return state.articles_for(user)
    if stream == STARRED:
        return state.starred_for(user)
    if stream == READ:
        return state.articles_for(user).filter(is_read=True)
    if stream == KEPT_UNREAD:
        return state.articles_for(user).filter(is_read=False)
    if stream.startswith(LABEL_PREFIX):
        ids = state.sources_with_label(user, stream[len(LABEL_PREFIX) :])
        if not ids:
            raise NotFound(f"no such folder: {stream[:200]}")
        return state.articles_for(user).filter(source_id__in=ids)
    if stream.startswith("feed/"):
        source = feed_source(user, stream)
        carried = Article.objects.filter(sightings__source=source).values("pk")
        return state.articles_for(user).filter(Q(source=source) | Q(pk__in=carried))
    raise NotFound(f"unknown stream: {stream[:200]}")


def filtered(user: Any, stream: str, p: QueryDict, limit_max: int) -> tuple[list[Article], str]:
    """One page of a stream with the filters apps send; returns the page and its continuation."""
    qs = _stream_articles(user, stream)
    for excluded in p.getlist("xt"):
        excluded = normalise_stream(excluded)
        if excluded == READ:
            qs = qs.filter(is_read=False)
        elif excluded == STARRED:
            qs = qs.filter(is_starred=False)
    for included in p.getlist("it"):
        included = normalise_stream(included)
        if included == STARRED:
            qs = qs.filter(is_starred=True)
        elif included == READ:
            qs = qs.filter(is_read=True)
    # The times an app syncs by are when the site found the article (crawlTimeMsec).
    if older := from_seconds(p.get("ot", "")):
        qs = qs.filter(discovered_at__gte=older)
    if newer := from_seconds(p.get("nt", "")):
        qs = qs.filter(discovered_at__lte=newer)
    oldest_first = p.get("r") == "o"
    if cont := p.get("c", ""):
        try:
            c_us, c_id = (int(x) for x in cont.split("_", 1))
            c_ts = datetime.fromtimestamp(c_us / 1_000_000, tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise BadRequest(f"not a continuation: {cont[:80]!r}") from exc
        if oldest_first:
            qs = qs.filter(Q(ts__gt=c_ts) | Q(ts=c_ts, pk__gt=c_id))
        else:
            qs = qs.filter(Q(ts__lt=c_ts) | Q(ts=c_ts, pk__lt=c_id))
    try:
        n = max(1, min(int(p.get("n", "20")), limit_max))
    except ValueError as exc:
        raise BadRequest("n= must be a number") from exc
    qs = qs.order_by(*(("ts", "pk") if oldest_first else ("-ts", "-pk")))
    page = list(qs[: n + 1])
    continuation = ""
    if len(page) > n:
        page = page[:n]
        last = page[-1]
        continuation = f"{usec(last.ts)}_{last.pk}"
    return page, continuation


def _item(article: Article, labels: dict[int, list[str]]) -> dict[str, Any]:
    categories = [READING_LIST] + [LABEL_PREFIX + n for n in labels.get(article.source_id, [])]
    if getattr(article, "is_read", False):
        categories.append(READ)
    if getattr(article, "is_starred", False):
        categories.append(STARRED)
    ts = article.display_time
    alternate = [{"href": article.url, "type": "text/html"}] if article.url else []
    return {
        "id": long_item_id(article.pk),
        "crawlTimeMsec": str(int(article.discovered_at.timestamp() * 1000)),
        "timestampUsec": str(usec(ts)),
        "published": int(ts.timestamp()),
        "updated": int(article.updated_at.timestamp()),
        "title": article.title,
        "author": article.author,
        # No "type" in canonical: the google-reader client builds it from {href} only.
        "canonical": [{"href": article.url}] if article.url else [],
        "alternate": alternate,
        "summary": {"direction": "ltr", "content": article_html(article)},
        "categories": categories,
        "origin": {
            "streamId": f"feed/{article.source_id}",
            "title": article.source.display_name,
            "htmlUrl": article.source.site_url,
        },
    }


def _items_response(user: Any, stream: str, articles: list[Article], continuation: str) -> JsonResponse:
    labels = state.labels_by_source(user, {a.source for a in articles})
    body: dict[str, Any] = {
        "direction": "ltr",
        "id": stream,
        "title": "Reading list" if stream == READING_LIST else stream,
        "updated": int(timezone.now().timestamp()),
        "items": [_item(a, labels) for a in articles],
    }
    if continuation:
        body["continuation"] = continuation
    return JsonResponse(body)


@api
def stream_contents(request: HttpRequest, user: Any, stream: str = "") -> HttpResponse:
    p = params(request)
    stream = normalise_stream(stream or p.get("s", "") or READING_LIST)
    page, continuation = filtered(user, stream, p, MAX_ITEMS)
    return _items_response(user, stream, page, continuation)


@api
def stream_item_ids(request: HttpRequest, user: Any) -> HttpResponse:
    p = params(request)
    stream = normalise_stream(p.get("s", "") or READING_LIST)
    page, continuation = filtered(user, stream, p, MAX_IDS)
    # Google Reader's item refs carry the short decimal id; TheOldReader's the 16 hex digits of the
    # long one (its clients prefix them to make the long id).
    oldreader = request.reader_token.dialect == AppToken.Dialect.OLDREADER  # type: ignore[attr-defined]
    body: dict[str, Any] = {
        "itemRefs": [
            {
                "id": f"{a.pk:016x}" if oldreader else str(a.pk),
                "directStreamIds": [],
                "timestampUsec": str(usec(a.ts)),
            }
            for a in page
        ]
    }
    if continuation:
        body["continuation"] = continuation
    return JsonResponse(body)


@api
def stream_items_contents(request: HttpRequest, user: Any) -> HttpResponse:
    ids = [parse_item_id(i) for i in params(request).getlist("i")]
    if not ids:
        raise BadRequest("i= (one or more item ids) is missing")
    # Any article the reader can see by id: subscribed, or starred before unsubscribing.
    found = {a.pk: a for a in state.annotate(Article.objects.filter(pk__in=ids[:MAX_ITEMS]), user)}
    articles = [found[pk] for pk in ids if pk in found]
    return _items_response(user, READING_LIST, articles, "")


@api
def unread_count(request: HttpRequest, user: Any) -> HttpResponse:
    counts: list[dict[str, Any]] = []
    unread = state.articles_for(user).filter(is_read=False)
    per_source: dict[int, tuple[int, datetime]] = {}
    for source_id, ts in unread.values_list("source_id", "ts"):
        n, newest = per_source.get(source_id, (0, ts))
        per_source[source_id] = (n + 1, max(newest, ts))
    labels = state.labels_by_source(user, Source.objects.filter(pk__in=list(per_source)))
    per_label: dict[str, tuple[int, datetime]] = {}
    for source_id, (n, newest) in per_source.items():
        counts.append({"id": f"feed/{source_id}", "count": n, "newestItemTimestampUsec": str(usec(newest))})
        for name in labels.get(source_id, []):
            m, latest = per_label.get(name, (0, newest))
            per_label[name] = (m + n, max(latest, newest))
    for name, (n, newest) in per_label.items():
        counts.append({"id": LABEL_PREFIX + name, "count": n, "newestItemTimestampUsec": str(usec(newest))})
    total = sum(n for n, _ in per_source.values())
    if per_source:
        newest_all = max(t for _, t in per_source.values())
        counts.append({"id": READING_LIST, "count": total, "newestItemTimestampUsec": str(usec(newest_all))})
    return JsonResponse({"max": total, "unreadcounts": counts})


# -- state changes ------------------------------------------------------------------------------------


@api
def edit_tag(request: HttpRequest, user: Any) -> HttpResponse:
    if request.method != "POST":
        raise BadRequest("edit-tag takes a POST")
    p = params(request)
    ids = [parse_item_id(i) for i in p.getlist("i")[:MAX_IDS]]
    for tag in p.getlist("a"):
        tag = normalise_stream(tag)
        if tag == READ:
            changes.mark_read(user, ids)
        elif tag == STARRED:
            changes.bookmark(user, ids)
        elif tag == KEPT_UNREAD:
            changes.mark_unread(user, ids)
    for tag in p.getlist("r"):
        tag = normalise_stream(tag)
        if tag == READ:
            changes.mark_unread(user, ids)
        elif tag == STARRED:
            changes.unbookmark(user, ids)
    return HttpResponse("OK", content_type="text/plain")


@api
def mark_all_as_read(request: HttpRequest, user: Any) -> HttpResponse:
    if request.method != "POST":
        raise BadRequest("mark-all-as-read takes a POST")
    p = params(request)
    stream = normalise_stream(p.get("s", "") or READING_LIST)
    # ts is the app's last sync: what the site found after it stays unread, however old.
    state.mark_found_before_read(user, _stream_articles(user, stream), from_seconds(p.get("ts", "")))
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt  # the view it stands for does its own checks (a login, or the GoogleLogin header)
def doubled_slash(request: HttpRequest, rest: str) -> HttpResponse:
    """`/reader//…` served as `/reader/…` (no redirect: apps would not repeat a POST after one)."""
    try:
        match = resolve("/reader/" + rest)
    except Resolver404:
        return HttpResponse("Not found", status=404, content_type="text/plain")
    if match.func is doubled_slash:  # "/reader///…": one collapse is all an app needs
        return HttpResponse("Not found", status=404, content_type="text/plain")
    return match.func(request, *match.args, **match.kwargs)
