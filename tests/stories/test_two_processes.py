"""Two worker processes ingesting the same feeds at once create no duplicate stories."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.testing.loopback import LoopbackServer, static
from tests.stories.test_stories import EVENTS

pytestmark = pytest.mark.slow


def _feed(outlet: str) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>https://{outlet.lower().replace(' ', '')}.example/{event}</link>"
        f"<guid>{event}-{i}</guid><pubDate>Tue, 08 Apr 2025 {9 + i:02d}:00:00 GMT</pubDate>"
        f"<description>{text}</description></item>"
        for event, items_ in EVENTS.items()
        for i, (source, title, text) in enumerate(items_)
        if source == outlet
    )
    channel = f"<channel><title>{outlet}</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def test_two_refresh_processes_at_once(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "NEWSDESK_HOME": str(tmp_path),
        "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "1",
        "NEWSDESK_FETCH_ARTICLE_PAGES": "0",
    }
    outlets = sorted({source for items in EVENTS.values() for source, _, _ in items})

    def cli(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", *args],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    with LoopbackServer() as server:
        opml = "".join(
            f'<outline text="{o}" type="rss" xmlUrl="{server.url(f"/{i}.xml")}"/>'
            for i, o in enumerate(outlets)
        )
        for i, outlet in enumerate(outlets):
            server.route(f"/{i}.xml", static(_feed(outlet), content_type="application/rss+xml"))
        (tmp_path / "feeds.opml").write_text(f'<opml version="2.0"><body>{opml}</body></opml>')
        assert cli("import-opml", str(tmp_path / "feeds.opml")).wait(120) == 0
        runs = [cli("refresh", "--all", "--wait") for _ in range(2)]
        outputs = [r.communicate(timeout=600)[0] for r in runs]
        assert all(r.returncode == 0 for r in runs), outputs

    with sqlite3.connect(tmp_path / "newsdesk.sqlite3") as db:
        n_articles = sum(len(v) for v in EVENTS.values())
        assert (
            db.execute("SELECT count(*) FROM articles_article WHERE stage = 'clustered'").fetchone()[0]
            == n_articles
        )
        assert db.execute("SELECT count(*) FROM stories_story").fetchone()[0] == len(EVENTS)
        per_event = db.execute(
            "SELECT substr(guid, 1, instr(guid, '-') - 1), count(DISTINCT story_id) "
            "FROM articles_article GROUP BY 1"
        ).fetchall()
        assert dict(per_event) == {event: 1 for event in EVENTS}, json.dumps(per_event)
