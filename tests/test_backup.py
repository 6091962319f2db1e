"""`newsdesk backup` then `newsdesk restore` on a new site: articles, stories and raw pages come back.

SQLite always; PostgreSQL (pg_dump / pg_restore) on a private server when its binaries exist.
Real processes: the CLI as an operator runs it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdesk.testing.services import PrivatePostgres, ServiceUnavailable

pytestmark = pytest.mark.slow

PAGES = [
    ("harbour", "Harbour bridge reopens after repairs", "engineers finished repairing the harbour bridge"),
    # The same event in other words, sharing enough of them for the word-hashing embedder used here.
    (
        "harbour-2",
        "Harbour bridge open again after repairs, council says",
        "engineers finished repairing the harbour bridge and the council reopened it to traffic",
    ),
    ("election", "Mayor wins second term", "the mayor won a second term with a larger majority"),
]


def _pages(folder: Path) -> Path:
    folder.mkdir()
    for name, title, lead in PAGES:
        body = "".join(f"<p>{lead.capitalize()}, paragraph {i}, filed on Tuesday.</p>" for i in range(10))
        (folder / f"{name}.html").write_text(
            f"<html><head><title>{title}</title>"
            f'<link rel="canonical" href="https://news.example/{name}"></head>'
            f"<body><article><h1>{title}</h1>{body}</article></body></html>"
        )
    return folder


def _site(home: Path, database_url: str | None) -> Callable[..., str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hashing"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url

    def cli(*args: str, ok: bool = True) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "newsdesk.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    return cli


def _snapshot(cli: Callable[..., str]) -> str:
    """What a reader and an operator see: every article with its stage, story and stored page."""
    script = (
        "import django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'newsdesk.settings'); django.setup()\n"
        "from newsdesk.articles.models import Article; from newsdesk.articles import rawstore\n"
        "from newsdesk.stories.models import Story\n"
        "for a in Article.objects.order_by('guid'):\n"
        "    page = rawstore.get(a.raw_page_key) or b''\n"
        "    print(a.guid, a.stage, a.title, a.story.headline if a.story else None, len(page), a.text[:60])\n"
        "print('stories', Story.objects.count())\n"
    )
    return cli("manage", "shell", "-c", script)


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path: Path):
    if request.param == "sqlite":
        yield None, None
        return
    try:
        pg = PrivatePostgres()
    except ServiceUnavailable as exc:
        pytest.skip(f"the PostgreSQL round trip needs a private server: {exc}")
    with pg:
        yield pg.create_database("site_a"), pg.create_database("site_b")


def test_backup_restore_round_trip(tmp_path: Path, databases) -> None:
    a = _site(tmp_path / "a", databases[0])
    a("import", str(_pages(tmp_path / "pages")))
    before = _snapshot(a)
    assert before.count(" clustered ") == len(PAGES) and "stories 2" in before
    assert all(" 0 " not in line for line in before.splitlines()[:-1]), "raw pages must be stored"
    a("backup", str(tmp_path / "site.backup"))

    b = _site(tmp_path / "b", databases[1])
    out = b("restore", str(tmp_path / "site.backup"))
    assert "3 raw pages" in out
    assert _snapshot(b) == before
    # The restored site works on: re-extraction reads the restored raw pages.
    assert "re-extracted 3 articles" in b("reextract")


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    cli = _site(tmp_path / "site", None)
    (tmp_path / "junk").write_bytes(b"not a tar file")
    assert "is not a newsdesk backup" in cli("restore", str(tmp_path / "junk"), ok=False)
    with sqlite3.connect(tmp_path / "x.sqlite3") as conn:
        conn.execute("CREATE TABLE t (x)")
    assert "is not a newsdesk backup" in cli("restore", str(tmp_path / "x.sqlite3"), ok=False)
