"""Every change to a reader's own rows: follows, mutes, bookmarks, read marks, saved searches.

The site's pages, the JSON API, Google Reader and Fever all write through here, so a key is
normalised the same way and a cap holds whichever way a reader adds things, and every change bumps
the reader's `StateVersion` in its own transaction (what web processes keep their state under). A
refused change raises `Refused` with its reason in words; each face turns that into its own answer
(400, 409/422, …).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F

from newsdesk.articles.models import Article
from newsdesk.readers.models import Bookmark, Follow, Mute, Profile, ReadMark, SavedSearch, StateVersion
from newsdesk.readers.state import KEPT, ReaderState
from newsdesk.sources.models import Source

MAX_FOLLOWS = 500
MAX_MUTES = 500  # each mute is checked against every article the reader is shown
MAX_SAVED_SEARCHES = 100  # each is a search run whenever its feed is polled
SLUG_RE = re.compile(r"^[\w-]{1,200}$")
# ASCII digits only ("²".isdigit() is true, and int() refuses it), and few enough for a row id.
SOURCE_ID_RE = re.compile(r"[0-9]{1,18}")
TOPIC_MAX = 60
KEYWORD_MAX = 100
LABEL_MAX = 300
KEY_RULES = {
    "source": "a source is named by its id",
    "entity": "an entity is named by its slug, as in the address of its page",
    "topic": f"a topic is 1–{TOPIC_MAX} characters",
    "keyword": f"a keyword is 1–{KEYWORD_MAX} characters",
}


class Refused(Exception):
    """A change the rules refuse. `code`: invalid_key, no_source, limit or exists."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


# --- the reader's state version -------------------------------------------------------------------

R = TypeVar("R")


def _bump(user_id: int, learn: Callable[[ReaderState, int], ReaderState] | None = None) -> None:
    """The reader's state changed (call it in the change's transaction): bump their StateVersion, so
    no process uses a state read before. With `learn` (how the change alters a state) and this
    process's state at the version just before, the new state is kept here once the change commits."""
    held = KEPT.get(user_id)
    # Compare-and-set: only when nothing else changed since `held` was read is it, with this change,
    # the whole new state.
    if (
        learn is not None
        and held is not None
        and held.version
        and StateVersion.objects.filter(user_id=user_id, version=held.version).update(
            version=held.version + 1
        )
    ):
        new = learn(held, held.version + 1)
        transaction.on_commit(lambda: KEPT.keep(new))
        return
    KEPT.forget(user_id)  # this process's next look reads the state again (with this change)
    transaction.on_commit(lambda: KEPT.forget(user_id))
    if StateVersion.objects.filter(user_id=user_id).update(version=F("version") + 1):
        return
    _, created = StateVersion.objects.get_or_create(user_id=user_id, defaults={"version": 1})
    if not created:  # made by a parallel change a moment ago: this change needs its own number
        StateVersion.objects.filter(user_id=user_id).update(version=F("version") + 1)


def _changes_state(fn: Callable[..., R]) -> Callable[..., R]:
    """A write to the reader's state rows: it and its bump in one transaction."""

    @wraps(fn)
    def wrapper(user: Any, *args: Any, **kwargs: Any) -> R:
        with transaction.atomic():
            result = fn(user, *args, **kwargs)
            _bump(user.pk)
            return result

    return wrapper


# --- keys -------------------------------------------------------------------------------------------


def follow_key(kind: str, raw: str) -> str | None:
    """The stored form of a follow or mute key, or None when it names nothing one can follow or
    mute: a source id that exists, an entity slug (lower case, as the pipeline makes them), a topic
    or keyword in lower case. Spaces are collapsed in all of them."""
    key = " ".join(raw.split())
    if kind == "source":
        return key if SOURCE_ID_RE.fullmatch(key) and Source.objects.filter(pk=int(key)).exists() else None
    key = key.lower()  # before the length is checked: lower case can be longer ("İ" is two characters)
    if kind == "entity":
        return key if SLUG_RE.match(key) else None
    limit = TOPIC_MAX if kind == "topic" else KEYWORD_MAX
    return key if 0 < len(key) <= limit else None


def follow_label(raw: str, key: str) -> str:
    """The label stored with a follow: the one given, spaces collapsed, or else the key."""
    return " ".join(raw.split())[:LABEL_MAX] or key[:LABEL_MAX]


def not_followable(kind: str, noun: str) -> str:
    """Why `follow_key` refused a key, in words (`noun`: follow or mute)."""
    return f"That is not {'an' if kind[:1] in 'aeiou' else 'a'} {kind} one can {noun} ({KEY_RULES[kind]})."


def stored_key(kind: str, raw: str, noun: str) -> str:
    """`follow_key`, or `Refused`: no_source for a well-formed id no source has, else invalid_key."""
    key = follow_key(kind, raw)
    if key is not None:
        return key
    bare = " ".join(raw.split())
    if kind == "source" and SOURCE_ID_RE.fullmatch(bare):
        raise Refused("no_source", f"there is no source with id {bare}", kind=kind, key=bare)
    raise Refused("invalid_key", not_followable(kind, noun), kind=kind, key=raw)


def _room_for_one(model: type[Follow] | type[Mute] | type[SavedSearch], user: Any, limit: int) -> None:
    if model.objects.filter(user=user).count() >= limit:
        what = {Follow: ("follow", "unfollow"), Mute: ("mute", "unmute")}.get(model)
        message = (
            f"You {what[0]} {limit} things already; {what[1]} some first."
            if what
            else f"You have {limit} saved searches already; delete some first."
        )
        raise Refused("limit", message, limit=limit)


# --- follows and mutes ----------------------------------------------------------------------------


@_changes_state
def follow(user: Any, kind: str, raw_key: str, label: str = "") -> tuple[Follow, bool]:
    """Follow (kind, key); (row, created). An existing follow is returned as it is."""
    key = stored_key(kind, raw_key, "follow")
    found = Follow.objects.filter(user=user, kind=kind, key=key).first()
    if found is not None:
        return found, False
    _room_for_one(Follow, user, MAX_FOLLOWS)
    return _create(Follow, user=user, kind=kind, key=key, label=follow_label(label, key))


@_changes_state
def unfollow(user: Any, kind: str, raw_key: str) -> int:
    key = stored_key(kind, raw_key, "follow")
    return Follow.objects.filter(user=user, kind=kind, key=key).delete()[0]


@_changes_state
def mute(user: Any, kind: str, raw_key: str) -> tuple[Mute, bool]:
    """Mute (kind, key); (row, created). An existing mute is returned as it is."""
    key = stored_key(kind, raw_key, "mute")
    found = Mute.objects.filter(user=user, kind=kind, key=key).first()
    if found is not None:
        return found, False
    _room_for_one(Mute, user, MAX_MUTES)
    return _create(Mute, user=user, kind=kind, key=key)


@_changes_state
def unmute(user: Any, kind: str, raw_key: str) -> int:
    key = stored_key(kind, raw_key, "mute")
    return Mute.objects.filter(user=user, kind=kind, key=key).delete()[0]


@_changes_state
def delete_follow(user: Any, follow_id: int) -> bool:
    return Follow.objects.filter(pk=follow_id, user=user).delete()[0] > 0


@_changes_state
def delete_mute(user: Any, mute_id: int) -> bool:
    return Mute.objects.filter(pk=mute_id, user=user).delete()[0] > 0


def _create(model: type[Follow] | type[Mute], **fields: Any) -> tuple[Any, bool]:
    """Create the row; a parallel request that created it first wins and its row is returned."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields), True
    except IntegrityError:
        lookup = {k: fields[k] for k in ("user", "kind", "key")}
        return model.objects.get(**lookup), False


def room_to_follow(user: Any, source: Source | None = None) -> None:
    """`Refused` (limit) when following `source` (or anything new) would pass the cap."""
    if (
        source is not None
        and Follow.objects.filter(user=user, kind=Follow.Kind.SOURCE, key=str(source.pk)).exists()
    ):
        return
    _room_for_one(Follow, user, MAX_FOLLOWS)


@_changes_state
def follow_source(user: Any, source: Source, title: str = "") -> Follow:
    """Subscribe to a source (a reader app's subscription); a new `title` renames the follow."""
    row = Follow.objects.filter(user=user, kind=Follow.Kind.SOURCE, key=str(source.pk)).first()
    if row is None:
        _room_for_one(Follow, user, MAX_FOLLOWS)
        row, _ = _create(
            Follow,
            user=user,
            kind=Follow.Kind.SOURCE,
            key=str(source.pk),
            label=follow_label(title, source.display_name),
        )
    elif title and row.label != follow_label(title, row.key):
        row.label = follow_label(title, row.key)
        row.save(update_fields=["label"])
    return row


@_changes_state
def unfollow_source(user: Any, source_id: int) -> int:
    return Follow.objects.filter(user=user, kind=Follow.Kind.SOURCE, key=str(source_id)).delete()[0]


# --- bookmarks and read marks ---------------------------------------------------------------------


def _existing(article_ids: Iterable[int]) -> set[int]:
    """Only ids of articles that exist: an app may send ids of articles deleted since."""
    return set(Article.objects.filter(pk__in=set(article_ids)).values_list("pk", flat=True))


def _marks_learnt(model: type[ReadMark] | type[Bookmark], added: set[int], removed: set[int]):
    def learn(state: ReaderState, version: int) -> ReaderState:
        change = (added, removed)
        return state.successor(version, **({"read": change} if model is ReadMark else {"saved": change}))

    return learn


def _add_marks(
    model: type[ReadMark] | type[Bookmark], user: AbstractBaseUser, article_ids: Iterable[int]
) -> int:
    """One row of `model` per existing article the reader has none for; how many were added."""
    ids = _existing(article_ids)
    have = set(model.objects.filter(user=user, article_id__in=ids).values_list("article_id", flat=True))
    new = ids - have
    if not new:  # nothing changes: no write, and the state stays current
        return 0
    with transaction.atomic():
        rows = [model(user=user, article_id=pk) for pk in sorted(new)]
        model.objects.bulk_create(rows, ignore_conflicts=True)
        _bump(user.pk, _marks_learnt(model, new, set()))
    return len(new)


def _remove_marks(
    model: type[ReadMark] | type[Bookmark], user: AbstractBaseUser, article_ids: Iterable[int]
) -> int:
    ids = set(article_ids)
    with transaction.atomic():
        removed = model.objects.filter(user=user, article_id__in=ids).delete()[0]
        if removed:
            _bump(user.pk, _marks_learnt(model, set(), ids))
    return removed


def mark_read(user: AbstractBaseUser, article_ids: Iterable[int]) -> int:
    """Mark the articles read; how many were not read before."""
    return _add_marks(ReadMark, user, article_ids)


def mark_read_by(opened: dict[int, set[int]]) -> int:
    """Mark read, for each reader id, the articles they opened (readers/opened.py's batch): one
    transaction, a few queries for the whole batch and one state bump per reader with a new mark;
    readers and articles deleted since are skipped. How many marks were new."""
    User = get_user_model()
    with transaction.atomic():
        readers = set(User.objects.filter(pk__in=opened).values_list("pk", flat=True))
        articles = _existing(a for u, ids in opened.items() if u in readers for a in ids)
        wanted = {(u, a) for u in readers for a in opened[u] & articles}
        have = set(
            ReadMark.objects.filter(user_id__in=readers, article_id__in=articles).values_list(
                "user_id", "article_id"
            )
        )
        new = sorted(wanted - have)
        rows = [ReadMark(user_id=u, article_id=a) for u, a in new]
        ReadMark.objects.bulk_create(rows, ignore_conflicts=True)
        by_reader: dict[int, set[int]] = {}
        for u, a in new:
            by_reader.setdefault(u, set()).add(a)
        for u, added in by_reader.items():
            _bump(u, _marks_learnt(ReadMark, added, set()))
    return len(new)


def mark_unread(user: AbstractBaseUser, article_ids: Iterable[int]) -> int:
    return _remove_marks(ReadMark, user, article_ids)


def bookmark(user: AbstractBaseUser, article_ids: Iterable[int]) -> int:
    """Save the articles for later (starred in reader apps); how many were not saved before."""
    return _add_marks(Bookmark, user, article_ids)


def unbookmark(user: AbstractBaseUser, article_ids: Iterable[int]) -> int:
    return _remove_marks(Bookmark, user, article_ids)


# --- saved searches and settings ------------------------------------------------------------------


def save_search(user: Any, **fields: Any) -> SavedSearch:
    _room_for_one(SavedSearch, user, MAX_SAVED_SEARCHES)
    return SavedSearch.objects.create(user=user, **fields)


def delete_search(user: AbstractBaseUser, search_id: int) -> bool:
    """Delete one of the reader's saved searches (its feed stops); False when they have no such one."""
    return SavedSearch.objects.filter(user=user, pk=search_id).delete()[0] > 0


def profile_of(user: AbstractBaseUser) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile
