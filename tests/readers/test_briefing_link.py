"""A personal briefing feed link does not last for ever (issue 14, Low).

The link shows what its reader follows (their Top 8 is lifted by it) to whoever holds it. The
attacks: a link copied once keeps working years later, and after the reader changed their password
because it leaked. It now ends after NEWSDESK_BRIEFING_LINK_DAYS and with a password change.
"""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsdesk.readers import briefing
from tests.comments.factories import quick_password_hashing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_password_hashing")]
__all__ = ["quick_password_hashing"]


def _own_link(user) -> str:
    client = Client()
    client.force_login(user)
    page = client.get("/briefing/").content.decode()
    return re.search(r'href="(/feeds/briefing\.atom\?u=[^"]+)"', page)[1]  # type: ignore[index]


def _personal(link: str) -> bool:
    answer = Client().get(link)
    return answer.status_code == 200 and b"Top 8, yours" in answer.content


def test_a_link_ends_after_its_days(settings) -> None:
    settings.NEWSDESK_BRIEFING_LINK_DAYS = 90
    dee = User.objects.create_user("dee", password="a-passphrase-of-dee-1")
    assert _personal(_own_link(dee))
    made_long_ago = time.time() - 91 * 86400
    with mock.patch("django.core.signing.time.time", return_value=made_long_ago):  # a link from 91 days ago
        old = briefing.personal_feed_url(briefing.load_state(dee.pk))
    assert Client().get(old).status_code == 404
    client = Client()
    client.force_login(dee)
    assert "it works until" in client.get("/briefing/").content.decode(), "the page says until when"


def test_a_password_change_ends_every_link() -> None:
    eve = User.objects.create_user("eve", password="a-passphrase-of-eve-1")
    leaked = _own_link(eve)
    assert _personal(leaked)
    eve.set_password("a-new-passphrase-of-eve-2")
    eve.save()
    assert Client().get(leaked).status_code == 404
    fresh = _own_link(eve)
    assert _personal(fresh), "the page hands out a working link again"
    User.objects.filter(pk=eve.pk).update(is_active=False)
    assert Client().get(fresh).status_code == 404, "nor does a closed account's link work"
