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
