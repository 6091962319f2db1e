"""The metrics a process observes itself (request and AI latency), shared across processes.

prometheus-client's multiprocess mode writes each process's samples to files in
PROMETHEUS_MULTIPROC_DIR (settings sets it under NEWSDESK_HOME before this is imported), and
/metrics sums them: the web server and every worker count into the same histograms.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_LATENCY = Histogram(
    "newsdesk_http_request_duration_seconds",
    "Time to answer an HTTP request, by route (the URL pattern's name).",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
AI_LATENCY = Histogram(
    "newsdesk_ai_panel_duration_seconds",
    "Time to make an article's AI panel (summary, facts, entities, timeline).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
FETCHES = Counter(
    "newsdesk_fetches",
    "Feed fetches since the metrics folder was made, by result (ok or the error kind).",
    ["result"],
)
