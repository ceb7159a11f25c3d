"""The front proxy: slowloris stalls gunicorn on its own, not nginx in front of it.

Real processes on loopback: gunicorn with ``gunicorn.conf.py`` (2 workers × 4
threads, as ``make serve-prod`` on two cores), Debian's nginx with the shipped
``deploy/nginx/svgog.conf`` (ports, certificate and cache paths substituted),
and an attacker that holds connections open by sending a request's headers a
line at a time. gthread gives each such connection a thread until its headers
end; nginx reads headers itself and passes on only whole requests.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import ROOT, free_ports

BIN = Path(sys.executable).parent
CONF = ROOT / "deploy" / "nginx" / "svgog.conf"
# /usr/sbin is not on a normal user's PATH.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
OPENSSL = shutil.which("openssl")
INSTALL = "sudo apt-get install --no-install-recommends nginx-light openssl (make test does it as root)"

#: Attack connections: more than gunicorn's 8 threads, so that each worker gets
#: at least 4 however the kernel shares the accepts out (with 16, one worker in
#: about eight runs was left a free thread).
SLOW_CONNECTIONS = 32
#: How long a normal request may take. The attack makes it wait forever.
PROBE_TIMEOUT = 1.5


def fetch(url: str, context: ssl.SSLContext | None = None, timeout: float = PROBE_TIMEOUT) -> tuple[int, float]:
    """GET ``url`` on a new connection: its status and how long it took."""
    start = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
        response.read()
        return response.status, time.monotonic() - start


def wait_until_serving(
    url: str, process: subprocess.Popen[bytes], logs: list[Path], context: ssl.SSLContext | None = None
) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            fetch(url, context, timeout=5)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                text = "".join(log.read_text(errors="replace") for log in logs if log.exists())
                pytest.fail(f"{url} did not start:\n{text}")
            time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@dataclass
class Proxy:
    """nginx on loopback: its HTTPS port and a client context that trusts its certificate."""

    port: int
    context: ssl.SSLContext

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``make serve-prod`` on a free port: gunicorn.conf.py with 2 workers × 4 threads."""
    [port] = free_ports(1)
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    env = {
        **os.environ, "SVGOG_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "SVGOG_THREADS": "4",
        "SVGOG_ACCESS_LOG": "/dev/null", "SECRET_KEY": secrets.token_hex(32), "TRUSTED_HOSTS": "127.0.0.1",
    }  # fmt: skip
    env.pop("PYTHONPATH", None)
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", server, [log])
        yield port
    finally:
        stop(server)


def shipped_config(directory: Path, upstream: int, http: int, https: int) -> str:
    """deploy/nginx/svgog.conf with this test's ports, certificate and cache directory."""
    text = CONF.read_text()
    substitutions = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "listen 80 default_server;": f"listen 127.0.0.1:{http} default_server;",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{https} ssl default_server;",
        "/etc/letsencrypt/live/blog.example.com/fullchain.pem": str(directory / "cert.pem"),
        "/etc/letsencrypt/live/blog.example.com/privkey.pem": str(directory / "key.pem"),
        "/var/cache/nginx/svgog": str(directory / "cache"),
    }
    for shipped, here in substitutions.items():
        assert text.count(shipped) == 1, f"{CONF.name} no longer has {shipped!r} once: update this test"
        text = text.replace(shipped, here)
    return text


@pytest.fixture(scope="module")
def nginx(gunicorn: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """Debian's nginx with the shipped configuration, in front of ``gunicorn``."""
    if NGINX is None or OPENSSL is None:
        pytest.fail(f"the front-proxy test needs nginx and openssl: {INSTALL}")
    directory = tmp_path_factory.mktemp("nginx")
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    http, port = free_ports(2)
    (directory / "svgog.conf").write_text(shipped_config(directory, gunicorn, http, port))
    # A root master (as in CI) runs its workers as "nobody", who may not enter
    # pytest's private temporary directory: keep them root.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {directory / 'temp' / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    (directory / "nginx.conf").write_text(
        f"{user}\nworker_processes 1;\npid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'} warn;\n"
        f"events {{ worker_connections 512; }}\n"
        f"http {{\n    access_log off;\n{temp}\n    include {directory / 'svgog.conf'};\n}}\n"
    )
    (directory / "temp").mkdir()
    with (directory / "stderr.log").open("wb") as stderr:
        server = subprocess.Popen(
            [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    try:
        proxy = Proxy(port, ssl.create_default_context(cafile=str(directory / "cert.pem")))
        wait_until_serving(proxy.url + "/", server, [directory / "stderr.log", directory / "error.log"], proxy.context)
        yield proxy
    finally:
        stop(server)


class Slowloris:
    """Connections that send a request's headers a line every half second, never ending them."""

    def __init__(self, sockets: list[socket.socket]) -> None:
        self.sockets = sockets
        self.failed = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.trickle, daemon=True)
        self.thread.start()

    def trickle(self) -> None:
        while not self.stopped.wait(0.5):
            for sock in self.sockets:
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    self.failed += 1

    @property
    def holding(self) -> bool:
        """Whether every connection is still open and trickling."""
        return self.thread.is_alive() and self.failed == 0

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)


@contextmanager
def slowloris(port: int, context: ssl.SSLContext | None = None) -> Iterator[Slowloris]:
    """``SLOW_CONNECTIONS`` slowloris connections to ``port`` on 127.0.0.1, closed at the end."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(SLOW_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sockets.append(sock)
            if context is not None:
                sock = sockets[-1] = context.wrap_socket(sock, server_hostname="127.0.0.1")
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            # One at a time, as connections arrive from the network: a burst
            # would mostly go to whichever worker wakes first.
            time.sleep(0.01)
        attack = Slowloris(sockets)
        try:
            time.sleep(0.3)  # until the workers have handed the connections to threads
            yield attack
        finally:
            attack.stop()
    finally:
        for sock in sockets:
            sock.close()


def latencies(url: str, count: int, context: ssl.SSLContext | None = None) -> list[float]:
    """``count`` requests one after another, each of which must succeed in time."""
    times = []
    for _ in range(count):
        status, seconds = fetch(url, context)
        assert status == 200
        times.append(seconds)
    return times


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"


def test_slowloris_stalls_gunicorn_facing_clients_directly(gunicorn: int) -> None:
    """The attack this proxy is for (and this test's own check that the attack works)."""
    url = f"http://127.0.0.1:{gunicorn}/"
    print("gunicorn, no attack:", summary(latencies(url, 10)))

    def probe(_: int) -> str:
        try:
            return f"{fetch(url)[0]}"
        except (urllib.error.URLError, OSError) as error:
            return type(getattr(error, "reason", error)).__name__

    with slowloris(gunicorn) as attack:
        start = time.monotonic()
        with ThreadPoolExecutor(6) as pool:
            outcomes = list(pool.map(probe, range(6)))
        print(f"gunicorn under attack: {outcomes} in {time.monotonic() - start:.1f} s")
        assert attack.holding
    assert "200" not in outcomes, f"the attack did not stall gunicorn: {outcomes}"


def test_nginx_keeps_serving_under_slowloris(gunicorn: int, nginx: Proxy) -> None:
    """The same attack through nginx: requests keep their usual latency, and no gunicorn thread waits."""
    deadline = time.monotonic() + 10
    while True:  # the previous test's attack may still be winding down
        try:
            fetch(f"http://127.0.0.1:{gunicorn}/")
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not recover from the attack"
            time.sleep(0.1)
    before = latencies(nginx.url + "/", 10, nginx.context)
    print("nginx, no attack:", summary(before))
    with slowloris(nginx.port, nginx.context) as attack:
        during = latencies(nginx.url + "/", 20, nginx.context)
        # Not one of gunicorn's threads is waiting on a slow client.
        direct = latencies(f"http://127.0.0.1:{gunicorn}/", 5)
        assert attack.holding
    print("nginx under attack:", summary(during), "| gunicorn directly meanwhile:", summary(direct))
    assert statistics.median(during) < 0.5, during


def test_nginx_caches_images_and_refuses_large_bodies(nginx: Proxy) -> None:
    with urllib.request.urlopen(nginx.url + "/posts/hello", context=nginx.context, timeout=5) as response:
        page = response.read().decode()
    # The page's URLs come from what nginx passes on: Host 127.0.0.1 (no
    # port) and X-Forwarded-Proto https, which gunicorn trusts from 127.0.0.1.
    image = re.search(r'property="og:image" content="https://127\.0\.0\.1(/og/[^"]+)"', page)
    assert image, page
    path = image.group(1).replace("&amp;", "&")
    statuses = []
    for _ in range(2):
        with urllib.request.urlopen(nginx.url + path, context=nginx.context, timeout=5) as response:
            assert response.read()[:8] == b"\x89PNG\r\n\x1a\n"
            statuses.append(response.headers["X-Cache-Status"])
    assert statuses == ["MISS", "HIT"]

    body = urllib.request.Request(nginx.url + "/og/blog", data=b"x" * (100 * 1024), method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(body, context=nginx.context, timeout=5)
    assert refused.value.code == 413
    assert refused.value.headers["Content-Type"] == "text/html", "nginx's page, not svgog's one-line answer"
    refused.value.close()


def test_operations_md_shows_the_shipped_config() -> None:
    docs = (ROOT / "docs" / "operations.md").read_text()
    assert f"```nginx\n{CONF.read_text()}```" in docs, "docs/operations.md must show deploy/nginx/svgog.conf as it is"
