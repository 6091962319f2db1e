"""The daily briefing "Top 8": the most important stories of the last 24 hours, for one reader.

Importance here is coverage first: the number of distinct outlets that wrote about the story in
the window decides, and depth (extra articles), growth (share of the window's articles in its last
6 hours) and freshness only order stories of equal reach (together they add less than one
outlet). What the reader follows lifts a story by two outlets per match (at most two matches);
muted sources and keywords are left out before anything is counted.

Each story carries a one-paragraph summary whose sentences cite the article they come from:
the story panel of the AI desk when it exists, else the AI panel of the story's lead article.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import F, Max
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from newsdesk.articles.insights import panel_for
from newsdesk.articles.models import FINAL_STAGE, LIST_DEFERRED, LIST_RELATED, MUTE_TEXT_CHARS, Article
from newsdesk.readers.foryou import StoryView, story_views
from newsdesk.readers.state import ReaderState, load_state
from newsdesk.stories.insights import stored_panel_data
from newsdesk.stories.models import Story

TOP = 8
WINDOW = timedelta(hours=24)
GROWTH_WINDOW = timedelta(hours=6)
FOLLOW_LIFT = 2.0
SUMMARY_SENTENCES = 3
FEED_SALT = "newsdesk.briefing.feed"


@dataclass
class Citation:
    text: str
    label: str  # "FT [3]": outlet and sentence number
    article_id: int


@dataclass
class BriefingItem:
    view: StoryView
    outlets: int
    articles: int
    score: float
    summary: list[Citation] = field(default_factory=list)

    @property
    def story(self) -> Story:
        return self.view.story

    @property
    def lead(self) -> Article | None:
        return self.view.lead

    @property
    def summary_text(self) -> str:
        return " ".join(f"{c.text} [{c.label}]" for c in self.summary)


@dataclass
class Briefing:
    start: datetime
    end: datetime
    items: list[BriefingItem]
    # False when nothing came in the last 24 hours and the window ends at the newest article instead
    # (a quiet site, an archive): the page then says when that was, not "the last 24 hours".
    live: bool = True


def window_end(now: datetime | None = None) -> datetime:
    """Now, or the newest article's time when nothing came in the last 24 h (a quiet site, an archive)."""
    now = now or timezone.now()
    # Only dated articles: an archive's undated rows were "found" at import, not published then.
    newest = (
        Article.objects.filter(stage=FINAL_STAGE, story__isnull=False, published_at__lte=now)
        .aggregate(newest=Max("published_at"))
        .get("newest")
    )
    if newest is not None and newest < now - WINDOW:
        return newest
    return now


def _story_summary(view: StoryView, state: ReaderState) -> list[Citation]:
    """The one call site for a story's cited summary: the story panel if stored, else the lead's panel."""
    story_insight = stored_panel_data(view.story)
    if story_insight:
        by_id = {a.pk: a for a in view.members}
        out = []
        for s in story_insight.get("summary") or []:
            try:
                aid = int(s.get("article_id"))
            except (TypeError, ValueError):
                continue
            article = by_id.get(aid)
            if article is None or state.text_muted(s.get("text", "")):
                continue  # a muted article's sentence is not shown
            out.append(
                Citation(s["text"], f"{s.get('source') or ''} {int(s['sentence_index']) + 1}".strip(), aid)
            )
        if out:
            return out[:SUMMARY_SENTENCES]
    lead = view.lead
    data = panel_for(lead, compute=False) if lead is not None else None
    if not data:
        return []
    name = lead.source.outlet_name
    return [
        Citation(s["text"], f"{name} {int(s['sentence_index']) + 1}", lead.pk)
        for s in (data.get("summary") or [])[:SUMMARY_SENTENCES]
        if not state.text_muted(s.get("text", ""))
    ]


def top_stories(state: ReaderState, now: datetime | None = None, n: int = TOP) -> Briefing:
    now = now or timezone.now()
    end = window_end(now)
    start = end - WINDOW
    # A story is in the window by its dated articles only: an undated one never fills the Top 8.
    in_window = (
        Article.objects.filter(stage=FINAL_STAGE, story__isnull=False)
        .annotate(t=F("published_at"))
        .filter(t__gt=start, t__lte=end)
        .select_related(*LIST_RELATED)
        .defer(*LIST_DEFERRED)
        .annotate(text_lead=Substr("text", 1, MUTE_TEXT_CHARS))
        .order_by("t", "pk")
    )
    members: dict[int, list[Article]] = defaultdict(list)
    for a in in_window:
        members[a.story_id].append(a)
    stories = list(Story.objects.filter(pk__in=list(members)))
    items = []
    for view in story_views(state, stories, members):
        if not view.members:
            continue
        outlets = len({a.source.outlet_id for a in view.members})  # publishers, not feeds
        count = len(view.members)
        extra = count - outlets
        depth = min(1.0, math.log1p(extra) / math.log1p(10))
        growth = sum(a.display_time > end - GROWTH_WINDOW for a in view.members) / count
        newest = max(a.display_time for a in view.members)
        fresh = max(0.0, 1 - (end - newest) / WINDOW)
        lift = FOLLOW_LIFT * min(2, len(view.reasons))
        score = outlets + 0.3 * (depth + growth + fresh) + lift
        items.append(BriefingItem(view, outlets, count, score))
    items.sort(key=lambda i: (i.score, i.story.pk), reverse=True)
    items = items[:n]
    for item in items:
        item.summary = _story_summary(item.view, state)
    return Briefing(start, end, items, live=end == now)


# --- the briefing feed's signed reader link ----------------------------------------------------------


# A personal link lets whoever holds it read what the reader follows and mutes: it ends after
# NEWSDESK_BRIEFING_LINK_DAYS, and at once when the account's password changes (issue 14).


def _account_stamp(user_id: int) -> str | None:
    """A keyed digest of the account's password hash (None for no active account): it changes with
    the password, so a link made before a change or reset stops working."""
    hashed = (
        get_user_model().objects.filter(pk=user_id, is_active=True).values_list("password", flat=True).first()
    )
    return None if hashed is None else salted_hmac(FEED_SALT, hashed, algorithm="sha256").hexdigest()[:20]


def feed_link_days() -> int:
    return int(settings.NEWSDESK_BRIEFING_LINK_DAYS)


def feed_token(user_id: int) -> str:
    return signing.dumps({"u": user_id, "s": _account_stamp(user_id)}, salt=FEED_SALT)


def feed_state(token: str) -> ReaderState:
    """The reader a signed `?u=` feed token names (anonymous without one); a forged, expired or
    revoked one is a 404."""
    if not token:
        return ReaderState()
    try:
        data = signing.loads(token, salt=FEED_SALT, max_age=timedelta(days=feed_link_days()))
        user_id = int(data["u"])
    except signing.SignatureExpired:
        raise Http404("This briefing feed link has expired: the briefing page has the current one.") from None
    except (signing.BadSignature, TypeError, ValueError, KeyError):
        raise Http404("This briefing feed link is not valid.") from None
    stamp = _account_stamp(user_id)
    if stamp is None or not constant_time_compare(stamp, str(data.get("s", ""))):
        raise Http404("This briefing feed link is not valid any more: the briefing page has the current one.")
    return load_state(user_id)


def personal_feed_url(state: ReaderState, fmt: str = "atom") -> str:
    """The briefing feed (built in api/feedkinds.py), the reader's own when signed in."""
    url = reverse("feed-briefing", args=[fmt])
    if state.user_id is not None:
        url += f"?u={feed_token(state.user_id)}"
    return url
