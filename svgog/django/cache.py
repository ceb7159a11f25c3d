"""Rendered images kept in one of Django's caches (``SVGOG_CACHE_ALIAS``).

Whatever backend the alias names (Redis, Memcached, the database, files,
local memory) serves as svgog's :class:`~svgog.cache.Cache` with no svgog
code of its own: entries live as long as the alias' ``TIMEOUT`` says, under
keys starting with ``svgog:`` (and the alias' own ``KEY_PREFIX``).
"""

from __future__ import annotations

import logging

from django.core.cache import caches

__all__ = ["KEY_PREFIX", "DjangoCache"]

log = logging.getLogger("svgog")

#: What every key svgog keeps in a Django cache starts with.
KEY_PREFIX = "svgog:"


class DjangoCache:
    """A :class:`~svgog.cache.Cache` over ``django.core.cache.caches[alias]``.

    A cache that fails (Redis down, a value over Memcached's item size) is
    a miss, logged: the image is rendered instead, never replaced by the
    fallback image because the cache could not answer.

    :param alias: A key of Django's ``CACHES`` setting.
    """

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def get(self, key: str) -> bytes | None:
        """The entry for ``key``, or ``None`` (also when the cache cannot be reached)."""
        try:
            # Looked up per call: Django's cache objects belong to a thread.
            value = caches[self.alias].get(KEY_PREFIX + key)
        except Exception:
            log.warning("the Django cache %r cannot be read", self.alias, exc_info=True)
            return None
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes) -> None:
        """Keep ``value`` for ``key`` for the alias' timeout (the cache may drop it at any time)."""
        try:
            caches[self.alias].set(KEY_PREFIX + key, value)
        except Exception:
            log.warning("the Django cache %r cannot keep an image", self.alias, exc_info=True)

    def __repr__(self) -> str:
        return f"DjangoCache({self.alias!r})"
