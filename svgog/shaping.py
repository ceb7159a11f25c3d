"""Turning a line of text into positioned glyphs of one face, and glyphs into path data.

This is simple left-to-right shaping: one glyph per character from the face's
character map, advances from ``hmtx``, pair kerning from GPOS. The same
:class:`Shaper` both measures (for :mod:`svgog.layout`) and positions (for
drawing), so what was measured is exactly what is drawn.

Positions are in font units from the line's origin; the renderer scales the
whole line once with an SVG transform.
"""

from __future__ import annotations

from dataclasses import dataclass

from .fonts import FontFace

__all__ = ["ShapedLine", "Shaper"]


@dataclass(frozen=True)
class ShapedLine:
    """One line's glyphs and their x positions, in font units."""

    text: str
    glyphs: tuple[str, ...]
    positions: tuple[float, ...]
    advance: float
    missing: frozenset[str]


class Shaper:
    """Measures and positions text in one face at one size.

    :param face: The font face.
    :param size: The font size in pixels (user units).
    """

    def __init__(self, face: FontFace, size: float) -> None:
        self.face = face
        self.size = size
        self.scale = size / face.units_per_em

    def shape(self, text: str) -> ShapedLine:
        """Position every character the face has; report the ones it lacks."""
        face = self.face
        glyphs: list[str] = []
        positions: list[float] = []
        missing: set[str] = set()
        pen = 0.0
        previous: str | None = None
        for char in text:
            glyph = face.glyph(char)
            if glyph is None:
                # Never draw .notdef boxes: a missing character takes no space
                # and is reported to the caller instead.
                missing.add(char)
                continue
            if previous is not None:
                pen += face.kerning(previous, glyph)
            glyphs.append(glyph)
            positions.append(pen)
            pen += face.advance(glyph)
            previous = glyph
        return ShapedLine(text, tuple(glyphs), tuple(positions), pen, frozenset(missing))

    def measure(self, text: str) -> float:
        """The advance width of ``text`` in pixels."""
        face = self.face
        total = 0
        previous: str | None = None
        for char in text:
            glyph = face.glyph(char)
            if glyph is None:
                continue
            if previous is not None:
                total += face.kerning(previous, glyph)
            total += face.advance(glyph)
            previous = glyph
        return total * self.scale

    def path_data(self, line: ShapedLine) -> str:
        """SVG path data for the whole line, in font units with y pointing up."""
        outline = self.face.outline
        return "".join(outline(glyph).path_at(x) for glyph, x in zip(line.glyphs, line.positions))
