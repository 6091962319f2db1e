"""The optional LLM on story summaries and answers, against stand-in servers: real HTTP servers on
loopback that speak the OpenAI chat-completions API and answer with scripted text built from the
sentences they are sent (they are not language models). One grounds every sentence, one invents a
sentence that must be dropped, one never answers in time (the extractive result is kept)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from newsdesk import cli
from newsdesk.stories.insights import ask, story_panel
from newsdesk.stories.models import Story, StoryInsight
from newsdesk.testing.loopback import LoopbackServer, respond, stopping

INVENTED = "The collapse cost 450 million dollars and was blamed on Elon Musk [1]."


class StandIn:
    """A chat-completions endpoint; ``mode`` is 'ground', 'invent' or 'slow'."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: BaseHTTPRequestHandler) -> None:
        body = json.loads(request.rfile.read(int(request.headers["Content-Length"])))
        self.requests.append(body)
        if self.mode == "slow":
            stopping(request).wait(5)
            return
        prompt = body["messages"][1]["content"]
        sources = re.findall(r"^\[(\d+)\] (.+)$", prompt, flags=re.MULTILINE)
        lines = [
            f"Reports say that {text[0].lower()}{text[1:].rstrip('.')} [{n}]." for n, text in sources[:2]
        ]
        if self.mode == "invent":
            lines.append(INVENTED)
        reply = {
            "id": "stand-in",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": " ".join(lines)}}],
            "usage": {"prompt_tokens": len(prompt.split()), "completion_tokens": 40, "total_tokens": 0},
        }
        respond(request, 200, json.dumps(reply).encode(), content_type="application/json")

    def sources_sent(self, i: int = 0) -> list[str]:
        return re.findall(r"^\[\d+\] (.+)$", self.requests[i]["messages"][1]["content"], flags=re.MULTILINE)


@pytest.fixture()
def llm(request: pytest.FixtureRequest, settings) -> Iterator[StandIn]:  # type: ignore[no-untyped-def]
    stand_in = StandIn(request.param)
    with LoopbackServer() as server:
        server.route("/v1/chat/completions", stand_in)
        settings.NEWSDESK_LLM_URL = server.url("/v1")
        settings.NEWSDESK_LLM_MODEL = "stand-in"
        settings.NEWSDESK_LLM_TIMEOUT = 1.0 if request.param == "slow" else 20.0
        yield stand_in


@pytest.mark.django_db
@pytest.mark.parametrize("llm", ["ground"], indirect=True)
def test_grounded_rewrite_is_shown_cached_and_measured(
    bridge_story: Story, llm: StandIn, client, admin_client, capsys
) -> None:
    insight = story_panel(bridge_story, use_llm=True)
    assert insight is not None and insight.llm is not None
    # The model saw the extractive summary's sentences and nothing else.
    assert llm.sources_sent() == [s["text"] for s in insight.data["summary"]]
    kept = insight.llm["sentences"]
    assert len(kept) == 2 and insight.llm["dropped"] == []
    for s, cited in zip(kept, insight.data["summary"], strict=False):
        assert s["text"].startswith("Reports say that") and s["citations"] == [cited]
    assert insight.llm["latency_s"] > 0 and insight.llm["completion_tokens"] == 40
    assert insight.llm["prompt_tokens"] > 0

    page = client.get(f"/story/{bridge_story.pk}/").content.decode()
    rewritten = page.split('class="summary llm-summary"')[1].split("</ol>")[0]
    assert rewritten.count("Reports say that") == 2 and 'href="/article/' in rewritten
    assert "Rewritten by stand-in" in page and "completion tokens" not in page
    assert "completion tokens" in admin_client.get(f"/story/{bridge_story.pk}/").content.decode()
    assert len(llm.requests) == 1  # cached with the panel, not asked again per view

    assert cli.main(["explain", "--story", str(bridge_story.pk), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["llm"]["latency_s"] > 0 and out["llm"]["completion_tokens"] == 40
    assert len(llm.requests) == 1

    first = ask(bridge_story, "How many people were killed?")
    assert first is not None and first.answer.answerable and first.llm is not None
    assert llm.sources_sent(1) == [s.text for s in first.answer.sentences]
    assert first.llm["sentences"] and first.llm["sentences"][0]["citations"][0]["source"]
    again = ask(bridge_story, "  how many people were KILLED? ")
    assert again is not None and again.llm == first.llm and len(llm.requests) == 2  # cached per story

    assert cli.main(["ask", "--story", str(bridge_story.pk), "How many people were killed?", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["llm"]["completion_tokens"] == 40
    refused = ask(bridge_story, "What did the mayor eat for breakfast?")
    assert refused is not None and not refused.answer.answerable and refused.llm is None
    assert len(llm.requests) == 2  # a refusal is never sent to the model


@pytest.mark.django_db
@pytest.mark.parametrize("llm", ["invent"], indirect=True)
def test_invented_sentence_is_dropped(bridge_story: Story, llm: StandIn, client) -> None:
    insight = story_panel(bridge_story, use_llm=True)
    assert insight is not None and insight.llm is not None
    assert insight.llm["dropped"] == [INVENTED.removesuffix(" [1].") + "."]
    assert len(insight.llm["sentences"]) == 2
    page = client.get(f"/story/{bridge_story.pk}/").content.decode()
    assert "Reports say that" in page and "450 million" not in page and "Musk" not in page

    answer = ask(bridge_story, "How many people were killed?")
    assert answer is not None and answer.llm is not None
    assert all("450" not in s["text"] for s in answer.llm["sentences"]) and answer.llm["dropped"]


@pytest.mark.django_db
@pytest.mark.parametrize("llm", ["slow"], indirect=True)
def test_server_that_times_out_leaves_the_extractive_result(
    bridge_story: Story, llm: StandIn, client
) -> None:
    started = time.monotonic()
    insight = story_panel(bridge_story, use_llm=True)
    assert insight is not None and insight.llm is not None and "error" in insight.llm
    page = client.get(f"/story/{bridge_story.pk}/").content.decode()
    assert "llm-summary" not in page
    summary = page.split('<ol class="summary">')[1].split("</ol>")[0]
    assert all(s["text"] in summary.replace("&#x27;", "'") for s in insight.data["summary"])

    answer = ask(bridge_story, "How many people were killed?")
    assert answer is not None and answer.answer.answerable and "error" in answer.llm
    # The failure is cached for a while: the server is not asked again at every view.
    [cached] = StoryInsight.objects.get(story=bridge_story).llm_answers.values()
    assert "error" in cached
    calls = len(llm.requests)
    assert "error" in ask(bridge_story, "How many people were killed?").llm and len(llm.requests) == calls
    assert time.monotonic() - started < 30  # two timed-out calls of 1 s, not two hangs
