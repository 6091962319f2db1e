"""A full disk under the raw-page store: the article says what the operator must do, then recovers.

The store sits on a real 64 KiB tmpfs filled to the last block, so the write fails with the
kernel's own ENOSPC. Mounting needs root (CAP_SYS_ADMIN); elsewhere the test skips and says so.
"""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from newsdesk.articles.models import FINAL_STAGE, Article, Stage
from newsdesk.flow.adding import add_url
from newsdesk.flow.work import refresh_sources, run_until_idle
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.testing.loopback import LoopbackServer, static

pytestmark = [pytest.mark.django_db(transaction=True)]

PAGE = (
    "<html><head><title>Harbour bridge reopens</title></head><body><article><h1>Harbour bridge reopens</h1>"
    + "".join(
        f"<p>Paragraph {i}: engineers finished the repairs to the harbour bridge on Tuesday and the "
        f"council reopened both lanes to traffic after {i + 3} weeks of closures and detours.</p>"
        for i in range(12)
    )
    + "</article></body></html>"
).encode()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "raw"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_full_raw_store_is_explained_and_recovers(tiny_disk: Path, settings) -> None:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_RAW_STORE = tiny_disk
    reset_fetcher()
    filler = _fill(tiny_disk)
    with LoopbackServer() as server:
        feed = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
            f"<item><title>Harbour bridge reopens</title><link>{server.url('/bridge')}</link>"
            "<guid>bridge</guid><description>The bridge is open.</description></item></channel></rss>"
        )
        server.route("/feed.xml", static(feed.encode(), content_type="application/rss+xml"))
        server.route("/bridge", static(PAGE))
        refresh_sources([add_url(server.url("/feed.xml")).source.pk], threads=1)
        run_until_idle(threads=1)
        article = Article.objects.get()
        assert article.stage == Stage.NEW, "with no room for its page the article must wait, not settle"
        assert "No space left on device" in article.error
        assert str(tiny_disk) in article.error and "Free disk space" in article.error
        assert article.retry_at is not None and article.retry_at > timezone.now()

        filler.unlink()  # the operator frees space; a minute passes
        Article.objects.update(retry_at=timezone.now())
        run_until_idle(threads=1)
        reset_fetcher()

    article.refresh_from_db()
    assert article.stage == FINAL_STAGE
    assert article.error == ""
    assert article.raw_page_key and article.extraction_method != "feed"
    assert "engineers finished the repairs" in article.text
    assert any(tiny_disk.rglob(f"{article.raw_page_key}.gz"))
