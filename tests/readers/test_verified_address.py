"""App passwords and webhooks need a confirmed e-mail address (issue 14, item 2).

The attack: sign up with any address (no confirmation), then make an app password or a webhook. Both
are refused until the address is confirmed, and a hook made by an unconfirmed account gets no event.
"""

from __future__ import annotations

import pytest
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.readers.models import Profile
from newsdesk.readersync.models import AppCredential
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story
from newsdesk.webhooks import events
from newsdesk.webhooks.models import Delivery, Webhook
from tests.comments.factories import make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_unconfirmed_account_gets_no_app_password() -> None:
    mallory = make_user("mallory", verified=False)
    client = _client(mallory)
    page = client.get("/settings/apps/")
    assert page.status_code == 403 and b"Confirm your e-mail address first" in page.content
    made = client.post("/settings/apps/", {"action": "app_password"})
    assert made.status_code == 403
    fever = client.post("/settings/apps/", {"action": "fever", "fever_password": "fever-secret-42"})
    assert fever.status_code == 403
    assert not AppCredential.objects.filter(user=mallory).exclude(app_password="", fever_key_hash="").exists()
    # Once the address is confirmed the same request works.
    Profile.objects.filter(user=mallory).update(email_verified=True)
    ok = client.post("/settings/apps/", {"action": "app_password"})
    assert ok.status_code == 200 and AppCredential.objects.get(user=mallory).app_password


def test_an_unconfirmed_account_makes_no_webhook_and_its_old_hooks_get_no_events() -> None:
    mallory = make_user("mallory", verified=False)
    client = _client(mallory)
    refused = client.post(
        "/settings/webhooks/", {"action": "create", "url": "https://victim.example/", "on_new_story": "on"}
    )
    assert refused.status_code == 403 and not Webhook.objects.filter(user=mallory).exists()
    # A hook from before the rule (or made another way) stays silent while its owner is unconfirmed.
    old = Webhook.objects.create(user=mallory, url="https://victim.example/", on_new_story=True)
    trusted = make_user("trusted")
    kept = Webhook.objects.create(user=trusted, url="https://hooks.example/", on_new_story=True)
    site_wide = Webhook.objects.create(user=None, url="https://ops.example/", on_new_story=True)
    source = Source.objects.create(url="https://x.example/f", canonical_url="https://x.example/f", title="X")
    article = Article.objects.create(source=source, guid="1", title="Hello")
    story = Story.objects.create(headline="Hello", source_count=1, article_count=1)
    made = events.emit(article.pk, story.pk, True, 0)
    assert {d.hook_id for d in made} == {kept.pk, site_wide.pk}
    assert not Delivery.objects.filter(hook=old).exists()
    # Confirmed: the page and the form work.
    assert _client(trusted).get("/settings/webhooks/").status_code == 200
