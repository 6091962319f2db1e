"""The raw-page store: every fetched page kept gzip-compressed, so `reextract` can redo extraction.

Content-addressed files under NEWSDESK_RAW_STORE (default var/raw): writing the same page twice
is a no-op, and a write is atomic (temp file + rename), so a killed worker leaves no torn file.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


class RawStoreError(OSError):
    """The raw store could not be written (disk full, permissions); the message says what to do."""


def _root() -> Path:
    return Path(settings.NEWSDESK_RAW_STORE)


def _path(key: str) -> Path:
    if len(key) < 8 or not key.isalnum():
        raise ValueError(f"not a raw-store key: {key!r}")
    return _root() / key[:2] / f"{key}.gz"


def put(body: bytes) -> str:
    """Store a page body; return its key."""
    key = hashlib.sha256(body).hexdigest()[:40]
    path = _path(key)
    if path.exists():
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(gzip.compress(body, compresslevel=6))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise RawStoreError(
            exc.errno,
            f"cannot write the raw page store at {_root()}: {exc.strerror}. Free disk space there "
            "(or set NEWSDESK_RAW_STORE to a folder with space and restart the workers); the "
            "article waits and is fetched again by itself within a minute of space being back.",
        ) from exc
    return key


def get(key: str) -> bytes | None:
    """The stored body, or None when it is missing (pruned or never written)."""
    try:
        return gzip.decompress(_path(key).read_bytes())
    except (FileNotFoundError, ValueError, EOFError, gzip.BadGzipFile):
        return None
