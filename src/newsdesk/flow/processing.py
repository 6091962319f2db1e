"""Move one article through the pipeline: fetch page → extract → deduplicate → embed → story.

Every step reads what it needs from the database and writes its result with the next stage in
one save, so a step interrupted anywhere is simply run again, and running it twice changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from newsdesk.articles import rawstore
from newsdesk.articles.models import FINAL_STAGE, Article, DuplicateKind, PanelState, Stage
from newsdesk.articles.related import lead_entities
from newsdesk.flow.images import image_for
from newsdesk.images.models import ImageKind
from newsdesk.pipeline.duplicates import (
    MinHashSignature,
    NearDuplicateIndex,
    content_fingerprint,
    jaccard_estimate,
)
from newsdesk.pipeline.embeddings import article_embedding_text, to_blob
from newsdesk.pipeline.extract import ExtractionError, extract_article
from newsdesk.pipeline.fetch import FetchError
from newsdesk.pipeline.language import detect_language
from newsdesk.pipeline.sanitize import clean_article_html, clean_text, first_image_url, html_to_text
from newsdesk.pipeline.schedule import backoff_delay
from newsdesk.runtime.coordination import claim, release, serialised
from newsdesk.runtime.embedder import get_embedder
from newsdesk.runtime.fetcher import TRANSIENT_KINDS, get_fetcher
from newsdesk.sources.models import Source
from newsdesk.stories.assign import assign

log = logging.getLogger(__name__)

MAX_PAGE_ATTEMPTS = 3  # tries of a page that failed for a transient reason, then the feed's own text
# Below this many words an identical text is not evidence of the same article ("Read more…").
MIN_WORDS_FOR_TEXT_DUPLICATE = 25
NEAR_DUPLICATE_THRESHOLD = 0.8
NEAR_DUPLICATE_WINDOW = timedelta(days=14)
RAW_STORE_RETRY_S = 60


def advance(article_id: int, *, until: str | None = None) -> str:
    """Run every step an article still needs (or those before stage `until`); return its stage.

    Safe to call twice, and from several workers at once: the article's lease admits one.
    """
    if not claim(Article, article_id, lease=timedelta(seconds=settings.NEWSDESK_ARTICLE_LEASE_S)):
        return "claimed"
    try:
        article = Article.objects.select_related("source").filter(pk=article_id).first()
        if article is None:
            return "gone"
        if article.retry_at and article.retry_at > timezone.now():
            return article.stage
        while article.stage not in (FINAL_STAGE, until):
            step = STEPS[article.stage]
            if not step(article):
                break
        return article.stage
    finally:
        release(Article, article_id)


def _fetch_page(article: Article) -> bool:
    source: Source = article.source
    wants_page = settings.NEWSDESK_FETCH_ARTICLE_PAGES and article.url and source.kind != Source.Kind.IMPORT
    if not wants_page:
        _save(article, stage=Stage.FETCHED)
        return True
    try:
        result = get_fetcher().fetch(article.url, is_article_page=True)
    except FetchError as exc:
        article.attempts += 1
        has_feed_text = bool(article.feed_content or article.feed_summary)
        if exc.kind in TRANSIENT_KINDS and article.attempts < MAX_PAGE_ATTEMPTS:
            delay = max(backoff_delay(article.attempts, base_s=60), exc.retry_after_s or 0)
            if not has_feed_text:
                _save(article, error=exc.message, retry_at=timezone.now() + timedelta(seconds=delay))
                return False
        # Settle for the feed's own text; say why the page was not used.
        _save(article, stage=Stage.FETCHED, page_error=exc.message, error="", retry_at=None)
        return True
    try:
        key = rawstore.put(result.body)
    except rawstore.RawStoreError as exc:
        # A full disk is the operator's to fix: the article waits (stage unchanged, no attempt
        # counted) and is fetched again by itself once the page can be kept.
        log.error("article %s: %s", article.pk, exc.strerror)
        retry_at = timezone.now() + timedelta(seconds=RAW_STORE_RETRY_S)
        _save(article, error=exc.strerror, retry_at=retry_at)
        return False
    if result.url and not article.url:
        article.url = result.url
    _save(article, stage=Stage.FETCHED, raw_page_key=key, page_error="", error="", retry_at=None)
    return True


def _feed_body(article: Article) -> str:
    return article.feed_content or article.feed_summary


def _extract(article: Article) -> bool:
    feed_html = _feed_body(article)
    page = rawstore.get(article.raw_page_key) if article.raw_page_key else None
    extracted = None
    if page:
        try:
            extracted = extract_article(page, article.url, feed_html=feed_html, feed_title=article.title)
        except ExtractionError as exc:
            article.page_error = f"the page had no readable article: {exc}"
    if extracted is not None:
        article.text = extracted.text
        article.content_html = extracted.html
        article.quality = extracted.quality
        article.extraction_method = extracted.method
        article.description = article.description or extracted.description
        article.title = article.title or extracted.title
        article.author = article.author or extracted.author
        article.published_at = article.published_at or extracted.published
        article.lead_image_url = article.lead_image_url or extracted.lead_image_url
        article.language = extracted.language or article.language
    else:
        base = article.url or article.source.site_url or ""
        article.content_html = clean_article_html(feed_html, base) if feed_html else ""
        article.text = html_to_text(article.content_html) if feed_html else ""
        article.quality = 0.3 if article.text else 0.0
        article.extraction_method = "feed"
        article.language = detect_language(f"{article.title}\n{article.text}") or article.source.language[:2]
    article.title = clean_text(article.title)[:1000] or (article.text[:120] if article.text else "(untitled)")
    # The lead image: the feed's, else the page's og:image, else the body's first picture.
    article.lead_image_url = (article.lead_image_url or first_image_url(article.content_html))[:2000]
    if article.lead_image_url and article.image_id is None:
        image = image_for(ImageKind.LEAD, article.lead_image_url)
        article.image_id = image.pk if image else None
    _save(article, stage=Stage.EXTRACTED, error="")
    return True


def _near_index() -> NearDuplicateIndex:
    """The per-process LSH index, topped up from the database with what other workers added."""
    global _near_cache
    if _near_cache is None:
        _near_cache = _NearCache()
    _near_cache.sync()
    return _near_cache.index


class _NearCache:
    def __init__(self) -> None:
        self.index = NearDuplicateIndex(threshold=NEAR_DUPLICATE_THRESHOLD)
        self.seq = 0

    def sync(self) -> None:
        since = timezone.now() - NEAR_DUPLICATE_WINDOW
        rows = (
            Article.objects.filter(dedup_seq__gt=self.seq, duplicate_of__isnull=True, minhash__isnull=False)
            .filter(discovered_at__gte=since)
            .order_by("dedup_seq")
            .values_list("pk", "dedup_seq", "minhash")
        )
        for pk, seq, blob in rows.iterator():
            if str(pk) not in self.index:
                self.index.add(str(pk), MinHashSignature.from_bytes(bytes(blob)))
            self.seq = max(self.seq, seq)
        last = Article.objects.aggregate(m=Max("dedup_seq"))["m"]
        self.seq = max(self.seq, last or 0)


_near_cache: _NearCache | None = None


def forget_near_index() -> None:
    """Drop this process's near-duplicate index (rebuilt from the database on next use): tests, whose
    database is emptied between them while primary keys and dedup sequence numbers start again."""
    global _near_cache
    _near_cache = None


def _primary(article_id: int) -> Article | None:
    """Follow duplicate_of to the group's primary article."""
    seen: set[int] = set()
    current = Article.objects.filter(pk=article_id).first()
    while current is not None and current.duplicate_of_id and current.pk not in seen:
        seen.add(current.pk)
        current = Article.objects.filter(pk=current.duplicate_of_id).first()
    return current


def _deduplicate(article: Article) -> bool:
    text = article.text
    fingerprint = content_fingerprint(text)
    long_enough = len(text.split()) >= MIN_WORDS_FOR_TEXT_DUPLICATE
    with serialised("dedupe"):
        index = _near_index()
        dup_of, kind, similarity = None, "", None
        if fingerprint and long_enough:
            twin = (
                Article.objects.filter(content_fingerprint=fingerprint, dedup_seq__isnull=False)
                .exclude(pk=article.pk)
                .order_by("dedup_seq")
                .first()
            )
            if twin is not None:
                # The earliest article with this exact text; it may itself be a near copy of another.
                dup_of, kind, similarity = twin, DuplicateKind.EXACT, 1.0
        signature = index.signature(text) if long_enough else None
        if dup_of is None and signature is not None:
            best = None
            for key in index.query(signature):
                if key == str(article.pk):
                    continue
                other = index.get(key)
                if other is None:
                    continue
                score = jaccard_estimate(signature, other)
                if score >= NEAR_DUPLICATE_THRESHOLD and (best is None or score > best[1]):
                    best = (int(key), score)
            if best is not None:
                dup_of, kind, similarity = _primary(best[0]), DuplicateKind.NEAR, round(best[1], 3)
        if dup_of is not None and dup_of.pk == article.pk:
            dup_of, kind, similarity = None, "", None
        seq = (Article.objects.aggregate(m=Max("dedup_seq"))["m"] or 0) + 1
        _save(
            article,
            stage=Stage.DEDUPLICATED,
            content_fingerprint=fingerprint,
            minhash=signature.to_bytes() if signature is not None else None,
            duplicate_of=dup_of,
            duplicate_kind=kind,
            duplicate_similarity=similarity,
            dedup_seq=seq,
            panel_state=PanelState.PENDING,  # new or edited text: its AI panel is made (again)
        )
    return True


def _save(article: Article, **fields: object) -> None:
    for name, value in fields.items():
        setattr(article, name, value)
    article.updated_at = timezone.now()
    article.save()


def embed_articles(articles: list[Article]) -> None:
    """Embed title + lead of several articles in one batch (much faster than one by one)."""
    if not articles:
        return
    vectors = get_embedder().embed([article_embedding_text(a.title, a.text) for a in articles])
    now = timezone.now()
    for article, vector in zip(articles, vectors, strict=True):
        _save(
            article,
            stage=Stage.EMBEDDED,
            embedding=to_blob(vector),
            embedded_at=now,
            lead_entities=lead_entities(article.title, article.text),
        )


def _embed(article: Article) -> bool:
    embed_articles([article])
    return True


def _cluster(article: Article) -> bool:
    assign(article)
    return True


STEPS = {
    Stage.NEW: _fetch_page,
    Stage.FETCHED: _extract,
    Stage.EXTRACTED: _deduplicate,
    Stage.DEDUPLICATED: _embed,
    Stage.EMBEDDED: _cluster,
}
