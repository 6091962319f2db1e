"""/metrics is not open to the world, and a client cannot mint label values (issue 14, Low).

The attacks: read the site's internals from anywhere (it was open by default), and send requests
with made-up HTTP methods so that every one becomes a new time series in every process.
"""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db


def test_without_a_token_only_this_machine_reads_metrics(settings) -> None:
    settings.NEWSDESK_METRICS_TOKEN = ""
    settings.NEWSDESK_CLIENT_IP_HEADER = ""
    assert Client().get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # A proxy on this machine makes every request look local: its header gives it away.
    proxied = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 403
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_with_a_token_anyone_holding_it_reads_metrics(settings) -> None:
    settings.NEWSDESK_METRICS_TOKEN = "s3cret-scrape-token"
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 401
    wrong = Client(headers={"Authorization": "Bearer guess"}).get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert wrong.status_code == 401
    right = Client(headers={"Authorization": "Bearer s3cret-scrape-token"}).get(
        "/metrics", REMOTE_ADDR="203.0.113.9"
    )
    assert right.status_code == 200


def test_made_up_methods_do_not_make_new_series(settings) -> None:
    settings.NEWSDESK_METRICS_TOKEN = ""
    client = Client()
    for i in range(40):
        client.generic(f"X-SPAM-{i}", "/healthz")
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    methods = {
        s.labels["method"]
        for family in text_string_to_metric_families(text)
        if family.name == "newsdesk_http_request_duration_seconds"
        for s in family.samples
    }
    assert "other" in methods and not [m for m in methods if m.startswith("X-SPAM")], methods
