"""AI desk: article and story panels, answers and summaries — every output cites its sentences."""

from newsdesk.pipeline.ai.ask import Answer, Passage, answer, suggested_questions
from newsdesk.pipeline.ai.facts import Fact, key_facts
from newsdesk.pipeline.ai.panel import ArticlePanel, explain_article, explain_articles
from newsdesk.pipeline.ai.story import Disagreement, StoryArticle, StoryPanel, explain_story
from newsdesk.pipeline.ai.summary import CitedSentence, lead, summarize
from newsdesk.pipeline.ai.timeline import TimelineEvent, build_timeline, merge_timelines

__all__ = [
    "Answer",
    "ArticlePanel",
    "CitedSentence",
    "Disagreement",
    "Fact",
    "Passage",
    "StoryArticle",
    "StoryPanel",
    "TimelineEvent",
    "answer",
    "build_timeline",
    "explain_article",
    "explain_articles",
    "explain_story",
    "key_facts",
    "lead",
    "merge_timelines",
    "suggested_questions",
    "summarize",
]
