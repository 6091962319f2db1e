"""/admin/login/ goes through the site's throttled log-in (issue 14, item 8).

The attack: Django's stock admin log-in has no throttle, so a staff password could be guessed there
without end while /accounts/login/ locks after 5 failures. Now a password posted to /admin/login/ is
never checked, and the admin's log-in is the site's, with its limits.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.comments.factories import quick_password_hashing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_password_hashing")]
__all__ = ["quick_password_hashing"]
PASSWORD = "the-editors-own-passphrase-3"


@pytest.fixture
def editor(settings):
    settings.NEWSDESK_LOGIN_FAILURES_ACCOUNT = "5/900"
    return get_user_model().objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True)


def test_guessing_at_the_admin_log_in_gets_nowhere(editor) -> None:
    attacker = Client()
    guesses = [f"guess-{i}" for i in range(30)] + [PASSWORD]
    for guess in guesses:
        attacker.post(
            "/admin/login/?next=/admin/",
            {"username": "editor", "password": guess},
            REMOTE_ADDR="198.51.100.7",
        )
    assert attacker.get("/admin/").status_code == 302, "no guess, not even the right one, logged in"
    assert "_auth_user_id" not in attacker.session


def test_the_admin_logs_in_through_the_throttled_site_log_in(editor) -> None:
    client = Client()
    sent = client.get("/admin/login/?next=/admin/sources/source/")
    assert (
        sent.status_code == 302 and sent["Location"] == "/accounts/login/?next=%2Fadmin%2Fsources%2Fsource%2F"
    )
    for i in range(5):
        client.post("/accounts/login/", {"username": "editor", "password": f"wrong-{i}"})
    locked = client.post("/accounts/login/", {"username": "editor", "password": PASSWORD})
    assert locked.status_code == 429, "the same limit holds for staff accounts"
    ok = Client().post(
        "/accounts/login/?next=/admin/",
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert ok.status_code == 429, "the account stays locked from any address"


def test_a_staff_account_reaches_the_admin_after_the_site_log_in(settings) -> None:
    get_user_model().objects.create_user(
        "chief", "chief@example.org", PASSWORD, is_staff=True, is_superuser=True
    )
    client = Client()
    done = client.post(
        "/accounts/login/?next=/admin/", {"username": "chief", "password": PASSWORD, "next": "/admin/"}
    )
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"
    reader = Client()
    get_user_model().objects.create_user("reader", "reader@example.org", PASSWORD)
    reader.login(username="reader", password=PASSWORD)
    assert reader.get("/admin/login/?next=/admin/")["Location"] == "/"
