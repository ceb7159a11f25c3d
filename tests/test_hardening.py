"""Defects an attack on the demo and the extension found, each pinned by a test.

The demo as shipped (no built-in key, the gallery off in production), the
gallery behind the image route's limits, Host headers, canonical signatures,
the webhook's streamed body, scripts in SVG output, and the pixel limit.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from helpers import ROOT, pixels, png_size
from werkzeug.test import EnvironBuilder

from app import create_app
from svgog import InvalidInput, Renderer, TemplateError
from svgog.colors import field_color, normalize_color
from svgog.flask import SvgOg, UntrustedHost, og_image_url, og_meta
from svgog.flask.signing import UrlSigner
from svgog.fonts import FontRegistry
from svgog.template import Template
from svgog.validation import MAX_OUTPUT_PIXELS

BIN = Path(sys.executable).parent

# -- 1. the demo as shipped ---------------------------------------------------------------------


def test_the_demo_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SystemExit) as refused:
        create_app()
    message = str(refused.value.code)
    assert message.startswith("svgog demo: set SECRET_KEY") and "\n" not in message


def test_gunicorn_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["SVGOG_BIND"] = "127.0.0.1:0"
    done = subprocess.run(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:create_app()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if "SECRET_KEY" in line]
    assert lines and lines[0].startswith("svgog demo: set SECRET_KEY"), done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_development_makes_up_a_key_per_start_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first, second = create_app(development=True), create_app({"DEBUG": True})
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64 and "svgog-demo" not in first.config["SECRET_KEY"]
    assert "random key" in capsys.readouterr().err


def test_make_run_gives_the_dev_server_a_random_key_and_the_gallery(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "-n", "-f", str(ROOT / "Makefile"), "run", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "secrets.token_hex(32)" in done.stdout and 'SVGOG_GALLERY="${SVGOG_GALLERY:-1}"' in done.stdout
    assert "change-me" not in (ROOT / "app.py").read_text()


def test_the_gallery_is_off_unless_debugging_or_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SVGOG_GALLERY", raising=False)
    production = create_app()
    assert production.extensions["svgog"].gallery is False
    client = production.test_client()
    assert client.get("/og/").status_code == 404
    assert client.get("/og/_gallery/blog.png?title=x").status_code == 404
    assert b"gallery" not in client.get("/").data
    assert create_app({"DEBUG": True}).extensions["svgog"].gallery is True
    monkeypatch.setenv("SVGOG_GALLERY", "1")
    assert create_app().extensions["svgog"].gallery is True
    monkeypatch.setenv("SVGOG_GALLERY", "0")
    assert create_app().extensions["svgog"].gallery is False


def _gallery_app(**config: object) -> Flask:
    return create_app({"SVGOG_GALLERY": True, **{f"SVGOG_{k.upper()}": v for k, v in config.items()}})


def test_gallery_previews_wait_for_a_render_slot() -> None:
    app = _gallery_app(max_renders=1, render_wait=0.1)
    state = app.extensions["svgog"]
    assert state.acquire_render_slot()
    try:
        for ext in ("png", "svg", "json"):
            busy = app.test_client().get(f"/og/_gallery/blog.{ext}?title=Busy+{ext}")
            assert busy.status_code == 503 and busy.headers["Retry-After"] == "2", ext
    finally:
        state.release_render_slot()
    assert app.test_client().get("/og/_gallery/blog.png?title=Busy+png").status_code == 200


def test_gallery_previews_are_cached() -> None:
    app = _gallery_app()
    state = app.extensions["svgog"]
    client = app.test_client()
    for ext in ("png", "svg", "json"):
        before = state.renders
        first = client.get(f"/og/_gallery/blog.{ext}?title=Cached")
        again = client.get(f"/og/_gallery/blog.{ext}?title=Cached")
        assert first.status_code == again.status_code == 200 and first.data == again.data
        assert state.renders == before + 1, ext
    # The image route and the gallery share the cache: the same image renders once.
    before = state.renders
    client.get("/og/_gallery/blog.png?title=Shared")
    with app.test_request_context("/"):
        url = og_image_url("blog", title="Shared", _external=False)
    assert client.get(url).status_code == 200 and state.renders == before + 1


def test_gallery_previews_serve_only_the_served_formats() -> None:
    client = _gallery_app(formats=["png"]).test_client()
    assert client.get("/og/_gallery/blog.png").status_code == 200
    for ext in ("svg", "jpg", "jpeg", "webp"):
        response = client.get(f"/og/_gallery/blog.{ext}")
        assert response.status_code == 404 and b"unknown format" in response.data, ext
    assert client.get("/og/_gallery/blog.json").status_code == 200  # the fit report is not an image


# -- 2. the webhook reads no more than its limit ------------------------------------------------


class _CountingStream(io.RawIOBase):
    """A request body of ``size`` bytes that counts what is read of it."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left, 4096)
        buffer[:n] = b"x" * n
        self.left -= n
        self.read_bytes += n
        return n


def test_a_body_without_content_length_is_read_up_to_the_limit_only(tmp_path: Path) -> None:
    app = create_app({"SVGOG_WEBHOOK_SECRET": "hook", "SVGOG_STORAGE_DIR": str(tmp_path)})
    body = _CountingStream(100 * 1024 * 1024)
    environ = EnvironBuilder(path="/og/blog", method="POST", headers={"X-Svgog-Signature": "sha256=x"}).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": body, "wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"})
    statuses: list[str] = []
    answer = b"".join(app.wsgi_app(environ, lambda status, headers, *_: statuses.append(status)))
    assert statuses == ["413 REQUEST ENTITY TOO LARGE"] and b"larger than 65536" in answer
    assert body.read_bytes <= 64 * 1024 + 4096


# -- 3. colors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "drawn"),
    [
        ("rgb(15 23 42)", "#0f172a"),
        ("rgb(15, 23, 42)", "#0f172a"),
        ("rgb(100% 0% 50%)", "#ff0080"),
        ("rgba(0 0 255 / 50%)", "rgba(0, 0, 255, 0.5)"),
        ("hsl(120 100% 25%)", "#008000"),
        ("hsl(0.5turn, 100%, 50%)", "#00ffff"),
        ("hsla(-120deg 100% 50% / .25)", "rgba(0, 0, 255, 0.25)"),
        ("#ABC", "#abc"),
        ("#11223344", "rgba(17, 34, 51, 0.267)"),
        ("RebeccaPurple", "#663399"),
        ("transparent", "transparent"),
        ("currentcolor", "currentColor"),
    ],
)
def test_field_colors_are_written_as_every_renderer_reads_them(value: str, drawn: str) -> None:
    assert field_color(value) == drawn


@pytest.mark.parametrize(
    "value",
    ["rgb(0 0 0 / 1e999%)", "rgb(1e308 1e308 1e308)", "rgb(256 0 0)", "rgb(-1 0 0)", "rgb(101% 0% 0%)",
     "rgba(0, 0, 0, 1.01)", "rgba(0 0 0 / 101%)", "hsl(1e999 50% 50%)", "hsl(1e308turn 50% 50%)", "hsl(0 -1% 50%)",
     "hsl(0 50% 100.5%)", "rgb(1e3 0 0)", "url(#x)"],
)  # fmt: skip
def test_out_of_range_and_non_finite_colors_are_refused(value: str) -> None:
    assert field_color(value) is None
    with pytest.raises(InvalidInput, match="not a CSS color"):
        Renderer().prepare("blog", {"title": "x", "accent": value})


def test_non_finite_numbers_are_not_colors_even_in_templates() -> None:
    assert normalize_color("rgb(0 0 0 / 1e999%)") is None
    assert normalize_color("rgb(300, 0, 0)") == "rgb(300, 0, 0)"  # CSS clamps it: a template may say so


def test_space_separated_colors_are_drawn(renderer: Renderer) -> None:
    image = pixels(renderer.render_png("blog", title="x", accent="rgb(220 38 38)"))
    reference = pixels(renderer.render_png("blog", title="x", accent="#dc2626"))
    assert (image == reference).all()


# -- 4. the Host header -------------------------------------------------------------------------


def _library_app(**config: object) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="k", **config)
    SvgOg(app)
    return app


def test_production_without_hosts_or_base_url_builds_no_absolute_url(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="svgog"):
        app = _library_app()
    assert "SVGOG_BASE_URL" in caplog.text and "TRUSTED_HOSTS" in caplog.text
    with app.test_request_context("/posts/x", headers={"Host": "evil.example"}):
        with pytest.raises(UntrustedHost, match="TRUSTED_HOSTS"):
            og_image_url("blog", title="x")
        with pytest.raises(UntrustedHost, match="SVGOG_BASE_URL"):
            og_meta("blog", title="x")
        assert og_image_url("blog", title="x", _external=False).startswith("/og/blog.png?")


def test_trusted_hosts_name_the_only_hosts_urls_are_built_from() -> None:
    app = _library_app(TRUSTED_HOSTS=["blog.example.com"])
    client = app.test_client()
    with app.test_request_context("/posts/x", base_url="https://blog.example.com"):
        html = str(og_meta("blog", title="x"))
    assert 'content="https://blog.example.com/og/blog.png?' in html and 'content="https://blog.example.com/posts/x"' in html
    assert client.get("/og/blog.png?title=x", headers={"Host": "evil.example"}).status_code == 400


def test_base_url_makes_image_urls_without_the_host() -> None:
    app = _library_app(SVGOG_BASE_URL="https://cdn.example.com/og")
    with app.test_request_context("/posts/x", headers={"Host": "evil.example"}):
        assert og_image_url("blog", title="x").startswith("https://cdn.example.com/og/blog.png?")
        with pytest.raises(UntrustedHost, match="og:url"):
            og_meta("blog", title="x")  # og:url would still come from the Host
        html = str(og_meta("blog", title="x", url="https://blog.example.com/posts/x"))
    assert "evil" not in html and 'content="https://cdn.example.com/og/blog.png?' in html


def test_debugging_and_testing_trust_the_request_host() -> None:
    for flag in ("DEBUG", "TESTING"):
        app = _library_app(**{flag: True})
        with app.test_request_context("/", base_url="http://dev.local:5000"):
            assert og_image_url("blog", title="x").startswith("http://dev.local:5000/og/blog.png?")


def test_the_webhook_answers_a_path_when_no_host_is_trusted(tmp_path: Path) -> None:
    import hashlib
    import hmac
    import json

    app = _library_app(SVGOG_SIGNING=False, SVGOG_WEBHOOK_SECRET="hook", SVGOG_STORAGE_DIR=str(tmp_path))
    body = json.dumps({"title": "Stored"}).encode()
    signature = "sha256=" + hmac.new(b"hook", body, hashlib.sha256).hexdigest()
    answer = app.test_client().post("/og/blog", data=body, headers={"X-Svgog-Signature": signature, "Host": "evil.example"})
    assert answer.status_code == 200
    url = answer.get_json()["url"]
    assert url.startswith("/og/stored/") and "evil" not in url
    with app.test_client().get(url) as stored:
        assert stored.status_code == 200


# -- 5. one spelling per signature ----------------------------------------------------------------


def test_base64_spellings_of_a_signature_are_refused() -> None:
    signer = UrlSigner("k")
    checked = 0
    for i in range(200):
        pairs = [("title", f"t{i}")]
        sig = signer.sign("blog.png", pairs)
        assert signer.verify("blog.png", pairs, sig)
        if "-" in sig or "_" in sig:
            checked += 1
            assert not signer.verify("blog.png", pairs, sig.replace("-", "+").replace("_", "/"))
        for junk in ("=", "==", "....", "~=", " =", "\t=", "\x00="):
            assert not signer.verify("blog.png", pairs, sig + junk)
    assert checked > 50


def test_urls_signed_with_v_still_verify() -> None:
    from itsdangerous import Signer

    signer = UrlSigner("k")
    old = Signer("k", salt="svgog.image-url", digest_method=None).get_signature(b"blog.png?title=x&v=1").decode()
    assert signer.verify("blog.png", [("title", "x"), ("v", "1")], old)
    assert not signer.verify("blog.png", [("title", "x"), ("v", "1")], old + "=")


# -- 7. no scripts in SVG output ------------------------------------------------------------------

ACTIVE = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:og="urn:svgog" width="200" height="100" onload="alert(1)">
  <script>alert(2)</script>
  <script xlink:href="https://evil.example/x.js"/>
  <a href=" java&#9;script:alert(3)" xlink:href="JavaScript:alert(4)"><rect width="10" height="10" onclick="alert(5)"/></a>
  <set attributeName="href" to="javascript:alert(6)"/>
  <animate attributeName="onclick" values="alert(7)"/>
  <image href="vbscript:x" width="1" height="1"/>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">
    <script>alert(8)</script><iframe srcdoc="&lt;script&gt;alert(9)&lt;/script&gt;"/>kept</div></foreignObject>
  <text id="title" x="10" y="50" og:width="180" font-family="Inter" font-size="20" onmouseover="alert(10)">T</text>
</svg>"""


def test_filled_svgs_carry_no_scripts(tmp_path: Path) -> None:
    template = Template.from_bytes("active", ACTIVE.encode(), FontRegistry())
    svg, _ = template.fill({"title": "Hello"})
    text = svg.decode().lower()
    for needle in ("<script", "alert(", "javascript", "vbscript", "onload", "onclick", "onmouseover", "srcdoc", "iframe", "<set", "<animate"):
        assert needle not in text, needle
    assert "kept" in text and "<rect" in text and "<path" in text


def test_served_svgs_carry_no_scripts_and_the_same_headers(tmp_path: Path) -> None:
    (tmp_path / "active.svg").write_text(ACTIVE)
    app = create_app({"SVGOG_SIGNING": False, "SVGOG_GALLERY": True, "SVGOG_TEMPLATES": str(tmp_path)})
    client = app.test_client()
    for path in ("/og/active.svg?title=Hi", "/og/_gallery/active.svg?title=Hi"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'"), path
        assert b"<script" not in response.data and b"alert(" not in response.data, path
    for path in ("/og/active.png?title=Hi", "/og/_gallery/active.png?title=Hi"):
        assert client.get(path).headers["X-Content-Type-Options"] == "nosniff", path


# -- 8. the pixel limit -------------------------------------------------------------------------


def _sized(width: int, height: int) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        f'<rect width="{width}" height="{height}" fill="#123"/></svg>'
    ).encode()


@pytest.mark.parametrize(("width", "height"), [(10000, 10000), (7000, 6000), (10000, 4001)])
def test_templates_larger_than_the_pixel_limit_are_refused_at_load(width: int, height: int) -> None:
    with pytest.raises(TemplateError, match=f"more than {MAX_OUTPUT_PIXELS} pixels"):
        Template.from_bytes("huge", _sized(width, height), FontRegistry())


def test_a_scale_that_makes_too_many_pixels_is_refused_before_rendering(tmp_path: Path) -> None:
    (tmp_path / "big.svg").write_text(_sized(5000, 5000).decode())
    renderer = Renderer(templates=tmp_path)
    assert renderer.prepare("big", scale=1).key
    started = time.perf_counter()
    for scale in (2, 1.5, 4):
        with pytest.raises(InvalidInput, match="the limit is 40000000"):
            renderer.prepare("big", scale=scale)
        with pytest.raises(InvalidInput, match="the limit is 40000000"):
            renderer.render("big", scale=scale)
    assert time.perf_counter() - started < 1
    app = create_app({"SVGOG_SIGNING": False, "SVGOG_TEMPLATES": str(tmp_path)})
    response = app.test_client().get("/og/big.png?scale=2")
    assert response.status_code == 400 and b"the limit is 40000000" in response.data


def test_the_bundled_templates_fit_at_every_scale(renderer: Renderer) -> None:
    for name in renderer.names():
        template = renderer.template(name)
        assert template.width * template.height * 4**2 <= MAX_OUTPUT_PIXELS, name
    assert png_size(renderer.render("blog", title="x", scale=4).data) == (4800, 2520)


# -- 6. values and keys (the rest are in the hostile corpus) -----------------------------------------


def test_og_image_url_with_a_number_too_long_to_write() -> None:
    app = create_app({"TRUSTED_HOSTS": ["localhost"]})
    with app.test_request_context("/"), pytest.raises(InvalidInput, match="longer than"):
        og_image_url("blog", title=10**5000)
    with app.test_request_context("/"):
        url = og_image_url("blog", title=2026)
    assert dict(parse_qsl(urlsplit(url).query))["title"] == "2026"
