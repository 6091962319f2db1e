"""Comments through the real views on real SQLite: threads, article comments on the story page,
edit window, delete, report, spam holds, rate limits under a burst, moderation and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk.comments.models import Ban, Comment, ModerationAction, Report
from newsdesk.comments.posting import post_comment
from newsdesk.readers.models import RateEvent
from tests.comments.factories import make_story, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, target: str, body: str, parent: int | None = None, ip: str = "10.1.1.1"):
    data = {"target": target, "body": body}
    if parent:
        data["parent"] = str(parent)
    return client.post(reverse("comments:post"), data, REMOTE_ADDR=ip)


def _page(path: str, user=None) -> str:
    client = _client(user) if user else Client()
    return client.get(path).content.decode()


def test_comment_and_threaded_reply_show_on_the_story_page_with_counts() -> None:
    story, _ = make_story()
    ada, bob = make_user("ada"), make_user("bob")
    response = _post(_client(ada), f"story:{story.pk}", "The **budget** is _late_ again.")
    assert response.status_code == 302
    first = Comment.objects.get()
    assert response["Location"].endswith(f"/story/{story.pk}/#c{first.pk}")
    _post(_client(bob), f"story:{story.pk}", "It was late last year too.", parent=first.pk)
    page = _page(reverse("story", args=[story.pk]))
    assert "The <strong>budget</strong> is <em>late</em> again." in page
    # The reply is nested under its parent's list item.
    parent_li = page.split(f'id="c{first.pk}"', 1)[1]
    assert '<ol class="replies">' in parent_li and "It was late last year too." in parent_li
    assert "Comments <span" in page and "(2)" in page
    front = _page(reverse("front"))
    assert "2 comments" in front


def test_an_articles_comments_appear_on_its_story_page_and_in_the_story_count() -> None:
    story, [a1, a2] = make_story(articles=2)
    ada = make_user("ada")
    _post(_client(ada), f"article:{a1.pk}", "Outlet 0 missed the vote count.")
    _post(_client(ada), f"story:{story.pk}", "Whole-story remark.")
    article_page = _page(reverse("article", args=[a1.pk]))
    assert "Outlet 0 missed the vote count." in article_page and "Whole-story remark." not in article_page
    assert "Outlet 0 missed" not in _page(reverse("article", args=[a2.pk]))
    story_page = _page(reverse("story", args=[story.pk]))
    assert "Outlet 0 missed the vote count." in story_page and "Whole-story remark." in story_page
    assert f'on <a href="/article/{a1.pk}/">Outlet 0\'s article</a>' in story_page
    assert "2 comments" in _page(reverse("front"))


def test_only_verified_accounts_comment_and_anonymous_readers_are_asked_to_log_in() -> None:
    story, _ = make_story()
    unverified = make_user("newbie", verified=False)
    response = _post(_client(unverified), f"story:{story.pk}", "Hello")
    assert response.status_code == 403 and b"Verify your e-mail" in response.content
    assert b"Hello" in response.content, "the text typed is given back, not lost"
    assert not Comment.objects.exists()
    anonymous = Client().post(reverse("comments:post"), {"target": f"story:{story.pk}", "body": "x"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert "Log in to comment." in _page(reverse("story", args=[story.pk]))


def test_markdown_links_are_nofollow_ugc_and_raw_html_is_inert() -> None:
    story, _ = make_story()
    ada = make_user("ada")
    _post(
        _client(ada), f"story:{story.pk}", "See [the report](https://example.org/r) <script>alert(1)</script>"
    )
    page = _page(reverse("story", args=[story.pk]))
    assert '<a href="https://example.org/r" rel="nofollow ugc noopener">the report</a>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_edit_window_then_edits_are_refused() -> None:
    story, _ = make_story()
    ada = make_user("ada")
    client = _client(ada)
    comment = post_comment(ada, story, "Frist!")
    assert client.post(reverse("comments:edit", args=[comment.pk]), {"body": "First!"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "First!" and comment.edited_at is not None
    assert "· edited" in _page(reverse("story", args=[story.pk]))
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    late = client.post(reverse("comments:edit", args=[comment.pk]), {"body": "Changed my mind"})
    assert late.status_code == 403 and b"15 minutes" in late.content
    comment.refresh_from_db()
    assert comment.body == "First!"
    # Someone else cannot edit it at all.
    bob = make_user("bob")
    assert (
        _client(bob).post(reverse("comments:edit", args=[comment.pk]), {"body": "pwned"}).status_code == 404
    )


def test_delete_keeps_a_placeholder_only_where_replies_hang() -> None:
    story, _ = make_story()
    ada, bob = make_user("ada"), make_user("bob")
    lonely = post_comment(ada, story, "Nobody answers this one.")
    parent = post_comment(ada, story, "Answered comment text.")
    post_comment(bob, story, "The answer.", parent=parent)
    client = _client(ada)
    assert _client(bob).post(reverse("comments:delete", args=[lonely.pk])).status_code == 404
    client.post(reverse("comments:delete", args=[lonely.pk]))
    client.post(reverse("comments:delete", args=[parent.pk]))
    assert not Comment.objects.filter(pk=lonely.pk).exists()
    page = _page(reverse("story", args=[story.pk]))
    assert "Nobody answers" not in page and "Answered comment text." not in page
    assert "Deleted by its author." in page and "The answer." in page


def test_spam_signals_hold_comments_for_review() -> None:
    story, _ = make_story()
    veteran, fresh = make_user("veteran"), make_user("fresh", age_hours=0.1)
    many_links = post_comment(veteran, story, "a https://a.example b https://b.example c https://c.example")
    new_account_link = post_comment(fresh, story, "Great deals at https://shop.example")
    text = "Buy the best watches in town, visit our shop today"
    original = post_comment(veteran, story, text)
    repeated = post_comment(veteran, story, text.upper() + "!!!")
    ok = post_comment(fresh, story, "A fair point about the council's timetable.")
    assert original.status == ok.status == Comment.Status.VISIBLE
    assert [c.status for c in (many_links, new_account_link, repeated)] == [Comment.Status.HELD] * 3
    assert "3 links" in many_links.held_reason
    assert "account less than 24 hours old" in new_account_link.held_reason
    assert "same text" in repeated.held_reason
    page = _page(reverse("story", args=[story.pk]))
    assert "watches" in page and "shop.example" not in page and "a.example" not in page
    # The author sees their own held comment, marked; the queue lists all three with reasons.
    assert "Awaiting review" in _page(reverse("story", args=[story.pk]), fresh)
    mod = make_user("mod", role="moderator")
    queue = _page(reverse("comments:queue"), mod)
    assert all(f'id="q{c.pk}"' in queue for c in (many_links, new_account_link, repeated))
    assert ModerationAction.objects.filter(action="hold", actor__isnull=True).count() == 3


def test_comment_rate_limit_per_user_holds_under_a_burst_and_says_when_to_retry(settings) -> None:
    settings.NEWSDESK_COMMENT_RATE_USER = "5/60"
    story, _ = make_story()
    ada = make_user("ada")
    client = _client(ada)
    statuses = []
    last = None
    for i in range(15):
        last = _post(
            client, f"story:{story.pk}", f"Burst comment number {i} about the budget", ip=f"10.2.0.{i}"
        )
        statuses.append(last.status_code)
    assert statuses == [302] * 5 + [429] * 10
    assert Comment.objects.count() == 5
    assert 1 <= int(last["Retry-After"]) <= 60
    body = last.content.decode()
    assert (
        "Too many comments from this account" in body and "Try again in " in body and " seconds (at " in body
    )
    assert "Burst comment number 14" in body, "the refused text is given back"
    # Refused attempts are not counted: after the window, posting works again.
    RateEvent.objects.update(at=timezone.now() - timedelta(seconds=61))
    assert _post(client, f"story:{story.pk}", "After the pause").status_code == 302


def test_comment_rate_limit_per_address_across_accounts(settings) -> None:
    settings.NEWSDESK_COMMENT_RATE_IP = "4/60"
    story, _ = make_story()
    clients = [_client(make_user(f"sock{i}")) for i in range(6)]
    statuses = [
        _post(c, f"story:{story.pk}", f"Sock puppet {i} agrees", ip="192.0.2.9").status_code
        for i, c in enumerate(clients)
    ]
    assert statuses == [302] * 4 + [429] * 2
    assert _post(clients[5], f"story:{story.pk}", "From home", ip="192.0.2.10").status_code == 302


def test_report_then_moderator_hides_restores_and_bans_with_an_audit_log() -> None:
    story, _ = make_story()
    ada, bob, mod = make_user("ada"), make_user("bob"), make_user("mod", role="moderator")
    comment = post_comment(ada, story, "You are all idiots.")
    # Readers cannot moderate.
    assert (
        _client(bob).post(reverse("comments:decide", args=[comment.pk]), {"action": "hide"}).status_code
        == 403
    )
    assert (
        _client(ada).post(reverse("comments:report", args=[comment.pk]), {"reason": "abuse"}).status_code
        == 400
    )
    response = _client(bob).post(
        reverse("comments:report", args=[comment.pk]), {"reason": "abuse", "note": "insult"}
    )
    assert response.status_code == 302 and Report.objects.filter(resolved_at__isnull=True).count() == 1
    queue = _page(reverse("comments:queue"), mod)
    assert f'id="q{comment.pk}"' in queue and "Abuse or harassment" in queue and "insult" in queue
    mod_client = _client(mod)
    mod_client.post(reverse("comments:decide", args=[comment.pk]), {"action": "hide", "reason": "insults"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert "You are all idiots." not in _page(reverse("story", args=[story.pk]))
    assert "You are all idiots." not in _page(reverse("story", args=[story.pk]), bob)
    assert "Hidden by a moderator." in _page(reverse("story", args=[story.pk]), mod)
    queue = _page(reverse("comments:queue"), mod)
    assert f'id="q{comment.pk}"' not in queue and f'id="h{comment.pk}"' in queue
    log = _page(reverse("comments:log"), mod)
    assert "Hidden" in log and "insults" in log and "You are all idiots." in log and "mod" in log
    assert "0 comments" in _page(reverse("front"))
    mod_client.post(reverse("comments:decide", args=[comment.pk]), {"action": "restore"})
    assert "You are all idiots." in _page(reverse("story", args=[story.pk]))
    mod_client.post(
        reverse("comments:ban", args=[ada.pk]),
        {"days": "7", "reason": "repeat insults", "hide_comments": "on"},
    )
    ban = Ban.objects.get(user=ada)
    assert ban.active and ban.until > timezone.now() + timedelta(days=6)
    refused = _post(_client(ada), f"story:{story.pk}", "Let me back in")
    assert refused.status_code == 403 and b"You may not comment until" in refused.content
    assert "You are all idiots." not in _page(reverse("story", args=[story.pk]))
    actions = list(ModerationAction.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["hide", "restore", "ban", "hide"]
    mod_client.post(reverse("comments:ban", args=[ada.pk]), {"action": "unban"})
    assert _post(_client(ada), f"story:{story.pk}", "Sorry about that.").status_code == 302


def test_three_reports_hold_a_comment_until_a_moderator_decides() -> None:
    story, _ = make_story()
    ada = make_user("ada")
    comment = post_comment(ada, story, "Contentious but fine.")
    for name in ("r1", "r2", "r3"):
        _client(make_user(name)).post(reverse("comments:report", args=[comment.pk]), {"reason": "spam"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD and "reported by 3 readers" in comment.held_reason
    assert "Contentious but fine." not in _page(reverse("story", args=[story.pk]))
    _client(make_user("mod", role="moderator")).post(
        reverse("comments:decide", args=[comment.pk]), {"action": "restore"}
    )
    assert "Contentious but fine." in _page(reverse("story", args=[story.pk]))
    assert Report.objects.filter(resolved_at__isnull=True).count() == 0


def test_hostile_form_input_gets_a_clear_error() -> None:
    story, _ = make_story()
    client = _client(make_user("ada"))
    assert _post(client, "story:999999", "x").status_code == 404
    assert _post(client, "bogus", "x").status_code == 404
    assert _post(client, f"story:{story.pk}", "   ").status_code == 400
    too_long = _post(client, f"story:{story.pk}", "x" * 10_001)
    assert too_long.status_code == 400 and b"at most 10,000 characters" in too_long.content
    other_story, _ = make_story("Another story")
    parent = post_comment(make_user("bob"), other_story, "Elsewhere")
    assert _post(client, f"story:{story.pk}", "cross-thread", parent=parent.pk).status_code == 400
    assert Comment.objects.count() == 1
