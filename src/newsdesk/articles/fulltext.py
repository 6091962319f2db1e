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


# bm25 is computed for every row it orders: a two-common-word query over a million articles matches
# hundreds of thousands. Ranking only the newest RANK_CAP matches (FTS5 walks its doclists in rowid
# order, which costs next to nothing per row) bounds the work; for news the newest are the ones wanted.
RANK_CAP = 2000


def search(
    query: str, *, limit: int = 200, match_all: bool = True, snippets: bool = True
) -> list[tuple[int, float, str]]:
    """(article id, score, snippet HTML) best first. With `snippets=False` the snippet is "" (build
    them with `snippets_for` for the rows actually shown: each costs a pass over the article text)."""
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        return _postgres(words, limit, match_all, snippets)
    return _sqlite(words, limit, match_all, snippets)


def snippets_for(query: str, ids: list[int], *, match_all: bool = True) -> dict[int, str]:
    """Highlighted snippet HTML of the given articles that match `query` (others are left out)."""
    words = terms(query)
    if not words or not ids:
        return {}
    if connection.vendor == "postgresql":
        tsquery = _pg_tsquery(words, match_all)
        sql = (
            "SELECT id, ts_headline('english', coalesce(text, ''), to_tsquery('english', %s), "
            f"'StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=40, MinWords=15, MaxFragments=1, ShortWord=0'), "
            f"left(coalesce(text, ''), {_EDGE_CHARS}), right(coalesce(text, ''), {_EDGE_CHARS}) "
            f"FROM articles_article, to_tsquery('english', %s) q WHERE id = ANY(%s) AND {_PG_VECTOR} @@ q"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [tsquery, tsquery, list(ids)])
            rows = cursor.fetchall()
        return {pk: _snippet_html(_with_ellipses(snip or "", head, tail)) for pk, snip, head, tail in rows}
    marks = ", ".join("%s" for _ in ids)
    sql = (
        f"SELECT rowid, snippet(article_fts, 1, '{_OPEN}', '{_CLOSE}', '…', 24) "
        f"FROM article_fts WHERE article_fts MATCH %s AND rowid IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_fts_expression(words, match_all), *ids])
        return {pk: _snippet_html(snip or "") for pk, snip in cursor.fetchall()}


_EDGE_CHARS = 96  # fetched from each end of the text: room for the four words compared there


def _with_ellipses(snippet: str, first: str, last: str) -> str:
    """PostgreSQL's headline with "…" where it cuts the text, as SQLite's snippet has: a reader
    should see that "organisations need to take …" starts mid-sentence. Compared by words: the
    headline drops the punctuation at its ends."""
    bare = _WORD.findall(snippet.replace(_OPEN, " ").replace(_CLOSE, " ").lower())
    if not bare:
        return snippet
    head, tail = _WORD.findall(first.lower())[:4], _WORD.findall(last.lower())[-4:]
    starts, ends = bare[: len(head)] == head, bare[-len(tail) :] == tail if tail else True
    return f"{'' if starts else '…'}{snippet.strip()}{'' if ends else '…'}"


def _fts_expression(words: list[str], match_all: bool) -> str:
    return (" AND " if match_all else " OR ").join(f'"{w}"' for w in words)


def _sqlite(words: list[str], limit: int, match_all: bool, snippets: bool) -> list[tuple[int, float, str]]:
    expression = _fts_expression(words, match_all)
    with connection.cursor() as cursor:
        # The rowid of the RANK_CAP-th newest match (none when there are fewer): rank only from there on.
        cursor.execute(
            "SELECT rowid FROM article_fts WHERE article_fts MATCH %s ORDER BY rowid DESC LIMIT 1 OFFSET %s",
            [expression, RANK_CAP - 1],
        )
        row = cursor.fetchone()
        floor = row[0] if row else 0
        # Snippets are built after the LIMIT, in the outer query: SQLite would otherwise compute one
        # for every matching row before sorting.
        inner = (
            "SELECT rowid AS id, bm25(article_fts, 4.0, 1.0) AS score FROM article_fts "
            "WHERE article_fts MATCH %s AND rowid >= %s ORDER BY score LIMIT %s"
        )
        if snippets:
            sql = (
                f"SELECT top.id, top.score, snippet(article_fts, 1, '{_OPEN}', '{_CLOSE}', '…', 24) "
                f"FROM ({inner}) top JOIN article_fts ON article_fts.rowid = top.id "
                "WHERE article_fts MATCH %s ORDER BY top.score"
            )
            cursor.execute(sql, [expression, floor, limit, expression])
        else:
            cursor.execute(f"SELECT id, score, '' FROM ({inner}) ORDER BY score", [expression, floor, limit])
        # bm25 is lower-is-better and negative; flip it so higher is better everywhere.
        return [(pk, -score, _snippet_html(snip or "")) for pk, score, snip in cursor.fetchall()]


def _pg_tsquery(words: list[str], match_all: bool) -> str:
    return (" & " if match_all else " | ").join(f"{w}:*" if len(w) > 3 else w for w in words)


def _postgres(words: list[str], limit: int, match_all: bool, snippets: bool) -> list[tuple[int, float, str]]:
    tsquery = _pg_tsquery(words, match_all)
    headline = (
        "ts_headline('english', coalesce(a.text, ''), to_tsquery('english', %s), "
        f"'StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=40, MinWords=15, MaxFragments=1')"
        if snippets
        else "''"
    )
    # As on SQLite, rank only the newest RANK_CAP matches (the GIN index finds them; ordering ids is
    # cheap, ranking is not); build snippets only for the rows that survive the LIMIT.
    sql = (
        f"SELECT a.id, top.rank, {headline} "
        f"FROM (SELECT id, ts_rank_cd({_PG_VECTOR}, q) AS rank "
        "      FROM (SELECT id, title, text FROM articles_article, to_tsquery('english', %s) q0 "
        f"            WHERE {_PG_VECTOR} @@ q0 ORDER BY id DESC LIMIT %s) newest, "
        "           to_tsquery('english', %s) q "
        "      ORDER BY rank DESC LIMIT %s) top "
        "JOIN articles_article a ON a.id = top.id ORDER BY top.rank DESC"
    )
    ranked = [tsquery, RANK_CAP, tsquery, limit]
    params = [tsquery, *ranked] if snippets else ranked
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, float(rank), _snippet_html(snip or "")) for pk, rank, snip in cursor.fetchall()]
