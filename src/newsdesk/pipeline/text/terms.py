"""Content words of a text, lightly stemmed: what the lexical parts of ranking and summaries compare.

The one stemmer of the pipeline; the stop-word lists live in `text.stopwords`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from newsdesk.pipeline.text.stopwords import STOP_WORDS

__all__ = ["TOKEN", "stem", "terms", "tfidf_vectors"]

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def stem(word: str) -> str:
    """A light English stem: "launches"/"launched"/"launching" → "launch", "drones"/"drone" → "dron";
    "'s" dropped."""
    w = word.lower().replace("’", "'")
    w = w[:-2] if w.endswith("'s") else w
    for suffix in ("ingly", "ing", "edly", "ed", "ies", "es", "s", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + ("y" if suffix == "ies" else "")
            # "running" → "runn" → "run": undo the doubled consonant of the inflection
            return w[:-1] if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls" else w
    # An uninflected word loses its final silent "e", so "vote"/"voted"/"voting" and "drone"/"drones" meet.
    return w[:-1] if len(w) > 3 and w.endswith("e") else w


def terms(text: str) -> list[str]:
    """The stemmed content words of ``text`` in order (stop words left out)."""
    return [stem(w) for w in TOKEN.findall(text) if w.lower() not in STOP_WORDS]


def tfidf_vectors(texts: Sequence[str], *, extra: Sequence[str] = ()) -> np.ndarray:
    """Unit-length TF-IDF rows for ``texts`` (then ``extra``), idf taken over ``texts`` only.

    Log-scaled term frequency; a term in every text still weighs a little (smoothed idf). A text with no
    content word is a zero row. Rows of ``extra`` (a title, a question) use the same vocabulary.
    """
    docs = [terms(t) for t in texts]
    n = len(docs)
    df = Counter(t for d in docs for t in set(d))
    vocab = {t: i for i, t in enumerate(df)}
    idf = np.array([math.log((n + 1) / (df[t] + 0.5)) for t in vocab], dtype=np.float32)
    rows = [*docs, *(terms(t) for t in extra)]
    matrix = np.zeros((len(rows), len(vocab)), dtype=np.float32)
    for r, d in enumerate(rows):
        for t, c in Counter(d).items():
            j = vocab.get(t)
            if j is not None:
                matrix[r, j] = (1.0 + math.log(c)) * idf[j]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)
