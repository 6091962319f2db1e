"""One reader's follows, mutes, bookmarks and read marks, kept by each process between requests.

Every list a reader sees (front page, For you, briefing, search, related articles, story pages)
passes through `ReaderState.visible` / `story_hidden`, so a muted source or keyword never appears.
Anonymous visitors get an empty state: nothing muted, nothing followed.

A reader's state is kept in this process (an LRU) under their `StateVersion`, which every change to
those rows bumps in the change's own transaction (readers/changes.py, their one write path) and which
is read afresh with the user on every request (comments/auth.py reads it with the user's row). So a
state is used only while no change committed since it was read, on any process of any machine; a
change made here passes its new state on (`keep`) so the reader's next page needs no query at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from newsdesk.articles.models import MUTE_TEXT_CHARS, Article
from newsdesk.readers.models import Bookmark, Follow, Mute, ReadMark, StateVersion
from newsdesk.runtime.lru import LRU

T = TypeVar("T")
KEPT_READERS = 5000
STATE_VERSION = "newsdesk_state_version"  # on a user read with it (comments/auth.py)


@dataclass
class ReaderState:
    user_id: int | None = None
    followed_sources: set[int] = field(default_factory=set)
    followed_entities: dict[str, str] = field(default_factory=dict)  # slug → label
    followed_topics: dict[str, str] = field(default_factory=dict)  # lower-case word → label
    muted_sources: set[int] = field(default_factory=set)
    muted_keywords: list[str] = field(default_factory=list)
    version: int | None = None  # the StateVersion it was read at (None: not kept)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def follows_anything(self) -> bool:
        return bool(self.followed_sources or self.followed_entities or self.followed_topics)

    @property
    def mutes_anything(self) -> bool:
        return bool(self.muted_sources or self.muted_keywords)

    @cached_property
    def _mute_re(self) -> re.Pattern[str] | None:
        words = [re.escape(k) for k in self.muted_keywords if k.strip()]
        return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE) if words else None

    def text_muted(self, *texts: str) -> bool:
        pattern = self._mute_re
        return pattern is not None and any(pattern.search(t or "") for t in texts)

    def muted(self, article: Article) -> bool:
        """A muted source wrote it, or a muted keyword is in its title, description or lead."""
        if article.source_id in self.muted_sources:
            return True
        # Lists that load many articles fetch only the lead (`text_lead`), not 10,000-word texts.
        lead = getattr(article, "text_lead", None)
        if lead is None:
            lead = article.text[:MUTE_TEXT_CHARS]
        return self.text_muted(article.title, article.description, lead)

    @property
    def keep(self) -> Callable[[Article], bool] | None:
        """What search and related articles take to leave muted articles out before they choose
        (None: this reader mutes nothing)."""
        return (lambda a: not self.muted(a)) if self.mutes_anything else None

    def visible(self, articles: Iterable[T], key=lambda a: a) -> list[T]:
        """The items whose article (``key(item)``) is not muted, in their order."""
        if not self.muted_sources and self._mute_re is None:
            return list(articles)
        return [x for x in articles if not self.muted(key(x))]

    def exclude_muted(self, qs: QuerySet[Article]) -> QuerySet[Article]:
        """The database's share of muting, for paginated lists (title and description words)."""
        if self.muted_sources:
            qs = qs.exclude(source_id__in=self.muted_sources)
        for word in self.muted_keywords:
            qs = qs.exclude(Q(title__icontains=word) | Q(description__icontains=word))
        return qs

    def story_hidden(self, headline: str, members: Sequence[Article]) -> bool:
        """A story is hidden when its headline has a muted word or every article in it is muted."""
        if self.text_muted(headline):
            return True
        return bool(members) and all(self.muted(a) for a in members)

    @cached_property
    def bookmarked(self) -> set[int]:
        if self.user_id is None:
            return set()
        return set(Bookmark.objects.filter(user_id=self.user_id).values_list("article_id", flat=True))

    @cached_property
    def read(self) -> set[int]:
        if self.user_id is None:
            return set()
        return set(ReadMark.objects.filter(user_id=self.user_id).values_list("article_id", flat=True))

    def follows(self, kind: str, key: str) -> bool:
        if kind == Follow.Kind.SOURCE:
            return key.isdigit() and int(key) in self.followed_sources
        if kind == Follow.Kind.ENTITY:
            return key in self.followed_entities
        return key.lower() in self.followed_topics

    def mutes(self, kind: str, key: str) -> bool:
        if kind == Mute.Kind.SOURCE:
            return key.isdigit() and int(key) in self.muted_sources
        return key.lower() in {k.lower() for k in self.muted_keywords}

    def successor(
        self,
        version: int,
        *,
        read: tuple[set[int], set[int]] = (set(), set()),
        saved: tuple[set[int], set[int]] = (set(), set()),
    ) -> ReaderState:
        """This state at `version`, after (added, removed) read marks and bookmarks; the lists not
        loaded yet are left to load at the new version."""
        new = ReaderState(
            user_id=self.user_id,
            followed_sources=self.followed_sources,
            followed_entities=self.followed_entities,
            followed_topics=self.followed_topics,
            muted_sources=self.muted_sources,
            muted_keywords=self.muted_keywords,
            version=version,
        )
        for name, (added, removed) in (("read", read), ("bookmarked", saved)):
            if name in self.__dict__:
                new.__dict__[name] = (self.__dict__[name] | added) - removed
        return new


class KeptStates:
    """Readers' states in this process, newest use last (never changed once kept: a change keeps a
    new one)."""

    def __init__(self) -> None:
        self._states: LRU[int, ReaderState] = LRU(KEPT_READERS)

    def get(self, user_id: int) -> ReaderState | None:
        return self._states.get(user_id)

    def keep(self, state: ReaderState) -> None:
        assert state.user_id is not None and state.version is not None
        version = state.version
        # A newer one may have come first (another thread): it stays.
        self._states.put(state.user_id, state, unless=lambda held: (held.version or 0) > version)

    def forget(self, user_id: int) -> None:
        self._states.pop(user_id)

    def clear(self) -> None:
        self._states.clear()


KEPT = KeptStates()


def version_of(user: object) -> int:
    """The reader's StateVersion now: from the user's own query when it joined it (comments/auth.py),
    else read here."""
    known = getattr(user, STATE_VERSION, None)
    if known is not None:
        return known
    found = StateVersion.objects.filter(user_id=user.pk).values_list("version", flat=True).first()  # type: ignore[attr-defined]
    return found or 0


def load_state(user_id: int | None) -> ReaderState:
    state = ReaderState(user_id=user_id)
    if user_id is None:
        return state
    for kind, key, label in Follow.objects.filter(user_id=user_id).values_list("kind", "key", "label"):
        if kind == Follow.Kind.SOURCE and key.isdigit():
            state.followed_sources.add(int(key))
        elif kind == Follow.Kind.ENTITY:
            state.followed_entities[key] = label or key
        elif kind == Follow.Kind.TOPIC:
            state.followed_topics[key.lower()] = label or key
    for kind, key in Mute.objects.filter(user_id=user_id).values_list("kind", "key"):
        if kind == Mute.Kind.SOURCE and key.isdigit():
            state.muted_sources.add(int(key))
        elif kind == Mute.Kind.KEYWORD:
            state.muted_keywords.append(key)
    return state


def changed_in_request(request: HttpRequest) -> None:
    """The reader's state changed in this request: what the rest of it shows is read again."""
    request.__dict__.pop("_reader_state", None)


def show_state(request: HttpRequest, state: ReaderState) -> None:
    """The reader's state changed before the change is written (readers/opened.py): this request and
    this process's next ones use `state`, kept at the version it came from."""
    KEPT.keep(state)
    request._reader_state = state  # type: ignore[attr-defined]


def reader_state(request: HttpRequest) -> ReaderState:
    """The state of the request's reader: kept on the request, and in this process while current."""
    cached = getattr(request, "_reader_state", None)
    if cached is None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            cached = ReaderState()
        else:
            version = version_of(user)  # before the rows: a state is never older than its version
            cached = KEPT.get(user.pk)
            # One kept at a later version (a change this process made since this request read the
            # user, perhaps in this very request) is newer still, and as good.
            if cached is None or (cached.version or 0) < version:
                cached = load_state(user.pk)
                cached.version = version
                KEPT.keep(cached)
        request._reader_state = cached  # type: ignore[attr-defined]
    return cached
