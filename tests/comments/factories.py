"""Small builders for accounts, stories and articles used by the comment and account tests."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils import timezone

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.comments.roles import grant
from newsdesk.readers.models import Profile
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story

PASSWORD = "correct-horse-battery-9"


def make_user(name: str, *, verified: bool = True, age_hours: float = 72, role: str = "reader"):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", PASSWORD)
    user.date_joined = timezone.now() - timedelta(hours=age_hours)
    user.save(update_fields=["date_joined"])
    Profile.objects.create(user=user, email_verified=verified)
    grant(user, role)
    return user


def make_story(
    headline: str = "Council approves the new budget", articles: int = 1
) -> tuple[Story, list[Article]]:
    story = Story.objects.create(headline=headline, article_count=articles, source_count=articles)
    made = []
    for i in range(articles):
        tag = uuid.uuid4().hex[:10]
        source = Source.objects.create(
            url=f"https://outlet{i}.example/feed",
            canonical_url=f"outlet{i}.example/feed/{tag}",
            title=f"Outlet {i}",
        )
        made.append(
            Article.objects.create(
                source=source,
                guid=tag,
                url=f"https://outlet{i}.example/{i}",
                canonical_url=f"outlet{i}.example/{tag}",
                title=f"{headline} ({i})",
                text="The council approved the budget on Monday after a long debate.",
                published_at=timezone.now() - timedelta(hours=1),
                stage=FINAL_STAGE,
                story=story,
            )
        )
    return story, made


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with small costs: the tests exercise the real hasher without 100 MiB per log-in."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


QUICK_HASHERS = ["tests.comments.factories.QuickArgon2PasswordHasher"]


@pytest.fixture
def quick_password_hashing(settings) -> None:
    """Argon2 still (hashes start with "argon2$"), at costs that suit a 2-core test machine."""
    settings.PASSWORD_HASHERS = QUICK_HASHERS
