"""Text layer: sentences, named entities, dates and times, keyphrases — plain functions, no Django."""

from newsdesk.pipeline.text.dates import TimeExpression, find_time_expressions, parse_time_expression
from newsdesk.pipeline.text.entities import (
    DEFAULT_SPACY_MODEL,
    Entity,
    Mention,
    NLPUnavailableError,
    find_mentions,
    link_entities,
    link_mentions,
    load_nlp,
    slugify,
)
from newsdesk.pipeline.text.keyphrases import Keyphrase, extract_keyphrases, hashtags
from newsdesk.pipeline.text.sentences import Sentence, split_sentences

__all__ = [
    "DEFAULT_SPACY_MODEL",
    "Entity",
    "Keyphrase",
    "Mention",
    "NLPUnavailableError",
    "Sentence",
    "TimeExpression",
    "extract_keyphrases",
    "find_mentions",
    "find_time_expressions",
    "hashtags",
    "link_entities",
    "link_mentions",
    "load_nlp",
    "parse_time_expression",
    "slugify",
    "split_sentences",
]
