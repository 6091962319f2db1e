"""What a reader's question asks, and what a sentence must hold to answer it.

`analyse` reads the question once: its kind ("when" needs a date or time, "how much" money, "who" a
person or organisation, …), the names and the other content words it is about, who acts in a "what did
X do / think of Y" question, whether it asks for a ranking, and the wording to embed (the question without
the filler of reading tests: "probably", "after the end of the story"). `states_absence` tells a sentence
that says something is not known, set or said ("There is no date for the release in Europe yet"): that
is the answer to a question about it, not a reason to refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.pipeline.text.stopwords import STOP_WORDS
from newsdesk.pipeline.text.terms import TOKEN, stem, terms

__all__ = ["KIND_NEEDS", "Question", "analyse", "question_type", "states_absence"]

# What a sentence must give for each kind of question, as a refusal says it.
KIND_NEEDS = {
    "time": "a date or time",
    "money": "an amount of money",
    "number": "a number",
    "agent": "a person or organisation",
    "place": "a place",
    "opinion": "what anyone said or thinks",
}

_AUX = r"(?:did|does|do|will|would|could|should|might|may|can|has|have|had|is|was|are|were)"
# "What did the Senate (probably) do / think / say …": the doer or opinion holder, and what the opinion is of.
_DOER = re.compile(
    rf"^\s*what\s+{_AUX}\s+(?P<who>.+?)\s+(?:probably\s+|likely\s+|really\s+)?"
    r"(?P<verb>think|believe|feel|say|want|expect|hope|plan|do|make|decide|propose)\b"
    r"(?:\s+(?:of|about|on|regarding|towards?)\s+(?P<topic>.+))?",
    re.IGNORECASE,
)
_TOPIC_END = re.compile(
    r"[,;?]|\s(?:after|before|when|while|since|regarding|following|during|because|if|that|which|who)\s",
    re.IGNORECASE,
)
# "Which country contributes the most …": a ranking needs a sentence that ranks.
_SUPERLATIVE_Q = re.compile(
    r"\b(?:most|least|largest|biggest|highest|lowest|greatest|smallest|fewest)\b(?!\s+(?:probable|likely))",
    re.IGNORECASE,
)
# Reading-test filler that says nothing about what is asked; left out of the text that is embedded.
_FILLER = re.compile(
    r"\b(?:probably|likely|most\s+probable|after\s+the\s+end\s+of\s+(?:the|this)\s+(?:story|article)|"
    r"at\s+the\s+end\s+of\s+(?:the|this)\s+(?:story|article)|after\s+(?:the|this)\s+(?:story|article)|"
    r"according\s+to\s+(?:the|this)\s+(?:story|article|text))\b[,:]?",
    re.IGNORECASE,
)
# A sentence saying that something is not known, not set or not said.
_ABSENCE = re.compile(
    r"\bno\s+(?:[\w-]+\s+){0,2}?(?:date|dates|timetable|timeline|time(?:frame|line)?|word|decision|details?|"
    r"plans?|price|prices|pricing|figures?|estimates?|comment|explanation|information|indication|evidence|"
    r"sign|answer|release|launch|deadline|schedule|number|cost|reason|successor|agreement|deal)\b"
    r"|\b(?:has|have|had|is|are|was|were)(?:\s+not|n't|\s+yet\s+to)\s+(?:yet\s+)?(?:been\s+)?"
    r"(?:announced|decided|set|confirmed|disclosed|released|given|said|specified|known|determined|named|"
    r"revealed|made\s+public|scheduled|finali[sz]ed|agreed)\b"
    r"|\b(?:did|does|do|would|could|will)(?:\s+not|n't)\s+(?:immediately\s+)?(?:say|give|disclose|comment|"
    r"specify|confirm|reveal|announce|know|elaborate|provide|name|explain)\b"
    r"|\b(?:declined|refused)\s+to\s+(?:say|comment|give|disclose|specify|elaborate|confirm|provide|name)\b"
    r"|\b(?:unclear|unknown|undecided|undisclosed|unannounced|unconfirmed)\b|\bnot\s+(?:yet\s+)?(?:clear|known)\b"
    r"|\byet\s+to\s+(?:be\s+)?(?:announce|decide|set|confirm|say|name|disclose|reveal|schedule)\w*"
    r"|\bno\s+one\s+(?:knows|knew|has\s+said|would\s+say)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    """A reader's question as the reader sees it (see `analyse`)."""

    text: str
    kind: str | None
    terms: tuple[str, ...]  # content-word stems in order, each once
    focus: frozenset[str]  # stems of the content words after the first, names left out: what is asked
    doer: tuple[str, ...]  # "what did X do / think": X
    topic: tuple[str, ...]  # "… think of Y": Y
    superlative: bool
    query: str  # the text to embed


def question_type(question: str) -> str | None:
    """'time', 'money', 'number', 'agent', 'place', 'opinion' or None (any sentence may answer)."""
    q = question.lower().strip()
    if re.match(
        r"(?:when|what time|what date|what day|which (?:day|year|month|date)|in what year|by when)\b", q
    ):
        return "time"
    if re.match(r"how much\b", q) and re.search(
        r"\b(?:cost|price|pay|paid|spend|spent|worth|money|fund|budget|fine)", q
    ):
        return "money"
    if re.match(
        r"(?:how (?:many|much|old|far|big|large|long|high)|what (?:percentage|share|number|proportion))\b", q
    ):
        return "number"
    if re.match(r"(?:who|whom|whose|which (?:company|organi[sz]ation|person|agency|country))\b", q):
        return "agent"
    if re.match(r"where\b", q):
        return "place"
    if re.match(r"what (?:did|does|do|will|would)\b.*\b(?:think|believe|feel|say|want)", q):
        return "opinion"
    return None


def _doer(question: str) -> tuple[list[str], list[str]]:
    m = _DOER.match(question)
    if not m:
        return [], []
    who = terms(m.group("who"))
    topic = ""
    if m.group("verb").lower() not in ("do", "make") and m.group("topic"):
        # the thing itself, not the clause after it ("the FBI after the reports came out" → "the FBI")
        topic = _TOPIC_END.split(m.group("topic"), maxsplit=1)[0]
    return who, terms(topic)


def analyse(question: str) -> Question:
    """The question's kind, focus words, doer and topic, and the text to embed."""
    words = TOKEN.findall(question)
    content = [w for w in words[1:] if w.lower() not in STOP_WORDS]
    focus = frozenset(stem(w) for w in content if not w[:1].isupper())
    who, topic = _doer(question)
    query = " ".join(_FILLER.sub(" ", question).split()).strip(" ,:") or question
    return Question(
        text=question,
        kind=question_type(question),
        terms=tuple(dict.fromkeys(terms(question))),
        focus=focus,
        doer=tuple(who),
        topic=tuple(topic),
        superlative=bool(_SUPERLATIVE_Q.search(question)),
        query=query,
    )


def states_absence(text: str) -> bool:
    """Whether ``text`` says that something is not known, set, given or said ("no date yet", "declined to
    say", "has not been announced")."""
    return bool(_ABSENCE.search(text))
