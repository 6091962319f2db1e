"""Timelines: dated events (the sentence around a resolved date), sorted by the date they name.

An article with no known publish time gives only the absolute dates it states (see
`newsdesk.pipeline.text.dates`); each event carries a ``label`` in words ("the 1980s", "the week of
23 November 2026"), so no page shows a raw value such as "2026-W48" or "198".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from newsdesk.pipeline.text.dates import TimeExpression, describe_value, period_start
from newsdesk.pipeline.text.sentences import Sentence

__all__ = ["TimelineEvent", "build_timeline", "merge_timelines"]

_RANK = {"century": -1, "decade": 0, "year": 1, "quarter": 2, "month": 3, "week": 4, "day": 5, "time": 6}


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated event: the resolved ``value`` (for sorting), ``label`` (for readers), the words that
    named it, and the sentence it cites."""

    value: str
    granularity: str
    expression: str
    sentence: str
    sentence_index: int
    article_id: str | None = None
    source: str | None = None
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _key(e: TimelineEvent) -> tuple[Any, ...]:
    return (period_start(e.value), _RANK.get(e.granularity, 9), e.article_id or "", e.sentence_index)


def build_timeline(
    sentences: Sequence[Sentence],
    times: Sequence[TimeExpression],
    *,
    article_id: str | None = None,
    source: str | None = None,
) -> list[TimelineEvent]:
    """One event per (sentence, date) sorted by date; of a day and a clock time on it, the time is kept."""
    by_index = {s.index: s for s in sentences}
    events: dict[tuple[int, str], TimelineEvent] = {}
    for t in times:
        s = by_index.get(t.sentence_index) if t.sentence_index is not None else None
        if s is None:
            continue
        day = t.value[:10]
        key = (s.index, day if t.granularity in ("day", "time") else t.value)
        old = events.get(key)
        if old is None or _RANK[t.granularity] > _RANK.get(old.granularity, 0):
            label = describe_value(t.value) or t.text
            events[key] = TimelineEvent(
                t.value, t.granularity, t.text, s.text, s.index, article_id, source, label
            )
    return sorted(events.values(), key=_key)


# Two tellings of one date whose words overlap this much (Jaccard) are one telling: a syndicated or
# reissued copy ("McCaughrean, who went into magazine publishing …" and "Children's winner
# McCaughrean, who went into magazine publishing …" in the BBC corpus), listed once.
SAME_TELLING = 0.7


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def merge_timelines(timelines: Sequence[Sequence[TimelineEvent]]) -> list[TimelineEvent]:
    """Several articles' timelines as one, sorted; each differently worded telling of a date is kept,
    the first of near-identical ones only."""
    told: dict[str, list[frozenset[str]]] = {}
    out = []
    for tl in timelines:
        for e in tl:
            words = _words(e.sentence)
            earlier = told.setdefault(e.value, [])
            if any(len(words & w) >= SAME_TELLING * len(words | w) for w in earlier):
                continue
            earlier.append(words)
            out.append(e)
    return sorted(out, key=_key)
