"""Exact fingerprints, near-duplicate index and grouping — on synthetic texts and the BBC corpus."""

from __future__ import annotations

import contextlib
import json
import random
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.pipeline.duplicates import (
    MIN_WORDS,
    MinHashSignature,
    NearDuplicateIndex,
    SignatureError,
    content_fingerprint,
    group_near_duplicates,
    jaccard,
    jaccard_estimate,
    normalize_for_fingerprint,
    shingles,
)

_VOCAB_TEXT = (
    "the minister said on monday that the government would publish new figures on growth inflation "
    "jobs trade energy prices after markets fell sharply as investors weighed a report from the central "
    "bank which warned of slower demand across europe and asia while unions called for higher wages"
)
_VOCAB = _VOCAB_TEXT.split()


def story(seed: int, words: int = 300) -> str:
    """A deterministic pseudo-article: random words from a small vocabulary, in paragraphs."""
    rng = random.Random(seed)
    tokens = [rng.choice(_VOCAB) for _ in range(words)]
    paragraphs = [" ".join(tokens[i : i + 60]) for i in range(0, words, 60)]
    return "\n\n".join(p.capitalize() + "." for p in paragraphs)


# --- exact fingerprints ------------------------------------------------------------------------


def test_whitespace_variants_share_a_fingerprint() -> None:
    base = "Quarterly profits at US media giant TimeWarner jumped 76%."
    variants = [
        base,
        "  Quarterly profits\tat US media\n\ngiant TimeWarner jumped 76%.  ",
        "Quarterly\u00a0profits at US media giant TimeWarner\u2003jumped 76%.",
        "Quarterly profits at US media giant TimeWarner\r\njumped 76%.\n",
    ]
    assert {content_fingerprint(v) for v in variants} == {content_fingerprint(base)}
    assert normalize_for_fingerprint(variants[1]) == base


def test_unicode_composition_is_unified() -> None:
    assert content_fingerprint("Caf\u00e9 society") == content_fingerprint("Cafe\u0301 society")


@pytest.mark.parametrize(
    "other",
    [
        "quarterly profits at US media giant TimeWarner jumped 76%.",  # case
        "Quarterly profits at US media giant TimeWarner jumped 76%!",  # punctuation
        "Quarterly profits at US media giant Time Warner jumped 76%.",  # a split word
        "Quarterly profits at US media giant TimeWarner jumped 67%.",  # a figure
        "Quarterlyprofits at US media giant TimeWarner jumped 76%.",  # a joined word
    ],
)
def test_any_non_whitespace_difference_changes_the_fingerprint(other: str) -> None:
    assert content_fingerprint(other) != content_fingerprint(
        "Quarterly profits at US media giant TimeWarner jumped 76%."
    )


def test_fingerprint_shape_and_empty_text() -> None:
    fp = content_fingerprint("hello world")
    assert len(fp) == 32 and int(fp, 16) >= 0
    assert content_fingerprint("") == "" == content_fingerprint(" \n\t\u00a0 ")


def test_fingerprint_survives_lone_surrogates() -> None:
    assert len(content_fingerprint("broken \ud800 page")) == 32


# --- shingles -----------------------------------------------------------------------------------


def test_shingles_are_lowercased_word_windows() -> None:
    got = shingles("The cat, the CAT! sat on the mat.", k=3)
    assert got == {
        b"the cat the",
        b"cat the cat",
        b"the cat sat",
        b"cat sat on",
        b"sat on the",
        b"on the mat",
    }


def test_short_and_empty_texts() -> None:
    assert shingles("Two words") == {b"two words"}
    assert shingles("  ...  ") == set()
    with pytest.raises(ValueError):
        shingles("text", k=0)


def test_jaccard_of_shingles() -> None:
    a, b = shingles(story(1)), shingles(story(1)[:800])
    assert 0 < jaccard(a, b) < 1
    assert jaccard(a, a) == 1.0
    assert jaccard(a, set()) == 0.0


# --- signatures ---------------------------------------------------------------------------------


def test_signature_round_trips_through_bytes() -> None:
    index = NearDuplicateIndex()
    for text in (story(3), "a short brief", ""):
        sig = index.signature(text)
        data = sig.to_bytes()
        assert isinstance(data, bytes) and len(data) == 28 + 4 * 128
        assert MinHashSignature.from_bytes(data) == sig
        assert MinHashSignature.from_bytes(bytearray(data)) == sig


def test_signature_is_stable_across_index_instances() -> None:
    # Signatures are stored in the database and compared by other processes later.
    assert NearDuplicateIndex().signature(story(4)) == NearDuplicateIndex(threshold=0.5).signature(story(4))


@pytest.mark.parametrize(
    "data",
    [b"", b"NDMH", b"XXXX" + bytes(600), NearDuplicateIndex().signature("x").to_bytes()[:-1], "text"],
)
def test_corrupt_signature_bytes_raise_signature_error(data: bytes) -> None:
    with pytest.raises(SignatureError):
        MinHashSignature.from_bytes(data)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=700))
def test_random_bytes_never_crash_from_bytes(data: bytes) -> None:
    with contextlib.suppress(SignatureError):
        MinHashSignature.from_bytes(data)


def test_jaccard_estimate_tracks_true_jaccard() -> None:
    index = NearDuplicateIndex()
    text = story(5, 400)
    trimmed = text[: int(len(text) * 0.85)]
    true = jaccard(shingles(text), shingles(trimmed))
    assert abs(jaccard_estimate(index.signature(text), index.signature(trimmed)) - true) < 0.1
    assert jaccard_estimate(index.signature(text), index.signature(story(6, 400))) < 0.2
    assert jaccard_estimate(index.signature(""), index.signature("")) == 0.0
    with pytest.raises(SignatureError):
        jaccard_estimate(index.signature(text), NearDuplicateIndex(num_perm=64).signature(text))


# --- index -------------------------------------------------------------------------------------


def test_index_finds_syndicated_copies_and_not_other_stories() -> None:
    index = NearDuplicateIndex()
    for i in range(50):
        index.add(f"story-{i}", index.signature(story(i)))
    original = story(7)
    copies = {
        "dateline": "LONDON (Reuters) - " + original,
        "footer": original + "\n\nReporting by Jane Smith; Editing by Tom Brown.",
        "trimmed": original[: int(len(original) * 0.88)],
        "headline": "Markets tumble as bank warns\n\n" + original,
    }
    for name, text in copies.items():
        assert index.query(index.signature(text))[:1] == ["story-7"], name
    assert index.query(index.signature(story(1000))) == []


def test_index_add_replace_remove_contains_len() -> None:
    index = NearDuplicateIndex()
    a, b = index.signature(story(1)), index.signature(story(2))
    index.add("a", a)
    index.add("a", a)  # re-running a stage changes nothing
    assert len(index) == 1 and "a" in index and "b" not in index
    index.add("a", b)  # replaced
    assert index.query(a) == [] and index.query(b) == ["a"]
    index.remove("a")
    assert len(index) == 0 and index.query(b) == []
    with pytest.raises(KeyError):
        index.remove("a")


def test_short_texts_match_only_exactly() -> None:
    index = NearDuplicateIndex()
    brief = "Shares in the bank rose 3% on Monday after it reported profits ahead of forecasts."
    assert len(brief.split()) < MIN_WORDS
    index.add("brief", index.signature(brief))
    assert index.query(index.signature("  " + brief.replace(" ", "\n", 3))) == ["brief"]
    # one word changed: a long text would still match, a short one must not
    assert index.query(index.signature(brief.replace("Monday", "Tuesday"))) == []
    assert index.query(index.signature(brief + " More follows.")) == []
    index.remove("brief")
    assert index.query(index.signature(brief)) == []


def test_empty_texts_never_match() -> None:
    index = NearDuplicateIndex()
    index.add("empty", index.signature(""))
    assert "empty" in index
    assert index.query(index.signature("")) == []
    assert index.query(index.signature("   ")) == []


def test_index_rejects_foreign_signatures() -> None:
    index = NearDuplicateIndex(num_perm=128)
    other = NearDuplicateIndex(num_perm=64).signature(story(1))
    with pytest.raises(SignatureError):
        index.add("x", other)
    with pytest.raises(SignatureError):
        index.query(other)
    with pytest.raises(TypeError):
        index.add("x", "not a signature")  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs", [{"threshold": 0.0}, {"threshold": 1.5}, {"num_perm": 1}])
def test_index_rejects_bad_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        NearDuplicateIndex(**kwargs)  # type: ignore[arg-type]


# --- grouping ----------------------------------------------------------------------------------


def test_group_near_duplicates_synthetic() -> None:
    original = story(11)
    items = [
        ("orig", original),
        ("copy-dateline", "WASHINGTON (AP) - " + original),
        ("copy-of-copy", "WASHINGTON (AP) - " + original + "\n\nCopyright 2005 The Associated Press."),
        ("other", story(12)),
        ("brief-1", "Short brief about the minister."),
        ("brief-2", "Short  brief about the\nminister."),
        ("brief-3", "Short brief about the ministers."),
        ("empty-1", ""),
        ("empty-2", " "),
    ]
    groups = group_near_duplicates(items)
    assert groups == [["orig", "copy-dateline", "copy-of-copy"], ["brief-1", "brief-2"]]


def test_group_near_duplicates_rejects_duplicate_keys_and_bad_threshold() -> None:
    with pytest.raises(ValueError, match="more than once"):
        group_near_duplicates([("a", "x"), ("a", "y")])
    with pytest.raises(ValueError):
        group_near_duplicates([], threshold=0)
    assert group_near_duplicates([]) == []


# --- the BBC corpus ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bbc(shared_data: Path) -> list[dict[str, str]]:
    path = shared_data / "bbc-news" / "bbc_news.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _partition(rows: list[dict[str, str]], key) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    groups: dict[object, set[str]] = defaultdict(set)
    for row in rows:
        groups[key(row["text"])].add(row["id"])
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def test_bbc_exact_duplicates(bbc: list[dict[str, str]]) -> None:
    by_fingerprint = _partition(bbc, content_fingerprint)
    # independent, naive truth: the same words in the same order
    by_naive_split = _partition(bbc, lambda text: tuple(text.split()))
    assert by_fingerprint == by_naive_split
    assert len(by_fingerprint) == 70
    titles = {row["id"]: row["title"] for row in bbc}
    assert sum(1 for g in by_fingerprint if len({titles[i] for i in g}) > 1) == 19
    # e.g. one story published twice under two headlines
    assert frozenset({"sport/312", "sport/416"}) in by_fingerprint
    assert {titles["sport/312"], titles["sport/416"]} == {"Wales win in Rome", "Italy 8-38 Wales"}


def test_bbc_near_duplicates(bbc: list[dict[str, str]]) -> None:
    exact = _partition(bbc, content_fingerprint)
    groups = {frozenset(g) for g in group_near_duplicates((row["id"], row["text"]) for row in bbc)}
    assert exact <= groups  # every exact group is found, and none is merged with another
    extra = groups - exact
    texts = {row["id"]: row["text"] for row in bbc}
    for group in extra:  # confirmed on real shingles, independent of MinHash
        a, b = sorted(group)
        assert jaccard(shingles(texts[a]), shingles(texts[b])) >= 0.8
    assert frozenset({"sport/425", "sport/433"}) in extra  # "Dogged Federer claims Dubai crown"
    assert len(extra) == 11


def test_bbc_index_finds_every_exact_partner(bbc: list[dict[str, str]]) -> None:
    index = NearDuplicateIndex()
    signatures = {row["id"]: index.signature(row["text"]) for row in bbc}
    for key, sig in signatures.items():
        index.add(key, sig)
    for group in _partition(bbc, content_fingerprint):
        a, b = sorted(group)
        assert b in index.query(signatures[a])
        assert a in index.query(signatures[b])
