"""Named locks and scheduler ticks shared by every worker through the database."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections

from newsdesk.runtime.coordination import first_in_tick
from newsdesk.runtime.models import PipelineLock


@pytest.mark.django_db(transaction=True)
def test_each_tick_runs_once_across_concurrent_workers() -> None:
    now = 1_800_000_000.0

    def ask(_: int) -> bool:
        try:
            return first_in_tick("schedule_due_sources", now=now)
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(ask, range(12)))
    assert answers.count(True) == 1

    # The next minute is a new tick, taken once too; the old tick's row is pruned.
    assert first_in_tick("schedule_due_sources", now=now + 60) is True
    assert first_in_tick("schedule_due_sources", now=now + 61) is False
    assert first_in_tick("sweep_pending_articles", now=now + 61) is True  # ticks are per task
    names = set(PipelineLock.objects.values_list("name", flat=True))
    assert names == {
        f"tick:schedule_due_sources:{int(now // 60) + 1}",
        f"tick:sweep_pending_articles:{int(now // 60) + 1}",
    }
