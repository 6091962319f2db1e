"""Untrusted image bytes → small, metadata-free thumbnails (Pillow), or a refusal in plain words.

Every image is hostile: the content type must say image/*, the bytes must be one of a few raster
formats (no SVG: it is a document that can carry script), the declared size is checked *before*
any pixel is decoded (a 60,000 × 60,000 PNG of a few kilobytes is a decompression bomb), and
whatever Pillow raises while decoding a broken file becomes `ImageRefused`. The output is a fresh
image re-encoded from pixels only (no EXIF, ICC, XMP or comments survive), named by the hash of its
own bytes so that the site can serve it as immutable.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = [
    "ICON_VARIANTS",
    "LEAD_VARIANTS",
    "MAX_IMAGE_BYTES",
    "MAX_PIXELS",
    "ImageRefused",
    "Thumbnail",
    "make_thumbnails",
]

MAX_IMAGE_BYTES = 8 * 2**20  # a lead image larger than this is not worth fetching
MAX_PIXELS = 25_000_000  # declared width × height above this is refused before decoding (~100 MB RGBA)
MIN_SIDE = 16  # tracking pixels and spacers are not lead images
# Formats Pillow may open here; everything else (SVG, PSD, EPS, TIFF…) is refused.
ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "ICO")
# (variant, longest box) per use: a lead picture and a list thumbnail; a publisher's icon.
LEAD_VARIANTS = (("l", (720, 405)), ("s", (240, 160)))
ICON_VARIANTS = (("i", (64, 64)),)
WEBP_QUALITY = 78


class ImageRefused(Exception):
    """The bytes are not an image we will show; the message says why in plain words."""


@dataclass(frozen=True)
class Thumbnail:
    variant: str
    data: bytes
    width: int
    height: int
    digest: str  # sha256 of `data`, hex: the file's name
    extension: str = "webp"


def make_thumbnails(
    data: bytes,
    content_type: str,
    *,
    variants: tuple[tuple[str, tuple[int, int]], ...] = LEAD_VARIANTS,
    crop: bool = False,
) -> list[Thumbnail]:
    """One re-encoded WebP per variant, fitted inside its box (cropped to it with `crop`).

    Raises `ImageRefused` for anything that is not a small enough raster image.
    """
    kind = (content_type or "").split(";")[0].strip().lower()
    if not kind.startswith("image/"):
        raise ImageRefused(f"not an image (served as {kind or 'no content type'})")
    if kind in ("image/svg+xml", "image/svg"):
        raise ImageRefused("SVG images are not shown (they are documents, not pictures)")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused(f"image too large ({len(data)} bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            width, height = im.size  # read from the header; no pixel decoded yet
            if width * height > MAX_PIXELS:
                raise ImageRefused(f"image too large to decode ({width} × {height} pixels)")
            if min(width, height) < MIN_SIDE:
                raise ImageRefused(f"image too small to show ({width} × {height} pixels)")
            if getattr(im, "n_frames", 1) > 1:
                im.seek(0)  # an animation shows its first frame
            largest = max(box for _, box in variants)
            if im.format == "JPEG":  # decode at a reduced scale: faster, and less memory
                im.draft("RGB", (largest[0] * 2, largest[1] * 2))
            im.load()
            im = ImageOps.exif_transpose(im) or im
            rgb = _flatten(im)
    except ImageRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(_why(exc)) from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError, IndexError, TypeError) as exc:
        raise ImageRefused(f"the image could not be decoded ({type(exc).__name__})") from None
    out = []
    for name, box in variants:
        fitted = ImageOps.fit(rgb, box, Image.Resampling.LANCZOS) if crop else _contain(rgb, box)
        buf = io.BytesIO()
        fitted.save(buf, "WEBP", quality=WEBP_QUALITY, method=4)  # a fresh file: no metadata copied
        blob = buf.getvalue()
        out.append(Thumbnail(name, blob, fitted.width, fitted.height, hashlib.sha256(blob).hexdigest()))
    return out


def _contain(im: Image.Image, box: tuple[int, int]) -> Image.Image:
    copy = im.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)  # never enlarges
    return copy


def _flatten(im: Image.Image) -> Image.Image:
    """RGB pixels only; transparency over white (icons and logos keep their shapes)."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        back = Image.new("RGB", rgba.size, (255, 255, 255))
        back.paste(rgba, mask=rgba.getchannel("A"))
        return back
    return im.convert("RGB")


def _why(exc: Exception) -> str:
    if isinstance(exc, UnidentifiedImageError):
        return "not a picture in a format shown here (JPEG, PNG, GIF, WebP, BMP, ICO)"
    return "image too large to decode (a decompression bomb)"
