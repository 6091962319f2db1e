import json
from datetime import UTC, datetime
from typing import Any

import pytest

from newsdesk.pipeline.ai.panel import ArticlePanel, explain_article
from newsdesk.pipeline.embeddings import HashingEmbedder


def test_panel_lists_people_organisations_and_places(soyuz_panel: ArticlePanel) -> None:
    people = {e.name for e in soyuz_panel.people}
    assert {"Jonathan Kim", "Sergey Ryzhikov", "Alexey Zubritsky"} <= people
    kim = next(e for e in soyuz_panel.people if e.name == "Jonathan Kim")
    assert kim.slug == "jonathan-kim" and kim.count >= 2  # "Kim" later in the text is the same person
    orgs = {e.name for e in soyuz_panel.organisations}
    assert {"NASA", "Roscosmos"} <= orgs
    places = {e.name for e in soyuz_panel.places}
    assert "Kazakhstan" in places
    assert any(
        "Baikonur" in n for e in soyuz_panel.places + soyuz_panel.organisations for n in (e.name, *e.aliases)
    )


def test_timeline_is_resolved_against_the_publish_date(soyuz_panel: ArticlePanel) -> None:
    values = [e.value for e in soyuz_panel.timeline]
    assert "2025-04-08T05:47Z" in values  # Tuesday 10:47am (05:47 GMT)
    assert "2025-12-09" in values
    assert "2027" in values
    assert values.index("2025-12-09") < values.index("2027")  # sorted by date
    dec9 = next(e for e in soyuz_panel.timeline if e.value == "2025-12-09")
    assert "December 9" in dec9.sentence and soyuz_panel.sentences[dec9.sentence_index].text == dec9.sentence


def test_summary_and_facts_cite_their_sentences(soyuz_panel: ArticlePanel) -> None:
    assert 3 <= len(soyuz_panel.summary) <= 5
    for s in soyuz_panel.summary + soyuz_panel.key_facts:
        assert soyuz_panel.sentences[s.sentence_index].text == s.text
    kinds = {k for f in soyuz_panel.key_facts for k in f.kinds}
    assert {"number", "date", "quote"} <= kinds
    quote = next(f for f in soyuz_panel.key_facts if "quote" in f.kinds)
    assert quote.speaker == "Dmitry Bakanov"


def test_reading_time_hashtags_language_and_json(soyuz_panel: ArticlePanel) -> None:
    assert soyuz_panel.reading_time_minutes == max(1, -(-soyuz_panel.word_count // 230))
    assert soyuz_panel.hashtags and all(t.startswith("#") for t in soyuz_panel.hashtags)
    assert soyuz_panel.language == "en"
    data = json.loads(json.dumps(soyuz_panel.to_dict()))
    assert data["published"].startswith("2025-04-08")
    assert data["summary"][0]["sentence_index"] == soyuz_panel.summary[0].sentence_index


def test_empty_and_bad_input(nlp: Any) -> None:
    empty = explain_article("", "", datetime(2025, 1, 1, tzinfo=UTC), embedder=HashingEmbedder(), nlp=nlp)
    assert empty.summary == [] and empty.timeline == [] and empty.reading_time_minutes == 0
    with pytest.raises(TypeError):
        explain_article("t", "x", "2025-01-01", embedder=HashingEmbedder(), nlp=nlp)  # type: ignore[arg-type]


UNDATED_TITLE = "Handheld console heads for the shops"
UNDATED_TEXT = (
    "Sony's new handheld console will go on sale in the US on Thursday, the company said. "
    "A cheaper model is expected next month, and the firm will sell it in Europe next year. "
    "The device was first shown to developers on 9 December 2004 at a Tokyo event. "
    "Handheld games have been popular since the 1980s, when Nintendo's Game Boy appeared. "
    "Mechanical toys of this kind go back to the 19th century, the museum's curator said."
)


def test_undated_article_timeline_states_only_its_own_dates(nlp: Any) -> None:
    """A corpus article without a date: nothing is resolved against the day it was imported."""
    undated = explain_article(UNDATED_TITLE, UNDATED_TEXT, None, embedder=HashingEmbedder(), nlp=nlp)
    assert [(e.expression, e.label) for e in undated.timeline] == [
        ("the 19th century", "the 19th century"),
        ("the 1980s", "the 1980s"),
        ("9 December 2004", "9 December 2004"),
    ]
    this_year = str(datetime.now(UTC).year)
    assert not any(e.value.startswith(this_year) for e in undated.timeline)
    assert json.loads(json.dumps(undated.to_dict()))["published"] is None
    # With a known date the relative ones ("Thursday", "next month", "next year") are resolved against it.
    dated = explain_article(
        UNDATED_TITLE, UNDATED_TEXT, datetime(2005, 3, 21, tzinfo=UTC), embedder=HashingEmbedder(), nlp=nlp
    )
    assert {"Thursday", "next month", "next year"} <= {e.expression for e in dated.timeline}
    labels = {e.expression: e.label for e in dated.timeline}
    assert labels["Thursday"] == "24 March 2005" and labels["next month"] == "April 2005"


def test_timeline_labels_are_words_never_raw_values(soyuz_panel: ArticlePanel) -> None:
    import re

    assert soyuz_panel.timeline
    for e in soyuz_panel.timeline:
        assert e.label and not re.fullmatch(r"\d{2,3}|\d{4}-.*", e.label)  # "2027" is words enough
    assert any(e.label == "9 December 2025" for e in soyuz_panel.timeline)
