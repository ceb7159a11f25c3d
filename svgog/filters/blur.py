"""feGaussianBlur: the spec's three box blurs (a true Gaussian for small deviations).

A blur is two passes, down the columns then along the rows, each over the
rows of a C-contiguous array (the second pass works on a transposed copy).
A box is the difference of two running sums, so a pass costs time linear in
the pixels whatever the deviation, and needs no padding: rows beyond the
array read as transparent, and the running sums stay level past its end.

Two things keep the arrays small. Only the rows and columns asked for are
computed (those that can still reach what is seen), from the input rows that
reach them. And a column equal to its left neighbour blurs to the same
column, so runs of equal columns (and, for the second pass, of equal rows)
are blurred once: the shadow of a rectangle or a rounded card blurs a few
dozen distinct columns, not a thousand. A column's blur depends on its own
values only, so skipping a repeat changes nothing; with few distinct
columns the first pass sums in float64, so that rows holding the same
values come out equal to the bit and run together too.
feDropShadow's blur and move are one step here too.
"""

from __future__ import annotations

import math

import numpy as np

from . import memory
from .geometry import Box
from .image import _Image

#: Rows ``[start, stop)`` of a pass's output, in the input's row numbers.
_Span = tuple[int, int]

#: Arrays of at most this many values take numpy's running sums (one call beats many fast ones).
_SMALL = 1 << 15

#: Pictures of fewer pixels are blurred whole: looking for repeats would cost more than it saves.
_FEW = 1 << 16


def _box_size(sigma: float) -> int:
    """The spec's box size for three box blurs approximating a Gaussian."""
    return int(math.floor(sigma * 3 * math.sqrt(2 * math.pi) / 4 + 0.5))


def _blur_reach(sigma: float) -> int:
    if sigma <= 0:
        return 0
    if sigma < 2.0:
        return math.ceil(3 * sigma) + 1
    return 3 * (_box_size(sigma) // 2 + 1)


def _boxes(sigma: float) -> tuple[list[tuple[int, int]], int]:
    """The spec's three boxes as ``(before, after)`` pixel counts, and the divisor of their sums.

    Three boxes of size d centred on the pixel when d is odd; when it is
    even, one centred on the pixel's left edge, one on its right edge, then
    one of size d + 1 centred on it.
    """
    d = _box_size(sigma)
    half = d // 2
    if d % 2:
        return [(half, half)] * 3, d**3
    return [(half, half - 1), (half - 1, half), (half, half)], d * d * (d + 1)


def _prefix_sums(x: np.ndarray, out: np.ndarray) -> None:
    """Running sums down a C-contiguous 2-D array: ``out[0] = 0``, ``out[i + 1] = x[0] + ... + x[i]``.

    Running sums within blocks of rows, for all blocks at once, then each
    block's total carried into the next: few numpy calls whatever the shape
    (numpy's cumsum down axis 0 is several times slower), and float32
    rounding grows with the number of blocks rather than of rows.
    """
    n = x.shape[0]
    out[0] = 0
    if x.size <= _SMALL:
        np.cumsum(x, axis=0, dtype=out.dtype, out=out[1:])
        return
    # Blocks of sqrt(n) rows, fewer for narrow arrays: there the loop's calls cost more than
    # numpy's slow running sums of the blocks' totals.
    size = max(2, min(math.isqrt(n), math.isqrt(x.size // 768)))
    blocks = n // size
    full = blocks * size
    if blocks:
        body = out[1 : full + 1].reshape(blocks, size, -1)
        rows = x[:full].reshape(blocks, size, -1)
        body[:, 0] = rows[:, 0]
        for i in range(1, size):
            np.add(body[:, i - 1], rows[:, i], out=body[:, i])
        ends = np.cumsum(body[:, -1], axis=0)
        np.add(body[1:], ends[:-1, None], out=body[1:])
    if full < n:
        # The rows after the last whole block.
        np.cumsum(x[full:], axis=0, dtype=out.dtype, out=out[full + 1 :])
        out[full + 1 :] += out[full]


def _window_sums(prefix: np.ndarray, start: int, before: int, after: int, rows: _Span, out: np.ndarray) -> None:
    """``out[k]``: the sum of input rows ``q - before`` to ``q + after``, for ``q = rows[0] + k``.

    ``prefix`` holds the running sums of input rows ``start`` onwards
    (:func:`_prefix_sums`); other rows are 0. Clamping the two ends to the
    sums' range splits the output into at most five runs, each one
    subtraction of two slices or of a slice and a constant row.
    """
    length = prefix.shape[0] - 1
    q0, q1 = rows
    end_shift, start_shift = after + 1 - start, -before - start
    cuts = {q0, q1}
    cuts.update(c for c in (-end_shift, length - end_shift, -start_shift, length - start_shift) if q0 < c < q1)
    ordered = sorted(cuts)

    def sums(first: int, stop: int) -> np.ndarray:
        if stop <= 0:
            return prefix[:1]
        if first >= length:
            return prefix[length:]
        return prefix[first:stop]

    for a, b in zip(ordered, ordered[1:]):
        ends, starts = sums(a + end_shift, b + end_shift), sums(a + start_shift, b + start_shift)
        np.subtract(ends, starts, out=out[a - q0 : b - q0])


def _three_boxes(x: np.ndarray, sigma: float, rows: _Span, dtype: type) -> np.ndarray:
    """Rows ``rows`` of the spec's three box blurs down a C-contiguous 2-D array, summed in ``dtype``.

    The sums are not divided by the boxes' sizes: see :func:`_pass`.
    """
    boxes, _ = _boxes(sigma)
    n, width = x.shape
    # Output rows of each box, last first: each needs its input a box's reach further.
    spans = [rows]
    for before, after in reversed(boxes[1:]):
        spans.insert(0, (spans[0][0] - before, spans[0][1] + after))
    first = max(0, spans[0][0] - boxes[0][0])
    stop = min(n, spans[0][1] + boxes[0][1])
    if first >= stop:
        return memory.zeros((rows[1] - rows[0], width), dtype)
    out = memory.empty((rows[1] - rows[0], width), dtype)  # every row is written
    longest = max(stop - first, spans[0][1] - spans[0][0])
    prefix = memory.empty((longest + 1, width), dtype)
    scratch = memory.empty((spans[0][1] - spans[0][0], width), dtype)
    current, origin = x[first:stop], first
    for index, ((before, after), span) in enumerate(zip(boxes, spans)):
        _prefix_sums(current, prefix[: current.shape[0] + 1])
        # The box's input is consumed into its running sums: its output may overwrite it.
        target = out if index == 2 else scratch[: span[1] - span[0]]
        _window_sums(prefix[: current.shape[0] + 1], origin, before, after, span, target)
        current, origin = target, span[0]
    return out


def _gaussian(x: np.ndarray, sigma: float, rows: _Span) -> np.ndarray:
    """Rows ``rows`` of a true Gaussian down a 2-D array (small deviations, where three boxes are too coarse).

    Each output row is the same sum of products whatever its position, so
    rows with the same neighbourhood come out exactly equal.
    """
    radius = max(1, math.ceil(3 * sigma))
    offsets = np.arange(-radius, radius + 1)
    weights = np.exp(-(offsets**2) / (2 * sigma * sigma))
    weights /= weights.sum()
    n = x.shape[0]
    q0, q1 = rows
    out = memory.zeros((q1 - q0, x.shape[1]))
    term = memory.empty(out.shape)
    for offset, weight in zip(offsets.tolist(), weights):
        a, b = max(q0, -offset), min(q1, n - offset)  # output rows whose tap reads a row of x
        if a < b:
            np.multiply(x[a + offset : b + offset], np.float32(weight), out=term[: b - a])
            out[a - q0 : b - q0] += term[: b - a]
    return out


def _pass(x: np.ndarray, sigma: float, rows: _Span, dtype: type = np.float32) -> tuple[np.ndarray, float]:
    """Rows ``rows`` of a blur down a C-contiguous 2-D array (rows outside it read as 0), and their scale.

    Three boxes sum in ``dtype`` and are left undivided: the values times
    the scale are the blur (the two passes' scales are applied at once, in
    the pass that writes the result). A true Gaussian and no blur are
    float32, of scale 1.
    """
    if sigma >= 2.0:
        return _three_boxes(x, sigma, rows, dtype), 1 / _boxes(sigma)[1]
    if sigma > 0:
        return _gaussian(x, sigma, rows), 1.0
    q0, q1 = rows
    out = memory.zeros((q1 - q0, x.shape[1]))
    a, b = max(q0, 0), min(q1, x.shape[0])
    if a < b:
        out[a - q0 : b - q0] = x[a:b]
    return out, 1.0


def _runs(x: np.ndarray, axis: int) -> np.ndarray | None:
    """Where runs of equal slices along ``axis`` (0 or 1) of a 3-D array start; ``None`` if they do not pay.

    Slices are equal when their bits are: equal inputs blur to equal
    outputs. A sample across the other axis is compared first, then an
    eighth of the rest, so content without repeats (a photo, a gradient)
    costs a small fraction of a pass.
    """
    n = x.shape[axis]
    if n < 8:
        return None
    words = _words(x, axis)
    other = words.shape[1 - axis]
    limit = n * 3 // 4
    step = max(1, other // 32)
    if np.count_nonzero(_changes(words[:, ::step] if axis == 0 else words[::step], axis)) > limit:
        return None
    # Then everything, an eighth first: a slice that differs anywhere differs.
    changed = np.zeros(n - 1, np.bool_)
    eighth = -(-other // 8)
    for start, stop in ((0, eighth), (eighth, other)):
        part = words[:, start:stop] if axis == 0 else words[start:stop]
        if part.size:
            changed |= _changes(part, axis)
        if np.count_nonzero(changed) > limit:
            return None
    return np.flatnonzero(np.concatenate(([True], changed)))


def _words(x: np.ndarray, axis: int) -> np.ndarray:
    """Float32 pixels ``(a, b, channels)`` as unsigned integers of the same bits, two floats a word if they can."""
    if x.shape[2] == 1:
        plane = x[..., 0]
        if axis == 0 and x.shape[1] % 2 == 0 and plane.strides[1] == 4:
            return plane.view(np.uint64)[..., None]  # rows are compared whole: two pixels a word
        return plane.view(np.uint32)[..., None]
    if x.shape[2] % 2 == 0 and x.strides[2] == 4:
        return x.view(np.uint64)
    return x.view(np.uint32)


def _changes(words: np.ndarray, axis: int) -> np.ndarray:
    """For each slice along ``axis`` after the first, whether it differs from the one before."""
    a, b, k = words.shape
    if axis == 0:
        unequal = memory.empty((a - 1, b, k), np.bool_)
        np.not_equal(words[1:], words[:-1], out=unequal)
        return np.logical_or.reduce(unequal.reshape(a - 1, b * k), axis=1)
    unequal = memory.empty((a, b - 1), np.bool_)
    np.not_equal(words[:, 1:, 0], words[:, :-1, 0], out=unequal)
    if k > 1:
        more = memory.empty((a, b - 1), np.bool_)
        for j in range(1, k):
            np.not_equal(words[:, 1:, j], words[:, :-1, j], out=more)
            unequal |= more
    return np.logical_or.reduce(unequal, axis=0)


def _transposed(x: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of ``(a, b, channels)`` as ``(b, a, channels)``."""
    a, b, channels = x.shape
    out = memory.empty((b, a, channels), x.dtype.type)
    if channels == 4 and x.dtype == np.float32 and x.flags.c_contiguous:
        # Pixels as single 16-byte items move several times faster than four floats each.
        np.copyto(out.view(np.complex128)[..., 0], x.view(np.complex128)[..., 0].T)
    else:
        np.copyto(out, x.transpose(1, 0, 2))
    return out


def _taken(x: np.ndarray, index: np.ndarray, axis: int = 0) -> np.ndarray:
    """``x`` with the slices at ``index`` along ``axis`` (picked or repeated), as a new C-contiguous array."""
    shape = list(x.shape)
    shape[axis] = len(index)
    out = memory.empty(tuple(shape), x.dtype.type)
    np.take(x, index, axis=axis, out=out, mode="clip")
    return out


def _run_index(starts: np.ndarray, n: int) -> np.ndarray:
    """For each of ``n`` rows, the index of its run (runs start at ``starts``)."""
    marks = np.zeros(n, np.intp)
    marks[starts[1:]] = 1
    return np.cumsum(marks)


def _blur_planes(planes: np.ndarray, sx: float, sy: float, box: Box, shift: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Planes ``(height, width, channels)`` blurred, then moved by ``shift``; computed within ``box`` only.

    Pixels outside the array read as transparent; the result is zero
    outside ``box``. Nothing is clipped between the blur and the move: what
    the blur spreads past an edge can move back in.
    """
    height, width, channels = planes.shape
    x0, y0, x1, y1 = box
    out = memory.empty(planes.shape)
    out[:y0] = 0
    out[y1:] = 0
    out[:, :x0] = 0
    out[:, x1:] = 0
    if x0 >= x1 or y0 >= y1:
        return out
    dx, dy = shift
    few = height * width < _FEW
    starts = _runs(planes, 0) if channels == 1 and width > height and not few else None
    if starts is not None:
        # A wide plane with runs of equal rows: along the rows first (the same passes on the
        # transposed picture), so that the second pass runs down short columns; in either order
        # it blurs again the lines near the shape's edges. The result comes the right way round.
        distinct = _transposed(_taken(planes, starts))
        result, runs, scale = _separable(distinct, starts, height, sy, sx, (y0, x0, y1, x1), (dy, dx))
        _spread(result, runs, 1, scale, out[y0:y1, x0:x1])
    else:
        starts = None if few else _runs(planes, 1)
        distinct = np.ascontiguousarray(planes if starts is None else _taken(planes, starts, 1))
        result, runs, scale = _separable(distinct, starts, width, sx, sy, box, shift)
        if runs is None:
            _write_transposed(result, scale, out[y0:y1, x0:x1])
        else:
            _spread(_transposed(result), runs, 0, scale, out[y0:y1, x0:x1])
    return out


def _separable(
    distinct: np.ndarray,
    column_starts: np.ndarray | None,
    width: int,
    sx: float,
    sy: float,
    box: Box,
    shift: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray | None, float]:
    """A blur down the columns, then along the rows, within ``box``.

    ``distinct`` holds the picture's distinct columns, C-contiguous
    ``(height, columns, channels)``: runs of equal columns start at
    ``column_starts`` (``None``: every column is there) of ``width``.
    Returns the result transposed, ``(box width, rows, channels)``, with
    each run of equal rows once; where those runs start (``None``: every
    row is there); and the scale the values are to be multiplied by.
    """
    height, columns, channels = distinct.shape
    x0, y0, x1, y1 = box
    dx, dy = shift
    # Down the columns, for the rows of the result. With few distinct columns that pass is cheap:
    # it sums in float64, so rows that hold the same values come out exactly equal (float32
    # running sums round differently row by row) and run together.
    exact = np.float64 if columns * 2 <= width else np.float32
    source = distinct.reshape(height, columns * channels)
    down, scale_y = _pass(source, sy, (y0 - dy, y1 - dy), exact)
    down = down.astype(np.float32, copy=False).reshape(y1 - y0, columns, channels)
    # Along the rows (each run of equal rows once), on the transposed picture.
    row_starts = _runs(down, 0)
    if row_starts is not None:
        down = _taken(down, row_starts)
    across = _transposed(down)
    if column_starts is not None:
        across = _taken(across, _run_index(column_starts, width))
    rows = across.shape[1]
    blurred, scale_x = _pass(across.reshape(width, rows * channels), sx, (x0 - dx, x1 - dx))
    return blurred.reshape(x1 - x0, rows, channels), row_starts, scale_x * scale_y


def _spread(compact: np.ndarray, starts: np.ndarray | None, axis: int, scale: float, out: np.ndarray) -> None:
    """``compact`` times ``scale`` into ``out``, its slices repeated over runs starting at ``starts`` along ``axis``."""
    if starts is None:
        np.multiply(compact, np.float32(scale), out=out)
        return
    compact *= np.float32(scale)
    np.take(compact, _run_index(starts, out.shape[axis]), axis=axis, out=out, mode="clip")


def _write_transposed(x: np.ndarray, scale: float, out: np.ndarray) -> None:
    """``x`` ``(a, b, channels)`` transposed and times ``scale`` into ``out`` ``(b, a, channels)``."""
    if x.shape[2] == 4 and x.flags.c_contiguous and out.strides[1:] == (16, 4):
        # Pixels moved as single 16-byte items, then scaled in place.
        np.copyto(out.view(np.complex128)[..., 0], x.view(np.complex128)[..., 0].T)
        out *= np.float32(scale)
    else:
        np.multiply(x.transpose(1, 0, 2), np.float32(scale), out=out)


def _blur(image: _Image, sx: float, sy: float, box: Box) -> _Image:
    """feGaussianBlur with deviations in device pixels, computed within ``box``: all four channels, or alpha alone."""
    if image.clear or (sx <= 0 and sy <= 0):
        return image
    if image.tinted:
        alpha = _blur_planes(image.alpha[..., None], sx, sy, box)[..., 0]
        return _Image(None, alpha, image.linear, image.box, tint=image.tint)
    stacked = _blur_planes(image.rgba(), sx, sy, box)
    return _Image(stacked[..., :3], stacked[..., 3], image.linear, image.box)


def _shifted_blur(alpha: np.ndarray, sx: float, sy: float, dx: int, dy: int, box: Box) -> np.ndarray:
    """An alpha plane blurred and moved in one step, as feDropShadow does, computed within ``box``."""
    return _blur_planes(alpha[..., None], sx, sy, box, (dx, dy))[..., 0]
