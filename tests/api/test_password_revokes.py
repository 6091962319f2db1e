"""A password change or reset ends every credential made with the old password (issue 14, Low).

The attack: someone who learnt a reader's password makes an API token and an app password; the reader
notices and changes (or resets) the password, yet the intruder's token and app password kept working.
Through the real views; the reset link comes over a real SMTP server on loopback.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from newsdesk.api import tokens
from tests.comments.factories import PASSWORD, make_user, quick_password_hashing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_password_hashing")]
__all__ = ["quick_password_hashing"]
NEW = "a-brand-new-passphrase-77"


def _intruder_credentials(user) -> tuple[str, str]:
    """What the intruder makes while the old password works: an API token and an app password."""
    _, token = tokens.create_token(user, "intruder")
    client = Client()
    client.force_login(user)
    page = client.post("/settings/apps/", {"action": "app_password"}).content.decode()
    app_password = re.search(r'id="app-password">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    return token, app_password


def _works(user, token: str, app_password: str) -> tuple[bool, bool]:
    api = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/me/follows").status_code == 200
    login = Client().post("/reader/accounts/ClientLogin", {"Email": user.username, "Passwd": app_password})
    return api, login.status_code == 200


def test_changing_the_password_ends_tokens_and_app_passwords() -> None:
    ada = make_user("ada")
    token, app_password = _intruder_credentials(ada)
    assert _works(ada, token, app_password) == (True, True)
    client = Client()
    client.force_login(ada)
    done = client.post(
        "/accounts/password/change/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert done.status_code == 302
    assert _works(ada, token, app_password) == (False, False)
    # A log-in that only upgrades the stored hash is no password change: a new token stays valid.
    _, fresh = tokens.create_token(ada, "after")
    assert Client().login(username="ada", password=NEW)
    assert Client(headers={"Authorization": f"Bearer {fresh}"}).get("/api/me/follows").status_code == 200


def test_resetting_the_password_ends_tokens_and_app_passwords(smtp_server) -> None:
    bob = make_user("bob")
    token, app_password = _intruder_credentials(bob)
    client = Client()
    client.post("/accounts/password/reset/", {"email": "bob@example.org"})
    [mail] = smtp_server.wait_for(1, to="bob@example.org")
    [link] = [u for u in smtp_server.links(mail) if "/accounts/password/reset/" in u]
    form = client.get(urlsplit(link).path, follow=True)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert _works(bob, token, app_password) == (False, False)
