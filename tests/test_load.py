"""A short load test against gunicorn with 2 workers: zero errors, bounded memory (not speed)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from helpers import ROOT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ten_seconds_of_mixed_traffic() -> None:
    port = free_port()
    env = {
        **os.environ,
        "SVGOG_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SVGOG_ACCESS_LOG": "/dev/null",
        "SECRET_KEY": "load-test-key",
    }
    env.pop("PYTHONPATH", None)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    response.read()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        done = subprocess.run(
            [sys.executable, "bench/load.py", "--url", f"http://127.0.0.1:{port}", "--duration", "10",
             "--concurrency", "32", "--master", str(server.pid)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        print(json.dumps(report))
        assert report["errors"] == 0, report
        assert report["requests"] > 100
        after = report["rss_mib_after"]
        assert len(after) == 2 and max(after.values()) < 400, after
    finally:
        server.terminate()
        server.wait(30)
