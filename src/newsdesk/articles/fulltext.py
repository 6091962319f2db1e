"""Full-text search in the database itself: SQLite FTS5 with bm25, or PostgreSQL full text.

Both return (article id, score, snippet HTML) best first. The user's words are never spliced into
query syntax: each becomes a quoted term, so `"); DROP` or `NEAR(` are just words.
"""

from __future__ import annotations

import re

from django.db import connection
from django.utils.html import escape

_WORD = re.compile(r"\w+", re.UNICODE)
# Control characters as highlight markers: they cannot occur in extracted text, so after escaping
# the snippet we can turn them into <mark> safely.
_OPEN, _CLOSE = "\x02", "\x03"
MAX_TERMS = 12

# Must match the expression of the GIN index in migration 0002 for PostgreSQL to use it.
_PG_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(text, '')), 'B'))"
)


def terms(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:MAX_TERMS]


def _snippet_html(raw: str) -> str:
    return escape(raw).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def search(query: str, *, limit: int = 200, match_all: bool = True) -> list[tuple[int, float, str]]:
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        return _postgres(words, limit, match_all)
    return _sqlite(words, limit, match_all)


def _sqlite(words: list[str], limit: int, match_all: bool) -> list[tuple[int, float, str]]:
    expression = (" AND " if match_all else " OR ").join(f'"{w}"' for w in words)
    sql = (
        "SELECT rowid, bm25(article_fts, 4.0, 1.0), "
        f"snippet(article_fts, 1, '{_OPEN}', '{_CLOSE}', '…', 24) "
        "FROM article_fts WHERE article_fts MATCH %s ORDER BY bm25(article_fts, 4.0, 1.0) LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, limit])
        # bm25 is lower-is-better and negative; flip it so higher is better everywhere.
        return [(pk, -score, _snippet_html(snip or "")) for pk, score, snip in cursor.fetchall()]


def _postgres(words: list[str], limit: int, match_all: bool) -> list[tuple[int, float, str]]:
    tsquery = (" & " if match_all else " | ").join(f"{w}:*" if len(w) > 3 else w for w in words)
    # Rank in the inner query; build snippets only for the rows that survive the LIMIT.
    sql = (
        "SELECT a.id, top.rank, ts_headline('english', coalesce(a.text, ''), to_tsquery('english', %s), "
        f"'StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=40, MinWords=15, MaxFragments=1') "
        f"FROM (SELECT id, ts_rank_cd({_PG_VECTOR}, q) AS rank "
        f"      FROM articles_article, to_tsquery('english', %s) q WHERE {_PG_VECTOR} @@ q "
        "      ORDER BY rank DESC LIMIT %s) top "
        "JOIN articles_article a ON a.id = top.id ORDER BY top.rank DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, tsquery, limit])
        return [(pk, float(rank), _snippet_html(snip or "")) for pk, rank, snip in cursor.fetchall()]
