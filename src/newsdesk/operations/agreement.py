"""Do /metrics and `newsdesk status --json` tell the same story? (used by the ingest benchmark)."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """A scrape's samples by name, each keyed by its sorted labels."""
    out: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, {})[tuple(sorted(s.labels.items()))] = s.value
    return out


def mismatches(metrics_text: str, status: dict[str, Any]) -> list[str]:
    """Every count the two disagree on, in words (empty when they agree)."""
    m = samples(metrics_text)
    found: list[str] = []

    def same(what: str, metric: float | None, expected: float) -> None:
        if metric is None or metric != expected:
            found.append(f"{what}: metrics {metric}, status {expected}")

    stages = {dict(k).get("stage"): v for k, v in m.get("newsdesk_articles", {}).items()}
    for stage, n in status["articles"]["by_stage"].items():
        same(f"articles in stage {stage}", stages.get(stage), n)
    same("duplicates", m.get("newsdesk_articles_duplicates", {}).get(()), status["articles"]["duplicates"])
    same(
        "articles waiting to retry",
        m.get("newsdesk_articles_waiting_retry", {}).get(()),
        status["articles"]["failed_waiting_retry"],
    )
    health = {dict(k).get("health"): v for k, v in m.get("newsdesk_sources", {}).items()}
    same("healthy sources", health.get("healthy"), status["sources"]["healthy"])
    same("failing sources", health.get("failing"), status["sources"]["failing"])
    same("sources", sum(health.values()), status["sources"]["total"])
    return found
