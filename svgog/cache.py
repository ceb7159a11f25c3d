"""Caching rendered images, and rendering each key only once at a time.

:class:`Cache` is the interface a shared store (Redis, memcached) implements:
``get`` and ``set`` of bytes by key. :class:`MemoryCache` is the in-process
one, bounded in bytes (or entries), with an optional time to live.
:class:`SingleFlight` makes concurrent requests for the same key wait for
one render instead of starting their own (no stampede when a post goes
viral and a hundred crawlers arrive at once).

An entry is the image bytes with a small header (media type, size), so a
hit needs no other lookup: see :func:`pack` and :func:`unpack`.
"""

from __future__ import annotations

import json
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import cachetools
from cachetools import LRUCache, TTLCache

__all__ = ["Cache", "CachedImage", "MemoryCache", "SingleFlight", "pack", "unpack"]

T = TypeVar("T")


class Cache(Protocol):
    """Where rendered images are kept, keyed by their content hash."""

    def get(self, key: str) -> bytes | None:
        """The entry for ``key``, or ``None``."""

    def set(self, key: str, value: bytes) -> None:
        """Keep ``value`` for ``key`` (the cache may drop it at any time)."""


@dataclass(frozen=True)
class CachedImage:
    """A cache entry: the encoded image and what a response needs to serve it."""

    data: bytes
    media_type: str
    width: int
    height: int


def pack(image: CachedImage) -> bytes:
    """Serialize an entry as bytes (a length-prefixed JSON header, then the data)."""
    header = json.dumps({"type": image.media_type, "w": image.width, "h": image.height}).encode()
    return struct.pack(">I", len(header)) + header + image.data


def unpack(value: bytes) -> CachedImage | None:
    """Read an entry written by :func:`pack`; ``None`` if it is not one."""
    try:
        (length,) = struct.unpack_from(">I", value)
        header = json.loads(value[4 : 4 + length])
        return CachedImage(value[4 + length :], str(header["type"]), int(header["w"]), int(header["h"]))
    except (struct.error, ValueError, KeyError, TypeError):
        return None


class MemoryCache:
    """An in-process LRU cache, thread-safe.

    :param max_bytes: Total size of the values kept (the default bound).
    :param max_entries: Bound the number of entries instead of their size.
    :param ttl: Seconds an entry lives, or ``None`` for no expiry.
    """

    def __init__(
        self, max_bytes: int = 24 * 1024 * 1024, *, max_entries: int | None = None, ttl: float | None = None
    ) -> None:
        size: Callable[[bytes], int] | None = None if max_entries is not None else len
        maxsize = max_entries if max_entries is not None else max_bytes
        self._data: cachetools.Cache[str, bytes]
        if ttl is not None:
            self._data = TTLCache(maxsize=maxsize, ttl=ttl, getsizeof=size)
        else:
            self._data = LRUCache(maxsize=maxsize, getsizeof=size)
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        with self._lock:
            try:
                self._data[key] = value
            except ValueError:  # larger than the whole cache: not kept
                pass

    @property
    def size(self) -> int:
        """Bytes (or entries) currently held."""
        with self._lock:
            return int(self._data.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


class SingleFlight:
    """Runs a function once per key at a time; concurrent callers share its result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, _Call] = {}

    def do(self, key: str, function: Callable[[], T]) -> T:
        """Call ``function``, unless a call for ``key`` is running: then wait for its result."""
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if call is None:
                call = self._calls[key] = _Call()
        if not leader:
            call.done.wait()
            if call.error is not None:
                raise call.error
            return call.result  # type: ignore[no-any-return]
        try:
            call.result = function()
            return call.result  # type: ignore[no-any-return]
        except BaseException as exc:
            call.error = exc
            raise
        finally:
            with self._lock:
                del self._calls[key]
            call.done.set()


class _Call:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
