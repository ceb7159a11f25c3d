"""Evaluating a filter: its primitives in order over the work area.

Each primitive reads its inputs in its color space, and its result is cropped
to its subregion; named results are let go as soon as no later primitive
reads them, the source's float planes once no later primitive reads it.
A blur computes only the pixels that can still reach what is seen: the
visible box widened by how far the primitives after it move or spread.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np

from .blur import _blur, _shifted_blur
from .compositing import _BLEND_MODES, _COMPOSITE_OPERATORS, _blend, _composite
from .geometry import Box, Placement, _intersect, _map_box, _round_out
from .image import _cropped, _Image, _in_space, _transparent
from .pixels import _Source, _srgb_to_linear
from .primitives import (
    _color_matrix,
    _component_transfer,
    _matrix_of,
    _morphology,
    _offset,
)
from .region import _primitive_reach, _region, _Units
from .spec import SUPPORTED_PRIMITIVES, FilterSpec, Primitive
from .values import _number, _numbers, parse_color

#: Inputs that name the element's own drawing. (Chromium 156 reads BackgroundImage, BackgroundAlpha,
#: FillPaint and StrokePaint as names without a result: measured, not guessed.)
_STANDARD_INPUTS = frozenset({"SourceGraphic", "SourceAlpha"})
_NO_INPUT = frozenset({"feFlood"})
_TWO_INPUTS = frozenset({"feBlend", "feComposite"})


class _Run:
    """One evaluation of a filter over the work area.

    :param bgra: The element drawn without its filter, as cairo's ARGB32
        bytes (writable): clipped to the filter region in place.
    :param rgba: Or as premultiplied RGBA floats (also clipped in place).
    :param visible_only: Compute blurs only where they can reach what
        ``placement.visible`` shows (the rest of the result is then zero).
    """

    def __init__(
        self,
        spec: FilterSpec,
        placement: Placement,
        area: Box,
        *,
        bgra: np.ndarray | None = None,
        rgba: np.ndarray | None = None,
        visible_only: bool = False,
    ) -> None:
        self.spec = spec
        self.placement = placement
        self.area = area
        pixels = bgra if bgra is not None else rgba
        assert pixels is not None, "a source is needed"
        self.shape: tuple[int, int] = (pixels.shape[0], pixels.shape[1])
        self.units = _Units(spec, placement)
        region = _region(spec, placement)
        assert region is not None, "work_area() returns None for an empty region"
        self.region = region
        self.region_box = self._pixels(region)
        self.rotated = any(abs(v) > 1e-9 for v in placement.matrix[1:3])
        # The filter region clips the filter's inputs too; a turned region's edges need floats.
        if bgra is not None and self.rotated:
            rgba = np.empty((*self.shape, 4), np.float32)
            for target, channel in ((0, 2), (1, 1), (2, 0), (3, 3)):
                np.multiply(bgra[..., channel], np.float32(1 / 255), out=rgba[..., target], casting="unsafe")
            bgra = None
        if rgba is not None:
            self._clip(rgba, self.region_box)
        else:
            assert bgra is not None
            self._clip(bgra, self.region_box)
        self.source: _Source | None = _Source(self.region_box, bgra=bgra, rgba=rgba)
        self.sources: dict[tuple[str, bool], _Image] = {}
        self.done: dict[tuple[object, ...], tuple[list[_Image], _Image]] = {}
        self.primitives = [p for p in spec.primitives if p.tag in SUPPORTED_PRIMITIVES]
        height, width = self.shape
        everything = (0, 0, width, height)
        self.visible = self._visible() if visible_only else everything
        # What each primitive's result must be right on: what is seen, widened by the later primitives' reach.
        self.needed: list[Box] = []
        reach_x = reach_y = 0
        for primitive in reversed(self.primitives):
            x0, y0, x1, y1 = self.visible
            grown = (x0 - reach_x, y0 - reach_y, x1 + reach_x, y1 + reach_y)
            self.needed.insert(0, _intersect(grown, everything) or (0, 0, 0, 0))
            rx, ry = _primitive_reach(primitive, self.units)
            reach_x, reach_y = reach_x + rx, reach_y + ry

    def _pixels(self, rect: tuple[float, float, float, float]) -> Box:
        """A user-space rectangle as pixels of the work area (possibly empty)."""
        x0, y0 = self.area[0], self.area[1]
        height, width = self.shape
        left, top, right, bottom = _round_out(_map_box(self.placement.matrix, *rect))
        box = (min(max(left - x0, 0), width), min(max(top - y0, 0), height))
        return (*box, max(min(right - x0, width), box[0]), max(min(bottom - y0, height), box[1]))

    def _visible(self) -> Box:
        x0, y0 = self.area[0], self.area[1]
        vx0, vy0, vx1, vy1 = self.placement.visible
        height, width = self.shape
        return _intersect((vx0 - x0, vy0 - y0, vx1 - x0, vy1 - y0), (0, 0, width, height)) or (0, 0, 0, 0)

    def transparent(self, box: Box) -> _Image:
        return _transparent(self.shape, box, True)

    def standard(self, name: str, linear: bool) -> _Image:
        """SourceGraphic or SourceAlpha, in the color space asked for."""
        key = (name, linear)
        image = self.sources.get(key)
        if image is None:
            assert self.source is not None, "read after the last primitive that reads the source"
            box = self.region_box
            if name == "SourceAlpha":
                image = _Image(None, self.source.alpha(box), linear, box)
            elif not linear:
                image = _Image.of_source(self.source, box, box)
            else:
                image = _in_space(self.standard(name, False), True)
            self.sources[key] = image
        return image

    def evaluate(self) -> _Image | None:
        """The filter's result, in the last primitive's color space (``None`` for a filter without primitives)."""
        results: dict[str, _Image] = {}
        last: _Image | None = None
        # Keep the source and each named result only as long as a later primitive may read it.
        last_use: dict[str, int] = {}
        for index, primitive in enumerate(self.primitives):
            for name in self._input_names(primitive, index):
                last_use[name] = index
        source_use = max((last_use.get(name, -1) for name in ("SourceGraphic", "SourceAlpha")), default=-1)
        for index, primitive in enumerate(self.primitives):
            last = self._primitive(primitive, results, last, index)
            if index == source_use and self.source is not None:
                # No later primitive reads the source: its float planes can go (images hold what they use).
                self.source.release()
                self.source = None
                self.sources.clear()
            result = (primitive.attrs.get("result") or "").strip()
            if result:
                results[result] = last
            for stale in [n for n, i in last_use.items() if i == index and n in results and n != result]:
                del results[stale]
        return last

    def clip_box(self, image: _Image) -> Box:
        """Where a result can show: its subregion, within the filter region and what is seen."""
        box = _intersect(image.box, self.region_box)
        return (box and _intersect(box, self.visible)) or (0, 0, 0, 0)

    def flat(self, image: _Image) -> np.ndarray:
        """A result as premultiplied RGBA floats, transparent outside its subregion and the filter region."""
        out = np.empty((*self.shape, 4), np.float32)
        out[..., :3] = image.color()
        out[..., 3] = image.alpha
        self._clip(out, image.box)
        return out

    def _clip(self, out: np.ndarray, box: Box) -> None:
        """Zero ``out`` outside ``box`` (and outside the filter region when it is not axis-aligned)."""
        box = _intersect(box, self.region_box) or (0, 0, 0, 0)
        x0, y0, x1, y1 = box
        out[:y0] = 0
        out[y1:] = 0
        out[:, :x0] = 0
        out[:, x1:] = 0
        if self.rotated:
            out *= self._region_mask()[..., None]

    def _region_mask(self) -> np.ndarray:
        """How much of each pixel the (rotated or skewed) filter region covers, from 0 to 1.

        Each edge's signed distance to the pixel's centre, in device pixels,
        gives an antialiased coverage; a pixel's is the least of the four.
        """
        xx, yx, xy, yy, tx, ty = self.placement.matrix
        det = xx * yy - yx * xy
        height, width = self.shape
        if det == 0:
            return np.zeros((height, width), np.float32)
        px = np.arange(width, dtype=np.float64) + self.area[0] + 0.5 - tx
        py = np.arange(height, dtype=np.float64)[:, None] + self.area[1] + 0.5 - ty
        # Rows of the inverse matrix: user x and y as functions of device x and y.
        row_x, row_y = (yy / det, -xy / det), (-yx / det, xx / det)
        ux = row_x[0] * px + row_x[1] * py
        uy = row_y[0] * px + row_y[1] * py
        x, y, w, h = self.region
        per_x, per_y = math.hypot(*row_x), math.hypot(*row_y)  # user units per device pixel
        coverage = np.minimum(np.minimum(ux - x, x + w - ux) / per_x, np.minimum(uy - y, y + h - uy) / per_y)
        return np.clip(coverage + 0.5, 0.0, 1.0).astype(np.float32)

    def _input_names(self, primitive: Primitive, index: int) -> Iterator[str]:
        """The names a primitive reads; a missing or unknown one is the source for the first primitive."""
        if primitive.tag in _NO_INPUT:
            return
        if primitive.tag == "feMerge":
            values = [child.attrs.get("in") for child in primitive.children if child.tag == "feMergeNode"]
        else:
            names = ("in", "in2") if primitive.tag in _TWO_INPUTS else ("in",)
            values = [primitive.attrs.get(name) for name in names]
        for value in values:
            name = (value or "").strip()
            yield name if name or index else "SourceGraphic"
            if index == 0 and name not in _STANDARD_INPUTS:
                yield "SourceGraphic"  # an unknown name, with no previous result

    def _input(self, value: str | None, results: dict[str, _Image], last: _Image | None, linear: bool) -> _Image:
        name = (value or "").strip()
        if name in _STANDARD_INPUTS:
            return self.standard(name, linear)
        # An unknown name is as if none were given: the previous result (or the source).
        image = results.get(name) or last or self.standard("SourceGraphic", linear)
        return _in_space(image, linear)

    def _primitive(self, primitive: Primitive, results: dict[str, _Image], last: _Image | None, index: int) -> _Image:
        """One primitive's result, cropped to its subregion."""
        attrs = primitive.attrs
        tag = primitive.tag
        linear = (attrs.get("color-interpolation-filters") or "linearRGB").strip().lower() == "linearrgb"

        def source(name: str) -> _Image:
            return self._input(attrs.get(name), results, last, linear)

        inputs: list[_Image]
        if tag in _NO_INPUT:
            inputs = []
        elif tag == "feMerge":
            inputs = [
                self._input(child.attrs.get("in"), results, last, linear)
                for child in primitive.children
                if child.tag == "feMergeNode"
            ]
        elif tag in _TWO_INPUTS:
            inputs = [source("in"), source("in2")]
        else:
            inputs = [source("in")]
        box = self._subregion(primitive, inputs)
        # Blurs compute only what can still be seen, within the subregion.
        needed = _intersect(self.needed[index], box) or (0, 0, 0, 0)
        # Figma repeats its "hardAlpha" matrix for each effect: the same primitive on the same input.
        key = (tag, tuple(sorted((k, v) for k, v in attrs.items() if k != "result")), tuple(map(id, inputs)), needed)
        done = self.done.get(key) if not primitive.children else None
        if done is not None:
            return done[1]
        image = self._compute(primitive, inputs, linear, box, needed)
        if not primitive.children:
            self.done[key] = (inputs, image)  # the inputs are kept so that their ids stay theirs
        return image

    def _compute(self, primitive: Primitive, inputs: list[_Image], linear: bool, box: Box, needed: Box) -> _Image:
        """What a primitive makes of its inputs, cropped to its subregion ``box``."""
        attrs = primitive.attrs
        tag = primitive.tag

        if tag == "feFlood":
            image = self._flood(attrs, linear, box)
        elif tag == "feOffset":
            dx, dy = self.units.offset(_number(attrs.get("dx"), 0.0), _number(attrs.get("dy"), 0.0))
            image = _offset(inputs[0], dx, dy)
        elif tag == "feGaussianBlur":
            image = self._gaussian_blur(inputs[0], attrs, needed)
        elif tag == "feColorMatrix":
            image = _color_matrix(inputs[0], _matrix_of(attrs))
        elif tag == "feComponentTransfer":
            image = _component_transfer(inputs[0], primitive)
        elif tag == "feComposite":
            operator = (attrs.get("operator") or "over").strip()
            operator = operator if operator in _COMPOSITE_OPERATORS else "over"
            k = [_number(attrs.get(f"k{i}"), 0.0) for i in range(1, 5)]
            image = _composite(inputs[0], inputs[1], operator, k)
        elif tag == "feBlend":
            mode = (attrs.get("mode") or "normal").strip()
            image = _blend(inputs[0], inputs[1], mode if mode in _BLEND_MODES else "normal")
        elif tag == "feMerge":
            image = self.transparent(box)
            for layer in inputs:
                image = _composite(layer, image, "over", ())
        elif tag == "feMorphology":
            numbers = _numbers(attrs.get("radius")) or [0.0]
            rx, ry = numbers[0], numbers[-1]
            if rx <= 0 or ry <= 0:
                image = inputs[0]  # a zero or negative radius disables the primitive (Chromium: input)
            else:
                dilate = (attrs.get("operator") or "erode").strip() == "dilate"
                image = _morphology(inputs[0], *self.units.radius(rx, ry), dilate)
        else:  # feDropShadow
            image = self._drop_shadow(inputs[0], attrs, linear, box, needed)
        return _cropped(image, box, self.shape)

    def _subregion(self, primitive: Primitive, inputs: list[_Image]) -> Box:
        """The primitive's subregion in work-area pixels.

        By default the union of its inputs' subregions (a standard input's is
        the filter region), or the filter region when it has no input.
        Explicit ``x``, ``y``, ``width``, ``height`` override it (computed in
        user space from the filter region).
        """
        if not any(name in primitive.attrs for name in ("x", "y", "width", "height")):
            if not inputs:
                return self.region_box
            boxes = [image.box for image in inputs]
            x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
            return (x0, y0, max(b[2] for b in boxes), max(b[3] for b in boxes))
        rect = self.units.subregion(primitive.attrs, self.region)
        if not (rect[2] > 0 and rect[3] > 0):
            return (0, 0, 0, 0)
        return self._pixels(rect)

    def _flood(self, attrs: Mapping[str, str], linear: bool, box: Box) -> _Image:
        """feFlood: one color (a tinted image whose alpha is the same everywhere)."""
        color = parse_color(attrs.get("flood-color", "black"), attrs.get("color")) or (0.0, 0.0, 0.0, 1.0)
        opacity = min(max(_number(attrs.get("flood-opacity"), 1.0), 0.0), 1.0)
        alpha_value = np.float32(color[3] * opacity)
        if alpha_value <= 0:
            return self.transparent(box)
        straight = np.array(color[:3], np.float64)
        if linear:
            straight = _srgb_to_linear(straight)
        tint = (float(straight[0]), float(straight[1]), float(straight[2]))
        return _Image(None, np.broadcast_to(alpha_value, self.shape), linear, box, tint=tint)

    def _gaussian_blur(self, image: _Image, attrs: Mapping[str, str], needed: Box) -> _Image:
        numbers = _numbers(attrs.get("stdDeviation")) or [0.0]
        sx, sy = numbers[0], numbers[-1]
        if sx < 0 or sy < 0:
            return image  # negative: the primitive is disabled, its result is its input (as in Chromium)
        return _blur(image, *self.units.sigma(sx, sy), needed)

    def _drop_shadow(self, image: _Image, attrs: Mapping[str, str], linear: bool, box: Box, needed: Box) -> _Image:
        """feDropShadow: the input over its blurred, moved, flood-colored alpha."""
        numbers = _numbers(attrs.get("stdDeviation")) or [2.0]
        sx, sy = numbers[0], numbers[-1]
        dx, dy = self.units.offset(_number(attrs.get("dx"), 2.0), _number(attrs.get("dy"), 2.0))
        if sx < 0 or sy < 0:
            sx = sy = 0.0  # a negative deviation disables the blur, not the shadow
        alpha = _shifted_blur(image.alpha, *self.units.sigma(sx, sy), dx, dy, needed)
        shadow = _Image(None, alpha, linear, image.box)
        color = self._flood(attrs, linear, box)
        shadow = _composite(color, shadow, "in", ())
        return _composite(image, shadow, "over", ())
