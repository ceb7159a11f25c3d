"""A cached card through each framework's real server: requests per second and latency, run by hand.

    .venv/bin/python bench/serving.py [--duration 10] [--concurrency 32] [--only flask asgi django]

Starts, one after the other on 127.0.0.1, the three example sites as they
would be deployed on two cores — the Flask demo (``app.py``) and the Django
example (``examples/django_site``) under gunicorn with ``gunicorn.conf.py``
(2 workers × 4 threads), the FastAPI example (``examples/fastapi_app.py``)
under uvicorn with 2 workers — fetches a post page like a crawler, follows
its ``og:image``, and then requests that (cached) image from
``--concurrency`` client threads for ``--duration`` seconds over keep-alive
connections. Prints JSON: requests per second, p50 and p99 latency, errors.

The client runs on the same two cores as the server, so the numbers are
lower than a separate load generator would measure; they compare the
adapters, which all answer from the same serving core and cache.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _command(framework: str, port: int) -> tuple[list[str], Path, dict[str, str]]:
    bind = f"127.0.0.1:{port}"
    env = {"SECRET_KEY": secrets.token_hex(32), "TRUSTED_HOSTS": "127.0.0.1", "SVGOG_BIND": bind,
           "WEB_CONCURRENCY": "2", "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "0"}  # fmt: skip
    gunicorn = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-b", bind]
    if framework == "flask":
        return [*gunicorn, "app:create_app()"], ROOT, env
    if framework == "django":
        return [*gunicorn, "--chdir", str(ROOT / "examples" / "django_site"), "django_site.wsgi:application"], ROOT, env
    uvicorn = [str(BIN / "uvicorn"), "--app-dir", str(ROOT / "examples"), "--host", "127.0.0.1", "--port", str(port)]
    return [*uvicorn, "--workers", "2", "--no-access-log", "fastapi_app:app"], ROOT, env


def _get(port: int, target: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            _get(port, "/")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer within 60 s")


def _image_target(port: int, page: str) -> str:
    status, html = _get(port, page)
    if status != 200:
        raise RuntimeError(f"{page} answered {status}")
    found = re.search(rb'<meta property="og:image" content="([^"]+)"', html)
    if found is None:
        raise RuntimeError(f"{page} has no og:image")
    url = urlsplit(found.group(1).decode().replace("&amp;", "&"))
    return f"{url.path}?{url.query}"


def hammer(port: int, target: str, duration: float, concurrency: int) -> dict[str, float]:
    """``target`` from ``concurrency`` keep-alive clients for ``duration`` seconds."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
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
    }


def run(framework: str, duration: float, concurrency: int) -> dict[str, float]:
    port = _free_port()
    command, cwd, env = _command(framework, port)
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait(port, process)
        target = _image_target(port, "/posts/hello" + ("/" if framework == "django" else ""))
        for _ in range(4):  # every worker renders it once, then it is a cache hit
            _get(port, target)
        return hammer(port, target, duration, concurrency)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--only", nargs="*", default=["flask", "asgi", "django"])
    options = parser.parse_args()
    results = {framework: run(framework, options.duration, options.concurrency) for framework in options.only}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
