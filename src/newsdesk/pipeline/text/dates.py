"""Dates and times in article text, resolved against the article's publish time.

An article whose publish time is unknown has no anchor (``published=None``): only absolute expressions
("9 December 2004", "March 2005", "the 1980s") are kept, never "Thursday" or "next month" resolved
against some other day such as the import time.

dateparser's ``search_dates`` misses weekday names and clock times and is slow, so this module has its
own pass: one compiled regular expression finds candidate expressions, then plain calendar arithmetic
resolves each against the publish time (the "document creation time"). Ambiguous expressions ("Tuesday",
"December 9", "August") are resolved by the tense of their sentence: a future marker ("will", "due",
"next", …) picks the next occurrence, past tense the previous one, otherwise the publish year is kept.

Values are ISO 8601 / TimeML style: '2027' (year), '2025-08' (month), '2025-12-09' (day),
'2025-W15' (week), '2025-Q3' (quarter), '199' (decade, the 1990s), '18' (century, the 19th),
'2025-04-08T05:47Z' (time in UTC when the text names a time zone, local time without the 'Z' otherwise).
These values are for sorting and machines; `describe_value` gives the words a reader sees.
One module of ~580 lines: the expression pattern, the resolver and `describe_value` share one value
format, and splitting them would spread that format over three files.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

__all__ = [
    "Granularity",
    "TimeExpression",
    "describe_value",
    "find_time_expressions",
    "parse_time_expression",
    "period_start",
]

Granularity = Literal["century", "decade", "year", "quarter", "month", "week", "day", "time"]


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """One date/time expression: its text and character span in the article, and its resolved value."""

    text: str
    start: int
    end: int
    value: str
    granularity: Granularity
    sentence_index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_TZ_OFFSETS = {
    "gmt": 0, "utc": 0, "z": 0, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "msk": 3,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "jst": 9,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_QUARTERS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
}
_ORDINAL_WORDS = {
    "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
    "twenty first": 21,
}  # fmt: skip

# Months and weekdays only in Title case or capitals: "may" and "march" are common verbs.
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY)"  # noqa: E501
_DAYNUM = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?![\d%])"
_TZ = r"(?:GMT|UTC|BST|CEST|CET|EEST|EET|MSK|EST|EDT|CST|CDT|MST|MDT|PST|PDT|JST|Z)"
_AMPM = r"(?:[ap]\.m\.|[ap]m\b|[AP]M\b)"
_MOD = r"(?:(?:early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)[\s-]+)?"
_UNIT_AFTER_YEAR = (
    r"(?!\s+(?:people|persons|men|women|children|troops|soldiers|workers|jobs|tonnes|tons|km|miles|"
    r"metres|meters|feet|cars|units|shares|votes|times|years|days|hours|points|barrels|homes|houses|"
    r"employees|students|members|patients|cases|deaths|dollars|euros|pounds|[a-z]+s\b))"
)

# Every expression starts at a word boundary: testing that first skips the inside of words at once,
# instead of trying each alternative at every character (a third of the time of the whole pass).
_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(
        [
            # 2025-12-09, 2025-12-09T10:47, 2025-12-09 10:47:00Z
            r"(?P<iso>\b(?P<iso_y>\d{4})-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)"
            r"(?:[T ](?P<iso_h>[0-2]\d):(?P<iso_mi>[0-5]\d)(?::\d\d(?:\.\d+)?)?"
            r"(?P<iso_tz>Z|[+-]\d\d:?\d\d)?)?)(?!\d)",
            # (Tuesday,) 9 December (2025)
            rf"(?P<dmy>(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<dmy_d>{_DAYNUM})(?:\s+of)?\s+(?P<dmy_m>{_MONTH})"
            rf"(?:\s*,?\s*(?P<dmy_y>{_YEAR}))?)",
            # (Tuesday,) December 9(th) (, 2025)
            rf"(?P<mdy>(?:{_WEEKDAY},?\s+)?(?P<mdy_m>{_MONTH})\s+(?P<mdy_d>{_DAYNUM})"
            rf"(?:\s*,?\s*(?P<mdy_y>{_YEAR}))?)",
            # (early) December (of) 2025
            rf"(?P<my>{_MOD}(?P<my_m>{_MONTH})\s*,?\s+(?:of\s+)?(?P<my_y>{_YEAR}))",
            # January this year, December last year
            rf"(?P<mry>(?P<mry_m>{_MONTH})\s+(?:of\s+)?(?P<mry_r>this|last|next)\s+year)",
            # last August, (early) December
            rf"(?P<mon>(?:(?P<mon_r>last|next|this|coming)\s+)?{_MOD}(?P<mon_m>{_MONTH})(?![\w-]))",
            # 10:47am (05:47 GMT), 0800 UTC, 16:00 UTC, 10am
            rf"(?P<clock>(?:(?P<c_h>[0-2]?\d)(?::|\.(?=\d\d\s*{_AMPM}))(?P<c_mi>[0-5]\d)\s*(?P<c_ap>{_AMPM})?"
            rf"|(?P<c_h2>1[0-2]|0?[1-9])\s*(?P<c_ap2>{_AMPM})"
            rf"|(?P<c_hm>[0-2]\d[0-5]\d)(?=\s*(?:{_TZ}|hrs|hours\s+{_TZ}))(?:\s*hrs)?)"
            rf"(?:\s*(?P<c_tz>{_TZ})\b)?(?:\s+local\s+time)?"
            rf"(?:\s*\(\s*(?P<p_h>[0-2]?\d)(?::|\.)?(?P<p_mi>[0-5]\d)?\s*(?P<p_ap>{_AMPM})?\s*(?P<p_tz>{_TZ})\s*\))?)",
            # (last|next|this) Tuesday (morning)
            rf"(?P<wd>(?:(?P<wd_r>last|next|this|coming)\s+)?(?P<wd_d>{_WEEKDAY})(?!\w)"
            r"(?:\s+(?:morning|afternoon|evening|night))?)",
            r"(?P<rel>(?i:today|tonight|yesterday|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening)))\b",
            r"(?P<per>(?i:(?P<per_r>last|next|this|coming|current)\s+(?P<per_u>week|month|year))\b)",
            r"(?P<ago>(?i:(?P<ago_n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
            r"\s+(?P<ago_u>day|week|month|year)s?\s+ago))\b",
            rf"(?P<qtr>(?i:(?:the\s+)?(?P<qtr_n>first|second|third|fourth|1st|2nd|3rd|4th|final)[\s-]+quarter)"
            rf"(?:\s+of\s+(?:(?P<qtr_y>{_YEAR})|(?P<qtr_r>this|last|next)\s+year))?)(?!\w)",
            r"(?P<dec>(?:the\s+)?(?P<dec_y>1[5-9]\d|20\d)0s)\b",
            # the 19th century, the early twentieth century
            rf"(?P<cent>(?:the\s+)?{_MOD}(?:the\s+)?(?P<cent_n>(?:1[1-9]|2[01])(?:st|nd|rd|th)|(?i:eleventh|twelfth|"
            r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
            r"twenty[\s-]first))[\s-]+(?i:century))\b",
            rf"(?P<yr>{_MOD}(?<![\d$£€.,#/])(?<!\d-)(?P<yr_y>{_YEAR})(?![.,]\d|-\d|\w){_UNIT_AFTER_YEAR})",
        ]
    )
    + ")"
)

_FUTURE = re.compile(
    r"\b(?:will|won't|shall|going\s+to|is\s+to|are\s+to|due\s+to|scheduled|set\s+to|next|upcoming|"
    r"later\s+this|from\s+now)\b|'ll\b",
    re.IGNORECASE,
)
_PAST = re.compile(r"\b(?:was|were|had|did|ago|last|earlier|said|announced|reported|told)\b", re.IGNORECASE)
# A date on the "wrong" side of the publish time for its sentence's tense counts this much farther away.
_TENSE_PENALTY = 3
_SENTENCE_BREAK = re.compile(r"[.!?]\s|\n")


def _weekday_value(weekday: int, dct: date, direction: int) -> date:
    """The weekday nearest ``dct`` in ``direction``: -1 on or before, +1 strictly after, 0 same week."""
    if direction < 0:
        return dct - timedelta(days=(dct.weekday() - weekday) % 7)
    if direction > 0:
        return dct + timedelta(days=((weekday - dct.weekday()) % 7) or 7)
    return dct + timedelta(days=weekday - dct.weekday())


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _month_number(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _tense(sentence: str) -> int:
    """+1 when the sentence speaks of the future, -1 of the past, 0 when it cannot be told."""
    if _FUTURE.search(sentence):
        return 1
    if _PAST.search(sentence):
        return -1
    return 0


def _year_for(month: int, day: int | None, dct: date, tense: int) -> int:
    """Year of a month (and day) given without one: the nearest occurrence to the publish date, where
    one on the side the sentence's tense contradicts counts `_TENSE_PENALTY` times farther away."""
    best: tuple[float, int] | None = None
    for year in (dct.year - 1, dct.year, dct.year + 1):
        d = _safe_date(year, month, day or 15) or date(year, month, 28)
        days = (d - dct).days
        if day is None and d.month == dct.month:
            days = 0  # a bare month names the current one
        cost = abs(days) * (_TENSE_PENALTY if (days > 0 and tense < 0) or (days < 0 and tense > 0) else 1)
        if best is None or cost < best[0]:
            best = (cost, year)
    return best[1] if best else dct.year


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _clock(h: int, mi: int, ap: str | None) -> tuple[int, int] | None:
    if ap:
        if not 1 <= h <= 12:
            return None
        pm = ap.lower().startswith("p")
        h = (h % 12) + (12 if pm else 0)
    if h > 23 or mi > 59:
        return None
    return h, mi


def _needs_anchor(m: re.Match[str]) -> bool:
    """Whether the expression means nothing without the publish time ("Thursday", "next month", "9pm")."""
    kind = m.lastgroup
    if kind in ("iso", "my", "dec", "cent", "yr"):
        return False
    if kind in ("dmy", "mdy"):
        return not m.group(f"{kind}_y")
    if kind == "qtr":
        return not m.group("qtr_y")
    return True  # weekdays, bare months, "today", "last week", "two years ago", clock times


class _Resolver:
    """Resolves one match against the publish date ``dct``; with no ``dct``, absolute expressions only."""

    def __init__(self, dct: date | None) -> None:
        self.dct = dct

    def resolve(self, m: re.Match[str], sentence: str) -> tuple[str, Granularity] | None:
        if self.dct is None and _needs_anchor(m):
            return None
        kind = m.lastgroup
        g = m.group
        # Only expressions that never read the anchor get here without one (see _needs_anchor).
        dct = self.dct or date.max
        if kind == "iso":
            d = _safe_date(int(g("iso_y")), int(g("iso_m")), int(g("iso_d")))
            if d is None:
                return None
            if g("iso_h"):
                return self._time(d, int(g("iso_h")), int(g("iso_mi")), g("iso_tz"))
            return d.isoformat(), "day"
        if kind in ("dmy", "mdy"):
            month = _month_number(g(f"{kind}_m"))
            day = int(re.match(r"\d+", g(f"{kind}_d")).group())  # type: ignore[union-attr]
            y = g(f"{kind}_y")
            year = int(y) if y else _year_for(month, day, dct, _tense(sentence))
            d = _safe_date(year, month, day)
            return (d.isoformat(), "day") if d else None
        if kind == "my":
            return f"{int(g('my_y')):04d}-{_month_number(g('my_m')):02d}", "month"
        if kind == "mry":
            year = dct.year + {"this": 0, "last": -1, "next": 1}[g("mry_r").lower()]
            return f"{year:04d}-{_month_number(g('mry_m')):02d}", "month"
        if kind == "mon":
            return self._month(m, sentence)
        if kind == "clock":
            return None  # resolved in the second pass, once the day it belongs to is known
        if kind == "wd":
            rel = (g("wd_r") or "").lower()
            weekday = _WEEKDAYS[g("wd_d").lower()]
            if rel == "last":
                d = _weekday_value(weekday, dct - timedelta(days=1), -1)
            elif rel in ("next", "coming"):
                d = _weekday_value(weekday, dct, 1)
            elif rel == "this":
                d = _weekday_value(weekday, dct, 0)
            else:
                # News mostly reports the past week; the future only when the sentence says so.
                d = (
                    dct
                    if weekday == dct.weekday()
                    else _weekday_value(weekday, dct, 1 if _tense(sentence) > 0 else -1)
                )
            return d.isoformat(), "day"
        if kind == "rel":
            word = g("rel").lower()
            delta = -1 if word.startswith("yesterday") or word.startswith("last") else 0
            delta = 1 if word.startswith("tomorrow") else delta
            return (dct + timedelta(days=delta)).isoformat(), "day"
        if kind == "per":
            shift = {"last": -1, "next": 1}.get(g("per_r").lower(), 0)
            unit = g("per_u").lower()
            if unit == "week":
                return _iso_week(dct + timedelta(weeks=shift)), "week"
            if unit == "month":
                d = _add_months(dct.replace(day=1), shift)
                return f"{d.year:04d}-{d.month:02d}", "month"
            return f"{dct.year + shift:04d}", "year"
        if kind == "ago":
            raw = g("ago_n").lower()
            n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
            unit = g("ago_u").lower()
            if unit in ("day", "week"):
                return (dct - timedelta(days=n * (7 if unit == "week" else 1))).isoformat(), "day"
            if unit == "month":
                d = _add_months(dct.replace(day=1), -n)
                return f"{d.year:04d}-{d.month:02d}", "month"
            return f"{dct.year - n:04d}", "year"
        if kind == "qtr":
            q = _QUARTERS[g("qtr_n").lower()]
            if g("qtr_y"):
                year = int(g("qtr_y"))
            elif g("qtr_r"):
                year = dct.year + {"this": 0, "last": -1, "next": 1}[g("qtr_r").lower()]
            else:
                year = dct.year
            return f"{year:04d}-Q{q}", "quarter"
        if kind == "dec":
            return g("dec_y"), "decade"
        if kind == "cent":
            raw = g("cent_n").lower().replace(" ", "-")
            n = int(raw[:-2]) if raw[0].isdigit() else _ORDINAL_WORDS[raw]
            return f"{n - 1:02d}", "century"
        if kind == "yr":
            year = int(g("yr_y"))
            if self.dct is not None and year > self.dct.year + 50:  # a number that cannot be a year in news
                return None
            return f"{year:04d}", "year"
        return None

    def _month(self, m: re.Match[str], sentence: str) -> tuple[str, Granularity] | None:
        name = m.group("mon_m")
        rel = (m.group("mon_r") or "").lower()
        if name.rstrip(".").lower() in ("may", "mar", "march") and not rel:
            # "May" and "March" alone are names or verbs far more often than months; need a cue.
            before = m.string[max(0, m.start() - 12) : m.start()].lower().split()
            if not before or before[-1] not in (
                "in",
                "since",
                "until",
                "by",
                "of",
                "during",
                "from",
                "early",
            ):
                return None
        month = _month_number(name)
        dct = self.dct
        if rel == "last":
            year = dct.year if month < dct.month else dct.year - 1
        elif rel in ("next", "coming"):
            year = dct.year if month > dct.month else dct.year + 1
        elif rel == "this":
            year = dct.year
        else:
            year = _year_for(month, None, dct, _tense(sentence))
        return f"{year:04d}-{month:02d}", "month"

    def _time(self, day: date, h: int, mi: int, tz: str | None) -> tuple[str, Granularity]:
        if tz is None:
            return f"{day.isoformat()}T{h:02d}:{mi:02d}", "time"
        if tz.lower() in _TZ_OFFSETS:
            offset_min = _TZ_OFFSETS[tz.lower()] * 60
        else:
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            offset_min = sign * (int(digits[:2]) * 60 + int(digits[2:4]))
        utc = datetime(day.year, day.month, day.day, h, mi) - timedelta(minutes=offset_min)
        return utc.strftime("%Y-%m-%dT%H:%MZ"), "time"

    def clock(self, m: re.Match[str], day: date) -> tuple[str, Granularity] | None:
        g = m.group
        if g("c_hm"):
            local = _clock(int(g("c_hm")[:2]), int(g("c_hm")[2:]), None)
        elif g("c_h2"):
            local = _clock(int(g("c_h2")), 0, g("c_ap2"))
        else:
            local = _clock(int(g("c_h")), int(g("c_mi")), g("c_ap"))
        if local is None:
            return None
        if g("p_tz"):
            # "10:47am (05:47 GMT)": the parenthesis gives the zone; the local time fixes which day it is.
            ref = _clock(int(g("p_h")), int(g("p_mi") or 0), g("p_ap"))
            if ref is None:
                return None
            local_min = local[0] * 60 + local[1]
            ref_min = ref[0] * 60 + ref[1]
            offset = (local_min - ref_min + 12 * 60) % (24 * 60) - 12 * 60
            utc = datetime(day.year, day.month, day.day, local[0], local[1]) - timedelta(minutes=offset)
            base = _TZ_OFFSETS.get(g("p_tz").lower(), 0) * 60
            utc -= timedelta(minutes=base)
            return utc.strftime("%Y-%m-%dT%H:%MZ"), "time"
        return self._time(day, local[0], local[1], g("c_tz"))


# The context an expression's tense is read from, at most this far either side: hostile text without
# sentence breaks must not make every match scan the whole text (quadratic time).
_CONTEXT_CHARS = 300


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(0, start - _CONTEXT_CHARS)
    for b in _SENTENCE_BREAK.finditer(text, left, start):
        left = b.end()
    limit = min(len(text), end + _CONTEXT_CHARS)
    nxt = _SENTENCE_BREAK.search(text, end, limit)
    return left, (nxt.start() + 1 if nxt else limit)


def _as_date(published: datetime | date | str | None) -> date | None:
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    if isinstance(published, str):
        s = published.strip()
        try:
            return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
        except ValueError:
            pass
        for fmt in ("%d-%m-%Y", "%Y%m%d", "%m/%d/%Y"):
            try:
                return datetime.strptime(s[:10], fmt).date()
            except ValueError:
                continue
        raise ValueError(f"cannot read the publish time {published!r}")
    raise TypeError(f"published must be a datetime, date, ISO string or None, not {type(published).__name__}")


def find_time_expressions(
    text: str,
    published: datetime | date | str | None,
    *,
    sentence_starts: Sequence[int] | None = None,
) -> list[TimeExpression]:
    """Every date/time expression in ``text``, resolved against the publish time, in text order.

    ``published=None`` means the publish time is unknown: relative expressions ("Thursday", "next
    month", "9pm") are then left out, since nothing honest anchors them.

    ``sentence_starts`` (the start offset of each sentence, ascending) sets each expression's
    ``sentence_index`` and the sentence whose tense decides ambiguous dates; without it the sentence is
    found by punctuation. Raises TypeError/ValueError for a text or publish time that cannot be read.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    dct = _as_date(published)
    resolver = _Resolver(dct)
    starts = list(sentence_starts) if sentence_starts is not None else None

    def bounds(i: int, j: int) -> tuple[int, int, int | None]:
        if starts:
            k = max(0, bisect.bisect_right(starts, i) - 1)
            end = starts[k + 1] if k + 1 < len(starts) else len(text)
            return max(starts[k], i - _CONTEXT_CHARS), min(end, j + _CONTEXT_CHARS), k
        a, b = _sentence_bounds(text, i, j)
        return a, b, None

    resolved: list[tuple[re.Match[str], int | None, tuple[str, Granularity] | None, tuple[int, int]]] = []
    for m in _PATTERN.finditer(text):
        a, b, k = bounds(m.start(), m.end())
        resolved.append((m, k, resolver.resolve(m, text[a:b]), (a, b)))

    out: list[TimeExpression] = []
    for i, (m, k, value, (a, b)) in enumerate(resolved):
        if m.lastgroup == "clock":
            day = _day_of_sentence(resolved, i, a, b) or dct
            value = resolver.clock(m, day) if day is not None else None
        if value is None:
            continue
        span = m.group(m.lastgroup or 0)
        start = m.start(m.lastgroup or 0)
        out.append(TimeExpression(span, start, start + len(span), value[0], value[1], k))
    return out


def _day_of_sentence(resolved: list[Any], i: int, a: int, b: int) -> date | None:
    """The day named in the same sentence as a clock time (nearest first), so "at 9pm on Friday" works."""
    best: tuple[int, date] | None = None
    pos = resolved[i][0].start()
    # Neighbours only: the sentence window is bounded, and so is the number of matches looked at.
    for m, _k, value, _bounds in resolved[max(0, i - 8) : i + 9]:
        if value is None or value[1] != "day" or not (a <= m.start() < b):
            continue
        dist = abs(m.start() - pos)
        if best is None or dist < best[0]:
            best = (dist, date.fromisoformat(value[0][:10]))
    return best[1] if best else None


def parse_time_expression(text: str, published: datetime | date | str | None) -> TimeExpression | None:
    """The first expression found in a short text ("last August", "10:47am (05:47 GMT)"), or None."""
    found = find_time_expressions(text, published)
    return found[0] if found else None


_VALUE = re.compile(r"(\d{2,4})(?:-(W)?(Q)?(\d{1,2})(?:-(\d{2}))?(?:T(\d{2}):(\d{2}))?)?")


def period_start(value: str) -> tuple[int, int, int, int, int]:
    """A sort key for a resolved value: the start of the period it names (year, month, day, hour, minute)."""
    m = _VALUE.match(value)
    if not m:
        return (9999, 0, 0, 0, 0)
    raw_year, week, quarter, part, day, hh, mm = m.groups()
    year = int(raw_year) * {2: 100, 3: 10}.get(len(raw_year), 1)
    if part is None:
        return (year, 0, 0, 0, 0)
    if week:
        d = (
            date.fromisocalendar(year, max(1, min(53, int(part))), 1)
            if int(part) <= 52
            else date(year, 12, 28)
        )
        return (d.year, d.month, d.day, 0, 0)
    if quarter:
        return (year, (int(part) - 1) * 3 + 1, 0, 0, 0)
    return (year, int(part), int(day or 0), int(hh or 0), int(mm or 0))


_MONTH_NAMES = [
    "", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]  # fmt: skip
_QUARTER_NAMES = ["", "first", "second", "third", "fourth"]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _day_words(d: date) -> str:
    return f"{d.day} {_MONTH_NAMES[d.month]} {d.year}"


def describe_value(value: str) -> str:
    """A resolved value in the words a reader expects: '198' → 'the 1980s', '18' → 'the 19th century',
    '2026-W48' → 'the week of 23 November 2026', '2025-Q3' → 'the third quarter of 2025',
    '2025-08' → 'August 2025', '2025-12-09T05:47Z' → '9 December 2025, 05:47 GMT'.
    A value it cannot read gives '' (show the text's own words instead, never the raw value)."""
    v = value.strip() if isinstance(value, str) else ""
    try:
        if re.fullmatch(r"\d{2}", v):
            return f"the {_ordinal(int(v) + 1)} century"
        if re.fullmatch(r"\d{3}", v):
            return f"the {v}0s"
        if re.fullmatch(r"\d{4}", v):
            return v
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", v):
            return f"the {_QUARTER_NAMES[int(m.group(2))]} quarter of {m.group(1)}"
        if m := re.fullmatch(r"(\d{4})-W(\d{1,2})", v):
            return f"the week of {_day_words(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))}"
        if m := re.fullmatch(r"(\d{4})-(\d{2})", v):
            return f"{_MONTH_NAMES[int(m.group(2))]} {m.group(1)}" if 1 <= int(m.group(2)) <= 12 else ""
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(Z)?)?", v):
            day = _day_words(date.fromisoformat(m.group(1)))
            if m.group(2) is None:
                return day
            return f"{day}, {m.group(2)}{' GMT' if m.group(3) else ''}"
    except ValueError:
        pass
    return ""
