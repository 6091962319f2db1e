"""The periodic repair pass on real Django/SQLite: grown-together stories merge, a drifted article splits."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsdesk.articles.models import Article
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle
from newsdesk.stories.assign import refresh_story
from newsdesk.stories.models import Story
from newsdesk.stories.recluster import merge_and_split_stories
from newsdesk.stories.tasks import repair_stories
from tests.stories.test_stories import EVENTS

BAKERY = (
    "Town Crier",
    "Village bakery wins national sourdough prize",
    "A family bakery in the Yorkshire village of Hutton-le-Hole has won the national sourdough award for "
    "its rye loaf. The owners, who bake every night from two o'clock, said the starter dough was older "
    "than their children. The judges praised the crust and the open crumb of the bread.",
)


def _ingest(tmp_path: Path) -> None:
    events = {**EVENTS, "bakery": [BAKERY]}
    lines = []
    for event, items in events.items():
        for i, (source, title, text) in enumerate(items):
            row = {
                "id": f"{event}-{i}",
                "title": title,
                "text": text,
                "source": source,
                "url": f"https://{source.lower().replace(' ', '')}.example/{event}",
                "published": f"2025-04-08T{9 + i:02d}:00:00Z",
            }
            lines.append(json.dumps(row))
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report = ImportReport()
    import_path(path, report)
    assert not report.errors
    run_until_idle(threads=1)


def _move(guid: str, story: Story) -> None:
    """What an online mistake leaves behind: the article in the wrong story."""
    article = Article.objects.get(guid=guid)
    old = article.story
    Article.objects.filter(pk=article.pk).update(story=story)
    refresh_story(story)
    if old is not None:
        refresh_story(old)


def _stories() -> dict[str, int]:
    return dict(Article.objects.values_list("guid", "story_id"))


@pytest.mark.django_db
def test_repair_merges_stories_that_grew_together_and_splits_a_drifted_article(
    tmp_path: Path, client
) -> None:
    _ingest(tmp_path)
    before = _stories()
    assert before["football-0"] == before["football-1"]
    assert len({before[g] for g in ("soyuz-0", "soyuz-1", "soyuz-2")}) == 1
    soyuz = Story.objects.get(pk=before["soyuz-0"])
    football = Story.objects.get(pk=before["football-0"])
    # Online, the second derby report started a story of its own, and the bakery report joined the Soyuz
    # story (its own one-article story is emptied, so it is removed).
    second = Story.objects.create(headline="Late Haaland goal settles Manchester derby")
    _move("football-1", second)
    _move("bakery-0", soyuz)
    assert not Story.objects.filter(pk=before["bakery-0"]).exists()
    assert Story.objects.get(pk=soyuz.pk).article_count == 4

    report = merge_and_split_stories()

    after = _stories()
    # Merged: both derby reports in one story; the older story survives.
    assert after["football-0"] == after["football-1"] == football.pk
    assert report.merged == [(football.pk, second.pk)]
    absorbed = Story.objects.get(pk=second.pk)
    assert absorbed.merged_into_id == football.pk and absorbed.article_count == 0
    response = client.get(f"/story/{second.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/story/{football.pk}/"
    assert f"/story/{second.pk}/" not in client.get("/").content.decode()
    # Split: the bakery report leaves the Soyuz story for one of its own; the Soyuz reports stay.
    assert {after[g] for g in ("soyuz-0", "soyuz-1", "soyuz-2")} == {soyuz.pk}
    bakery_story = Story.objects.get(pk=after["bakery-0"])
    assert bakery_story.pk not in {soyuz.pk, football.pk, after["starship-0"]}
    assert (bakery_story.article_count, bakery_story.headline) == (1, BAKERY[1])
    assert Story.objects.get(pk=soyuz.pk).article_count == 3
    assert "split from story" in Article.objects.get(guid="bakery-0").story_reason
    assert [(a, s) for a, s, _ in report.split] == [(Article.objects.get(guid="bakery-0").pk, soyuz.pk)]
    assert after["starship-0"] == before["starship-0"]

    # Idempotent: the periodic task run again changes nothing.
    stories_before = Story.objects.count()
    repair_stories.call_local()
    assert _stories() == after
    assert Story.objects.count() == stories_before
    assert merge_and_split_stories().merged == []


def test_repair_pass_runs_every_fifteen_minutes() -> None:
    from huey.contrib.djhuey import HUEY

    def due(minute: int) -> set[str]:
        return {t.name for t in HUEY.read_periodic(datetime(2025, 4, 8, 9, minute))}

    assert all(repair_stories.s().name in due(m) for m in (0, 15, 30, 45))
    assert repair_stories.s().name not in due(7)


@pytest.mark.django_db
def test_repair_stores_nothing_when_a_story_changed_while_it_was_deciding(
    tmp_path: Path, monkeypatch
) -> None:
    from newsdesk.pipeline.stories import StoryClusterer

    _ingest(tmp_path)
    second = Story.objects.create(headline="Late Haaland goal settles Manchester derby")
    _move("football-1", second)
    decide = StoryClusterer.merge_and_split

    def decide_then_a_worker_assigns(self, stories):  # a worker's write lands while the pass decides
        result = decide(self, stories)
        _move("starship-0", second)
        return result

    monkeypatch.setattr(StoryClusterer, "merge_and_split", decide_then_a_worker_assigns)
    before = _stories()
    report = merge_and_split_stories()
    assert report.merged == [] and report.split == []
    # Nothing of the stale decision was stored: only the worker's own write is there.
    assert _stories() == {**before, "starship-0": second.pk}
    assert Story.objects.get(pk=second.pk).merged_into_id is None
