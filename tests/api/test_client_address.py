"""Rate limits behind the documented proxy (issue 14, item 5).

Behind Caddy every request arrives from the proxy's address. The attack: one client uses up a
per-address limit (wrong passwords, comments) and so locks out every other reader. With the shipped
deployment (docs/deploy.md's compose file) each limiter sees the real client, through one function.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from newsdesk.api import tokens
from newsdesk.readers.models import Profile

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"  # every request reaches the app from the proxy


def _compose_environment() -> dict[str, str]:
    """The environment every newsdesk service gets in docs/deploy.md's compose file."""
    doc = (ROOT / "docs" / "deploy.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert block, "docs/deploy.md has a compose file"
    compose = yaml.safe_load(block.group(1))
    return {k: str(v) for k, v in compose["x-newsdesk"]["environment"].items()}


def _via_proxy(client_address: str) -> dict[str, str]:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


@pytest.mark.django_db
def test_with_the_shipped_compose_settings_one_clients_failed_logins_lock_out_only_that_client(
    settings,
) -> None:
    env = _compose_environment()
    assert env.get("NEWSDESK_CLIENT_IP_HEADER"), "the compose example must say where the client address is"
    settings.NEWSDESK_CLIENT_IP_HEADER = env["NEWSDESK_CLIENT_IP_HEADER"]
    settings.NEWSDESK_LOGIN_FAILURES_IP = "20/900"
    settings.NEWSDESK_LOGIN_FAILURES_ACCOUNT = "1000/900"
    User.objects.create_user("someone", "someone@example.org", "right-password-123")
    attacker = [
        Client()
        .post(
            reverse("accounts:login"),
            {"username": f"guess{i}", "password": "wrong"},
            **_via_proxy("198.51.100.7"),
        )
        .status_code
        for i in range(21)
    ]
    assert attacker[-1] == 429, "the attacking address is throttled"
    reader = Client().post(
        reverse("accounts:login"),
        {"username": "someone", "password": "right-password-123"},
        **_via_proxy("203.0.113.9"),
    )
    assert reader.status_code == 302, "another reader behind the same proxy still logs in"


def test_one_clients_api_comments_do_not_use_up_another_clients_limit(world, settings) -> None:
    settings.NEWSDESK_CLIENT_IP_HEADER = "X-Forwarded-For"  # as sent, or as Django's META key
    settings.NEWSDESK_COMMENT_RATE_IP = "2/60"
    settings.NEWSDESK_COMMENT_RATE_USER = "50/60"
    other = User.objects.create_user("other-reader")
    _, other_token = tokens.create_token(other, "tests")
    for user in (world.reader, other):
        Profile.objects.update_or_create(user=user, defaults={"email_verified": True})
    url = f"/api/stories/{world.stories[0].pk}/comments"

    def post(token: str, address: str, n: int) -> int:
        return (
            Client(headers={"Authorization": f"Bearer {token}"})
            .post(
                url, {"body": f"Comment number {n}"}, content_type="application/json", **_via_proxy(address)
            )
            .status_code
        )

    assert [post(world.token, "198.51.100.7", n) for n in range(3)] == [201, 201, 429]
    assert post(other_token, "203.0.113.9", 9) == 201


def test_every_limiter_reads_the_client_address_through_one_function() -> None:
    # A read, not the assignment by which webthreads.py builds a request's environ.
    reads = re.compile(r"""["'](REMOTE_ADDR|HTTP_X_FORWARDED_FOR|X-Forwarded-For)["'](?!\]\s*=[^=])""", re.I)
    readers = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "src" / "newsdesk").rglob("*.py")
        if reads.search(p.read_text())
    ]
    assert readers == ["src/newsdesk/readers/ratelimit.py"], readers
