"""Turning a run of text in one face into positioned glyphs, with HarfBuzz.

Every run, Latin or Arabic, is shaped by HarfBuzz with its default features,
as browsers shape text: kerning, standard and contextual ligatures and
alternates (``liga``, ``calt``), glyph composition (``ccmp``), mark
positioning, and the joining and reordering of complex scripts. The script
and language come from the text; the direction is the run's bidi direction.

The result, :class:`GlyphRun`, holds glyph ids and positions in font units
from the run's origin, in visual (left to right) order.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import regex
import uharfbuzz as hb
from cachetools import LRUCache

from ..fonts import FontFace

__all__ = ["GlyphRun", "is_cursive", "is_ignorable", "shape"]

# Scripts whose letters join: CSS (and browsers) give them no letter spacing,
# which would tear the joins apart. Hebrew, Devanagari or Thai are spaced.
_CURSIVE = regex.compile(
    r"[\p{Arabic}\p{Syriac}\p{Nko}\p{Mandaic}\p{Mongolian}\p{Adlam}\p{Hanifi_Rohingya}\p{Sogdian}"
    r"\p{Psalter_Pahlavi}\p{Manichaean}\p{Phags_Pa}]"
)
# Format characters that steer shaping or breaking but are never drawn.
_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")


@dataclass(frozen=True)
class GlyphRun:
    """Glyphs of one face with their positions, in font units, in visual order.

    :ivar glyphs: Glyph ids (``.notdef`` is never listed).
    :ivar positions: Each glyph's origin ``(x, y)`` from the run's origin, y up.
    :ivar advance: The run's width, letter spacing included.
    :ivar clusters: How many clusters (HarfBuzz's) the run has: how many
        times letter spacing was added, unless the run is of a cursive script.
    """

    face: FontFace
    glyphs: tuple[int, ...]
    positions: tuple[tuple[float, float], ...]
    advance: float
    clusters: int = 0


def is_ignorable(char: str) -> bool:
    """Whether a character is a default-ignorable format character (ZWJ, VS16…)."""
    return _IGNORABLE.match(char) is not None


def is_cursive(cluster: str) -> bool:
    """Whether a cluster belongs to a cursive script (its letters join), which takes no letter spacing.

    >>> is_cursive("a"), is_cursive("\\u0639"), is_cursive("\\u05d0"), is_cursive("\\u0915")
    (False, True, False, False)
    """
    return _CURSIVE.match(cluster) is not None


def shape(
    face: FontFace, text: str, *, rtl: bool = False, cursive: bool = False, spacing: float = 0.0
) -> GlyphRun:
    """Shape a run of text in one face with HarfBuzz's default features (remembered: words repeat).

    :param rtl: Whether the run is right-to-left (its bidi level is odd): glyphs
        come out in visual order, and brackets mirrored.
    :param cursive: Whether the run is of a cursive script (Arabic…), which
        takes no letter spacing.
    :param spacing: Letter spacing in font units, added after every cluster
        (HarfBuzz's clusters: a letter with its marks, a ligature) but a lone
        format character.
    """
    key = (face, text, rtl, cursive, spacing)
    with _SHAPED_LOCK:
        found = _SHAPED.get(key)
    if found is not None:
        return found
    run = _shape(face, text, rtl, cursive, spacing)
    with _SHAPED_LOCK:
        try:
            _SHAPED[key] = run
        except ValueError:  # a run larger than the whole cache
            pass
    return run


#: Bytes (roughly) of shaped runs a process keeps: fitting a title shapes its words several times.
SHAPED_CACHE_BYTES = 1024 * 1024
_SHAPED: LRUCache[tuple[FontFace, str, bool, bool, float], GlyphRun] = LRUCache(
    maxsize=SHAPED_CACHE_BYTES, getsizeof=lambda run: 200 + 120 * len(run.glyphs)
)
_SHAPED_LOCK = threading.Lock()


def _shape(face: FontFace, text: str, rtl: bool, cursive: bool, spacing: float) -> GlyphRun:
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()  # script and language from the text
    buffer.direction = "rtl" if rtl else "ltr"
    hb.shape(face.harfbuzz_font(), buffer)
    if cursive:
        spacing = 0.0
    infos = buffer.glyph_infos
    glyphs: list[int] = []
    positions: list[tuple[float, float]] = []
    pen = 0.0
    clusters = 0
    last = len(infos) - 1
    for index, (info, position) in enumerate(zip(infos, buffer.glyph_positions)):
        if info.codepoint:  # never draw .notdef
            glyphs.append(info.codepoint)
            positions.append((pen + position.x_offset, float(position.y_offset)))
        pen += position.x_advance
        # A cluster's glyphs are consecutive: it ends where the next glyph's cluster differs.
        # A format character alone (soft hyphen, zero-width space) draws nothing
        # and takes no letter spacing, as in browsers.
        if (index == last or infos[index + 1].cluster != info.cluster) and not is_ignorable(text[info.cluster]):
            clusters += 1
            pen += spacing
    return GlyphRun(face, tuple(glyphs), tuple(positions), pen, clusters)
