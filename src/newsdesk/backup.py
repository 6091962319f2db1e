"""`newsdesk backup FILE` / `newsdesk restore FILE`: the whole site in one tar file.

The archive holds `manifest.json`, the database and the raw-page store (`raw/…`, already gzip).
SQLite is copied with its online backup API (a consistent snapshot while workers write);
PostgreSQL with `pg_dump --format=custom`, restored by `pg_restore --clean`. The Huey queue is
not kept: the database is the truth, and a worker's sweep re-queues unfinished articles.

A backup holds every account's password hash and session: the file is written owner-only (0600);
the PostgreSQL password goes to pg_dump / pg_restore in an owner-only password file, never on their
command line (which every user of the machine can read). A restore checks every raw page of the
archive (a plain file, a content-addressed name, gzip whose content matches it) before it touches
the database, so a damaged or hostile archive changes nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

FORMAT = 1


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why and what to do."""


def _database() -> dict:
    db = settings.DATABASES["default"]
    return {"vendor": connection.vendor, **db}


def _pg_url(db: dict) -> str:
    """The connection URL without the password (that goes through `_pg_env`'s password file)."""
    auth = quote(db.get("USER") or "", safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth + '@' if auth else ''}{host}{port}/{db['NAME']}"


def _pg_env(db: dict, folder: Path) -> dict[str, str]:
    """The environment for pg_dump / pg_restore: the password in an owner-only PGPASSFILE."""
    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    if password := db.get("PASSWORD"):
        passfile = folder / "pgpass"
        fd = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        escaped = str(password).replace("\\", "\\\\").replace(":", "\\:")
        with os.fdopen(fd, "w") as fh:
            fh.write(f"*:*:*:*:{escaped}\n")
        env["PGPASSFILE"] = str(passfile)
    return env


def _run(args: list[str], what: str, env: dict[str, str] | None = None) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(
            f"{args[0]} is not installed: install the PostgreSQL client (Debian postgresql-client)"
        )
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-1000:]}")


_RAW_NAME = re.compile(r"raw/([0-9a-zA-Z]{2})/([0-9a-zA-Z]{8,64})\.gz")
MAX_RAW_PAGE = 64 * 2**20  # no stored page is near this (the fetcher caps pages at 15 MiB)


def _raw_problem(tar: tarfile.TarFile, member: tarfile.TarInfo) -> str | None:
    """Why this raw/ member is not a page the store could have written (None when it is)."""
    match = _RAW_NAME.fullmatch(member.name)
    if not member.isfile():
        return "is not a plain file"
    if match is None or not match.group(2).startswith(match.group(1)):
        return "is not a raw-page name (raw/<2 characters>/<key>.gz)"
    key = match.group(2)
    digest, size = hashlib.sha256(), 0
    try:
        with gzip.open(tar.extractfile(member), "rb") as page:  # type: ignore[arg-type]
            while chunk := page.read(2**20):
                size += len(chunk)
                if size > MAX_RAW_PAGE:
                    return "is larger than any stored page"
                digest.update(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        return f"is not a readable gzip file ({exc})"
    if digest.hexdigest()[: len(key)] != key.lower():
        return "does not hold the page its name says (damaged or altered)"
    return None


def _checked_raw_members(tar: tarfile.TarFile, source: Path, manifest: dict) -> list[tarfile.TarInfo]:
    members = [m for m in tar.getmembers() if m.name.startswith("raw/") or m.name.startswith("raw\\")]
    for member in members:
        if problem := _raw_problem(tar, member):
            raise BackupError(f"{source}: {member.name!r} {problem}; the restore changed nothing")
    if len(members) != manifest.get("raw_pages"):
        raise BackupError(
            f"{source}: the manifest lists {manifest.get('raw_pages')} raw pages but the archive holds "
            f"{len(members)}; the restore changed nothing"
        )
    return members


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
            _run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _pg_url(db)],
                "pg_dump",
                _pg_env(db, Path(tmp)),
            )
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
        # Owner-only from its first byte: the archive holds password hashes and sessions.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # a leftover .partial keeps its old mode through O_TRUNC
        with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w") as tar:
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
        # Everything is checked before the database is touched.
        members = _checked_raw_members(tar, source, manifest)
        if manifest.get("database_file") not in {"database.sqlite3", "database.pgdump"}:
            raise BackupError(
                f"{source}: the manifest names no database file of ours; the restore changed nothing"
            )
        try:
            tar.extract(manifest["database_file"], tmp, filter="data")
        except (KeyError, tarfile.TarError) as exc:
            raise BackupError(f"{source}: the database file is missing or unreadable ({exc})") from exc
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
                _pg_env(db, Path(tmp)),
            )
        raw_root.mkdir(parents=True, exist_ok=True)
        for i, member in enumerate(members, start=1):
            member.name = member.name.removeprefix("raw/")
            tar.extract(member, raw_root, filter="data")
            if progress and (i % 500 == 0 or i == len(members)):
                progress("raw pages", i, len(members))
    return manifest
