"""JPEG encoding of cairo pixels, encoding only the rows a render changed.

A baseline JPEG with a restart marker after every row of MCUs (16 pixel rows
with 4:2:0 chroma) codes each such row on its own: the DC predictions start
again at each marker. :class:`StaticJpeg` keeps the static layer's rows
encoded (once); :func:`encode_rows` encodes only the MCU rows a render drew on,
with the same tables (Pillow's, at the same quality, standard Huffman
tables), and joins the rows with their markers renumbered. The result is
byte for byte the JPEG of the whole picture with the same settings.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from io import BytesIO
from typing import Any

__all__ = ["MCU_ROWS", "StaticJpeg", "encode", "encode_rows"]

#: Pixel rows per MCU row (4:2:0 chroma subsampling).
MCU_ROWS = 16
_RESTART = re.compile(rb"\xff[\xd0-\xd7]")


def encode(data: Any, width: int, top: int, bottom: int, stride: int, quality: int) -> bytes:
    """A baseline JPEG of rows [top, bottom) of opaque cairo pixels, a restart marker after each MCU row."""
    from PIL import Image

    rows: Any = memoryview(data)[top * stride : bottom * stride]  # no copy: Pillow reads any buffer
    image = Image.frombuffer("RGB", (width, bottom - top), rows, "raw", "BGRX", stride, 1)
    output = BytesIO()
    image.save(output, "JPEG", quality=quality, subsampling="4:2:0", restart_marker_rows=1)
    return output.getvalue()


def _split(jpeg: bytes) -> tuple[bytes, list[bytes]]:
    """(everything up to the scan's data, the entropy-coded data of each MCU row)."""
    position = 2  # after SOI
    while position + 4 <= len(jpeg):
        if jpeg[position] != 0xFF:
            raise ValueError("not a marker where one was expected")
        marker = jpeg[position + 1]
        length = int.from_bytes(jpeg[position + 2 : position + 4], "big")
        position += 2 + length
        if marker == 0xDA:  # start of scan: the entropy-coded data follows its header
            if not jpeg.endswith(b"\xff\xd9"):
                raise ValueError("the scan does not end the file")
            return jpeg[:position], _RESTART.split(jpeg[position:-2])
    raise ValueError("no scan")


class StaticJpeg:
    """A static layer's MCU rows, encoded once at one quality."""

    def __init__(self, data: bytes, width: int, height: int, stride: int, quality: int) -> None:
        self.width, self.height, self.stride, self.quality = width, height, stride, quality
        self.header, self.rows = _split(encode(data, width, 0, height, stride, quality))
        if len(self.rows) != -(-height // MCU_ROWS):
            raise ValueError("unexpected restart intervals")
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        return len(self.header) + sum(len(row) for row in self.rows)


def encode_rows(data: Any, static: StaticJpeg, changed: Iterable[tuple[int, int]]) -> bytes:
    """The JPEG of pixels drawn over ``static``'s, encoding only the MCU rows that hold a ``changed`` row."""
    height, count = static.height, len(static.rows)
    dirty: set[int] = set()
    for top, bottom in changed:
        top, bottom = max(0, top), min(height, bottom)
        if bottom > top:
            dirty.update(range(top // MCU_ROWS, (bottom - 1) // MCU_ROWS + 1))
    rows = list(static.rows)
    index = 0
    while index < count:
        if index not in dirty:
            index += 1
            continue
        last = index
        while last + 1 in dirty:
            last += 1
        # A run of changed MCU rows is encoded as a picture of its own: its rows are the same.
        fresh = _split(encode(data, static.width, index * MCU_ROWS, min(height, (last + 1) * MCU_ROWS), static.stride, static.quality))[1]
        rows[index : last + 1] = fresh
        index = last + 1
    parts = [static.header]
    for number, row in enumerate(rows):
        parts.append(row)
        if number < count - 1:
            parts.append(bytes((0xFF, 0xD0 + number % 8)))
    parts.append(b"\xff\xd9")
    return b"".join(parts)
