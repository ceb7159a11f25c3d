"""A small fleet on loopback: two gunicorn nodes sharing Redis, Debian's nginx caching in front; run by hand.

    .venv/bin/python bench/fleet.py [--duration 30] [--concurrency 32] [--cards 200] [--new 0.2]

Starts redis-server, two nodes of the demo app (``gunicorn.conf.py``, one
worker of 4 threads each, ``SVGOG_CACHE_URL`` on that Redis with render
counting on) and nginx with ``proxy_cache`` in front of them, then drives
signed image URLs at ``--concurrency`` for ``--duration`` seconds — 80%
repeats of ``--cards`` titles, 20% titles never seen — first straight at the
nodes (alternating), then through nginx. Prints JSON: requests per second,
p50/p99, renders per unique card (renders counted in Redis over the cards
requested) and Redis memory per 1,000 cached cards.

Everything shares the machine's two cores with the client, so compare the
rows with each other rather than with a separate load generator.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from svgog.serving import Service  # noqa: E402


def _ports(count: int) -> list[int]:
    probes = [socket.socket() for _ in range(count)]
    for probe in probes:
        probe.bind(("127.0.0.1", 0))
    ports = [int(probe.getsockname()[1]) for probe in probes]
    for probe in probes:
        probe.close()
    return ports


def _wait(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


def _redis(port: int, command: str) -> str:
    return subprocess.run(["redis-cli", "-p", str(port), *command.split()], capture_output=True, text=True, check=True).stdout


def _nginx_conf(directory: Path, port: int, nodes: list[int]) -> Path:
    temp = "".join(f"    {kind}_temp_path {directory / 'temp' / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (directory / "temp").mkdir()
    upstream = "".join(f"        server 127.0.0.1:{node};\n" for node in nodes)
    conf = directory / "nginx.conf"
    conf.write_text(
        f"{'user root;' if os.geteuid() == 0 else ''}\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} warn;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    access_log off;\n{temp}"
        f"    proxy_cache_path {directory / 'cache'} keys_zone=edge:8m max_size=512m use_temp_path=off;\n"
        f"    upstream nodes {{\n{upstream}        keepalive 32;\n    }}\n"
        f"    server {{\n        listen 127.0.0.1:{port};\n"
        f"        location / {{\n            proxy_pass http://nodes;\n            proxy_http_version 1.1;\n"
        f"            proxy_set_header Connection \"\";\n            proxy_set_header Host 127.0.0.1;\n"
        f"            proxy_cache edge;\n            proxy_cache_lock on;\n            proxy_cache_background_update on;\n"
        f"        }}\n    }}\n}}\n"
    )
    return conf


def drive(targets: list[int], urls: list[str], fresh: list[str], duration: float, concurrency: int, new: float) -> dict[str, Any]:
    """``concurrency`` keep-alive clients for ``duration`` seconds over ``targets`` (ports, round robin)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration
    fresh_iter = iter(fresh)
    used: set[str] = set()

    def client(index: int) -> None:
        rng = random.Random(index)
        connections = {port: http.client.HTTPConnection("127.0.0.1", port, timeout=60) for port in targets}
        mine: list[float] = []
        failed = 0
        turn = index
        while time.monotonic() < stop_at:
            if rng.random() < new:
                with lock:
                    url = next(fresh_iter, None)
                url = url or rng.choice(urls)
            else:
                url = rng.choice(urls)
            with lock:
                used.add(url)
            port = targets[turn % len(targets)]
            turn += 1
            started = time.perf_counter()
            try:
                connections[port].request("GET", url)
                response = connections[port].getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connections[port].close()
                connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / duration, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "errors": errors[0],
        "unique_cards": len(used),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--new", type=float, default=0.2)
    options = parser.parse_args()
    if shutil.which("redis-server") is None or not Path("/usr/sbin/nginx").exists():
        raise SystemExit("needs Debian's redis-server and nginx (make test installs them)")
    key = secrets.token_hex(32)
    signer = Service.from_config({}, secret_key=key)
    redis_port, edge, *nodes = _ports(4)
    processes: list[subprocess.Popen[bytes]] = []
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        try:
            redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no",
                                      "--maxmemory-policy", "allkeys-lru"], stdout=subprocess.DEVNULL)  # fmt: skip
            processes.append(redis)
            _wait(redis_port, redis, "redis-server")
            for node in nodes:
                env = {**os.environ, "SECRET_KEY": key, "TRUSTED_HOSTS": "127.0.0.1", "SVGOG_BIND": f"127.0.0.1:{node}",
                       "WEB_CONCURRENCY": "1", "SVGOG_CACHE_URL": f"redis://127.0.0.1:{redis_port}/0", "SVGOG_CACHE_STATS": "1"}  # fmt: skip
                process = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "app:create_app()"],
                                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
                processes.append(process)
                _wait(node, process, "gunicorn")
            nginx = subprocess.Popen(["/usr/sbin/nginx", "-p", str(directory), "-c", str(_nginx_conf(directory, edge, nodes)),
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            processes.append(nginx)
            _wait(edge, nginx, "nginx")

            def url(title: str) -> str:
                full = signer.image_url("blog", "png", {"title": title}, prefix="/og")
                return full if full.startswith("/") else urlsplit(full).path + "?" + urlsplit(full).query

            for name, targets in (("nodes", nodes), ("nginx", [edge])):
                _redis(redis_port, "FLUSHALL")
                cards = [url(f"{name}: a card people share, number {i}") for i in range(options.cards)]
                fresh = [url(f"{name}: a title nobody asked for before, {i}") for i in range(200_000)]
                run = drive(targets, cards, fresh, options.duration, options.concurrency, options.new)
                renders = int(_redis(redis_port, "GET svgog:stats:renders").strip() or 0)
                keys = int(_redis(redis_port, "DBSIZE").split()[-1] if _redis(redis_port, "DBSIZE").strip() else 0)
                memory = int(next(line.split(":")[1] for line in _redis(redis_port, "INFO memory").splitlines() if line.startswith("used_memory:")))
                run["renders"] = renders
                run["renders_per_unique_card"] = round(renders / max(1, run["unique_cards"]), 3)
                run["redis_keys"] = keys
                run["redis_mb_per_1000_cards"] = round(memory / max(1, keys) * 1000 / 1e6, 1)
                results[name] = run
        finally:
            for process in reversed(processes):
                process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
