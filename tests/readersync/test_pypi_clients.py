"""Third-party reader-app client libraries from PyPI against the site, each in its own process from
its own virtual environment (.venv-clients, made by `make test` with the newest Python there is):
log in, list subscriptions and folders, read the items, mark read and starred, and the site shows
it; the site marks read and starred, and the client shows it.

- `google-reader` (the client Miniflux's documentation points to; needs Python 3.12+),
  server URL `http://host/reader`;
- `oldas` (TheOldReader's protocol), log-in `http://host/reader/accounts/ClientLogin`, API
  `http://host/reader/reader/api/0/`;
- `freshrss-api` (Fever), server URL `http://host/fever`.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from newsdesk.readersync.fever import group_id
from newsdesk.readersync.models import AppToken
from tests.readersync.clients import FEVER_LOGIN, FEVER_PASSWORD, LOGIN, Site

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
APPS = Path(__file__).resolve().parent / "apps"
PYTHON = Path(os.environ.get("NEWSDESK_CLIENTS_PYTHON", ROOT / ".venv-clients" / "bin" / "python"))


@functools.cache
def _missing(module: str) -> str:
    if not PYTHON.exists():
        return f"no reader-app client environment at {PYTHON} (`make test` makes it)"
    found = subprocess.run([PYTHON, "-c", f"import {module}"], capture_output=True, text=True)
    if found.returncode:
        version = subprocess.run([PYTHON, "--version"], capture_output=True, text=True).stdout.strip()
        return f"{module} is not installed in {PYTHON} ({version}; google-reader needs Python 3.12+)"
    return ""


def need(module: str) -> None:
    if reason := _missing(module):
        pytest.skip(reason)


def run(script: str, server: str, login: str, password: str, *command: str) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, APPS / script, server, login, password, *command],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert "error" not in answer, answer
    return answer


def _round_trip(site: Site, sync: Any, edit: Any, *, can_unread: bool = True) -> dict[str, Any]:
    """The checks every client passes; `sync()` and `edit(*edits)` run the client. Returns the
    first sync (each test checks what its protocol adds)."""
    world, tech = site.articles[site.world.pk], site.articles[site.tech.pk]
    site.mark_read_on_site(world[0])
    site.star_on_site(tech[0])

    # Site -> client: the items, with the site's read and starred state.
    first = sync()
    assert set(first["unread"]) == site.all_ids - {world[0]}
    assert first["starred"] == [tech[0]]
    items = {i["id"]: i for i in first["items"]}
    shown = site.all_ids - {world[0]} | {tech[0]}  # what every client lists (Fever: unread and saved)
    assert {site.title(pk) for pk in shown} <= {i["title"] for i in items.values()}

    # Client -> site: mark read, star, unstar (and mark unread where the client can).
    edit(f"read:{world[1]}", f"star:{world[2]}", f"unstar:{tech[0]}")
    assert site.read() == {world[0], world[1]}
    assert site.starred() == {world[2]}
    if can_unread:
        edit(f"unread:{world[0]}")
        assert site.read() == {world[1]}

    # Site -> client again.
    site.mark_read_on_site(tech[1])
    site.star_on_site(tech[2])
    again = sync()
    assert tech[1] not in again["unread"] and world[1] not in again["unread"]
    assert set(again["starred"]) == {world[2], tech[2]}
    return first


def test_google_reader_client(site: Site) -> None:
    need("google_reader")
    server = site.url + "/reader"

    def sync() -> dict[str, Any]:
        return run("google_reader_app.py", server, LOGIN, site.app_password, "sync")

    def edit(*edits: str) -> None:
        run("google_reader_app.py", server, LOGIN, site.app_password, "edit", *edits)

    first = _round_trip(site, sync, edit)
    print(
        "google-reader sync:",
        json.dumps({k: first[k] for k in ("subscriptions", "tags", "unread", "starred")}),
    )
    assert {s["title"] for s in first["subscriptions"]} == {"World Wire", "Tech Daily"}
    folders = {t["label"] for t in first["tags"] if t.get("type") == "folder"}
    assert folders == {"World", "Technology"}
    items = {i["id"]: i for i in first["items"]}
    world0 = items[site.articles[site.world.pk][0]]
    assert world0["read"] and "World summary 0" in world0["html"] and world0["link"].endswith("/world/0")

    # mark-all-as-read on a feed; on an unknown stream the client's own "not found".
    edit(f"mark-all-read:feed/{site.tech.pk}")
    assert set(site.articles[site.tech.pk]) <= site.read()
    gone = subprocess.run(
        [
            PYTHON,
            APPS / "google_reader_app.py",
            server,
            LOGIN,
            site.app_password,
            "edit",
            "mark-all-read:feed/999",
        ],
        capture_output=True,
        text=True,
    )
    assert json.loads(gone.stdout)["error"] == "ResourceNotFoundError"
    assert AppToken.objects.filter(user=site.user).count() == 1  # a dozen log-ins, one token


def test_oldas_client(site: Site) -> None:
    need("oldas")
    server = site.url + "/reader"  # oldas: log-in <server>/accounts/ClientLogin, API <server>/reader/api/0/

    def sync() -> dict[str, Any]:
        return run("oldas_app.py", server, LOGIN, site.app_password, "sync")

    def edit(*edits: str) -> None:
        run("oldas_app.py", server, LOGIN, site.app_password, "edit", *edits)

    first = _round_trip(site, sync, edit)
    print("oldas sync:", json.dumps({k: first[k] for k in ("subscriptions", "folders", "unread", "starred")}))
    assert first["user"] == LOGIN and first["unread_total"] == len(site.all_ids) - 1
    assert {s["title"] for s in first["subscriptions"]} == {"World Wire", "Tech Daily"}
    assert {f["name"] for f in first["folders"]} == {"World", "Technology"}
    assert set(first["read"]) == {site.articles[site.world.pk][0]}
    items = {i["id"]: i for i in first["items"]}
    assert items[site.articles[site.world.pk][0]]["read"] and items[site.articles[site.tech.pk][0]]["starred"]
    assert AppToken.objects.get(user=site.user).dialect == AppToken.Dialect.OLDREADER


def test_freshrss_api_fever_client(site: Site) -> None:
    need("freshrss_api")
    server = site.url + "/fever"  # freshrss-api adds /api/fever.php

    def sync() -> dict[str, Any]:
        return run("fever_app.py", server, FEVER_LOGIN, FEVER_PASSWORD, "sync")

    def edit(*edits: str) -> None:
        run("fever_app.py", server, FEVER_LOGIN, FEVER_PASSWORD, "edit", *edits)

    first = _round_trip(site, sync, edit, can_unread=False)  # freshrss-api has no "mark unread"
    print("freshrss-api sync:", json.dumps({k: first[k] for k in ("feeds", "groups", "unread", "starred")}))
    assert {f["title"] for f in first["feeds"]} == {"World Wire", "Tech Daily"}
    assert {g["id"]: g["title"] for g in first["groups"]} == {
        group_id("World"): "World",
        group_id("Technology"): "Technology",
    }
    item = next(i for i in first["items"] if i["id"] == site.articles[site.world.pk][1])
    assert item["text"] == "World summary 1." and item["feed_id"] == site.world.pk
    # A wrong password is refused as the client expects.
    refused = subprocess.run(
        [PYTHON, APPS / "fever_app.py", server, FEVER_LOGIN, "wrong-password", "sync"],
        capture_output=True,
        text=True,
    )
    assert json.loads(refused.stdout)["error"] == "AuthenticationError"
