"""The synthetic site the latency benchmarks run on (`benchmarks.search`, `benchmarks.load`).

N articles in stories of five, 40 outlets, two weeks of publish times. Titles and texts are BBC
headlines and sentences recombined, so full-text terms have a natural distribution; vectors are
points around N / 20 random centres (clustered, like real articles; latency needs no real
embeddings). Each article's lead entities are stored as the embed stage stores them.

Rows go in with `executemany` over the models' own columns and defaults (no model instance per row:
the ORM would be most of the build time at a million rows); lead entities are computed in one process
per core. A built site is described by `site.json` in its folder and reused by later runs.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
BBC = REPO_ROOT.parent / "shared" / "data" / "bbc-news" / "bbc_news.jsonl"
STORY_SIZE = 5
OUTLETS = 40
BATCH = 10_000


def _insert(model: Any, rows: Iterable[dict[str, Any]]) -> None:
    """INSERT rows (field name -> Python value) through each field's own conversion to the database;
    fields a row leaves out get the model's default."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    template = model()  # the defaults, once
    defaults = {f.attname: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"
    values = [
        [
            f.get_db_prep_save(row[f.attname], connection) if f.attname in row else defaults[f.attname]
            for f in fields
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _lead_entities(pair: tuple[str, str]) -> list[str]:
    from newsdesk.articles.related import lead_entities

    return lead_entities(*pair)


def build(n: int, *, seed: int = 7, progress: bool = True) -> dict[str, Any]:
    """Migrate the configured (empty) database and fill it; returns the build figures."""
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from newsdesk.articles.models import Article
    from newsdesk.articles.related import LEAD_CHARS
    from newsdesk.flow.tasks import analyze_database
    from newsdesk.pipeline.embeddings import to_blob
    from newsdesk.sources.models import Source
    from newsdesk.stories.models import Story

    call_command("migrate", verbosity=0)
    if Article.objects.exists():
        raise SystemExit(f"{connection.settings_dict['NAME']} already holds articles")
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    rows = [json.loads(line) for line in BBC.read_text().splitlines() if line.strip()]
    sentences = [s.strip() + "." for r in rows for s in r["text"].split(".") if len(s.split()) > 5]
    titles = [r["title"] for r in rows]
    sources = [
        Source.objects.create(
            url=f"https://s{i}.example/feed", canonical_url=f"https://s{i}.example/feed", title=f"Outlet {i}"
        ).pk
        for i in range(OUTLETS)
    ]
    centres = np_rng.normal(size=(max(1, n // 20), 384)).astype(np.float32)
    now = timezone.now()

    def minutes_ago(i: int) -> datetime:
        return now - timedelta(minutes=i % 20_000)  # two weeks, newest first

    started = time.perf_counter()
    # fork: the workers inherit the configured Django; one per core, as the embed stage would run.
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        for start in range(0, n, BATCH):
            count = min(BATCH, n - start)
            ids = range(start + 1, start + count + 1)
            picks = np_rng.integers(0, len(centres), count)
            vecs = centres[picks] + 0.35 * np_rng.normal(size=(count, 384)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            heads = [rng.choice(titles) for _ in ids]
            texts = ["\n\n".join(" ".join(rng.sample(sentences, 3)) for _ in range(4)) for _ in ids]
            names = pool.map(
                _lead_entities, [(h, t[:LEAD_CHARS]) for h, t in zip(heads, texts, strict=True)], 500
            )
            story_ids = range(start // STORY_SIZE + 1, (start + count - 1) // STORY_SIZE + 2)
            with transaction.atomic():
                _insert(
                    Story,
                    (
                        {
                            "id": s,
                            "headline": rng.choice(titles),
                            "first_seen": minutes_ago((s - 1) * STORY_SIZE),
                            "last_updated": minutes_ago((s - 1) * STORY_SIZE),
                            "article_count": STORY_SIZE,
                            "source_count": STORY_SIZE,
                            "importance": rng.random(),
                        }
                        for s in story_ids  # BATCH is a multiple of STORY_SIZE: no story spans two
                    ),
                )
                _insert(
                    Article,
                    (
                        {
                            "id": pk,
                            "source_id": sources[pk % OUTLETS],
                            "guid": f"g{pk}",
                            "canonical_url": f"https://x.example/{pk}",
                            "url": f"https://x.example/{pk}",
                            "title": heads[j],
                            "text": texts[j],
                            "language": "en",
                            "stage": "clustered",
                            "published_at": minutes_ago(pk),
                            "discovered_at": minutes_ago(pk),
                            "embedding": to_blob(vecs[j]),
                            # A steady stream, not one burst: a process tops up its index from the rows
                            # embedded in the last minutes, as it would in production.
                            "embedded_at": minutes_ago(pk) - timedelta(minutes=10),
                            "lead_entities": names[j],
                            "story_id": (pk - 1) // STORY_SIZE + 1,
                        }
                        for j, pk in enumerate(ids)
                    ),
                )
            if progress:
                done = start + count
                rate = done / (time.perf_counter() - started)
                print(f"synthetic site: {done:,} of {n:,} articles ({rate:,.0f}/s)", flush=True)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Article, Story]):
            cursor.execute(sql)  # PostgreSQL: the next article the pipeline makes gets a fresh id
    insert_s = time.perf_counter() - started
    analyze_database.call_local()  # what the worker's hourly task does on a live site
    size = 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = Path(connection.settings_dict["NAME"]).stat().st_size
    return {"articles": n, "insert_s": round(insert_s, 1), "db_bytes_per_article": round(size / n)}


def prepare(home: Path, n: int) -> dict[str, Any]:
    """The site in `home` (NEWSDESK_HOME, already configured): built there on first use, reused after."""
    meta = home / "site.json"
    if meta.exists():
        site = json.loads(meta.read_text())
        if site.get("articles") != n:
            raise SystemExit(f"{home} holds a site of {site.get('articles')} articles, not {n}")
        return {**site, "reused": True}
    site = build(n)
    meta.write_text(json.dumps(site))
    return {**site, "reused": False}


def query_words() -> list[str]:
    """Words of five letters or more from the BBC headlines: what search queries are made of."""
    titles = [json.loads(line)["title"] for line in BBC.read_text().splitlines() if line.strip()]
    return [w for w in " ".join(titles).lower().split() if len(w) > 4 and w.isalpha()]


def sample_ids(model: Any, count: int) -> list[int]:
    """About `count` primary keys spread evenly over the table."""
    total = model.objects.count()
    return list(model.objects.order_by("pk").values_list("pk", flat=True)[:: max(1, total // count)])
