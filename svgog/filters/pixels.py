"""Pixels: cairo's ARGB32 to and from float arrays, the element's own pixels, sRGB and linearRGB.

Pixels are premultiplied RGBA floats (float32) from 0 to 1. The element as
cairo drew it (:class:`_Source`) stays in cairo's bytes until a primitive
asks for a float plane, and only the planes asked for are converted: a
shadow chain reads the alpha plane alone. Color space conversions work on
straight colors, through lookup tables.
"""

from __future__ import annotations

import numpy as np

from . import memory
from .geometry import Box

#: A straight sRGB or linearRGB color, each channel from 0 to 1.
Color = tuple[float, float, float]
BLACK: Color = (0.0, 0.0, 0.0)

_BYTE = np.float32(1 / 255)


def from_argb32(data: object, width: int, height: int, stride: int) -> np.ndarray:
    """cairo's ARGB32 pixels (premultiplied, little-endian BGRA) as premultiplied RGBA floats."""
    raw = _bgra(data, width, height, stride)
    rgba = np.empty((height, width, 4), np.float32)
    for target, source in ((0, 2), (1, 1), (2, 0), (3, 3)):
        np.multiply(raw[..., source], _BYTE, out=rgba[..., target], casting="unsafe")
    return rgba


def to_argb32(rgba: np.ndarray) -> np.ndarray:
    """Premultiplied RGBA floats as cairo's ARGB32 pixels: a ``(height, width * 4)`` byte array."""
    with np.errstate(invalid="ignore"):  # a NaN casts to 0
        return np.array(_to_bgra(rgba[..., :3], rgba[..., 3]))


def _bgra(data: object, width: int, height: int, stride: int) -> np.ndarray:
    """A ``(height, width, 4)`` view of cairo's ARGB32 bytes (writable when ``data`` is)."""
    return np.frombuffer(data, np.uint8).reshape(height, stride // 4, 4)[:, :width]  # type: ignore[call-overload]


def _to_bytes(plane: np.ndarray, out: np.ndarray) -> None:
    """Floats from 0 to 1 (already clamped) as rounded bytes into ``out``."""
    scaled = memory.empty(plane.shape)
    np.multiply(plane, np.float32(255), out=scaled)
    scaled += np.float32(0.5)
    np.copyto(out, scaled, casting="unsafe")


def _to_bgra(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Premultiplied color and alpha as cairo's ARGB32 bytes, ``(height, width * 4)``.

    Values are clamped to 0..1 and colors to their alpha (a premultiplied
    channel never exceeds it); a stray NaN, which no primitive makes,
    becomes 0.
    """
    height, width = alpha.shape
    out = memory.empty((height, width, 4), np.uint8)
    rgba = _joined(rgb, alpha)
    if rgba is not None:
        # One array: scaled, rounded and clamped in whole passes, then cast into BGRA order.
        scaled = memory.empty(rgba.shape)
        np.multiply(rgba, np.float32(255), out=scaled)
        scaled += np.float32(0.5)
        np.clip(scaled, np.float32(0), np.float32(255.5), out=scaled)
        np.copyto(out[..., :3], scaled[..., 2::-1], casting="unsafe")
        np.copyto(out[..., 3], scaled[..., 3], casting="unsafe")
        for c in range(3):
            np.minimum(out[..., c], out[..., 3], out=out[..., c])
        return out.reshape(height, width * 4)
    clamped = _clamped(alpha)
    _to_bytes(clamped, out[..., 3])
    channel = memory.empty(clamped.shape)
    for target, source in ((2, 0), (1, 1), (0, 2)):
        np.fmax(rgb[..., source], np.float32(0), out=channel)
        np.fmin(channel, clamped, out=channel)
        _to_bytes(channel, out[..., target])
    return out.reshape(height, width * 4)


def _joined(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray | None:
    """The ``(height, width, 4)`` array whose channels ``rgb`` and ``alpha`` are, if they are views of one."""
    if rgb.dtype != np.float32 or alpha.dtype != np.float32 or rgb.ndim != 3:
        return None
    itemsize = 4
    pixel = 4 * itemsize
    if rgb.strides[1:] != (pixel, itemsize) or alpha.strides != rgb.strides[:2]:
        return None
    if alpha.__array_interface__["data"][0] != rgb.__array_interface__["data"][0] + 3 * itemsize:
        return None
    return np.lib.stride_tricks.as_strided(rgb, (*alpha.shape, 4), rgb.strides)


def _to_mask(alpha: np.ndarray) -> np.ndarray:
    """An alpha plane as cairo's A8 bytes, rows padded to a multiple of 4 bytes: ``(height, stride)``."""
    height, width = alpha.shape
    out = memory.empty((height, -(-width // 4) * 4), np.uint8)
    out[:, width:] = 0
    # Unclamped: a tinted image's alpha never leaves 0..1 by more than float rounding
    # (every primitive keeps it there), which rounds to 0 or 255 all the same.
    scaled = memory.empty(alpha.shape)
    np.multiply(alpha, np.float32(255), out=scaled)
    scaled += np.float32(0.5)
    np.copyto(out[:, :width], scaled, casting="unsafe")
    return out


def _clamped(plane: np.ndarray) -> np.ndarray:
    """A plane clamped to 0..1 (a NaN becomes 0)."""
    out = memory.empty(plane.shape)
    np.fmax(plane, np.float32(0), out=out)
    return np.fmin(out, np.float32(1), out=out)


class _Source:
    """The element as drawn, over the work area, clipped to the filter region.

    Holds cairo's bytes (``bgra``, so the unfiltered element can be painted
    as it is) or, from :func:`~svgog.filters.apply`, float RGBA. Float
    planes are made on first use, zero outside the box asked for (within
    ``box``, outside which the pixels were cleared), and kept until
    :meth:`release`.
    """

    def __init__(self, box: Box, bgra: np.ndarray | None = None, rgba: np.ndarray | None = None) -> None:
        self.box = box
        self.bgra = bgra
        self._rgba = rgba
        self._planes: dict[tuple[str, Box], np.ndarray] = {}
        self._tint: Color | None | bool = False  # False: not looked for yet

    @property
    def shape(self) -> tuple[int, int]:
        pixels = self.bgra if self.bgra is not None else self._rgba
        assert pixels is not None
        return pixels.shape[0], pixels.shape[1]

    def alpha(self, box: Box) -> np.ndarray:
        """The alpha plane, zero outside ``box`` (within the source's box)."""
        return self._plane("alpha", box)

    def rgba(self, box: Box, linear: bool = False) -> np.ndarray:
        """Premultiplied RGBA ``(height, width, 4)``, zero outside ``box``, in sRGB or linearRGB.

        From cairo's bytes, linearRGB is one lookup per channel by the
        channel's byte and alpha's byte, in a table made by the per-pixel
        conversion itself (:func:`_in_space`'s), so it is that conversion's
        result to the bit, at a fraction of its cost.
        """
        return self._plane("linear" if linear else "rgba", box)

    def _plane(self, kind: str, box: Box) -> np.ndarray:
        key = (kind, box)
        plane = self._planes.get(key)
        if plane is None:
            x0, y0, x1, y1 = box
            plane = memory.empty((*self.shape, *(() if kind == "alpha" else (4,))))
            _clear_outside(plane, box)
            inside = plane[y0:y1, x0:x1]
            if self._rgba is not None:
                rgba = self._rgba[y0:y1, x0:x1]
                if kind == "alpha":
                    inside[...] = rgba[..., 3]
                elif kind == "rgba":
                    inside[...] = rgba
                else:
                    inside[..., :3] = _convert_planes(rgba[..., :3], rgba[..., 3], True)
                    inside[..., 3] = rgba[..., 3]
                self._planes[key] = plane
                return plane
            assert self.bgra is not None
            pixels = self.bgra[y0:y1, x0:x1]
            if kind == "alpha":
                np.multiply(pixels[..., 3], _BYTE, out=inside, casting="unsafe")
            elif kind == "rgba":
                for target, source in ((0, 2), (1, 1), (2, 0), (3, 3)):
                    np.multiply(pixels[..., source], _BYTE, out=inside[..., target], casting="unsafe")
            else:
                table = _linear_table().ravel()
                index = memory.empty(inside.shape[:2], np.uint16)
                by_alpha = memory.empty(inside.shape[:2], np.uint16)
                np.left_shift(pixels[..., 3], 8, out=by_alpha, dtype=np.uint16)
                looked_up = memory.empty(inside.shape[:2])
                for target, source in ((0, 2), (1, 1), (2, 0)):
                    np.add(by_alpha, pixels[..., source], out=index)
                    # Into a contiguous plane first: take writes strided output several times slower.
                    np.take(table, index, out=looked_up, mode="wrap")
                    inside[..., target] = looked_up
                np.multiply(pixels[..., 3], _BYTE, out=inside[..., 3], casting="unsafe")
            self._planes[key] = plane
        return plane

    def tint(self) -> Color | None:
        """The element's one straight color, when every pixel is that color times its alpha.

        A shape filled with one flat color has it, up to the rounding of
        8-bit premultiplied channels: each channel may be off by one level
        (its premultiplied value is one level from the color times the
        alpha). Such an element is blurred or moved as an alpha plane and a
        color. ``None`` for anything else (gradients, images, several colors).
        """
        if self._tint is False:
            self._tint = self._find_tint()
        return self._tint  # type: ignore[return-value]

    def _find_tint(self) -> Color | None:
        if self.bgra is None:
            return None
        x0, y0, x1, y1 = self.box
        pixels = self.bgra[y0:y1, x0:x1]
        alpha = pixels[..., 3]
        if alpha.size == 0:
            return BLACK
        row, column = np.unravel_index(int(np.argmax(alpha)), alpha.shape)
        top = int(alpha[row, column])
        if top == 0:
            return BLACK
        # BGRA bytes; the straight color of the most opaque pixel.
        straight = [float(pixels[row, column, 2 - c]) / top for c in range(3)]
        if top == 255 and _exactly_tinted(pixels, pixels[row, column]):
            return (straight[0], straight[1], straight[2])
        # A sample of rows first, so a many-colored element costs little.
        for rows in (slice(None, None, 7), slice(None)):
            sample_alpha = memory.empty(alpha[rows].shape)
            np.copyto(sample_alpha, alpha[rows])
            off = memory.empty(sample_alpha.shape)
            for c in range(3):
                np.multiply(sample_alpha, np.float32(straight[c]), out=off)
                off -= pixels[rows, :, 2 - c]
                if off.max(initial=0.0) > 1.0 or off.min(initial=0.0) < -1.0:
                    return None
        return (straight[0], straight[1], straight[2])

    def release(self) -> None:
        """Let the float planes made so far go."""
        self._planes.clear()


def _exactly_tinted(pixels: np.ndarray, opaque: np.ndarray) -> bool:
    """Whether every BGRA pixel is the opaque color ``opaque`` times its alpha, rounded as cairo rounds.

    One lookup by alpha and one comparison of whole pixels: that is how a
    flat shape drawn alone comes out, so most tinted elements are found cheaply.
    """
    levels = np.arange(256, dtype=np.uint32)
    table = np.empty((256, 4), np.uint8)
    for c in range(3):
        # cairo's color * alpha / 255 on bytes (its mul8: t = a * b + 0x7f, ((t >> 8) + t) >> 8).
        product = int(opaque[c]) * levels + 0x7F
        table[:, c] = ((product >> 8) + product) >> 8
    table[:, 3] = levels
    expected = memory.empty(pixels.shape[:2], np.uint32)
    np.take(table.view(np.uint32)[:, 0], pixels[..., 3], out=expected, mode="clip")
    return bool(np.array_equal(pixels.view(np.uint32)[..., 0], expected))


def _clear_outside(plane: np.ndarray, box: Box) -> None:
    x0, y0, x1, y1 = box
    plane[:y0] = 0
    plane[y1:] = 0
    plane[y0:y1, :x0] = 0
    plane[y0:y1, x1:] = 0


_LINEAR_TABLE: np.ndarray | None = None


def _linear_table() -> np.ndarray:
    """Premultiplied linearRGB of each (alpha byte, channel byte), from :func:`_unpremultiply` and :func:`_convert`."""
    global _LINEAR_TABLE
    if _LINEAR_TABLE is None:
        alpha = np.arange(256, dtype=np.float32)[:, None] * _BYTE
        channel = np.arange(256, dtype=np.float32)[None, :] * _BYTE
        rgb = np.broadcast_to(channel, (256, 256))[..., None]
        straight = _unpremultiply(np.ascontiguousarray(rgb), np.ascontiguousarray(np.broadcast_to(alpha, (256, 256))))
        table = _convert(straight, True)[..., 0] * alpha
        _LINEAR_TABLE = np.ascontiguousarray(table, np.float32)
    return _LINEAR_TABLE


def _srgb_to_linear(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * np.power(np.maximum(v, 0.0031308), 1 / 2.4) - 0.055)


_LUT_SIZE = 4096
_LUT_STEPS = np.linspace(0.0, 1.0, _LUT_SIZE, dtype=np.float64)
_TO_LINEAR = _srgb_to_linear(_LUT_STEPS).astype(np.float32)
_TO_SRGB = _linear_to_srgb(_LUT_STEPS).astype(np.float32)


def _convert(straight: np.ndarray, linear: bool) -> np.ndarray:
    """Straight colors (0..1, float32) into linearRGB or sRGB through the lookup tables (``straight`` is spoiled)."""
    table = _TO_LINEAR if linear else _TO_SRGB
    straight *= _LUT_SIZE - 1
    straight += 0.5
    index = memory.empty(straight.shape, np.uint16)
    np.copyto(index, straight, casting="unsafe")
    out = memory.empty(straight.shape)
    return np.take(table, index, out=out, mode="clip")


def _convert_color(color: Color, linear: bool) -> Color:
    """One straight color into linearRGB or sRGB, through the same tables as a picture's pixels."""
    c = _convert(np.clip(np.array(color, np.float32), 0.0, 1.0), linear)
    return (float(c[0]), float(c[1]), float(c[2]))


def _convert_planes(rgb: np.ndarray, alpha: np.ndarray, linear: bool, out: np.ndarray | None = None) -> np.ndarray:
    """Premultiplied colors into linearRGB or sRGB (straight colors through the tables, premultiplied again)."""
    if out is None:
        out = memory.empty(rgb.shape)
    inverse = _inverse(alpha)
    straight = memory.empty(alpha.shape)
    for c in range(3):
        np.multiply(rgb[..., c], inverse, out=straight)
        np.clip(straight, np.float32(0), np.float32(1), out=straight)
        np.multiply(_convert(straight, linear), alpha, out=out[..., c])
    return out


def _inverse(alpha: np.ndarray) -> np.ndarray:
    """``1 / alpha``, and 0 where alpha is 0."""
    inverse = memory.empty(alpha.shape)
    np.maximum(alpha, np.float32(1e-30), out=inverse)
    np.divide(np.float32(1), inverse, out=inverse)
    return np.multiply(inverse, alpha > 0, out=inverse)


def _unpremultiply(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Straight colors from premultiplied ones (black where transparent), clamped to 0..1."""
    inverse = _inverse(alpha)
    straight = memory.empty(rgb.shape)
    for c in range(rgb.shape[-1]):
        np.multiply(rgb[..., c], inverse, out=straight[..., c])
    return np.clip(straight, np.float32(0), np.float32(1), out=straight)
