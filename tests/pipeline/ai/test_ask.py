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
