"""Glyphs for cairo: outlines as native paths, and coverage masks like a text renderer's.

A glyph's outline becomes a cairo path once per face (:func:`glyph_path`), kept
as cairo's own ``cairo_path_t`` so appending it costs one C call instead of
re-encoding the path point by point in Python.

Filling the outlines of a title again on every render is most of the cost of
drawing it. :func:`glyph_mask` rasterizes a glyph once per face, glyph,
transformation and subpixel position into an 8-bit coverage mask, as a text
renderer's glyph cache does, and :func:`draw_run` composites the masks.
Positions are quantized to 1/16 px across and 1/64 px down (baselines repeat,
so vertical positions are nearly exact); a glyph moves at most 1/32 px, which
changes an edge pixel by a few levels out of 255 — the comparison tests state
the tolerance.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Any

from cachetools import LRUCache
from fontTools.pens.basePen import BasePen

from .fonts import FontFace, face_by_token

__all__ = ["MASK_CACHE_BYTES", "draw_run", "glyph_mask", "glyph_path"]

#: How many bytes of glyph masks a process keeps (a 64 px Latin glyph is ~3 KB: a title's glyphs at a few sizes and offsets).
MASK_CACHE_BYTES = 4 * 1024 * 1024

_STEPS_X = 16
_STEPS_Y = 64
# Cairo paths of glyphs, per face: at most this many per face (a CJK face has 65,000 glyphs).
_PATHS_PER_FACE = 4096

_lock = threading.Lock()
_paths: dict[str, dict[int, Any]] = {}
_masks: LRUCache[tuple[Any, ...], _Mask | None] = LRUCache(maxsize=MASK_CACHE_BYTES, getsizeof=lambda m: _mask_bytes(m))


class _CairoPen(BasePen):
    """Draws a glyph outline into a cairo context (quadratic curves as cubic)."""

    def __init__(self, context: Any) -> None:
        super().__init__(None)
        self.context = context

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self.context.move_to(*pt)

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self.context.line_to(*pt)

    def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]) -> None:
        self.context.curve_to(*p1, *p2, *p3)

    def _qCurveToOne(self, p1: tuple[float, float], p2: tuple[float, float]) -> None:
        x0, y0 = self._getCurrentPoint()
        c1 = (x0 + 2 / 3 * (p1[0] - x0), y0 + 2 / 3 * (p1[1] - y0))
        c2 = (p2[0] + 2 / 3 * (p1[0] - p2[0]), p2[1] + 2 / 3 * (p1[1] - p2[1]))
        self.context.curve_to(*c1, *c2, *p2)

    def _closePath(self) -> None:
        self.context.close_path()


def glyph_path(face: FontFace, glyph_id: int) -> Any:
    """A glyph's outline in font units as a native ``cairo_path_t *``, built once per face."""
    paths = _paths.get(face.token)
    if paths is None:
        with _lock:
            paths = _paths.setdefault(face.token, {})
    path = paths.get(glyph_id)
    if path is None:
        import cairocffi

        context = cairocffi.Context(cairocffi.ImageSurface(cairocffi.FORMAT_A8, 1, 1))
        face.draw_glyph(glyph_id, _CairoPen(context))
        ffi, cairo = cairocffi.ffi, cairocffi.cairo
        path = ffi.gc(cairo.cairo_copy_path(context._pointer), cairo.cairo_path_destroy)
        with _lock:
            if len(paths) >= _PATHS_PER_FACE:
                paths.clear()
            paths[glyph_id] = path
    return path


class _Mask:
    """A glyph's coverage at one size and subpixel offset: an A8 surface and where it goes."""

    __slots__ = ("height", "left", "pointer", "size", "surface", "top", "width")

    def __init__(self, surface: Any, left: int, top: int) -> None:
        self.surface = surface  # keeps the pointer alive
        self.pointer = surface._pointer
        self.left, self.top = left, top
        self.width, self.height = surface.get_width(), surface.get_height()
        self.size = surface.get_stride() * self.height + 200


def _mask_bytes(mask: _Mask | None) -> int:
    return mask.size if mask is not None else 64


def glyph_mask(face: FontFace, glyph_id: int, linear: tuple[float, float, float, float], dx: int, dy: int) -> _Mask | None:
    """The coverage mask of a glyph drawn with ``linear`` (font units to pixels) at subpixel step (dx, dy).

    ``None`` for a glyph that draws nothing (a space).
    """
    key = (face.token, glyph_id, linear, dx, dy)
    with _lock:
        found = _masks.get(key, False)
    if found is not False:
        return found  # type: ignore[return-value]
    import cairocffi

    ffi, cairo = cairocffi.ffi, cairocffi.cairo
    matrix = ffi.new("cairo_matrix_t *", [*linear, dx / _STEPS_X, dy / _STEPS_Y])
    probe = cairocffi.Context(cairocffi.ImageSurface(cairocffi.FORMAT_A8, 1, 1))
    cairo.cairo_transform(probe._pointer, matrix)
    cairo.cairo_append_path(probe._pointer, glyph_path(face, glyph_id))
    cairo.cairo_identity_matrix(probe._pointer)
    x0, y0, x1, y1 = probe.fill_extents()
    mask: _Mask | None = None
    if x1 > x0 and y1 > y0:
        left, top = math.floor(x0) - 1, math.floor(y0) - 1
        width, height = math.ceil(x1) + 1 - left, math.ceil(y1) + 1 - top
        surface = cairocffi.ImageSurface(cairocffi.FORMAT_A8, width, height)
        context = cairocffi.Context(surface)
        cairo.cairo_translate(context._pointer, -left, -top)
        cairo.cairo_transform(context._pointer, matrix)
        cairo.cairo_append_path(context._pointer, glyph_path(face, glyph_id))
        cairo.cairo_fill(context._pointer)
        surface.flush()
        mask = _Mask(surface, left, top)
    with _lock:
        try:
            _masks[key] = mask
        except ValueError:  # a glyph larger than the whole cache: drawn, not kept
            pass
    return mask


def _placements(
    token: str, glyphs: Sequence[tuple[int, float, float]], matrix: Sequence[float]
) -> tuple[FontFace, tuple[float, float, float, float], list[tuple[int, int, int, int, int]]]:
    """Where each glyph lands: (glyph, whole pixel x, y, subpixel step x, y)."""
    face = face_by_token(token)
    a, b, c, d, e, f = matrix
    placed = []
    for glyph, x, y in glyphs:
        px, py = e + a * x + c * y, f + b * x + d * y
        ix, iy = math.floor(px), math.floor(py)
        sx, sy = round((px - ix) * _STEPS_X), round((py - iy) * _STEPS_Y)
        if sx == _STEPS_X:
            ix, sx = ix + 1, 0
        if sy == _STEPS_Y:
            iy, sy = iy + 1, 0
        placed.append((glyph, ix, iy, sx, sy))
    return face, (a, b, c, d), placed


def draw_run(
    context: Any, token: str, glyphs: Sequence[tuple[int, float, float]], matrix: Sequence[float]
) -> tuple[int, int, int, int] | None:
    """Composite a run's glyph masks with the context's source.

    :param matrix: Font units to device pixels (the context's own matrix is not used).
    :returns: The device pixels the masks cover (left, top, right, bottom), ``None`` when none.
    """
    import cairocffi

    cairo, pointer = cairocffi.cairo, context._pointer
    face, linear, placed = _placements(token, glyphs, matrix)
    left = top = 1 << 30
    right = bottom = -(1 << 30)
    for glyph, ix, iy, sx, sy in placed:
        mask = glyph_mask(face, glyph, linear, sx, sy)
        if mask is not None:
            x, y = ix + mask.left, iy + mask.top
            cairo.cairo_mask_surface(pointer, mask.pointer, x, y)
            left, top = min(left, x), min(top, y)
            right, bottom = max(right, x + mask.width), max(bottom, y + mask.height)
    return (left, top, right, bottom) if top < bottom else None
