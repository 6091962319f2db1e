"""The daily Top 8: chosen by coverage and the reader's follows, as a page, an Atom feed and an e-mail
that reaches a real SMTP server on loopback exactly once, whatever the number of workers."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone

from newsdesk.readers.briefing import top_stories
from newsdesk.readers.mailing import send_due_briefings
from newsdesk.readers.models import BriefingDelivery, Follow, Profile
from newsdesk.readers.state import ReaderState, load_state
from newsdesk.readers.tasks import send_briefings
from newsdesk.testing.smtp import LocalSMTPServer, Received, _free_port
from tests.readers import builders

OUTLETS = [f"Outlet {c}" for c in "ABCDEFGHIJKL"]


def _day_of_news() -> list:
    """Ten stories of the last day covered by 1..10 outlets, one wide story two days old."""
    now = timezone.now()
    stories = [
        builders.story(
            f"Event number {n} unfolds", OUTLETS[:n], when=now - timedelta(hours=n), people=[f"Person {n}"]
        )
        for n in range(1, 11)
    ]
    builders.story("Yesterday's giant story", OUTLETS, when=now - timedelta(hours=30))
    return stories


@pytest.mark.django_db
def test_top_8_is_the_widest_coverage_of_the_last_day_and_follows_lift() -> None:
    stories = _day_of_news()
    briefing = top_stories(ReaderState())
    assert [i.story.pk for i in briefing.items] == [s.pk for s in reversed(stories[2:])]  # 10 outlets .. 3
    assert all("giant" not in i.story.headline for i in briefing.items)  # outside the 24 hours
    # Each has a one-paragraph summary citing the sentences of the lead article.
    first = briefing.items[0]
    assert first.summary and first.summary[0].article_id == first.lead.pk
    assert re.fullmatch(re.escape(first.lead.source.title) + r" \d+", first.summary[0].label)

    reader = User.objects.create_user("bo")
    Follow.objects.create(user=reader, kind="entity", key="person-1", label="Person 1")
    mine = top_stories(load_state(reader.pk))
    assert stories[0].pk in [i.story.pk for i in mine.items]  # one outlet, but the reader follows Person 1
    assert stories[2].pk not in [i.story.pk for i in mine.items]
    followed = next(i for i in mine.items if i.story.pk == stories[0].pk)
    assert followed.view.reasons == ["you follow Person 1"]
    assert all(i.view.reasons == [] for i in mine.items if i is not followed)


@pytest.mark.django_db
def test_briefing_page_and_atom_feed(client: Client) -> None:
    stories = _day_of_news()
    page = client.get("/briefing/").content.decode()
    assert page.index(stories[9].headline) < page.index(stories[8].headline)
    assert stories[1].headline not in page and "10 outlets" in page and '<a class="cite"' in page

    # The old address redirects for good, keeping the query; one builder serves every format.
    old = client.get("/briefing/feed.atom?u=abc")
    assert old.status_code == 301 and old["Location"] == "/feeds/briefing.atom?u=abc"
    answer = client.get("/feeds/briefing.atom")
    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10" and len(feed.entries) == 8
    assert feed.entries[0].title == stories[9].headline
    assert feed.entries[0].link.endswith(f"/story/{stories[9].pk}/")
    assert "No. 1 today, 10 outlets" in feed.entries[0].summary and re.search(
        r"\[Outlet [A-J] \d+\]", feed.entries[0].summary
    )
    assert "public" in answer["Cache-Control"]

    # A reader's own feed (signed link from the page) has their follows, in every format, and stays
    # out of shared caches; a forged link is refused.
    reader = User.objects.create_user("cy")
    Follow.objects.create(user=reader, kind="entity", key="person-1", label="Person 1")
    client.force_login(reader)
    page = client.get("/briefing/").content.decode()
    link = re.search(r'href="(/feeds/briefing\.atom\?u=[^"]+)"', page)[1]
    assert stories[0].headline not in [e.title for e in feed.entries]
    own_answer = Client().get(link)
    own = feedparser.parse(own_answer.content)
    assert own.bozo == 0 and stories[0].headline in [e.title for e in own.entries]
    assert own_answer["Cache-Control"].startswith("private")
    token = link.split("?u=")[1]
    as_json = Client().get(f"/feeds/briefing.json?u={token}").json()
    assert stories[0].headline in [i["title"] for i in as_json["items"]]
    # The old personal link still arrives at the same feed.
    via_old = feedparser.parse(Client().get(f"/briefing/feed.atom?u={token}", follow=True).content)
    assert [e.title for e in via_old.entries] == [e.title for e in own.entries]
    assert Client().get("/feeds/briefing.atom?u=1:forged").status_code == 404
    assert Client().get("/feeds/briefing.rss?u=1:forged").status_code == 404


# --- e-mail -----------------------------------------------------------------------------------------


@pytest.fixture
def smtp(smtp_server: LocalSMTPServer, settings) -> LocalSMTPServer:
    """The shared real SMTP server (aiosmtpd on loopback), with links in mail pointing at a public host."""
    settings.NEWSDESK_SITE_URL = "https://news.example"
    return smtp_server


def _to(smtp: LocalSMTPServer) -> list[str]:
    return [r for m in smtp.messages for r in m.rcpt_tos]


def _subscriber(name: str, hour: int, zone: str = "UTC", verified: bool = True) -> User:
    user = User.objects.create_user(name, f"{name}@example.org")
    Profile.objects.create(
        user=user, briefing_email=True, briefing_hour=hour, time_zone=zone, email_verified=verified
    )
    return user


def _body(received: Received) -> str:
    return received.text


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_briefing_exactly_once(smtp: LocalSMTPServer) -> None:
    stories = _day_of_news()
    now = timezone.now()
    due = _subscriber("dee", hour=0)
    Follow.objects.create(user=due, kind="entity", key="person-1", label="Person 1")
    # 23:00 local has not come yet: in UTC, or an hour behind it when it is 23:xx UTC now.
    _subscriber("fay", hour=23, zone="UTC" if now.hour < 23 else "Etc/GMT+1")
    _subscriber("gus", hour=0, verified=False)
    off = User.objects.create_user("hal", "hal@example.org")
    Profile.objects.create(user=off, briefing_email=False, briefing_hour=0, email_verified=True)

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(10)
            send_briefings.call_local()  # the worker's periodic task itself
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert _to(smtp) == ["dee@example.org"]  # once, and to no one else

    letter = smtp.wait_for(1, to="dee@example.org")[0]
    text = _body(letter)
    assert letter.subject.startswith("Your Top 8 for")
    assert stories[9].headline in text and stories[0].headline in text  # widest, and the one followed
    assert f"https://news.example/story/{stories[9].pk}/" in text and "Because you follow Person 1" in text
    assert re.search(r"\[Outlet [A-J] \d+\]", text)  # the cited summary
    assert BriefingDelivery.objects.get(user=due).sent_at is not None

    # The next minute's runs send nothing more today.
    assert send_due_briefings(now + timedelta(minutes=1)) == 0
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_retried_once_the_claim_lapses(smtp: LocalSMTPServer, settings) -> None:
    _day_of_news()
    now = timezone.now()
    user = _subscriber("ida", hour=0)
    settings.EMAIL_PORT = _free_port()  # nobody listens there: the send fails
    assert send_due_briefings(now) == 0
    delivery = BriefingDelivery.objects.get(user=user)
    assert delivery.sent_at is None and delivery.error
    settings.EMAIL_PORT = smtp.port
    assert send_due_briefings(now + timedelta(minutes=1)) == 0  # its claim still holds
    assert send_due_briefings(now + timedelta(minutes=11)) == 1
    assert _to(smtp) == ["ida@example.org"]
    assert BriefingDelivery.objects.get(user=user).attempts == 2


@pytest.mark.django_db
def test_story_panel_summary_is_preferred_when_the_ai_desk_stored_one() -> None:
    from django.apps import apps

    try:
        story_insight = apps.get_model("stories", "StoryInsight")
    except LookupError:
        pytest.skip("no story panel model in this tree yet")
    stories = _day_of_news()
    wide = stories[9]
    second = wide.articles.order_by("-published_at").first()
    story_insight.objects.create(
        story=wide,
        members_fingerprint="x",
        data={
            "summary": [
                {
                    "text": "Ten newsrooms agree on it.",
                    "sentence_index": 4,
                    "article_id": str(second.pk),
                    "source": "Outlet B",
                }
            ]
        },
    )
    item = next(i for i in top_stories(ReaderState()).items if i.story.pk == wide.pk)
    assert [(c.text, c.label, c.article_id) for c in item.summary] == [
        ("Ten newsrooms agree on it.", "Outlet B 5", second.pk)
    ]
