"""The `google-reader` client (PyPI; the one Miniflux's documentation points to) against the site.

Server URL: `https://host/reader` (it adds `/accounts/ClientLogin` and `/reader/api/0/…`).
Commands: `sync` (subscriptions, tags, unread and starred ids, every item's contents) and
`edit read:ID unread:ID star:ID unstar:ID mark-all-read:STREAM …`. Ids are article ids.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import google_reader as gr

TAGS = {"read": gr.STREAM_READ, "star": gr.STREAM_STARRED}


def short(item_id: str) -> int:
    return int(item_id.rsplit("/", 1)[1], 16) if "/" in item_id else int(item_id)


def ids(client: gr.Client, auth: gr.AuthToken, stream: str, **how: str) -> list[int]:
    found, continuation = [], None
    while True:
        page = client.get_stream_items_ids(auth, stream, limit=1000, continuation=continuation, **how)
        found += [short(ref.id) for ref in page.item_refs]
        if not (continuation := page.continuation):
            return found


def main(base: str, login: str, password: str, command: str, *args: str) -> dict:
    client = gr.Client(base, user_agent="google-reader-client-test")
    auth = client.login(login, password)
    token = client.get_token(auth)
    if command == "sync":
        everything = ids(client, auth, gr.STREAM_READING_LIST)
        contents = client.get_stream_items_contents(auth, token, [str(i) for i in everything])
        return {
            "user": asdict(client.get_user_info(auth)),
            "subscriptions": [asdict(s) for s in client.list_subscriptions(auth)],
            "tags": [asdict(t) for t in client.list_tags(auth)],
            "unread": ids(client, auth, gr.STREAM_READING_LIST, exclude_target=gr.STREAM_READ),
            "starred": ids(client, auth, gr.STREAM_STARRED),
            "items": [
                {
                    "id": short(item.id),
                    "title": item.title,
                    "read": any(c.endswith("/state/com.google/read") for c in item.categories),
                    "starred": any(c.endswith("/state/com.google/starred") for c in item.categories),
                    "html": item.summary.content,
                    "link": item.canonical[0].href if item.canonical else "",
                }
                for item in contents.items
            ],
        }
    for arg in args:
        what, _, target = arg.partition(":")
        if what == "mark-all-read":
            client.mark_all_as_read(auth, token, target)
        elif what in ("read", "star"):
            client.edit_tags(auth, token, [target], add_tags=[TAGS[what]])
        elif what in ("unread", "unstar"):
            client.edit_tags(auth, token, [target], remove_tags=[TAGS[what.removeprefix("un")]])
        else:
            raise SystemExit(f"unknown edit {arg!r}")
    return {"done": list(args)}


if __name__ == "__main__":
    try:
        print(json.dumps(main(*sys.argv[1:])))
    except gr.ClientError as exc:
        print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
