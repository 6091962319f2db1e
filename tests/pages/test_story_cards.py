"""A story card names the outlet of the report whose headline it shows, with that report's opening."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsdesk.readers import changes
from tests.readers import builders

pytestmark = pytest.mark.django_db


def _card(page: str, headline: str) -> str:
    cards = re.findall(r'<li class="story-card.*?</li>', page, flags=re.S)
    return next(c for c in cards if headline in c)


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
    reader = User.objects.create_user("jo")
    changes.mute(reader, "source", str(builders.source("Harbour Times").pk))
    client.force_login(reader)
    card = _card(client.get("/").content.decode(), "Harbour bridge reopens")
    assert re.search(r'<a class="title"[^>]*>Harbour bridge reopens \(Coast Post\)</a>', card)
    assert '<span class="name">Coast Post</span>' in card and "Harbour Times" not in card
