"""Private PostgreSQL and Redis servers for fault tests and benchmarks, on free loopback ports.

Fault tests stop, kill and restart these servers, so they must never be the shared ones other
people use: each is started from the Debian binaries in its own temporary folder and removed
afterwards. As root, PostgreSQL runs as the `postgres` user (it refuses to run as root).

    with PrivatePostgres() as pg, PrivateRedis() as redis:
        env["DATABASE_URL"] = pg.url("newsdesk")
        env["REDIS_URL"] = redis.url
        redis.restart()
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self


class ServiceUnavailable(RuntimeError):
    """The server's binaries are not installed here (tests skip with this message)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, timeout_s: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout_s:.0f} s")


def postgres_bin(name: str) -> str:
    """Path of a PostgreSQL server binary (initdb, pg_ctl, postgres), newest version first."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if found:
        return found[0]
    if path := shutil.which(name):
        return path
    raise ServiceUnavailable(f"PostgreSQL's {name} is not installed (Debian package postgresql)")


class _PrivateServer:
    """What both servers share: a free port, a temp folder, restart, and use as a context manager.

    A subclass checks its binaries before calling `__init__` here (so a missing server leaves no
    temp folder behind) and defines `start` and `stop`; `_stop_on_exit` is how `with` ends it.
    """

    _dir_prefix = "newsdesk-"

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix=self._dir_prefix))

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def _stop_on_exit(self) -> None:
        self.stop()

    def restart(self, down_s: float = 0.0) -> None:
        self.stop()
        time.sleep(down_s)
        self.start()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._stop_on_exit()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class PrivatePostgres(_PrivateServer):
    """A throw-away PostgreSQL cluster: initdb in a temp folder, pg_ctl start/stop/restart."""

    _dir_prefix = "newsdesk-pg-"

    def __init__(self) -> None:
        self.initdb = postgres_bin("initdb")
        self.pg_ctl = postgres_bin("pg_ctl")
        self._user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self._user = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise ServiceUnavailable("running as root and there is no `postgres` user") from exc
        super().__init__()
        self.data = self.dir / "data"
        if self._user is not None:
            os.chown(self.dir, self._user.pw_uid, self._user.pw_gid)

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            list(args),
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=self._demote,
        )

    def _demote(self) -> None:
        if self._user is not None:
            os.setgid(self._user.pw_gid)
            os.setuid(self._user.pw_uid)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        if not self.data.exists():
            self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            self.pg_ctl, "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options, "-w", "start"
        )
        _wait_for_port(self.port, 30)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` disconnects every client (what a restart does to the workers)."""
        if (self.data / "postmaster.pid").exists():
            self._run(self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")

    def _stop_on_exit(self) -> None:
        self.stop("immediate")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


class PrivateRedis(_PrivateServer):
    """A throw-away redis-server on a free port, no persistence (a restart empties it, as a crash does)."""

    _dir_prefix = "newsdesk-redis-"

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServiceUnavailable("redis-server is not installed (Debian package redis-server)")
        self.binary = binary
        super().__init__()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, 15, self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None
