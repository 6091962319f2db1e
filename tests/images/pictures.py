"""Pictures for the image tests, made here: a real JPEG with EXIF, a PNG whose header claims
60,000 × 60,000 pixels (a decompression bomb: a few bytes that would need 10 GB to decode)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def jpeg(width: int = 1200, height: int = 800, *, exif_text: str = "Secret Camera Owner") -> bytes:
    im = Image.new("RGB", (width, height))
    for x in range(0, width, 40):  # stripes, so the picture is not flat
        im.paste((200, 60 + x % 150, 40), (x, 0, min(x + 20, width), height))
    exif = Image.Exif()
    exif[0x013B] = exif_text  # Artist
    exif[0x8298] = exif_text  # Copyright
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85, exif=exif.tobytes())
    return buf.getvalue()


def png_bomb(side: int = 60_000) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    # Rows of zeros compress to almost nothing: the first few rows only (enough to look real).
    idat = zlib.compress(b"\x00" * (1 + 3 * side) * 4, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def png_icon(side: int = 32) -> bytes:
    im = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    im.paste((11, 87, 208, 255), (4, 4, side - 4, side - 4))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()
