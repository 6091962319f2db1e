"""/metrics in the Prometheus text format.

Counts that live in the database are read from it at scrape time (one GROUP BY each), so they
are right whatever process did the work: articles per stage, sources by health, recorded fetch
attempts by result and their latency histogram, pipeline lag, stories, webhook deliveries, queue
depth and heartbeat age. What only a process sees (HTTP latency by route, AI panel latency, fetches
since start) is summed over every process's files by prometheus-client's multiprocess collector.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from newsdesk.articles.models import FINAL_STAGE, Article, Insight, Stage
from newsdesk.runtime import instruments  # noqa: F401  (declares this process's metrics)
from newsdesk.runtime.health import queue_depth
from newsdesk.runtime.models import Heartbeat
from newsdesk.sources.models import FetchAttempt, Source
from newsdesk.stories.models import Story
from newsdesk.webhooks.models import Delivery, Webhook

FETCH_BUCKETS_S = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class DatabaseCollector:
    """Gauges computed from the database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        by_stage = dict(
            Article.objects.values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
        )
        articles = GaugeMetricFamily("newsdesk_articles", "Articles by pipeline stage.", labels=["stage"])
        for stage in Stage:
            articles.add_metric([stage.value], by_stage.get(stage.value, 0))
        yield articles
        yield GaugeMetricFamily(
            "newsdesk_articles_duplicates",
            "Articles marked as a copy of another.",
            value=Article.objects.filter(duplicate_of__isnull=False).count(),
        )
        yield GaugeMetricFamily(
            "newsdesk_articles_waiting_retry",
            "Unfinished articles whose last step failed and waits to be tried again.",
            value=Article.objects.exclude(stage=FINAL_STAGE).filter(retry_at__gt=now).count(),
        )
        oldest = Article.objects.exclude(stage=FINAL_STAGE).aggregate(t=Min("discovered_at"))["t"]
        yield GaugeMetricFamily(
            "newsdesk_pipeline_lag_seconds",
            "Age of the oldest unfinished article (0 when every article is done).",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        yield from self._sources()
        yield from self._fetches()
        stories = Story.objects.aggregate(n=Count("pk"), multi=Count("pk", filter=Q(source_count__gte=2)))
        family = GaugeMetricFamily(
            "newsdesk_stories", "Stories, and those covered by 2+ outlets.", labels=["kind"]
        )
        family.add_metric(["all"], stories["n"])
        family.add_metric(["multi_outlet"], stories["multi"])
        yield family
        yield GaugeMetricFamily(
            "newsdesk_ai_panels", "Articles with a stored AI panel.", value=Insight.objects.count()
        )
        deliveries = GaugeMetricFamily(
            "newsdesk_webhook_deliveries", "Webhook deliveries by status.", labels=["status"]
        )
        counts = dict(
            Delivery.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        for status in Delivery.Status:
            deliveries.add_metric([status.value], counts.get(status.value, 0))
        yield deliveries
        yield GaugeMetricFamily(
            "newsdesk_webhooks_disabled",
            "Webhooks turned off after failing.",
            value=Webhook.objects.filter(active=False).exclude(disabled_reason="").count(),
        )
        yield from self._worker(now)

    def _sources(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("newsdesk_sources", "Sources by health.", labels=["health"])
        counts = {"new": 0, "healthy": 0, "failing": 0, "paused": 0}
        rows = Source.objects.values_list("active", "last_fetch_at", "consecutive_failures")
        for active, fetched, failures in rows:
            health = (
                "paused" if not active else "new" if fetched is None else "failing" if failures else "healthy"
            )
            counts[health] += 1
        for health, n in counts.items():
            family.add_metric([health], n)
        yield family

    def _fetches(self) -> Iterator[Metric]:
        results = GaugeMetricFamily(
            "newsdesk_fetch_attempts",
            "Recorded feed fetch attempts (the recent history kept per source) by result.",
            labels=["result"],
        )
        rows = FetchAttempt.objects.values_list("ok", "error_kind").annotate(n=Count("pk"))
        merged: dict[str, int] = {}
        for ok, kind, n in rows.values_list("ok", "error_kind", "n"):
            key = "ok" if ok else (kind or "error")
            merged[key] = merged.get(key, 0) + n
        for key, n in sorted(merged.items()):
            results.add_metric([key], n)
        yield results
        aggregates = {
            f"le{i}": Count("pk", filter=Q(duration_ms__lte=b * 1000)) for i, b in enumerate(FETCH_BUCKETS_S)
        }
        stats = FetchAttempt.objects.aggregate(n=Count("pk"), total_ms=Sum("duration_ms"), **aggregates)
        buckets = [(str(b), stats[f"le{i}"]) for i, b in enumerate(FETCH_BUCKETS_S)] + [("+Inf", stats["n"])]
        histogram = HistogramMetricFamily(
            "newsdesk_fetch_duration_seconds", "Duration of recorded feed fetch attempts."
        )
        histogram.add_metric([], buckets, sum_value=(stats["total_ms"] or 0) / 1000)
        yield histogram

    def _worker(self, now: datetime) -> Iterator[Metric]:
        try:
            depth = float(queue_depth())
        except Exception:
            depth = float("nan")
        yield GaugeMetricFamily("newsdesk_queue_depth", "Tasks waiting in the work queue.", value=depth)
        newest = Heartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        yield GaugeMetricFamily(
            "newsdesk_worker_heartbeat_age_seconds",
            "Seconds since the newest worker heartbeat (NaN when no worker ever ran).",
            value=(now - newest).total_seconds() if newest else float("nan"),
        )
        yield GaugeMetricFamily(
            "newsdesk_workers",
            f"Workers that beat within {settings.NEWSDESK_HEARTBEAT_MAX_AGE_S} s.",
            value=Heartbeat.objects.filter(
                beat_at__gte=now - timedelta(seconds=settings.NEWSDESK_HEARTBEAT_MAX_AGE_S)
            ).count(),
        )


def exposition() -> bytes:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(settings.NEWSDESK_METRICS_DIR))
    registry.register(DatabaseCollector())
    return generate_latest(registry)
