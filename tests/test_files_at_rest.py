"""Secrets at rest and backups (issue 14, Low): what another user of the machine, or a damaged or
hostile backup file, can do.

- the secret key file is owner-only from its first byte (it was written, then chmod-ed);
- a backup (password hashes, sessions) is owner-only (it was world-readable);
- the PostgreSQL password never appears on pg_dump's command line (any user can read it in `ps`);
- a restore checks every raw page before it touches the database (it overwrote the database first).
"""

from __future__ import annotations

import copy
import gzip
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.db import connection

from newsdesk import backup
from tests.test_backup import _pages, _site, _snapshot

SPY = r"""
import io, os, sys
target = os.path.join(sys.argv[1], "secret_key")
seen = []
real_os_open, real_io_open = os.open, io.open
def os_open(path, flags, mode=0o777, *a, **k):
    fd = real_os_open(path, flags, mode, *a, **k)
    if os.fspath(path) == target:
        seen.append(os.fstat(fd).st_mode & 0o777)
    return fd
def io_open(file, *a, **k):
    f = real_io_open(file, *a, **k)
    if isinstance(file, (str, os.PathLike)) and os.fspath(file) == target:
        seen.append(os.fstat(f.fileno()).st_mode & 0o777)
    return f
os.open, io.open = os_open, io_open
import builtins; builtins.open = io_open
os.umask(0o022)
import newsdesk.settings
print(sorted(set(seen)), oct(os.stat(target).st_mode & 0o777))
"""


def test_the_secret_key_file_is_never_readable_by_others(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path)}
    env.pop("NEWSDESK_SECRET_KEY", None)
    out = subprocess.run([sys.executable, "-c", SPY, str(tmp_path)], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    modes, final = out.stdout.split("] ")
    assert modes.strip("[") and final.strip() == "0o600"
    # Every time the file was open, it was owner-only: no moment where another user could read it.
    assert all(int(m) & 0o077 == 0 for m in modes.strip("[").split(",")), out.stdout
    key = (tmp_path / "secret_key").read_text().strip()
    again = subprocess.run(
        [sys.executable, "-c", SPY, str(tmp_path)], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0 and (tmp_path / "secret_key").read_text().strip() == key


@pytest.mark.django_db
def test_a_backup_file_is_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        (tmp_path / "site.backup.partial").write_bytes(b"left from a killed run")
        (tmp_path / "site.backup.partial").chmod(0o644)
        backup.backup(tmp_path / "site.backup")
    finally:
        os.umask(old)
    assert (tmp_path / "site.backup").stat().st_mode & 0o077 == 0


def test_the_postgres_password_goes_in_an_owner_only_file_not_on_the_command_line(tmp_path: Path) -> None:
    db = {
        "NAME": "newsdesk",
        "USER": "newsdesk",
        "PASSWORD": r"s3cret:with\odd",
        "HOST": "db",
        "PORT": "5432",
    }
    url = backup._pg_url(db)
    assert "s3cret" not in url and url == "postgresql://newsdesk@db:5432/newsdesk"
    env = backup._pg_env(db, tmp_path)
    passfile = Path(env["PGPASSFILE"])
    assert passfile.stat().st_mode & 0o077 == 0
    assert passfile.read_text() == "*:*:*:*:s3cret\\:with\\\\odd\n"
    assert "PGPASSWORD" not in env


@pytest.mark.django_db
def test_pg_dump_runs_with_no_password_in_its_arguments(tmp_path: Path, settings, monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump runs on the PostgreSQL pass (DATABASE_URL=postgres://…)")
    databases = copy.deepcopy(settings.DATABASES)
    databases["default"]["PASSWORD"] = "s3cret-never-in-ps"
    settings.DATABASES = databases
    calls = []
    real_run = subprocess.run

    def spy(args, **kwargs):  # the real pg_dump runs; its arguments and password file are noted
        passfile = kwargs.get("env", {}).get("PGPASSFILE")
        calls.append((args, Path(passfile).read_text() if passfile else ""))
        return real_run(args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", spy)
    backup.backup(tmp_path / "site.backup")
    [(args, passfile_text)] = calls
    assert args[0] == "pg_dump" and not [a for a in args if "s3cret" in a]
    assert "s3cret-never-in-ps" in passfile_text


def _tampered(original: Path, target: Path, how: str) -> Path:
    """A copy of a backup whose first raw page is altered (`content`) or renamed out of the store."""
    with tarfile.open(original) as src, tarfile.open(target, "w") as dst:
        done = False
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            if member.name.startswith("raw/") and not done:
                done = True
                if how == "content":
                    data = gzip.compress(b"<html><script>planted</script></html>")
                else:
                    member.name = "raw/../../../planted.gz"
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.slow
@pytest.mark.parametrize("how", ["content", "name"])
def test_a_restore_checks_the_raw_pages_before_it_touches_the_database(tmp_path: Path, how: str) -> None:
    a = _site(tmp_path / "a", None)
    a("import", str(_pages(tmp_path / "pages")))
    a("backup", str(tmp_path / "site.backup"))
    bad = _tampered(tmp_path / "site.backup", tmp_path / "bad.backup", how)

    b = _site(tmp_path / "b", None)
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "own.html").write_text(
        "<html><head><title>The site's own article</title></head><body><article>"
        + "".join(f"<p>Paragraph {i} of the article this site already had.</p>" for i in range(12))
        + "</article></body></html>"
    )
    b("import", str(tmp_path / "own"))
    before = _snapshot(b)
    out = b("restore", str(bad), ok=False)
    assert "the restore changed nothing" in out, out[-1000:]
    assert _snapshot(b) == before, "the database was overwritten by a backup that failed its checks"
    assert not (tmp_path / "planted.gz").exists()
