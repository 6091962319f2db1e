"""Labelled story-event sets for `benchmarks/stories.py`, rebuilt from `../shared` and the label files in
`benchmarks/story_events/` (the rule they follow: docs/story-events.md).

Each set is a list of rows `{id, cluster, title, text, source, url, published}` as `stories.py` reads them:

- `gedikli`: the 100 business-energy articles of the gedikli story chains (`../shared/data/clusters`);
- `rssarch-dev`, `rssarch-heldout`: every item the FT, Economist, NYT and WSJ feeds published in a nine-day
  window (title + teaser, as a feed gives them), events labelled by hand;
- `bbc-dev` (politics, tech, entertainment), `bbc-heldout` (business, sport), `bbc` (all 1,559): the BBC News
  corpus, full texts, events labelled by hand. The corpus has no dates; as after an import, every article is
  dated by its arrival, one second apart in file order.

The held-out sets are for reporting, never for choosing a setting.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from newsdesk.pipeline.feeds import FeedError, parse_feed, plain_text

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
LABELS = Path(__file__).resolve().parent / "story_events"
ARCHIVE_PREFIX = "https://archive.is/newest/"
PUBLISHERS = {
    "ft-home": "Financial Times",
    "economist": "The Economist",
    "nyt_econ": "The New York Times",
    "wsj_econ": "The Wall Street Journal",
    "wsj_world": "The Wall Street Journal",
}
BBC_DEV = ("politics", "tech", "entertainment")
BBC_HELDOUT = ("business", "sport")
# When the BBC articles "arrive" (the corpus has no dates): any fixed time will do.
BBC_IMPORTED = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


class LabelError(ValueError):
    """A label file does not match the data it labels (missing article, changed title, bad line)."""


Row = dict[str, str]


@dataclass(frozen=True)
class EventLabels:
    events: dict[str, list[tuple[str, str]]]  # event → [(article id, title as labelled)]
    window: tuple[date, date] | None = None
    articles: int | None = None


def _norm(title: str) -> str:
    return " ".join(title.split()).casefold()


def read_labels(path: Path) -> EventLabels:
    """Parse a `.events` file: `# window A B`, `# articles N`, `## event` headers, `id<TAB>title` lines."""
    events: dict[str, list[tuple[str, str]]] = {}
    window: tuple[date, date] | None = None
    articles: int | None = None
    current: str | None = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line:
            continue
        if line.startswith("## "):
            current = line[3:].strip()
            if not current or current in events:
                raise LabelError(f"{path.name}:{n}: empty or repeated event name")
            events[current] = []
        elif line.startswith("# window "):
            a, b = line.split()[2:4]
            window = (date.fromisoformat(a), date.fromisoformat(b))
        elif line.startswith("# articles "):
            articles = int(line.split()[2])
        elif line.startswith("#"):
            continue
        elif current is None or "\t" not in line:
            raise LabelError(f"{path.name}:{n}: expected 'id<TAB>title' under an '## event' header")
        else:
            article_id, title = line.split("\t", 1)
            events[current].append((article_id.strip(), title))
    return EventLabels(events, window, articles)


def assign_clusters(rows: list[Row], labels: EventLabels, where: str) -> list[Row]:
    """Set each row's `cluster`: its labelled event, else its own id. Every labelled id must be in `rows`
    with the title it was labelled with, and in one event only."""
    by_id = {r["id"]: r for r in rows}
    cluster: dict[str, str] = {}
    for event, members in labels.events.items():
        if len(members) < 2:
            raise LabelError(f"{where}: event {event} has fewer than two articles")
        for article_id, title in members:
            row = by_id.get(article_id)
            if row is None:
                raise LabelError(f"{where}: event {event}: no article {article_id} in the data")
            if _norm(row["title"]) != _norm(title):
                raise LabelError(f"{where}: {article_id} is titled {row['title']!r}, labelled as {title!r}")
            if article_id in cluster:
                raise LabelError(f"{where}: {article_id} is in {cluster[article_id]} and {event}")
            cluster[article_id] = event
    return [{**r, "cluster": cluster.get(r["id"], r["id"])} for r in rows]


# --- rssarch ----------------------------------------------------------------------------------------------


def rssarch_items(root: Path | None = None) -> list[Row]:
    """Every item of the snapshots once (the first snapshot that has it, in path order; an item is known by
    its guid and by its publisher URL, either of which a later snapshot may change), with the archive
    wrapper taken off the link and the teaser as plain text."""
    root = root or SHARED / "rss-feeds-rssarch"
    rows: dict[str, Row] = {}
    seen: set[str] = set()
    for path in sorted(root.glob("*/*.xml")):
        feed = path.parent.name
        try:
            parsed = parse_feed(path.read_bytes(), url=path.as_uri())
        except FeedError as exc:
            raise LabelError(f"{path}: {exc}") from exc
        for entry in parsed.entries:
            url = entry.url.removeprefix(ARCHIVE_PREFIX).split("?")[0]
            keys = {f"url:{url}", f"guid:{entry.guid}"}
            if not url or keys & seen or entry.published is None:
                continue
            seen |= keys
            rows[url] = {
                "id": hashlib.sha1(url.encode()).hexdigest()[:12],
                "title": entry.title,
                "text": plain_text(entry.summary_html or entry.content_html),
                "source": PUBLISHERS.get(feed, feed),
                "url": url,
                "published": entry.published.astimezone(UTC).isoformat(),
            }
    return list(rows.values())


def rssarch_set(label_file: str, root: Path | None = None) -> list[Row]:
    labels = read_labels(LABELS / label_file)
    if labels.window is None:
        raise LabelError(f"{label_file}: no '# window' line")
    first, last = labels.window
    rows = [
        r
        for r in rssarch_items(root)
        if first <= datetime.fromisoformat(r["published"]).astimezone(UTC).date() <= last
    ]
    rows.sort(key=lambda r: (r["published"], r["id"]))
    if labels.articles is not None and len(rows) != labels.articles:
        raise LabelError(f"{label_file}: the window holds {len(rows)} items, labelled {labels.articles}")
    return assign_clusters(rows, labels, label_file)


# --- BBC ---------------------------------------------------------------------------------------------------


def _bbc_rows(path: Path) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            x = json.loads(line)
            rows.append(
                {
                    "id": x["id"],
                    "topic": x["topic"],
                    "title": x["title"],
                    "text": x["text"],
                    "source": x.get("source") or "BBC News",
                    "url": f"bbc:{x['id']}",
                    "published": (BBC_IMPORTED + timedelta(seconds=n)).isoformat(),
                }
            )
    return rows


COPY_COSINE = 0.9  # text TF-IDF cosine of one article lightly edited (the corpus has ~30 such pairs ≥ 0.99)


def _copies(rows: list[Row]) -> list[list[str]]:
    """Groups of copies of one article: the same title, or texts whose TF-IDF cosine is at least
    `COPY_COSINE` (re-titled or lightly edited copies; the next-closest pairs in the corpus, at 0.82 and
    below, are different reports)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    first: dict[str, int] = {}
    for i, r in enumerate(rows):
        first.setdefault(_norm(r["title"]), i)
        union(i, first[_norm(r["title"])])
    x = TfidfVectorizer(sublinear_tf=True).fit_transform([r["text"] for r in rows])
    close = (x @ x.T).tocoo()
    for i, j, v in zip(close.row, close.col, close.data, strict=True):
        if i < j and v >= COPY_COSINE:
            union(int(i), int(j))
    groups: dict[int, list[str]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[find(i)].append(r["id"])
    return [g for g in groups.values() if len(g) > 1]


def bbc_set(sections: Iterable[str] | None = None, path: Path | None = None) -> list[Row]:
    rows = _bbc_rows(path or SHARED / "bbc-news" / "bbc_news.jsonl")
    labelled = assign_clusters(rows, read_labels(LABELS / "bbc.events"), "bbc.events")
    cluster = {r["id"]: r["cluster"] for r in labelled}
    for group in _copies(rows):
        events = {cluster[i] for i in group if cluster[i] != i}
        if len(events) > 1:
            raise LabelError(f"bbc.events: copies {group} are labelled as different events {sorted(events)}")
        event = events.pop() if events else f"copies-of-{group[0]}"
        for i in group:
            cluster[i] = event
    keep = set(sections) if sections is not None else None
    return [{**r, "cluster": cluster[r["id"]]} for r in labelled if keep is None or r["topic"] in keep]


# --- gedikli -----------------------------------------------------------------------------------------------


def gedikli_set(path: Path | None = None) -> list[Row]:
    path = path or SHARED / "clusters" / "gedikli-energy-story-chains" / "articles.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


SETS: dict[str, Callable[[], list[Row]]] = {
    "gedikli": gedikli_set,
    "rssarch-dev": lambda: rssarch_set("rssarch-dev.events"),
    "bbc-dev": lambda: bbc_set(BBC_DEV),
    "rssarch-heldout": lambda: rssarch_set("rssarch-heldout.events"),
    "bbc-heldout": lambda: bbc_set(BBC_HELDOUT),
    "bbc": lambda: bbc_set(),
}
DEV_SETS = ("gedikli", "rssarch-dev", "bbc-dev")
HELDOUT_SETS = ("rssarch-heldout", "bbc-heldout")


def load_set(name: str) -> list[Row]:
    if name not in SETS:
        raise KeyError(f"unknown set {name!r}; known: {', '.join(SETS)}")
    return SETS[name]()
