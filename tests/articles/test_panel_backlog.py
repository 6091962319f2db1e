"""Every article with text gets its AI panel, every story its story panel, teasers never block the queue
(issue 17, point 4), and a panel's sentence vectors are stored so a first question embeds only itself."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone

from newsdesk.articles import insights
from newsdesk.articles.insights import MIN_WORDS, make_pending_panels, queue_position
from newsdesk.articles.models import FINAL_STAGE, Article, EntityMention, Insight, PanelState
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.status import collect_status
from newsdesk.flow.work import panels_until_idle, run_until_idle
from newsdesk.runtime.models import Heartbeat
from newsdesk.stories.models import Story, StoryInsight

SOYUZ = Path(__file__).resolve().parents[1] / "fixtures" / "soyuz.json"
WORKER_IDLE_BUDGET_S = 300  # issue 17: every article with >= 80 words has its panel 5 minutes after


def _import(tmp_path: Path, rows: list[dict]) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = ImportReport()
    import_path(path, report)
    assert not report.errors
    run_until_idle(threads=1)


def _bbc_rows(shared_data: Path, n: int) -> list[dict]:
    path = shared_data / "bbc-news" / "bbc_news.jsonl"
    if not path.exists():
        pytest.skip(f"BBC corpus not found at {path}")
    rows = [json.loads(line) for line in path.read_text().splitlines()[:n]]
    out = []
    for i, r in enumerate(rows):
        text = r["text"]
        if i % 3 == 2:  # a third are teasers: a feed's first lines only
            text = " ".join(text.split()[:30])
        out.append({"id": r["id"], "title": r["title"], "text": text, "source": f"BBC {r['topic']}",
                    "url": f"https://bbc.example/{r['id']}"})  # fmt: skip
    return out


@pytest.mark.django_db
def test_the_worker_leaves_no_article_or_story_without_its_panel(
    tmp_path: Path, shared_data, settings, client
) -> None:
    settings.NEWSDESK_STORY_PANEL_DEBOUNCE_S = 5  # the test waits out a short debounce, not a minute
    _import(tmp_path, _bbc_rows(shared_data, 45))
    articles = list(Article.objects.filter(stage=FINAL_STAGE))
    assert len(articles) >= 40
    long = [a for a in articles if len(a.text.split()) >= 80]
    teasers = [a for a in articles if len(a.text.split()) < MIN_WORDS]
    assert len(long) >= 25 and len(teasers) >= 10

    started = time.monotonic()
    assert panels_until_idle(timeout_s=WORKER_IDLE_BUDGET_S)  # the worker's panel ticks, run back to back
    assert time.monotonic() - started < WORKER_IDLE_BUDGET_S

    made = {i.article_id: i for i in Insight.objects.all()}
    for a in long:
        a.refresh_from_db()
        assert a.panel_state == PanelState.MADE
        assert made[a.pk].text_fingerprint == a.content_fingerprint and made[a.pk].data["sentences"]
        assert made[a.pk].vectors is not None  # stored once the backlog was empty
    for a in teasers:
        a.refresh_from_db()
        assert a.panel_state == PanelState.SHORT and a.pk not in made  # done, without a panel
    assert not insights.backlog().exists()
    panels = collect_status()["panels"]  # what `newsdesk status` prints
    assert panels["by_state"] == {"pending": 0, "made": len(long), "short": len(teasers), "failed": 0}
    assert panels["stories_waiting"] == 0
    for story in Story.objects.filter(article_count__gt=0):
        insight = StoryInsight.objects.get(story=story)
        assert insight.created_at >= story.members_changed_at
        members = set(Article.objects.filter(story=story).values_list("pk", flat=True))
        if members & {a.pk for a in long}:
            assert insight.data["summary"]

    # Entity pages are built from every article's entities, the teasers' too.
    teaser_ids = {a.pk for a in teasers}
    only_teasers = (
        EntityMention.objects.filter(article_id__in=teaser_ids)
        .exclude(slug__in=EntityMention.objects.exclude(article_id__in=teaser_ids).values("slug"))
        .first()
    )
    assert only_teasers is not None
    teaser = Article.objects.get(pk=only_teasers.article_id)
    page = client.get(f"/entity/{only_teasers.slug}/").content.decode()
    assert teaser.title in page


@pytest.mark.django_db
def test_teasers_never_block_the_queue(tmp_path: Path) -> None:
    """The minute job used to take the 50 newest articles without a panel: all teasers, forever."""
    item = json.loads(SOYUZ.read_text())
    rows = [{**item, "url": "https://orbit.example/soyuz"}]  # imported first: the oldest
    rows += [
        {"title": f"Briefly, item {i}", "text": f"Short note number {i} about the markets in London today.",
         "url": f"https://brief.example/{i}"}
        for i in range(60)
    ]  # fmt: skip
    _import(tmp_path, rows)
    soyuz = Article.objects.get(url="https://orbit.example/soyuz")
    assert queue_position(soyuz) == 60
    make_pending_panels(limit=4)  # every fourth article the worker takes is the oldest waiting
    soyuz.refresh_from_db()
    assert soyuz.panel_state == PanelState.MADE and Insight.objects.filter(article=soyuz).exists()
    make_pending_panels(budget_s=120)
    assert not insights.backlog().exists()
    assert Article.objects.filter(panel_state=PanelState.SHORT).count() == 60


@pytest.mark.django_db
def test_pages_say_what_is_true_about_a_missing_panel(tmp_path: Path, client) -> None:
    item = json.loads(SOYUZ.read_text())
    _import(
        tmp_path,
        [
            {**item, "url": "https://orbit.example/soyuz"},
            {"title": "Soyuz lands", "text": "The Soyuz capsule landed in Kazakhstan on Tuesday.",
             "url": "https://orbit.example/lands"},
            {**item, "id": "two", "title": "Another long one", "text": item["text"] + " The end.",
             "url": "https://orbit.example/two"},
        ],
    )  # fmt: skip
    Heartbeat.objects.create(name="worker-1", beat_at=timezone.now())  # a live worker: pages never compute
    teaser = Article.objects.get(url="https://orbit.example/lands")
    soyuz = Article.objects.get(url="https://orbit.example/soyuz")

    page = client.get(f"/article/{teaser.pk}/").content.decode()
    assert "too short for a summary" in page
    for promise in ("not made yet", "reload", "being prepared", "in the queue"):
        assert promise not in page

    page = client.get(f"/article/{soyuz.pk}/").content.decode()
    ahead = queue_position(soyuz)
    assert ahead == 2 and f"not made yet: {ahead} articles ahead of it in the queue" in page
    assert "reload" not in page

    make_pending_panels(budget_s=120)
    page = client.get(f"/article/{soyuz.pk}/").content.decode()
    assert 'id="ai-h"' in page and "not made yet" not in page
    page = client.get(f"/article/{teaser.pk}/").content.decode()
    assert "too short for a summary" in page and 'id="ai-h"' not in page


class _Counting:
    """The real embedder, counting the texts it is given (a spy, not a stand-in)."""

    def __init__(self, inner) -> None:
        self.inner, self.dim, self.name, self.texts = inner, inner.dim, inner.name, 0

    def embed(self, texts, batch_size: int = 32) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts, batch_size=batch_size)


@pytest.mark.django_db
def test_a_first_question_embeds_only_itself(tmp_path: Path, monkeypatch) -> None:
    item = json.loads(SOYUZ.read_text())
    _import(tmp_path, [{**item, "url": "https://orbit.example/soyuz"}])
    article = Article.objects.get()
    make_pending_panels(budget_s=60)
    assert insights.add_pending_vectors(budget_s=60) == 1
    insight = Insight.objects.get(article=article)
    assert insights.stored_vectors(insight).shape[0] == len(insight.data["sentences"])

    spy = _Counting(insights.get_embedder())
    monkeypatch.setattr(insights, "get_embedder", lambda: spy)
    result = insights.ask(article, "When will the crew return?")
    assert result is not None and result.answerable and "December 9" in result.sentences[0].text
    assert spy.texts == 1  # the question; the sentences' vectors came from the database

    # A panel without stored vectors (made before this change): the first question stores them.
    Insight.objects.filter(pk=insight.pk).update(vectors=None, embedder_name="")
    insights.ask(article, "Where did the launch take place?")
    assert Insight.objects.get(pk=insight.pk).vectors is not None
