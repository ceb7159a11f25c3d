"""Where a filter works: its region, its primitive units and the device pixels to evaluate.

The filter region (``filterUnits``) and primitive lengths (``primitiveUnits``)
are read in user units and taken to device pixels by the element's matrix.
:func:`work_area` is the part of the region that can be seen, widened by how
far the filter's blurs, offsets and morphology reach.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .blur import _blur_reach
from .geometry import (
    Box,
    Placement,
    Rect,
    _intersect,
    _map_box,
    _pixels_of,
    _round_out,
    _scales,
)
from .spec import FilterSpec, Primitive
from .values import _length, _number, _numbers

#: Blur deviations are clamped to this many device pixels. Chromium draws every deviation
#: above it alike (measured with Chromium 156: 266 and 20,000 give the same picture).
MAX_SIGMA = 266.0

#: Content outside what can be seen is drawn for the filter this far at most, as a fraction of the
#: visible width and height (a blur reaches into what is visible from there).
MAX_MARGIN = 0.1


def _region(spec: FilterSpec, placement: Placement) -> Rect | None:
    """The filter region in user units ``(x, y, width, height)``; ``None`` when it is empty."""
    attrs = spec.attrs
    if attrs.get("filterUnits") == "userSpaceOnUse":
        vw, vh = placement.viewport
        x = _length(attrs.get("x"), "-10%", vw, False)
        y = _length(attrs.get("y"), "-10%", vh, False)
        width = _length(attrs.get("width"), "120%", vw, False)
        height = _length(attrs.get("height"), "120%", vh, False)
    else:
        if placement.bbox is None:
            return None
        bx, by, bw, bh = placement.bbox
        x = bx + _length(attrs.get("x"), "-10%", bw, True)
        y = by + _length(attrs.get("y"), "-10%", bh, True)
        width = _length(attrs.get("width"), "120%", bw, True)
        height = _length(attrs.get("height"), "120%", bh, True)
    if not (width > 0 and height > 0) or not all(math.isfinite(v) for v in (x, y, width, height)):
        return None
    return x, y, width, height


class _Units:
    """Primitive lengths (``primitiveUnits``) in device pixels."""

    def __init__(self, spec: FilterSpec, placement: Placement) -> None:
        self.bbox = spec.attrs.get("primitiveUnits") == "objectBoundingBox"
        self.matrix = placement.matrix
        self.viewport = placement.viewport
        box = placement.bbox or (0.0, 0.0, 0.0, 0.0)
        self.box = box
        scale_x, scale_y = _scales(placement.matrix)
        # In objectBoundingBox units a length is a fraction of the box's width or height.
        self.sx = scale_x * (box[2] if self.bbox else 1.0)
        self.sy = scale_y * (box[3] if self.bbox else 1.0)

    def sigma(self, sx: float, sy: float) -> tuple[float, float]:
        """A blur's deviations in device pixels, clamped as Chromium does."""
        return min(sx * self.sx, MAX_SIGMA), min(sy * self.sy, MAX_SIGMA)

    def radius(self, rx: float, ry: float) -> tuple[int, int]:
        return _pixels_of(rx * self.sx), _pixels_of(ry * self.sy)

    def offset(self, dx: float, dy: float) -> tuple[int, int]:
        """An offset in device pixels: it turns with the matrix, rounded to whole pixels."""
        if self.bbox:
            dx, dy = dx * self.box[2], dy * self.box[3]
        xx, yx, xy, yy = self.matrix[:4]
        return _pixels_of(xx * dx + xy * dy), _pixels_of(yx * dx + yy * dy)

    def subregion(self, attrs: Mapping[str, str], default: Rect) -> Rect:
        """A primitive's subregion in user units: its own x, y, width, height over the default."""
        rect = list(default)
        # (name, index in the rect, origin and extent in objectBoundingBox units, viewport extent)
        bx, by, bw, bh = self.box
        vw, vh = self.viewport
        for name, index, origin, extent, viewport in (
            ("x", 0, bx, bw, vw), ("y", 1, by, bh, vh), ("width", 2, 0.0, bw, vw), ("height", 3, 0.0, bh, vh)
        ):
            if name in attrs:
                if self.bbox:
                    rect[index] = origin + _length(attrs[name], "0", extent, True)
                else:
                    rect[index] = _length(attrs[name], "0", viewport, False)
        return rect[0], rect[1], rect[2], rect[3]


def _primitive_reach(primitive: Primitive, units: _Units) -> tuple[int, int]:
    """How far (device pixels, per axis) one primitive moves or spreads what it reads."""
    attrs = primitive.attrs
    reach_x = reach_y = 0
    if primitive.tag in ("feGaussianBlur", "feDropShadow"):
        numbers = _numbers(attrs.get("stdDeviation")) or [2.0 if primitive.tag == "feDropShadow" else 0.0]
        sx, sy = units.sigma(max(numbers[0], 0.0), max(numbers[-1], 0.0))
        reach_x += _blur_reach(sx)
        reach_y += _blur_reach(sy)
    if primitive.tag in ("feOffset", "feDropShadow"):
        default = 2.0 if primitive.tag == "feDropShadow" else 0.0
        dx, dy = units.offset(_number(attrs.get("dx"), default), _number(attrs.get("dy"), default))
        reach_x += abs(dx)
        reach_y += abs(dy)
    if primitive.tag == "feMorphology":
        numbers = _numbers(attrs.get("radius")) or [0.0]
        rx, ry = units.radius(max(numbers[0], 0.0), max(numbers[-1], 0.0))
        reach_x += rx
        reach_y += ry
    return reach_x, reach_y


def _reach(spec: FilterSpec, units: _Units) -> tuple[int, int]:
    """How far (device pixels, per axis) content outside what is visible can affect what is."""
    reaches = [_primitive_reach(primitive, units) for primitive in spec.primitives]
    return sum(r[0] for r in reaches), sum(r[1] for r in reaches)


def work_area(spec: FilterSpec, placement: Placement) -> Box | None:
    """The device pixels to draw the element into and filter: ``(x0, y0, x1, y1)``.

    That is the filter region where it can be seen, widened by the reach of
    the filter's blurs and offsets (at most :data:`MAX_MARGIN` of the visible
    size). ``None`` when nothing of the result can be seen, or the region is
    empty (the element then draws nothing, as in a browser).
    """
    region = _region(spec, placement)
    if region is None:
        return None
    vx0, vy0, vx1, vy1 = placement.visible
    reach_x, reach_y = _reach(spec, _Units(spec, placement))
    margin_x = min(reach_x, math.ceil(MAX_MARGIN * max(vx1 - vx0, vy1 - vy0)))
    margin_y = min(reach_y, math.ceil(MAX_MARGIN * max(vx1 - vx0, vy1 - vy0)))
    seen = _intersect(_round_out(_map_box(placement.matrix, *region)), placement.visible)
    if seen is None:
        return None
    widened = (vx0 - margin_x, vy0 - margin_y, vx1 + margin_x, vy1 + margin_y)
    return _intersect(_round_out(_map_box(placement.matrix, *region)), widened)
