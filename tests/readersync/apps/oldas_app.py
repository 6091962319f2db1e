"""The `oldas` client (PyPI; TheOldReader's protocol, async, httpx) against the site.

oldas has TheOldReader's addresses built in; pointed elsewhere its log-in is
`https://host/reader/accounts/ClientLogin` and its API `https://host/reader/reader/api/0/`.
Commands as google_reader_app.py.
"""

from __future__ import annotations

import asyncio
import json
import sys

from oldas import ArticleIDs, Articles, Folders, OldASError, Session, State, Subscriptions, Unread, User

TAGS = {"read": State.READ, "star": State.STARRED}


def short(item_id: str) -> int:
    return int(item_id.rsplit("/", 1)[-1], 16)


async def main(base: str, login: str, password: str, command: str, *args: str) -> dict:
    class Site(Session):
        _LOGIN = f"{base}/accounts/ClientLogin"
        _API = f"{base}/reader/api/0/"

    session = await Site("newsdesk-tests").login(login, password)
    if not session.logged_in:
        return {"error": "no Auth in the log-in answer"}
    if command == "sync":
        user = await User.load(session)
        articles = [a async for a in Articles.stream(session, State.READING_LIST, n=100)]
        return {
            "user": user.name,
            "subscriptions": [
                {
                    "id": s.id,
                    "title": s.title,
                    "url": s.url,
                    "sort_id": s.sort_id,
                    "folders": [c.label for c in s.categories],
                }
                for s in await Subscriptions.load(session)
            ],
            "folders": [{"name": f.name, "sort_id": f.sort_id} for f in await Folders.load(session)],
            "unread_total": (await Unread.load(session)).total,
            "unread": [short(a.full_id) for a in await ArticleIDs.load_unread(session)],
            "read": [short(a.full_id) for a in await ArticleIDs.load_read(session)],
            "starred": [short(a.full_id) for a in await ArticleIDs.load(session, State.STARRED)],
            "items": [
                {
                    "id": short(a.id),
                    "title": a.title,
                    "read": a.is_read,
                    "starred": State.STARRED in a.categories,
                    "html": a.summary.content,
                    "link": a.html_url or "",
                }
                for a in articles
            ],
        }
    for arg in args:
        what, _, target = arg.partition(":")
        full = Articles.full_id(f"{int(target):016x}") if target.isdigit() else target
        if what in ("read", "star"):
            ok = await session.add_tag(full, TAGS[what])
        elif what in ("unread", "unstar"):
            ok = await session.remove_tag(full, TAGS[what.removeprefix("un")])
        else:
            raise SystemExit(f"unknown edit {arg!r}")
        if not ok:
            return {"error": f"{arg} not OK"}
    return {"done": list(args)}


if __name__ == "__main__":
    try:
        print(json.dumps(asyncio.run(main(*sys.argv[1:]))))
    except OldASError as exc:
        print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
