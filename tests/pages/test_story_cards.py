"""A story card names the outlet of the report whose headline it shows, with that report's opening."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from newsdesk.readers import changes
from tests.readers import builders

pytestmark = pytest.mark.django_db


def _card(page: str, headline: str) -> str:
    cards = re.findall(r'<li class="story-card.*?</li>', page, flags=re.S)
    return next(c for c in cards if headline in c)


def _front_card_muting(client: Client, outlet: str, headline: str) -> str:
    """The front page's card of `headline` for a reader signed in who mutes `outlet`."""
    reader = User.objects.create_user("jo")
    changes.mute(reader, "source", str(builders.source(outlet).pk))
    client.force_login(reader)
    return _card(client.get("/").content.decode(), headline)


def test_the_card_names_the_outlet_whose_headline_it_shows(client: Client) -> None:
    # Harbour Times' report is the headline; Coast Post's report came ten minutes earlier.
    builders.story("Harbour bridge reopens", ["Harbour Times", "Coast Post"])
    anonymous = _card(client.get("/").content.decode(), "Harbour bridge reopens")
    reader = User.objects.create_user("jo")
    changes.mute(reader, "keyword", "volcano")  # a reader with a mute gets cards made per reader
    client.force_login(reader)
    signed_in = _card(client.get("/").content.decode(), "Harbour bridge reopens")
    for card in (anonymous, signed_in):
        assert "Harbour Times on harbour bridge reopens." in card
        assert '<span class="name">Harbour Times</span>' in card
        assert "Coast Post" not in card


def test_without_the_headlines_report_a_card_shows_its_own_reports_title(client: Client) -> None:
    # A reader who mutes the outlet whose headline the story took sees the other outlet's report,
    # under that report's own title: never one outlet's headline beside another's name.
    builders.story("Harbour bridge reopens", ["Harbour Times", "Coast Post"])
    card = _front_card_muting(client, "Harbour Times", "Harbour bridge reopens")
    assert re.search(r'<a class="title"[^>]*>Harbour bridge reopens \(Coast Post\)</a>', card)
    assert '<span class="name">Coast Post</span>' in card and "Harbour Times" not in card


def test_a_card_shows_a_report_before_an_opinion_piece(client: Client) -> None:
    # The headline's outlet is muted; of the two reports left, the older is a columnist's view.
    story = builders.story("Harbour bridge reopens", ["Harbour Times", "Coast Post", "Bay Herald"])
    story.articles.filter(source__title="Bay Herald").update(
        title="Opinion | The bridge should never have shut"
    )
    card = _front_card_muting(client, "Harbour Times", "Harbour bridge reopens")
    assert re.search(r'<a class="title"[^>]*>Harbour bridge reopens \(Coast Post\)</a>', card)
    assert '<span class="name">Coast Post</span>' in card and "Opinion" not in card


def test_for_you_and_top_8_cards_show_their_reports_outlet_like_the_front_pages(client: Client) -> None:
    builders.story("Harbour bridge reopens", ["Harbour Times", "Coast Post"])
    reader = User.objects.create_user("jo")
    changes.follow(reader, "topic", "bridge")
    client.force_login(reader)
    for path in ("/for-you/", "/briefing/"):
        card = _card(client.get(path).content.decode(), "Harbour bridge reopens")
        assert '<span class="name">Harbour Times</span>' in card, path
        assert "Coast Post" not in card, path  # the opening (For you) or cited summary (Top 8) is its own
        assert "Because you follow the topic bridge" in card, path
    page = client.get("/briefing/").content.decode()
    assert "of the last 24 hours" in page and "2 articles in 24 hours" in page and "today" not in page


def test_a_quiet_sites_top_8_says_when_its_day_was(client: Client) -> None:
    # Nothing in the last day (an archive, a quiet site): the Top 8 is of the day up to the newest news,
    # and says which day that was, never "the 24 hours to 3 days ago".
    when = timezone.now() - timedelta(days=3)
    builders.story("Harbour bridge reopens", ["Harbour Times", "Coast Post"], when=when)
    page = client.get("/briefing/").content.decode()
    assert "Harbour bridge reopens" in page and "last 24 hours" in page
    assert "up to the newest news, " + date_format(timezone.localtime(when), "j F Y \\a\\t H:i") in page
    assert "days ago</time>" not in page.split("<ol")[0]
