"""What a fetch gives: a `FetchResult`, or a `FetchError` (`kind` for code, `message` for people)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from newsdesk.pipeline.charset import decode

__all__ = ["FetchError", "FetchErrorKind", "FetchResult"]

FetchErrorKind = Literal[
    "blocked_address",
    "dns",
    "connect",
    "timeout",
    "too_large",
    "too_many_redirects",
    "http_status",
    "rate_limited",
    "bot_challenge",
    "decompression_bomb",
    "robots_disallowed",
    "invalid_url",
    "tls",
    "protocol",  # the server broke HTTP: malformed headers, a cut-off body, undecodable compression
]


class FetchError(Exception):
    """A fetch that did not give the page; `kind` is for code, `message` for people."""

    def __init__(
        self,
        kind: FetchErrorKind,
        message: str,
        *,
        url: str,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: FetchErrorKind = kind
        self.message = message
        self.url = url
        self.status = status
        self.retry_after_s = retry_after_s

    def __repr__(self) -> str:
        return f"FetchError({self.kind!r}, {self.message!r}, url={self.url!r}, status={self.status!r})"


@dataclass(frozen=True)
class FetchResult:
    """A fetched resource. `body` is decompressed and never longer than the fetcher's cap."""

    url: str  # final URL after redirects
    status: int  # the 2xx status, or 304 when not_modified
    not_modified: bool
    body: bytes
    text_encoding: str | None  # codec name for text types; None for binary or 304
    content_type: str  # media type without parameters, lowercased ("" when the server gave none)
    etag: str | None
    last_modified: str | None
    headers: Mapping[str, str] = field(repr=False)  # lowercased names; repeated headers joined by ", "
    elapsed_s: float = 0.0

    def text(self) -> str:
        """The body as text, decoded with `text_encoding` (UTF-8 if unknown), bad bytes replaced."""
        return decode(self.body, self.text_encoding)
