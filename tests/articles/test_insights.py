"""The AI panel as a reader and an operator meet it: page, ask box, CLI — on the Soyuz story."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.articles.models import Article
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "soyuz.json"


def _jsonl(tmp_path: Path) -> Path:
    item = json.loads(FIXTURE.read_text())
    path = tmp_path / "soyuz.jsonl"
    path.write_text(json.dumps({**item, "url": "https://orbit.example/soyuz"}) + "\n")
    return path


@pytest.mark.django_db
def test_article_page_shows_cited_panel_and_answers(tmp_path: Path, client) -> None:
    import_path(_jsonl(tmp_path), ImportReport())
    run_until_idle(threads=1)
    article = Article.objects.get()
    page = client.get(f"/article/{article.pk}/").content.decode()
    panel = page.split('id="ai-h"')[1].split("</aside>")[0]
    assert "NASA" in panel and "Roscosmos" in panel
    assert "Baikonur" in panel and "Kazakhstan" in panel
    assert "2025-12-09" in panel and "2027" in panel  # resolved against the publish date
    assert 'class="cite"' in panel

    answered = client.get(f"/article/{article.pk}/", {"ask": "When will the crew return?"}).content.decode()
    answer = answered.split('class="answer"')[1].split("</div>")[0]
    assert "December 9" in answer and "Not in the sources" not in answer

    refused = client.get(f"/article/{article.pk}/", {"ask": "How much did the launch cost?"}).content.decode()
    assert "Not in the sources" in refused.split('class="answer"')[1]


@pytest.mark.slow
def test_cli_explain_and_ask(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path / "home")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "newsdesk.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert cli("import", str(_jsonl(tmp_path))).returncode == 0
    panel = json.loads(cli("explain", "--article", "https://orbit.example/soyuz", "--json").stdout)
    assert any(p["name"].endswith("Kim") for p in panel["people"])
    yes = cli("ask", "--article", "1", "When will the crew return?")
    assert yes.returncode == 0 and "December 9" in yes.stdout
    no = cli("ask", "--article", "1", "What did the crew eat for breakfast?")
    assert no.returncode == 3 and "Not in the sources" in no.stdout
