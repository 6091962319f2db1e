"""With a worker running, pages never make an AI panel on the request: they say it is being prepared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from newsdesk.articles.models import Article, Insight
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle
from newsdesk.runtime.models import Heartbeat
from newsdesk.stories.models import StoryInsight

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "soyuz.json"


@pytest.fixture
def soyuz(tmp_path: Path) -> Article:
    item = json.loads(FIXTURE.read_text())
    path = tmp_path / "soyuz.jsonl"
    path.write_text(json.dumps({**item, "url": "https://orbit.example/soyuz"}) + "\n")
    import_path(path, ImportReport())
    run_until_idle(threads=1)
    Insight.objects.all().delete()
    StoryInsight.objects.all().delete()
    return Article.objects.get()


@pytest.mark.django_db
def test_pages_leave_panels_to_a_live_worker(soyuz: Article, client) -> None:
    Heartbeat.objects.create(name="worker-1", beat_at=timezone.now())
    page = client.get(f"/article/{soyuz.pk}/").content.decode()
    assert "being prepared" in page and 'id="ai-h"' not in page
    assert not Insight.objects.exists()
    if soyuz.story_id:
        story = client.get(f"/story/{soyuz.story_id}/").content.decode()
        assert "being prepared" in story and 'id="ai-h"' not in story
        assert not StoryInsight.objects.exists()


@pytest.mark.django_db
def test_without_a_live_worker_the_page_makes_the_panel(soyuz: Article, client) -> None:
    Heartbeat.objects.create(name="gone", beat_at=timezone.now() - timezone.timedelta(hours=1))
    page = client.get(f"/article/{soyuz.pk}/").content.decode()
    assert 'id="ai-h"' in page and "being prepared" not in page
    assert Insight.objects.filter(article=soyuz).exists()
