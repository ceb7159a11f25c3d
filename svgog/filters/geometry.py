"""Device space: pixel boxes, user rectangles, matrices, and where a filtered element is drawn.

User-space rectangles map to device pixels through the element's matrix and
round outwards to whole pixels; huge or non-finite coordinates are clamped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Device pixels ``(x0, y0, x1, y1)``.
Box = tuple[int, int, int, int]
#: A rectangle in user units ``(x, y, width, height)``.
Rect = tuple[float, float, float, float]
#: A cairo matrix ``(xx, yx, xy, yy, x0, y0)``.
Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class Placement:
    """Where a filtered element is drawn.

    :ivar matrix: User units of the element (its own transform included) to
        device pixels, in cairo's order ``(xx, yx, xy, yy, x0, y0)``.
    :ivar bbox: The element's bounding box in those user units
        ``(x, y, width, height)``, or ``None`` when it has none.
    :ivar viewport: The viewport's size in user units (for percentages).
    :ivar visible: The device pixels the result can show on ``(x0, y0, x1, y1)``.
    """

    matrix: Matrix
    bbox: Rect | None
    viewport: tuple[float, float]
    visible: Box


def _map_box(matrix: Matrix, x: float, y: float, width: float, height: float) -> tuple[float, float, float, float]:
    """The device-space bounds of a user-space rectangle."""
    xx, yx, xy, yy, x0, y0 = matrix
    xs = [xx * px + xy * py + x0 for px in (x, x + width) for py in (y, y + height)]
    ys = [yx * px + yy * py + y0 for px in (x, x + width) for py in (y, y + height)]
    return min(xs), min(ys), max(xs), max(ys)


#: Device coordinates are clamped to this (whole pixels beyond any canvas, but finite).
_FAR = 1e9


def _round_out(bounds: tuple[float, float, float, float]) -> Box:
    # A hair of tolerance: a region edge at 99.9999 px is at 100 px.
    x0, y0, x1, y1 = (min(max(v, -_FAR), _FAR) if v == v else 0.0 for v in bounds)
    return (math.floor(x0 + 1e-4), math.floor(y0 + 1e-4), math.ceil(x1 - 1e-4), math.ceil(y1 - 1e-4))


def _intersect(a: Box, b: Box) -> Box | None:
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] < box[2] and box[1] < box[3] else None


def _scales(matrix: Matrix) -> tuple[float, float]:
    """How many device pixels one user unit spans along x and along y."""
    xx, yx, xy, yy = matrix[:4]
    return math.hypot(xx, yx), math.hypot(xy, yy)


def _pixels_of(length: float) -> int:
    """A device length as whole pixels, huge ones clamped (they move or grow past any canvas)."""
    return round(min(max(length, -_FAR), _FAR)) if length == length else 0
