"""Underlines, overlines and lines through text, placed as browsers place them.

``text-decoration: auto`` thickness is a tenth of the font size. An underline
sits below the baseline by half its thickness (rounded up to a whole pixel)
and skips the ink of descenders (``text-decoration-skip-ink: auto``): it is
cut where a glyph crosses it, with a gap of its own thickness on each side.
A line through runs a third of the ascent above the baseline; an overline
sits on top of the ascent. The font's ascent is rounded to a whole pixel, as
browsers lay out lines.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Iterator

from fontTools.pens.basePen import BasePen

from ..fonts import FontFace
from .runs import VisualRun

__all__ = ["DECORATIONS", "decoration_bands", "glyph_intercept"]

DECORATIONS = ("underline", "overline", "line-through")
# Curves are flattened into this many segments to find where a glyph crosses a band.
_CURVE_STEPS = 8
_MAX_DILATION = 13.0


class _FlatPen(BasePen):
    """Records a glyph outline as line segments (curves flattened)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.segments: list[tuple[float, float, float, float]] = []
        self._start = (0.0, 0.0)

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self._start = pt

    def _lineTo(self, pt: tuple[float, float]) -> None:
        x0, y0 = self._getCurrentPoint()
        self.segments.append((x0, y0, pt[0], pt[1]))

    def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]) -> None:
        x0, y0 = self._getCurrentPoint()
        previous = (x0, y0)
        for step in range(1, _CURVE_STEPS + 1):
            t = step / _CURVE_STEPS
            u = 1 - t
            point = (
                u**3 * x0 + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * y0 + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
            self.segments.append((*previous, *point))
            previous = point

    def _qCurveToOne(self, p1: tuple[float, float], p2: tuple[float, float]) -> None:
        x0, y0 = self._getCurrentPoint()
        self._curveToOne(
            (x0 + 2 / 3 * (p1[0] - x0), y0 + 2 / 3 * (p1[1] - y0)),
            (p2[0] + 2 / 3 * (p1[0] - p2[0]), p2[1] + 2 / 3 * (p1[1] - p2[1])),
            p2,
        )

    def _closePath(self) -> None:
        current = self._getCurrentPoint()
        if current != self._start:
            self.segments.append((*current, *self._start))


# Flattened outlines per face, kept as long as the face is: a face dropped from
# the process's cache takes its segments with it.
_SEGMENTS: weakref.WeakKeyDictionary[FontFace, dict[int, list[tuple[float, float, float, float]]]] = (
    weakref.WeakKeyDictionary()
)
_SEGMENTS_LOCK = threading.Lock()
_SEGMENTS_PER_FACE = 4096


def _segments(face: FontFace, glyph_id: int) -> list[tuple[float, float, float, float]]:
    glyphs = _SEGMENTS.get(face)
    found = glyphs.get(glyph_id) if glyphs is not None else None
    if found is None:
        pen = _FlatPen()
        face.draw_glyph(glyph_id, pen)
        found = pen.segments
        with _SEGMENTS_LOCK:
            glyphs = _SEGMENTS.setdefault(face, {})
            if len(glyphs) >= _SEGMENTS_PER_FACE:
                glyphs.clear()
            glyphs[glyph_id] = found
    return found


def glyph_intercept(face: FontFace, glyph_id: int, low: float, high: float) -> tuple[float, float] | None:
    """The horizontal extent of a glyph's outline between heights ``low`` and ``high`` (font units, y up)."""
    left = math.inf
    right = -math.inf
    for x0, y0, x1, y1 in _segments(face, glyph_id):
        if max(y0, y1) < low or min(y0, y1) > high:
            continue
        if y0 == y1:
            xs = (x0, x1)
        else:
            # The part of the segment inside the band.
            t0 = (low - y0) / (y1 - y0)
            t1 = (high - y0) / (y1 - y0)
            t0, t1 = max(0.0, min(t0, t1)), min(1.0, max(t0, t1))
            xs = (x0 + (x1 - x0) * t0, x0 + (x1 - x0) * t1)
        left, right = min(left, *xs), max(right, *xs)
    return (left, right) if left <= right else None


def decoration_bands(
    kind: str, runs: list[VisualRun], start: int, end: int, x: float, baseline: float, size: float, face: FontFace
) -> Iterator[tuple[float, float, float, float]]:
    """``(x, y, width, height)`` rectangles drawing one decoration under ``runs[start:end]``.

    :param x: Where ``runs[start]`` starts.
    :param face: The face whose ascent places the line (the decorated run's primary face).
    """
    own_size = size * runs[start].scale
    thickness = max(1.0, own_size / 10)
    ascent = round(face.ascender / face.units_per_em * own_size)
    if kind == "underline":
        top = baseline + max(1, math.ceil(thickness / 2))
    elif kind == "overline":
        top = baseline - ascent - thickness + 1
    else:
        top = baseline - ascent / 3 - thickness / 2
    width = sum(run.advance(size) for run in runs[start:end])
    gaps: list[tuple[float, float]] = []
    if kind == "underline":
        dilation = min(thickness, _MAX_DILATION)
        position = x
        for run in runs[start:end]:
            glyphs = run.glyphs
            if glyphs is not None:
                scale = size * run.scale / glyphs.face.units_per_em
                low, high = (baseline - top - thickness) / scale, (baseline - top) / scale
                for glyph, (gx, gy) in zip(glyphs.glyphs, glyphs.positions):
                    hit = glyph_intercept(glyphs.face, glyph, low - gy, high - gy)
                    if hit is not None:
                        gaps.append((position + (gx + hit[0]) * scale - dilation, position + (gx + hit[1]) * scale + dilation))
            position += run.advance(size)
    left = x
    for gap_left, gap_right in sorted(gaps):
        if gap_left > left:
            yield (left, top, min(gap_left, x + width) - left, thickness)
        left = max(left, gap_right)
        if left >= x + width:
            return
    if x + width > left:
        yield (left, top, x + width - left, thickness)
