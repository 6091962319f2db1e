"""`newsdesk import`: local feed files, HTML pages, WARC archives and JSON Lines, with no network.

Imported articles belong to sources of kind IMPORT, which are never fetched; their pages are taken
from the files (or the feed text), never from the web.
"""

from __future__ import annotations

import gzip
import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsdesk.articles import rawstore
from newsdesk.flow.adding import import_opml
from newsdesk.flow.ingest import Outcome, page_entry, upsert_entry
from newsdesk.flow.refresh import ingest_parsed
from newsdesk.pipeline.feeds import FeedEntry, FeedError, parse_feed
from newsdesk.pipeline.opml import OpmlError
from newsdesk.pipeline.urls import InvalidURL, canonicalize_url
from newsdesk.sources.models import Source

MAX_FILE_BYTES = 200 * 2**20


@dataclass
class ImportReport:
    files: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    sources_added: int = 0
    errors: list[str] = field(default_factory=list)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def _import_source(key: str, title: str, site_url: str = "") -> Source:
    source, _ = Source.objects.get_or_create(
        canonical_url=f"import:{key}"[:2000],
        defaults={
            "url": site_url[:2000],
            "kind": Source.Kind.IMPORT,
            "title": title[:500],
            "site_url": site_url[:2000],
        },
    )
    return source


def _site_key(url: str) -> str:
    try:
        return canonicalize_url(url)
    except InvalidURL:
        return ""


def import_path(path: Path, report: ImportReport) -> None:
    """Import one file; a bad file is reported and never stops the others."""
    report.files += 1
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"larger than {MAX_FILE_BYTES // 2**20} MiB")
        name = path.name.lower()
        if name.endswith((".warc", ".warc.gz", ".arc.gz")):
            _import_warc(path, report)
            return
        data = path.read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
            name = name[:-3]
        if name.endswith(".opml"):
            created, _ = import_opml(data)
            report.sources_added += created
        elif name.endswith((".jsonl", ".ndjson")):
            _import_jsonl(data, path, report)
        elif name.endswith((".html", ".htm")):
            _import_page(data, f"file://{path.resolve()}", report)
        else:
            _import_feed(data, path, report)
    except (FeedError, OpmlError, OSError, ValueError, UnicodeDecodeError, EOFError) as exc:
        report.errors.append(f"{path}: {exc}")


def _count(report: ImportReport, outcome: Outcome) -> None:
    if outcome is Outcome.NEW:
        report.new += 1
    elif outcome is Outcome.UPDATED:
        report.updated += 1
    else:
        report.unchanged += 1


def _import_feed(data: bytes, path: Path, report: ImportReport) -> None:
    parsed = parse_feed(data, url="")
    site = _site_key(parsed.site_url)
    # Snapshots of the same feed (same site) go to one source, whichever file they come from.
    key = f"feed:{site}" if site else f"file:{path.resolve()}"
    source = _import_source(key, parsed.title or path.stem, parsed.site_url)
    outcome = ingest_parsed(source, parsed)
    report.new += outcome.new
    report.updated += outcome.updated
    report.unchanged += len(parsed.entries) - outcome.new - outcome.updated


def _import_page(body: bytes, url: str, report: ImportReport) -> None:
    host = urlsplit(url).hostname or "local files"
    source = _import_source(f"pages:{host}", host)
    key = rawstore.put(body)
    _count(report, upsert_entry(source, page_entry(url), raw_page_key=key).outcome)


def _import_warc(path: Path, report: ImportReport) -> None:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            ctype = (record.http_headers.get_header("Content-Type") or "").lower()
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            body = record.content_stream().read(MAX_FILE_BYTES)
            if "html" in ctype:
                _import_page(body, url, report)
            elif any(t in ctype for t in ("xml", "rss", "atom", "json")):
                try:
                    _import_feed(body, path, report)
                except FeedError as exc:
                    report.errors.append(f"{path} ({url}): {exc}")


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _import_jsonl(data: bytes, path: Path, report: ImportReport) -> None:
    """Lines of {title, text, url, source, published}; a bad line is reported, the rest go in."""
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("a line must be a JSON object")
            title = str(item.get("title") or "").strip()
            text = str(item.get("text") or "").strip()
            if not (title or text):
                raise ValueError("needs a title or a text")
            url = str(item.get("url") or "")
            source_name = str(item.get("source") or urlsplit(url).hostname or path.stem)
            source = _import_source(f"source:{source_name}", source_name)
            entry = FeedEntry(
                guid=str(item.get("id") or url or f"{path.name}:{number}"),
                url=url,
                title=title,
                author=str(item.get("author") or ""),
                summary_html="",
                content_html=_text_to_html(text),
                published=_parse_time(item.get("published")),
                updated=None,
                image_url="",
                categories=(),
            )
            _count(report, upsert_entry(source, entry).outcome)
        except (ValueError, TypeError) as exc:
            report.errors.append(f"{path}:{number}: {exc}")
