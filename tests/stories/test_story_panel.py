"""The story panel, entity pages and `newsdesk explain/ask --story`, as a reader and an operator meet them,
on three outlets' reports of one bridge collapse (12 dead say two, 14 says the third)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk import cli
from newsdesk.articles.insights import make_pending_panels
from newsdesk.articles.models import FINAL_STAGE, Article, EntityMention, Insight
from newsdesk.sources.models import Publisher, Source
from newsdesk.stories import insights as story_insights
from newsdesk.stories.insights import enrich_pending, pending, story_panel
from newsdesk.stories.models import Story, StoryInsight
from tests.stories.bridge import add_report, article_of


def _panel_html(page: str) -> str:
    return page.split('id="ai-h"')[1].split("</aside>")[0]


def _section(panel: str, heading: str) -> str:
    return panel.split(f"<h3>{heading}</h3>")[1].split("<h3>")[0]


@pytest.mark.django_db
def test_story_page_compares_the_outlets_with_citations(bridge_story: Story, client) -> None:
    planet, star, post = (article_of(o) for o in ("Daily Planet", "Evening Star", "Morning Post"))
    panel = _panel_html(client.get(f"/story/{bridge_story.pk}/").content.decode())

    # Summary across outlets: each line links to the sentence it quotes on its outlet's article page.
    summary = _section(panel, "Summary")
    cited = set(re.findall(r'href="/article/(\d+)/#s-(\d+)"', summary))
    assert len({a for a, _ in cited}) >= 2
    for article_id, index in cited:
        page = client.get(f"/article/{article_id}/").content.decode()
        sentence = re.search(rf'<li id="s-{index}"[^>]*>([^<]+)</li>', page)
        assert sentence and sentence.group(1).strip()[:30] in summary

    # Where they differ: the death toll, both values with their outlets and sentences.
    differ = _section(panel, "Where the outlets differ")
    for value, outlet, article in (("12", "Daily Planet", planet), ("14", "Evening Star", star)):
        link = f'<a class="cite" href="/article/{article.pk}/#s-0">{outlet}</a>'
        assert f'<strong class="value">{value}</strong> — {link}' in differ

    # What each outlet adds: the Star alone reports the 2019 warning; the shared rescue sentence is no one's.
    adds = _section(panel, "What each outlet adds")
    star_adds = adds.split("<dt>Evening Star</dt>")[1].split("<dt>")[0]
    assert "Engineers had warned in 2019" in star_adds
    assert "Rescue teams" not in adds
    assert "2019" not in adds.split("<dt>Daily Planet</dt>")[1].split("<dt>")[0]

    # The story timeline merges every outlet's dated sentences, in date order.
    timeline = _section(panel, "Story timeline")
    dates = re.findall(r'<time datetime="([^"]+)"', timeline)
    assert dates == sorted(dates) and "2019" in dates and dates.count("2025-03-02") == 3
    assert all(name in timeline for name in ("Daily Planet", "Evening Star", "Morning Post"))
    assert f"/article/{post.pk}/#s-" in timeline

    # Suggested questions, and the ask box answering from the outlets' sentences.
    assert "Try: " in panel
    answered = client.get(f"/story/{bridge_story.pk}/", {"ask": "How many people were killed?"})
    answer = answered.content.decode().split('class="answer"')[1].split("</div>")[0]
    assert "people were killed" in answer and "Not in the sources" not in answer
    refused = client.get(f"/story/{bridge_story.pk}/", {"ask": "What did the mayor eat for breakfast?"})
    assert "Not in the sources" in refused.content.decode().split('class="answer"')[1]


@pytest.mark.django_db
def test_panel_is_stored_once_and_remade_when_the_story_grows(bridge_story: Story, client, settings) -> None:
    assert pending() == []  # its members just changed: the worker waits for the story to settle
    settings.NEWSDESK_STORY_PANEL_DEBOUNCE_S = 0
    assert pending() == [bridge_story]
    assert enrich_pending() == 1  # what the worker does every minute
    first = StoryInsight.objects.get(story=bridge_story)
    client.get(f"/story/{bridge_story.pk}/")
    assert StoryInsight.objects.get(story=bridge_story).created_at == first.created_at
    assert pending() == []

    add_report(
        bridge_story,
        "River Radio",
        "Divers recover cars from Riverton river",
        "Divers recovered four cars from the river in Riverton on Tuesday, two days after the road bridge "
        "collapsed. The coast guard said the search for survivors had ended. Traffic between the two halves "
        "of the town now takes a detour of twenty kilometres along the valley road. Schools on the east "
        "bank stayed closed.",
        11,
    )
    assert pending() == [bridge_story]
    grown = story_panel(bridge_story, compute=False)  # a page asked not to compute shows the old one
    assert grown is not None and grown.members_fingerprint == first.members_fingerprint
    page = client.get(f"/story/{bridge_story.pk}/").content.decode()
    assert "<dt>River Radio</dt>" in _panel_html(page)
    assert StoryInsight.objects.get(story=bridge_story).members_fingerprint != first.members_fingerprint


@pytest.mark.django_db
def test_entity_pages_link_names_across_the_story(bridge_story: Story, client, settings) -> None:
    # About linking across the story: two articles name Maria Lopez, so pages from two articles on.
    settings.NEWSDESK_ENTITY_PAGE_MIN_ARTICLES = 2
    story_panel(bridge_story)
    planet, star = article_of("Daily Planet"), article_of("Evening Star")
    # The Star says only "Governor Lopez": in this story that is Maria Lopez.
    assert set(EntityMention.objects.filter(slug="maria-lopez").values_list("article_id", flat=True)) == {
        planet.pk,
        star.pk,
    }
    page = client.get("/entity/maria-lopez/").content.decode()
    assert "<h1>Maria Lopez</h1>" in page
    listed = page.split('id="articles-h"')[1].split("</section>")[0]
    assert listed.index(star.title) < listed.index(planet.title)  # newest first
    assert "Bridge collapse in Riverton" in page.split('id="stories-h"')[1]
    assert 'href="/entity/riverton/"' in page.split('id="with-h"')[1]
    assert '<time datetime="2025-03-03">' in page.split('id="tl-h"')[1]  # "visited the site on Monday"

    # The article panel's people link to the entity page, under the story-wide slug.
    assert 'href="/entity/maria-lopez/"' in client.get(f"/article/{star.pk}/").content.decode()

    # "National Transportation Safety Board" and "NTSB" are one entity, also for a later article elsewhere.
    ntsb = client.get("/entity/ntsb/").content.decode()
    assert planet.title in ntsb and star.title in ntsb
    other = add_report(
        None,
        "Capital Times",
        "Safety board reviews old bridges",
        "The National Transportation Safety Board will review every steel bridge built before 1970 in the "
        "state, its chairman said on Wednesday. The review follows a string of failures that engineers had "
        "linked to corroded cables, and should take about two years to finish.",
        12,
    )
    # A teaser (under 50 words) gets no panel, but the backlog's entity pass still puts it on the page.
    assert make_pending_panels() == 1
    assert not Insight.objects.filter(article=other).exists()
    assert other.title in client.get("/entity/ntsb/").content.decode()

    assert client.get("/entity/no-such-entity/").status_code == 404
    assert client.get("/entity/%3Cscript%3E/").status_code == 404


@pytest.mark.django_db
def test_cli_explains_and_asks_a_story(bridge_story: Story, capsys) -> None:
    assert cli.main(["explain", "--story", str(bridge_story.pk), "--json"]) == 0
    panel = json.loads(capsys.readouterr().out)
    assert panel["story"]["id"] == bridge_story.pk
    outlets = {s["source"] for s in panel["summary"]}
    assert len(outlets) >= 2
    for s in panel["summary"]:
        assert s["text"] in Article.objects.get(pk=s["article_id"]).text
    toll = next(d for d in panel["disagreements"] if d["kind"] == "number")
    assert {(v["value"], v["source"]) for v in toll["values"]} >= {
        ("12", "Daily Planet"),
        ("14", "Evening Star"),
    }
    assert panel["llm"] is None  # no LLM configured: the extractive panel is the product

    assert cli.main(["explain", "--story", str(bridge_story.pk)]) == 0
    text = capsys.readouterr().out
    assert "Where the outlets differ:" in text and re.search(r"14\s+Evening Star: At least 14 people", text)

    assert cli.main(["ask", "--story", str(bridge_story.pk), "How many people were killed?", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["answerable"] and all(s["source"] and s["article_id"] for s in answer["sentences"])
    assert cli.main(["ask", "--story", str(bridge_story.pk), "Who visited the site?"]) == 0
    assert "Daily Planet: Governor Maria Lopez visited the site" in capsys.readouterr().out
    assert cli.main(["ask", "--story", str(bridge_story.pk), "What did the mayor eat for breakfast?"]) == 3
    assert "Not in the sources" in capsys.readouterr().out
    assert cli.main(["explain", "--story", "999999"]) == 2


@pytest.mark.django_db
def test_story_questions_embed_the_story_once_even_after_the_embedder_changed(
    bridge_story: Story, monkeypatch
) -> None:
    insight = story_panel(bridge_story)
    # Vectors stored by another embedder are stale: the first question embeds the passages and stores
    # them again; the next question embeds only itself.
    StoryInsight.objects.filter(pk=insight.pk).update(embedder_name="another-model")
    spy = _Counting(story_insights.get_embedder())
    monkeypatch.setattr(story_insights, "get_embedder", lambda: spy)
    first = story_insights.ask(bridge_story, "How many people were killed?", use_llm=False)
    assert first is not None and first.answer.answerable
    stored = StoryInsight.objects.get(pk=insight.pk)
    assert stored.embedder_name != "another-model" and spy.texts == len(stored.passages) + 1
    story_insights.ask(bridge_story, "Who visited the site?", use_llm=False)
    assert spy.texts == len(stored.passages) + 2


class _Counting:
    """The real embedder, counting the texts it is given (a spy, not a stand-in)."""

    def __init__(self, inner) -> None:
        self.inner, self.dim, self.name, self.texts = inner, inner.dim, inner.name, 0

    def embed(self, texts, batch_size: int = 32):
        self.texts += len(texts)
        return self.inner.embed(texts, batch_size=batch_size)


@pytest.mark.django_db
def test_a_big_story_panel_reads_one_telling_per_publisher_first(monkeypatch) -> None:
    """Two feeds of one publisher get one first place among the articles a panel reads, as outlets are
    counted everywhere; another publisher is not crowded out by the first one's second feed."""
    monkeypatch.setattr(story_insights, "MAX_ARTICLES", 2)
    wsj = Publisher.objects.create(key="wsj.com", name="The Wall Street Journal")
    feeds = [
        Source.objects.create(url=f"https://{name}.example/", canonical_url=f"https://{name}.example/",
                              title=name, publisher=publisher)
        for name, publisher in (("wsj-world", wsj), ("wsj-economy", wsj), ("ft", None))
    ]  # fmt: skip
    story = Story.objects.create(headline="Rate decision")
    t = datetime(2026, 12, 1, tzinfo=UTC)
    for hours, source in enumerate(feeds):
        Article.objects.create(
            source=source, guid=source.title, canonical_url=f"{source.url}rates", title="Rates held",
            text="The central bank held rates.", stage=FINAL_STAGE, story=story,
            published_at=t + timedelta(hours=hours),
        )  # fmt: skip
    articles, _ = story_insights.members(story)
    assert [a.source.title for a in articles] == ["wsj-world", "ft"]
