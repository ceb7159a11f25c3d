"""Turning a run of text in one face into positioned glyphs.

Two shapers share one output, :class:`GlyphRun`:

- :func:`shape_simple`, always available: one glyph per character from the
  character map, advances from ``hmtx``, pair kerning from GPOS. Enough for
  Latin, Greek, Cyrillic, CJK and symbols.
- :func:`shape_harfbuzz`, with the optional ``uharfbuzz`` package
  (``pip install svgog[shaping]``): full OpenType shaping for scripts whose
  letters join, reorder or stack (Arabic, Hebrew, Devanagari and others).

Positions are in font units from the run's origin, in visual (left to right)
order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import regex

from ..fonts import FontFace
from .segment import clusters

__all__ = ["GlyphRun", "harfbuzz_available", "is_ignorable", "needs_shaping", "shape", "shape_harfbuzz", "shape_simple"]

_COMPLEX = regex.compile(
    r"[\p{Arabic}\p{Hebrew}\p{Syriac}\p{Thaana}\p{Nko}\p{Samaritan}\p{Mandaic}\p{Devanagari}\p{Bengali}"
    r"\p{Gurmukhi}\p{Gujarati}\p{Oriya}\p{Tamil}\p{Telugu}\p{Kannada}\p{Malayalam}\p{Sinhala}\p{Thai}\p{Lao}"
    r"\p{Tibetan}\p{Myanmar}\p{Khmer}\p{Mongolian}\p{Balinese}\p{Javanese}]"
)
# Format characters that steer shaping or breaking but are never drawn.
_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")
_MIRROR = dict(zip("()[]{}<>«»‹›⁅⁆⁽⁾₍₎", ")(][}{><»«›‹⁆⁅⁾⁽₎₍"))


@dataclass(frozen=True)
class GlyphRun:
    """Glyphs of one face with their positions, in font units."""

    face: FontFace
    glyphs: tuple[str, ...]
    positions: tuple[tuple[float, float], ...]
    advance: float


def is_ignorable(char: str) -> bool:
    """Whether a character is a default-ignorable format character (ZWJ, VS16…)."""
    return _IGNORABLE.match(char) is not None


def needs_shaping(cluster: str) -> bool:
    """Whether a cluster belongs to a right-to-left or complex script.

    >>> needs_shaping("a"), needs_shaping("\\u0639"), needs_shaping("\\u0915")
    (False, True, True)
    """
    return _COMPLEX.match(cluster) is not None or unicodedata.bidirectional(cluster[0]) in ("R", "AL")


@cache
def harfbuzz_available() -> bool:
    """Whether the optional ``uharfbuzz`` package can be imported."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


def shape_simple(face: FontFace, text: str, *, rtl: bool = False, spacing: float = 0.0) -> GlyphRun:
    """One glyph per character, kerned; ``spacing`` font units after each cluster.

    A right-to-left run (neutral characters between right-to-left words) is
    reversed cluster by cluster, with brackets mirrored. Characters the face
    lacks are skipped (callers choose faces that have them).
    """
    units = clusters(text)
    if rtl:
        units = ["".join(_MIRROR.get(c, c) for c in unit) for unit in reversed(units)]
    glyphs: list[str] = []
    positions: list[tuple[float, float]] = []
    pen = 0.0
    previous: str | None = None
    for unit in units:
        for char in unit:
            glyph = face.glyph(char)
            if glyph is None:
                continue
            if previous is not None:
                pen += face.kerning(previous, glyph)
            glyphs.append(glyph)
            positions.append((pen, 0.0))
            pen += face.advance(glyph)
            previous = glyph
        pen += spacing
    return GlyphRun(face, tuple(glyphs), tuple(positions), pen)


def shape_harfbuzz(face: FontFace, text: str, *, rtl: bool = False) -> GlyphRun:
    """Shape with HarfBuzz (kerning, ligatures, joining forms, mark positioning)."""
    import uharfbuzz as hb

    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    hb.shape(face.harfbuzz_font(), buffer, {"kern": True, "liga": True})
    order = face.glyph_order
    glyphs: list[str] = []
    positions: list[tuple[float, float]] = []
    pen = 0.0
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
        if info.codepoint != 0:  # never draw .notdef
            glyphs.append(order[info.codepoint])
            positions.append((pen + position.x_offset, float(position.y_offset)))
        pen += position.x_advance
    return GlyphRun(face, tuple(glyphs), tuple(positions), pen)


def shape(
    face: FontFace, text: str, *, rtl: bool = False, complex_script: bool = False, spacing: float = 0.0
) -> GlyphRun:
    """Shape a run with HarfBuzz when it needs it (and it is installed), else simply.

    Letter ``spacing`` (font units) applies to simple runs only: spacing
    letters apart would break the joins of cursive scripts.
    """
    if complex_script and harfbuzz_available():
        return shape_harfbuzz(face, text, rtl=rtl)
    return shape_simple(face, text, rtl=rtl, spacing=spacing)
