"""Cursor pagination by keyset: the cursor is the sort key of the last item seen, base64-encoded.

Unlike page numbers, a keyset cursor neither repeats nor skips an item when new rows arrive while a
client pages through: new rows sort before the cursor (newest first) and never shift later pages.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from ninja import Query

from newsdesk.api.errors import ApiError

MAX_CURSOR = 300
# The query parameter: opaque to clients (base64url of the last item's sort key).
Cursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR, pattern=r"^[A-Za-z0-9_-]*$", description="next_cursor of the previous page"),
]


def encode(values: list[Any]) -> str:
    raw = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, kinds: list[type]) -> list[Any]:
    """The cursor's values, checked against the key's types; 400 for anything else."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError("wrong shape")
        out: list[Any] = []
        for value, kind in zip(raw, kinds, strict=True):
            if kind is datetime:
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError("naive time")
                out.append(parsed)
            elif kind is int and isinstance(value, int) and not isinstance(value, bool):
                if not 0 <= value < 2**63:
                    raise ValueError("id out of range")
                out.append(value)
            else:
                raise ValueError("wrong type")
        return out
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ApiError(
            400, "invalid cursor: pass back the next_cursor of a previous page", code="bad_cursor"
        ) from exc


def page(
    qs: QuerySet,
    keys: list[str],
    kinds: list[type],
    cursor: str | None,
    limit: int,
    *,
    descending: bool = True,
) -> tuple[list[Any], str | None]:
    """One page of `qs` ordered by `keys` (the last key must be unique, e.g. "pk"), and the next cursor."""
    order = [f"-{k}" if descending else k for k in keys]
    qs = qs.order_by(*order)
    if cursor:
        values = decode(cursor, kinds)
        op = "lt" if descending else "gt"
        after = Q()
        for i, key in enumerate(keys):
            step = Q(**{f"{key}__{op}": values[i]})
            for prev_key, prev_value in zip(keys[:i], values[:i], strict=True):
                step &= Q(**{prev_key: prev_value})
            after |= step
        qs = qs.filter(after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode([getattr(rows[-1], k) for k in keys]) if more and rows else None
    return rows, next_cursor
