"""Which webhook events an article's story assignment raises, and their deliveries (once each).

`receivers.queue_events` (on the stories app's `article_assigned` signal) queues the check: nothing
here runs HTTP inline. The task decides the events and makes one `Delivery` per (hook, event key); the
unique constraint is what makes each event delivered once even when the task runs twice.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from newsdesk.articles.fulltext import terms
from newsdesk.articles.models import Article
from newsdesk.readers.models import SavedSearch
from newsdesk.readers.verified import owner_may_act
from newsdesk.runtime import siteurl
from newsdesk.stories.models import Story
from newsdesk.webhooks.models import Delivery, Webhook

log = logging.getLogger(__name__)
_WORD = re.compile(r"\w+", re.UNICODE)


def story_payload(story: Story) -> dict[str, Any]:
    return {
        "id": story.pk,
        "headline": story.headline,
        "url": siteurl.absolute(f"/story/{story.pk}/"),
        "article_count": story.article_count,
        "source_count": story.source_count,
        "first_seen": story.first_seen.isoformat(),
        "last_updated": story.last_updated.isoformat(),
    }


def article_payload(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.url,
        "page": siteurl.absolute(f"/article/{article.pk}/"),
        "source": {"id": article.source_id, "title": article.source.display_name},
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "language": article.language,
    }


def matches(article: Article, search: SavedSearch) -> bool:
    """Every word of the saved query is a word of the article's title or text (and its filters)."""
    if search.source_id and article.source_id != search.source_id:
        return False
    if search.language and article.language != search.language:
        return False
    wanted = terms(search.query)
    if not wanted:
        return False
    words = set(_WORD.findall(f"{article.title} {article.text}".lower()))
    return all(w in words for w in wanted)


def hooks_for(event_field: str) -> list[Webhook]:
    """Active hooks for this event whose owner may use webhooks (a confirmed address, staff, site-wide)."""
    hooks = Webhook.objects.filter(owner_may_act(), active=True, **{event_field: True})
    return list(hooks.select_related("user"))


def emit(article_id: int, story_id: int, created: bool, sources_before: int) -> list[Delivery]:
    """Make the deliveries this assignment calls for; returns the new ones (to be sent)."""
    article = Article.objects.select_related("source").filter(pk=article_id).first()
    story = Story.objects.filter(pk=story_id).first()
    if article is None or story is None:
        return []
    made: list[Delivery] = []
    if created:
        for hook in hooks_for("on_new_story"):
            body = {"story": story_payload(story), "article": article_payload(article)}
            made += _deliver_once(hook, Webhook.Event.NEW_STORY, f"story.new:{story.pk}", body)
    for hook in hooks_for("on_story_outlets"):
        if sources_before < hook.min_outlets <= story.source_count:
            body = {
                "story": story_payload(story),
                "article": article_payload(article),
                "outlets": hook.min_outlets,
            }
            key = f"story.outlets:{story.pk}:{hook.min_outlets}"
            made += _deliver_once(hook, Webhook.Event.STORY_OUTLETS, key, body)
    for hook in hooks_for("on_search_match"):
        if hook.user_id is None and hook.saved_search_id is None:
            continue  # a site-wide hook has no saved searches of its own
        searches = SavedSearch.objects.filter(
            Q(pk=hook.saved_search_id) if hook.saved_search_id else Q(user_id=hook.user_id)
        )
        for search in searches:
            if matches(article, search):
                body = {
                    "saved_search": {"id": search.pk, "name": search.name, "query": search.query},
                    "article": article_payload(article),
                    "story": story_payload(story),
                }
                key = f"search.match:{search.pk}:{article.pk}"
                made += _deliver_once(hook, Webhook.Event.SEARCH_MATCH, key, body)
    return made


def _deliver_once(hook: Webhook, event: str, key: str, body: dict[str, Any]) -> list[Delivery]:
    payload = {"event": event, **body}
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(hook=hook, event=event, event_key=key, payload=payload)
    except IntegrityError:
        return []  # this hook already has this event
    delivery.payload = {**payload, "delivery": str(delivery.delivery_id)}
    delivery.save(update_fields=["payload"])
    return [delivery]
