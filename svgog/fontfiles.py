"""Font file formats: recognizing them, their limits, and turning WOFF into plain OpenType.

svgog reads four containers, recognized by their first bytes rather than by
the file name: plain OpenType/TrueType (``.ttf``, ``.otf``), collections
(``.ttc``, ``.otc``), WOFF and WOFF2 (``.woff``, ``.woff2``: what web and
design-tool exports carry). HarfBuzz reads only the first two, so WOFF and
WOFF2 are decompressed once with fontTools (:func:`to_sfnt`) and handed to
HarfBuzz as bytes; plain files are memory-mapped (:mod:`svgog.fontsource`).

A font's table directories are checked before HarfBuzz sees it
(:func:`table_directories`): HarfBuzz reads a damaged or cut-short font
without complaint, as an empty font, so a font whose tables lie beyond its
end is refused here, with a message, rather than drawn as nothing.

Compressed fonts are checked before they are decompressed: their directories
declare how large every table is, and a stream that would expand beyond that,
or beyond :data:`MAX_SFNT_BYTES`, is refused without expanding it
(a decompression bomb). Fonts given as bytes (``@font-face`` in a template)
are limited to :data:`MAX_FONT_DATA_BYTES`.

Every failure is a :class:`~svgog.errors.FontError` naming the file (or the
``source`` label of fonts from memory).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from io import BytesIO
from typing import Literal

from fontTools.ttLib import TTFont

from .errors import FontError

__all__ = [
    "MAX_FACES",
    "MAX_FONT_DATA_BYTES",
    "MAX_SFNT_BYTES",
    "face_count",
    "font_format",
    "open_font",
    "table_directories",
    "to_sfnt",
]

#: The largest font a template may embed (the encoded WOFF/WOFF2/OpenType bytes).
MAX_FONT_DATA_BYTES = 10 * 1024 * 1024
#: The most a WOFF or WOFF2 font may expand to: larger than any real font
#: (a full CJK font is about 20 MB), far smaller than a decompression bomb.
MAX_SFNT_BYTES = 64 * 1024 * 1024
#: The most faces svgog reads from one collection.
MAX_FACES = 256

FontFormat = Literal["sfnt", "collection", "woff", "woff2"]

_SIGNATURES: dict[bytes, FontFormat] = {
    b"\x00\x01\x00\x00": "sfnt",
    b"OTTO": "sfnt",
    b"true": "sfnt",
    b"ttcf": "collection",
    b"wOFF": "woff",
    b"wOF2": "woff2",
}


def font_format(data: bytes, source: str) -> FontFormat:
    """The container a font's bytes are in, from their signature.

    >>> font_format(b"wOF2" + bytes(60), "x.woff2")
    'woff2'
    >>> font_format(b"<svg", "x.ttf")
    Traceback (most recent call last):
    svgog.errors.FontError: x.ttf: not a font (it starts with b'<svg')
    """
    kind = _SIGNATURES.get(bytes(data[:4]))
    if kind is None:
        raise FontError(f"not a font (it starts with {bytes(data[:4])!r})", path=source)
    return kind


def face_count(data: bytes, source: str) -> int:
    """How many faces the font holds: one, or a collection's count."""
    if font_format(data, source) != "collection":
        return 1
    if len(data) < 12:
        raise FontError("cannot read font: the collection header is cut short", path=source)
    (count,) = struct.unpack(">I", data[8:12])
    if not 1 <= count <= MAX_FACES:
        raise FontError(f"the collection declares {count} faces (at most {MAX_FACES} are read)", path=source)
    return count


#: What :func:`table_directories` reads: ``read(offset, length)`` returns up to ``length`` bytes there.
Reader = Callable[[int, int], bytes]
_TABLE_RECORD = struct.Struct(">4sIII")


def table_directories(read: Reader, size: int, source: str) -> list[dict[str, tuple[int, int]]]:
    """Every face's tables, ``{tag: (offset, length)}``, checked to lie inside the font.

    Reads only the headers (a few hundred bytes), never the tables.

    :param read: Reads bytes of the plain OpenType font or collection.
    :param size: The font's length in bytes.
    :raises FontError: The directory or a table is cut short, or a collection
        holds more than :data:`MAX_FACES` faces.

    >>> header = b"OTTO" + struct.pack(">HHHH", 1, 16, 0, 0) + b"name" + struct.pack(">III", 0, 28, 4)
    >>> table_directories(lambda offset, length: (header + b"abcd")[offset : offset + length], 32, "x.otf")
    [{'name': (28, 4)}]
    >>> table_directories(lambda offset, length: header[offset : offset + length], 28, "x.otf")
    Traceback (most recent call last):
    svgog.errors.FontError: x.otf: cannot read font: its 'name' table is cut short (the file is 28 bytes)
    """
    header = read(0, 12)
    kind = font_format(header, source)
    if kind == "collection":
        count = face_count(header, source)
        offsets = read(12, 4 * count)
        if len(offsets) < 4 * count:
            raise FontError("cannot read font: the collection header is cut short", path=source)
        starts = list(struct.unpack(f">{count}I", offsets))
    elif kind == "sfnt":
        starts = [0]
    else:
        raise FontError(f"cannot read font: a {kind.upper()} font must be decompressed first", path=source)
    faces = []
    for start in starts:
        head = read(start, 12)
        if len(head) < 12:
            raise FontError("cannot read font: its table directory is cut short", path=source)
        (count,) = struct.unpack(">H", head[4:6])
        records = read(start + 12, 16 * count)
        if len(records) < 16 * count:
            raise FontError("cannot read font: its table directory is cut short", path=source)
        tables = {}
        for index in range(count):
            raw_tag, _checksum, offset, length = _TABLE_RECORD.unpack_from(records, 16 * index)
            tag = raw_tag.decode("latin-1")
            if offset + length > size:
                raise FontError(
                    f"cannot read font: its {tag.strip()!r} table is cut short (the file is {size} bytes)", path=source
                )
            tables[tag] = (offset, length)
        faces.append(tables)
    return faces


def open_font(data: bytes, index: int, source: str, *, lazy: bool | None = True) -> TTFont:
    """Parse one face with fontTools; tables decompile on first use.

    WOFF and WOFF2 data are checked against :data:`MAX_SFNT_BYTES` first.

    :param lazy: fontTools' ``lazy``: ``True`` (the default here) also defers
        glyphs; ``None`` suits code that rewrites the font, such as the instancer.
    """
    kind = font_format(data, source)
    if kind in ("woff", "woff2"):
        _check_expansion(data, kind, source)
    try:
        return TTFont(BytesIO(data), fontNumber=index, lazy=lazy)
    except FontError:
        raise
    except Exception as exc:  # a malformed font can make fontTools raise almost anything
        raise FontError(f"cannot read font: {_describe(exc)}", path=source) from exc


def to_sfnt(data: bytes, source: str) -> bytes:
    """The font as plain OpenType bytes (what HarfBuzz reads): WOFF and WOFF2 are decompressed.

    Plain OpenType and collections are returned as they are.
    """
    kind = font_format(data, source)
    if kind not in ("woff", "woff2"):
        return data
    font = open_font(data, 0, source)
    try:
        font.flavor = None
        buffer = BytesIO()
        # Tables go out as the reader gives them (WOFF2's transformed glyf and
        # loca rebuilt): a decompression, not a recompilation of the font.
        font.save(buffer, reorderTables=False)
    except FontError:
        raise
    except Exception as exc:  # see open_font
        raise FontError(f"cannot read font: {_describe(exc)}", path=source) from exc
    return buffer.getvalue()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ImportError):
        return f"a module needed to read it is missing ({exc})"
    return str(exc) or type(exc).__name__


def _check_expansion(data: bytes, kind: FontFormat, source: str) -> None:
    """Refuse a compressed font whose tables would expand past what it declares or past the limit."""
    try:
        if kind == "woff2":
            _check_woff2(data, source)
        else:
            _check_woff(data, source)
    except FontError:
        raise
    except Exception as exc:  # truncated directories, bad streams
        raise FontError(f"cannot read font: {_describe(exc)}", path=source) from exc


# The WOFF2 and WOFF headers (W3C WOFF2 §3, WOFF 1.0 §3), up to the metadata block's fields.
_WOFF2_HEADER = struct.Struct(">4s4sIHHIIHHIII")
_WOFF_HEADER = struct.Struct(">4s4sIHHIHHIII")
_WOFF_ENTRY = struct.Struct(">4sIII4x")


def _check_woff2(data: bytes, source: str) -> None:
    import brotli
    from fontTools.ttLib.woff2 import WOFF2DirectoryEntry

    fields = _WOFF2_HEADER.unpack_from(data)
    flavor, tables, compressed_size, meta_offset, meta_length, meta_size = (fields[i] for i in (1, 3, 6, 9, 10, 11))
    if flavor == b"ttcf":
        raise FontError("WOFF2 font collections are not supported", path=source)
    rest = data[48:]  # the table directory follows the 48-byte header
    declared = 0
    for _ in range(tables):
        entry = WOFF2DirectoryEntry()
        rest = entry.fromString(rest)
        declared += entry.length
    if declared > MAX_SFNT_BYTES:
        raise FontError(f"the font would expand to {declared} bytes (at most {MAX_SFNT_BYTES})", path=source)
    start = len(data) - len(rest)
    blocks = [(data[start : start + compressed_size], declared)]
    if meta_length:
        blocks.append((data[meta_offset : meta_offset + meta_length], meta_size))
    for block, size in blocks:
        decompressor = brotli.Decompressor()
        expanded = decompressor.process(block, output_buffer_limit=size + 1)
        if len(expanded) > size or not decompressor.is_finished():
            raise FontError("cannot read font: its compressed data is larger than it declares", path=source)


def _check_woff(data: bytes, source: str) -> None:
    fields = _WOFF_HEADER.unpack_from(data)
    tables, meta_offset, meta_length, meta_size = fields[3], fields[8], fields[9], fields[10]
    blocks = [_WOFF_ENTRY.unpack_from(data, 44 + 20 * i)[1:] for i in range(tables)]
    if meta_length:
        blocks.append((meta_offset, meta_length, meta_size))
    declared = sum(size for _offset, _length, size in blocks)
    if declared > MAX_SFNT_BYTES:
        raise FontError(f"the font would expand to {declared} bytes (at most {MAX_SFNT_BYTES})", path=source)
    for offset, length, size in blocks:
        if length < size:
            expanded = zlib.decompressobj().decompress(data[offset : offset + length], size + 1)
            if len(expanded) > size:
                raise FontError("cannot read font: a compressed table is larger than it declares", path=source)
