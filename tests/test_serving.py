"""Serving in production: cache, ETag, signing, fallback, formats, webhook, meta tags."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.request
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from conftest import serve
from flask import Flask
from helpers import png_size
from PIL import Image

from svgog.cache import MemoryCache
from svgog.flask import SvgOg, og_image_url, og_meta

SECRET = "test-secret"


def _broken_png() -> bytes:
    """A PNG whose header is fine (it passes svgog's checks) but whose pixels are garbage."""
    buffer = BytesIO()
    Image.new("RGB", (64, 64), (200, 0, 0)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    start = data.index(b"IDAT") + 8
    data[start : start + 40] = b"\xff" * 40
    return bytes(data)


BROKEN_PNG = _broken_png()


def make_app(tmp_path: Path, **config: object) -> Flask:
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "card.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="600" height="300">'
        '<metadata><og:template><og:field name="title" sample="Sample"/></og:template></metadata>'
        '<rect width="600" height="300" fill="#123456"/>'
        '<image id="logo" x="10" y="10" width="50" height="50"/>'
        '<text id="title" x="20" y="150" og:width="560" font-family="Inter" font-size="40" fill="#fff">T</text></svg>'
    )
    (templates / "static.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300">'
        f'<image width="50" height="50" href="data:image/png;base64,{base64.b64encode(BROKEN_PNG).decode()}"/></svg>'
    )
    app = Flask(__name__)
    app.config.update(SECRET_KEY=SECRET, SVGOG_TEMPLATES=[str(templates), str(Path(__file__).parents[1] / "templates_svg")])
    app.config["TRUSTED_HOSTS"] = ["localhost", "127.0.0.1", "blog.example.com"]
    app.config.update({f"SVGOG_{k.upper()}": v for k, v in config.items()})
    SvgOg(app)
    return app


def renders(app: Flask) -> int:
    return int(app.extensions["svgog"].renders)


def signed(app: Flask, name: str, **fields: str) -> str:
    with app.test_request_context("/"):
        return og_image_url(name, _external=False, **fields)


def test_etag_and_304(tmp_path: Path) -> None:
    app = make_app(tmp_path, signing=False)
    client = app.test_client()
    first = client.get("/og/card.png?title=Hello")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/og/card.png?title=Hello", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    other = client.get("/og/card.png?title=Other", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200 and other.headers["ETag"] != first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=86400"


def test_a_cache_hit_does_not_render(tmp_path: Path) -> None:
    app = make_app(tmp_path, signing=False)
    client = app.test_client()
    datas = [client.get("/og/card.png?title=Cached").data for _ in range(5)]
    assert renders(app) == 1 and len(set(datas)) == 1
    client.get("/og/card.png?title=Cached&v=whatever")  # reserved names change nothing
    assert renders(app) == 1
    client.get("/og/card.png?title=Other")
    assert renders(app) == 2


def test_cache_is_bounded_in_bytes(tmp_path: Path) -> None:
    cache = MemoryCache(max_bytes=12_000)
    app = make_app(tmp_path, signing=False, cache=cache)
    client = app.test_client()
    for i in range(10):
        client.get(f"/og/card.png?title=Title+{i}")
    assert 0 < cache.size <= 12_000 and len(cache) < 10


def test_no_stampede_through_a_real_server(tmp_path: Path) -> None:
    app = make_app(tmp_path, signing=False)
    server = serve(app)
    base = next(server)
    url = f"{base}/og/card.png?title=Twenty+at+once"
    barrier = threading.Barrier(20)
    results: list[bytes] = []

    def fetch() -> None:
        barrier.wait()
        with urllib.request.urlopen(url, timeout=60) as response:
            results.append(response.read())

    threads = [threading.Thread(target=fetch) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.close()
    assert len(results) == 20 and len(set(results)) == 1
    assert renders(app) == 1


def test_signed_urls(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    url = signed(app, "card", title="Signed title")
    assert "sig=" in url and "v=" in url
    good = client.get(url)
    assert good.status_code == 200
    assert good.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    path, query = url.split("?")
    pairs = parse_qsl(query)
    reordered = path + "?" + urlencode(list(reversed(pairs)))
    assert client.get(reordered).status_code == 200
    tampered = url.replace("Signed+title", "Forged+title")
    assert tampered != url
    for bad in (
        tampered,
        path + "?" + urlencode([p for p in pairs if p[0] != "sig"]),
        path + "?" + urlencode([p if p[0] != "sig" else ("sig", "") for p in pairs]),
        path + "?" + urlencode([p if p[0] != "sig" else ("sig", "%%%not-base64%%%") for p in pairs]),
        path + "?" + urlencode([p if p[0] != "sig" else ("sig", "A" * 5000) for p in pairs]),
        url.replace("/og/card.png", "/og/card.jpg"),  # the format is signed too
    ):
        response = client.get(bad)
        assert response.status_code == 403, bad
        assert response.get_data(as_text=True) == "missing or invalid signature\n"
    assert client.get(url + "&title=again").status_code in (400, 403)


def test_signing_off_by_config_and_in_debug(tmp_path: Path) -> None:
    assert make_app(tmp_path, signing=False).test_client().get("/og/card.png?title=x").status_code == 200
    debug = Flask(__name__)
    debug.debug = True
    SvgOg(debug)
    assert debug.extensions["svgog"].signer is None
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        SvgOg(Flask(__name__))


def test_fallback_when_rendering_fails(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(tmp_path, signing=False)
    client = app.test_client()
    broken = "data:image/png;base64," + base64.b64encode(BROKEN_PNG).decode()
    response = client.get("/og/card.png?" + urlencode({"title": "Will fail", "logo": broken}))
    assert response.status_code == 200 and response.headers["X-Svgog-Fallback"] == "1"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert png_size(response.data) == (600, 300)  # the template with its samples
    assert "rendering 'card' failed" in caplog.text and "Will fail" in caplog.text
    last_resort = client.get("/og/static.png")
    assert last_resort.status_code == 200 and last_resort.headers["X-Svgog-Fallback"] == "1"
    assert png_size(last_resort.data) == (1200, 630)
    assert client.get("/og/card.png?nope=1").status_code == 400  # input errors are never the fallback
    assert client.get("/og/missing.png").status_code == 404


def test_configured_fallback_image(tmp_path: Path) -> None:
    image = tmp_path / "fallback.png"
    Image.new("RGB", (1200, 630), (1, 2, 3)).save(image)
    app = make_app(tmp_path, signing=False, fallback=str(image))
    response = app.test_client().get("/og/static.png")
    assert response.data == image.read_bytes()


@pytest.mark.parametrize(("ext", "media", "magic"), [("jpg", "image/jpeg", b"\xff\xd8\xff"), ("jpeg", "image/jpeg", b"\xff\xd8\xff"), ("webp", "image/webp", b"RIFF")])
def test_other_formats(tmp_path: Path, ext: str, media: str, magic: bytes) -> None:
    response = make_app(tmp_path, signing=False).test_client().get(f"/og/card.{ext}?title=Formats")
    assert response.status_code == 200 and response.mimetype == media and response.data.startswith(magic)
    assert Image.open(BytesIO(response.data)).size == (600, 300)


def test_formats_and_scales_from_config(tmp_path: Path) -> None:
    client = make_app(tmp_path, signing=False, formats=["png"], scales=[1, 2]).test_client()
    assert client.get("/og/card.webp").status_code == 404
    assert "formats: png" in client.get("/og/card.jpg").get_data(as_text=True)
    assert png_size(client.get("/og/card.png?scale=2").data) == (1200, 600)
    for bad in ("3", "0", "-1", "NaN", "1e9", "two"):
        response = client.get(f"/og/card.png?scale={bad}")
        assert response.status_code == 400 and "scale must be one of 1, 2" in response.get_data(as_text=True)


def test_field_count_limit(tmp_path: Path) -> None:
    client = make_app(tmp_path, signing=False, max_fields=2).test_client()
    assert client.get("/og/card.png?a=1&b=2&c=3").status_code == 400


def post(client, path: str, body: bytes, secret: str = "hook") -> object:  # type: ignore[no-untyped-def]
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(path, data=body, headers={"X-Svgog-Signature": signature, "Content-Type": "application/json"})


def test_webhook(tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    app = make_app(tmp_path, signing=False, webhook_secret="hook", storage_dir=str(storage))
    client = app.test_client()
    body = json.dumps({"title": "Published!"}).encode()
    first = post(client, "/og/card", body)
    assert first.status_code == 200, first.data
    answer = first.get_json()
    assert answer["width"] == 600 and answer["height"] == 300 and answer["url"].startswith("http://localhost/og/stored/")
    second = post(client, "/og/card", body)
    assert second.get_json() == answer and renders(app) == 1
    files = list(storage.iterdir())
    assert [f.name for f in files] == [f"{answer['etag']}.png"]
    with client.get(urlsplit(answer["url"]).path) as served:
        assert served.status_code == 200 and served.data == files[0].read_bytes()
        assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"not json", 400, "not JSON"),
        (b"[1, 2]", 400, "object of strings"),
        (b'{"title": 5}', 400, "object of strings"),
        (b'{"title": {"a": "b"}}', 400, "object of strings"),
        (b"[" * 100000 + b"]" * 100000, 413, "larger than"),
        (b'{"nope": "x"}', 400, "no such field"),
        (b'{"title": "' + b"x" * 70000 + b'"}', 413, "larger than"),
    ],
)
def test_webhook_refusals(tmp_path: Path, body: bytes, status: int, message: str) -> None:
    app = make_app(tmp_path, signing=False, webhook_secret="hook", storage_dir=str(tmp_path / "s"))
    response = post(app.test_client(), "/og/card", body)
    assert response.status_code == status and message in response.get_data(as_text=True)


def test_webhook_signature_and_switch(tmp_path: Path) -> None:
    app = make_app(tmp_path, signing=False, webhook_secret="hook", storage_dir=str(tmp_path / "s"))
    client = app.test_client()
    body = b'{"title": "x"}'
    assert post(client, "/og/card", body, secret="wrong").status_code == 403
    assert client.post("/og/card", data=body).status_code == 403
    assert post(make_app(tmp_path, signing=False).test_client(), "/og/card", body).status_code == 404
    assert renders(app) == 0


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta":
            self.tags[values.get("property") or values.get("name") or ""] = values.get("content") or ""


def test_og_meta(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with app.test_request_context("/", base_url="https://blog.example.com"):
        html = str(og_meta("card", alt="A <b>bold</b> claim", title="Meta & tags"))
    parser = _Tags()
    parser.feed(html)
    tags = parser.tags
    assert tags["og:image"].startswith("https://blog.example.com/og/card.png?")
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["og:image:width"] == "600" and tags["og:image:height"] == "300"
    assert tags["og:image:type"] == "image/png" and tags["og:image:alt"] == "A <b>bold</b> claim"
    assert tags["twitter:card"] == "summary_large_image"
    assert app.test_client().get(tags["og:image"].removeprefix("https://blog.example.com")).status_code == 200
