"""How `newsdesk web` and `serve` run the site: one web process per core, each warmed before it serves.

One Python process runs Python on one core at a time (its threads share one lock), so one process per
core is what uses the machine (`NEWSDESK_WEB_PROCESSES`, default the number of cores); in each, a few
threads run Django's views (webthreads.py, `NEWSDESK_WEB_THREADS`, default 4), so one slow page does
not hold the others. The server is granian or uvicorn
(`NEWSDESK_WEB_SERVER`; see docs/quality.md for the measurement behind the default). Every web
process loads what its pages share (the article vector index, the query embedder) when it starts,
not on a reader's request: the supervisor writes the index snapshot once, before the processes
start, so each loads it instead of building the graph itself. A web process whose supervisor is gone
(killed with -9) stops itself.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
import time

log = logging.getLogger(__name__)

SERVERS = ("granian", "uvicorn")
SUPERVISOR_ENV = "NEWSDESK_WEB_SUPERVISOR_PID"  # set by the supervisor; its web processes watch it
WARM_ENV = "NEWSDESK_WEB_WARM"  # "1": a web process loads its caches on start (set by `newsdesk web`)


def web_processes() -> int:
    raw = os.environ.get("NEWSDESK_WEB_PROCESSES", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise SystemExit(f"NEWSDESK_WEB_PROCESSES must be a whole number ≥ 1, not {raw!r}")
        return int(raw)
    return os.cpu_count() or 1


def server_kind() -> str:
    kind = os.environ.get("NEWSDESK_WEB_SERVER", "").strip().lower() or "granian"
    if kind not in SERVERS:
        raise SystemExit(f"NEWSDESK_WEB_SERVER must be one of {', '.join(SERVERS)}, not {kind!r}")
    return kind


def describe() -> str:
    n = web_processes()
    return f"{server_kind()}, {n} process{'es' if n != 1 else ''}"


def prepare_shared_caches(processes: int) -> None:
    """Before the web processes start: make sure a current snapshot of the article vector index is on
    disk, whatever its size, so that each process loads it (a second) instead of each building the
    same graph (tens of seconds at 20,000 articles, minutes at a million) on its first page."""
    if processes < 2:
        return
    from newsdesk.articles import vectors

    try:
        vectors.article_index()
        vectors.save_snapshot(any_size=True)
    except Exception:  # a site without its tables yet, a full disk: each process builds its own
        log.warning("vector index snapshot not prepared for the web processes", exc_info=True)
    finally:
        vectors.forget_index()  # the supervisor serves no page: its copy would only hold memory


def start_web_process() -> None:
    """In each web process, as its application is imported (before it accepts a connection)."""
    _watch_supervisor()
    if os.environ.get(WARM_ENV) == "1":
        from newsdesk.runtime import pagechanges

        pagechanges.watch()  # cached pages learn of changes made by other processes
        _warm()


def _warm() -> None:
    from django.db import connections

    from newsdesk.articles import vectors
    from newsdesk.runtime.embedder import get_embedder

    started = time.perf_counter()
    try:
        if web_processes() > 1:
            import torch

            torch.set_num_threads(1)  # a query is one short text; the other cores serve other pages
        vectors.article_index()
        get_embedder().embed(["warm"])
    except Exception:  # a page then loads what it needs itself, as before
        log.warning("web process not warmed", exc_info=True)
        return
    finally:
        # The index read the database from this (the server's) thread, which serves no page: its
        # connection would stay open, idle, for the process's life (pages use webthreads' own).
        connections.close_all()
    # What was loaded to serve pages stays for the process's life: leaving it out of the collector's
    # full passes keeps them short while pages are served (each scans every object it tracks).
    gc.collect()
    gc.freeze()
    log.info("web process %d warmed in %.1f s", os.getpid(), time.perf_counter() - started)


def _watch_supervisor() -> None:
    """Stop once the supervisor (`newsdesk web` / `serve`) is gone: kill -9 gives it no chance to stop
    its web processes, and they would go on holding the port. They are then re-parented."""
    raw = os.environ.get(SUPERVISOR_ENV, "")
    if not raw.isdigit() or int(raw) == os.getpid() or os.getppid() != int(raw):
        return
    supervisor = int(raw)

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(1.0)
        log.warning("web process %d: its supervisor %d is gone; stopping", os.getpid(), supervisor)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)  # the server's own shutdown, if it handles SIGTERM in this process
        os._exit(0)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()


def run(app: str, host: str, port: int, *, json_logs: bool) -> None:
    """Serve `app` (module:attribute) on host:port until SIGTERM / Ctrl-C, with the configured server
    and number of processes."""
    processes = web_processes()
    kind = server_kind()
    os.environ[SUPERVISOR_ENV] = str(os.getpid())
    os.environ[WARM_ENV] = "1"
    if app == "newsdesk.asgi:application":
        prepare_shared_caches(processes)
    if kind == "granian":
        _run_granian(app, host, port, processes, json_logs=json_logs)
    else:
        _run_uvicorn(app, host, port, processes, json_logs=json_logs)


def _run_granian(app: str, host: str, port: int, processes: int, *, json_logs: bool) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        app,
        address=host,
        port=port,
        interface=Interfaces.ASGINL,  # Django has no lifespan events
        workers=processes,
        websockets=False,
        # A process still loading its caches, or stuck in a request, is killed this long after
        # SIGTERM, so stopping the site never hangs (systemd and docker wait at most 10-90 s).
        workers_kill_timeout=10,
        log_access=False,  # the request middleware writes the access lines (operations/middleware.py)
    ).serve()


def _run_uvicorn(app: str, host: str, port: int, processes: int, *, json_logs: bool) -> None:
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=processes,
        log_level="info",
        lifespan="off",
        log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
        access_log=False,  # the request middleware writes the access lines
    )
