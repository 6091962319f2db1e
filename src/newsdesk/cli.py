"""The `newsdesk` command: one entry point for operators and scripts (`newsdesk --help`).

Each command imports what it needs inside its function, on purpose: Django must be set up (`main`
does it) before any model module is imported, and `--help` or a typo should not load the models.
These imports dodge no cycle (lint-imports checks that: the CLI is a face, above everything).
One module of ~710 lines: one short function per command over flow/ and the apps, so `--help` and
the argument parser stay in one place; the work itself lives in the layers below.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django
    from django.apps import apps

    if apps.ready:
        # Already set up in this process (a test, or a caller that runs `main`): setting up again
        # would configure logging anew, onto whatever sys.stderr happens to be at this moment.
        return
    django.setup()


def _migrate(verbose: bool = False) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


class _Bars:
    """Progress on stderr, keyed by label: tqdm bars on a terminal; elsewhere (a log file, CI) plain
    lines, one per tenth of the work, since bars redrawn with carriage returns interleave with log
    lines there. Quiet when disabled (--json)."""

    def __init__(self, enabled: bool, tty: bool | None = None) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.bars: dict[str, Any] = {}
        self.started: dict[str, float] = {}
        self.printed: dict[str, int] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if not self.tty:
            self._line(label, done, total)
            return
        from tqdm import tqdm

        bar = self.bars.get(label)
        if bar is None:
            # The first report may come after work already done (a whole batch): counting it from
            # now would show a rate of millions a second, so the rate counts only what follows.
            bar = self.bars[label] = tqdm(
                total=total, initial=done, desc=label, unit="", file=sys.stderr, leave=True
            )
        bar.total = max(total, done)
        bar.n = done
        bar.refresh()

    def _line(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        start = self.started.setdefault(label, now)
        total = max(total, done)
        step = max(1, total // 10)
        last = self.printed.get(label, -1)
        if done == last or (done < total and last >= 0 and done - last < step):
            return
        self.printed[label] = done
        print(f"{label}: {done}/{total} ({now - start:.0f} s)", file=sys.stderr, flush=True)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def command(
    name: str,
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = fn
        return fn

    return register


def _ensure_admin() -> None:
    """On first start, create an admin account and print its one-time password."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(is_superuser=True).exists():
        return
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser("admin", "", password)
    print(
        "\n  First start: created the admin account.\n"
        f"  user: admin   password: {password}\n"
        "  This password is shown once; change it at /admin/password_change/.\n",
        flush=True,
    )


def _run_web(host: str, port: int, app: str = "newsdesk.asgi:application") -> None:
    from django.conf import settings

    from newsdesk import webserver

    # One process per core (webserver.py); JSON logs: the server's loggers go to the root handler.
    webserver.run(app, host, port, json_logs=settings.NEWSDESK_LOG_FORMAT == "json")


@command("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    from newsdesk import webserver

    _migrate()
    _ensure_admin()
    # The worker watches for this process to vanish (kill -9 gives no chance to stop it from here).
    env = {**os.environ, "NEWSDESK_SERVE_PID": str(os.getpid())}
    worker = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "worker"], env=env)
    print(
        f"newsdesk: serving on http://{args.host}:{args.port}/ ({webserver.describe()}; "
        f"worker pid {worker.pid})",
        flush=True,
    )
    # uvicorn shuts down on SIGTERM and then raises the signal again under the handler it found: the
    # default one would end this process on the spot and leave the worker running without its server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _run_web(args.host, args.port)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    return 0


@command("web")
def cmd_web(args: argparse.Namespace) -> int:
    _migrate()
    _run_web(args.host, args.port, args.app)
    return 0


@command("worker")
def cmd_worker(args: argparse.Namespace) -> int:
    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    # Importing the task modules registers their tasks and periodic tasks with the consumer.
    import newsdesk.flow.tasks
    import newsdesk.readers.tasks
    import newsdesk.stories.tasks
    import newsdesk.webhooks.queue
    import newsdesk.webhooks.tasks

    _migrate()
    # A starting worker does this minute's scheduling and sweep at once (first_in_tick keeps it to
    # one worker), so work left by a killed worker does not wait for the next minute's tick.
    newsdesk.flow.tasks.schedule_due_sources()
    newsdesk.flow.tasks.sweep_pending_articles()
    consumer = HUEY.create_consumer(
        workers=args.threads, worker_type="thread", periodic=True, check_worker_health=True
    )
    # Webhook deliveries on their own queue and threads (daemon threads: they stop with the main
    # consumer; a delivery cut short is found again by the sweep once its lease ends).
    newsdesk.webhooks.queue.DELIVERIES.create_consumer(
        workers=settings.NEWSDESK_WEBHOOK_THREADS, worker_type="thread", periodic=False
    ).start()
    _stop_with_parent(os.environ.get("NEWSDESK_SERVE_PID", ""))
    consumer.run()
    return 0


def _stop_with_parent(serve_pid: str) -> None:
    """A worker started by `serve` stops itself (as on SIGTERM: tasks finish, then exit) once that
    process is gone, even killed with -9: then it is re-parented and `getppid` changes."""
    if not serve_pid.isdigit():
        return

    def watch() -> None:
        while os.getppid() == int(serve_pid):
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="serve-watch", daemon=True).start()


@command("send-briefings")
def cmd_send_briefings(args: argparse.Namespace) -> int:
    from newsdesk.readers.mailing import send_due_briefings

    _migrate()
    print(f"{send_due_briefings()} briefing e-mail(s) sent")
    return 0


@command("add")
def cmd_add(args: argparse.Namespace) -> int:
    from newsdesk.flow.adding import AddError, add_url
    from newsdesk.flow.work import fetch_one_source

    _migrate()
    try:
        added = add_url(args.url, category=args.category or "")
    except AddError as exc:
        print(f"newsdesk add: {exc}", file=sys.stderr)
        return 2
    what = {"feed": "feed", "discovered": "feed (found on the page)", "article": "single article"}[added.how]
    state = "added" if added.created else "already there"
    print(f"{state}: {what} #{added.source.pk} {added.source.url}")
    if added.how != "article":
        outcome = fetch_one_source(added.source.pk)
        if outcome is not None:
            print(f"  first fetch: {outcome.message}")
    return 0


@command("import-opml")
def cmd_import_opml(args: argparse.Namespace) -> int:
    from newsdesk.flow.adding import import_opml
    from newsdesk.pipeline.opml import OpmlError

    _migrate()
    try:
        created, existing = import_opml(Path(args.file).read_bytes())
    except (OSError, OpmlError) as exc:
        print(f"newsdesk import-opml: {exc}", file=sys.stderr)
        return 2
    print(f"{created} sources added, {existing} already there")
    return 0


@command("export-opml")
def cmd_export_opml(args: argparse.Namespace) -> int:
    from newsdesk.flow.adding import export_opml

    text = export_opml()
    if args.file:
        Path(args.file).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


@command("import")
def cmd_import(args: argparse.Namespace) -> int:
    from newsdesk.flow.importing import ImportReport, import_path, iter_files
    from newsdesk.flow.work import run_until_idle

    _migrate()
    files = list(iter_files([Path(p) for p in args.paths]))
    missing = [p for p in args.paths if not Path(p).exists()]
    report = ImportReport(errors=[f"{p}: no such file or folder" for p in missing])
    bars = _Bars(not args.json)
    for i, path in enumerate(files, start=1):
        import_path(path, report)
        bars("importing files", i, len(files))
    processed = 0 if args.no_process else run_until_idle(progress=bars)
    bars.close()
    summary = {
        "files": report.files,
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "sources_added": report.sources_added,
        "processed": processed,
        "errors": report.errors,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"{report.files} files: {report.new} new articles, {report.updated} updated, "
            f"{report.unchanged} already there, {report.sources_added} sources added; {processed} processed"
        )
        for error in report.errors[:50]:
            print(f"  error: {error}", file=sys.stderr)
        if len(report.errors) > 50:
            print(f"  … and {len(report.errors) - 50} more errors", file=sys.stderr)
    return 1 if report.errors and not (report.new or report.updated or report.unchanged) else 0


@command("refresh")
def cmd_refresh(args: argparse.Namespace) -> int:
    from newsdesk.flow.work import due_sources, feed_sources, refresh_sources, wait_until_idle
    from newsdesk.sources.models import Source

    _migrate()
    if args.source:
        ids = list(Source.objects.filter(pk__in=args.source).values_list("pk", flat=True))
        if len(ids) != len(set(args.source)):
            print(
                "newsdesk refresh: no such source: " + ", ".join(map(str, set(args.source) - set(ids))),
                file=sys.stderr,
            )
            return 2
    elif args.all:
        ids = list(feed_sources().values_list("pk", flat=True))
    else:
        ids = list(due_sources().values_list("pk", flat=True))
    if not args.wait:
        from newsdesk.flow.tasks import fetch_source_task

        for pk in ids:
            fetch_source_task(pk)
        print(f"queued {len(ids)} sources for the worker")
        return 0
    bars = _Bars(True)
    refresh_sources(ids, progress=bars)
    processed = wait_until_idle(progress=bars)
    bars.close()
    failing = Source.objects.filter(pk__in=ids, consecutive_failures__gt=0).count()
    print(f"refreshed {len(ids)} sources ({failing} failing); {processed} articles processed")
    return 0


@command("reextract")
def cmd_reextract(args: argparse.Namespace) -> int:
    from newsdesk.articles.models import Article, Stage
    from newsdesk.flow.work import run_until_idle

    _migrate()
    articles = Article.objects.exclude(stage=Stage.NEW)
    if args.source:
        articles = articles.filter(source_id=args.source)
    count = articles.update(
        stage=Stage.FETCHED, duplicate_of=None, duplicate_kind="", duplicate_similarity=None
    )
    bars = _Bars(True)
    processed = run_until_idle(progress=bars)
    bars.close()
    print(f"re-extracted {count} articles ({processed} processed)")
    return 0


def _find_article(ref: str):
    from newsdesk.articles.models import Article
    from newsdesk.pipeline.urls import InvalidURL, canonicalize_url

    if ref.isdigit():
        return Article.objects.filter(pk=int(ref)).first()
    try:
        canonical = canonicalize_url(ref)
    except InvalidURL:
        return None
    return Article.objects.filter(canonical_url=canonical).first()


def _refusal(reason: str) -> str:
    """The refusal as a sentence: the pipeline's reason already says "not in the sources: …"."""
    return reason[:1].upper() + reason[1:]


def _no_article(command_name: str, ref: str) -> int:
    print(f"newsdesk {command_name}: no article {ref} (give its number or its URL)", file=sys.stderr)
    return 2


def _story_panel(command_name: str, story_id: int):
    from newsdesk.stories.insights import story_panel
    from newsdesk.stories.models import Story

    story = Story.objects.filter(pk=story_id).first()
    if story is None:
        print(f"newsdesk {command_name}: no story {story_id}", file=sys.stderr)
        return None, None, 2
    insight = story_panel(story, use_llm=True)
    if insight is None or not insight.data:
        print(
            f"newsdesk {command_name}: this story's articles have too little text for a panel",
            file=sys.stderr,
        )
        return story, None, 1
    return story, insight, 0


def _when(event: dict[str, Any]) -> str:
    """A timeline entry's date in words ("the 1980s"), never its raw value ("198", "2026-W48")."""
    from newsdesk.pipeline.text.dates import describe_value

    return str(event.get("label") or describe_value(str(event.get("value") or "")) or event.get("expression"))


def _explain_story(args: argparse.Namespace) -> int:
    story, insight, rc = _story_panel("explain", args.story)
    if insight is None:
        return rc
    data = insight.data
    if args.json:
        out = {"story": {"id": story.pk, "headline": story.headline}, **data, "llm": insight.llm}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(story.headline)
    print(f"{data['source_count']} outlets, {data['article_count']} articles")
    llm = insight.llm or {}
    if llm.get("sentences"):
        print(f"\nSummary (rewritten by {llm['model']} from the cited sentences, {llm['latency_s']} s):")
        for s in llm["sentences"]:
            print(f"  - {s['text']}")
            for c in s["citations"]:
                print(f"      {c['source']}: {c['text']}")
    print("\nSummary:")
    for s in data["summary"]:
        print(
            f"  - {s['source']}: {s['text']} [article {s['article_id']}, sentence {s['sentence_index'] + 1}]"
        )
    if data["disagreements"]:
        print("\nWhere the outlets differ:")
        for d in data["disagreements"]:
            print(f"  a {d['kind']}:")
            for v in d["values"]:
                print(f"    {v['value']:<12} {v['source']}: {v['sentence']}")
    print("\nWhat each outlet adds:")
    for source, items in data["outlet_additions"].items():
        print(f"  {source}:" + ("" if items else " nothing the others do not say"))
        for s in items:
            print(f"    - {s['text']} [sentence {s['sentence_index'] + 1}]")
    for kind, label in (("person", "People"), ("organisation", "Organisations"), ("place", "Places")):
        names = [e["name"] for e in data["entities"] if e["kind"] == kind]
        if names:
            print(f"\n{label}: " + ", ".join(names))
    if data["timeline"]:
        print("\nTimeline:")
        for t in data["timeline"]:
            print(f"  {_when(t):<28} {t['source']}: {t['sentence']}")
    if data.get("suggested_questions"):
        print("\nYou could ask: " + " · ".join(data["suggested_questions"]))
    return 0


def _ask_story(args: argparse.Namespace) -> int:
    from newsdesk.stories.insights import ask

    story, insight, rc = _story_panel("ask", args.story)
    if insight is None:
        return rc
    result = ask(story, args.question, insight=insight)
    if result is None:
        print("newsdesk ask: this story's articles have too little text to answer from", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif result.answer.answerable:
        llm = result.llm or {}
        for s in llm.get("sentences") or []:
            print(f"{s['text']} (rewritten by {llm['model']} from the sentences below)")
        if result.answer.outlets_differ:
            print("The outlets differ:")
        for p in result.answer.sentences:
            print(f"{p.source}: {p.text} [article {p.article_id}, sentence {p.sentence_index + 1}]")
    else:
        print(_refusal(result.answer.reason))
    return 0 if result.answer.answerable else 3


@command("explain")
def cmd_explain(args: argparse.Namespace) -> int:
    from newsdesk.articles.insights import panel_for

    if args.story is not None:
        return _explain_story(args)
    article = _find_article(args.article)
    if article is None:
        return _no_article("explain", args.article)
    panel = panel_for(article)
    if panel is None:
        print("newsdesk explain: this article has too little text for a panel", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(panel, indent=2, ensure_ascii=False))
        return 0
    print(article.title)
    print("\nSummary:")
    for s in panel["summary"]:
        print(f"  - {s['text']} [{s['sentence_index'] + 1}]")
    print("\nKey facts:")
    for f in panel["key_facts"]:
        print(f"  - {f['text']} [{f['sentence_index'] + 1}]")
    for label in ("people", "organisations", "places"):
        if panel[label]:
            print(f"\n{label.capitalize()}: " + ", ".join(e["name"] for e in panel[label]))
    if panel["timeline"]:
        print("\nTimeline:")
        for t in panel["timeline"]:
            print(f"  {_when(t):<28} {t['sentence']} [{t['sentence_index'] + 1}]")
    return 0


@command("ask")
def cmd_ask(args: argparse.Namespace) -> int:
    from newsdesk.articles.insights import ask

    if args.story is not None:
        return _ask_story(args)
    article = _find_article(args.article)
    if article is None:
        return _no_article("ask", args.article)
    result = ask(article, args.question)
    if result is None:
        print("newsdesk ask: this article has too little text to answer from", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif result.answerable:
        for s in result.sentences:
            print(f"{s.text} [{s.sentence_index + 1}]")
    else:
        print(_refusal(result.reason))
    return 0 if result.answerable else 3


@command("reindex")
def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild the search indexes from the database: full text, and the ANN cache (timed)."""
    import time

    from django.db import connection

    from newsdesk.articles import vectors

    _migrate()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")
    started = time.monotonic()
    vectors.reset()
    vectors.discard_snapshot()  # rebuilt from the database, then saved again when large
    index = vectors.article_index()
    elapsed = time.monotonic() - started
    print(f"full-text index rebuilt; vector index: {len(index)} articles in {elapsed:.1f} s")
    return 0


@command("status")
def cmd_status(args: argparse.Namespace) -> int:
    from newsdesk.flow.status import collect_status, format_status

    _migrate()
    status = collect_status()
    print(json.dumps(status, indent=2, default=str) if args.json else format_status(status))
    return 0


@command("role")
def cmd_role(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model

    from newsdesk.comments.roles import grant, role_of

    _migrate()
    user = get_user_model().objects.filter(username=args.user).first()
    if user is None:
        print(f"newsdesk role: no account named {args.user!r}", file=sys.stderr)
        return 2
    if args.role:
        grant(user, args.role)
    print(f"{user.get_username()}: {role_of(user)}")
    return 0


def _run_with_bars(command_name: str, step: Callable[..., dict], file: str) -> dict | None:
    """Run backup or restore on FILE with progress bars; None (after saying why) when it failed."""
    from newsdesk.backup import BackupError

    bars = _Bars(sys.stderr.isatty())
    try:
        return step(Path(file), progress=bars)
    except (BackupError, OSError) as exc:
        failure = exc
    finally:
        bars.close()  # before any message, so it is not drawn over a bar
    print(f"newsdesk {command_name}: {failure}", file=sys.stderr)
    return None


@command("backup")
def cmd_backup(args: argparse.Namespace) -> int:
    from newsdesk.backup import backup

    manifest = _run_with_bars("backup", backup, args.file)
    if manifest is None:
        return 1
    what = f"the {manifest['database']} database and {manifest['raw_pages']} raw pages"
    print(f"backed up {what} to {args.file}")
    return 0


@command("restore")
def cmd_restore(args: argparse.Namespace) -> int:
    from newsdesk.backup import restore

    manifest = _run_with_bars("restore", restore, args.file)
    if manifest is None:
        return 1
    _migrate()  # a backup from an older version gets this version's migrations
    print(f"restored the backup of {manifest['created']} ({manifest['raw_pages']} raw pages)")
    return 0


@command("manage")
def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["newsdesk manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="A self-hosted news platform. Data lives under NEWSDESK_HOME (default ./var).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text)

    for name, text in (
        ("serve", "Run the web app, the worker and the scheduler together (the embedded mode)."),
        ("web", "Run only the web app (scale-out mode: run several behind a load balancer)."),
    ):
        p = add(name, text)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--app",
        default="newsdesk.asgi:application",
        help="another ASGI app (module:attribute) served the same way (benchmarks.load's hello-world)",
    )
    p = add("worker", "Run a background worker: fetches, pipeline steps, periodic tasks.")
    p.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")
    add(
        "send-briefings",
        "Send the daily briefing e-mails that are due now (the worker does it every minute).",
    )
    p = add("add", "Add a feed URL, or a page URL whose feed is found by autodiscovery.")
    p.add_argument("url")
    p.add_argument("--category", help="category, nested with ' / ' (e.g. 'News / World')")
    p = add("import-opml", "Add every feed listed in an OPML file.")
    p.add_argument("file")
    p = add("export-opml", "Write the feed list as OPML (to FILE, or standard output).")
    p.add_argument("file", nargs="?")
    p = add(
        "import",
        "Ingest local feed files, HTML pages, WARC files or JSON Lines of articles, with no network.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--no-process", action="store_true", help="only store; leave processing to the worker")
    p = add(
        "refresh", "Fetch sources now (default: those due); with --wait, also run the pipeline until idle."
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--source", type=int, action="append", metavar="ID", help="this source (repeatable)")
    group.add_argument("--all", action="store_true", help="every active source")
    p.add_argument("--wait", action="store_true", help="do the work now and wait until it is done")
    p = add("reextract", "Extract articles again from their stored pages (after an extractor upgrade).")
    p.add_argument("--source", type=int, metavar="ID")
    p = add(
        "explain",
        "Print an article's or a story's AI panel: summary, key facts, entities, timeline (all cited).",
    )
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--article", metavar="ID_OR_URL")
    target.add_argument("--story", type=int, metavar="ID")
    p.add_argument("--json", action="store_true")
    p = add("ask", "Answer a question from an article's or a story's sentences, with citations, or refuse.")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--article", metavar="ID_OR_URL")
    target.add_argument("--story", type=int, metavar="ID")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    add("reindex", "Rebuild the full-text index and the vector index from the database.")
    p = add("status", "Counts per pipeline stage and the health of every source.")
    p.add_argument("--json", action="store_true")
    p = add("role", "Show or set an account's role: reader, moderator (comments) or admin (everything).")
    p.add_argument("user", help="user name")
    p.add_argument("role", nargs="?", choices=["reader", "moderator", "admin"])
    p = add("backup", "Write the database and the raw-page store to FILE (safe while the site runs).")
    p.add_argument("file")
    p = add("restore", "Replace the database with a backup's and add its raw pages (stop the site first).")
    p.add_argument("file")
    p = add("manage", "Run a Django management command (e.g. `newsdesk manage createsuperuser`).")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_django()
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
