"""Drive newsboat (Debian's package) headless: `-x` commands for syncing, its cache (SQLite) for
what it holds, tmux for the keys a reader presses."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

MISSING = (
    ""
    if shutil.which("newsboat") and shutil.which("tmux")
    else "newsboat or tmux is not installed (make test installs both from Debian when run as root)"
)


class Newsboat:
    """One newsboat profile (config, urls file, cache, error log) in its own directory."""

    def __init__(self, home: Path, config: str, urls: list[str]) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        self.config, self.urls, self.cache = home / "config", home / "urls", home / "cache.db"
        self.errors = home / "errors.log"
        self.urls.write_text("".join(f"{url}\n" for url in urls))
        self.config.write_text(
            config
            + f'error-log "{self.errors}"\n'
            + "show-read-feeds yes\nshow-read-articles yes\nconfirm-exit no\ncleanup-on-quit no\n"
        )

    @classmethod
    def google_reader(cls, home: Path, server: str, login: str, password: str) -> Newsboat:
        """Synced through the Google Reader API: newsboat's FeedHQ backend, the one whose address is
        a setting (its others are hardwired to their services)."""
        return cls(
            home,
            'urls-source "feedhq"\n'
            f'feedhq-url "{server}"\n'
            f'feedhq-login "{login}"\n'
            f'feedhq-password "{password}"\n'
            "feedhq-min-items 100\n"
            "feedhq-show-special-feeds no\n"  # hardwired to feedhq.org
            'feedhq-flag-star "s"\n',
            [],
        )

    @classmethod
    def plain(cls, home: Path, urls: list[str]) -> Newsboat:
        """Plain feeds, fetched by URL."""
        return cls(home, "", urls)

    @property
    def argv(self) -> list[str]:
        return ["newsboat", "-C", str(self.config), "-u", str(self.urls), "-c", str(self.cache)]

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "HOME": str(self.home), "TERM": "xterm-256color", "LANG": "C.UTF-8"}

    def run(self, *commands: str) -> str:
        done = subprocess.run(
            [*self.argv, "-x", *commands], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def items(self) -> dict[str, tuple[str, bool, str]]:
        """Every article newsboat holds: guid -> (title, unread, flags)."""
        with sqlite3.connect(self.cache) as db:
            rows = db.execute("SELECT guid, title, unread, flags FROM rss_item").fetchall()
        return {guid: (title, bool(unread), flags or "") for guid, title, unread, flags in rows}

    def feeds(self) -> dict[str, str]:
        """Every feed newsboat holds: its URL -> its title."""
        with sqlite3.connect(self.cache) as db:
            return dict(db.execute("SELECT rssurl, title FROM rss_feed").fetchall())

    def titles(self, url: str) -> list[str]:
        """The titles of one feed's articles."""
        with sqlite3.connect(self.cache) as db:
            return [t for (t,) in db.execute("SELECT title FROM rss_item WHERE feedurl = ?", (url,))]


class Tmux:
    """newsboat's own screen in a detached tmux session: send keys, wait for text."""

    def __init__(self, name: str, newsboat: Newsboat) -> None:
        self.name = name
        env = [f"{k}={v}" for k, v in newsboat.env.items() if k in ("HOME", "TERM", "LANG", "PATH")]
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", name, "-x", "160", "-y", "48", "env", *env, *newsboat.argv],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        ).stdout

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if check(shown := self.screen()):
                return shown
            time.sleep(0.3)
        raise AssertionError(f"newsboat never showed {what}:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
