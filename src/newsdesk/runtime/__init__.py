"""Runtime: what every layer above shares while running, built from settings.

Leases and named locks (coordination.py), the worker's heartbeat (health.py), the process-wide
fetcher, embedder and optional LLM, Prometheus instruments and JSON logs. It imports no domain app
(sources, articles, …) and nothing above; only `pipeline/` and Django.
"""
