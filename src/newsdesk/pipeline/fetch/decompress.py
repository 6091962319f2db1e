"""Content-Encoding undone with a bounded output.

The body is read raw and decompressed here, because httpx inflates a whole network chunk at once
(64 KiB of brotli can inflate to gigabytes); every stage stops at the caller's limit.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Protocol

import brotli

__all__ = ["DECOMPRESSION_ERRORS", "ContentDecoder"]

# What a stage raises on data it cannot decode.
DECOMPRESSION_ERRORS: tuple[type[Exception], ...] = (zlib.error, brotli.error)


class _Stage(Protocol):
    def decode(self, data: bytes, limit: int) -> bytes: ...
    def flush(self, limit: int) -> bytes: ...


class _ZlibStage:
    """gzip or deflate; `deflate` may be zlib-wrapped (as the RFC says) or raw (as many servers send)."""

    def __init__(self, encoding: str) -> None:
        self._raw_fallback = encoding == "deflate"
        self._started = False
        self._d = zlib.decompressobj(
            zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        )

    def decode(self, data: bytes, limit: int) -> bytes:
        # limit >= 1 always (0 would mean "no limit" to zlib); reaching it means the cap is passed.
        try:
            out = self._d.decompress(data, limit)
        except zlib.error:
            if not self._raw_fallback or self._started:
                raise
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._d.decompress(data, limit)
        self._started = True
        return out

    def flush(self, limit: int) -> bytes:
        return (
            self._d.decompress(self._d.unconsumed_tail, limit) if self._d.unconsumed_tail else self._d.flush()
        )


class _BrotliStage:
    def __init__(self) -> None:
        self._d = brotli.Decompressor()

    def decode(self, data: bytes, limit: int) -> bytes:
        out = self._d.process(data, output_buffer_limit=limit)
        while len(out) < limit and not self._d.can_accept_more_data():
            more = self._d.process(b"", output_buffer_limit=limit - len(out))
            if not more:
                break
            out += more
        return out

    def flush(self, limit: int) -> bytes:
        return self.decode(b"", limit)


class ContentDecoder:
    """Undoes a Content-Encoding list (applied left to right, so undone right to left) with bounded output."""

    def __init__(self, encodings: Iterable[str]) -> None:
        self._stages: list[_Stage] = []
        for encoding in reversed(list(encodings)):
            if encoding in ("gzip", "x-gzip", "deflate"):
                self._stages.append(_ZlibStage(encoding))
            elif encoding == "br":
                self._stages.append(_BrotliStage())
            else:
                raise ValueError(f"the server used a compression we cannot read ({encoding[:40]})")

    def decode(self, data: bytes, limit: int) -> bytes:
        for stage in self._stages:
            data = stage.decode(data, limit)
        return data

    def flush(self, limit: int) -> bytes:
        data = b""
        for stage in self._stages:
            data = stage.decode(data, limit) + stage.flush(limit)
        return data
