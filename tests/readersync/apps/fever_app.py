"""The `freshrss-api` client (PyPI; the Fever API) against the site.

Server URL: `https://host/fever` (it adds `/api/fever.php`, FreshRSS's path, which the site also
answers). Commands: `sync` (feeds, groups, unread and saved items) and `edit read:ID star:ID
unstar:ID …` (this client cannot mark unread).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

from freshrss_api import FreshRSSAPI
from freshrss_api.utils.errors import APIError, AuthenticationError

MARKS = {"read": "read", "star": "saved", "unstar": "unsaved"}


def main(base: str, login: str, password: str, command: str, *args: str) -> dict:
    api = FreshRSSAPI(host=base, username=login, password=password)  # checks the log-in
    if command == "sync":
        unread = api.get_unreads()
        saved = api.get_saved()
        return {
            "feeds": api.get_feeds()["feeds"],
            "groups": api.get_groups()["groups"],
            "unread": [i.id for i in unread],
            "starred": [i.id for i in saved],
            "items": [{**asdict(i), "text": i.readable} for i in unread + saved],
        }
    for arg in args:
        what, _, target = arg.partition(":")
        if what not in MARKS:
            raise SystemExit(f"unknown edit {arg!r}")
        api.set_mark(MARKS[what], int(target))
    return {"done": list(args)}


if __name__ == "__main__":
    try:
        print(json.dumps(main(*sys.argv[1:])))
    except (APIError, AuthenticationError) as exc:
        print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
