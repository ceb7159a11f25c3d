"""Templates cannot make the renderer read local files or call other hosts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from helpers import pixels, png_size
from PIL import Image

from svgog import Renderer, TemplateError


def solid_png(color: tuple[int, int, int]) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, "PNG")
    return buffer.getvalue()


RED = solid_png((255, 0, 0))
GREEN = solid_png((0, 255, 0))


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(RED)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that serves a red PNG and records every hit."""
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_images_outside_the_template_directory_are_never_fetched(
    tmp_path: Path, recorder: tuple[str, list[str]]
) -> None:
    base_url, hits = recorder
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "inside.png").write_bytes(GREEN)
    (tmp_path / "outside.png").write_bytes(RED)
    absolute = tmp_path / "absolute.png"
    absolute.write_bytes(RED)
    (templates / "evil.svg").write_text(
        f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="400" height="100">
  <style>@import url("{base_url}/style.css");</style>
  <rect width="400" height="100" fill="#ffffff"/>
  <image x="0" y="0" width="50" height="50" href="inside.png"/>
  <image x="50" y="0" width="50" height="50" href="file:///etc/passwd"/>
  <image x="100" y="0" width="50" height="50" href="{absolute.as_uri()}"/>
  <image x="150" y="0" width="50" height="50" href="{base_url}/image.png"/>
  <image x="200" y="0" width="50" height="50" xlink:href="../outside.png"/>
  <image x="250" y="0" width="50" height="50" href="{base_url.replace("127.0.0.1", "localhost")}/x.png"/>
  <use x="300" href="{base_url}/sprite.svg#icon"/>
  <rect x="350" width="50" height="50" fill="url({base_url}/paint.svg#g)"/>
  <text id="title" x="10" y="90" font-size="20">ok</text>
</svg>""",
        encoding="utf-8",
    )
    png = Renderer(templates=templates).render_png("evil", title="still renders")
    assert png_size(png) == (400, 100)
    assert hits == [], f"the renderer called out: {hits}"
    image = pixels(png)[:50, :, :3].astype(int)
    # The allowed image beside the template is drawn, so the test can tell.
    assert (image[10:40, 10:40] == [0, 255, 0]).all()
    reds = (image[..., 0] > 200) & (image[..., 1] < 80) & (image[..., 2] < 80)
    assert not reds.any(), "a refused image was drawn"


def test_data_uris_are_allowed(tmp_path: Path) -> None:
    import base64

    uri = "data:image/png;base64," + base64.b64encode(GREEN).decode()
    (tmp_path / "data.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        f'<image width="40" height="40" href="{uri}"/></svg>'
    )
    image = pixels(Renderer(templates=tmp_path).render_png("data"))
    assert np.array_equal(image[20, 20, :3], [0, 255, 0])


@pytest.mark.parametrize(
    "document",
    [
        # External entity (XXE)
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text id="t">&xxe;</text></svg>',
        # Entity expansion ("billion laughs")
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text id="t">&c;</text></svg>',
    ],
)
def test_entities_and_internal_dtds_are_refused(tmp_path: Path, document: str) -> None:
    (tmp_path / "bad.svg").write_text(document)
    with pytest.raises(TemplateError, match="DOCTYPE"):
        Renderer(templates=tmp_path).render_png("bad")


def test_malformed_template_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg">\n<rect>\n</svg>')
    with pytest.raises(TemplateError) as info:
        Renderer(templates=tmp_path).template("broken")
    assert info.value.line == 3
    assert "broken.svg:3" in str(info.value)
