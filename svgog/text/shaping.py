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

import unicodedata
from dataclasses import dataclass

import regex
import uharfbuzz as hb

from ..fonts import FontFace

__all__ = ["GlyphRun", "is_ignorable", "needs_shaping", "shape"]

_COMPLEX = regex.compile(
    r"[\p{Arabic}\p{Hebrew}\p{Syriac}\p{Thaana}\p{Nko}\p{Samaritan}\p{Mandaic}\p{Devanagari}\p{Bengali}"
    r"\p{Gurmukhi}\p{Gujarati}\p{Oriya}\p{Tamil}\p{Telugu}\p{Kannada}\p{Malayalam}\p{Sinhala}\p{Thai}\p{Lao}"
    r"\p{Tibetan}\p{Myanmar}\p{Khmer}\p{Mongolian}\p{Balinese}\p{Javanese}]"
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


def needs_shaping(cluster: str) -> bool:
    """Whether a cluster belongs to a right-to-left or cursive (complex) script.

    Such runs take no letter spacing, which would break their joins.

    >>> needs_shaping("a"), needs_shaping("\\u0639"), needs_shaping("\\u0915")
    (False, True, True)
    """
    return _COMPLEX.match(cluster) is not None or unicodedata.bidirectional(cluster[0]) in ("R", "AL")


def shape(
    face: FontFace, text: str, *, rtl: bool = False, complex_script: bool = False, spacing: float = 0.0
) -> GlyphRun:
    """Shape a run of text in one face with HarfBuzz's default features.

    :param rtl: Whether the run is right-to-left (its bidi level is odd): glyphs
        come out in visual order, and brackets mirrored.
    :param complex_script: Whether the run is of a cursive or complex script,
        which takes no letter spacing.
    :param spacing: Letter spacing in font units, added after every cluster
        (HarfBuzz's clusters: a letter with its marks, a ligature).
    """
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()  # script and language from the text
    buffer.direction = "rtl" if rtl else "ltr"
    hb.shape(face.harfbuzz_font(), buffer)
    if complex_script:
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
        if index == last or infos[index + 1].cluster != info.cluster:
            clusters += 1
            pen += spacing
    return GlyphRun(face, tuple(glyphs), tuple(positions), pen, clusters)
