"""Blocking calls off the event loop, in a bounded number of threads.

Rendering is CPU-bound and may wait up to ``render_wait`` seconds for a
render slot: run on the event loop, one render would stall every other
request of the process, pages included. Every call into the serving core
runs in a worker thread instead.

With anyio (it comes with Starlette and uvicorn) the threads are anyio's,
under svgog's own :class:`anyio.CapacityLimiter`, not the default one the
host application's synchronous endpoints share: svgog's waiting renders
never take their threads. Without anyio, a ``ThreadPoolExecutor`` of the
same size serves (asyncio only).
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["Offloader", "default_threads"]

T = TypeVar("T")

_HAVE_ANYIO = importlib.util.find_spec("anyio") is not None


def default_threads(max_renders: int) -> int:
    """Threads for a service with ``max_renders`` render slots.

    Twice the slots: renders never exceed the slots (the core's semaphore
    sees to that), and the other half keeps cache hits, 304s and refusals
    from queueing behind renders, while requests waiting for a slot get
    their 503 after ``render_wait`` instead of waiting for a thread first.
    """
    return max(4, 2 * max(1, max_renders))


class Offloader:
    """Runs blocking functions in at most ``threads`` worker threads at once.

    :param threads: The most calls running at once; more wait for a turn.
    :param use_anyio: Use anyio's worker threads (the default when anyio
        is importable); else a ``ThreadPoolExecutor`` on asyncio's loop.
    """

    def __init__(self, threads: int, *, use_anyio: bool | None = None) -> None:
        if threads < 1:
            raise ValueError(f"svgog: threads must be at least 1, not {threads!r}")
        self.threads = threads
        self.use_anyio = _HAVE_ANYIO if use_anyio is None else use_anyio
        self._limiter: Any = None
        self._executor: ThreadPoolExecutor | None = None

    async def run(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``func(*args, **kwargs)`` in a worker thread; the event loop runs on meanwhile."""
        call = functools.partial(func, *args, **kwargs)
        if self.use_anyio:
            import anyio.to_thread

            if self._limiter is None:
                # Made on first use: anyio binds a limiter to the running event loop's library.
                self._limiter = anyio.CapacityLimiter(self.threads)
            return await anyio.to_thread.run_sync(call, limiter=self._limiter)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="svgog")
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def close(self) -> None:
        """Let the executor's threads end once their work is done (anyio's threads are anyio's)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None
