"""The BBC corpus through the whole pipeline: every identical-text group found, nothing else merged."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from newsdesk.articles.models import Article, DuplicateKind
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle

# This test is about duplicates; 2,225 articles through MiniLM would only add minutes.
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.usefixtures("hashing_embedder")]


def test_bbc_identical_text_groups(shared_data: Path) -> None:
    path = shared_data / "bbc-news" / "bbc_news.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    truth: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        truth[" ".join(row["text"].split())].add(row["id"])
    true_groups = {frozenset(ids) for ids in truth.values() if len(ids) > 1}

    report = ImportReport()
    import_path(path, report)
    run_until_idle(threads=1)
    assert report.new == len(rows) and not report.errors

    found: dict[int, set[str]] = defaultdict(set)
    exact = Article.objects.filter(duplicate_kind=DuplicateKind.EXACT)
    for guid, primary in exact.values_list("guid", "duplicate_of"):
        found[primary].add(guid)
    for primary in list(found):
        found[primary].add(Article.objects.get(pk=primary).guid)
    found_groups = {frozenset(ids) for ids in found.values()}

    assert len(true_groups) == 70
    assert found_groups == true_groups
    titles = {g: {r["title"] for r in rows if r["id"] in g} for g in true_groups}
    assert sum(1 for t in titles.values() if len(t) > 1) == 19
