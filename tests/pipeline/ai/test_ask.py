from newsdesk.pipeline.ai.ask import Passage, answer, question_type
from newsdesk.pipeline.ai.panel import ArticlePanel
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
