from newsdesk.pipeline.ai.ask import Passage, answer, question_type
from newsdesk.pipeline.ai.panel import ArticlePanel
from newsdesk.pipeline.ai.question import states_absence
from newsdesk.pipeline.embeddings import HashingEmbedder


def test_when_question_answers_with_the_dated_sentence(
    soyuz_panel: ArticlePanel, embedder: HashingEmbedder
) -> None:
    a = soyuz_panel.ask("When will the crew return?", embedder=embedder)
    assert a.answerable
    assert any("December 9" in s.text for s in a.sentences)
    assert a.sentences[0].sentence_index == next(
        i for i, s in enumerate(soyuz_panel.sentences) if "December 9" in s.text
    )


def test_questions_the_article_does_not_answer_are_refused(
    soyuz_panel: ArticlePanel, embedder: HashingEmbedder
) -> None:
    for q in ("What did the crew eat for breakfast?", "How much did the launch cost?"):
        a = soyuz_panel.ask(q, embedder=embedder)
        assert not a.answerable, q
        assert a.sentences == [] and "not in the sources" in a.reason


def test_answer_type_checks() -> None:
    assert question_type("When did it start?") == "time"
    assert question_type("How much did it cost?") == "money"
    assert question_type("How many people died?") == "number"
    assert question_type("Who won?") == "agent"
    assert question_type("Where is it?") == "place"
    passages = [
        Passage("Officials discussed the new bridge at length.", 0),
        Passage("The bridge opens in 2027.", 1),
    ]
    a = answer("When does the bridge open?", passages)
    assert a.answerable and [p.sentence_index for p in a.sentences] == [1]
    assert not answer("How many cars use the bridge?", passages).answerable


def test_suggested_questions_are_answerable(soyuz_panel: ArticlePanel, embedder: HashingEmbedder) -> None:
    questions = soyuz_panel.suggested_questions
    assert questions
    for q in questions:
        assert soyuz_panel.ask(q, embedder=embedder).answerable, q


def test_what_someone_did_needs_a_sentence_where_they_act() -> None:
    passages = [
        Passage("Officials warned on Wednesday about the drones.", 0),
        Passage("They pressed Congress to pass a law that would let agents take down drones.", 1),
    ]
    assert not answer("What did Congress do about the drones?", passages).answerable
    acted = [*passages, Passage("Congress passed the drone law in a late-night vote.", 2)]
    a = answer("What did Congress do about the drones?", acted)
    assert a.answerable and [p.sentence_index for p in a.sentences] == [2]


def test_opinion_needs_its_holder_and_a_ranking_needs_a_ranking() -> None:
    passages = [
        Passage("The inspector general said the FBI's handling of the case was a serious error.", 0),
        Passage("Four countries accounted for 35 percent of asylum claims filed in March.", 1),
    ]
    assert not answer("What does the Vice President think of the FBI?", passages).answerable
    assert answer("What did the inspector general think of the FBI?", passages).answerable
    assert not answer("Which country files the most asylum claims?", passages).answerable


def test_a_question_no_sentence_stands_out_for_is_refused() -> None:
    # Ten sentences about one vote, each as close to the question as the others: none answers it.
    passages = [Passage(f"Senator number {i} spoke about the budget vote for an hour.", i) for i in range(10)]
    assert not answer("Why is the budget vote failing?", passages).answerable
    passages[4] = Passage("The budget vote is failing because two parties refuse the defence cuts.", 4)
    a = answer("Why is the budget vote failing?", passages)
    assert a.answerable and a.sentences[0].sentence_index == 4


ABSENCE = "There is no date for the PSP's release in Europe yet"


def test_a_question_about_what_is_not_known_is_answered_with_the_sentence_saying_so(
    psp_panel: ArticlePanel, embedder: HashingEmbedder
) -> None:
    for q in (
        "When will the PSP go on sale in Europe?",
        "Is there a date for the PSP's release in Europe?",
        "How much will the PSP cost in Europe?",
    ):
        a = psp_panel.ask(q, embedder=embedder)
        assert a.answerable, q
        assert any(s.text.startswith(ABSENCE) for s in a.sentences), q


def test_a_sentence_giving_the_value_comes_before_one_saying_it_is_not_known(
    psp_panel: ArticlePanel, embedder: HashingEmbedder
) -> None:
    a = psp_panel.ask("How much does the PSP cost?", embedder=embedder)
    assert a.answerable and "19,800 yen" in a.sentences[0].text
    a = psp_panel.ask("When will the PSP go on sale in North America?", embedder=embedder)
    assert a.answerable and "March" in a.sentences[0].text
    assert not psp_panel.ask("What did the buyers eat for breakfast?", embedder=embedder).answerable


def test_sentences_that_state_an_absence() -> None:
    for text in (
        "There is no date for the release in Europe yet.",
        "Sony declined to say what it will cost.",
        "The price has not been announced.",
        "It is unclear when the bridge will reopen.",
        "The company did not say how many jobs would go.",
    ):
        assert states_absence(text), text
    for text in ("The console goes on sale in March.", "No one was hurt in the blast.", "Nobody was home."):
        assert not states_absence(text), text


def test_a_sentence_that_refers_back_is_cited_with_the_one_before() -> None:
    passages = [
        Passage("The city council met on Monday to discuss the new tram line.", 0),
        Passage("Mayor Ana Ruiz presented the plan to the council.", 1),
        Passage("She said the tram line would open in 2027 after three years of work.", 2),
        Passage("Residents asked about noise during the works.", 3),
    ]
    a = answer("When will the tram line open?", passages)
    assert a.answerable and [p.sentence_index for p in a.sentences] == [1, 2]


def test_a_story_answer_says_which_outlet_says_what_when_they_differ() -> None:
    passages = [
        Passage("A road bridge collapsed in Riverton on Sunday, killing 12 people.", 0, "a1", "Daily Planet"),
        Passage("The mayor declared three days of mourning.", 1, "a1", "Daily Planet"),
        Passage("At least 14 people were killed when the bridge collapsed.", 0, "b1", "Evening Star"),
        Passage("Engineers had warned in 2019 that the cables were corroded.", 1, "b1", "Evening Star"),
    ]  # fmt: skip
    a = answer("How many people were killed?", passages, embedder=HashingEmbedder())
    assert a.answerable and a.outlets_differ
    said = {s.source: s.text for s in a.sentences}
    assert "12 people" in said["Daily Planet"] and "14 people" in said["Evening Star"]
    agreed = answer("Where did the bridge collapse?", passages, embedder=HashingEmbedder())
    assert agreed.answerable and not agreed.outlets_differ


def test_an_article_is_embedded_once_across_questions(psp_panel: ArticlePanel) -> None:
    class Counting(HashingEmbedder):
        texts = 0

        def embed(self, texts, batch_size=32):  # type: ignore[no-untyped-def]
            Counting.texts += len(texts)
            return super().embed(texts, batch_size)

    embedder = Counting(seed=7)
    embedder.name = "counting"
    passages = psp_panel.passages()
    # The caller keeps the sentences' vectors (the site stores them with the panel) and passes them.
    vectors = embedder.embed([p.text for p in passages])
    for q in ("When will the PSP go on sale in Europe?", "How much does the PSP cost?"):
        assert answer(q, passages, embedder=embedder, embeddings=vectors).answerable
    assert Counting.texts == len(passages) + 2  # the sentences once, then one question each
    # Without them, the sentences are embedded for the question: the same answer.
    alone = answer("When will the PSP go on sale in Europe?", passages, embedder=embedder)
    kept = answer("When will the PSP go on sale in Europe?", passages, embedder=embedder, embeddings=vectors)
    assert [x.sentence_index for x in alone.sentences] == [x.sentence_index for x in kept.sentences]
