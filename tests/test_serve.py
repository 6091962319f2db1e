"""`newsdesk serve` as an operator runs it: a real web server and worker process, stopped by SIGTERM
(what `kill`, supervisors and `docker stop` send) or killed outright, leaves no worker behind."""

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
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # the embedded default, as `make run` starts it
    serve = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = 0
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
        serve.send_signal(getattr(signal, stop))
        # SIGTERM: a clean stop. SIGKILL: the server has no say; its worker notices and stops itself.
        assert serve.wait(timeout=30) == (0 if stop == "SIGTERM" else -signal.SIGKILL)
        assert _wait_until(lambda: not _alive(worker), 30), "the worker outlived its server"
    finally:
        if serve.poll() is None:
            serve.kill()
        if worker and _alive(worker):
            os.kill(worker, signal.SIGKILL)
