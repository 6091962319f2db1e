"""Image files under NEWSDESK_HOME/images/<2 hex>/<sha256>.webp, each written once.

A file's name is the hash of its bytes: two articles with one picture share one file, a file never
changes once written (the site serves it as immutable), and a name from a URL is checked against
the pattern before it touches the file system.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from django.conf import settings

NAME = re.compile(r"[0-9a-f]{64}\.webp")


def root() -> Path:
    return Path(settings.NEWSDESK_HOME) / "images"


def path_for(name: str) -> Path | None:
    """The file for a served name, or None for a name that is not one of ours."""
    if not NAME.fullmatch(name):
        return None
    return root() / name[:2] / name


def save(name: str, data: bytes) -> Path:
    """Write the file once (atomically: a reader never sees half of it)."""
    path = path_for(name)
    if path is None:
        raise ValueError(f"not an image file name: {name!r}")
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
