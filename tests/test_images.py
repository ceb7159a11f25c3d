"""Image fields: bytes, asset paths, data: URIs and allowlisted URLs, with every refusal."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from helpers import pixels
from PIL import Image

from svgog import InvalidValue, Renderer

TEMPLATE = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="200" height="100">
  <rect width="200" height="100" fill="#ffffff"/>
  <defs><clipPath id="round"><circle cx="150" cy="50" r="40"/></clipPath></defs>
  <image id="photo" x="0" y="0" width="100" height="100" og:fit="cover"/>
  <image id="avatar" x="110" y="10" width="80" height="80" clip-path="url(#round)" og:fit="cover"/>
</svg>"""


def png(color: tuple[int, int, int], size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


GREEN = png((0, 200, 0))
BLUE = png((0, 0, 255))


class _ImageServer(BaseHTTPRequestHandler):
    hits: list[str] = []
    port = 0

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(self.path)
        if self.path == "/green.png":
            self._send(GREEN)
        elif self.path == "/redirect-out":
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.port}/green.png")
            self.end_headers()
        elif self.path == "/redirect-in":
            self.send_response(302)
            self.send_header("Location", "/green.png")
            self.end_headers()
        elif self.path == "/big.png":
            self._send(GREEN + b"\0" * (3 * 1024 * 1024))
        elif self.path == "/endless":
            self.send_response(200)
            self.end_headers()
            for _ in range(5000):  # no Content-Length: only the size limit stops it
                self.wfile.write(b"\0" * 4096)
        elif self.path == "/slow.png":
            self.send_response(200)
            self.send_header("Content-Length", str(len(GREEN)))
            self.end_headers()
            for byte in GREEN[:20]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.3)
        elif self.path == "/trickle":
            # The status line and headers a byte every 0.2 s, never ending: each wait is short.
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        elif self.path == "/text":
            self._send(b"<html>not an image</html>")
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[tuple[int, list[str]]]:
    _ImageServer.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ImageServer)
    httpd.daemon_threads = True
    _ImageServer.port = httpd.server_port
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_port, _ImageServer.hits
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def templates(tmp_path: Path) -> Path:
    directory = tmp_path / "templates"
    directory.mkdir()
    (directory / "photo.svg").write_text(TEMPLATE)
    return directory


def renderer(templates: Path, **options: object) -> Renderer:
    return Renderer(templates=templates, **options)  # type: ignore[arg-type]


def color_at(data: bytes, x: int, y: int) -> list[int]:
    return pixels(data)[y, x, :3].tolist()


def test_bytes_fill_and_clip(templates: Path) -> None:
    data = renderer(templates).render_png("photo", photo=GREEN, avatar=BLUE)
    assert color_at(data, 50, 50) == [0, 200, 0]  # cover fills the whole box
    assert color_at(data, 150, 50) == [0, 0, 255]
    assert color_at(data, 112, 12) == [255, 255, 255]  # clipped to the circle


def test_absent_image_field_leaves_the_template_as_designed(templates: Path) -> None:
    data = renderer(templates).render_png("photo", photo=GREEN)
    assert color_at(data, 150, 50) == [255, 255, 255]


def test_data_uri_and_asset_path(templates: Path, tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    (assets / "people").mkdir(parents=True)
    (assets / "people" / "ana.png").write_bytes(BLUE)
    uri = "data:image/png;base64," + base64.b64encode(GREEN).decode()
    data = renderer(templates, assets=assets).render_png("photo", photo=uri, avatar="people/ana.png")
    assert color_at(data, 50, 50) == [0, 200, 0] and color_at(data, 150, 50) == [0, 0, 255]


def test_svg_images_are_allowed(templates: Path) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#00f"/></svg>'
    data = renderer(templates).render_png("photo", photo=svg)
    assert color_at(data, 50, 50) == [0, 0, 255]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("../secret.png", "stay inside the asset directories"),
        ("/etc/passwd", "stay inside the asset directories"),
        ("missing.png", "no image 'missing.png'"),
        ("file:///etc/passwd", "image URLs must be"),
        ("ftp://example.com/a.png", "image URLs must be"),
        ("data:image/png;base64,@@@", "not valid base64"),
        ("data:text/plain,hello", "not a PNG, JPEG"),
        (b"not an image", "not a PNG, JPEG"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><!DOCTYPE x [<!ENTITY a "b">]></svg>', "not a usable SVG"),
        (12, "expected image bytes"),
    ],
)
def test_unusable_images_name_the_field(templates: Path, tmp_path: Path, value: object, message: str) -> None:
    (tmp_path / "secret.png").write_bytes(GREEN)
    assets = tmp_path / "assets"
    assets.mkdir()
    with pytest.raises(InvalidValue, match=message) as info:
        renderer(templates, assets=assets).render_png("photo", photo=value)
    assert info.value.field == "photo" and info.value.template == "photo"


def test_links_out_of_the_asset_directory_are_refused(templates: Path, tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (tmp_path / "outside.png").write_bytes(GREEN)
    (assets / "link.png").symlink_to(tmp_path / "outside.png")
    with pytest.raises(InvalidValue, match="no image"):
        renderer(templates, assets=assets).render_png("photo", photo="link.png")


def test_decompression_bombs_are_refused(templates: Path) -> None:
    buffer = BytesIO()
    Image.new("1", (10000, 5000)).save(buffer, "PNG")  # 50 Mpx, a few kilobytes
    with pytest.raises(InvalidValue, match="pixels"):
        renderer(templates).render_png("photo", photo=buffer.getvalue())


def test_allowlisted_url_is_fetched_once_and_embedded(templates: Path, server: tuple[int, list[str]]) -> None:
    port, hits = server
    r = renderer(templates, allowed_hosts=["127.0.0.1"])
    url = f"http://127.0.0.1:{port}/green.png"
    first = r.render_png("photo", photo=url)
    second = r.render_png("photo", photo=url, avatar=url)
    assert hits == ["/green.png"]
    assert color_at(first, 50, 50) == [0, 200, 0] and color_at(second, 150, 50) == [0, 200, 0]
    svg = r.render_svg("photo", photo=url)
    assert "data:image/png;base64," in svg and "127.0.0.1" not in svg


def test_redirects_within_the_allowlist_are_followed(templates: Path, server: tuple[int, list[str]]) -> None:
    port, hits = server
    data = renderer(templates, allowed_hosts=["127.0.0.1"]).render_png(
        "photo", photo=f"http://127.0.0.1:{port}/redirect-in"
    )
    assert color_at(data, 50, 50) == [0, 200, 0]
    assert hits == ["/redirect-in", "/green.png"]


@pytest.mark.parametrize(
    ("path", "host", "message"),
    [
        ("/green.png", "localhost", "host 'localhost' is not on the image allowlist"),
        ("/redirect-out", "127.0.0.1", "host 'localhost' is not on the image allowlist"),
        ("/big.png", "127.0.0.1", "could not fetch"),
        ("/endless", "127.0.0.1", "could not fetch"),
        ("/nope.png", "127.0.0.1", "answered 404"),
        ("/text", "127.0.0.1", "not a PNG, JPEG"),
    ],
)
def test_refused_urls(templates: Path, server: tuple[int, list[str]], path: str, host: str, message: str) -> None:
    port, hits = server
    r = renderer(templates, allowed_hosts=["127.0.0.1"], max_image_bytes=1024 * 1024)
    with pytest.raises(InvalidValue, match=message):
        r.render_png("photo", photo=f"http://{host}:{port}{path}")
    if host == "localhost":
        assert hits == [], "a host off the allowlist is never contacted"


def test_slow_server_hits_the_deadline_without_hanging(templates: Path, server: tuple[int, list[str]]) -> None:
    port, _ = server
    r = renderer(templates, allowed_hosts=["127.0.0.1"], fetch_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(InvalidValue, match="took longer than 1 s"):
        r.render_png("photo", photo=f"http://127.0.0.1:{port}/slow.png")
    assert time.monotonic() - started < 3


def test_a_server_trickling_its_headers_hits_the_same_deadline(
    templates: Path, server: tuple[int, list[str]]
) -> None:
    port, hits = server
    r = renderer(templates, allowed_hosts=["127.0.0.1"], fetch_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(InvalidValue, match="took longer than 1 s"):
        r.render_png("photo", photo=f"http://127.0.0.1:{port}/trickle")
    assert hits == ["/trickle"]
    assert time.monotonic() - started < 2


def test_unreachable_host_is_a_clear_error(templates: Path) -> None:
    r = renderer(templates, allowed_hosts=["127.0.0.1"], fetch_timeout=2.0)
    with pytest.raises(InvalidValue, match="could not fetch"):
        r.render_png("photo", photo="http://127.0.0.1:9/a.png")  # discard port: nothing listens


def test_fetched_pixels_render(templates: Path, server: tuple[int, list[str]]) -> None:
    port, _ = server
    data = renderer(templates, allowed_hosts=["127.0.0.1"]).render_png("photo", avatar=f"http://127.0.0.1:{port}/green.png")
    image = pixels(data)
    assert np.array_equal(image[50, 150, :3], [0, 200, 0])


def test_an_image_field_can_be_cleared(tmp_path: Path) -> None:
    directory = tmp_path / "t"
    directory.mkdir()
    uri = "data:image/png;base64," + base64.b64encode(GREEN).decode()
    (directory / "own.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="100" height="50">'
        '<rect width="100" height="50" fill="#fff"/>'
        f'<image id="avatar" width="50" height="50" href="{uri}"/>'
        '<rect x="60" width="40" height="50" fill="#f00" og:if="avatar"/></svg>'
    )
    r = Renderer(templates=directory)
    kept = r.render_png("own")
    assert color_at(kept, 25, 25) == [0, 200, 0] and color_at(kept, 80, 25) == [255, 0, 0]
    cleared = r.render_png("own", avatar="")
    assert color_at(cleared, 25, 25) == [255, 255, 255] and color_at(cleared, 80, 25) == [255, 255, 255]
