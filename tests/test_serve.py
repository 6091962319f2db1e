"""`newsdesk serve` as an operator runs it: a real web server (one process per core) and worker
process, stopped by SIGTERM (what `kill`, supervisors and `docker stop` send) or killed outright,
leaves no worker and no web process behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from newsdesk.testing.services import free_port

pytestmark = pytest.mark.slow


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def _children(pid: int) -> set[int]:
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().split(")")[-1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.add(int(stat.parent.name))
    return kids


def _wait_until(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGKILL"])
def test_stopping_the_server_stops_its_worker(tmp_path: Path, stop: str) -> None:
    port = free_port()
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path), "NEWSDESK_WEB_PROCESSES": "2"}
    env.pop("DATABASE_URL", None)  # the embedded default, as `make run` starts it
    serve = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = 0
    web: set[int] = set()
    try:
        assert serve.stdout is not None
        deadline = time.monotonic() + 120
        while not worker and time.monotonic() < deadline:
            line = serve.stdout.readline()
            if not line:
                break
            m = re.search(r"worker pid (\d+)", line)
            worker = int(m.group(1)) if m else 0
        assert worker, "serve did not start its worker"

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        assert _wait_until(healthy, 60), "the web server never answered"
        assert _alive(worker)
        web = _children(serve.pid) - {worker}
        assert len(web) >= 2, f"expected one web process per core, found {web}"
        serve.send_signal(getattr(signal, stop))
        # SIGTERM: a clean stop. SIGKILL: the server has no say; its worker notices and stops itself.
        assert serve.wait(timeout=30) == (0 if stop == "SIGTERM" else -signal.SIGKILL)
        assert _wait_until(lambda: not _alive(worker), 30), "the worker outlived its server"
        assert _wait_until(lambda: not any(_alive(p) for p in web), 30), "a web process outlived serve"
    finally:
        if serve.poll() is None:
            serve.kill()
        for pid in [worker, *web]:
            if pid and _alive(pid):
                os.kill(pid, signal.SIGKILL)
