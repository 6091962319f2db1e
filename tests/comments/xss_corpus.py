"""The XSS payload corpus (tests/fixtures/xss/payloads.txt) and the checks every rendering must pass."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "xss" / "payloads.txt"


@dataclass(frozen=True)
class Payload:
    number: int
    category: str
    text: str


def load() -> list[Payload]:
    payloads: list[Payload] = []
    category = ""
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            category = line[3:].strip()
        elif line.startswith("#") or not line.strip():
            continue
        else:
            payloads.append(Payload(len(payloads) + 1, category, line))
    return payloads


# Run in the page: everything a payload that got through would leave behind in the DOM.
DOM_AUDIT_JS = (Path(__file__).resolve().parent / "dom_audit.js").read_text(encoding="utf-8")
