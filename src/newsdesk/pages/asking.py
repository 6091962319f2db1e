"""A reader's question on a story page and the optional LLM: never on the page's thread.

With NEWSDESK_LLM_URL set, a new question's answer may be rewritten by the LLM, a call of up to
NEWSDESK_LLM_TIMEOUT seconds. The page shows the extractive answer at once and queues the rewrite for
the worker (stories/tasks.py); each asker (account, else client address) may queue
NEWSDESK_ASK_LLM_RATE new questions, and the outcome, failures included, is cached per story.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from newsdesk.readers import ratelimit
from newsdesk.runtime.llm import llm_configured
from newsdesk.stories.insights import StoryAnswer, cached_llm_answer, mark_llm_answer_pending
from newsdesk.stories.models import Story, StoryInsight
from newsdesk.stories.tasks import rewrite_answer_task

log = logging.getLogger(__name__)


def llm_answer(
    request: HttpRequest, story: Story, insight: StoryInsight, question: str, answer: StoryAnswer
) -> tuple[dict[str, Any] | None, str]:
    """(the LLM answer to show: a rewrite, {"pending": …} or {"error": …}; a note for the reader)."""
    if not answer.answer.answerable or not llm_configured():
        return None, ""
    if (cached := cached_llm_answer(insight, question)) is not None:
        return cached, ""
    asker = f"user:{request.user.pk}" if request.user.is_authenticated else ratelimit.client_ip(request)
    rate = ratelimit.Rate.parse(settings.NEWSDESK_ASK_LLM_RATE)
    if limited := ratelimit.take("ask-llm", asker, rate):
        return None, f"No AI rewrite of this answer: you asked many new questions. {limited.message}"
    pending = mark_llm_answer_pending(insight, question)
    try:
        rewrite_answer_task(story.pk, question)
    except Exception:  # a queue outage must not break the page: the extractive answer stands
        log.exception("could not queue the LLM answer for story %s", story.pk)
    return pending, ""
