"""Faults, concurrency and resource bounds: clear errors, the same bytes, bounded memory and time."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from helpers import ROOT, png_size

from svgog import FontError, Renderer
from svgog.files import write_atomically
from svgog.flask import SvgOg


def test_corrupt_font_at_startup_names_the_file(tmp_path: Path) -> None:
    font = tmp_path / "Broken.ttf"
    font.write_bytes(b"\x00\x01\x00\x00" + os.urandom(2000))
    with pytest.raises(FontError) as info:
        Renderer(fonts=[tmp_path])
    assert "Broken.ttf" in str(info.value)


def make_app(tmp_path: Path, **config: object) -> Flask:
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "card.svg").write_bytes((ROOT / "templates_svg" / "minimal.svg").read_bytes())
    app = Flask(__name__)
    app.config.update(SVGOG_TEMPLATES=str(templates), SVGOG_SIGNING=False)
    app.config.update({f"SVGOG_{k.upper()}": v for k, v in config.items()})
    SvgOg(app)
    return app


def test_template_that_breaks_or_disappears_after_startup(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    assert client.get("/og/card.png?title=before").status_code == 200
    template = tmp_path / "templates" / "card.svg"
    template.write_bytes(b"<svg><unclosed")
    broken = client.get("/og/card.png?title=after")
    assert broken.status_code == 200 and broken.headers["X-Svgog-Fallback"] == "1"
    assert png_size(broken.data) == (1200, 630)  # the last-resort card
    template.unlink()
    assert client.get("/og/card.png?title=gone").status_code == 404


def test_unwritable_storage_is_503_with_no_partial_file(tmp_path: Path) -> None:
    import hashlib
    import hmac

    storage = tmp_path / "storage-is-a-file"
    storage.write_text("not a directory")
    app = make_app(tmp_path, webhook_secret="s", storage_dir=str(storage))
    body = b'{"title": "x"}'
    signature = "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest()
    response = app.test_client().post("/og/card", data=body, headers={"X-Svgog-Signature": signature})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert storage.read_text() == "not a directory"


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "image.png"

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        write_atomically(target, b"x" * 1000)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_killed_writer_never_leaves_a_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "big.png"
    script = (
        "import sys; from pathlib import Path; from svgog.files import write_atomically\n"
        "write_atomically(Path(sys.argv[1]), b'x' * (512 * 1024 * 1024))\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script, str(target)])
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".tmp-") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert not target.exists(), "the final name appears only once the whole file is written"


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        time.sleep(1.5)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_saturated_renders_answer_503_with_retry_after(tmp_path: Path) -> None:
    slow = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "photo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><image id="photo" width="50" height="50"/></svg>'
    )
    app = Flask(__name__)
    app.config.update(
        SVGOG_TEMPLATES=str(templates), SVGOG_SIGNING=False, SVGOG_ALLOWED_HOSTS=["127.0.0.1"],
        SVGOG_MAX_RENDERS=1, SVGOG_RENDER_WAIT=0.2,
    )  # fmt: skip
    SvgOg(app)
    url = f"/og/photo.png?photo=http://127.0.0.1:{slow.server_port}/a.png"
    first: list[int] = []
    holder = threading.Thread(target=lambda: first.append(app.test_client().get(url).status_code))
    holder.start()
    time.sleep(0.3)  # the first render now holds the only slot, waiting on the slow host
    busy = app.test_client().get("/og/photo.png?photo=")
    holder.join()
    slow.shutdown()
    slow.server_close()
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "2"
    assert first == [400]  # the slow host answered 404: a clear error, not a hang


def test_threads_render_exactly_the_serial_bytes() -> None:
    renderer = Renderer()
    titles = [[f"Thread {t}: title number {i} with kerning AV To" for i in range(150)] for t in range(8)]
    serial = [[renderer.render_svg("blog", title=title) for title in batch] for batch in titles]
    serial_png = [renderer.render_png("blog", title=batch[0]) for batch in titles]
    results: dict[int, list[str]] = {}
    pngs: dict[int, bytes] = {}

    def work(index: int) -> None:
        fresh = Renderer()
        results[index] = [renderer.render_svg("blog", title=title) for title in titles[index]]
        pngs[index] = fresh.render_png("blog", title=titles[index][0]) if index % 2 else renderer.render_png("blog", title=titles[index][0])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(8)] == serial
    assert [pngs[i] for i in range(8)] == serial_png


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_memory_stays_bounded_over_ten_thousand_titles(tmp_path: Path) -> None:
    """The render cache is bounded in bytes: 10,000 distinct titles do not grow the process."""
    app = make_app(tmp_path, cache_max_bytes=8 * 1024 * 1024)
    client = app.test_client()
    for i in range(1000):  # warm up: caches, allocator pools
        client.get(f"/og/card.svg?title=Warm+up+{i}")
    before = rss_mib()
    for i in range(10_000):
        assert client.get(f"/og/card.svg?title=Distinct+title+number+{i}").status_code == 200
    growth = rss_mib() - before
    assert app.extensions["svgog"].cache.size <= 8 * 1024 * 1024
    assert growth < 64, f"RSS grew {growth:.0f} MiB"


def test_no_input_makes_a_render_slow() -> None:
    """The worst input the limits allow, on every bundled template, at the largest scale."""
    renderer = Renderer()
    worst = 0.0
    for name in renderer.names():
        template = renderer.template(name)
        fields = {f: "W" * min(s.max_length or 1000, 1000) for f, s in template.fields.items() if s.kind == "text"}
        started = time.perf_counter()
        result = renderer.render(name, fields, scale=4)
        worst = max(worst, time.perf_counter() - started)
        assert png_size(result.data) == (template.width * 4, template.height * 4)
    assert worst < 5.0, f"{worst:.2f} s"
