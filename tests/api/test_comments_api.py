"""Comments through the API: the comments app's rules, the API's error bodies (runs where that app is)."""

from __future__ import annotations

import pytest
from django.test import Client

from newsdesk.readers.models import Profile

Comment = pytest.importorskip("newsdesk.comments.models", reason="no comments app in this build").Comment


@pytest.fixture
def verified(world):
    Profile.objects.update_or_create(user=world.reader, defaults={"email_verified": True})
    return Client(headers={"Authorization": f"Bearer {world.token}"})


def test_post_read_and_delete_a_comment(world, verified):
    story = world.stories[0]
    posted = verified.post(
        f"/api/stories/{story.pk}/comments",
        {"body": "Docking *went* well.\nGood."},
        content_type="application/json",
    )
    assert posted.status_code == 201, posted.content
    body = posted.json()
    assert "<em>went</em>" in body["body_html"] and body["author"] == "reader"
    reply = verified.post(
        f"/api/stories/{story.pk}/comments",
        {"body": "Agreed", "parent_id": body["id"]},
        content_type="application/json",
    )
    assert reply.status_code == 201 and reply.json()["parent_id"] == body["id"]
    listed = Client().get(f"/api/stories/{story.pk}/comments").json()
    assert [c["id"] for c in listed] == [body["id"], reply.json()["id"]]
    assert verified.delete(f"/api/comments/{reply.json()['id']}").status_code == 204
    assert [c["id"] for c in Client().get(f"/api/stories/{story.pk}/comments").json()] == [body["id"]]


def test_comment_refusals_are_error_bodies(world, verified):
    story = world.stories[0]
    unverified = Client(headers={"Authorization": f"Bearer {world.staff_token}"})
    refused = unverified.post(
        f"/api/stories/{story.pk}/comments", {"body": "hi"}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "comment_refused"
    assert Client().post(
        f"/api/stories/{story.pk}/comments", {"body": "hi"}, content_type="application/json"
    ).status_code in (401, 403)
    blank = verified.post(
        f"/api/stories/{story.pk}/comments", {"body": "   "}, content_type="application/json"
    )
    assert blank.status_code == 422
    assert not Comment.objects.filter(author=world.staff).exists()


def test_comment_rate_limit_is_429_with_retry_after(world, verified, settings):
    settings.NEWSDESK_COMMENT_RATE_USER = "2/60"
    story = world.stories[1]
    codes = [
        verified.post(
            f"/api/stories/{story.pk}/comments",
            {"body": f"Goal number {i}, what a finish"},
            content_type="application/json",
        ).status_code
        for i in range(3)
    ]
    assert codes[:2] == [201, 201] and codes[2] == 429
    limited = verified.post(
        f"/api/stories/{story.pk}/comments", {"body": "again"}, content_type="application/json"
    )
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
