"""A cache in Redis shared by every process and node, rendering each key once across them.

:class:`RedisCache` keeps the packed images (:func:`~svgog.cache.pack`) under
``svgog:<key>`` with a time to live, behind a small in-process LRU so a hot
card costs no round trip. :meth:`RedisCache.render_once` is a single flight
across nodes: the first node to miss takes ``svgog:lock:<key>`` (``SET NX PX``)
and renders; the others poll the cache until the image appears, take the lock
over when its owner died, or render themselves after a deadline.

Redis is never a reason to fail a request: every call has a timeout of
milliseconds, and after a failure Redis is skipped for a few seconds (a
circuit breaker) while the local cache and the in-process single flight go on
serving.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

try:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry
except ImportError as exc:  # pragma: no cover - the optional dependency
    raise ImportError("svgog: SVGOG_CACHE_URL needs redis-py: pip install 'svgog[redis]'") from exc

from .cache import Cache, MemoryCache

__all__ = ["DEFAULT_LOCAL_BYTES", "DEFAULT_TTL", "RedisCache", "redis_cache"]

log = logging.getLogger("svgog")

T = TypeVar("T")

#: Seconds an entry lives in Redis unless ``SVGOG_CACHE_TTL`` says otherwise.
DEFAULT_TTL = 7 * 86400
#: Size of the in-process LRU in front of Redis.
DEFAULT_LOCAL_BYTES = 16 * 1024 * 1024
#: Seconds a Redis command (or a connection) may take before Redis counts as down.
DEFAULT_TIMEOUT = 0.1
#: Seconds a render lock lives without being refreshed: how long waiters wait
#: for a node that died mid-render before one of them takes over.
DEFAULT_LOCK_TTL = 3.0
#: Seconds Redis is skipped after a failure before it is tried again.
DEFAULT_RETRY_AFTER = 5.0
#: Seconds between two looks at the cache while another node renders.
POLL_INTERVAL = 0.025
#: At most one warning about Redis being down per this many seconds.
LOG_INTERVAL = 60.0

# Compare-and-delete, compare-and-extend: a lock is released or extended only by
# the node that holds it, never by one whose lock expired and was taken over.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"

_UNAVAILABLE: Any = object()


class RedisCache:
    """A two-level cache: an in-process LRU in front of Redis, which degrades to the LRU alone.

    :param client: A redis-py client (see :meth:`from_url` for one with short timeouts).
    :param ttl: Seconds an entry lives in Redis.
    :param prefix: Start of every key svgog writes.
    :param local: The in-process cache in front (a 16 MiB :class:`~svgog.cache.MemoryCache`).
    :param lock_ttl: Seconds a render lock lives unless refreshed (it is, while the render runs).
    :param retry_after: Seconds Redis is left alone after a failure.
    :param stats: Count the entries written (one per render) in ``<prefix>stats:renders``.
    :param name: How logs name this Redis (its URL without a password).
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        ttl: float = DEFAULT_TTL,
        prefix: str = "svgog:",
        local: Cache | None = None,
        lock_ttl: float = DEFAULT_LOCK_TTL,
        retry_after: float = DEFAULT_RETRY_AFTER,
        stats: bool = False,
        name: str = "redis",
    ) -> None:
        self.client = client
        self.ttl = max(1, round(ttl))
        self.prefix = prefix
        self.local: Cache = local if local is not None else MemoryCache(DEFAULT_LOCAL_BYTES)
        self.lock_ttl = lock_ttl
        self.retry_after = retry_after
        self.stats = stats
        self.name = name
        self._state = threading.Lock()
        self._down_until = 0.0
        self._warned_at: float | None = None
        self._announced = False
        self._release = client.register_script(_RELEASE)
        self._extend = client.register_script(_EXTEND)

    @classmethod
    def from_url(cls, url: str, *, timeout: float = DEFAULT_TIMEOUT, **options: Any) -> RedisCache:
        """A cache on the Redis at ``url`` (``redis://``, ``rediss://`` or ``unix://``).

        :param timeout: Seconds for connecting and for each command, unless the
            URL's ``socket_timeout`` / ``socket_connect_timeout`` say otherwise.
        :param options: The other arguments of :class:`RedisCache`.
        :raises ValueError: Not a Redis URL.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"svgog: SVGOG_CACHE_URL must be a redis://, rediss:// or unix:// URL (got {parts.scheme!r})")
        # No retries inside redis-py: a failure opens the circuit instead of
        # making the request wait through backoffs.
        client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        options.setdefault("name", urlunsplit((parts.scheme, netloc, parts.path, "", "")))
        return cls(client, **options)

    # -- the circuit breaker ----------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Whether Redis is tried: not within :attr:`retry_after` seconds of a failure."""
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._state:
            self._down_until = now + self.retry_after
            # At most one warning a minute, however often Redis comes and goes.
            if self._warned_at is not None and now - self._warned_at < LOG_INTERVAL:
                return
            self._warned_at = now
            self._announced = True
        log.warning(
            "Redis cache at %s unavailable (%s); serving from this process's cache, trying again every %gs",
            self.name, error, self.retry_after,
        )  # fmt: skip

    def _succeeded(self) -> None:
        if not self._announced:
            return
        with self._state:
            if not self._announced:
                return
            self._announced = False  # the outage that was warned about is over
        log.warning("Redis cache at %s answers again", self.name)

    def _call(self, command: Callable[[], T]) -> T:
        """``command()``, or :data:`_UNAVAILABLE` when Redis is down or fails now."""
        if not self.available:
            return _UNAVAILABLE  # type: ignore[no-any-return]
        try:
            result = command()
        except redis.RedisError as exc:
            self._failed(exc)
            return _UNAVAILABLE  # type: ignore[no-any-return]
        self._succeeded()
        return result

    # -- the Cache protocol ------------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        """The entry from the local LRU, else from Redis (then kept locally)."""
        value = self.local.get(key)
        if value is not None:
            return value
        found = self._call(lambda: self.client.get(self.prefix + key))
        if not isinstance(found, bytes):  # a miss, or Redis unavailable
            return None
        value = found
        self.local.set(key, value)
        return value

    def set(self, key: str, value: bytes) -> None:
        """Keep ``value`` locally and in Redis for :attr:`ttl` seconds (and count it when :attr:`stats` is on)."""
        self.local.set(key, value)

        def store() -> None:
            pipe = self.client.pipeline(transaction=False)
            pipe.set(self.prefix + key, value, ex=self.ttl)
            if self.stats:
                pipe.incr(self.prefix + "stats:renders")
            pipe.execute()

        self._call(store)

    # -- one render per key across nodes -----------------------------------------------------

    def lock(self, key: str) -> str | None:
        """Take ``key``'s render lock for :attr:`lock_ttl` seconds: its token, or ``None`` when another holds it.

        :raises redis.RedisError: Redis did not answer.
        """
        token = secrets.token_hex(16)
        taken = self.client.set(self.prefix + "lock:" + key, token, nx=True, px=max(1, round(self.lock_ttl * 1000)))
        return token if taken else None

    def unlock(self, key: str, token: str) -> bool:
        """Release ``key``'s lock if ``token`` still holds it; whether it did.

        :raises redis.RedisError: Redis did not answer.
        """
        return bool(self._release(keys=[self.prefix + "lock:" + key], args=[token]))

    def extend(self, key: str, token: str) -> bool:
        """Give ``key``'s lock :attr:`lock_ttl` more seconds if ``token`` still holds it; whether it did.

        :raises redis.RedisError: Redis did not answer.
        """
        ms = max(1, round(self.lock_ttl * 1000))
        return bool(self._extend(keys=[self.prefix + "lock:" + key], args=[token, ms]))

    def render_once(self, key: str, render: Callable[[], T], ready: Callable[[], T | None], wait: float) -> T:
        """``render()`` on one node at a time for ``key``; the others wait for its result.

        :param render: Renders and stores the entry (it should look in the
            cache first: the entry may have arrived while the lock was taken).
        :param ready: The entry when the cache has it, else ``None``.
        :param wait: Seconds to wait for another node before rendering here anyway.
        """
        deadline = time.monotonic() + wait
        while True:
            token = self._call(lambda: self.lock(key))
            if token is _UNAVAILABLE:
                return render()  # the in-process single flight in front is the only lock now
            if token is not None:
                return self._render_locked(key, token, render)
            if time.monotonic() >= deadline:
                log.warning("waited %gs for another node to render %s; rendering here", wait, key[:16])
                return render()
            time.sleep(POLL_INTERVAL)
            entry = ready()
            if entry is not None:
                return entry
            # Not there yet: the owner is still rendering (its lock is kept
            # alive), or it died or failed and its lock is gone, and the next
            # turn of the loop takes it over.

    def _render_locked(self, key: str, token: str, render: Callable[[], T]) -> T:
        done = threading.Event()

        def keep_alive() -> None:
            # A render may outlast the lock's TTL; while this node lives it keeps
            # the lock, and when it dies the lock expires within lock_ttl.
            while not done.wait(self.lock_ttl / 3):
                if self._call(lambda: self.extend(key, token)) is False:
                    return  # lost (expired while Redis was slow): someone else may render too

        refresher = threading.Thread(target=keep_alive, name="svgog-lock", daemon=True)
        refresher.start()
        try:
            return render()
        finally:
            done.set()
            self._call(lambda: self.unlock(key, token))


def redis_cache(config: Mapping[str, Any]) -> RedisCache:
    """The cache of ``SVGOG_CACHE_URL``, with ``SVGOG_CACHE_TTL`` (seconds in Redis, 7 days),
    ``SVGOG_CACHE_MAX_BYTES`` (the in-process LRU in front, 16 MiB) and ``SVGOG_CACHE_STATS``
    (count renders in ``svgog:stats:renders``)."""
    stats = config.get("cache_stats", False)
    if isinstance(stats, str):
        stats = stats.strip().lower() not in ("", "0", "false", "no", "off")
    return RedisCache.from_url(
        str(config["cache_url"]),
        ttl=float(config.get("cache_ttl") or DEFAULT_TTL),
        local=MemoryCache(int(config.get("cache_max_bytes", DEFAULT_LOCAL_BYTES))),
        stats=bool(stats),
    )
