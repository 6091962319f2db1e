"""Full-text search over more matches than it ranks: the best of the newest come first, with snippets."""

from __future__ import annotations

import pytest
from django.utils import timezone

from newsdesk.articles import fulltext
from newsdesk.articles.models import Article
from newsdesk.articles.search import search
from newsdesk.sources.models import Source

# This test is about the words; the hashing embedder keeps the vector half of search cheap.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


def _site(n: int) -> list[Article]:
    source = Source.objects.create(url="https://a.example/feed", canonical_url="https://a.example/feed")
    now = timezone.now()
    filler = "The harbour council met on Tuesday and discussed the ferry timetable at length."
    articles = [
        Article(
            source=source,
            guid=f"g{i}",
            canonical_url=f"https://a.example/{i}",
            title=f"Council notes {i}",
            text=f"{filler} Item {i} of the agenda.",
            stage="clustered",
            published_at=now,
        )
        for i in range(n)
    ]
    return Article.objects.bulk_create(articles)


def test_ranking_is_capped_to_the_newest_matches(monkeypatch) -> None:
    monkeypatch.setattr(fulltext, "RANK_CAP", 20)
    articles = _site(60)
    # The strongest match of all (the words in its title), but older than the 20 newest matches.
    old = articles[5]
    Article.objects.filter(pk=old.pk).update(title="Ferry timetable harbour ferry timetable")
    # A strong match among the newest.
    new = articles[55]
    Article.objects.filter(pk=new.pk).update(title="Harbour ferry timetable changes")

    hits = fulltext.search("ferry timetable", limit=10)
    assert hits[0][0] == new.pk
    assert len(hits) == 10 and all(pk > articles[39].pk for pk, _, _ in hits)
    assert "<mark>ferry</mark>" in hits[0][2].lower()
    # Without snippets the ranking is the same, and snippets can be built for just the rows shown.
    bare = fulltext.search("ferry timetable", limit=10, snippets=False)
    assert [pk for pk, _, _ in bare] == [pk for pk, _, _ in hits]
    assert all(snip == "" for _, _, snip in bare)
    shown = fulltext.snippets_for("ferry timetable", [new.pk, old.pk])
    assert set(shown) == {new.pk, old.pk} and "<mark>" in shown[old.pk]


def test_search_page_results_carry_highlighted_snippets_for_word_matches() -> None:
    _site(30)
    hits = search("ferry timetable", limit=5)
    assert len(hits) == 5
    assert all("words" in h.matched_by and "<mark>" in h.snippet_html for h in hits)
    # Fewer than the cap: every match is ranked, so an old article with the words in its title leads.
    first = Article.objects.order_by("pk").first()
    assert first is not None
    Article.objects.filter(pk=first.pk).update(title="Ferry timetable for the harbour ferry")
    assert search("ferry timetable", limit=5)[0].article.pk == first.pk


def test_filters_that_reject_the_best_matches_still_fill_the_page() -> None:
    """Sixty newer matches from one outlet, five older ones from another: filtering by the second
    finds all five, and a page of three gets three, whatever the first outlet's ranks."""
    _site(60)
    other = Source.objects.create(url="https://b.example/feed", canonical_url="https://b.example/feed")
    older = timezone.now() - timezone.timedelta(days=3)
    wanted = Article.objects.bulk_create(
        Article(
            source=other,
            guid=f"b{i}",
            canonical_url=f"https://b.example/{i}",
            title=f"Ferry timetable {i}",
            text="The ferry timetable changes next week, the harbour council said.",
            stage="clustered",
            published_at=older,
        )
        for i in range(5)
    )
    from newsdesk.articles.search import Filters

    hits = search("ferry timetable", Filters(source_ids=(other.pk,)), bodies=False)
    assert sorted(h.article.pk for h in hits) == sorted(a.pk for a in wanted)
    assert all(h.snippet_html and "<mark>" in h.snippet_html for h in hits)
    assert len(search("ferry timetable", Filters(source_ids=(other.pk,)), limit=3)) == 3
    assert search("ferry timetable", Filters(language="fr")) == []


def test_a_repeated_query_is_embedded_once() -> None:
    """Saved-search feeds re-run the same words every poll: the model runs once for them."""
    from newsdesk.runtime.embedder import get_embedder

    _site(5)
    embedder = get_embedder()
    calls: list[list[str]] = []
    real = embedder.embed

    def counting(texts, batch_size=32):
        calls.append(list(texts))
        return real(texts, batch_size)

    embedder.embed = counting  # type: ignore[method-assign]
    try:
        first = search("harbour council ferry agenda item")
        again = search("harbour council ferry agenda item")
    finally:
        del embedder.embed
    assert [h.article.pk for h in first] == [h.article.pk for h in again] and first
    assert calls == [["harbour council ferry agenda item"]]


def test_a_snippet_cut_from_a_longer_text_says_so_on_both_databases() -> None:
    source = Source.objects.create(url="https://b.example/feed", canonical_url="https://b.example/feed")
    opening = " ".join(f"The council discussed item {i} of a long agenda on Tuesday." for i in range(30))
    closing = " ".join(f"Members then turned to matter {i} before the vote." for i in range(30))
    long = Article.objects.create(
        source=source,
        guid="long",
        title="Council meets",
        stage="clustered",
        text=f"{opening} The lighthouse reopened to visitors after repairs. {closing}",
    )
    short = Article.objects.create(
        source=source, guid="short", title="Lighthouse", stage="clustered",
        text="The lighthouse reopened to visitors.",
    )  # fmt: skip
    shown = fulltext.snippets_for("lighthouse", [long.pk, short.pk])
    assert "<mark>lighthouse</mark>" in shown[long.pk].lower()
    assert shown[long.pk].startswith("…") and shown[long.pk].endswith("…"), shown[long.pk]
    assert "…" not in shown[short.pk], shown[short.pk]
