from datetime import UTC, datetime

import pytest

from newsdesk.pipeline.ai.story import StoryArticle, explain_story
from newsdesk.pipeline.embeddings import HashingEmbedder

PUB = datetime(2025, 3, 3, 12, tzinfo=UTC)
_A = (
    "A road bridge collapsed in Riverton on Sunday, killing 12 people. Rescue teams worked through the night."
)
_A2 = " The mayor declared three days of mourning for the victims."
_B = "At least 14 people were killed when a road bridge collapsed in Riverton on Sunday."
_B2 = " Rescue teams worked through the night to free survivors."
_B3 = " Engineers had warned in 2019 that the steel cables were corroded."
_C = "A bridge collapsed in Riverton on Sunday and 12 people were killed."
_C2 = " Rescue teams searched the river through the night."
ARTICLES = [
    StoryArticle("a1", "Daily Planet", "Bridge collapse kills 12", _A + _A2, PUB),
    StoryArticle("b1", "Evening Star", "Bridge collapse in Riverton", _B + _B2 + _B3, PUB),
    StoryArticle("c1", "Morning Post", "Riverton bridge disaster", _C + _C2, PUB),
]


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return explain_story(ARTICLES, embedder=HashingEmbedder())


def test_outlets_disagreeing_on_a_number_are_reported_with_both_values(panel) -> None:  # type: ignore[no-untyped-def]
    numbers = [d for d in panel.disagreements if d.kind == "number"]
    assert len(numbers) == 1
    d = numbers[0]
    assert "kill" in d.slot
    values = {(v.value, v.source) for v in d.values}
    assert ("12", "Daily Planet") in values and ("14", "Evening Star") in values


def test_what_each_outlet_adds(panel) -> None:  # type: ignore[no-untyped-def]
    star = [s.text for s in panel.outlet_additions["Evening Star"]]
    assert star == ["Engineers had warned in 2019 that the steel cables were corroded."]
    planet = [s.text for s in panel.outlet_additions["Daily Planet"]]
    assert planet == ["The mayor declared three days of mourning for the victims."]
    assert panel.outlet_additions["Morning Post"] == []


def test_summary_cites_articles_and_timeline_is_merged(panel) -> None:  # type: ignore[no-untyped-def]
    by_id = {a.id: a for a in ARTICLES}
    for s in panel.summary:
        assert s.text in by_id[s.article_id].text
    assert len({s.text for s in panel.summary}) == len(panel.summary)
    values = [e.value for e in panel.timeline]
    assert values[0] == "2019" and values.count("2025-03-02") == 3


def test_no_disagreement_when_outlets_agree() -> None:
    same = [ARTICLES[0], ARTICLES[2]]
    assert explain_story(same, embedder=HashingEmbedder()).disagreements == []


def test_bad_items_raise() -> None:
    with pytest.raises(TypeError):
        explain_story([{"id": "x"}], embedder=HashingEmbedder())  # type: ignore[list-item]


def test_an_undated_article_adds_only_the_dates_it_states() -> None:
    undated = StoryArticle("d1", "Old Archive", "Bridge collapse", _B + _B3, None)
    panel = explain_story([ARTICLES[0], undated], embedder=HashingEmbedder())
    mine = [(e.expression, e.value) for e in panel.timeline if e.article_id == "d1"]
    assert mine == [("2019", "2019")]  # "on Sunday" has no day to be resolved against
    theirs = [e.value for e in panel.timeline if e.article_id == "a1"]
    assert theirs == ["2025-03-02"]


def test_a_reissued_telling_of_a_date_is_listed_once() -> None:
    # The BBC corpus holds reissued copies of one report; its story timeline listed each date twice.
    first = (
        "McCaughrean, who went into magazine publishing after studying teaching, previously won the "
        "category in 1987 with A Little Lower than Angels."
    )
    again = "Children's winner " + first.replace("the category", "the Whitbread Prize")
    other = "The Whitbread Prize was first awarded in 1971."
    articles = [
        StoryArticle("a", "BBC News", "Levy tipped for prize", first, None),
        StoryArticle("b", "BBC News", "Levy tipped for Whitbread prize", again + " " + other, None),
    ]
    timeline = explain_story(articles, embedder=HashingEmbedder()).timeline
    assert [(e.value, e.article_id) for e in timeline] == [("1971", "b"), ("1987", "a")]
