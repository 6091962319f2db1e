"""A story is one event, not a topic: full reports need more evidence to join than teasers, the repair
pass splits a story that grew over several events, and the headline is a report of the event."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from benchmarks.story_replay import cluster_offline
from benchmarks.story_sets import bbc_set

from newsdesk.pipeline.embeddings import MiniLMEmbedder
from newsdesk.pipeline.features import ArticleFeatures
from newsdesk.pipeline.stories import StoryClusterer, StoryState
from tests.pipeline.test_stories import (
    EXPECTED,
    OUTLETS,
    REPORTS,
    ROUNDUP_TEXT,
    ROUNDUP_TITLE,
    T0,
    groups,
    make,
)


@pytest.fixture(scope="module")
def articles(model: MiniLMEmbedder) -> list[ArticleFeatures]:
    rows = [
        (f"{event}-{n % 3}", OUTLETS[n % 3], title, text, T0 + timedelta(hours=2 * (n % 3) + n))
        for n, (event, title, text) in enumerate(REPORTS)
    ]
    return make(model, rows)


def _judge(articles: list[ArticleFeatures]) -> StoryClusterer:
    clusterer = StoryClusterer()
    for a in articles:
        clusterer.observe(a)
    return clusterer


def test_an_incoherent_story_is_split_into_its_events_by_the_repair_pass(
    articles: list[ArticleFeatures],
) -> None:
    # What a topic-sized story looks like: a fire, a rate decision and an earthquake in one story.
    topic = StoryState.from_members("topic", articles)
    clusterer = _judge(articles)
    result = clusterer.merge_and_split([topic])
    assert {frozenset(s.member_ids) for s in result.stories} == EXPECTED
    # The largest group keeps the story (ties: the one holding its first article); the others move.
    kept = next(s for s in result.stories if s.id == "topic")
    assert set(kept.member_ids) == {"fire-0", "fire-1", "fire-2"}
    moved = {article for article, old, _ in result.split if old == "topic"}
    assert moved == {a.id for a in articles} - set(kept.member_ids)
    assert len({new for _, _, new in result.split}) == 2  # one new story per event, not per article
    # Repaired stories stay as they are.
    again = clusterer.merge_and_split(result.stories)
    assert not again.split and not again.merged
    assert {frozenset(s.member_ids) for s in again.stories} == EXPECTED


def test_the_repair_pass_leaves_one_event_told_by_several_outlets_alone(
    articles: list[ArticleFeatures],
) -> None:
    fire = [a for a in articles if a.id.startswith("fire")]
    result = _judge(articles).merge_and_split([StoryState.from_members("fire", fire)])
    assert [s.member_ids for s in result.stories] == [[a.id for a in fire]] and not result.split


def test_a_full_report_needs_more_evidence_to_join_than_a_teaser() -> None:
    clusterer = StoryClusterer()
    teaser, report = clusterer.bar_for_words(30), clusterer.bar_for_words(400)
    assert teaser == clusterer.threshold and report == clusterer.long_threshold > teaser
    assert teaser < clusterer.bar_for_words(120) < report  # rises with what there is to compare


def test_the_headline_is_a_report_of_the_event_not_a_roundup_or_a_stray_member(
    model: MiniLMEmbedder, articles: list[ArticleFeatures]
) -> None:
    (roundup,) = make(
        model, [("roundup", "newsletter.example", ROUNDUP_TITLE, ROUNDUP_TEXT, T0 - timedelta(hours=1))]
    )
    fire = [a for a in articles if a.id.startswith("fire")]
    rates = next(a for a in articles if a.id.startswith("rates"))
    clusterer = _judge([*articles, roundup])
    # The roundup came first and a rate report was misfiled in the story: neither heads it.
    story = StoryState.from_members("fire", [roundup, *fire, rates])
    assert clusterer.representative(story) in fire
    # Replayed as the live pipeline would, the roundup joins the fire story but does not head it.
    assigned = cluster_offline([*articles, roundup])
    assert assigned["roundup"] == assigned["fire-0"]
    assert groups({k: v for k, v in assigned.items() if k != "roundup"}) == EXPECTED


def test_a_title_that_is_a_whole_sentence_heads_a_story_only_when_no_headline_can(
    model: MiniLMEmbedder, articles: list[ArticleFeatures]
) -> None:
    """Some feeds put their standfirst in the title; its many words sit near any story's centre."""
    fire = [a for a in articles if a.id.startswith("fire")]
    sentence = (
        f"{fire[0].title}, officials said on Tuesday as crews from three counties worked through the "
        "night and residents of nearby villages were told to leave their homes"
    )
    (long_title,) = make(
        model,
        [("fire-long", "wire.example", sentence, " ".join(a.text for a in fire), T0 - timedelta(hours=1))],
    )
    assert len(long_title.title.split()) > 20
    clusterer = _judge(articles)
    # Its words hold every report's: it is nearer the centre than any of them, and first.
    story = StoryState.from_members("fire", [long_title, *fire])
    assert clusterer.representative(story) in fire
    assert clusterer.representative(StoryState.from_members("alone", [long_title])) is long_title


def test_an_opinion_piece_heads_a_story_only_when_no_report_can(
    model: MiniLMEmbedder, articles: list[ArticleFeatures]
) -> None:
    """ "Opinion | …" is a columnist's view of the event: on the front page it read as the news."""
    fire = [a for a in articles if a.id.startswith("fire")]
    (opinion,) = make(
        model,
        [
            (
                "fire-opinion",
                "wire.example",
                f"Opinion | {fire[0].title}",
                " ".join(a.text for a in fire),  # every report's words: nearest the centre
                T0 - timedelta(hours=1),
            )
        ],
    )
    clusterer = _judge(articles)
    story = StoryState.from_members("fire", [opinion, *fire])
    assert clusterer.representative(story) in fire
    assert clusterer.representative(StoryState.from_members("alone", [opinion])) is opinion


# The broadest story the BBC corpus may hold unless its articles are one event. The largest events we
# labelled in it (benchmarks/story_events/bbc.events, rule in docs/story-events.md) have 11 articles
# (Ireland v England in the 2005 Six Nations: preview, team news, result and the refereeing row) and 10
# (the Blair–Brown rift claims; the Kenteris–Thanou missed-tests case): a story may grow that large only
# by telling one event. The clusterer before this bound built a 38-article story out of 18 events (two
# budgets, the rift, the campaign).
BBC_BROADEST_STORY = 10


@pytest.mark.slow
def test_no_bbc_story_holds_more_than_n_articles_unless_they_are_one_event(
    shared_data, model: MiniLMEmbedder
) -> None:
    rows = bbc_set(path=shared_data / "bbc-news" / "bbc_news.jsonl")
    features = make(
        model,
        [(r["id"], r["source"], r["title"], r["text"], datetime.fromisoformat(r["published"])) for r in rows],
    )
    story_of = cluster_offline(features)
    event = {r["id"]: r["cluster"] for r in rows}
    title = {r["id"]: r["title"] for r in rows}
    members: dict[str, list[str]] = {}
    for article, story in story_of.items():
        members.setdefault(story, []).append(article)
    broad = [ids for ids in members.values() if len(ids) > BBC_BROADEST_STORY]
    mixed = [sorted(title[i] for i in ids) for ids in broad if len({event[i] for i in ids}) > 1]
    assert not mixed, mixed
    # Not vacuous: the corpus has events this large, and the clusterer still groups their reports.
    assert max(len(ids) for ids in members.values()) >= 5
