"""Language of a text (ISO 639-1), by py3langid."""

from __future__ import annotations

import threading
from typing import Any

MIN_CHARS = 40
MIN_CONFIDENCE = 0.8
# py3langid scores characters; beyond this the answer is settled and more text only costs time
# (1000 and 2000 characters agree on the extraction benchmark's 181 pages, save one where 1000 is surer).
_MAX_CHARS = 1000

_lock = threading.Lock()
_identifier: Any = None


def _get_identifier() -> Any:
    # Loading the model takes ~0.3 s and some memory: do it once, on first use, not at import.
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def detect_language(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language, or '' when the text is too short or the guess unsure."""
    # Whitespace is collapsed on a prefix only: articles can be long.
    sample = " ".join(text[: 2 * _MAX_CHARS].split())[:_MAX_CHARS] if text else ""
    if len(sample) < MIN_CHARS:
        return ""
    code, confidence = _get_identifier().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else ""


__all__ = ["detect_language"]
