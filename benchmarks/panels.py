"""How long until every article and story has its AI panel, with one worker; and a first question's cost.

    python -m benchmarks.panels [--limit 1559] [--data ../shared/data/bbc-news/bbc_news.jsonl]
                                [--questions 8]

Builds a fresh SQLite site, imports the first ``--limit`` BBC articles as `newsdesk import` does (import,
then the pipeline until idle), then runs one worker's panel work back to back, as its minute ticks do:
the article backlog (`articles.insights.make_pending_panels`), the story panels
(`stories.insights.enrich_pending`), then the sentence vectors (`articles.insights.add_pending_vectors`);
it prints the seconds until each was done. (A real worker runs the article and story ticks in two of
its threads at once, so the sum is an upper bound.)

Then the first question on a ~1,000-word article: "before" asks with no stored vectors (the sentences
are embedded and stored on the question, as before issue 17's follow-up); "after" asks with the vectors
stored with the panel (only the question is embedded). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.story_panel import BBC, percentiles_ms

QUESTIONS = [
    "Who is involved?",
    "How much will it cost?",
    "When will it happen?",
    "What did the company say?",
    "Where is it?",
    "How many people are affected?",
    "Why did it happen?",
    "What happens next?",
]


def run(data: Path, limit: int, questions: int) -> dict[str, Any]:
    os.environ.update(
        NEWSDESK_HOME=tempfile.mkdtemp(prefix="newsdesk-panels-"),
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        NEWSDESK_STORY_PANEL_DEBOUNCE_S="0",  # stories settle during the article pass; no wait here
    )
    import django

    django.setup()
    from django.core.management import call_command

    from newsdesk.articles import insights
    from newsdesk.articles.models import Article, Insight, PanelState
    from newsdesk.flow.importing import ImportReport, import_path
    from newsdesk.flow.work import run_until_idle
    from newsdesk.stories import insights as story_insights
    from newsdesk.stories.models import Story, StoryInsight

    call_command("migrate", verbosity=0)
    lines = [line for line in data.read_text().splitlines() if line.strip()][:limit]
    rows = [json.loads(line) for line in lines]
    path = Path(os.environ["NEWSDESK_HOME"]) / "import.jsonl"
    path.write_text("".join(json.dumps(r | {"source": f"BBC {r.get('topic', '')}"}) + "\n" for r in rows))

    t0 = time.perf_counter()
    import_path(path, ImportReport())
    run_until_idle(threads=1)
    pipeline_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    while insights.make_pending_panels(budget_s=50.0):
        pass
    articles_s = time.perf_counter() - t0
    while story_insights.enrich_pending(budget_s=50.0):
        pass
    stories_s = time.perf_counter() - t0
    while insights.add_pending_vectors(budget_s=50.0):
        pass
    vectors_s = time.perf_counter() - t0

    states = {s: Article.objects.filter(panel_state=s).count() for s in PanelState.values}
    stories = Story.objects.filter(article_count__gt=0)
    with_panel = StoryInsight.objects.filter(story__in=stories).count()

    # The first question on a ~1,000-word article, before and after storing the sentence vectors.
    article = min(
        Article.objects.filter(panel_state=PanelState.MADE), key=lambda a: abs(len(a.text.split()) - 1000)
    )
    insight = Insight.objects.get(article=article)
    stored = bytes(insight.vectors)
    before, after = [], []
    for i in range(questions):
        q = QUESTIONS[i % len(QUESTIONS)]
        Insight.objects.filter(pk=insight.pk).update(vectors=None, embedder_name="")
        t = time.perf_counter()
        insights.ask(article, q)
        before.append(time.perf_counter() - t)
        Insight.objects.filter(pk=insight.pk).update(vectors=stored, embedder_name=insight.embedder_name)
        t = time.perf_counter()
        insights.ask(article, q)
        after.append(time.perf_counter() - t)

    return {
        "benchmark": "panels",
        "articles": len(rows),
        "pipeline_s": round(pipeline_s, 1),
        "one_worker": {
            "all_article_panels_s": round(articles_s, 1),
            "all_story_panels_s": round(stories_s, 1),
            "all_sentence_vectors_s": round(vectors_s, 1),
        },
        "article_states": states,
        "stories": stories.count(),
        "stories_with_panel": with_panel,
        "first_question": {
            "article_words": len(article.text.split()),
            "sentences": len(insight.data["sentences"]),
            "before_vectors_stored": percentiles_ms(before),
            "after_vectors_stored": percentiles_ms(after),
        },
        "loadavg": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=BBC)
    parser.add_argument("--limit", type=int, default=1559)
    parser.add_argument("--questions", type=int, default=8)
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"no data at {args.data}")
    print(json.dumps(run(args.data, args.limit, args.questions), indent=2))


if __name__ == "__main__":
    main()
