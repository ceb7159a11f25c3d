"""What a filter draws: its result as layers for cairo to paint, or as float pixels.

:func:`layers` is what :mod:`svgog.raster` uses. A result that is a stack
(Figma's "the element over its shadow", feDropShadow, feMerge) becomes one
layer per part, painted in order with cairo's OVER, so the compositing runs
in pixman on 8-bit pixels instead of numpy on floats: the element's own part
is the offscreen surface it was drawn into, a tinted part (a shadow) an A8
mask filled with its color, anything else premultiplied ARGB32 bytes. Each
layer covers only what can be seen of it. Painting the parts one by one
rounds to 8 bits after each (a level at most, where a part is translucent
over another); :func:`apply` composites in floats and rounds once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .evaluate import _Run
from .geometry import Box, Placement, _intersect
from .image import _Image, _in_space
from .pixels import BLACK, Color, _bgra, _to_bgra, _to_mask
from .spec import FilterSpec


@dataclass(frozen=True)
class Layer:
    """One part of a filter's result; the parts are painted in order, each over those before.

    :ivar kind: ``"source"``: the element's own pixels, the ARGB32 data given
        to :func:`layers` (clipped to the filter region there), shown within
        ``box``; ``"pixels"``: ``data`` holds the box's premultiplied ARGB32
        bytes, shape ``(height, width * 4)``; ``"mask"``: ``data`` is the
        box's A8 coverage, shape ``(height, stride)`` with a stride that is a
        multiple of 4, to fill with ``color``.
    :ivar box: The work-area pixels ``(x0, y0, x1, y1)`` the part covers.
    :ivar data: The bytes of a ``"pixels"`` or ``"mask"`` layer.
    :ivar color: A mask's straight sRGB color, each channel from 0 to 1.
    """

    kind: Literal["source", "pixels", "mask"]
    box: Box
    data: np.ndarray | None = None
    color: Color = BLACK


def layers(spec: FilterSpec, placement: Placement, area: Box, data: object, stride: int) -> list[Layer]:
    """Evaluate a filter on the element's pixels, as layers to paint.

    :param area: The device pixels ``data`` covers, from :func:`work_area`.
    :param data: The element drawn without its filter into a cairo ARGB32
        surface of the area's size (its writable data): set to transparent
        outside the filter region in place (mark the surface dirty after).
    :param stride: That surface's stride in bytes.
    :returns: The layers, bottom first; none for a filter without primitives
        or a result that cannot be seen.
    """
    width, height = area[2] - area[0], area[3] - area[1]
    with np.errstate(all="ignore"):
        run = _Run(spec, placement, area, bgra=_bgra(data, width, height, stride), visible_only=True)
        final = run.evaluate()
        if final is None:
            return []
        clip = run.clip_box(final)
        if clip[0] >= clip[2] or clip[1] >= clip[3]:
            return []
        final = _in_space(final, False, clip)
        if run.rotated:
            # The turned region's antialiased edges apply to the composited result.
            x0, y0, x1, y1 = clip
            flat = run.flat(final)[y0:y1, x0:x1]
            return [Layer("pixels", clip, _to_bgra(flat[..., :3], flat[..., 3]))]
        return [layer for part in (final.parts or (final,)) if (layer := _layer(part, clip)) is not None]


def _layer(part: _Image, clip: Box) -> Layer | None:
    """One part of a result as a layer, within ``clip``; ``None`` when nothing of it shows."""
    if part.clear:
        return None
    box = _intersect(part.box, clip)
    if box is not None and part.source is not None:
        box = _intersect(box, part.window)
    if box is None:
        return None
    if part.source is not None and part.source.bgra is not None:
        return Layer("source", box)
    x0, y0, x1, y1 = box
    if part.tinted:
        return Layer("mask", box, _to_mask(part.alpha[y0:y1, x0:x1]), part.tint)
    rgb = part.rgb
    assert rgb is not None
    return Layer("pixels", box, _to_bgra(rgb[y0:y1, x0:x1], part.alpha[y0:y1, x0:x1]))


def apply(spec: FilterSpec, placement: Placement, area: Box, source: np.ndarray) -> np.ndarray:
    """Evaluate a filter on the element's pixels, in floats.

    :param area: The device pixels ``source`` covers, from :func:`work_area`.
    :param source: The element drawn without its filter: premultiplied sRGB
        RGBA floats of shape ``(height, width, 4)`` (see :func:`from_argb32`).
        It is clipped to the filter region in place.
    :returns: The filtered pixels over the same area, premultiplied sRGB RGBA,
        transparent outside the filter region.
    """
    with np.errstate(all="ignore"):
        run = _Run(spec, placement, area, rgba=source)
        del source
        final = run.evaluate()
        if final is None:
            # A filter without primitives: the element is not drawn.
            return np.zeros((*run.shape, 4), np.float32)
        return run.flat(_in_space(final, False))
