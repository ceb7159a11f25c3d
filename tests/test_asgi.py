"""The ASGI application behind a real uvicorn: routes, signing, the webhook, mounting, the event loop, the example."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, MutableMapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import jinja2
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from helpers import png_size
from parity_asgi import serve, start
from starlette.applications import Starlette
from starlette.routing import Mount

import svgog.asgi
from svgog.asgi.protocol import read_body
from svgog.asgi.routing import relative_path, resolve
from svgog.asgi.threads import Offloader
from svgog.resources import bundled_templates_dir
from svgog.serving import Service, UrlSigner

ROOT = Path(__file__).resolve().parents[1]
SECRET = "asgi-test-secret"
WEBHOOK_SECRET = "asgi-webhook-secret"
LIMIT = 64 * 1024
TITLE = {"title": "Served by uvicorn", "author": "Ana Lima", "date": "May 1, 2026"}

Fetched = tuple[int, dict[str, str], bytes]


def fetch(url: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None) -> Fetched:
    """Status, headers (lower-case names) and body of one real HTTP request."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def connect(url: str) -> http.client.HTTPConnection:
    """A connection to the server of ``url``, for requests urllib cannot make."""
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)


def sign_body(body: bytes) -> str:
    return "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stored")


@pytest.fixture(scope="module")
def settings(storage: Path) -> dict[str, Any]:
    """Production settings: signed URLs, the webhook on."""
    return {"storage_dir": str(storage), "webhook_secret": WEBHOOK_SECRET, "webhook_max_bytes": LIMIT}


@pytest.fixture(scope="module")
def og(settings: dict[str, Any]) -> Iterator[str]:
    """The bare application mounted at /og in a Starlette site (the parity helper), as ``http://…/og``."""
    url, stop = start(settings, SECRET)
    yield url
    stop()


@pytest.fixture(scope="module")
def signer_service(settings: dict[str, Any]) -> Service:
    """A service with the server's settings and key: it signs URLs the server accepts."""
    return Service.from_config(settings, secret_key=SECRET)


def image_path(service: Service, name: str = "blog", fmt: str = "png", **fields: str) -> str:
    return f"/{name}.{fmt}?" + service.image_query(name, fmt, fields or TITLE)


# -- images -------------------------------------------------------------------------------------


def test_signed_image(og: str, signer_service: Service) -> None:
    status, headers, body = fetch(og + image_path(signer_service))
    assert status == 200
    assert headers["content-type"] == "image/png"
    assert png_size(body) == (1200, 630)
    assert headers["content-length"] == str(len(body))
    assert headers["etag"].startswith('"') and headers["etag"].endswith('"')
    # The URL carries the content hash (v=…): what it names never changes.
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff"


def test_unversioned_url_is_cached_for_max_age(og: str) -> None:
    query = "title=No+version"
    signature = UrlSigner(SECRET).sign("minimal.png", [("title", "No version")])
    status, headers, _ = fetch(f"{og}/minimal.png?{query}&sig={signature}")
    assert status == 200
    assert headers["cache-control"] == "public, max-age=86400"


def test_if_none_match_is_304(og: str, signer_service: Service) -> None:
    url = og + image_path(signer_service)
    _, headers, _ = fetch(url)
    status, again, body = fetch(url, headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body == b""
    assert again["etag"] == headers["etag"]
    assert again["cache-control"] == headers["cache-control"]
    assert "content-type" not in again
    status, _, _ = fetch(url, headers={"If-None-Match": '"something-else"'})
    assert status == 200


def test_signature_is_required(og: str, signer_service: Service) -> None:
    good = og + image_path(signer_service)
    for url in (good.replace("sig=", "sig=x"), good.split("&sig=")[0], og + "/blog.png?title=Unsigned"):
        status, headers, body = fetch(url)
        assert status == 403, url
        assert headers["content-type"] == "text/plain; charset=utf-8"
        assert body == b"missing or invalid signature\n"
    # A changed field breaks the signature too.
    status, _, _ = fetch(good.replace("Served", "Hacked"))
    assert status == 403


def test_bad_field_is_400(og: str) -> None:
    pairs = [("title", "Hi"), ("theme", "purple")]
    signature = UrlSigner(SECRET).sign("blog.png", pairs)
    status, headers, body = fetch(f"{og}/blog.png?title=Hi&theme=purple&sig={signature}")
    assert status == 400
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert b"theme" in body and body.count(b"\n") == 1
    # Bytes that are not UTF-8 are refused, never replaced (before any signature is checked).
    status, _, body = fetch(f"{og}/blog.png?title=%FF")
    assert status == 400 and b"UTF-8" in body


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/blog.gif", b"unknown format 'gif'"),
        ("/blog.PNG", b"unknown format 'PNG'"),
        ("/a/b.png", b"not found"),
        ("/", b"not found"),
        ("/stored/", b"not found"),
        ("/stored/nothing.png", b"no such image"),
        ("/stored/../secret.png", b"no such image"),
    ],
)
def test_not_found(og: str, path: str, message: bytes) -> None:
    status, headers, body = fetch(og + path)
    assert status == 404
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert body.startswith(message) and body.endswith(b"\n") and body.count(b"\n") == 1


def test_unknown_template_is_404(og: str) -> None:
    signature = UrlSigner(SECRET).sign("nope.png", [("title", "x")])
    status, _, body = fetch(f"{og}/nope.png?title=x&sig={signature}")
    assert status == 404 and body == b"no such template 'nope'\n"


def test_head_is_get_without_body(og: str, signer_service: Service) -> None:
    path = "/og" + image_path(signer_service)
    _, get_headers, get_body = fetch(og.removesuffix("/og") + path)
    connection = connect(og)
    connection.request("HEAD", path)
    response = connection.getresponse()
    assert response.status == 200
    assert response.read() == b""
    headers = {k.lower(): v for k, v in response.getheaders()}
    for name in ("content-type", "content-length", "etag", "cache-control", "x-content-type-options"):
        assert headers[name] == get_headers[name], name
    assert int(headers["content-length"]) == len(get_body)
    connection.close()


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/blog.png", "GET, HEAD"),
        ("DELETE", "/stored/x.png", "GET, HEAD"),
        ("POST", "/stored/x.png", "GET, HEAD"),
        ("GET", "/blog", "POST"),
        ("POST", "/blog.png", "GET, HEAD"),  # answered by the core: images are fetched with GET
    ],
)
def test_wrong_method_is_405(og: str, method: str, path: str, allow: str) -> None:
    status, headers, body = fetch(og + path, method=method, body=b"" if method in ("PUT", "POST") else None)
    assert status == 405
    assert headers["allow"] == allow
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert body.count(b"\n") == 1


def test_parity_helper_routes(og: str) -> None:
    """The test-only routes the parity suite shares with the Django helper."""
    site = og.removesuffix("/og")
    status, _, body = fetch(site + "/_test/renders")
    assert status == 200 and set(json.loads(body)) == {"renders", "cache", "store"}
    spec = json.dumps({"tag": "og_meta", "args": ["blog"], "kwargs": {"title": "Parity", "author": "Ana"}})
    status, _, body = fetch(site + "/_test/tags?" + urlencode({"spec": spec}))
    assert status == 200
    page = parse_page(body)
    assert page.tags["og:url"] == site + "/_test/tags"
    assert page.tags["og:image"].startswith(og + "/blog.png?title=Parity&author=Ana&v=")
    assert fetch(page.tags["og:image"])[0] == 200
    spec = json.dumps({"tag": "og_image_url", "args": ["minimal", "jpg"], "kwargs": {"title": "P"}})
    status, _, body = fetch(site + "/_test/tags?" + urlencode({"spec": spec}))
    assert status == 200 and body.startswith((og + "/minimal.jpg?title=P&amp;v=").encode())


# -- the webhook --------------------------------------------------------------------------------


def test_webhook_stores_and_serves(og: str, storage: Path) -> None:
    body = json.dumps({"title": "Stored by the webhook", "author": "Sam"}).encode()
    status, headers, answer = fetch(
        og + "/blog", method="POST", body=body,
        headers={"Content-Type": "application/json", "X-Svgog-Signature": sign_body(body)},
    )  # fmt: skip
    assert status == 200, answer
    assert headers["content-type"] == "application/json"
    document = json.loads(answer)
    assert (document["width"], document["height"]) == (1200, 630)
    # 127.0.0.1 is trusted: an absolute URL under the mount point.
    assert document["url"] == f"{og}/stored/{document['etag']}.png"
    assert (storage / f"{document['etag']}.png").is_file()
    status, headers, data = fetch(document["url"])
    assert status == 200
    assert headers["content-type"] == "image/png"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff"
    assert png_size(data) == (1200, 630)
    status, _, _ = fetch(urljoin(og, document["url"]), headers={"If-None-Match": headers["etag"]})
    assert status == 304
    # The same content again: the same URL.
    _, _, again = fetch(og + "/blog", method="POST", body=body, headers={"X-Svgog-Signature": sign_body(body)})
    assert json.loads(again)["url"] == document["url"]
    # From a host that is not trusted: the path, which the caller resolves against the URL it posted to.
    headers = {"X-Svgog-Signature": sign_body(body), "Host": "evil.example"}
    _, _, elsewhere = fetch(og + "/blog", method="POST", body=body, headers=headers)
    assert json.loads(elsewhere)["url"] == f"/og/stored/{document['etag']}.png"
    assert fetch(urljoin(og, json.loads(elsewhere)["url"]))[0] == 200


def test_webhook_refusals(og: str) -> None:
    body = json.dumps({"title": "x"}).encode()
    status, _, message = fetch(og + "/blog", method="POST", body=body, headers={"X-Svgog-Signature": "sha256=00"})
    assert status == 403 and b"X-Svgog-Signature" in message
    status, _, _ = fetch(og + "/blog", method="POST", body=body)
    assert status == 403
    bad = b"not json"
    status, _, _ = fetch(og + "/blog", method="POST", body=bad, headers={"X-Svgog-Signature": sign_body(bad)})
    assert status == 400
    big = b"x" * (LIMIT + 1)
    status, _, _ = fetch(og + "/blog", method="POST", body=big, headers={"X-Svgog-Signature": sign_body(big)})
    assert status == 413


def test_webhook_refuses_a_large_content_length_before_reading(og: str) -> None:
    """A Content-Length over the limit is answered 413 with no byte of the body sent."""
    parts = urlsplit(og)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=10) as sock:
        sock.sendall(
            b"POST /og/blog HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000000\r\n\r\n"
        )
        reply = _read_response(sock)
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b"\r\nconnection: close\r\n" in reply.lower()  # the unread body ends the connection
    assert reply.endswith(b"\r\n\r\nbody larger than 65536 bytes\n")


def test_chunked_webhook_body_is_not_read_whole(og: str) -> None:
    """A chunked body past the limit gets 413 while the client is still sending: the body never ends."""
    connection = connect(og)
    connection.putrequest("POST", "/og/blog")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("X-Svgog-Signature", "sha256=" + "0" * 64)
    connection.endheaders()
    chunk = b"x" * 8192
    sent = 0
    try:
        # Twice the limit, and never the last (empty) chunk: a server reading the whole body would wait forever.
        while sent < 2 * LIMIT:
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed: it reads no more than it must
    response = connection.getresponse()
    assert response.status == 413
    assert response.read() == b"body larger than 65536 bytes\n"
    assert response.getheader("Connection") == "close"
    connection.close()


def _read_response(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while part := sock.recv(65536):
        data += part
    return data


# -- the protocol, without a server -------------------------------------------------------------


def run_coroutine(coroutine: Any) -> Any:
    """``asyncio.run`` in a thread of its own: a browser test's Playwright may own this thread's event loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_body_reading_stops_one_byte_past_the_limit() -> None:
    """However long the stream, no more messages are pulled than the limit needs."""
    pulled = 0

    async def endless() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"y" * 1000, "more_body": True}

    body, complete = run_coroutine(read_body(endless, 4500))
    assert (len(body), complete, pulled) == (4501, False, 5)

    async def short() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    assert run_coroutine(read_body(short, 4500)) == (b"{}", True)


@pytest.mark.parametrize(
    ("scope", "path"),
    [
        ({"path": "/og/blog.png", "root_path": "/og"}, "/blog.png"),  # Starlette ≥ 0.33: path is whole
        ({"path": "/blog.png", "root_path": "/og"}, "/blog.png"),  # older mounts cut it off
        ({"path": "/ogre/blog.png", "root_path": "/og"}, "/ogre/blog.png"),  # only at a segment boundary
        ({"path": "/og", "root_path": "/og"}, "/"),
        ({"path": "/blog.png", "root_path": ""}, "/blog.png"),
        ({"path": "/app/og/blog.png", "root_path": "/app/og/"}, "/blog.png"),
    ],
)
def test_relative_path(scope: dict[str, str], path: str) -> None:
    assert relative_path(scope) == path


def test_routes() -> None:
    assert resolve("GET", "/a.b.png") == resolve("GET", "/a.b.png")
    route = resolve("GET", "/a.b.png")
    assert (route.kind, route.name, route.ext) == ("image", "a.b", "png")  # the extension is after the last dot
    assert resolve("HEAD", "/stored/x.png").kind == "stored"
    assert resolve("POST", "/blog").kind == "webhook"
    assert resolve("GET", "/.png").allow == "POST"  # no name: only the webhook's route has this path
    assert resolve("GET", "/x/y.png").kind == "not_found"


def test_lifespan_and_unmounted_calls(renderer: svgog.Renderer) -> None:
    app = svgog.asgi.create_app(renderer, signing=False)
    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        lifespan = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

        async def receive() -> MutableMapping[str, Any]:
            return next(lifespan)

        await app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
        # Served directly, not mounted: the path is the route.
        scope = {"type": "http", "method": "GET", "path": "/x/y", "root_path": "", "query_string": b"", "headers": []}
        await app(scope, receive, send)

    run_coroutine(run())
    assert [m["type"] for m in sent[:2]] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert sent[2]["status"] == 404
    assert (b"content-type", b"text/plain; charset=utf-8") in sent[2]["headers"]
    assert sent[3]["body"] == b"not found\n"


def test_import_needs_no_framework() -> None:
    code = (
        "import sys, svgog.asgi; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'starlette', 'fastapi', 'jinja2', 'anyio', 'flask'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


# -- the event loop -----------------------------------------------------------------------------

HEAVY = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="1200" height="630" viewBox="0 0 1200 630">
  <metadata><og:template description="A slow card"><og:field name="color" default="#345"/></og:template></metadata>
  <defs><filter id="b" x="-50%" y="-50%" width="200%" height="200%">
    <feGaussianBlur stdDeviation="60"/><feColorMatrix type="saturate" values="0.3"/></filter></defs>
  {rects}
</svg>"""


@pytest.fixture()
def slow_site(tmp_path: Path) -> Iterator[tuple[str, svgog.asgi.SvgogASGI]]:
    """An application with a card that takes seconds to draw (24 large blurs at scale 2)."""
    rects = "\n".join(
        f'<g filter="url(#b)"><rect x="{i * 10}" width="1200" height="630" fill="#345" og:fill="color"/></g>'
        for i in range(24)
    )
    (tmp_path / "heavy.svg").write_text(HEAVY.format(rects=rects))
    app = svgog.asgi.create_app(
        signing=False, templates=[str(bundled_templates_dir()), str(tmp_path)], budget={"seconds": 120}, max_renders=2
    )
    url, stop = serve(Starlette(routes=[Mount("/og", app=app)]))
    yield url + "/og", app
    stop()


def test_rendering_never_blocks_the_event_loop(slow_site: tuple[str, svgog.asgi.SvgogASGI]) -> None:
    url, app = slow_site
    cached = url + "/blog.png?title=Cached"
    assert fetch(cached)[0] == 200
    renders = app.service.renders
    heavy: list[float] = []

    def render_heavy() -> None:
        began = time.perf_counter()
        status, headers, _ = fetch(url + "/heavy.png?color=%23123&scale=2")
        assert status == 200 and "x-svgog-fallback" not in headers
        heavy.append(time.perf_counter() - began)

    worker = threading.Thread(target=render_heavy)
    worker.start()
    deadline = time.monotonic() + 30
    while app.service.renders == renders:  # the heavy render has its slot and is drawing
        assert time.monotonic() < deadline
        time.sleep(0.005)
    latencies: list[float] = []
    for _ in range(5):
        for cheap in (url + "/no/such/path", cached):
            began = time.perf_counter()
            status, _, _ = fetch(cheap)
            latencies.append(time.perf_counter() - began)
            assert status in (200, 404)
    still_rendering = worker.is_alive()
    worker.join(120)
    assert heavy, "the heavy render failed"
    assert still_rendering, f"the heavy render ({heavy[0]:.2f} s) ended before the cheap requests did"
    # Ten cheap answers while one render draws for seconds: each in a small fraction of it.
    assert max(latencies) < min(0.5, heavy[0] / 3), (latencies, heavy)


def test_executor_without_anyio(renderer: svgog.Renderer) -> None:
    """Without anyio the blocking calls run in a bounded ThreadPoolExecutor."""
    app = svgog.asgi.create_app(renderer, signing=False)
    app.offloader = Offloader(2, use_anyio=False)
    url, stop = serve(app)  # served directly, not mounted
    try:
        status, headers, body = fetch(url + "/minimal.png?title=Executor")
        assert status == 200 and png_size(body) == (1200, 630)
        assert app.offloader._executor is not None and app.offloader._executor._max_workers == 2
    finally:
        stop()


# -- mounted in FastAPI, with the Jinja2 helpers -------------------------------------------------

PAGE = """<html><head>{{ og_meta("blog", title=title, description="About " ~ title, author="Jane") }}</head>
<body><img src="{{ og_image_url('blog', title=title, author='Jane') }}"></body></html>"""


class MetaTags(HTMLParser):
    """The ``<meta property=…>`` and ``<meta name=…>`` tags of a page, and its images' sources."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta":
            key = values.get("property") or values.get("name")
            if key and values.get("content") is not None:
                self.tags[key] = values["content"] or ""
        elif tag == "img" and values.get("src"):
            self.images.append(values["src"] or "")


def parse_page(html: bytes) -> MetaTags:
    parser = MetaTags()
    parser.feed(html.decode())
    return parser


@pytest.fixture(scope="module")
def fastapi_site(storage: Path) -> Iterator[str]:
    og = svgog.asgi.create_app(
        secret_key=SECRET, trusted_hosts=["127.0.0.1"], site_name="ASGI tests",
        storage_dir=str(storage), webhook_secret=WEBHOOK_SECRET,
    )  # fmt: skip
    templates = Jinja2Templates(env=jinja2.Environment(loader=jinja2.DictLoader({"page.html": PAGE}), autoescape=True))
    templates.env.globals.update(svgog.asgi.jinja_globals(og, mount="/og"))
    app = FastAPI()
    app.mount("/og", og)

    @app.get("/pages/{title}", response_class=HTMLResponse)
    def page(request: Request, title: str) -> HTMLResponse:
        return templates.TemplateResponse(request, "page.html", {"title": title})

    url, stop = serve(app)
    yield url
    stop()


def test_mounted_in_fastapi(fastapi_site: str) -> None:
    status, _, html = fetch(fastapi_site + "/pages/Mounted?utm_source=x")
    assert status == 200
    page = parse_page(html)
    assert page.tags["og:url"] == fastapi_site + "/pages/Mounted"  # without the query string
    assert page.tags["og:site_name"] == "ASGI tests"
    assert page.tags["og:image"].startswith(fastapi_site + "/og/blog.png?")
    assert page.tags["twitter:image"] == page.tags["og:image"]
    assert page.images[0].startswith(fastapi_site + "/og/blog.png?")
    for image in (page.tags["og:image"], page.images[0]):
        status, headers, body = fetch(image)
        assert status == 200 and headers["content-type"] == "image/png"
        assert png_size(body) == (int(page.tags["og:image:width"]), int(page.tags["og:image:height"]))
    # The mounted application's own refusals are its own, not FastAPI's.
    status, headers, body = fetch(fastapi_site + "/og/blog.png?title=Unsigned")
    assert (status, body) == (403, b"missing or invalid signature\n")


def test_trusted_host_gives_absolute_webhook_urls(fastapi_site: str) -> None:
    body = json.dumps({"title": "Absolute"}).encode()
    status, _, answer = fetch(fastapi_site + "/og/blog", method="POST", body=body, headers={"X-Svgog-Signature": sign_body(body)})
    assert status == 200
    url = json.loads(answer)["url"]
    assert url.startswith(fastapi_site + "/og/stored/")
    assert fetch(url)[0] == 200


def test_untrusted_host_never_reaches_a_page(fastapi_site: str) -> None:
    connection = connect(fastapi_site)
    connection.request("GET", "/pages/Hi", headers={"Host": "evil.example"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 500  # UntrustedHost: a configuration error, never an evil URL
    assert b"evil.example" not in body


def test_helpers_with_base_url(renderer: svgog.Renderer) -> None:
    """With base_url, no request is needed, and the page URL comes from url=."""
    og = svgog.asgi.create_app(renderer, secret_key=SECRET, base_url="https://cdn.example.com/og/")
    helpers = svgog.asgi.jinja_globals(og)
    env = jinja2.Environment(autoescape=True)
    env.globals.update(helpers)
    html = env.from_string('{{ og_meta("blog", title="T", url="https://blog.example.com/t") }}').render()
    page = parse_page(html.encode())
    assert page.tags["og:image"].startswith("https://cdn.example.com/og/blog.png?title=T&v=")
    assert page.tags["og:url"] == "https://blog.example.com/t"
    url = env.from_string("{{ og_image_url('minimal', 'jpg', title='T', scale=2) }}").render()
    assert url.startswith("https://cdn.example.com/og/minimal.jpg?title=T&amp;v=") and "scale=2" in url
    site = og.site("/og")
    assert site.image_url("minimal", fields={"title": "T"}, external=False).startswith("/og/minimal.png?")
    with pytest.raises(svgog.InvalidInput):
        env.from_string("{{ og_image_url('blog', theme='purple') }}").render()
    without = svgog.asgi.jinja_globals(svgog.asgi.create_app(renderer, secret_key=SECRET, trusted_hosts=["a.example"]))
    env.globals.update(without)
    with pytest.raises(RuntimeError, match="base_url"):
        env.from_string("{{ og_image_url('minimal', title='T') }}").render()


# -- the example ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_example(env: dict[str, str]) -> tuple[str, subprocess.Popen[bytes]]:
    """``uvicorn --app-dir examples fastapi_app:app`` on a free port, once it answers."""
    for _ in range(3):  # another process may take the port between choosing it and binding it
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", "examples", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "fastapi_app:app"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return f"http://127.0.0.1:{port}", process
            except OSError:
                time.sleep(0.1)
        _stop(process)
    raise RuntimeError("the example did not start")


def _stop(process: subprocess.Popen[bytes]) -> bytes:
    """Stop the example; its output."""
    if process.poll() is None:
        process.terminate()
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or b""


@pytest.fixture(scope="module")
def example() -> Iterator[str]:
    env = {**os.environ, "SECRET_KEY": "example-" + SECRET, "TRUSTED_HOSTS": "127.0.0.1"}
    env.pop("DEBUG", None)
    url, process = _start_example(env)
    yield url
    _stop(process)


def test_example_page_and_its_image_as_a_crawler_sees_them(example: str) -> None:
    status, headers, html = fetch(example + "/posts/svg-templates")
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = parse_page(html)
    assert page.tags["og:type"] == "article"
    assert page.tags["og:title"].startswith("How we render a million social cards")
    assert page.tags["og:url"] == example + "/posts/svg-templates"
    image = page.tags["og:image"]
    assert image.startswith(example + "/og/blog.png?") and "sig=" in image
    width, height = int(page.tags["og:image:width"]), int(page.tags["og:image:height"])
    # What a platform's crawler does: fetch the URL as written in the page, with its own agent.
    crawler = {"User-Agent": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "Accept": "*/*"}
    status, headers, body = fetch(image, headers=crawler)
    assert status == 200
    assert headers["content-type"] == "image/png"
    assert png_size(body) == (width, height) == (1200, 630)
    # The home page and an unknown post.
    status, _, html = fetch(example + "/")
    assert status == 200 and parse_page(html).tags["og:image"].startswith(example + "/og/minimal.png?")
    assert fetch(example + "/posts/nope")[0] == 404
    assert fetch(example + "/og/blog.png?title=Unsigned")[0] == 403


def test_example_refuses_other_hosts(example: str) -> None:
    connection = connect(example)
    connection.request("GET", "/posts/hello", headers={"Host": "evil.example"})
    response = connection.getresponse()
    assert response.status == 400 and b"evil.example" not in response.read()
    connection.close()


def test_example_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    code = "import sys; sys.path.insert(0, 'examples'); import fastapi_app"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr and "Traceback" not in result.stderr
    env["DEBUG"] = "1"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr

