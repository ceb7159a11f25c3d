"""Pixels: cairo's ARGB32 to and from float arrays, filter results, sRGB and linearRGB.

Pixels are premultiplied RGBA floats from 0 to 1. A filter result
(:class:`_Image`) whose color is black everywhere keeps its alpha plane only.
Color space conversions work on straight colors, through lookup tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .geometry import Box


def from_argb32(data: object, width: int, height: int, stride: int) -> np.ndarray:
    """cairo's ARGB32 pixels (premultiplied, little-endian BGRA) as premultiplied RGBA floats."""
    raw = np.frombuffer(data, np.uint8).reshape(height, stride // 4, 4)[:, :width]  # type: ignore[call-overload]
    rgba = np.empty((height, width, 4), np.float32)
    for target, source in ((0, 2), (1, 1), (2, 0), (3, 3)):
        np.multiply(raw[..., source], np.float32(1 / 255), out=rgba[..., target], casting="unsafe")
    return rgba


def to_argb32(rgba: np.ndarray) -> np.ndarray:
    """Premultiplied RGBA floats as cairo's ARGB32 pixels: a ``(height, width * 4)`` byte array."""
    height, width = rgba.shape[:2]
    out = np.empty((height, width, 4), np.uint8)
    np.nan_to_num(rgba, copy=False, nan=0.0)  # a safety net: no primitive should make any
    alpha = np.clip(rgba[..., 3], 0.0, 1.0)
    out[..., 3] = alpha * 255 + 0.5
    for target, source in ((2, 0), (1, 1), (0, 2)):
        # A premultiplied channel never exceeds alpha.
        out[..., target] = np.minimum(np.clip(rgba[..., source], 0.0, 1.0), alpha) * 255 + 0.5
    return out.reshape(height, width * 4)


def _srgb_to_linear(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * np.power(np.maximum(v, 0.0031308), 1 / 2.4) - 0.055)


_LUT_SIZE = 4096
_LUT_STEPS = np.linspace(0.0, 1.0, _LUT_SIZE, dtype=np.float64)
_TO_LINEAR = _srgb_to_linear(_LUT_STEPS).astype(np.float32)
_TO_SRGB = _linear_to_srgb(_LUT_STEPS).astype(np.float32)


@dataclass
class _Image:
    """A filter result: premultiplied color (``None`` when black), alpha, its color space and subregion."""

    rgb: np.ndarray | None
    alpha: np.ndarray
    linear: bool
    box: Box
    clear: bool = False  # known to be transparent everywhere

    def color(self) -> np.ndarray:
        if self.rgb is not None:
            return self.rgb
        return np.broadcast_to(np.float32(0), (*self.alpha.shape, 3))


def _unpremultiply(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Straight colors from premultiplied ones (black where transparent), clamped to 0..1."""
    inverse = np.zeros(alpha.shape, np.float32)
    np.divide(np.float32(1), alpha, out=inverse, where=alpha > 0)
    straight = rgb * inverse[..., None]
    return np.clip(straight, 0.0, 1.0, out=straight)


def _in_space(image: _Image, linear: bool) -> _Image:
    """The image in linearRGB or sRGB (conversions work on straight colors)."""
    if image.linear == linear:
        return image
    if image.rgb is None:
        return _Image(None, image.alpha, linear, image.box, image.clear)
    table = _TO_LINEAR if linear else _TO_SRGB
    straight = _unpremultiply(image.rgb, image.alpha)
    straight *= _LUT_SIZE - 1
    straight += 0.5
    converted = table.take(straight.astype(np.uint16))
    converted *= image.alpha[..., None]
    return _Image(converted, image.alpha, linear, image.box, image.clear)
