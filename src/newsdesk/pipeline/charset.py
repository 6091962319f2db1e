"""The text encoding of fetched bytes, and the bytes decoded: one decoder for fetching and extraction.

A fetch knows the Content-Type header; a page read back from the raw store does not, and is decoded
the same way without it.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["decode", "decode_text", "detect_encoding", "media_type"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']\s*([\w.:+-]+)""", re.IGNORECASE)
_META = re.compile(r"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_SNIFF_TEXT = 256 * 1024  # enough text to judge an encoding; a 15 MiB page need not be scanned whole
_UNLIKELY_LETTERS = frozenset("ðÐþÞýÝ")  # Icelandic letters: in other text they are Turkish ğ ş ı misread
_WESTERN_MARKS = frozenset("\u00a0‘’‚“”„–—…•€£¥¢«»‹›°§¶©®™·¿¡×÷±½¼¾†‡‰ªº´¨¸")
# WHATWG: browsers read these labels as windows-1252, and so do pages that declare them.
_AS_CP1252 = frozenset({"latin_1", "iso8859-1", "ascii", "cp1252"})


def detect_encoding(body: bytes, content_type_header: str) -> str | None:
    """The text encoding of a body (a Python codec name), or None when the type is not text.

    Order: byte-order mark (it wins in browsers too), the HTTP charset, `<meta charset>` or the XML
    declaration, JSON's UTF-8, then a UTF-8 check and charset-normalizer's guess.
    """
    kind = media_type(content_type_header)
    if kind and not _is_textual(kind):
        return None
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    match = _CHARSET_PARAM.search(content_type_header)
    declared = _codec(match.group(1)) if match else None
    if declared:
        return declared
    head = body[:4096].decode("ascii", errors="replace")
    for pattern in (_XML_DECL, _META):
        match = pattern.search(head)
        declared = _codec(match.group(1)) if match else None
        if declared:
            # A page readable as ASCII to find its meta tag cannot really be UTF-16 (WHATWG).
            return "utf-8" if declared.startswith("utf-16") or declared.startswith("utf-32") else declared
    if "json" in kind:
        return "utf-8"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    if _looks_like_cp1252(body[:_SNIFF_TEXT]):
        return "cp1252"
    guess = charset_normalizer.from_bytes(body).best()
    return _codec(guess.encoding) if guess is not None else "cp1252"


def _looks_like_cp1252(sample: bytes) -> bool:
    """Whether undeclared legacy bytes read as plausible Western text in windows-1252.

    That is the web's commonest undeclared encoding and browsers' default, yet charset-normalizer
    often names a cousin for it (cp1250, cp1257, cp852) and turns quotes into box drawings. Text in
    another code page betrays itself read as cp1252: Cyrillic or Greek become runs of accented
    letters, Polish and Turkish produce superscripts and Icelandic letters inside words.
    """
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False  # bytes that windows-1252 leaves undefined
    letters = sum(1 for ch in text if ch.isalpha())
    accented = odd = 0
    for ch in text:
        if ch.isascii():
            continue
        if ch in _UNLIKELY_LETTERS or not (ch.isalpha() or ch in _WESTERN_MARKS):
            odd += 1
        elif ch.isalpha():
            accented += 1
    return odd <= max(2, (accented + odd) // 50) and accented <= 0.3 * max(letters, 1)


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    if name in _AS_CP1252:
        return "cp1252"
    return "utf-8" if name == "utf-8-sig" else name


def _is_textual(media_type: str) -> bool:
    return (
        media_type.startswith("text/")
        or media_type.endswith(("+xml", "/xml", "+json", "/json"))
        or media_type in ("application/javascript", "application/x-javascript", "application/ecmascript")
    )


def decode(body: bytes, encoding: str | None) -> str:
    """`body` decoded with `encoding` (UTF-8 if unknown), bad bytes replaced, a UTF-8 BOM dropped."""
    encoding = encoding or "utf-8"
    if encoding == "utf-8":
        encoding = "utf-8-sig"  # drop a byte-order mark rather than show it
    return body.decode(encoding, errors="replace")


def decode_text(body: bytes, content_type_header: str = "") -> str:
    """`body` as text, its encoding found by `detect_encoding` (an empty header: judged from the bytes)."""
    return decode(body, detect_encoding(body, content_type_header))


def media_type(content_type: str) -> str:
    """The media type of a Content-Type header value, without parameters, lowercased."""
    return content_type.split(";", 1)[0].strip().lower()
