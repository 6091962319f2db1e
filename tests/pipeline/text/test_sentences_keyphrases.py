import pytest

from newsdesk.pipeline.text.keyphrases import extract_keyphrases, hashtags
from newsdesk.pipeline.text.sentences import split_sentences

TEXT = (
    'Dr. Smith flew to Washington on Monday. He said "the U.S. deal is done." Then he left.\n\n'
    "Solar power prices fell again. Solar power now costs less than coal in most countries."
)


def test_sentences_keep_their_offsets() -> None:
    sentences = split_sentences(TEXT)
    assert [s.text for s in sentences][:2] == [
        "Dr. Smith flew to Washington on Monday.",
        'He said "the U.S. deal is done."',
    ]
    assert len(sentences) == 5
    for i, s in enumerate(sentences):
        assert s.index == i and TEXT[s.start : s.end] == s.text


def test_line_breaks_end_sentences_and_bad_input_raises() -> None:
    assert [s.text for s in split_sentences("Headline without stop\nBody text here.")] == [
        "Headline without stop",
        "Body text here.",
    ]
    assert split_sentences("") == []
    with pytest.raises(TypeError):
        split_sentences(b"bytes")  # type: ignore[arg-type]


def test_keyphrases_and_hashtags() -> None:
    phrases = extract_keyphrases(TEXT)
    assert any("solar power" in p.text.lower() for p in phrases)
    tags = hashtags(phrases, entities=["Washington"])
    assert tags[0] == "#Washington"
    assert any(t.startswith("#Solar") for t in tags)
    assert "#FlewToWashington" not in tags
    assert len(tags) == len({t.lower() for t in tags})


def test_hashtags_never_cut_a_persons_name_nor_tag_a_day_or_an_office() -> None:
    # The keyphrases YAKE found in a BBC report ("… the Trade and Industry Secretary Patricia Hewitt …
    # told GMTV's Sunday programme"): as hashtags they read #SecretaryPatricia, #GMTVSunday and
    # #IndustrySecretary under the article.
    phrases = ["Secretary Patricia", "maternity pay", "GMTV Sunday", "Industry Secretary", "Hewitt said"]
    tags = hashtags(phrases, entities=["Patricia Hewitt"], people=["Patricia Hewitt", "Tony Blair"])
    assert tags == ["#PatriciaHewitt", "#MaternityPay"]
