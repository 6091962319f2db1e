"""Articles: one row per distinct article, with its pipeline stage (DESIGN.md §2)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from newsdesk.images.models import Image
from newsdesk.sources.models import Source


class Stage(models.TextChoices):
    """Where an article is in the pipeline; the database is the only source of truth."""

    NEW = "new", "Waiting for its page"
    FETCHED = "fetched", "Page fetched"
    EXTRACTED = "extracted", "Text extracted"
    DEDUPLICATED = "deduplicated", "Checked for duplicates"
    EMBEDDED = "embedded", "Embedded"
    CLUSTERED = "clustered", "Assigned to a story"


FINAL_STAGE = Stage.CLUSTERED
# Lists by the article's time put undated articles last in both directions: an undated article is
# neither the newest nor a story's first report. The databases disagree on where NULL goes
# (PostgreSQL first in a descending order, SQLite first in an ascending one), so it is said here.
NEWEST_FIRST = (models.F("published_at").desc(nulls_last=True), models.F("id").desc())
OLDEST_FIRST = (models.F("published_at").asc(nulls_last=True), models.F("id").asc())
# What a list of articles never shows: bodies and vectors stay in the database (`.defer(*…)`).
LIST_DEFERRED = ("text", "content_html", "feed_content", "feed_summary", "minhash", "embedding")
# How much of the text mutes read, and so what lists load instead of it (`text_lead`): a keyword in
# the lead mutes an article; one at the end of a 10,000-word essay does not.
MUTE_TEXT_CHARS = 3000
STAGE_ORDER = [s.value for s in Stage]
# What a list of articles shows beside each title, read with the list in one join (no query per row):
# the publisher's name and icon, and the article's thumbnail.
LIST_RELATED = ("source__publisher__icon", "image")
# How much of the text a story card loads for its dek (its first 35 words), as `text_lead`.
CARD_LEAD_CHARS = 600


class PanelState(models.TextChoices):
    """Where an article is in the AI-panel backlog: every finished article leaves "pending" once."""

    PENDING = "pending", "Waiting for its AI panel"
    MADE = "made", "AI panel made"
    SHORT = "short", "Too short for a panel (entities only)"
    FAILED = "failed", "No panel could be made (entities only)"


class DuplicateKind(models.TextChoices):
    EXACT = "exact", "Identical text"
    NEAR = "near", "Near-identical text"


class Article(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="articles")
    guid = models.CharField(max_length=2000)
    url = models.CharField(max_length=2000, blank=True, help_text="Link to the original, tracking removed.")
    canonical_url = models.CharField(max_length=2000, blank=True)

    title = models.CharField(max_length=1000, blank=True)
    author = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    discovered_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    lead_image_url = models.CharField(max_length=2000, blank=True)
    image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The lead image, stored as thumbnails (set when lead_image_url is known).",
    )
    language = models.CharField(max_length=16, blank=True)

    # What the feed said (kept for the fallback and for update detection).
    feed_summary = models.TextField(blank=True)
    feed_content = models.TextField(blank=True)
    entry_hash = models.CharField(
        max_length=40, blank=True, help_text="Hash of the feed entry, to see updates."
    )

    # Extraction result.
    text = models.TextField(blank=True)
    content_html = models.TextField(blank=True, help_text="Sanitized article body.")
    description = models.TextField(blank=True)
    quality = models.FloatField(default=0.0)
    extraction_method = models.CharField(max_length=20, blank=True)
    raw_page_key = models.CharField(
        max_length=80, blank=True, help_text="Compressed raw page in the raw store."
    )
    page_error = models.TextField(blank=True, help_text="Why the page could not be used, in plain words.")

    # Duplicates.
    content_fingerprint = models.CharField(max_length=40, blank=True, db_index=True)
    minhash = models.BinaryField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    duplicate_kind = models.CharField(max_length=10, choices=DuplicateKind.choices, blank=True)
    duplicate_similarity = models.FloatField(null=True, blank=True)
    dedup_seq = models.BigIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Order in which articles passed the (serialised) dedupe step.",
    )

    # Stories.
    embedding = models.BinaryField(null=True, blank=True, help_text="Unit vector of title + lead, float32.")
    embedded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    story = models.ForeignKey(
        "stories.Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    story_score = models.FloatField(null=True, blank=True)
    story_reason = models.CharField(max_length=500, blank=True)
    lead_entities = models.JSONField(
        null=True, blank=True, help_text="Names in the title and lead (for related-article reasons)."
    )

    # Pipeline state.
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW, db_index=True)
    error = models.TextField(blank=True, help_text="Why the last step failed, in plain words.")
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The AI-panel backlog (articles/insights.py): reset to pending whenever the text changes.
    panel_state = models.CharField(
        max_length=10, choices=PanelState.choices, default=PanelState.PENDING, db_index=True
    )

    class Meta:
        ordering = NEWEST_FIRST
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="article_unique_source_guid"),
            # Two feeds carrying the same link give one article (the second becomes a Sighting).
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~models.Q(canonical_url=""),
                name="article_unique_canonical_url",
            ),
        ]
        indexes = [models.Index(fields=["stage", "retry_at"], name="article_stage_retry")]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def display_time(self):
        return self.published_at or self.discovered_at

    @property
    def is_done(self) -> bool:
        return self.stage == FINAL_STAGE

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of_id is not None


def dated_story_ids(story_ids: list[int]) -> set[int]:
    """Of ``story_ids``, the stories with at least one article whose publish time is known."""
    return set(
        Article.objects.filter(story_id__in=story_ids, published_at__isnull=False)
        .values_list("story_id", flat=True)
        .distinct()
    )


class Sighting(models.Model):
    """An entry of a source that maps to an article (a second feed carrying the same story)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sightings")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="sightings")
    guid = models.CharField(max_length=2000)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="sighting_unique_source_guid"),
        ]


class Insight(models.Model):
    """The AI panel of an article (summary, key facts, entities, timeline), computed once and stored.

    `text_fingerprint` is the article's content fingerprint when the panel was made: a re-extracted or
    edited article gets a new panel.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="insight")
    data = models.JSONField()
    text_fingerprint = models.CharField(max_length=40, blank=True)
    # The panel's sentence vectors (float32, one row per sentence), so a first question embeds only
    # itself; usable only with the embedder named here.
    vectors = models.BinaryField(null=True, blank=True)
    embedder_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)


class EntityMention(models.Model):
    """A named entity an article mentions, normalised and linked across its story, for entity pages.

    `slug` is the entity's stable id across articles ("nasa" for "NASA" and "National Aeronautics and
    Space Administration"; "elon-musk" for "Musk" in a story that names Elon Musk); `local_slug` is the
    slug in the article's own panel, so the panel can link to the entity page.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="entity_mentions")
    slug = models.CharField(max_length=200)
    local_slug = models.CharField(max_length=200)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20)
    count = models.PositiveIntegerField(default=1)
    sentence_indices = models.JSONField(default=list)
    published_at = models.DateTimeField(help_text="The article's time, so 'newest first' needs no join.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "local_slug"], name="mention_unique_article_local"),
        ]
        indexes = [models.Index(fields=["slug", "-published_at"], name="mention_slug_time")]

    def __str__(self) -> str:
        return f"{self.name} in article {self.article_id}"


class EntityAlias(models.Model):
    """A written form learned to name an entity known by another slug, so that an article spelling out
    "National Aeronautics and Space Administration" alone still links to `nasa`."""

    form = models.CharField(max_length=300, unique=True, help_text="Lower-case written form.")
    slug = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
