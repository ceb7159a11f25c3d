"""Compositing two filter results: feComposite's operators and feBlend's modes.

Porter-Duff operators and ``arithmetic`` work on premultiplied colors; blend
modes follow W3C Compositing and Blending on straight ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import memory
from .image import _Image
from .pixels import BLACK, _unpremultiply

_COMPOSITE_OPERATORS = frozenset({"over", "in", "out", "atop", "xor", "arithmetic", "lighter"})
_SEPARABLE_BLENDS = frozenset(
    {
        "normal", "multiply", "screen", "overlay", "darken", "lighten", "color-dodge", "color-burn",
        "hard-light", "soft-light", "difference", "exclusion",
    }
)  # fmt: skip
_BLEND_MODES = _SEPARABLE_BLENDS | {"hue", "saturation", "color", "luminosity"}


def _composite(a: _Image, b: _Image, operator: str, k: Sequence[float]) -> _Image:
    """Porter-Duff (and arithmetic) compositing of ``a`` (``in``) with ``b`` (``in2``).

    "over" is not computed here: it makes a stack, composited when its
    pixels are read (or painted part by part when it is the last result).
    A result whose color can only be one operand's tint stays tinted.
    """
    linear = a.linear
    if operator == "over":
        if b.clear:
            return a
        if a.clear:
            return b
        return _Image.stack(b, a)

    def same_tint() -> bool:
        return a.tinted and b.tinted and a.tint == b.tint

    if operator == "arithmetic":
        k1, k2, k3, k4 = k
        terms = ((k1, a.alpha * b.alpha if k1 else None), (k2, a.alpha), (k3, b.alpha))
        alpha = _sum(terms, k4, a.alpha.shape)
        if k4 <= 0 and same_tint() and a.tint == BLACK:
            return _Image(None, alpha, linear, a.box)
        ca, cb = a.color(), b.color()
        rgb = _sum(((k1, ca * cb if k1 else None), (k2, ca), (k3, cb)), k4, ca.shape)
        return _Image(np.minimum(rgb, alpha[..., None]), alpha, linear, a.box)
    if operator == "in":
        fa, fb = b.alpha, None
    elif operator == "out":
        fa, fb = _complement(b.alpha), None
    elif operator == "atop":
        fa, fb = b.alpha, _complement(a.alpha)
    elif operator == "xor":
        fa, fb = _complement(b.alpha), _complement(a.alpha)
    else:  # lighter
        alpha = np.minimum(a.alpha + b.alpha, np.float32(1))
        if same_tint() and a.tint == BLACK:
            return _Image(None, alpha, linear, a.box)
        return _Image(np.minimum(a.color() + b.color(), np.float32(1)), alpha, linear, a.box)
    alpha = _product(a.alpha, fa)
    if fb is not None:
        alpha += _product(b.alpha, fb)
    if a.tinted and (fb is None or same_tint()):
        # Only a's color shows, or both operands have the same one.
        return _Image(None, alpha, linear, a.box, tint=a.tint)
    rgb = memory.empty((*alpha.shape, 3))
    color_a = a.color()
    color_b = b.color() if fb is not None else None
    for c in range(3):  # channel by channel: numpy broadcasts over a last axis of 3 slowly
        np.multiply(color_a[..., c], fa, out=rgb[..., c])
        if color_b is not None:
            rgb[..., c] += color_b[..., c] * fb
    return _Image(rgb, alpha, linear, a.box)


def _complement(alpha: np.ndarray) -> np.ndarray:
    """``1 - alpha``."""
    return np.subtract(np.float32(1), alpha, out=memory.empty(alpha.shape))


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.multiply(a, b, out=memory.empty(np.broadcast_shapes(a.shape, b.shape)))


def _sum(terms: Sequence[tuple[float, np.ndarray | None]], constant: float, shape: tuple[int, ...]) -> np.ndarray:
    """``sum(k * plane) + constant`` clamped to 0..1 (float32), skipping zero coefficients."""
    used = [(weight, plane) for weight, plane in terms if weight and plane is not None]
    out = memory.empty(shape)
    if [weight for weight, _ in used] in ([1, -1], [-1, 1]):
        # Figma's inner shadow: k2 = -1, k3 = 1, one subtraction.
        (first, a), (_, b) = used
        if first == 1:
            np.subtract(a, b, out=out)
        else:
            np.subtract(b, a, out=out)
        used = []
    else:
        out.fill(0)
    for weight, plane in used:
        if weight == 1:
            out += plane
        elif weight == -1:
            out -= plane
        else:
            out += np.multiply(plane, np.float32(weight), out=memory.empty(shape))
    if constant:
        out += np.float32(constant)
    return np.clip(out, np.float32(0), np.float32(1), out=out)


def _blend_channel(mode: str, cb: np.ndarray, cs: np.ndarray) -> np.ndarray:
    """The separable blend function B(Cb, Cs) on straight colors (W3C Compositing and Blending)."""
    if mode == "multiply":
        return cb * cs
    if mode == "screen":
        return cb + cs - cb * cs
    if mode == "overlay":
        return _blend_channel("hard-light", cs, cb)
    if mode == "darken":
        return np.minimum(cb, cs)
    if mode == "lighten":
        return np.maximum(cb, cs)
    if mode == "color-dodge":
        with np.errstate(divide="ignore", invalid="ignore"):
            dodge = np.where(cs >= 1, 1.0, np.minimum(1.0, cb / np.maximum(1 - cs, 1e-12)))
        return np.where(cb <= 0, 0.0, dodge)
    if mode == "color-burn":
        with np.errstate(divide="ignore", invalid="ignore"):
            burn = np.where(cs <= 0, 0.0, 1 - np.minimum(1.0, (1 - cb) / np.maximum(cs, 1e-12)))
        return np.where(cb >= 1, 1.0, burn)
    if mode == "hard-light":
        return np.where(cs <= 0.5, cb * 2 * cs, _blend_channel("screen", cb, 2 * cs - 1))
    if mode == "soft-light":
        d = np.where(cb <= 0.25, ((16 * cb - 12) * cb + 4) * cb, np.sqrt(cb))
        return np.where(cs <= 0.5, cb - (1 - 2 * cs) * cb * (1 - cb), cb + (2 * cs - 1) * (d - cb))
    if mode == "difference":
        return np.abs(cb - cs)
    if mode == "exclusion":
        return cb + cs - 2 * cb * cs
    return cs  # normal


def _lum(c: np.ndarray) -> np.ndarray:
    return 0.3 * c[..., 0] + 0.59 * c[..., 1] + 0.11 * c[..., 2]


def _set_lum(c: np.ndarray, lum: np.ndarray) -> np.ndarray:
    c = c + (lum - _lum(c))[..., None]
    lightness = _lum(c)[..., None]
    low, high = c.min(axis=-1, keepdims=True), c.max(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(low < 0, lightness + (c - lightness) * lightness / np.maximum(lightness - low, 1e-12), c)
        c = np.where(high > 1, lightness + (c - lightness) * (1 - lightness) / np.maximum(high - lightness, 1e-12), c)
    return c


def _set_sat(c: np.ndarray, saturation: np.ndarray) -> np.ndarray:
    low, high = c.min(axis=-1, keepdims=True), c.max(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(high > low, (c - low) * saturation[..., None] / np.maximum(high - low, 1e-12), 0.0)


def _blend(source: _Image, backdrop: _Image, mode: str) -> _Image:
    """``in`` (source) blended onto ``in2`` (backdrop): co = cs(1-ab) + cb(1-as) + as ab B(Cb, Cs)."""
    if mode == "normal" or source.clear or backdrop.clear:
        return _composite(source, backdrop, "over", ())
    as_, ab = source.alpha[..., None], backdrop.alpha[..., None]
    cs, cb = source.color(), backdrop.color()
    alpha = source.alpha + backdrop.alpha - source.alpha * backdrop.alpha
    if mode == "multiply":
        mixed = cs * cb
    elif mode == "screen":
        mixed = cs * ab + cb * as_ - cs * cb
    elif mode in ("darken", "lighten"):
        pick = np.minimum if mode == "darken" else np.maximum
        mixed = pick(cs * ab, cb * as_)
    else:
        straight_s, straight_b = _unpremultiply(cs, source.alpha), _unpremultiply(cb, backdrop.alpha)
        if mode in _SEPARABLE_BLENDS:
            blended = _blend_channel(mode, straight_b, straight_s)
        elif mode == "hue":
            blended = _set_lum(_set_sat(straight_s, _sat(straight_b)), _lum(straight_b))
        elif mode == "saturation":
            blended = _set_lum(_set_sat(straight_b, _sat(straight_s)), _lum(straight_b))
        elif mode == "color":
            blended = _set_lum(straight_s, _lum(straight_b))
        else:  # luminosity
            blended = _set_lum(straight_b, _lum(straight_s))
        mixed = as_ * ab * blended
    rgb = cs * (1 - ab) + cb * (1 - as_) + mixed
    rgb = np.minimum(np.clip(rgb, 0.0, 1.0), alpha[..., None]).astype(np.float32)
    return _Image(rgb, alpha.astype(np.float32), source.linear, source.box)


def _sat(c: np.ndarray) -> np.ndarray:
    return c.max(axis=-1) - c.min(axis=-1)
