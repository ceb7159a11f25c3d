"""The encoders that reuse a static layer's encoded rows give exactly the pictures drawn.

PNG: the pixels, through one valid zlib stream. JPEG: byte for byte the JPEG
of the whole picture with the same settings.
"""

from __future__ import annotations

import random
import struct
import zlib
from io import BytesIO

import cairocffi
import numpy as np
import pytest
from helpers import pixels
from PIL import Image

from svgog import jpegwriter, pngwriter


def _idat(png: bytes) -> bytes:
    position, stream = 8, b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body)
        if kind == b"IDAT":
            stream += body
        position += 12 + length
    return stream


def _surface(width: int, height: int, opaque: bool, seed: int) -> cairocffi.ImageSurface:
    """A gradient card with a few shapes: rows that repeat, as a static layer's do."""
    surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, width, height)
    context = cairocffi.Context(surface)
    gradient = cairocffi.LinearGradient(0, 0, width, height)
    gradient.add_color_stop_rgba(0, 0.05, 0.09, 0.16, 1.0 if opaque else 0.4)
    gradient.add_color_stop_rgba(1, 0.12, 0.23, 0.54, 1.0 if opaque else 0.9)
    context.set_source(gradient)
    context.paint()
    rng = random.Random(seed)
    for _ in range(6):
        context.set_source_rgba(rng.random(), rng.random(), rng.random(), rng.random())
        context.arc(rng.uniform(0, width), rng.uniform(0, height), rng.uniform(4, 60), 0, 7)
        context.fill()
    surface.flush()
    return surface


def _drawn_over(
    static_pixels: bytes, width: int, height: int, stride: int, rng: random.Random, tallest: int
) -> tuple[bytes, list[tuple[int, int]]]:
    """Up to three bands drawn over a copy of the static pixels, and the rows each may touch."""
    picture = cairocffi.ImageSurface.create_for_data(bytearray(static_pixels), cairocffi.FORMAT_ARGB32, width, height, stride)
    context = cairocffi.Context(picture)
    changed = []
    for _ in range(rng.randint(0, 3)):
        top = rng.randint(-10, height)
        bottom = top + rng.randint(1, tallest)
        context.set_source_rgba(rng.random(), 1, 1, 0.8)
        context.rectangle(rng.uniform(0, width / 2), top, rng.uniform(1, width), bottom - top)
        context.fill()
        changed.append((top, bottom))
    picture.flush()
    return bytes(picture.get_data()), changed


@pytest.mark.parametrize("opaque", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_spliced_png_has_the_pixels_drawn(opaque: bool, seed: int) -> None:
    width, height = 301, 157  # not a multiple of the band height, odd stride padding
    base = _surface(width, height, opaque, seed)
    stride = base.get_stride()
    static_pixels = bytes(base.get_data())
    rows = pngwriter.StaticRows(static_pixels, width, height, stride, opaque)
    rng = random.Random(100 + seed)
    for _ in range(4):
        data, changed = _drawn_over(static_pixels, width, height, stride, rng, 60)
        png = pngwriter.encode_rows(data, width, height, stride, rows, changed)
        whole = pngwriter.encode_png(data, width, height, stride)
        assert np.array_equal(pixels(png), pixels(whole))
        # The joined stream is one valid zlib stream: its Adler-32 is checked as it is read.
        raw = zlib.decompress(_idat(png))
        assert raw == zlib.decompress(_idat(whole))


def test_unchanged_bands_are_not_compressed_again() -> None:
    """Bands no drawing touched come from the static layer's pieces, compressed once."""
    width, height = 200, 160
    base = _surface(width, height, True, 7)
    stride = base.get_stride()
    static_pixels = bytes(base.get_data())
    rows = pngwriter.StaticRows(static_pixels, width, height, stride, True)
    first = pngwriter.encode_rows(static_pixels, width, height, stride, rows, [])
    assert np.array_equal(pixels(first), pixels(pngwriter.encode_png(static_pixels, width, height, stride)))
    kept = {**rows._alone, **{-index: form for index, form in rows._chained.items()}}
    assert len(kept) == rows.bands  # the first band alone, each other one chained to the one before
    pngwriter.encode_rows(static_pixels, width, height, stride, rows, [(40, 50)])
    again = {**rows._alone, **{-index: form for index, form in rows._chained.items()}}
    assert all(again[key][0] is piece for key, (piece, _, _) in kept.items())


def test_adler32_of_joined_strings() -> None:
    rng = random.Random(3)
    for _ in range(50):
        first = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))
        second = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))
        joined = pngwriter._adler_join(zlib.adler32(first), zlib.adler32(second), len(second))
        assert joined == zlib.adler32(first + second)


@pytest.mark.parametrize("seed", range(4))
def test_spliced_jpeg_is_the_jpeg_of_the_whole_picture(seed: int) -> None:
    width, height = 333, 190  # a last MCU row of 14 pixel rows, odd width
    base = _surface(width, height, True, seed)
    stride = base.get_stride()
    static_pixels = bytes(base.get_data())
    static = jpegwriter.StaticJpeg(static_pixels, width, height, stride, 90)
    rng = random.Random(200 + seed)
    for _ in range(4):
        data, changed = _drawn_over(static_pixels, width, height, stride, rng, 50)
        spliced = jpegwriter.encode_rows(data, static, changed)
        assert spliced == jpegwriter.encode(data, width, 0, height, stride, 90)
        assert Image.open(BytesIO(spliced)).size == (width, height)
