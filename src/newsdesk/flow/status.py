"""What `newsdesk status` and the sources page report: pipeline counts and source health."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils import timezone

from newsdesk.articles.models import FINAL_STAGE, Article, Stage
from newsdesk.sources.models import Source


def collect_status() -> dict[str, Any]:
    now = timezone.now()
    by_stage = dict(Article.objects.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    stages = {stage.value: by_stage.get(stage.value, 0) for stage in Stage}
    sources = []
    for s in Source.objects.annotate(n_articles=Count("articles")).order_by("id"):
        sources.append(
            {
                "id": s.pk,
                "title": s.display_name,
                "url": s.url,
                "kind": s.kind,
                "health": s.health,
                "articles": s.n_articles,
                "last_fetch_at": s.last_fetch_at,
                "last_error": s.last_error,
                "consecutive_failures": s.consecutive_failures,
                "next_fetch_at": s.next_fetch_at,
            }
        )
    return {
        "generated_at": now,
        "articles": {
            "total": sum(stages.values()),
            "by_stage": stages,
            "failed_waiting_retry": Article.objects.exclude(stage=FINAL_STAGE)
            .filter(retry_at__gt=now)
            .count(),
            "duplicates": Article.objects.filter(duplicate_of__isnull=False).count(),
        },
        "sources": {
            "total": len(sources),
            "healthy": sum(1 for s in sources if s["health"] == "healthy"),
            "failing": sum(1 for s in sources if s["health"] == "failing"),
            "list": sources,
        },
    }


def format_status(status: dict[str, Any]) -> str:
    a, s = status["articles"], status["sources"]
    lines = [
        f"articles: {a['total']} ({a['duplicates']} duplicates, {a['failed_waiting_retry']} waiting to retry)"
    ]
    lines += [f"  {stage:<13} {n}" for stage, n in a["by_stage"].items()]
    lines.append(f"sources: {s['total']} ({s['healthy']} healthy, {s['failing']} failing)")
    for src in s["list"]:
        line = f"  #{src['id']:<4} {src['health']:<8} {src['articles']:>6} articles  {src['title'][:60]}"
        if src["last_error"]:
            line += f"\n         {src['last_error']}"
            if src["next_fetch_at"]:
                line += f" — next try {src['next_fetch_at']:%Y-%m-%d %H:%M} UTC"
        lines.append(line)
    return "\n".join(lines)
