"""PNG encoding of cairo pixels, compressing only the rows a render changed.

A card is mostly its static layer: rows that no text touches are the same in
every render, and so are their PNG scanlines. The deflate stream of a PNG can
be cut into pieces at byte-aligned flush points, so :class:`StaticRows` keeps
the static layer's scanlines compressed band by band (once, well), and
:func:`encode_rows` compresses only the bands a render drew on (fast), then
joins the pieces into one zlib stream whose checksum is combined from the
pieces' checksums. A band's compressed form may refer back into the band
before it only when those rows are static too; otherwise the band is taken in
its self-contained form.

Rows are stored unfiltered: a card's gradients repeat row after row, which
deflate finds on its own, and PNG's row filters made cards larger at these
compression levels.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterable
from typing import Any

__all__ = ["BAND_ROWS", "StaticRows", "encode_png", "encode_rows", "is_opaque", "scanlines"]

#: Rows per band. Smaller bands follow text more closely; each band start costs a little.
BAND_ROWS = 16
#: Deflate's window: how far back a band may refer.
_WINDOW = 32768
_ADLER_MODULUS = 65521
#: How hard the static bands are compressed (once per static layer): zlib's level.
STATIC_LEVEL = 9


def scanlines(data: Any, width: int, start: int, end: int, stride: int, opaque: bool) -> bytearray:
    """PNG scanlines (filter byte 0, then RGB or RGBA) of rows [start, end) of cairo's premultiplied BGRA.

    Pillow converts the pixels (and undoes the premultiplied alpha); as fast
    as numpy here, and a render needs no numpy.
    """
    from PIL import Image

    rows = end - start
    mode, raw_mode, channels = ("RGB", "BGRX", 3) if opaque else ("RGBA", "BGRa", 4)
    region: Any = memoryview(data)[start * stride : end * stride]
    pixels = memoryview(Image.frombuffer(mode, (width, rows), region, "raw", raw_mode, stride, 1).tobytes())
    size = width * channels
    lines = bytearray(rows * (size + 1))  # filter bytes stay 0
    target = memoryview(lines)
    for row in range(rows):
        at = row * (size + 1) + 1
        target[at : at + size] = pixels[row * size : (row + 1) * size]
    return lines


def is_opaque(data: Any, width: int, height: int, stride: int) -> bool:
    """Whether every pixel's alpha is 255."""
    from PIL import Image

    image = Image.frombuffer("RGBA", (width, height), data, "raw", "BGRA", stride, 1)
    return bool(image.getchannel("A").getextrema() == (255, 255))


def _fast_compressor(zdict: bytes | bytearray | None) -> Any:
    """A raw-deflate compressor at a fast level (isal with the ``fast`` extra, zlib otherwise)."""
    try:
        from isal import isal_zlib
    except ImportError:
        if zdict:
            return zlib.compressobj(1, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
        return zlib.compressobj(1, zlib.DEFLATED, -15, 9)
    if zdict:
        return isal_zlib.compressobj(1, isal_zlib.DEFLATED, -15, 9, 0, zdict)
    return isal_zlib.compressobj(1, isal_zlib.DEFLATED, -15, 9)


def _adler32(data: bytes | bytearray) -> int:
    """Adler-32 (isal's is several times faster than zlib's)."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib.adler32(data)
    return int(isal_zlib.adler32(data))


def _piece(compressor: Any, raw: bytes | bytearray) -> bytes:
    """Compress ``raw`` and end at a byte boundary with a non-final block, so pieces can be joined."""
    return compressor.compress(raw) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _adler_join(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two byte strings joined, from theirs.

    With A = 1 + the sum of the bytes and B = the sum of the running A over
    each byte: joining adds the A sums (less the repeated 1), and each byte of
    the second part sees the first part's A - 1 more, ``second_length`` times.
    """
    a1, b1 = first & 0xFFFF, first >> 16
    a2, b2 = second & 0xFFFF, second >> 16
    a = (a1 + a2 - 1) % _ADLER_MODULUS
    b = (b1 + b2 + second_length * (a1 - 1)) % _ADLER_MODULUS
    return (b << 16) | a


class StaticRows:
    """A static layer's scanlines, compressed band by band on first use and kept.

    Each band has a self-contained form, and (past the first band) a form that
    may refer back into the rows before it (up to deflate's 32 KB window),
    valid when those rows are static in the picture too.
    """

    def __init__(self, data: bytes, width: int, height: int, stride: int, opaque: bool) -> None:
        self.data, self.width, self.height, self.stride, self.opaque = data, width, height, stride, opaque
        self.row_bytes = width * (3 if opaque else 4) + 1
        self._alone: dict[int, tuple[bytes, int, int]] = {}
        self._chained: dict[int, tuple[bytes, int, int]] = {}
        self._lock = threading.Lock()

    @property
    def bands(self) -> int:
        return -(-self.height // BAND_ROWS)

    def _raw(self, start: int, end: int) -> bytearray:
        return scanlines(self.data, self.width, max(0, start), min(self.height, end), self.stride, self.opaque)

    def band(self, index: int, chained: bool) -> tuple[bytes, int, int]:
        """(compressed piece, Adler-32, raw length) of band ``index``, made on first use of that form."""
        chained = chained and index > 0
        forms = self._chained if chained else self._alone
        found = forms.get(index)
        if found is None:
            start = index * BAND_ROWS
            raw = self._raw(start, start + BAND_ROWS)
            before = self._raw(start - -(-_WINDOW // self.row_bytes), start)[-_WINDOW:] if chained else b""
            compressor = zlib.compressobj(
                STATIC_LEVEL, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, *((before,) if before else ())
            )
            found = (_piece(compressor, raw), zlib.adler32(raw), len(raw))
            with self._lock:
                forms[index] = found
        return found

    @property
    def nbytes(self) -> int:
        """Bytes kept: the pixels and the compressed bands."""
        return (
            len(self.data)
            + sum(len(p) for p, _a, _n in self._alone.values())
            + sum(len(p) for p, _a, _n in self._chained.values())
        )


def encode_rows(
    data: Any, width: int, height: int, stride: int, static: StaticRows, changed: Iterable[tuple[int, int]]
) -> bytes:
    """A PNG of pixels drawn over ``static``'s, compressing only the bands that hold a ``changed`` row.

    :param changed: Row ranges (first, last + 1) the drawing may have touched.
    """
    dirty: set[int] = set()
    for top, bottom in changed:
        top, bottom = max(0, top), min(height, bottom)
        dirty.update(range(top // BAND_ROWS, (bottom - 1) // BAND_ROWS + 1) if bottom > top else ())
    pieces = []
    adler, before = 1, max(1, -(-_WINDOW // static.row_bytes))
    reach = -(-before // BAND_ROWS)  # how many bands back a piece may refer to
    index = 0
    while index < static.bands:
        if index not in dirty:
            chained = all(index - back not in dirty for back in range(1, reach + 1))
            piece, piece_adler, length = static.band(index, chained=chained)
            index += 1
        else:
            # A run of changed bands is one piece, referring back into the rows before it.
            last = index
            while last + 1 in dirty:
                last += 1
            start, end = index * BAND_ROWS, min(height, (last + 1) * BAND_ROWS)
            first = max(0, start - before)
            raw = scanlines(data, width, first, end, stride, static.opaque)
            cut = (start - first) * static.row_bytes
            zdict = raw[max(0, cut - _WINDOW) : cut] if cut else None
            raw = raw[cut:]
            piece, piece_adler, length = _piece(_fast_compressor(zdict), raw), _adler32(raw), len(raw)
            index = last + 1
        pieces.append(piece)
        adler = _adler_join(adler, piece_adler, length)
    # A zlib header (deflate, 32 KB window, no dictionary), the pieces, an empty final block.
    stream = b"\x78\x01" + b"".join(pieces) + b"\x03\x00" + struct.pack(">I", adler)
    return _png(width, height, static.opaque, stream)


def encode_png(data: Any, width: int, height: int, stride: int) -> bytes:
    """A PNG of a whole picture: RGB when opaque, fast deflate."""
    opaque = is_opaque(data, width, height, stride)
    raw = scanlines(data, width, 0, height, stride, opaque)
    try:
        from isal import isal_zlib
    except ImportError:
        stream = zlib.compress(raw, 3)
    else:
        stream = isal_zlib.compress(raw, 1)
    return _png(width, height, opaque, stream)


def _png(width: int, height: int, opaque: bool, stream: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"IDAT", stream), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
