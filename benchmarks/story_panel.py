"""Story panel cost through the real code path: compute, page render and asking, on real stories.

    python -m benchmarks.story_panel [--data ../shared/data/clusters/gedikli-energy-story-chains]
                                     [--big 24] [--questions 20] [--stories 10]

Builds a fresh SQLite site from an `articles.jsonl` (`id, cluster, title, text, source, url,
published`): every cluster of two or more articles is one story, plus one "big" story of ``--big``
BBC articles of one topic (the panel's article cap), to time the worst case. Article panels (the
per-article AI layer, timed by `benchmarks.ai`) are made first and timed apart; then for each story the
story panel is made from them (`stories.insights.story_panel`), its stored page rendered, and questions
asked (`stories.insights.ask`). Prints one JSON object; note the load average beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "clusters" / "gedikli-energy-story-chains"
BBC = REPO_ROOT.parent / "shared" / "data" / "bbc-news" / "bbc_news.jsonl"
sys.path.insert(0, str(REPO_ROOT / "src"))
QUESTIONS = [
    "How much will it cost?",
    "When will it start?",
    "Who is involved?",
    "Where is it?",
    "How many jobs are created?",
]


def percentiles_ms(xs: list[float]) -> dict[str, float]:
    """p50 and p95 of durations in seconds, in milliseconds."""
    a = np.array(xs) * 1000
    return {"p50_ms": round(float(np.percentile(a, 50)), 1), "p95_ms": round(float(np.percentile(a, 95)), 1)}


def _published(value: str) -> datetime:
    try:
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime(2021, 6, 1, tzinfo=UTC)
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def run(data: Path, big: int, questions: int, max_stories: int) -> dict[str, Any]:
    os.environ.update(
        NEWSDESK_HOME=tempfile.mkdtemp(prefix="newsdesk-storypanel-"),
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        NEWSDESK_ALLOWED_HOSTS="testserver",  # the host name Django's test client sends
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from newsdesk.articles.insights import panel_for
    from newsdesk.articles.models import FINAL_STAGE, Article
    from newsdesk.sources.models import Source
    from newsdesk.stories.insights import ask, story_panel
    from newsdesk.stories.models import Story

    call_command("migrate", verbosity=0)
    rows = [json.loads(line) for line in (data / "articles.jsonl").read_text().splitlines() if line.strip()]
    clusters: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        clusters.setdefault(r["cluster"], []).append(r)
    groups = sorted((g for g in clusters.values() if len(g) >= 2), key=len, reverse=True)[:max_stories]
    if BBC.exists() and big:
        bbc = [json.loads(line) for line in BBC.read_text().splitlines() if line.strip()]
        topic = [dict(r, source=f"outlet-{i % 8}", published="2005-03-01T09:00:00+00:00") for i, r in
                 enumerate(x for x in bbc if x["topic"] == "tech")][:big]  # fmt: skip
        groups.append(topic)

    stories = []
    for n, group in enumerate(groups):
        story = Story.objects.create(headline=group[0]["title"][:1000])
        for k, r in enumerate(group):
            host = str(r.get("source") or "unknown")
            source, _ = Source.objects.get_or_create(
                canonical_url=f"https://{host}/feed", defaults={"url": f"https://{host}/feed", "title": host}
            )
            Article.objects.create(
                source=source, guid=f"{n}-{k}", canonical_url=f"https://{host}/{n}-{k}",
                title=r["title"][:1000],
                text=r["text"], published_at=_published(str(r.get("published") or "")),
                content_fingerprint=f"{n}-{k}", stage=FINAL_STAGE, story=story,
            )  # fmt: skip
        stories.append((story, len(group)))

    started = time.perf_counter()
    for a in Article.objects.select_related("source"):
        panel_for(a)
    article_panels_s = time.perf_counter() - started

    compute, render, asking, sizes, sentences = [], [], [], [], []
    client = Client()
    big_story = None
    for story, size in stories:
        t = time.perf_counter()
        insight = story_panel(story)
        compute.append(time.perf_counter() - t)
        sizes.append(size)
        sentences.append(len(insight.passages) if insight else 0)
        if size == big and big:
            big_story = (story, compute[-1], sentences[-1])
        t = time.perf_counter()
        assert client.get(f"/story/{story.pk}/").status_code == 200
        render.append(time.perf_counter() - t)
    answered = 0
    for i in range(questions):
        story, _ = stories[i % len(stories)]
        t = time.perf_counter()
        result = ask(story, QUESTIONS[i % len(QUESTIONS)])
        asking.append(time.perf_counter() - t)
        answered += bool(result and result.answer.answerable)
    return {
        "benchmark": "story_panel",
        "data": str(data),
        "stories": len(stories),
        "articles": sum(sizes),
        "article_panels_s": round(article_panels_s, 2),
        "story_panel_compute": percentiles_ms(compute),
        "big_story": {"articles": big, "sentences": big_story[2], "compute_ms": round(big_story[1] * 1000, 1)}
        if big_story
        else None,
        "stored_story_page": percentiles_ms(render),
        "ask": percentiles_ms(asking) | {"questions": questions, "answered": answered},
        "loadavg": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--big", type=int, default=24, help="articles in the synthetic big story (0: none)")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--stories", type=int, default=10, help="at most this many stories, largest first")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.data, args.big, args.questions, args.stories)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
