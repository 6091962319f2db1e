"""The Fever API (version 3) that Reeder, FeedMe, Unread and ReadKit speak, at /fever/.

Every call is `POST /fever/?api&<what>` with the form field `api_key` = md5("login:password")
as the protocol defines; the account stores only a salted, keyed hash of that key, set on
/settings/apps/ (never derived from the login password; credentials.py). Groups are the reader's
folders (ids derived from the folder name, stable across calls), feeds are followed sources, items
are articles (id = the article's primary key), saved = starred = the site's bookmarks. `before` of
mark=feed|group is compared with when the site found an article, not its publication time. Clients
that add `/api/fever.php` to the server address (FreshRSS's) find the same endpoint there.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt

from newsdesk.articles.models import Article
from newsdesk.readers import changes, ratelimit
from newsdesk.readersync import state
from newsdesk.readersync.content import article_html
from newsdesk.readersync.credentials import fever_user
from newsdesk.sources.models import Source

API_VERSION = 3
PAGE = 50  # items per call, as the protocol defines


class BadRequest(Exception):
    pass


def group_id(name: str) -> int:
    """A folder's id: positive, stable, never 0 (0 is 'all items' in mark=group)."""
    return (zlib.crc32(name.encode()) & 0x7FFFFFFF) or 1


def _params(request: HttpRequest) -> QueryDict:
    merged = request.GET.copy()
    if request.method == "POST":
        merged.update(request.POST)
    return merged


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise BadRequest(f"{name} must be a number") from exc


def _ids(value: str) -> list[int]:
    return [_int(v, "ids") for v in value.split(",") if v.strip()]


def visible(user: Any) -> QuerySet[Article]:
    """Articles of followed feeds, plus anything saved (still shown after unsubscribing)."""
    ids = state.followed_source_ids(user)
    carried = Article.objects.filter(sightings__source_id__in=ids).values("pk")
    saved = Article.objects.filter(bookmarks__user=user).values("pk")
    return state.annotate(
        Article.objects.filter(Q(source_id__in=ids) | Q(pk__in=carried) | Q(pk__in=saved)), user
    )


def _groups(user: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    subs = [s for s, _ in state.subscriptions(user)]
    labels = state.labels_by_source(user, subs)
    members: dict[str, list[int]] = {}
    for source_id, names in labels.items():
        for name in names:
            members.setdefault(name, []).append(source_id)
    groups = [{"id": group_id(n), "title": n} for n in sorted(members)]
    feeds_groups = [
        {"group_id": group_id(n), "feed_ids": ",".join(str(i) for i in sorted(members[n]))}
        for n in sorted(members)
    ]
    return groups, feeds_groups


def _feeds(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": s.pk,
            "favicon_id": 0,
            "title": f.label or s.display_name,
            "url": s.url,
            "site_url": s.site_url,
            "is_spark": 0,
            "last_updated_on_time": int(s.last_success_at.timestamp()) if s.last_success_at else 0,
        }
        for s, f in state.subscriptions(user)
    ]


def _item(a: Article) -> dict[str, Any]:
    return {
        "id": a.pk,
        "feed_id": a.source_id,
        "title": a.title,
        "author": a.author,
        "html": article_html(a),
        "url": a.url,
        "is_saved": int(a.is_starred),
        "is_read": int(a.is_read),
        "created_on_time": int(a.ts.timestamp()),
    }


def _items(user: Any, p: QueryDict) -> dict[str, Any]:
    qs = visible(user)
    total = qs.count()
    if with_ids := p.get("with_ids", ""):
        page = qs.filter(pk__in=_ids(with_ids)[:PAGE]).order_by("pk")
    elif p.get("max_id", ""):
        page = qs.filter(pk__lt=_int(p["max_id"], "max_id")).order_by("-pk")
    else:
        page = qs.filter(pk__gt=_int(p.get("since_id", "") or "0", "since_id")).order_by("pk")
    return {"items": [_item(a) for a in page[:PAGE]], "total_items": total}


def _unread_ids(user: Any) -> str:
    return ",".join(
        str(pk) for pk in visible(user).filter(is_read=False).order_by("pk").values_list("pk", flat=True)
    )


def _saved_ids(user: Any) -> str:
    return ",".join(
        str(pk) for pk in visible(user).filter(is_starred=True).order_by("pk").values_list("pk", flat=True)
    )


def _before(p: QueryDict) -> datetime | None:
    value = p.get("before", "")
    if not value:
        return None
    try:
        return datetime.fromtimestamp(_int(value, "before"), tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise BadRequest("before must be a Unix time") from exc


def _mark(user: Any, p: QueryDict, body: dict[str, Any]) -> None:
    what, how, target = p.get("mark", ""), p.get("as", ""), _int(p.get("id", ""), "id")
    if what == "item":
        ids = [target]
        actions = {
            "read": changes.mark_read,
            "unread": changes.mark_unread,
            "saved": changes.bookmark,
            "unsaved": changes.unbookmark,
        }
        action = actions.get(how)
        if action is None:
            raise BadRequest("as= must be read, unread, saved or unsaved")
        action(user, ids)
    elif what in {"feed", "group"}:
        if how != "read":
            raise BadRequest(f"mark={what} takes as=read")
        qs = visible(user)
        if what == "feed":
            qs = qs.filter(source_id=target)
        elif target == -1:  # Sparks: none here
            qs = qs.none()
        elif target != 0:  # 0 = Kindling, every item
            names = {n for n in state.all_labels(user) if group_id(n) == target}
            ids = [pk for n in names for pk in state.sources_with_label(user, n)]
            qs = qs.filter(source_id__in=ids)
        state.mark_found_before_read(user, qs, _before(p))
    else:
        raise BadRequest("mark= must be item, feed or group")
    if how in {"saved", "unsaved"}:
        body["saved_item_ids"] = _saved_ids(user)
    else:
        body["unread_item_ids"] = _unread_ids(user)


def _rate(setting: str) -> ratelimit.Rate:
    return ratelimit.Rate.parse(getattr(settings, setting))


def _refused(limited: ratelimit.Limited) -> JsonResponse:
    """What the protocol allows: auth 0, here with HTTP 429, Retry-After and a sentence."""
    body = {"api_version": API_VERSION, "auth": 0, "error": f"Too many failed log-ins. {limited.message}"}
    response = JsonResponse(body, status=429)
    response["Retry-After"] = str(limited.retry_after_s)
    return response


@csrf_exempt
def endpoint(request: HttpRequest) -> HttpResponse:
    p = _params(request)
    if "api" not in p:
        return HttpResponse("Fever API: POST /fever/?api with api_key\n", content_type="text/plain")
    # The key is md5(login:password): a wrong one names no account, so failures count per address
    # only (the budget shared with the site's log-in form). While limited even the right key fails.
    guard = ratelimit.LoginGuard(
        [("login-ip", ratelimit.client_ip(request), _rate("NEWSDESK_LOGIN_FAILURES_IP"))]
    )
    if limited := guard.start():
        return _refused(limited)
    user = fever_user(p.get("api_key", ""))
    if user is None:
        if limited := guard.failed():
            return _refused(limited)
        return JsonResponse({"api_version": API_VERSION, "auth": 0})
    guard.give_back()
    followed = Source.objects.filter(pk__in=state.followed_source_ids(user))
    refreshed = followed.aggregate(t=Max("last_fetch_at"))["t"]
    body: dict[str, Any] = {
        "api_version": API_VERSION,
        "auth": 1,
        "last_refreshed_on_time": int(refreshed.timestamp()) if refreshed else 0,
    }
    try:
        if "mark" in p:
            _mark(user, p, body)
        if "groups" in p:
            body["groups"], body["feeds_groups"] = _groups(user)
        if "feeds" in p:
            body["feeds"] = _feeds(user)
            body["feeds_groups"] = _groups(user)[1]
        if "favicons" in p:
            body["favicons"] = []
        if "items" in p:
            body.update(_items(user, p))
        if "links" in p:
            body["links"] = []
        if "unread_item_ids" in p:
            body["unread_item_ids"] = _unread_ids(user)
        if "saved_item_ids" in p:
            body["saved_item_ids"] = _saved_ids(user)
    except BadRequest as exc:
        return JsonResponse({**body, "error": str(exc)}, status=400)
    return JsonResponse(body)
