"""Filter results: premultiplied pixels over the work area, in one of four shapes.

An :class:`_Image` is the result of a primitive (or a standard input) over
the whole work area, zero outside its subregion ``box``. Its pixels are:

- planes: premultiplied color ``(height, width, 3)`` and alpha;
- tinted: one straight color (``tint``) times the alpha plane. Moving,
  blurring, "in" and "out" keep the color, so they work on alpha alone;
  ``SourceAlpha`` and a shadow before it is colored are tinted black;
- the element's own drawing, unchanged (:class:`~.pixels._Source`, seen
  through ``window``): its planes are converted when first read, and the
  result can paint cairo's bytes as they are;
- a stack (``parts``): images composited with "over", bottom first, not
  composited until a primitive reads the pixels. The last result's stack is
  painted part by part, so Figma's "the element over its shadow" costs no
  pass over the pixels here.

Planes read from an image must not be written to: results share them.
"""

from __future__ import annotations

import numpy as np

from . import memory
from .geometry import Box, _intersect
from .pixels import BLACK, Color, _convert_color, _convert_planes, _joined, _Source

_EMPTY: Box = (0, 0, 0, 0)


class _Image:
    """One filter result (see the module's docstring for its shapes)."""

    __slots__ = ("_alpha", "_rgb", "_tint", "box", "clear", "linear", "parts", "source", "window")

    def __init__(
        self,
        rgb: np.ndarray | None,
        alpha: np.ndarray | None,
        linear: bool,
        box: Box,
        *,
        clear: bool = False,
        tint: Color = BLACK,
        source: _Source | None = None,
        window: Box = _EMPTY,
        parts: tuple[_Image, ...] | None = None,
    ) -> None:
        self._rgb = rgb
        self._alpha = alpha
        self.linear = linear
        self.box = box
        self.clear = clear
        self._tint = tint
        self.source = source
        self.window = window
        self.parts = parts

    @classmethod
    def of_source(cls, source: _Source, box: Box, window: Box) -> _Image:
        """The element's own sRGB pixels within ``window``, with subregion ``box``."""
        return cls(None, None, False, box, source=source, window=window)

    @classmethod
    def stack(cls, below: _Image, above: _Image) -> _Image:
        """``above`` over ``below``, composited when its pixels are first read."""
        parts = (below.parts or (below,)) + (above.parts or (above,))
        return cls(None, None, above.linear, above.box, parts=parts)

    def with_box(self, box: Box) -> _Image:
        """The same pixels with another subregion (the pixels must be zero outside it)."""
        return _Image(
            self._rgb, self._alpha, self.linear, box, clear=self.clear, tint=self._tint, source=self.source,
            window=self.window, parts=self.parts,
        )  # fmt: skip

    @property
    def tinted(self) -> bool:
        """Whether the color is one straight color (:attr:`tint`) times the alpha."""
        if self.source is not None:
            return self.source.tint() is not None
        if self.parts is not None:
            first = self.parts[0]
            return all(part.tinted and part.tint == first.tint for part in self.parts)
        return self._rgb is None

    @property
    def tint(self) -> Color:
        """The straight color of a tinted image."""
        if self.source is not None:
            return self.source.tint() or BLACK
        if self.parts is not None:
            return self.parts[0].tint
        return self._tint

    @property
    def alpha(self) -> np.ndarray:
        if self._alpha is None:
            if self.source is not None:
                # The alpha plane alone: neither the color nor whether it is one color is needed.
                self._alpha = self.source.alpha(_intersect(self.window, self.source.box) or _EMPTY)
            else:
                self._read()
        assert self._alpha is not None
        return self._alpha

    @property
    def rgb(self) -> np.ndarray | None:
        """The premultiplied color planes; ``None`` when the image is tinted."""
        if self.tinted:
            return None
        if self._rgb is None:
            self._read()
        return self._rgb

    def color(self) -> np.ndarray:
        """The premultiplied color planes, made from the tint when the image is tinted."""
        rgb = self.rgb
        if rgb is not None:
            return rgb
        alpha = self.alpha
        if self.tint == BLACK:
            return np.broadcast_to(np.float32(0), (*alpha.shape, 3))
        # The color planes of a (height, width, 4) array whose last plane is the alpha.
        out = memory.empty((*alpha.shape, 4))
        out[..., 3] = alpha
        for c in range(3):
            np.multiply(alpha, np.float32(self.tint[c]), out=out[..., c])
        return out[..., :3]

    def rgba(self) -> np.ndarray:
        """Color and alpha as one ``(height, width, 4)`` array: a view when the planes already are one."""
        rgb = self.color()
        alpha = self.alpha
        whole = _joined(rgb, alpha)
        if whole is not None:
            return whole
        out = memory.empty((*alpha.shape, 4))
        out[..., :3] = rgb
        out[..., 3] = alpha
        return out

    def _read(self) -> None:
        if self.source is not None:
            # Only the color is read here: a tinted source's is its tint.
            rgba = self.source.rgba(_intersect(self.window, self.source.box) or _EMPTY)
            self._rgb, self._alpha = rgba[..., :3], rgba[..., 3]
            return
        assert self.parts is not None
        rgb, alpha = _flatten(self.parts, self.tinted)
        self._rgb, self._alpha = rgb, alpha


def _flatten(parts: tuple[_Image, ...], tinted: bool) -> tuple[np.ndarray | None, np.ndarray]:
    """Parts composited with "over", bottom first: premultiplied color (``None`` when tinted) and alpha."""
    bottom = parts[0]
    alpha = bottom.alpha
    rgb = None if tinted else bottom.color()
    for part in parts[1:]:
        if part.clear:
            continue
        top = part.alpha
        below = memory.empty(top.shape)
        np.subtract(np.float32(1), top, out=below)
        # Color and alpha in one (height, width, 4) array, as blurs and the output like them.
        mixed = memory.empty((*top.shape, 4))
        if rgb is not None:
            color = part.color()
            for c in range(3):
                np.multiply(rgb[..., c], below, out=mixed[..., c])
                mixed[..., c] += color[..., c]
            rgb = mixed[..., :3]
        np.multiply(below, alpha, out=mixed[..., 3])
        mixed[..., 3] += top
        alpha = mixed[..., 3]
    return rgb, alpha


def _transparent(shape: tuple[int, int], box: Box, linear: bool) -> _Image:
    return _Image(None, np.broadcast_to(np.float32(0), shape), linear, box, clear=True)


def _cropped(image: _Image, box: Box, shape: tuple[int, int]) -> _Image:
    """The image with subregion ``box``: transparent outside it."""
    x0, y0, x1, y1 = box
    if x0 >= x1 or y0 >= y1:
        return _transparent(shape, _EMPTY, image.linear)
    if image.clear or box == (0, 0, shape[1], shape[0]):
        return image.with_box(box)
    if image.parts is not None:
        parts = tuple(_cropped(part, box, shape) for part in image.parts)
        return _Image(None, None, image.linear, box, parts=parts)
    if image.source is not None:
        return _Image.of_source(image.source, box, _intersect(image.window, box) or _EMPTY)
    alpha = memory.zeros(shape)
    alpha[y0:y1, x0:x1] = image.alpha[y0:y1, x0:x1]
    rgb = image.rgb
    if rgb is not None:
        kept = memory.zeros((*shape, 3))
        kept[y0:y1, x0:x1] = rgb[y0:y1, x0:x1]
        rgb = kept
    return _Image(rgb, alpha, image.linear, box, tint=image.tint)


def _in_space(image: _Image, linear: bool, box: Box | None = None) -> _Image:
    """The image in linearRGB or sRGB (conversions work on straight colors).

    :param box: Convert only these pixels (the rest of the result is zero).
    """
    if image.linear == linear:
        return image
    if image.tinted:
        tint = _convert_color(image.tint, linear)
        return _Image(None, image.alpha, linear, image.box, clear=image.clear, tint=tint)
    if linear and image.source is not None and image.source.bgra is not None:
        rgba = image.source.rgba(_intersect(image.window, image.source.box) or _EMPTY, True)
        return _Image(rgba[..., :3], rgba[..., 3], True, image.box)
    rgb, alpha = image.rgb, image.alpha
    assert rgb is not None
    height, width = alpha.shape
    x0, y0, x1, y1 = box or (0, 0, width, height)
    out = memory.empty((height, width, 4))
    if box is not None:
        out[:y0] = 0
        out[y1:] = 0
        out[y0:y1, :x0] = 0
        out[y0:y1, x1:] = 0
    inside = (slice(y0, y1), slice(x0, x1))
    _convert_planes(rgb[inside], alpha[inside], linear, out[inside][..., :3])
    out[inside][..., 3] = alpha[inside]
    return _Image(out[..., :3], out[..., 3], linear, image.box, clear=image.clear)
