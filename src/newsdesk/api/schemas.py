"""What the API reads and writes (pydantic, via ninja); every input has a type, a length and a range."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

MAX_ID = 2**63 - 1


# Control characters (C0, DEL, C1) break PostgreSQL text (NUL) and never belong in a name or a query;
# a required text needs one character that is neither control nor space. Written as patterns, so the
# OpenAPI schema says exactly what the server accepts (Python, Rust and ECMA regex read them alike).
_CONTROL = r"\x00-\x1f\x7f-\x9f"
_SPACE = r"\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
PRINTABLE = rf"^[^{_CONTROL}]*$"
PRINTABLE_NOT_BLANK = rf"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"
# Several lines (a comment): tab, newline and carriage return allowed too.
_CONTROL_BUT_LINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
LINES_NOT_BLANK = rf"^[^{_CONTROL_BUT_LINES}]*[^{_CONTROL}{_SPACE}][^{_CONTROL_BUT_LINES}]*$"


def Text(max_length: int, min_length: int = 0, *, lines: bool = False) -> type[str]:
    pattern = LINES_NOT_BLANK if lines else PRINTABLE_NOT_BLANK if min_length else PRINTABLE
    return Annotated[  # type: ignore[return-value]
        str, StringConstraints(min_length=min_length, max_length=max_length, pattern=pattern)
    ]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- sources -------------------------------------------------------------------------------------


class SourceOut(Schema):
    id: int
    kind: str
    url: str
    title: str
    name: str
    site_url: str
    description: str
    language: str
    category: str
    active: bool
    health: str
    created_at: datetime
    last_fetch_at: datetime | None
    next_fetch_at: datetime | None
    last_error: str


class SourcePage(Schema):
    items: list[SourceOut]
    next_cursor: str | None


class SourceIn(Schema):
    url: Text(2000, 1)  # type: ignore[valid-type]
    category: Text(300) = ""  # type: ignore[valid-type]


class SourcePatch(Schema):
    title: Text(500) | None = None  # type: ignore[valid-type]
    category: Text(300) | None = None  # type: ignore[valid-type]
    active: bool | None = None


class AdditionOut(Schema):
    id: int
    url: str
    category: str
    status: str  # pending, added, exists, failed (previewed: a staff preview from the site)
    how: str  # feed, discovered, article ("" until done)
    source: SourceOut | None
    error: str
    created_at: datetime
    finished_at: datetime | None
    status_url: str


class AttemptOut(Schema):
    started_at: datetime
    duration_ms: int
    ok: bool
    status: int | None
    error_kind: str
    message: str
    new_entries: int
    updated_entries: int


class HealthOut(Schema):
    id: int
    health: str
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    next_fetch_at: datetime | None
    consecutive_failures: int
    last_status: int | None
    last_error_kind: str
    last_error: str
    last_warning: str
    refresh_interval_s: int
    attempts: list[AttemptOut]


class QueuedOut(Schema):
    queued: bool
    source_id: int


# --- articles, stories, entities ------------------------------------------------------------------


class ArticleOut(Schema):
    id: int
    title: str
    url: str
    author: str
    source_id: int
    source_name: str
    published_at: datetime | None
    discovered_at: datetime
    language: str
    description: str
    story_id: int | None
    page_url: str


class ArticlePage(Schema):
    items: list[ArticleOut]
    next_cursor: str | None


class CitedOut(Schema):
    text: str
    sentence_index: int
    article_id: int | None = None
    source: str | None = None


class EventOut(Schema):
    value: str
    granularity: str
    expression: str
    sentence: str
    sentence_index: int
    article_id: int | None = None
    source: str | None = None


class EntityOut(Schema):
    slug: str
    name: str
    kind: str
    articles: int


class EntityPage(Schema):
    items: list[EntityOut]


class ArticleDetail(ArticleOut):
    text: str
    content_html: str
    duplicate_of_id: int | None
    summary: list[CitedOut]
    key_facts: list[str]
    entities: list[EntityOut]
    timeline: list[EventOut]


class StoryOut(Schema):
    id: int
    headline: str
    first_seen: datetime
    last_updated: datetime
    article_count: int
    source_count: int
    importance: float
    page_url: str
    continues: int | None = Field(
        None, description="The earlier story this one carries on (a story spans 30 days at most)."
    )


class StoryPage(Schema):
    items: list[StoryOut]
    next_cursor: str | None


class CoverageOut(Schema):
    period: str
    articles: int


class StoryDetail(StoryOut):
    members: list[ArticleOut]
    summary: list[CitedOut]
    timeline: list[EventOut]
    coverage: list[CoverageOut]
    entities: list[EntityOut]


class HitOut(Schema):
    article: ArticleOut
    score: float
    snippet_html: str
    matched_by: list[str]


class SearchOut(Schema):
    query: str
    items: list[HitOut]


class BriefingOut(Schema):
    generated_at: datetime
    stories: list[StoryOut]


# --- the reader's own state --------------------------------------------------------------------------


class MeOut(Schema):
    id: int
    username: str
    is_staff: bool


class FollowIn(Schema):
    kind: Literal["source", "entity", "topic"]
    key: Text(300, 1) = Field(  # type: ignore[valid-type]
        description="A source's id, an entity's slug (as in /entity/<slug>/) or a topic of 1–60 characters;"
        " stored as the site stores it: spaces collapsed, lower case."
    )
    label: Text(300) = Field("", description="What to call it (the key when empty).")  # type: ignore[valid-type]


class FollowOut(Schema):
    id: int
    kind: str
    key: str
    label: str
    created_at: datetime


class MuteIn(Schema):
    kind: Literal["source", "keyword"]
    key: Text(300, 1) = Field(  # type: ignore[valid-type]
        description="A source's id or a keyword of 1–100 characters;"
        " stored as the site stores it: spaces collapsed, lower case."
    )


class MuteOut(Schema):
    id: int
    kind: str
    key: str
    created_at: datetime


class BookmarkIn(Schema):
    article_id: Id


class BookmarkOut(Schema):
    id: int
    article: ArticleOut
    created_at: datetime


class BookmarkPage(Schema):
    items: list[BookmarkOut]
    next_cursor: str | None


class ReadIn(Schema):
    article_ids: list[Id] = Field(min_length=1, max_length=500)


class ReadCountOut(Schema):
    changed: int


class ReadOut(Schema):
    article_id: int
    read_at: datetime


class ReadPage(Schema):
    items: list[ReadOut]
    next_cursor: str | None


class FeedLinks(Schema):
    atom: str
    rss: str
    json_feed: str


class SavedSearchIn(Schema):
    name: Text(200, 1)  # type: ignore[valid-type]
    query: Text(500, 1)  # type: ignore[valid-type]
    source_id: Id | None = None
    language: Text(16) = ""  # type: ignore[valid-type]


class SavedSearchOut(Schema):
    id: int
    name: str
    query: str
    source_id: int | None
    language: str
    created_at: datetime
    feeds: FeedLinks


class TokenIn(Schema):
    name: Text(100, 1)  # type: ignore[valid-type]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once: only its SHA-256 is kept.")
