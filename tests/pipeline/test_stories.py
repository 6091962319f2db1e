"""Story clustering: same events from different outlets group together, different events and stale
stories do not, near-duplicates stay together, and every relation comes with a readable reason."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from benchmarks.story_replay import cluster_offline

from newsdesk.pipeline.embeddings import MiniLMEmbedder, article_embedding_text
from newsdesk.pipeline.features import ArticleFeatures, StoryError, entity_proxies, text_sections
from newsdesk.pipeline.related import explain_relation, format_time_gap, related_articles
from newsdesk.pipeline.stories import StoryClusterer, StoryState

T0 = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)

# Three events, each reported by three outlets in their own words.
REPORTS = [
    (
        "fire",
        "Wildfire near Athens forces thousands to evacuate",
        "A wildfire driven by strong winds spread through pine forests north of Athens on Monday, forcing "
        "thousands of residents of Varnavas and Marathon to leave their homes. Greece's fire service sent "
        "more than 400 firefighters and 20 water-dropping aircraft.",
    ),
    (
        "fire",
        "Greek firefighters battle blaze north of the capital",
        "Firefighters in Greece fought a large blaze near Varnavas, north of Athens, as gale-force winds "
        "pushed the flames towards Marathon. Authorities ordered evacuations of several villages and "
        "aircraft dropped water over the forest.",
    ),
    (
        "fire",
        "Evacuations as fire spreads towards Marathon",
        "Residents were told to evacuate as a forest fire that started near Varnavas moved towards the "
        "town of Marathon, Greek officials said. Hundreds of firefighters and water-bombing planes were "
        "deployed to the area outside Athens.",
    ),
    (
        "rates",
        "Brazil central bank raises Selic rate to 11.25%",
        "Brazil's central bank raised its benchmark Selic interest rate by 50 basis points to 11.25% on "
        "Wednesday, citing inflation expectations above target. The monetary policy committee Copom said "
        "further increases were possible.",
    ),
    (
        "rates",
        "Copom lifts Brazilian interest rates by half a point",
        "The Copom monetary policy committee of Banco Central do Brasil increased the Selic rate to 11.25% "
        "from 10.75%, a half-point rise, warning that inflation expectations remain unanchored.",
    ),
    (
        "rates",
        "Brazil hikes rates again as inflation worries grow",
        "Brazilian policymakers raised the Selic by half a percentage point to 11.25%, the central bank "
        "said, adding that inflation expectations and a weaker real justified tighter monetary policy.",
    ),
    (
        "quake",
        "Magnitude 6.8 earthquake strikes off Japan's coast",
        "A magnitude 6.8 earthquake struck off the coast of Miyagi prefecture in northeastern Japan, the "
        "Japan Meteorological Agency said. A tsunami advisory was issued and bullet train services were "
        "briefly halted.",
    ),
    (
        "quake",
        "Strong quake shakes northeastern Japan, tsunami advisory issued",
        "Buildings shook in Sendai as a strong earthquake of magnitude 6.8 hit off Miyagi. The Japan "
        "Meteorological Agency issued a tsunami advisory for the Pacific coast and Shinkansen trains "
        "stopped.",
    ),
    (
        "quake",
        "Japan quake: tsunami advisory after 6.8 tremor off Miyagi",
        "Japan's weather agency warned of tsunami waves of up to one metre after a 6.8-magnitude tremor "
        "off Miyagi prefecture. Train operators suspended Shinkansen bullet train services as a precaution.",
    ),
]
OUTLETS = ["reuters.com", "apnews.com", "bbc.co.uk"]


def make(model: MiniLMEmbedder, rows: list[tuple[str, str, str, str, datetime]]) -> list[ArticleFeatures]:
    """rows: (id, source, title, text, published)."""
    vecs = model.embed([article_embedding_text(r[2], r[3]) for r in rows])
    return [
        ArticleFeatures(id=i, title=t, text=x, source=s, published=p, vector=v)
        for (i, s, t, x, p), v in zip(rows, vecs, strict=True)
    ]


@pytest.fixture(scope="module")
def articles(model: MiniLMEmbedder) -> list[ArticleFeatures]:
    rows = []
    for n, (event, title, text) in enumerate(REPORTS):
        # Events interleave in time, as in a real feed: all nine within one day.
        rows.append((f"{event}-{n % 3}", OUTLETS[n % 3], title, text, T0 + timedelta(hours=2 * (n % 3) + n)))
    return make(model, rows)


def groups(assignment: dict[str, str]) -> set[frozenset[str]]:
    by_story: dict[str, set[str]] = {}
    for article_id, story in assignment.items():
        by_story.setdefault(story, set()).add(article_id)
    return {frozenset(g) for g in by_story.values()}


EXPECTED = {frozenset(f"{e}-{i}" for i in range(3)) for e in ("fire", "rates", "quake")}


def test_three_events_from_three_outlets_form_three_stories(articles: list[ArticleFeatures]) -> None:
    assert groups(cluster_offline(articles)) == EXPECTED


def test_online_decisions_alone_already_group_them(articles: list[ArticleFeatures]) -> None:
    assert groups(cluster_offline(articles, repair=False)) == EXPECTED


def test_clustering_is_deterministic_whatever_the_input_order(articles: list[ArticleFeatures]) -> None:
    first = cluster_offline(articles)
    shuffled = list(articles)
    random.Random(7).shuffle(shuffled)
    assert cluster_offline(shuffled) == first
    assert cluster_offline(articles) == first


def test_near_duplicate_joins_its_original_even_when_text_differs(
    model: MiniLMEmbedder, articles: list[ArticleFeatures]
) -> None:
    # A syndicated copy cut down to one line about something else would never pass on similarity alone.
    (copy,) = make(
        model,
        [
            (
                "copy-1",
                "yahoo.com",
                "Wires",
                "Stock markets were mixed in Asia today.",
                T0 + timedelta(hours=9),
            )
        ],
    )
    copy.near_duplicate_of = "rates-1"
    result = cluster_offline([*articles, copy])
    assert result["copy-1"] == result["rates-1"]
    assert groups(result) - {frozenset(g | {"copy-1"}) for g in EXPECTED if "rates-1" in g} == EXPECTED - {
        g for g in EXPECTED if "rates-1" in g
    }


def test_an_article_far_in_time_starts_a_new_story(
    model: MiniLMEmbedder, articles: list[ArticleFeatures]
) -> None:
    _, title, text = REPORTS[0]
    (late,) = make(model, [("fire-late", "reuters.com", title, text, T0 + timedelta(days=120))])
    result = cluster_offline([*articles, late])
    assert result["fire-late"] not in {result["fire-0"], result["fire-1"], result["fire-2"]}
    # The same article inside the window joins: it is time, not text, that kept it out.
    (soon,) = make(model, [("fire-soon", "reuters.com", title, text, T0 + timedelta(days=1))])
    assert cluster_offline([*articles, soon])["fire-soon"] == cluster_offline(articles)["fire-0"]


def test_a_story_spans_at_most_its_window(model: MiniLMEmbedder) -> None:
    # The same developing report every ten days: each is ten days from the last, but a story holds
    # 30 days at most, so the fifth (day 40) starts a new one and the repair pass does not join them.
    _, title, text = REPORTS[0]
    chain = make(
        model, [(f"day-{10 * k}", "reuters.com", title, text, T0 + timedelta(days=10 * k)) for k in range(6)]
    )
    result = cluster_offline(chain)
    assert groups(result) == {
        frozenset({"day-0", "day-10", "day-20", "day-30"}),
        frozenset({"day-40", "day-50"}),
    }
    # Two halves of one event that would together span 35 days stay apart in the repair pass; 25 join.
    clusterer = StoryClusterer()
    for a in chain:
        clusterer.observe(a)
    early = StoryState.from_members("early", chain[:2])  # days 0-10
    late = StoryState.from_members("late", chain[2:3])  # day 20
    assert clusterer.merge_and_split([early, late]).merged == [("early", "late")]
    later = StoryState.from_members("later", [replace(chain[3], published=T0 + timedelta(days=35))])
    assert clusterer.merge_and_split([early, later]).merged == []
    # The story the day-40 report would have joined is named as the one it continues.
    month = StoryState.from_members("month", chain[:4])
    decision = clusterer.assign(chain[4], [month])
    assert (decision.story_id, decision.continues) == (None, "month")
    assert "continues story month" in decision.reasons[0]
    # Only the newest members compared (days 20-30) still carry the whole story's span (from day 0).
    newest = StoryState.from_members("month", chain[2:4], span=(T0, T0 + timedelta(days=30)))
    assert clusterer.assign(chain[4], [newest]).continues == "month"
    assert clusterer.assign(chain[4], [StoryState.from_members("month", chain[2:4])]).story_id == "month"
    # Inside the span it joins, and an unrelated report a month on continues nothing.
    assert clusterer.assign(chain[3], [StoryState.from_members("m", chain[:3])]).story_id == "m"
    _, other_title, other_text = REPORTS[3]  # interest rates, not the fire
    (rates,) = make(model, [("rates-late", "x.com", other_title, other_text, T0 + timedelta(days=40))])
    assert clusterer.assign(rates, [month]).continues is None


def test_assign_explains_its_decision(articles: list[ArticleFeatures]) -> None:
    clusterer = StoryClusterer()
    story = clusterer.add(articles[0])  # fire-0
    clusterer.add(articles[3], None)  # rates-0 in a story of its own
    decision = clusterer.assign(articles[1], [story])  # another fire report
    assert decision.story_id == story.id
    assert decision.score >= clusterer.threshold
    assert any("similar to" in r for r in decision.reasons)
    new = clusterer.assign(articles[4], [story])  # a rates report is not the fire story
    assert new.story_id is None
    assert new.reasons[0].startswith("best match scored")


def test_merge_and_split_repairs_stories(articles: list[ArticleFeatures]) -> None:
    clusterer = StoryClusterer()
    fire = [a for a in articles if a.id.startswith("fire")]
    quake = next(a for a in articles if a.id.startswith("quake"))
    for a in articles:
        clusterer.observe(a)
    # One fire story wrongly split in two, and a quake report wrongly inside it.
    part1 = StoryState.from_members("s1", [fire[0], fire[1], quake])
    part2 = StoryState.from_members("s2", [fire[2]])
    result = clusterer.merge_and_split([part1, part2])
    final = {frozenset(s.member_ids) for s in result.stories}
    assert final == {frozenset(a.id for a in fire), frozenset({quake.id})}
    assert (quake.id, "s1", f"story-{quake.id}") in result.split
    assert ("s1", "s2") in result.merged


def test_explain_relation_text() -> None:
    a = ArticleFeatures(
        id="a",
        title="Crew swap agreed",
        text="",
        source="x",
        published=T0,
        vector=np.array([1.0, 0.0, 0.0]),
        entities=frozenset({"NASA", "Roscosmos", "Soyuz"}),
    )
    b = ArticleFeatures(
        id="b",
        title="Seat deal",
        text="",
        source="y",
        published=T0 - timedelta(days=2),
        vector=np.array([0.71, 0.7042, 0.0]),
        entities=frozenset({"Roscosmos", "NASA", "ESA"}),
    )
    reason = explain_relation(a, b)
    assert reason.text == "shares NASA, Roscosmos · closely related · 2 days earlier"
    assert reason.shared_entities == ("NASA", "Roscosmos")
    assert reason.time_gap == timedelta(days=-2)
    assert explain_relation(b, a).text.endswith("2 days later")


def test_a_reason_spells_initialisms_in_full() -> None:
    """The names found in "U.S. astronauts" and "the U.K. budget" lose their last full stop; a reason
    shows them as written, not "shares Trump, U.S"."""
    found = entity_proxies("", "The deal pleased U.S. and U.K. officials and Donald Trump on Friday.")
    a, b = (
        ArticleFeatures(
            id=i, title=t, text="", source=i, published=T0, vector=np.ones(3) / 3**0.5, entities=found
        )
        for i, t in (("a", "Steel deal"), ("b", "Tariffs"))
    )
    assert explain_relation(a, b).text.startswith("shares Donald Trump, U.K., U.S. · ")
    _, why_joined = StoryClusterer().score(a, StoryState.from_members("s", [b]))
    shared = why_joined[0].removeprefix("shares ").split(", ")
    assert sorted(shared) == ["Donald Trump", "U.K.", "U.S."]


def test_format_time_gap() -> None:
    assert format_time_gap(timedelta(seconds=20)) == "same time"
    assert format_time_gap(timedelta(hours=-3)) == "3 hours earlier"
    assert format_time_gap(timedelta(hours=1)) == "1 hour later"


def test_related_articles_prefer_other_outlets_and_give_reasons(articles: list[ArticleFeatures]) -> None:
    target = articles[0]  # fire-0 from reuters
    same_outlet_copy = ArticleFeatures(
        id="fire-copy",
        title=target.title,
        text=target.text,
        source=target.source,
        published=target.published + timedelta(minutes=5),
        vector=target.vector.copy(),
    )
    related = related_articles(target, [*articles, same_outlet_copy], k=3)
    ids = [r.article_id for r in related]
    assert set(ids[:2]) == {"fire-1", "fire-2"}  # other outlets first, even above an identical copy
    assert all(r.reason.text for r in related)
    assert any(w in related[0].reason.text for w in ("nearly the same report", "closely related"))
    plain = related_articles(target, [*articles, same_outlet_copy], k=1, diversify_sources=False)
    assert plain[0].article_id == "fire-copy"
    assert related_articles(target, articles, k=3, exclude_ids={"fire-1"})[0].article_id == "fire-2"


def test_entity_proxies_find_names_not_sentence_starts() -> None:
    ents = entity_proxies(
        "NASA and Roscosmos agree on seat swap",
        "The agreement lets U.S. astronauts fly on Soyuz. It was announced in Moscow by Dmitry Rogozin. "
        "Agreement details were not published.",
    )
    assert {"NASA", "Roscosmos", "Soyuz", "Moscow", "Dmitry Rogozin"} <= ents
    assert not ents & {"The", "It", "Agreement"}


def test_bad_input_raises_story_error() -> None:
    with pytest.raises(StoryError):
        ArticleFeatures(id="z", title="", text="", source="", published=T0, vector=np.zeros(3))
    with pytest.raises(StoryError):
        ArticleFeatures(id="z", title="", text="", source="", published=T0, vector=np.array([np.nan, 1.0]))
    with pytest.raises(StoryError):
        ArticleFeatures(id="z", title="", text="", source="", published="2024-01-01", vector=np.ones(3))  # type: ignore[arg-type]
    one = ArticleFeatures(id="z", title="", text="", source="", published=T0, vector=np.ones(3))
    with pytest.raises(StoryError):
        cluster_offline([one, one])
    with pytest.raises(StoryError):
        StoryClusterer(window=timedelta(0))


def test_term_statistics_survive_a_restart(articles: list[ArticleFeatures]) -> None:
    before = StoryClusterer()
    for a in articles:
        before.observe(a)
    after = StoryClusterer()
    after.restore_statistics(*before.term_statistics())
    assert after.documents_seen == len(articles)
    assert after.sparse_similarity(articles[0], articles[1]) == before.sparse_similarity(
        articles[0], articles[1]
    )
    # Shared event words outweigh the rest: same-event pairs share more weighted wording.
    assert before.sparse_similarity(articles[0], articles[1]) > before.sparse_similarity(
        articles[0], articles[3]
    )


# A morning roundup: four unrelated items a paragraph each, the third one about the Athens fire.
ROUNDUP_TITLE = "Morning briefing: chip export rules, a stadium deal, and more"
ROUNDUP_TEXT = " ".join(
    [
        "The Dutch government tightened export licences for advanced lithography machines on Tuesday, a move "
        "that affects ASML shipments to several Asian customers. Officials in The Hague said the rules take "
        "effect in September and cover immersion systems. Industry groups asked for a transition period and "
        "warned of lost orders worth hundreds of millions of euros over the coming year.",
        "A consortium led by Oaktree agreed to buy a minority stake in the stadium company of a Milan "
        "football club, valuing the arena project at roughly one billion euros. The deal still needs "
        "approval from the city council, which has delayed a vote on the new ground twice this spring.",
        "In Greece, a wildfire near Varnavas north of Athens forced thousands of residents of Marathon and "
        "nearby villages to evacuate as strong winds pushed the flames through pine forest. The fire service "
        "deployed more than 400 firefighters and 20 water-dropping aircraft, and officials ordered further "
        "evacuations overnight as the blaze moved towards Marathon.",
        "Shares of Nordic shipping lines fell after freight rates on the Asia to Europe route slipped for a "
        "third week. Analysts at Clarksons said new vessel deliveries were outpacing demand, and container "
        "spot prices could fall further before the autumn peak season begins in earnest.",
    ]
)


def test_text_sections_cut_on_sentences_and_skip_short_texts() -> None:
    sections = text_sections(ROUNDUP_TEXT)
    assert len(sections) >= 3
    assert all(sec.rstrip().endswith((".", "!", "?")) for sec in sections)
    assert " ".join(sections).split() == ROUNDUP_TEXT.split()  # nothing lost, nothing reordered
    assert any("Varnavas" in sec and "Oaktree" not in sec for sec in sections)
    assert text_sections("One short sentence. And another.") == []


def test_a_roundup_joins_the_story_one_of_its_sections_reports(
    model: MiniLMEmbedder, articles: list[ArticleFeatures]
) -> None:
    (roundup,) = make(
        model, [("roundup", "newsletter.example", ROUNDUP_TITLE, ROUNDUP_TEXT, T0 + timedelta(hours=12))]
    )
    result = cluster_offline([*articles, roundup])
    assert result["roundup"] == result["fire-0"]
    assert groups({k: v for k, v in result.items() if k != "roundup"}) == EXPECTED
    # Judged on its whole text only, the blend of four items matches no story.
    whole_only = cluster_offline([*articles, roundup], StoryClusterer(passages=False))
    assert whole_only["roundup"] not in {whole_only[a.id] for a in articles}
