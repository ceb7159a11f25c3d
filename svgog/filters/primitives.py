"""The single-input pixel primitives: feOffset, feColorMatrix, feComponentTransfer, feMorphology.

Each takes a filter result and returns a new one. feGaussianBlur is in
:mod:`.blur`; feComposite, feBlend and feMerge are in :mod:`.compositing`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from . import memory
from .image import _Image
from .pixels import BLACK, _unpremultiply
from .spec import Primitive
from .values import _number, _numbers


def _shift(x: np.ndarray, dx: int, dy: int) -> np.ndarray:
    out = memory.empty(x.shape)
    height, width = x.shape[:2]
    if abs(dx) >= width or abs(dy) >= height:
        out[...] = 0
        return out
    top, bottom, left, right = max(dy, 0), height + min(dy, 0), max(dx, 0), width + min(dx, 0)
    # Only the strips the move uncovers are cleared.
    out[:top] = 0
    out[bottom:] = 0
    out[top:bottom, :left] = 0
    out[top:bottom, right:] = 0
    out[top:bottom, left:right] = x[max(-dy, 0) : height + min(-dy, 0), max(-dx, 0) : width + min(-dx, 0)]
    return out


def _offset(image: _Image, dx: int, dy: int) -> _Image:
    """feOffset by whole device pixels."""
    if image.clear or (dx == 0 and dy == 0):
        return image
    rgb = image.rgb
    moved = _shift(rgb, dx, dy) if rgb is not None else None
    return _Image(moved, _shift(image.alpha, dx, dy), image.linear, image.box, tint=image.tint)


def _affine(terms: list[tuple[np.ndarray, float]], constant: float, shape: tuple[int, int]) -> np.ndarray:
    """``sum(plane * weight) + constant`` clamped to 0..1, in float32, skipping zero weights."""
    out: np.ndarray | None = None
    for plane, weight in terms:
        if weight == 0:
            continue
        if out is None:
            out = np.multiply(plane, np.float32(weight), out=memory.empty(shape))
        else:
            out += np.multiply(plane, np.float32(weight), out=memory.empty(shape))
    if out is None:
        out = memory.empty(shape)
        out.fill(min(max(constant, 0.0), 1.0))
        return out
    if constant:
        out += np.float32(constant)
    elif len(terms) == 1 and 0 <= terms[0][1] <= 1:
        return out  # a plane from 0 to 1 scaled down stays there (Figma's shadow opacity)
    return np.clip(out, np.float32(0), np.float32(1), out=out)


def _color_matrix(image: _Image, matrix: np.ndarray) -> _Image:
    """A 4x5 matrix over straight RGBA (offsets in the fifth column), clamped, premultiplied again.

    A tinted input is one straight color wherever it is not transparent: its
    channels are constants there, so the matrix is an affine function of
    alpha. When the output's color does not depend on alpha either (Figma's
    shadow color: offsets only), the result is tinted too and only the
    alpha plane is computed.
    """
    alpha = image.alpha
    shape = alpha.shape
    if image.tinted:
        tint = np.array(image.tint, np.float64)
        through_color = matrix[:, :3] @ tint  # what the tint adds to each output channel where alpha > 0
        constant_color = not np.any(matrix[:3, 3])
        # Where alpha is 0 the straight color is black: the alpha row must not see the tint, and a
        # color that differs there must be hidden by a zero alpha.
        if through_color[3] == 0 and constant_color:
            color = np.clip(through_color[:3] + matrix[:3, 4], 0.0, 1.0)
            hidden = min(max(matrix[3, 4], 0.0), 1.0) == 0
            if hidden or np.array_equal(color, np.clip(matrix[:3, 4], 0.0, 1.0)):
                out_alpha = _affine([(alpha, matrix[3, 3])], matrix[3, 4], shape)
                tint_out = (float(color[0]), float(color[1]), float(color[2]))
                return _Image(None, out_alpha, image.linear, image.box, tint=tint_out)
    straight = _unpremultiply(image.color(), alpha)
    planes = [straight[..., 0], straight[..., 1], straight[..., 2], alpha]
    out = [_affine(list(zip(planes, matrix[k, :4].tolist())), float(matrix[k, 4]), shape) for k in range(4)]
    if not np.any(matrix[:3]):
        return _Image(None, out[3], image.linear, image.box)
    rgb = memory.empty((*shape, 3))
    for k in range(3):
        np.multiply(out[k], out[3], out=rgb[..., k])
    return _Image(rgb, out[3], image.linear, image.box)


def _matrix_of(attrs: Mapping[str, str]) -> np.ndarray:
    """The 4x5 matrix of an feColorMatrix (identity for missing or malformed values)."""
    kind = (attrs.get("type") or "matrix").strip()
    values = _numbers(attrs.get("values"))
    identity = np.eye(4, 5, dtype=np.float64)
    if kind == "saturate":
        s = values[0] if values else 1.0
        return np.array(
            [
                [0.213 + 0.787 * s, 0.715 - 0.715 * s, 0.072 - 0.072 * s, 0, 0],
                [0.213 - 0.213 * s, 0.715 + 0.285 * s, 0.072 - 0.072 * s, 0, 0],
                [0.213 - 0.213 * s, 0.715 - 0.715 * s, 0.072 + 0.928 * s, 0, 0],
                [0, 0, 0, 1, 0],
            ]
        )
    if kind == "hueRotate":
        angle = math.radians(values[0] if values else 0.0)
        c, s = math.cos(angle), math.sin(angle)
        return np.array(
            [
                [0.213 + c * 0.787 - s * 0.213, 0.715 - c * 0.715 - s * 0.715, 0.072 - c * 0.072 + s * 0.928, 0, 0],
                [0.213 - c * 0.213 + s * 0.143, 0.715 + c * 0.285 + s * 0.140, 0.072 - c * 0.072 - s * 0.283, 0, 0],
                [0.213 - c * 0.213 - s * 0.787, 0.715 - c * 0.715 + s * 0.715, 0.072 + c * 0.928 + s * 0.072, 0, 0],
                [0, 0, 0, 1, 0],
            ]
        )
    if kind == "luminanceToAlpha":
        matrix = np.zeros((4, 5))
        matrix[3, :3] = (0.2125, 0.7154, 0.0721)
        return matrix
    if kind == "matrix" and values is not None and len(values) == 20:
        return np.array(values, np.float64).reshape(4, 5)
    return identity


def _transfer(attrs: Mapping[str, str]) -> Callable[[np.ndarray], np.ndarray] | None:
    """An feFuncX as a function on straight channel values; ``None`` for identity."""
    kind = (attrs.get("type") or "identity").strip()
    if kind in ("table", "discrete"):
        table = _numbers(attrs.get("tableValues"))
        if not table:
            return None
        values = np.array(table, np.float32)
        if kind == "table":
            if len(values) == 1:
                return lambda c: np.full_like(c, values[0])
            steps = np.linspace(0.0, 1.0, len(values), dtype=np.float32)
            return lambda c: np.interp(c, steps, values).astype(np.float32)
        n = len(values)
        return lambda c: values[np.minimum((c * n).astype(np.int32), n - 1)]
    if kind == "linear":
        slope, intercept = _number(attrs.get("slope"), 1.0), _number(attrs.get("intercept"), 0.0)
        return lambda c: np.float32(slope) * c + np.float32(intercept)
    if kind == "gamma":
        amplitude = np.float32(_number(attrs.get("amplitude"), 1.0))
        exponent = np.float32(_number(attrs.get("exponent"), 1.0))
        offset = np.float32(_number(attrs.get("offset"), 0.0))
        return lambda c: amplitude * np.power(c, exponent) + offset
    return None


def _component_transfer(image: _Image, primitive: Primitive) -> _Image:
    """feComponentTransfer: a function per channel of the straight colors, then premultiplied again."""
    functions: dict[str, Callable[[np.ndarray], np.ndarray] | None] = {}
    for child in primitive.children:
        if child.tag in ("feFuncR", "feFuncG", "feFuncB", "feFuncA"):
            functions[child.tag[-1]] = _transfer(child.attrs)  # the last of each wins
    if not any(functions.values()):
        return image
    alpha = image.alpha
    fa = functions.get("A")
    out_alpha = np.clip(fa(alpha), 0.0, 1.0).astype(np.float32) if fa else alpha
    color_functions = [functions.get(c) for c in "RGB"]
    zero = np.zeros(1, np.float32)
    if image.tinted and image.tint == BLACK and all(f is None or float(f(zero)[0]) <= 0 for f in color_functions):
        return _Image(None, out_alpha, image.linear, image.box)
    straight = _unpremultiply(image.color(), alpha)
    rgb = np.empty((*alpha.shape, 3), np.float32)
    for i, function in enumerate(color_functions):
        channel = straight[..., i] if function is None else np.clip(function(straight[..., i]), 0.0, 1.0)
        rgb[..., i] = channel * out_alpha
    return _Image(rgb, out_alpha, image.linear, image.box)


def _window_extreme(x: np.ndarray, radius: int, dilate: bool) -> np.ndarray:
    """The max (dilate) or min (erode) over ``[i - radius, i + radius]`` along axis 0.

    Van Herk/Gil-Werman: running extremes within blocks of the window's size,
    forwards and backwards, so the cost does not depend on the radius.
    Beyond the edges is transparent.
    """
    n = x.shape[0]
    if radius <= 0:
        return x
    size = 2 * radius + 1
    blocks = -(-(n + 2 * radius) // size)
    padded = np.zeros((blocks * size, *x.shape[1:]), np.float32)
    padded[radius : radius + n] = x
    shaped = padded.reshape(blocks, size, *x.shape[1:])
    accumulate = np.maximum.accumulate if dilate else np.minimum.accumulate
    forward = accumulate(shaped, axis=1).reshape(padded.shape)
    backward = accumulate(shaped[:, ::-1], axis=1)[:, ::-1].reshape(padded.shape)
    # Window [j, j + size - 1] in padded coordinates, for j = i: backward[j] covers j..end of its
    # block, forward[j + size - 1] covers the start of the next block..j + size - 1.
    combine = np.maximum if dilate else np.minimum
    return combine(backward[:n], forward[size - 1 : size - 1 + n])


def _morphology(image: _Image, rx: int, ry: int, dilate: bool) -> _Image:
    """feMorphology: each premultiplied channel's extreme over a (2 rx + 1) x (2 ry + 1) rectangle."""
    if rx <= 0 and ry <= 0:
        return image
    height, width = image.alpha.shape
    rx, ry = min(rx, width), min(ry, height)

    def both(x: np.ndarray) -> np.ndarray:
        x = np.moveaxis(_window_extreme(np.moveaxis(x, 1, 0), rx, dilate), 0, 1)
        return _window_extreme(x, ry, dilate)

    rgb = image.rgb
    rgb = both(rgb) if rgb is not None else None
    return _Image(rgb, both(image.alpha), image.linear, image.box, tint=image.tint)
