"""Memory for pixel arrays: buffers kept from one filter to the next.

A fresh multi-megabyte array costs more to touch than to compute with:
malloc takes big blocks from the kernel (by mmap, or by growing a heap it
trims again when they are freed), and each 4 KB page faults on its first
write. In a virtual machine a fault costs microseconds, so a drop shadow's
few dozen megabytes of intermediate planes cost tens of milliseconds in
faults alone, render after render. Arrays made here are views of a few
buffers that stay mapped; a buffer is free again as soon as no array made
from it is alive (its reference count tells), so no one returns anything.
One large block is freed once, as filters used to free many (see
:func:`_free_a_large_block`).
"""

from __future__ import annotations

import bisect
import math
import sys
import threading

import numpy as np

#: The most bytes of buffers kept; beyond it arrays come from numpy as usual.
MAX_KEPT = 64 * 1024 * 1024

#: Arrays smaller than this come from numpy (malloc reuses small blocks well).
_SMALL = 256 * 1024

#: Buffer sizes are rounded up to a multiple of this, so similar sizes share buffers.
_STEP = 256 * 1024

_buffers: list[np.ndarray] = []  # in order of size
_sizes: list[int] = []  # their sizes, for bisect
_lock = threading.Lock()


def _is_free(index: int) -> bool:
    # Only the list and getrefcount's own argument hold a free buffer; a view holds its buffer.
    return sys.getrefcount(_buffers[index]) <= 2


def empty(shape: tuple[int, ...], dtype: type = np.float32) -> np.ndarray:
    """An uninitialized C-contiguous array, from a kept buffer when one is free."""
    size = math.prod(shape) * np.dtype(dtype).itemsize
    if size < _SMALL:
        return np.empty(shape, dtype)
    with _lock:
        # The smallest free buffer that is large enough.
        first = bisect.bisect_left(_sizes, size)
        index = next((i for i in range(first, len(_buffers)) if _is_free(i)), None)
        if index is None:
            index = _new_buffer(-(-size // _STEP) * _STEP)
            if index is None:
                return np.empty(shape, dtype)
        return _buffers[index][:size].view(dtype).reshape(shape)


def zeros(shape: tuple[int, ...], dtype: type = np.float32) -> np.ndarray:
    """A C-contiguous array of zeros, from a kept buffer when one is free."""
    out = empty(shape, dtype)
    out.fill(0)
    return out


def scratch_bytes(height: int, width: int) -> np.ndarray:
    """A zeroed ``(height, width)`` byte array for cairo to draw into, from a kept buffer when one is free."""
    return zeros((height, width), np.uint8)


def _new_buffer(size: int) -> int | None:
    """The index of a new kept buffer, letting free ones go (smallest first) to stay within :data:`MAX_KEPT`."""
    kept = sum(buffer.nbytes for buffer in _buffers)
    if kept + size > MAX_KEPT:
        free = sorted((i for i in range(len(_buffers)) if _is_free(i)), key=lambda i: _buffers[i].nbytes)
        going: set[int] = set()
        for index in free:
            if kept + size <= MAX_KEPT:
                break
            going.add(index)
            kept -= _buffers[index].nbytes
        if kept + size > MAX_KEPT:
            return None
        _buffers[:] = [buffer for i, buffer in enumerate(_buffers) if i not in going]
        _sizes[:] = [buffer.nbytes for buffer in _buffers]
    index = bisect.bisect_left(_sizes, size)
    _buffers.insert(index, np.empty(size, np.uint8))
    _sizes.insert(index, size)
    _free_a_large_block()
    return index


#: The block :func:`_free_a_large_block` frees: under the 32 MiB up to which glibc follows freed blocks.
_LARGE_BLOCK = 24 * 1024 * 1024

_freed_large_block = False


def _free_a_large_block() -> None:
    """Free one large block, once: what filters always did before they kept their buffers.

    glibc's malloc maps every block above a threshold afresh, so each of its
    pages faults when first written, and raises that threshold to the size
    of a mapped block when it sees one freed. Filters that freed their large
    temporaries raised it as a side effect, and the rest of every later
    render (cairo's canvas, the PNG rows) came from the heap instead: about
    2,000 faults, 5 ms or more a card in a virtual machine. Kept buffers are
    never freed, so one block is, the first time the buffers grow. Other
    allocators ignore it.
    """
    global _freed_large_block
    if not _freed_large_block:
        _freed_large_block = True
        block = np.empty(_LARGE_BLOCK, np.uint8)
        block[::4096] = 0  # touched, as a used block is
        del block
