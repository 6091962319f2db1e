"""`newsdesk backup FILE` / `newsdesk restore FILE`: the whole site in one tar file.

The archive holds `manifest.json`, the database and the raw-page store (`raw/…`, already gzip).
SQLite is copied with its online backup API (a consistent snapshot while workers write);
PostgreSQL with `pg_dump --format=custom`, restored by `pg_restore --clean`. The Huey queue is
not kept: the database is the truth, and a worker's sweep re-queues unfinished articles.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

FORMAT = 1


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why and what to do."""


def _database() -> dict:
    db = settings.DATABASES["default"]
    return {"vendor": connection.vendor, **db}


def _pg_url(db: dict) -> str:
    from urllib.parse import quote

    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth + '@' if auth else ''}{host}{port}/{db['NAME']}"


def _run(args: list[str], what: str) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(
            f"{args[0]} is not installed: install the PostgreSQL client (Debian postgresql-client)"
        )
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-1000:]}")


def backup(target: Path, progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Write the site to `target` (a tar file); return the manifest."""
    db = _database()
    raw_root = Path(settings.NEWSDESK_RAW_STORE)
    with tempfile.TemporaryDirectory(prefix="newsdesk-backup-") as tmp:
        if db["vendor"] == "sqlite":
            dump = Path(tmp) / "database.sqlite3"
            src = sqlite3.connect(db["NAME"])
            dst = sqlite3.connect(dump)
            with dst:
                src.backup(dst)  # online: a consistent copy while others keep writing
            src.close()
            dst.close()
        elif db["vendor"] == "postgresql":
            dump = Path(tmp) / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _pg_url(db)], "pg_dump")
        else:
            raise BackupError(f"backups of {db['vendor']} databases are not supported")
        raw_files = sorted(p for p in raw_root.rglob("*.gz") if p.is_file()) if raw_root.is_dir() else []
        manifest = {
            "format": FORMAT,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "database": db["vendor"],
            "database_file": dump.name,
            "raw_pages": len(raw_files),
        }
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for i, path in enumerate(raw_files, start=1):
                tar.add(path, arcname=f"raw/{path.relative_to(raw_root).as_posix()}")
                if progress and (i % 500 == 0 or i == len(raw_files)):
                    progress("raw pages", i, len(raw_files))
        partial.replace(target)  # never a half-written backup under the real name
    return manifest


def restore(source: Path, progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Replace this site's database with the backup's and add its raw pages; return the manifest.

    Stop the web app and the workers first: the database is overwritten.
    """
    db = _database()
    raw_root = Path(settings.NEWSDESK_RAW_STORE)
    try:
        tar = tarfile.open(source, "r")  # noqa: SIM115 (closed by the with block below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{source} is not a newsdesk backup: {exc}") from exc
    with tar, tempfile.TemporaryDirectory(prefix="newsdesk-restore-") as tmp:
        try:
            manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{source} is not a newsdesk backup (no manifest.json)") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"backup format {manifest.get('format')} is not known to this version")
        if manifest["database"] != db["vendor"]:
            raise BackupError(
                f"the backup holds a {manifest['database']} database but this site uses {db['vendor']}: "
                "point DATABASE_URL at the same kind of database"
            )
        tar.extract(manifest["database_file"], tmp, filter="data")
        dump = Path(tmp) / manifest["database_file"]
        connection.close()
        if db["vendor"] == "sqlite":
            src = sqlite3.connect(dump)
            dst = sqlite3.connect(db["NAME"], timeout=30)
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
        else:
            _run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_pg_url(db)}", str(dump)],
                "pg_restore",
            )
        members = [m for m in tar.getmembers() if m.name.startswith("raw/") and m.isfile()]
        raw_root.mkdir(parents=True, exist_ok=True)
        for i, member in enumerate(members, start=1):
            member.name = member.name.removeprefix("raw/")
            tar.extract(member, raw_root, filter="data")
            if progress and (i % 500 == 0 or i == len(members)):
                progress("raw pages", i, len(members))
    return manifest
