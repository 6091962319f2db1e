"""Rules over the NER model's mentions: titles of works and products are not people or places, and
common words capitalised by their place in a sentence or a title are no names.

A statistical NER model tags "Sideways" (a film) as a place, "Ape Academy" (a game) as an
organisation, "Oscar" (an award) as a person, "Asana" (a company) as a person. A reader who follows
such an "entity" gets nonsense, so these rules look at what the text itself says around a mention:

* a title in quotation marks ("'Halo 2' sold five million copies") is a work;
* a name right after a word for a work or product ("the film Sideways", "the game Halo"), or listed
  after one ("the 24 games include Ape Academy, Formula One and Wipeout Pure"), is a work/product;
* a person or place whose name holds a digit ("Halo 2", "BBC1") is not one (people and countries
  are not numbered; an organisation may be: "Channel 4");
* a name ending in a word for an award or event ("Golden Globe Awards", "Berlin Film Festival"), and a
  few awards and products by name ("Oscar", "PSP", "iPod"), is neither a person nor a place;
* a one-word "person" right after a word for a company ("start-up Asana", "firm Ocado") is one.

A statistical model also takes common words for names when a capital comes from where they stand: at a
sentence's start ("Family firms ...", "State pension ..."), in an office's title ("Home Secretary", "Shadow
chancellor"), or inside a longer name it cut ("the General Election", "Secretary of State for the
Family"). On BBC politics pages readers were offered "State", "Family", "Shadow", "Election" beside
"Gordon Brown". So a one-word name is left out when the text shows it is none:

* it is written in lower case elsewhere in the text ("the state would pay") and every capitalised use
  is at a start (of the text, a line, a sentence, a clause or a quotation) or inside a capitalised phrase;
  a name used mid-sentence stays ("Alan Milburn of Labour" beside "the labour market");
* it stands beside "Secretary", "Minister" or "Chancellor" each time ("Home", "Education", "State",
  "Shadow"); a nationality stays ("German Chancellor");
* a place, organisation or other name stands inside a longer capitalised phrase each time ("Election",
  "Family", "Motors" of "General Motors"). A neighbour that is a name of its own ("Sarkozy of France"),
  a possessive ("Brazil's Petrobras"), a title before a name ("Texas Judge Letitia Clark"), a function
  word, day or month joins no phrase. Names in capitals ("PARIS", a dateline; "US") always stay.

A longer name that stands before "Secretary", "Minister" or "Chancellor" each time is a portfolio cut
from a minister's title ("the Trade and Industry Secretary", "Work and Pensions"), unless it is a place
or a department ("Northern Ireland Secretary", "Home Office minister"); and a few common nouns British
style capitalises ("the General Election") are no names.

A one-word group ("Democrats", NORP) takes the capitalised word before it ("the Liberal Democrats"), so
the UK's Liberal Democrats are not the US Democrats; at a sentence's start it does so only where the
text names the whole group elsewhere. `entities` then links a group's singular and plural.
Measured on CoNLL-2003 dev (benchmarks/ai.py --task ner, en_core_web_md, 2026-12-04): entity layer F1
0.670 (P 0.718, R 0.629) against 0.670 (P 0.714, R 0.631) before these word rules; 23 wrong names fewer,
8 right ones lost (places in a shipping table: "Japan Lucky Emdldm"). On 200 BBC politics and business
articles, such one-word entities went from 56 article-entities to 20 ("Bill", "the House", "the Bank"
stay: short forms a text capitalises mid-sentence), "Democrats" from 15 articles to 1 (docs/quality.md).
The portfolio, common-phrase and sentence-start group rules (2026-12-05) leave CoNLL-2003 at 0.670 and,
on all 654 BBC politics and business articles, drop 28 wrong article-entities ("General Election" 9,
"Democrat" 5 now "Liberal Democrat", portfolios 9, "New Home" of "New Home Secretary" 3) and no right one.

A name reclassified anywhere in an article is reclassified everywhere in it: a title stays a title.
Works and products become kind "other" (labels WORK_OF_ART / PRODUCT / EVENT), so no person or
place page is made for them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdesk.pipeline.text.entities import Mention

__all__ = ["refine_mentions"]

# Nouns that are also verbs or common in sports ("show", "play", "record", "series", "game", "title")
# are left out: "polls show Smith ahead", "the Test series England lost".
_WORK_NOUNS = (
    "film|movie|documentary|biopic|sitcom|comedy|drama|thriller|musical|opera|ballet|album|single|song|"
    r"novel|book|memoir|poem|painting|sculpture|sequel|trilogy|cartoon|anime|podcast|video\s+game|"
    r"videogame|computer\s+game"
)
_PRODUCT_NOUNS = "console|handheld|handset|phone|smartphone|tablet|laptop|gadget|device|camera|app|browser"
_PLURALS = (
    "films|movies|documentaries|programmes|programs|shows|musicals|operas|plays|albums|singles|songs|"
    "tracks|novels|books|games|titles|comics|apps|products|devices|gadgets|consoles|phones|handsets"
)
_AGENTS = (
    "people|artists|acts|stars|actors|actresses|singers|bands|musicians|directors|writers|authors|"
    "names|celebrities|players|teams|clubs|countries|cities|companies|firms|rivals|makers|developers|"
    "publishers|studios|brands|labels|stores|shops|retailers|networks|broadcasters"
)
_COMPANY_NOUNS = (
    "start-up|startup|company|firm|maker|manufacturer|retailer|carmaker|bank|chain|publisher|developer|"
    "studio|broadcaster|insurer|airline|supermarket|website"
)
# The noun must follow a determiner or a possessive, with at most two words between, and end the text
# before the name: "the film Sideways", "Sony's handheld console PSP", "his debut album Confessions".
_DETERMINER = (
    r"\b(?:(?i:the|a|an|his|her|their|its|this|that|new|latest)|[A-Z][\w.-]*['’]s?)\s+(?:[\w-]+\s+){0,2}?"
)
_WORK_BEFORE = re.compile(rf"{_DETERMINER}(?i:{_WORK_NOUNS})\s+(?:[\"“‘']\s?)?$")
_PRODUCT_BEFORE = re.compile(rf"{_DETERMINER}(?i:{_PRODUCT_NOUNS})\s+(?:[\"“‘']\s?)?$")
_COMPANY_BEFORE = re.compile(rf"\b(?i:{_COMPANY_NOUNS})\s+$")
# "The 24 games for the mini console include Ape Academy, ...": a plural noun, then a listing word.
# The plural is a common noun in lower case ("the Atlanta Games ... including Bailey" is no list of
# games), in the same clause as the listing word, with no plural of people or firms between ("songs for
# artists such as Jay-Z").
_LIST_BEFORE = re.compile(
    rf"\b(?:{_PLURALS})\b(?:(?!\s(?:{_AGENTS})\b)[^.;:!?,\"“”]){{0,40}}?"
    r"\b(?:include|includes|included|including|such\s+as|like)\s*:?\s*$"
)
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)")
# An opening quote stands after a space (a closing one after the last word: 'standard." Edberg');
# the space inside is for tokenised text. A possessive is no closing quote ("Magna's").
_OPEN_QUOTE = re.compile(r"(?:^|[\s(\[])[\"“‘']\s?$")
_CLOSE_QUOTE = re.compile(r"\s?[\"”’'](?![sS]\b)")
_POSSESSIVE = re.compile(r"['’]s\b")
# "Colin Montgomerie 68", "Tasmania 352" in a results table: the name with a score after it.
_TRAILING_SCORE = re.compile(r"(\S+(?:\s+\S+)*?)\s+\d+(?:[-:./]\d+)*")
_AWARD_OR_EVENT = re.compile(
    r"\b(?:award|awards|prize|prizes|festival|cup|championship|championships|trophy|olympics|games|"
    r"grammys|oscars|baftas|emmys|globes)$",
    re.IGNORECASE,
)
# Awards, events and products a reader meets weekly and the model keeps calling people or places. Keys are
# lower-case names; one-word keys apply only to a mention of exactly that word.
_KNOWN_OTHER: dict[str, str] = {
    **dict.fromkeys(
        ["oscar", "oscars", "grammy", "grammys", "bafta", "baftas", "emmy", "emmys", "golden globe",
         "golden globes", "brit awards", "booker", "pulitzer", "nobel"],
        "EVENT",
    ),
    **dict.fromkeys(
        ["psp", "playstation", "playstation 2", "playstation 3", "playstation portable", "xbox",
         "xbox 360", "game boy", "gameboy", "nintendo ds", "ipod", "iphone", "ipad", "itunes",
         "walkman", "kindle", "android", "windows", "windows xp", "windows vista", "linux", "firefox"],
        "PRODUCT",
    ),
}  # fmt: skip
# Common nouns British style capitalises, which the model takes for organisations: an election is no
# one a reader can follow (a party or a candidate is).
_COMMON_PHRASES = frozenset(["general election", "general elections", "local elections", "by-election"])
# Last words of a department or a force, which a minister's title may hold and which are bodies of
# their own: "Home Office minister", "Armed Forces minister".
_BODIES = frozenset(["office", "department", "ministry", "treasury", "forces", "executive", "service"])
_WINDOW = 80
# A capitalised word right after one of these is a name ("Mr Brown", "Lord Falconer"), whatever the
# rest of the text does with the word in lower case.
_NAME_TITLES = frozenset(
    [
        "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "president", "king",
        "queen", "prince", "princess", "pope", "judge", "senator", "governor", "captain", "st", "saint",
    ]
)  # fmt: skip
# Words that start a sentence or clause, and days and months, which are capitalised by rule: none joins
# the word after it into a phrase ("The State", "On Monday Labour said").
_FUNCTION_WORDS = frozenset(
    [
        "a", "an", "the", "this", "that", "these", "those", "its", "his", "her", "their", "our", "my", "your",
        "and", "but", "or", "so", "if", "as", "at", "by", "for", "from", "in", "into", "of", "on", "to",
        "with", "without", "after", "before", "when", "while", "since", "until", "although", "though", "yet",
        "also", "now", "then", "there", "here", "it", "he", "she", "they", "we", "i", "you", "what", "which",
        "who", "how", "why", "where", "all", "some", "many", "most", "more", "no", "not", "every", "each",
        "both", "either", "neither", "one", "two", "three", "new", "last", "next", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
        "may", "june", "july", "august", "september", "october", "november", "december",
    ]
)  # fmt: skip
# The words before a capitalised word that make it part of a longer capitalised phrase: "Secretary of
# State", "Secretary of State for the Family", "General Election".
# A possessive owns the name after it and joins no phrase ("Brazil's Petrobras", "BBC Two's Newsnight").
_PHRASE_BEFORE = re.compile(r"(?:^|\s)([A-Z][a-z][\w-]*)\s+(?:(?:of|for)\s+(?:the\s+)?)?$")
_PHRASE_AFTER = re.compile(r"\s+(?:(?:of|for)\s+(?:the\s+)?)?([A-Z][a-z][\w-]*)")
# A capitalised word (not at the very start of a line) right before a mention, one space between.
_WORD_BEFORE = re.compile(r"(?<![\w'’.-])([A-Z][a-z]+) $")
# Offices: a word beside one is part of a title ("Home Secretary", "Secretary of State", "Shadow
# chancellor", "Finance Minister"), not a name of its own. "Leader" and "spokesman" are left out: "Tory
# leader", "Labour spokesman" name a party.
_OFFICE_AFTER = re.compile(r"\s+(?i:secretary|minister|chancellor)\b")
_OFFICE_BEFORE = re.compile(r"\b(?i:secretary|minister|chancellor)\s+(?:of|for)\s+(?:the\s+)?$")
# Sentence, line and quotation starts: the capital there says nothing about the word.
_STARTS = ".!?:;\"“‘'(["


def _key(text: str) -> str:
    return " ".join(re.sub(r"(?:['’]s)$", "", text).split()).lower().removeprefix("the ")


def _group_key(name: str) -> str:
    """A group's key in the singular: "Liberal Democrats" and "Liberal Democrat" are one group."""
    return re.sub(r"(?<=[a-z])s$", "", _key(name))


def _bare(text: str) -> str:
    return _POSSESSIVE.sub("", text)


def _verdict(text: str, m: Mention, before: str, listing: bool) -> str | None:
    """The label ``m`` should have by its own words and context, or None when the model's stands."""
    after = text[m.end : m.end + 4]
    name = m.text
    key = _key(name)
    if key in _KNOWN_OTHER and m.kind != "other":
        return _KNOWN_OTHER[key]
    if m.kind not in ("person", "place", "organisation"):
        return None
    if _OPEN_QUOTE.search(before) and _CLOSE_QUOTE.match(after):
        return "WORK_OF_ART"
    if _WORK_BEFORE.search(before):
        return "WORK_OF_ART"
    # A list of titles, unless the name owns something ("shows such as Channel 4's gameshow ...").
    owns = _POSSESSIVE.match(after) or _POSSESSIVE.search(name[-2:])
    if (listing or _LIST_BEFORE.search(before)) and not owns:
        return "WORK_OF_ART"
    if m.kind == "organisation":
        return None  # "Channel 4", "the Sony handheld" (a maker), "the BBC awards" stay organisations
    if _PRODUCT_BEFORE.search(before):
        return "PRODUCT"
    if (m.kind == "person" or m.label == "GPE") and any(c.isdigit() for c in name):
        return "WORK_OF_ART"  # people, countries and towns are not numbered: "Halo 2", "Robocop 2"
    if _AWARD_OR_EVENT.search(name):
        return "EVENT"
    if m.kind == "person" and len(name.split()) == 1 and _COMPANY_BEFORE.search(before):
        return "ORG"
    return None


def _without_score(m: Mention) -> Mention:
    """A person's or town's mention with a number after the name ("David Boon 106") loses the number; a
    one-word "person" keeps it ("Halo 2" is a title, see `_verdict`)."""
    if not (m.kind == "person" or m.label == "GPE") or not m.text[-1:].isdigit():
        return m
    found = _TRAILING_SCORE.fullmatch(m.text)
    if found is None or (m.kind == "person" and " " not in found.group(1)):
        return m
    return replace(m, text=found.group(1), end=m.start + len(found.group(1)))


def _at_a_start(text: str, start: int) -> bool:
    """Whether ``text[start:]`` begins a text, line, sentence, clause or quotation."""
    before = text[max(0, start - _WINDOW) : start]
    stripped = before.rstrip()
    return not stripped or "\n" in before[len(stripped) :] or stripped[-1] in _STARTS


def _in_a_phrase(text: str, start: int, end: int, names: Sequence[tuple[int, int]]) -> bool:
    """Whether the word at ``text[start:end]`` stands inside a longer capitalised phrase ("Home
    Secretary", "Secretary of State", "General Election"). The word beside it must be no name of its
    own (in ``names``, the spans of the text's mentions: "Sarkozy of France", "Shell for Australia"),
    no title before a name ("Mr Brown", "Texas Judge Letitia Clark"), and no capitalised function
    word, day or month ("The", "On Monday")."""
    # The model's mention holding the word itself is that longer name ("Home" of "the Home Office").
    names = [(s, e) for s, e in names if not (s < end and start < e)]
    offset = max(0, start - _WINDOW)
    before = _PHRASE_BEFORE.search(text[offset:start])
    after = _PHRASE_AFTER.match(text, end)
    for found, at in ((before, offset), (after, 0)):
        if found is None:
            continue
        w_start, w_end = found.start(1) + at, found.end(1) + at
        word = found.group(1).lower()
        if (
            word not in _NAME_TITLES
            and word not in _FUNCTION_WORDS
            and not any(s < w_end and w_start < e for s, e in names)
            and not (found is before and _at_a_start(text, w_start))
        ):
            return True
    return False


def _capital_by_position(text: str, start: int, end: int, names: Sequence[tuple[int, int]]) -> bool:
    """Whether the capital of the word at ``text[start:end]`` comes from where it stands rather than
    from the word being a name: at a start (`_at_a_start`) or in a phrase (`_in_a_phrase`)."""
    return _at_a_start(text, start) or _in_a_phrase(text, start, end, names)


def _in_office_title(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - _WINDOW) : start]
    return _OFFICE_AFTER.match(text, end) is not None or _OFFICE_BEFORE.search(before) is not None


def _ordinary_words(text: str, mentions: Sequence[Mention]) -> set[str]:
    """Keys of the one-word mentions that ``text`` shows to be no names of their own:

    * ordinary words: the text writes the word in lower case somewhere ("the state pension"), and
      every time it writes it with a capital the capital comes from the word's position
      (`_capital_by_position`), never from the word being a name;
    * parts of an office's title: each time, it stands beside "Secretary", "Minister" or
      "Chancellor" ("Home Secretary", "Secretary of State"). A nationality stays ("German chancellor");
    * pieces of a longer name: each time, a place, organisation or other name stands inside a longer
      capitalised phrase (`_in_a_phrase`): "Election" of "the General Election", "Family" of
      "Secretary of State for the Family". A person's surname stays ("Prime Minister Blair").
    Acronyms ("US", never "us") are names."""
    words = {_key(m.text): m for m in mentions if m.text[:1].isupper() and " " not in _key(m.text)}
    out: set[str] = set()
    # A piece found is no name beside another ("State" in "Secretary of State for the Family" lets
    # "Family" be found): look again while one is found, a few times at most.
    for _ in range(3):
        found_now = _ordinary_pass(text, mentions, words, out)
        if not found_now:
            break
        out |= found_now
    return out


def _ordinary_pass(
    text: str, mentions: Sequence[Mention], words: dict[str, Mention], known: set[str]
) -> set[str]:
    names = [(m.start, m.end) for m in mentions if _key(m.text) not in known]
    out = set()
    for key, m in words.items():
        if key in known:
            continue
        if not key.isalpha() or _bare(m.text).isupper():
            continue
        capitalised = re.compile(rf"(?<![\w'’-]){key[0].upper()}{re.escape(key[1:])}\b")
        found = [(f.start(), f.end()) for f in capitalised.finditer(text)]
        if not found:
            continue
        if m.label != "NORP" and all(_in_office_title(text, *f) for f in found):
            out.add(key)
        elif (
            m.kind in ("organisation", "place", "other")
            and m.label != "NORP"
            and all(_in_a_phrase(text, *f, names) for f in found)
        ):
            out.add(key)  # a piece of a longer name the model cut: "Election" of "the General Election"
        elif re.search(rf"\b{key}\b", text) and all(_capital_by_position(text, *f, names) for f in found):
            out.add(key)
    return out


def _whole_group_names(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """A one-word group ("Democrats", NORP) right after a capitalised word that joins no name by rule
    (`_FUNCTION_WORDS`, `_NAME_TITLES`) and is no mention of its own, or only the model's one-word
    organisation, takes that word: "the Liberal Democrats" are not "the Democrats"."""
    # A word at a start is taken when the text names the whole group elsewhere, perhaps only once this
    # pass has joined it ("the Liberal Democrats" from the model's "Liberal" and "Democrats"): twice.
    return _join_groups(text, _join_groups(text, mentions))


def _join_groups(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    out: list[Mention] = []
    # Two-word groups the text names whole somewhere, in the singular: "Liberal Democrat".
    whole = {_group_key(m.text) for m in mentions if m.label == "NORP" and len(m.text.split()) == 2}
    for m in mentions:
        if m.label == "NORP" and " " not in m.text.strip():
            found = _WORD_BEFORE.search(text, max(0, m.start - 40), m.start)
            word = found.group(1).lower() if found else ""
            if found is not None and word not in _FUNCTION_WORDS and word not in _NAME_TITLES:
                cut = [o for o in out if o.start < found.end() and found.start(1) < o.end]
                # The model's own one-word organisation there is the first half of the name ("Liberal").
                # A word at a sentence's or headline's start is capitalised anyway ("Former Italian
                # winger", "Escaped British paedophile"): taken only when the model named it, or when
                # the text names the whole group elsewhere ("... Election. Liberal Democrat spokeswoman"
                # beside "the Liberal Democrats").
                named = _group_key(f"{word} {m.text}") in whole
                if all(o.label == "ORG" and (o.start, o.end) == found.span(1) for o in cut) and (
                    cut or named or not _at_a_start(text, found.start(1))
                ):
                    out = [o for o in out if o not in cut]
                    m = replace(m, text=text[found.start(1) : m.end], start=found.start(1))
        out.append(m)
    return out


def _portfolios(text: str, mentions: Sequence[Mention]) -> set[str]:
    """Keys of the longer names that stand before "Secretary", "Minister" or "Chancellor" each time:
    a minister's portfolio ("the Trade and Industry Secretary"), cut by the model from the title, not
    an organisation of its own. One-word names are `_ordinary_words`' part; places ("Northern Ireland
    Secretary"), groups ("German Chancellor"), people and departments ("Home Office minister") stay."""
    out = set()
    for m in mentions:
        key = _key(m.text)
        if m.kind not in ("organisation", "other") or m.label == "NORP" or " " not in key or key in out:
            continue
        if key.rsplit(" ", 1)[1] in _BODIES:
            continue
        name = re.escape(_bare(m.text).removeprefix("the "))
        # Its uses, less those inside a longer name ("the Department of Trade and Industry").
        spans = [
            (a, b)
            for a, b in (f.span() for f in re.finditer(name, text))
            if not any(o.start <= a and b <= o.end and _key(o.text) != key for o in mentions)
        ]
        if spans and all(_OFFICE_AFTER.match(text, end) for _, end in spans):
            out.add(key)
    return out


def refine_mentions(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` (in text order) with works, products, awards and mistagged companies relabelled, and
    common words the model took for names (`_ordinary_words`, `_COMMON_PHRASES`), and portfolios
    (`_portfolios`) left out; a name relabelled once is relabelled at each of its mentions in ``text``."""
    mentions = _whole_group_names(text, mentions)
    ordinary = _ordinary_words(text, mentions) | _portfolios(text, mentions) | _COMMON_PHRASES
    if ordinary:  # a word in capitals ("PARIS 1996-12-06", a dateline) is no common word's accident
        mentions = [m for m in mentions if _key(m.text) not in ordinary or _bare(m.text).isupper()]
    verdicts: dict[str, str] = {}
    listing = False
    previous_end = -1
    mentions = [_without_score(m) for m in mentions]
    for m in mentions:
        before = text[max(0, m.start - _WINDOW) : m.start]
        # Items after the first of a list ("include A, B and C") continue it while only commas and
        # "and" come between.
        continues = listing and previous_end >= 0 and _LIST_GAP.fullmatch(text[previous_end : m.start])
        label = _verdict(text, m, before, bool(continues))
        work = (label or m.label) in ("WORK_OF_ART", "PRODUCT")
        listing = work and bool(continues or _LIST_BEFORE.search(before))
        if label is not None:
            verdicts.setdefault(_key(m.text), label)
        previous_end = m.end
    if not verdicts:
        return list(mentions)
    out = []
    for m in mentions:
        label = verdicts.get(_key(m.text))
        if label is None or label == m.label:
            out.append(m)
        elif label == "ORG":
            out.append(replace(m, label="ORG", kind="organisation"))
        else:
            out.append(replace(m, label=label, kind="other"))
    return out
