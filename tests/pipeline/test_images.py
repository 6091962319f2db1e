"""Hostile image bytes become small WebP thumbnails, or are refused in plain words (no crash, no bomb)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from newsdesk.pipeline.images import ICON_VARIANTS, ImageRefused, make_thumbnails
from tests.images.pictures import jpeg, png_bomb, png_icon


def test_a_jpeg_becomes_small_webp_thumbnails_without_its_metadata() -> None:
    source = jpeg(1200, 800)
    assert b"Secret Camera Owner" in source
    thumbs = {t.variant: t for t in make_thumbnails(source, "image/jpeg")}
    assert set(thumbs) == {"l", "s"}
    lead, small = thumbs["l"], thumbs["s"]
    assert lead.height == 405 and abs(lead.width - 608) <= 1  # fitted in 720 × 405, aspect kept
    assert small.width <= 240 and small.height <= 160
    for t in thumbs.values():
        im = Image.open(io.BytesIO(t.data))
        assert im.format == "WEBP" and im.size == (t.width, t.height)
        assert b"Secret Camera Owner" not in t.data and not im.getexif()
        assert len(t.data) < 60_000
    assert lead.digest != small.digest and len(lead.digest) == 64


def test_an_icon_is_cropped_square() -> None:
    (icon,) = make_thumbnails(png_icon(48), "image/png", variants=ICON_VARIANTS, crop=True)
    assert (icon.width, icon.height) == (64, 64)


@pytest.mark.parametrize(
    ("data", "content_type", "why"),
    [
        (png_bomb(), "image/png", "too large to decode"),
        # Under Pillow's own bomb limit (89 M pixels), over ours: refused from the header, undecoded.
        (png_bomb(6_000), "image/png", "too large to decode \\(6000 × 6000 pixels\\)"),
        (b"<html><body>not a picture</body></html>", "text/html", "not an image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/svg+xml", "SVG"),
        (b"GIF89a but then garbage" * 10, "image/gif", "not a picture|could not be decoded"),
        (jpeg()[:300], "image/jpeg", "not a picture|could not be decoded"),  # cut off in its header
        (jpeg()[:5000], "image/jpeg", "could not be decoded"),  # cut off in its pixels
        (b"\x00" * 5000, "image/jpeg", "not a picture"),
        (png_icon(4), "image/png", "too small"),  # a tracking pixel
    ],
)
def test_hostile_or_useless_images_are_refused_in_plain_words(
    data: bytes, content_type: str, why: str
) -> None:
    with pytest.raises(ImageRefused, match=why):
        make_thumbnails(data, content_type)
