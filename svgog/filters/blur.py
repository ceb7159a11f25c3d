"""feGaussianBlur: the spec's three box blurs (a true Gaussian for small deviations).

Box blurs come from running sums, so a blur costs time linear in the pixels
whatever its deviation; feDropShadow's blur and move are one step here too.
"""

from __future__ import annotations

import math

import numpy as np

from .pixels import _Image


def _box_size(sigma: float) -> int:
    """The spec's box size for three box blurs approximating a Gaussian."""
    return int(math.floor(sigma * 3 * math.sqrt(2 * math.pi) / 4 + 0.5))


def _blur_reach(sigma: float) -> int:
    if sigma <= 0:
        return 0
    if sigma < 2.0:
        return math.ceil(3 * sigma) + 1
    return 3 * (_box_size(sigma) // 2 + 1)


def _gaussian_pass(x: np.ndarray, sigma: float, out: np.ndarray) -> None:
    """A true Gaussian along axis 0 into ``out`` (small deviations, where three boxes are too coarse)."""
    radius = max(1, math.ceil(3 * sigma))
    offsets = np.arange(-radius, radius + 1)
    weights = np.exp(-(offsets**2) / (2 * sigma * sigma))
    weights /= weights.sum()
    n = x.shape[0]
    padded = np.zeros((n + 2 * radius, *x.shape[1:]), np.float32)
    padded[radius : radius + n] = x
    out[...] = 0
    for i, weight in enumerate(weights):
        out += np.float32(weight) * padded[i : i + n]


def _box_terms(sigma: float) -> tuple[list[tuple[int, int]], int]:
    """Three box blurs as signed taps on the triple running sum, and their divisor.

    A box over ``[i - before, i + after]`` is ``S[i + after] - S[i - before - 1]``
    for the running sum ``S``; three of them expand to eight taps on the
    third running sum. The spec's boxes: three of size d centred on the pixel
    when d is odd; when it is even, one centred on the pixel's left edge, one
    on its right edge, then one of size d + 1 centred on it.
    """
    d = _box_size(sigma)
    half = d // 2
    if d % 2:
        boxes = [(half, half)] * 3
        divisor = d**3
    else:
        boxes = [(half, half - 1), (half - 1, half), (half, half)]
        divisor = d * d * (d + 1)
    terms: dict[int, int] = {}
    for choice in range(8):
        offset, sign = 0, 1
        for k, (before, after) in enumerate(boxes):
            if choice >> k & 1:
                offset, sign = offset - before - 1, -sign
            else:
                offset += after
        terms[offset] = terms.get(offset, 0) + sign
    return [(offset, sign) for offset, sign in terms.items() if sign], divisor


#: Values per chunk of a blur's running sums (float64): bounds its scratch memory.
_CHUNK = 1 << 17


def _three_boxes(x: np.ndarray, sigma: float, out: np.ndarray) -> None:
    """The spec's three box blurs along axis 0 into ``out``, transparent beyond the ends.

    Computed from the third running sum of the pixels, so the cost is linear
    in the pixels whatever the deviation, and nothing is lost at the edges:
    what the first box spreads past an end the next ones bring back, as if
    the axis went on (transparent) forever. Beyond the last pixel the running
    sums continue as polynomials, so no padding is allocated. Chunks across
    the other axes bound the float64 scratch memory.
    """
    terms, divisor = _box_terms(sigma)
    n = x.shape[0]
    if x.ndim == 1 or x.shape[1] == 0:
        out[...] = _three_boxes_chunk(x, terms, divisor, n)
        return
    step = max(1, _CHUNK // max(1, x[0].size // x.shape[1] * n))
    for start in range(0, x.shape[1], step):
        out[:, start : start + step] = _three_boxes_chunk(x[:, start : start + step], terms, divisor, n)


def _three_boxes_chunk(x: np.ndarray, terms: list[tuple[int, int]], divisor: int, n: int) -> np.ndarray:
    """One chunk of :func:`_three_boxes`, in float64 (the third running sum grows as n**3)."""
    s3 = np.cumsum(x, axis=0, dtype=np.float64)
    a = s3[-1].copy()  # the first running sum past the end
    np.cumsum(s3, axis=0, out=s3)
    b = s3[-1].copy()
    np.cumsum(s3, axis=0, out=s3)
    c = s3[-1].copy()
    acc = np.zeros(x.shape, np.float64)
    shape = (-1,) + (1,) * (x.ndim - 1)
    for offset, sign in terms:
        # Taps before the first pixel read 0; those past the last continue the sums.
        lo, hi = max(0, -offset), min(n, n - offset)
        if lo < hi:
            acc[lo:hi] += sign * s3[lo + offset : hi + offset]
        if offset > 0:
            start = max(n - offset, 0)
            q = (np.arange(start, n, dtype=np.float64) + offset - (n - 1)).reshape(shape)
            acc[start:] += sign * (c + q * b + q * (q + 1) / 2 * a)
    acc *= 1.0 / divisor
    return acc


def _blur_axis(x: np.ndarray, sigma: float, axis: int) -> np.ndarray:
    """A Gaussian blur along one axis: the true kernel below 2, three boxes from 2 (the spec's rule).

    Chromium 156 (software) draws a true Gaussian at every size, which the
    three boxes approximate within a few levels of 8-bit color (their spread
    is about 6% narrower). Returns ``x`` itself for no blur, else a new
    C-contiguous array.
    """
    if sigma <= 0:
        return x
    out = np.empty(x.shape, np.float32)
    blur = _gaussian_pass if sigma < 2.0 else _three_boxes
    if axis == 0:
        blur(x, sigma, out)
        return out
    # Running sums down contiguous columns are several times faster than along rows: blur
    # bands of rows as columns (transposed copies of a band), writing back through a view.
    band = max(1, _CHUNK // max(1, x[0].size))
    for start in range(0, x.shape[0], band):
        rows = slice(start, start + band)
        blur(np.ascontiguousarray(np.swapaxes(x[rows], 0, 1)), sigma, np.swapaxes(out[rows], 0, 1))
    return out


def _blur(image: _Image, sx: float, sy: float) -> _Image:
    """feGaussianBlur with deviations in device pixels: all four channels, or alpha alone."""
    if image.clear:
        return image
    if image.rgb is None:
        alpha = _blur_axis(_blur_axis(image.alpha, sy, 0), sx, 1)
        alpha = np.clip(alpha, 0.0, 1.0, out=alpha if alpha is not image.alpha else None)
        return _Image(None, alpha, image.linear, image.box)
    stacked = np.empty((*image.alpha.shape, 4), np.float32)
    stacked[..., :3] = image.rgb
    stacked[..., 3] = image.alpha
    stacked = _blur_axis(stacked, sy, 0)  # each step lets the previous array go
    stacked = _blur_axis(stacked, sx, 1)
    np.clip(stacked, 0.0, 1.0, out=stacked)
    return _Image(stacked[..., :3], stacked[..., 3], image.linear, image.box)


def _shifted_blur(alpha: np.ndarray, sx: float, sy: float, dx: int, dy: int) -> np.ndarray:
    """An alpha plane blurred and moved in one step, as feDropShadow does.

    Nothing is clipped in between: what the blur spreads past an edge of
    the area can move back into it.
    """
    out = alpha
    for axis, sigma, shift in ((1, sx, dx), (0, sy, dy)):
        moved = np.moveaxis(out, axis, 0)
        n = moved.shape[0]
        if abs(shift) >= n + _blur_reach(sigma):
            return np.zeros(alpha.shape, np.float32)
        pad = abs(shift)
        padded = np.zeros((n + 2 * pad, *moved.shape[1:]), np.float32)
        padded[pad : pad + n] = moved
        blurred = _blur_axis(padded, sigma, 0)
        out = np.moveaxis(blurred[pad - shift : pad - shift + n], 0, axis)
    return np.clip(out, 0.0, 1.0)
