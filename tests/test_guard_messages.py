"""Refusals of the network guard tell readers nothing about the private network (issue 14, Low).

The attacks: a reader points a webhook at internal names and reads the delivery log to learn which
names exist and what they resolve to; a hostile feed (shown on the public sources pages) does the same
through its redirects. This machine's own name resolves to a private address, as an internal name
would; `no-such-host.invalid` resolves to nothing.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsdesk.flow.refresh import refresh_source
from newsdesk.pipeline import netguard
from newsdesk.readers.models import Profile
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.webhooks import delivery
from newsdesk.webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def internal_name(settings) -> tuple[str, set[str]]:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = False
    reset_fetcher()
    name = socket.gethostname()
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)}
    except OSError:
        pytest.skip("this machine's host name does not resolve")
    if not any(netguard.blocked_reason(ipaddress.ip_address(a.split("%")[0])) for a in addresses):
        pytest.skip("this machine's host name resolves to a public address")
    yield name, addresses
    reset_fetcher()


def test_a_readers_webhook_log_does_not_tell_internal_names_apart(internal_name) -> None:
    name, addresses = internal_name
    mallory = User.objects.create_user("mallory", "m@example.org", "pw-mallory-123")
    Profile.objects.create(user=mallory, email_verified=True)
    errors = []
    for url in (f"http://{name}:9/hook", "http://no-such-host.invalid/hook"):
        hook = Webhook.objects.create(user=mallory, url=url, on_new_story=True)
        d = Delivery.objects.create(hook=hook, event="story.new", event_key="story.new:1", payload={})
        delivery.deliver(d.pk)
        errors.append(d.log.get().error)
    client = Client()
    client.force_login(mallory)
    page = client.get("/settings/webhooks/").content.decode()
    assert errors[0] == errors[1] and "network guard" in errors[0], errors
    assert not [a for a in addresses if a in page], "the resolved address is on the reader's page"


def test_a_feeds_refusal_on_the_public_pages_names_no_private_address(internal_name) -> None:
    name, addresses = internal_name
    url = f"http://{name}:9/feed.xml"
    source = Source.objects.create(url=url, canonical_url=url, title="Redirected inward")
    refresh_source(source)
    source.refresh_from_db()
    assert source.last_error_kind == "blocked_address"
    shown = Client().get(f"/source/{source.pk}/").content.decode()
    shown += Client().get(f"/api/sources/{source.pk}/health").content.decode()
    assert "private" in shown or "loopback" in shown
    assert not [a for a in addresses if a in shown], shown[:300]
