"""Entity mentions: each article's panel entities, linked across its story, stored for entity pages.

The pipeline links names inside an article (`link_mentions`) and across articles (`link_entities`):
"NASA" = "National Aeronautics and Space Administration", "Musk" = "Elon Musk" when a story names him
in full. Here the article's entities are linked with its story siblings' and written as
`EntityMention` rows under the story-wide slug. A form linked to an acronym ("national aeronautics and
space administration" → `nasa`) is remembered as an `EntityAlias`, so a later article that only spells
the name out still gets the same slug. Bare surnames are never remembered: "Musk" means Elon Musk only
inside a story that says so.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from newsdesk.articles.models import (
    FINAL_STAGE,
    Article,
    EntityAlias,
    EntityMention,
    Insight,
    dated_story_ids,
)
from newsdesk.pipeline.text.dates import period_start
from newsdesk.pipeline.text.entities import Entity, link_entities, slugify

log = logging.getLogger(__name__)
ENTITY_KEYS = ("people", "organisations", "places", "other_entities")
MAX_SIBLINGS = 60  # linking against this many story members is enough to resolve "Musk"


def panel_entities(data: dict[str, Any]) -> list[Entity]:
    """The entities of a stored article panel (its JSON), as pipeline `Entity` objects."""
    out = []
    for key in ENTITY_KEYS:
        for e in data.get(key) or []:
            out.append(
                Entity(
                    str(e["name"]),
                    e["kind"],
                    str(e["slug"]),
                    int(e.get("count") or 1),
                    tuple(e.get("aliases") or ()),
                    tuple(e.get("sentence_indices") or ()),
                )
            )
    return out


def _forms(e: Entity) -> set[str]:
    return {n.lower() for n in (e.name, *e.aliases) if n}


def _with_known_slugs(linked: list[Entity]) -> list[Entity]:
    """Apply learned aliases (long form → acronym slug) and learn new ones from this linking."""
    others = [e for e in linked if e.kind != "person"]
    forms = {f for e in others for f in _forms(e)}
    known = {a.form: a for a in EntityAlias.objects.filter(form__in=forms)} if forms else {}
    out = []
    for e in linked:
        if e.kind != "person":
            hit = next((known[f] for f in sorted(_forms(e)) if f in known and known[f].kind == e.kind), None)
            if hit is not None and hit.slug != e.slug:
                e = replace(e, slug=hit.slug)
            # Learn the forms of an entity the pipeline named by its acronym ("nasa" for its long name).
            if any(slugify(n) == e.slug for n in (e.name, *e.aliases) if n.isupper()) or hit is not None:
                for f in _forms(e):
                    if f not in known and slugify(f) != e.slug and len(f) <= 300:
                        EntityAlias.objects.get_or_create(form=f, defaults={"slug": e.slug, "kind": e.kind})
        out.append(e)
    return out


def _rows(
    article: Article, local: Sequence[Entity], linked: list[Entity], position: int
) -> list[EntityMention]:
    by_form: dict[str, Entity] = {}
    for e in linked:
        if position in e.articles:
            for f in _forms(e):
                by_form.setdefault(f, e)
    rows: dict[str, EntityMention] = {}
    for e in local:
        story_entity = by_form.get(e.name.lower())
        slug, name = (story_entity.slug, story_entity.name) if story_entity else (e.slug, e.name)
        if e.slug in rows:  # two local entities with one slug: one row
            rows[e.slug].count += e.count
            continue
        rows[e.slug] = EntityMention(
            article=article,
            slug=slug[:200],
            local_slug=e.slug[:200],
            name=name[:300],
            kind=e.kind,
            count=max(1, e.count),
            sentence_indices=list(e.sentence_indices),
            published_at=article.display_time,
        )
    return list(rows.values())


def link_and_store(members: Sequence[tuple[Article, Sequence[Entity]]], write: set[int]) -> list[Entity]:
    """Link the members' entities across them; rewrite the mentions of the articles in ``write``.

    Returns the linked entities with their stored slugs (``articles`` holds member positions)."""
    linked = _with_known_slugs(link_entities([ents for _, ents in members])) if members else []
    rows = []
    for position, (article, ents) in enumerate(members):
        if article.pk in write:
            rows += _rows(article, ents, linked, position)
    try:
        with transaction.atomic():
            EntityMention.objects.filter(article_id__in=write).delete()
            EntityMention.objects.bulk_create(rows)
    except IntegrityError:
        # Another process stored the same article's mentions at the same moment (PostgreSQL): theirs stand.
        log.info("entity mentions of %s were written concurrently", sorted(write))
    return linked


def _siblings(article: Article) -> list[tuple[Article, list[Entity]]]:
    if article.story_id is None:
        return []
    insights = (
        Insight.objects.filter(article__story_id=article.story_id, article__duplicate_of__isnull=True)
        .exclude(article_id=article.pk)
        .select_related("article")
        .order_by("-article__published_at")[:MAX_SIBLINGS]
    )
    return [(i.article, panel_entities(i.data)) for i in insights]


def index_article(article: Article, data: dict[str, Any]) -> None:
    """Store the article's entity mentions, linked with those of its story's other articles."""
    link_and_store([(article, panel_entities(data)), *_siblings(article)], {article.pk})


@dataclass
class EntityPage:
    """What the page of one entity shows: who it is, where it is mentioned, with whom, and when."""

    slug: str
    name: str
    kind: str
    names: list[str]
    article_count: int
    articles: list[Article]
    stories: list[Any]
    cooccurring: list[dict[str, Any]]
    timeline: list[dict[str, Any]]


MAX_PAGE_ARTICLES = 50
MAX_TIMELINE_ARTICLES = 30


def _visible_mentions(**where: Any) -> Any:
    return EntityMention.objects.filter(
        article__stage=FINAL_STAGE, article__duplicate_of__isnull=True, **where
    )


def with_pages(slugs: Iterable[str]) -> set[str]:
    """Of ``slugs``, those that have an entity page: mentioned in at least
    ``NEWSDESK_ENTITY_PAGE_MIN_ARTICLES`` visible articles. A name seen once or twice is too thin to
    follow, and too often a model's misreading ("Follow Ape Academy", a game, as an organisation)."""
    wanted = {s for s in slugs if s}
    if not wanted:
        return set()
    return set(
        _visible_mentions(slug__in=wanted)
        .values("slug")
        .annotate(n=Count("article", distinct=True))
        .filter(n__gte=settings.NEWSDESK_ENTITY_PAGE_MIN_ARTICLES)
        .values_list("slug", flat=True)
    )


def entity_page(slug: str) -> EntityPage | None:
    """The entity page's content, newest first; None when fewer than
    ``NEWSDESK_ENTITY_PAGE_MIN_ARTICLES`` visible articles mention ``slug`` (see `with_pages`)."""
    visible = _visible_mentions(slug=slug)
    article_count = visible.values("article").distinct().count()
    if article_count < max(1, settings.NEWSDESK_ENTITY_PAGE_MIN_ARTICLES):
        return None
    rows = list(
        visible.select_related("article__source", "article__story").order_by("-published_at", "-article_id")[
            : MAX_PAGE_ARTICLES * 2
        ]
    )
    if not rows:
        return None
    by_article: dict[int, list[EntityMention]] = {}
    for m in rows:
        by_article.setdefault(m.article_id, []).append(m)
    articles = [ms[0].article for ms in by_article.values()][:MAX_PAGE_ARTICLES]
    ids = [a.pk for a in articles]
    names = Counter(m.name for m in rows)
    kinds = Counter(m.kind for m in rows)
    stories = list({a.story_id: a.story for a in articles if a.story_id is not None}.values())
    stories.sort(key=lambda s: s.last_updated, reverse=True)
    dated = dated_story_ids([s.pk for s in stories])
    for s in stories:
        s.__dict__["dated"] = s.pk in dated  # Story.dated, for "date unknown", in one query

    cooccurring = list(
        EntityMention.objects.filter(article_id__in=ids)
        .exclude(slug=slug)
        .values("slug")
        .annotate(n=Count("article", distinct=True), name=Max("name"), kind=Max("kind"))
        .order_by("-n", "name")[:30]
    )
    linkable = with_pages(c["slug"] for c in cooccurring)
    cooccurring = [c for c in cooccurring if c["slug"] in linkable][:15]
    # Dated events from the sentences that mention the entity, read from the articles' stored panels.
    sentences = {aid: {i for m in ms for i in m.sentence_indices} for aid, ms in by_article.items()}
    by_pk = {a.pk: a for a in articles}
    timeline = []
    for insight in Insight.objects.filter(article_id__in=ids[:MAX_TIMELINE_ARTICLES]):
        a = by_pk[insight.article_id]
        for e in insight.data.get("timeline") or []:
            if e.get("sentence_index") in sentences.get(a.pk, ()):
                timeline.append({**e, "article": a, "source": a.source.display_name})
    timeline.sort(key=lambda e: (period_start(str(e["value"])), -e["article"].pk))
    return EntityPage(
        slug=slug,
        name=names.most_common(1)[0][0],
        kind=kinds.most_common(1)[0][0],
        names=[n for n, _ in names.most_common(6)],
        article_count=article_count,
        articles=articles,
        stories=stories,
        cooccurring=cooccurring,
        timeline=timeline[:60],
    )
