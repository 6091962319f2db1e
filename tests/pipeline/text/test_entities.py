from typing import Any

import pytest

from newsdesk.pipeline.text.entities import (
    Mention,
    NLPUnavailableError,
    find_mentions,
    link_entities,
    link_mentions,
    load_nlp,
    normalise_name,
    slugify,
)


def _m(text: str, kind: str = "person", label: str = "PERSON", sentence: int = 0) -> Mention:
    return Mention(text, 0, len(text), label, kind, sentence)  # type: ignore[arg-type]


def test_surname_links_to_the_full_name() -> None:
    entities = link_mentions([_m("Elon Musk"), _m("Musk", sentence=2), _m("Mr Musk", sentence=3)])
    assert [(e.name, e.slug, e.count) for e in entities] == [("Elon Musk", "elon-musk", 3)]
    assert entities[0].sentence_indices == (0, 2, 3)


def test_acronym_links_to_its_expansion_and_keeps_its_slug() -> None:
    entities = link_mentions(
        [
            _m("the National Aeronautics and Space Administration", "organisation", "ORG"),
            _m("NASA", "organisation", "ORG", 1),
            _m("NASA's", "organisation", "ORG", 2),
        ]
    )
    assert len(entities) == 1
    nasa = entities[0]
    assert (nasa.name, nasa.slug, nasa.count) == ("NASA", "nasa", 3)
    assert "National Aeronautics and Space Administration" in nasa.aliases


def test_alias_table_and_distinct_names_stay_apart() -> None:
    entities = link_mentions(
        [_m("U.S.", "place", "GPE"), _m("the United States", "place", "GPE"), _m("Canada", "place", "GPE")]
    )
    assert sorted((e.slug, e.count) for e in entities) == [("canada", 1), ("us", 2)]


def test_normalisation() -> None:
    assert normalise_name("the BBC's") == "BBC"
    assert normalise_name("Dr. Jane  Goodall") == "Jane Goodall"
    assert slugify("Zürich Airport") == "zurich-airport"
    assert slugify("Москва") == "москва"


def test_cross_article_linking_merges_the_same_rules() -> None:
    a = link_mentions([_m("Elon Musk")])
    b = link_mentions([_m("Musk"), _m("NASA", "organisation", "ORG")])
    c = link_mentions([_m("National Aeronautics and Space Administration", "organisation", "ORG")])
    story = {e.slug: e for e in link_entities([a, b, c])}
    assert story["elon-musk"].articles == (0, 1)
    assert story["nasa"].articles == (1, 2)
    assert len(story) == 2


def test_spacy_finds_people_organisations_places(nlp: Any) -> None:
    text = "Elon Musk met NASA officials in Houston, Texas on Monday. Musk said SpaceX was ready."
    entities = link_mentions(find_mentions(text, nlp=nlp, sentence_starts=[0, 58]))
    by_kind = {(e.kind, e.name) for e in entities}
    assert ("person", "Elon Musk") in by_kind
    assert ("organisation", "NASA") in by_kind
    assert ("place", "Houston") in by_kind


def test_unknown_model_name_is_a_clear_error() -> None:
    with pytest.raises(NLPUnavailableError):
        load_nlp("no_such_spacy_model_xyz")


def test_spacy_sentences_keep_offsets_and_line_breaks(nlp: Any) -> None:
    from newsdesk.pipeline.text.sentences import sentences_from_doc

    text = "Headline without a stop\nThe crew landed on Monday. They were fine."
    sentences = sentences_from_doc(nlp(text))
    assert sentences is not None
    assert [s.text for s in sentences] == [
        "Headline without a stop",
        "The crew landed on Monday.",
        "They were fine.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_long_runs_of_capitalised_words_are_fast(nlp: Any) -> None:
    import time

    t0 = time.perf_counter()
    find_mentions("January " * 3000, nlp=nlp)
    assert time.perf_counter() - t0 < 10  # the facility rule was quadratic over such runs
