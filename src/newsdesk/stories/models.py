"""Stories: every outlet's article about the same event, grouped."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from newsdesk.articles.models import dated_story_ids
from newsdesk.pipeline.stories import OPINION_TITLE

if TYPE_CHECKING:
    from newsdesk.articles.models import Article


class Story(models.Model):
    headline = models.CharField(max_length=1000, blank=True)
    first_seen = models.DateTimeField(default=timezone.now, db_index=True)
    last_updated = models.DateTimeField(default=timezone.now, db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0, db_index=True)
    importance = models.FloatField(default=0.0, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a member joined or left (stories/assign.refresh_story): the story panel is re-made after it.
    members_changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when the periodic pass folded this story into another: the row stays (empty) so that links
    # to it keep working and redirect to the surviving story.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )
    # The earlier story this one carries on: its next report matched it, but a story spans at most
    # the clusterer's window (30 days), so the development became a story of its own.
    continues = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="continued_by"
    )

    class Meta:
        ordering = ["-importance", "-last_updated"]
        verbose_name_plural = "stories"

    @cached_property
    def dated(self) -> bool:
        """Whether any member has a known publish time. A story of undated articles (an archive without
        dates) has no age: its first_seen/last_updated are only when its articles were found, so it
        gets no freshness in any ranking. Rankings set it for many stories at once (`with_dates`)."""
        return bool(dated_story_ids([self.pk]))

    def lead_among(self, articles: Iterable[Article]) -> Article | None:
        """The report a card shows under the headline: the one whose title the headline is (so the
        outlet and the opening lines beside it are that report's, not another outlet's), else the
        first of `articles` (callers pass them oldest first) that is no opinion piece, as a headline is."""
        first = opinion = None
        for article in articles:
            if article.title == self.headline:
                return article
            if OPINION_TITLE.match(article.title):
                opinion = opinion or article
            else:
                first = first or article
        return first or opinion


def with_dates(stories: list[Story]) -> list[Story]:
    """``stories`` with `Story.dated` filled in by one query instead of one per story."""
    todo = [s for s in stories if "dated" not in s.__dict__]
    if todo:
        dated = dated_story_ids([s.pk for s in todo])
        for s in todo:
            s.__dict__["dated"] = s.pk in dated  # the cached_property's own slot
    return stories


class StoryInsight(models.Model):
    """The story panel (summary across outlets, what each adds, disagreements, timeline), stored.

    `members_fingerprint` hashes the member articles and their texts: a story that grows, loses an
    article or has one edited gets a new panel. `passages` and `vectors` are every member sentence and
    its unit vector (float32), kept for answering questions without re-embedding them.
    """

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="insight")
    members_fingerprint = models.CharField(max_length=40)
    data = models.JSONField()
    passages = models.JSONField(default=list)
    vectors = models.BinaryField(null=True, blank=True)
    embedder_name = models.CharField(max_length=100, blank=True)
    # The optional LLM's rewrite of the summary (or why there is none), with its latency and tokens.
    llm = models.JSONField(null=True, blank=True)
    llm_answers = models.JSONField(default=dict, help_text="LLM-rewritten answers, by question.")
    created_at = models.DateTimeField(default=timezone.now)
