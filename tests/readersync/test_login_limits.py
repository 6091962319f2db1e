"""Password guessing through the reader-app protocols meets the site's log-in limits: a scripted
burst over real HTTP locks the account (Google Reader) or the address (Fever, whose key names no
account), and while locked even the right password is refused with a plain retry time."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from tests.readersync.conftest import Reader, set_up_apps

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_client_login_burst_locks_the_account(reader: Reader, live_server, settings) -> None:
    settings.NEWSDESK_LOGIN_FAILURES_ACCOUNT = "5/900"
    settings.NEWSDESK_LOGIN_FAILURES_IP = "50/900"
    set_up_apps(reader)
    url = live_server.url + "/reader/accounts/ClientLogin"
    answers = [httpx.post(url, data={"Email": "alice", "Passwd": f"guess-{i}"}).status_code for i in range(8)]
    # Four plain refusals, then the fifth failure fills the window and every later try is told to wait.
    assert answers[:4] == [401] * 4 and answers[4:] == [429] * 4
    locked = httpx.post(url, data={"Email": "alice@example.org", "Passwd": reader.app_password})
    assert locked.status_code == 429
    assert 800 < int(locked.headers["Retry-After"]) <= 900
    assert locked.headers["content-type"].startswith("text/plain")
    assert "Try again in 15 minutes" in locked.text and "Auth=" not in locked.text
    # Another account from the same address is not locked by alice's failures.
    other = httpx.post(url, data={"Email": "bob", "Passwd": "x"})
    assert other.status_code == 401


def test_client_login_burst_locks_the_address(reader: Reader, live_server, settings) -> None:
    settings.NEWSDESK_LOGIN_FAILURES_ACCOUNT = "100/900"
    settings.NEWSDESK_LOGIN_FAILURES_IP = "6/900"
    set_up_apps(reader)
    url = live_server.url + "/reader/accounts/ClientLogin"
    # Spread over many made-up accounts: the address budget still runs out.
    answers = [httpx.post(url, data={"Email": f"user{i}", "Passwd": "x"}).status_code for i in range(7)]
    assert answers == [401] * 5 + [429] * 2
    assert httpx.post(url, data={"Email": "alice", "Passwd": reader.app_password}).status_code == 429


def test_right_app_password_gives_back_its_slot(reader: Reader, live_server, settings) -> None:
    settings.NEWSDESK_LOGIN_FAILURES_ACCOUNT = "3/900"
    set_up_apps(reader)
    url = live_server.url + "/reader/accounts/ClientLogin"
    for _ in range(6):  # an app that logs in often is never limited
        ok = httpx.post(url, data={"Email": "alice", "Passwd": reader.app_password})
        assert ok.status_code == 200 and "Auth=" in ok.text


def test_fever_burst_locks_the_address(reader: Reader, live_server, settings) -> None:
    settings.NEWSDESK_LOGIN_FAILURES_IP = "5/900"
    set_up_apps(reader)
    url = live_server.url + "/fever/?api"
    right = hashlib.md5(f"{reader.fever_login}:{reader.fever_password}".encode()).hexdigest()
    for _ in range(7):  # successful calls do not count
        assert httpx.post(url, data={"api_key": right}).json()["auth"] == 1
    answers = []
    for i in range(7):
        guess = hashlib.md5(f"{reader.fever_login}:guess-{i}".encode()).hexdigest()
        r = httpx.post(url, data={"api_key": guess})
        assert r.json()["auth"] == 0 and r.json()["api_version"] == 3
        answers.append(r.status_code)
    assert answers == [200] * 4 + [429] * 3
    locked = httpx.post(url, data={"api_key": right})
    assert locked.status_code == 429 and locked.json()["auth"] == 0
    assert 800 < int(locked.headers["Retry-After"]) <= 900
    assert "Try again in 15 minutes" in locked.json()["error"]
    assert "items" not in locked.json() and "last_refreshed_on_time" not in locked.json()
