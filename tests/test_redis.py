"""The Redis cache: unit tests on a real redis-server, then two gunicorn nodes of the demo sharing it.

Renders are counted across processes by Redis itself: with
``SVGOG_CACHE_STATS=1`` every entry written (one per render) increments
``svgog:stats:renders``.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
from helpers import ROOT

from svgog.cache import CachedImage, pack, unpack
from svgog.rediscache import RedisCache
from svgog.serving.service import Service
from svgog.serving.signing import UrlSigner

# Debian's, installed by `make redis`.
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
BIN = Path(sys.executable).parent
KEY = "redis-test-key-" + secrets.token_hex(8)
STATS = "svgog:stats:renders"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A throwaway redis-server on a loopback port, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.client = redis.Redis(port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline and self.process.poll() is None, "redis-server did not start"
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def renders(self) -> int:
        return int(self.client.get(STATS) or 0)


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    running = RedisServer()
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture()
def db(server: RedisServer) -> RedisServer:
    """The module's redis-server, running (a test may have stopped it)."""
    if server.process is None:
        server.start()
    return server


# -- RedisCache on its own ----------------------------------------------------------------------


def entry(text: str) -> bytes:
    return pack(CachedImage(text.encode(), "image/png", 1, 1))


def test_get_set_with_ttl_and_two_levels(db: RedisServer) -> None:
    cache = RedisCache.from_url(db.url, ttl=1)
    key = secrets.token_hex(8)
    assert cache.get(key) is None
    cache.set(key, entry("a"))
    assert 0 < db.client.pttl("svgog:" + key) <= 1000
    other = RedisCache.from_url(db.url, ttl=1)  # another process: Redis, then its own LRU
    assert other.get(key) == entry("a")
    db.client.delete("svgog:" + key)
    assert other.get(key) == entry("a")  # from the local LRU, no round trip
    cache.set(key + "x", entry("b"))
    time.sleep(1.1)
    assert RedisCache.from_url(db.url).get(key + "x") is None  # expired in Redis


def test_lock_is_released_by_its_owner_only_and_expires(db: RedisServer) -> None:
    first = RedisCache.from_url(db.url, lock_ttl=0.3)
    second = RedisCache.from_url(db.url, lock_ttl=0.3)
    key = secrets.token_hex(8)
    token = first.lock(key)
    assert token is not None
    assert second.lock(key) is None
    assert not second.unlock(key, "not-the-token")
    assert db.client.exists("svgog:lock:" + key)
    assert first.unlock(key, token)
    assert not db.client.exists("svgog:lock:" + key)
    # Expiry: a holder that stops refreshing loses the lock, and cannot release the next holder's.
    token = first.lock(key)
    assert token is not None
    time.sleep(0.4)
    taken = second.lock(key)
    assert taken is not None
    assert not first.unlock(key, token)
    assert not first.extend(key, token)
    assert db.client.get("svgog:lock:" + key) == taken.encode()


def test_render_once_across_caches_renders_once(db: RedisServer) -> None:
    """Two "nodes", eight threads each: one render, kept alive past the lock's TTL by its refresher."""
    nodes = [RedisCache.from_url(db.url, lock_ttl=0.3) for _ in range(2)]
    key = secrets.token_hex(8)
    renders: list[int] = []
    start = threading.Barrier(16)

    def request(node: RedisCache) -> CachedImage | None:
        def render() -> CachedImage | None:
            hit = node.get(key)
            if hit is not None:
                return unpack(hit)
            renders.append(1)
            time.sleep(1.0)  # longer than lock_ttl: the lock must be refreshed
            node.set(key, entry("once"))
            return unpack(entry("once"))

        def ready() -> CachedImage | None:
            hit = node.get(key)
            return unpack(hit) if hit is not None else None

        start.wait()
        return node.render_once(key, render, ready, wait=5)

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(request, [nodes[i % 2] for i in range(16)]))
    assert len(renders) == 1
    assert all(r is not None and r.data == b"once" for r in results)
    assert not db.client.exists("svgog:lock:" + key)


def test_unreachable_redis_degrades_to_the_local_cache(caplog: pytest.LogCaptureFixture) -> None:
    cache = RedisCache.from_url(f"redis://127.0.0.1:{free_port()}/0", retry_after=0.2)
    with caplog.at_level(logging.WARNING, logger="svgog"):
        started = time.monotonic()
        assert cache.get("k") is None
        cache.set("k", entry("local"))
        assert cache.get("k") == entry("local")
        rendered = cache.render_once("n", lambda: "rendered", lambda: None, wait=5)
        time.sleep(0.25)
        assert cache.get("m") is None  # tried again after retry_after, failed again
        assert time.monotonic() - started < 1
    assert rendered == "rendered"
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once per minute, not once per request
    assert not warnings[0].getMessage().startswith("svgog")


def test_recovers_when_redis_returns(db: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    cache = RedisCache.from_url(db.url, retry_after=0.2)
    assert cache.get("k") is None  # connected once
    with caplog.at_level(logging.WARNING, logger="svgog"):
        db.stop()
        assert cache.get("k") is None and not cache.available
        db.start()
        time.sleep(0.25)
        cache.set("k", entry("back"))
        assert cache.available
    assert db.client.get("svgog:k") == entry("back")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2 and "unavailable" in messages[0] and "answers again" in messages[1], messages


def test_service_from_config_builds_it_from_cache_url(db: RedisServer) -> None:
    renderer: Any = object()  # not used: only the cache is looked at
    service = Service.from_config(
        {"signing": False, "cache_url": db.url, "cache_stats": "1", "cache_max_bytes": 1024}, renderer=renderer
    )
    assert isinstance(service.cache, RedisCache)
    assert service.cache.stats and service.cache.ttl == 7 * 86400
    with pytest.raises(ValueError, match="redis://"):
        Service.from_config({"signing": False, "cache_url": "http://127.0.0.1/"}, renderer=renderer)


# -- two gunicorn nodes of the demo app ---------------------------------------------------------


class Node:
    """The demo app under gunicorn (2 workers), on the shared Redis."""

    def __init__(self, redis_url: str, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {
            **os.environ,
            "SECRET_KEY": KEY,
            "TRUSTED_HOSTS": "127.0.0.1",
            "SVGOG_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "SVGOG_ACCESS_LOG": "/dev/null",
            # A second, not svgog's 100 ms: on a loaded test machine a slow reply would open the
            # circuit and the node would render alone, which these tests count as a second render.
            "SVGOG_CACHE_URL": redis_url + "?socket_timeout=1&socket_connect_timeout=1",
            "SVGOG_CACHE_STATS": "1",
        }
        env.pop("PYTHONPATH", None)
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:create_app()"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=5) as response:
                    response.read()
                return
            except OSError:
                assert time.monotonic() < deadline and self.process.poll() is None, self.log.read_text()[-2000:]
                time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the master and its workers: a node that dies, no clean-up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def card_url(node: Node, title: str, *, name: str = "blog", ext: str = "png", scale: float = 1) -> str:
    fields = {"title": title, "author": "Redis Test", "date": "November 25, 2026"}
    pairs = list(fields.items()) + ([("scale", f"{scale:g}")] if scale != 1 else [])
    query = urlencode(pairs + [("sig", UrlSigner(KEY).sign(f"{name}.{ext}", pairs))])
    return f"{node.base}/og/{name}.{ext}?{query}"


def fetch(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def nodes(server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node]]:
    logs = tmp_path_factory.mktemp("nodes")
    started = (Node(server.url, logs / "a.log"), Node(server.url, logs / "b.log"))
    try:
        for node in started:
            node.wait_ready()
        yield started
    finally:
        for node in started:
            node.stop()


def test_a_card_rendered_on_one_node_is_a_hit_on_the_other(db: RedisServer, nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    title = "Shared " + secrets.token_hex(4)
    before = db.renders()
    status, image = fetch(card_url(a, title))
    assert status == 200 and image.startswith(b"\x89PNG")
    assert db.renders() == before + 1
    for _ in range(4):  # both of B's workers, whichever answers
        assert fetch(card_url(b, title)) == (200, image)
    assert db.renders() == before + 1


def test_fifty_concurrent_requests_over_two_nodes_render_once(db: RedisServer, nodes: tuple[Node, Node]) -> None:
    title = "Stampede " + secrets.token_hex(4)
    urls = [card_url(nodes[i % 2], title) for i in range(50)]
    before = db.renders()
    start = threading.Barrier(50)

    def request(url: str) -> tuple[int, bytes]:
        start.wait()
        return fetch(url)

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(request, urls))
    assert {status for status, _ in results} == {200}
    assert len({body for _, body in results}) == 1
    assert db.renders() == before + 1


def test_redis_stopped_mid_load_no_errors_then_recovery(db: RedisServer, nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    run = secrets.token_hex(4)
    warm = [f"Warm {run} {i}" for i in range(3)]
    for title in warm:
        assert fetch(card_url(a, title))[0] == 200
    statuses: list[int] = []
    stop = threading.Event()

    def load(worker: int) -> None:
        i = 0
        while not stop.is_set():
            node = nodes[(worker + i) % 2]
            # Cards cached in Redis, and new ones rendered while it is down.
            title = warm[i % 3] if i % 2 else f"Cold {run} {worker} {i}"
            statuses.append(fetch(card_url(node, title), timeout=20)[0])
            i += 1

    threads = [threading.Thread(target=load, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    db.stop()
    time.sleep(2.0)
    stop.set()
    for thread in threads:
        thread.join(30)
    assert len(statuses) > 12
    assert set(statuses) == {200}, statuses
    print(f"{len(statuses)} requests around a 2 s Redis outage, all 200")
    for node in nodes:
        warnings = node.log.read_text().count("Redis cache at")
        assert 1 <= warnings <= 2 * 2, node.log.read_text()[-2000:]  # a warning and a recovery per worker at most

    # Redis returns (empty): after the breaker's 5 s every worker uses it again.
    db.start()
    time.sleep(5.5)
    title = "Back " + run
    status, image = fetch(card_url(a, title))
    assert status == 200 and db.renders() == 1
    hits = int(db.client.info("stats")["keyspace_hits"])
    for _ in range(4):
        assert fetch(card_url(b, title)) == (200, image)
    assert db.renders() == 1
    assert int(db.client.info("stats")["keyspace_hits"]) > hits  # B read it from Redis


def test_killed_lock_holder_another_node_takes_over(
    db: RedisServer, nodes: tuple[Node, Node], tmp_path: Path
) -> None:
    victim = Node(db.url, tmp_path / "victim.log")
    try:
        victim.wait_ready()
        b = nodes[1]
        title = "Killed " + secrets.token_hex(4)
        # A slow card (a 2x WebP: most of a second) so the kill lands mid-render.
        before = db.renders()

        def doomed() -> None:
            try:
                fetch(card_url(victim, title, ext="webp", scale=2))
            except OSError:  # the connection dies with the node
                pass

        threading.Thread(target=doomed, daemon=True).start()
        deadline = time.monotonic() + 10
        while not list(db.client.scan_iter("svgog:lock:*")):
            assert time.monotonic() < deadline, "the victim never took the lock"
            time.sleep(0.005)
        started = time.monotonic()
        with ThreadPoolExecutor(10) as pool:
            waiting = [pool.submit(fetch, card_url(b, title, ext="webp", scale=2)) for _ in range(10)]
            time.sleep(0.1)
            victim.kill()
            assert db.renders() == before  # killed before it stored anything
            results = [future.result() for future in waiting]
        elapsed = time.monotonic() - started
        assert {status for status, _ in results} == {200}
        assert len({body for _, body in results}) == 1 and results[0][1].startswith(b"RIFF")
        assert db.renders() == before + 1  # the one render, by B after the lock expired
        assert elapsed < 3.0 + 5.0, elapsed  # the lock's TTL, then a render
        print(f"taken over and answered in {elapsed:.2f}s")
    finally:
        victim.stop()
