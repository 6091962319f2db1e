"""Anonymous ?ask= with an LLM configured (issue 14, item 7), against stand-in LLM servers on loopback
(real HTTP; they speak the chat-completions API, they are not language models).

The attack: an anonymous visitor sends new questions one after another; each used to hold the page's
thread for an LLM call of up to NEWSDESK_LLM_TIMEOUT seconds, unthrottled, and a failing server was
asked again at every view. Now the page answers at once from the sources and queues the rewrite, a
visitor may queue only so many, and a failure is cached.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from django.test import Client
from huey.contrib.djhuey import HUEY

from newsdesk.stories.insights import ask, story_panel
from newsdesk.stories.models import Story, StoryInsight
from newsdesk.stories.tasks import rewrite_answer_task
from tests.stories import test_story_llm
from tests.stories.test_story_llm import StandIn

pytestmark = pytest.mark.django_db
llm = test_story_llm.llm  # the stand-in LLM server fixture
QUESTION = "How many people were killed?"


def _queued() -> list:
    tasks = []
    while (task := HUEY.dequeue()) is not None:
        tasks.append(task)
    return tasks


def _page(client: Client, story: Story, question: str, address: str = "198.51.100.7") -> str:
    response = client.get(f"/story/{story.pk}/?ask={quote(question)}", REMOTE_ADDR=address)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("llm", ["slow"], indirect=True)
def test_a_new_question_is_answered_at_once_and_its_rewrite_queued(bridge_story: Story, llm: StandIn) -> None:
    assert story_panel(bridge_story) is not None
    HUEY.flush()
    client = Client()
    _page(client, bridge_story, "warm up")  # the first view loads the embedder
    _queued()
    started = time.monotonic()
    page = _page(client, bridge_story, QUESTION)
    took = time.monotonic() - started
    assert took < 0.9, f"the page waited {took:.1f} s (the stand-in LLM never answers)"
    assert llm.requests == [], "no LLM call on the page's thread"
    assert "An AI rewrite of this answer is being prepared" in page
    [task] = _queued()
    assert task.name.endswith("rewrite_answer_task")
    # The same question again: already queued, not queued twice.
    _page(client, bridge_story, "  how many people were KILLED? ")
    assert _queued() == []


@pytest.mark.parametrize("llm", ["slow"], indirect=True)
def test_new_questions_per_visitor_are_limited(bridge_story: Story, llm: StandIn, settings) -> None:
    settings.NEWSDESK_ASK_LLM_RATE = "3/3600"
    assert story_panel(bridge_story) is not None
    HUEY.flush()
    client = Client()
    pages = [_page(client, bridge_story, f"How many people were killed on day {i}?") for i in range(5)]
    assert len(_queued()) == 3
    assert "you asked many new questions" in pages[-1] and "Try again in" in pages[-1]
    assert "From:" not in pages[-1] or "The bridge" in pages[-1]  # the extractive answer is still shown
    _page(client, bridge_story, "How many people were killed on day 9?", address="203.0.113.9")
    assert len(_queued()) == 1, "another visitor is not held back"


@pytest.mark.parametrize("llm", ["slow"], indirect=True)
def test_a_failing_llm_is_not_asked_again_at_every_view(bridge_story: Story, llm: StandIn) -> None:
    assert story_panel(bridge_story) is not None
    HUEY.flush()
    client = Client()
    _page(client, bridge_story, QUESTION)
    [task] = _queued()
    rewrite_answer_task.call_local(*task.args)  # the worker's side: the call times out (1 s)
    assert len(llm.requests) == 1
    stored = StoryInsight.objects.get(story=bridge_story).llm_answers
    assert [v for v in stored.values() if "error" in v], "the failure is cached"
    for _ in range(3):
        _page(client, bridge_story, QUESTION)
        assert ask(bridge_story, QUESTION) is not None  # the CLI's path reads the cache too
    assert _queued() == [] and len(llm.requests) == 1
