"""Host-header link poisoning (issue 14, item 1), tried as an attacker would over real HTTP.

An attacker asks for a password reset of the victim's address with `Host: evil.example`: the site must
refuse the request (400), and a reset asked the normal way mails a link on NEWSDESK_SITE_URL, never on
the Host the request named. The same holds for verification mails, API links and feed links.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest

from newsdesk.runtime.siteurl import allowed_hosts
from tests.comments.factories import PASSWORD, make_user, quick_password_hashing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("quick_password_hashing")]
__all__ = ["quick_password_hashing"]

SITE = "https://news.example"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def site(settings, live_server, smtp_server):
    """The live server configured as a deployment at https://news.example would be."""
    settings.NEWSDESK_SITE_URL = SITE
    settings.ALLOWED_HOSTS = allowed_hosts(SITE)
    return live_server


def _reset(base: str, email: str, host: str | None = None) -> httpx.Response:
    headers = {"Host": host} if host else {}
    with httpx.Client(base_url=base, headers=headers, timeout=10) as c:
        form = c.get("/accounts/password/reset/")
        token = _CSRF.search(form.text)
        data = {"email": email, "csrfmiddlewaretoken": token.group(1) if token else ""}
        return c.post("/accounts/password/reset/", data=data)


def test_a_reset_asked_with_a_forged_host_is_refused_and_mails_nothing(site, smtp_server) -> None:
    make_user("victim")
    refused = _reset(site.url, "victim@example.org", host="evil.example")
    assert refused.status_code == 400
    assert smtp_server.wait_for(1, timeout=1.0) == [], "no mail may leave for a forged Host"
    # Even a host the server answers to (loopback) never puts its name into the mailed link.
    asked = _reset(site.url, "victim@example.org")
    assert asked.status_code == 302, asked.text[:300]
    [mail] = smtp_server.wait_for(1, to="victim@example.org")
    links = smtp_server.links(mail)
    assert links and all(u.startswith(SITE + "/accounts/password/reset/") for u in links), links


def test_verification_api_and_feed_links_come_from_the_site_url(site, smtp_server) -> None:
    with httpx.Client(base_url=site.url, timeout=10) as c:
        form = c.get("/accounts/signup/")
        token = _CSRF.search(form.text).group(1)  # type: ignore[union-attr]
        pw = "a-long-and-unusual-passphrase-4"
        c.post(
            "/accounts/signup/",
            data={"username": "newcomer", "email": "new@example.org", "password1": pw, "password2": pw,
                  "csrfmiddlewaretoken": token},
        )  # fmt: skip
        feed = c.get("/feeds/front.atom")
        api = c.get("/api/stories")
    [mail] = smtp_server.wait_for(1, to="new@example.org")
    assert all(u.startswith(SITE + "/") for u in smtp_server.links(mail))
    assert feed.status_code == 200 and f'href="{SITE}/feeds/front.atom"' in feed.text
    assert "localhost" not in feed.text and "127.0.0.1" not in feed.text
    assert api.status_code == 200


def test_any_path_with_an_unknown_host_is_refused(site) -> None:
    for path in ("/", "/api/stories", "/feeds/front.rss", "/accounts/login/"):
        response = httpx.get(site.url + path, headers={"Host": "evil.example"}, timeout=10)
        assert response.status_code == 400, path


def test_the_shipped_settings_derive_allowed_hosts_from_the_site_url(tmp_path) -> None:
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path), "NEWSDESK_SITE_URL": "https://news.example/"}
    env.pop("NEWSDESK_ALLOWED_HOSTS", None)
    code = (
        "import newsdesk.settings as s; print(s.ALLOWED_HOSTS, s.NEWSDESK_SITE_URL, s.CSRF_TRUSTED_ORIGINS)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "['news.example', 'localhost', '127.0.0.1', '[::1]'] https://news.example ['https://news.example']"
    )
    assert "*" not in allowed_hosts("http://localhost:8000")
    assert allowed_hosts("http://[2001:db8::1]:8000", "internal.lb") == [
        "[2001:db8::1]", "localhost", "127.0.0.1", "[::1]", "internal.lb"
    ]  # fmt: skip


def test_the_reader_app_settings_show_the_site_address_not_the_host_asked(site) -> None:
    """An operator behind a proxy reaches the site on loopback; the addresses a reader types into
    newsboat or an app must still be the public ones."""
    make_user("appreader", verified=True)
    with httpx.Client(base_url=site.url, timeout=10) as c:
        form = c.get("/accounts/login/")
        token = _CSRF.search(form.text).group(1)  # type: ignore[union-attr]
        data = {"username": "appreader", "password": PASSWORD, "csrfmiddlewaretoken": token}
        assert c.post("/accounts/login/", data=data).status_code == 302
        page = c.get("/settings/apps/").text
    assert f"{SITE}/reader" in page and f"{SITE}/fever/" in page
    assert "localhost" not in page and "127.0.0.1" not in page
