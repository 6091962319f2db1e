"""Article-body extraction: newsdesk vs trafilatura vs readability-lxml, side by side in one process.

    python -m benchmarks.extraction [--data DIR] [--limit N]

DIR is any directory in the scrapinghub article-extraction-benchmark layout: ``html/<id>.html`` or
``html/<id>.html.gz`` and ``ground-truth.json`` mapping id → {"articleBody": ...}. Scores follow that
benchmark's ``evaluate.py`` (see ``benchmarks/scoring.py``). Prints one JSON object; for newsdesk it
includes ``second_opinion_share``, the share of pages on which readability was asked as well.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "extraction" / "scrapinghub"

sys.path.insert(0, str(REPO_ROOT / "src"))

from benchmarks.scoring import Counts, aggregate, match  # noqa: E402

Extractor = Callable[[str, str], str]


def load_pages(data: Path, limit: int | None) -> list[tuple[str, str, str, str]]:
    """(id, url, html, true body) for every page with ground truth, in id order."""
    truth: dict[str, dict[str, Any]] = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for item_id in sorted(truth):
        plain, gz = data / "html" / f"{item_id}.html", data / "html" / f"{item_id}.html.gz"
        if gz.exists():
            raw = gzip.decompress(gz.read_bytes())
        elif plain.exists():
            raw = plain.read_bytes()
        else:
            continue
        html = raw.decode("utf-8", errors="replace")
        pages.append(
            (item_id, str(truth[item_id].get("url") or ""), html, truth[item_id].get("articleBody") or "")
        )
        if limit and len(pages) >= limit:
            break
    return pages


def newsdesk_extractor() -> Extractor:
    from newsdesk.pipeline.extract import extract_article

    return lambda html, url: extract_article(html, url).text


def trafilatura_extractor() -> Extractor:
    import trafilatura

    # As the upstream benchmark runs it: defaults, plain-text output, comments excluded.
    return lambda html, url: trafilatura.extract(html, include_comments=False) or ""


def readability_extractor() -> Extractor:
    from readability import Document

    from newsdesk.pipeline.sanitize import html_to_text

    return lambda html, url: html_to_text(Document(html).summary(html_partial=True))


class SecondOpinionCounter(logging.Handler):
    """Counts the extractor's "second opinion on <url>: <reason>" debug records."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("second opinion"):
            self.count += 1


def run(name: str, extract: Extractor, pages: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    counts: list[Counts] = []
    failures = 0
    elapsed = 0.0
    for _item_id, url, html, truth in pages:
        start = time.perf_counter()
        try:
            prediction = extract(html, url)
        except Exception:  # a failed page scores as an empty prediction, whatever the library raised
            prediction = ""
            failures += 1
        elapsed += time.perf_counter() - start
        counts.append(match(truth, prediction))
    scores = aggregate(counts)
    return {
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
        "pages_per_s": round(len(pages) / elapsed, 1) if elapsed else 0.0,
        "n_docs": len(pages),
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="scrapinghub-format directory")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by id)")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        parser.error(f"no ground-truth.json in {args.data}")
    logging.getLogger().setLevel(logging.CRITICAL)  # trafilatura logs every discarded page
    second_opinions = SecondOpinionCounter()
    extract_log = logging.getLogger("newsdesk.pipeline.extract")
    extract_log.setLevel(logging.DEBUG)
    extract_log.propagate = False
    extract_log.addHandler(second_opinions)
    pages = load_pages(args.data, args.limit)
    if not pages:
        parser.error(f"no pages with ground truth under {args.data / 'html'}")
    extractors = {
        "newsdesk": newsdesk_extractor(),
        "trafilatura": trafilatura_extractor(),
        "readability": readability_extractor(),
    }
    # Warm each library up on one page so one-off model and import costs do not count as speed.
    for extract in extractors.values():
        with contextlib.suppress(Exception):
            extract(pages[0][2], pages[0][1])
    second_opinions.count = 0  # not the warm-up
    results = {name: run(name, extract, pages) for name, extract in extractors.items()}
    ours = results["newsdesk"]
    ours["second_opinion_share"] = round(second_opinions.count / len(pages), 3)
    for peer in ("trafilatura", "readability"):
        theirs = results[peer]
        results["newsdesk"][f"f1_ratio_vs_{peer}"] = (
            round(ours["f1"] / theirs["f1"], 4) if theirs["f1"] else None
        )
        results["newsdesk"][f"speed_ratio_vs_{peer}"] = (
            round(ours["pages_per_s"] / theirs["pages_per_s"], 3) if theirs["pages_per_s"] else None
        )
    results["data"] = str(args.data)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
