"""Load test: mixed traffic against a running server, on loopback only.

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 [--duration 30] [--concurrency 32]
        [--cached 0.8] [--master PID]

Requests signed image URLs of the demo app (the same SECRET_KEY as the server):
``--cached`` of them for a small set of titles (cache hits after the first),
the rest for titles never seen before (uncached renders). Prints JSON: requests,
requests per second, p50/p99 latency, errors (anything but 200), and, with
``--master``, the RSS of each gunicorn worker before and after.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def worker_rss(master: int) -> dict[int, float]:
    """RSS in MiB of the master's child processes (gunicorn workers)."""
    result = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == master:
            result[int(status.parent.name)] = int(fields["VmRSS"].split()[0]) / 1024
    return result


def run(url: str, duration: float, concurrency: int, cached: float, seed: int = 1) -> dict[str, object]:
    from app import create_app
    from svgog.flask import og_image_url

    app = create_app()
    parts = urlsplit(url)
    counter = iter(range(10**9))
    lock = threading.Lock()
    with app.test_request_context("/"):
        hot = [og_image_url("blog", _external=False, title=f"Popular post {i}") for i in range(20)]

    def fresh() -> str:
        with lock:
            number = next(counter)
        with app.test_request_context("/"):
            return og_image_url("blog", _external=False, title=f"Brand new post {number}", author="Load Test")

    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + duration

    def client(index: int) -> None:
        rng = random.Random(seed + index)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while time.monotonic() < deadline:
            path = rng.choice(hot) if rng.random() < cached else fresh()
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                with lock:
                    errors.append(type(exc).__name__)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status not in (0, 200):
                    errors.append(str(status))
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "requests_per_s": len(latencies) / wall,
        "p50_ms": statistics.median(ordered) * 1000 if ordered else 0.0,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else 0.0,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--cached", type=float, default=0.8)
    parser.add_argument("--master", type=int, help="gunicorn master PID, to report worker memory")
    arguments = parser.parse_args()
    if urlsplit(arguments.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("load tests run against loopback only")
    before = worker_rss(arguments.master) if arguments.master else {}
    report = run(arguments.url, arguments.duration, arguments.concurrency, arguments.cached)
    if arguments.master:
        report["rss_mib_before"] = before
        report["rss_mib_after"] = worker_rss(arguments.master)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
