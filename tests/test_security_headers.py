"""The Content-Security-Policy header: on every HTML page (errors too), not on feeds or JSON."""

from __future__ import annotations

import pytest
from django.test import Client

from newsdesk.security import POLICY

pytestmark = pytest.mark.django_db


def test_html_pages_carry_the_policy_and_data_does_not() -> None:
    c = Client()
    for path in ("/", "/sources/", "/accounts/login/", "/api/docs", "/admin/login/", "/no-such-page/"):
        response = c.get(path)
        assert response["Content-Type"].startswith("text/html"), path
        assert response["Content-Security-Policy"] == POLICY, path
    assert "frame-ancestors 'none'" in POLICY and "script-src 'self';" in POLICY
    for path in ("/feeds/front.atom", "/api/openapi.json", "/healthz"):
        assert "Content-Security-Policy" not in c.get(path), path
