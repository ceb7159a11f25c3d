"""Hostile input through a real server on 127.0.0.1: a specific status, a short message, never a 500."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import serve
from helpers import png_size

from app import create_app
from svgog import Renderer, SvgogError

WEBHOOK_SECRET = b"hostile-secret"


def raw_request(base: str, target: bytes, method: bytes = b"GET", body: bytes = b"", headers: bytes = b"") -> tuple[int, bytes, bytes]:
    """Send bytes exactly as given (no client-side checks); return (status, headers, body)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as connection:
        request = method + b" " + target + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n"
        if body:
            request += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        connection.sendall(request + headers + b"\r\n" + body)
        response = b""
        # Read the head, then exactly Content-Length bytes: a server that
        # answers 413 early may keep the connection open to drain the body.
        while b"\r\n\r\n" not in response:
            chunk = connection.recv(65536)
            if not chunk:
                break
            response += chunk
        head = response.partition(b"\r\n\r\n")[0].lower()
        length = int(head.split(b"content-length:")[1].split(b"\r\n")[0]) if b"content-length:" in head else None
        while length is None or len(response.partition(b"\r\n\r\n")[2]) < length:
            chunk = connection.recv(65536)
            if not chunk:
                break
            response += chunk
    head, _, content = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head, content


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    storage = tmp_path_factory.mktemp("storage")
    app = create_app(
        {
            "SVGOG_SIGNING": False,
            "SVGOG_GALLERY": False,
            "SVGOG_WEBHOOK_SECRET": WEBHOOK_SECRET.decode(),
            "SVGOG_STORAGE_DIR": str(storage),
        }
    )
    running = serve(app)
    yield next(running)
    running.close()


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    running = serve(create_app())
    yield next(running)
    running.close()


OK = (200, None)
Q = "/og/blog.png?title="

# (target, status, message fragment); 200 means a valid 1200x630 PNG.
REQUESTS: list[tuple[bytes, int, str | None]] = [
    # control characters and NUL
    *((f"{Q}a{quote(chr(c))}b".encode(), 400, f"U+{c:04X}") for c in (0x00, 0x01, 0x07, 0x08, 0x0B, 0x0C, 0x1B, 0x7F, 0x85, 0x9F)),
    (f"{Q}tab%09and%0Anewline%0D%0A".encode(), 200, None),
    # broken UTF-8: lone surrogates, overlong forms, truncated and invalid bytes
    *((f"{Q}{e}".encode(), 400, "not valid UTF-8") for e in ("%ED%A0%80", "%ED%BF%BF", "%C0%AE", "%C0%80", "%E0%80%AF", "%F8%88%80%80%80", "%FF", "%C3", "%80abc")),
    # bidi overrides, isolates and zero-width characters render (they are not drawn)
    *((f"{Q}{quote(s)}".encode(), 200, None) for s in ("\u202eevil\u202c", "\u2066iso\u2069", "a\u200bb\u200cc\u200dd", "\ufeffbom", "\u061cmark", "\u200f\u200e")),
    # non-characters and private use
    (f"{Q}{quote(chr(0xFFFE))}".encode(), 400, "U+FFFE"),
    (f"{Q}{quote(chr(0xE000))}".encode(), 200, None),
    # sizes: long values, huge query strings, many parameters
    (f"{Q}{'x' * 1001}".encode(), 400, "limit is 1000"),
    (f"{Q}{'x' * 1000}".encode(), 200, None),
    (f"{Q}{'x' * 60000}".encode(), 400, "limit is 1000"),
    (f"{Q}{'x' * 1_000_000}".encode(), 414, None),
    ("/og/blog.png?" + "&".join(f"p{i}=1" for i in range(10_000)), 414, None),
    ("/og/blog.png?" + "&".join(f"p{i}=1" for i in range(101)), 400, "too many parameters"),
    ("/og/blog.png?" + "&".join(f"_{i}=1" for i in range(30)), 200, None),
    ("/og/blog.png?" + "&".join(f"f{i}=1" for i in range(25)), 400, "too many fields"),
    # repeated and odd parameters
    (f"{Q}a&title=b".encode(), 400, "given more than once"),
    (b"/og/blog.png?title=a&title=a", 400, "given more than once"),
    (b"/og/blog.png?title", 200, None),
    (b"/og/blog.png?=value", 400, "no such field ''"),
    (b"/og/blog.png?&&&", 200, None),
    (b"/og/blog.png?title=%", 200, None),
    (b"/og/blog.png?title=%zz", 200, None),
    (b"/og/blog.png?ti%00tle=x", 400, "no such field"),
    (b"/og/blog.png?%ff=x", 400, "not valid UTF-8"),
    (b"/og/blog.png?v=" + b"9" * 500, 200, None),
    (b"/og/blog.png?author=Jane&date=2026&domain=x.io&site=S&category=C", 200, None),
    (b"/og/blog.png?colour=red", 400, "no such field 'colour'"),
    (b"/og/blog.png?accent=url(%23x)", 400, "not a CSS color"),
    (b"/og/blog.png?accent=red;stroke:blue", 400, "not a CSS color"),
    (b"/og/blog.png?accent=%23ff0000", 200, None),
    (b"/og/blog.png?theme=evil", 400, "not one of"),
    (b"/og/blog.png?theme=light", 200, None),
    (b"/og/blog.png?title=%3Cscript%3Ealert(1)%3C/script%3E", 200, None),
    (b"/og/blog.png?title=%26xxe%3B%26amp%3B%3C!ENTITY", 200, None),
    (b"/og/blog.png?title=" + quote("👩‍👩‍👧‍👦" * 100).encode(), 200, None),
    (b"/og/blog.png?title=" + quote("\u0301" * 500).encode(), 200, None),
    (b"/og/blog.png?title=" + quote("W" * 1000).encode(), 200, None),
    # scale
    *((f"/og/blog.png?scale={s}".encode(), 400, "scale must be one of") for s in ("1e9", "-1", "NaN", "nan", "inf", "-inf", "0", "3", "two", "", "1,5", "0x2")),
    (b"/og/blog.png?scale=2", 200, None),
    (b"/og/blog.png?scale=2.0", 200, None),
    # template names
    *((t, 404, None) for t in (
        b"/og/..%2fapp.png", b"/og/%2e%2e.png", b"/og/%2e%2e%2fetc%2fpasswd.png", b"/og/..%252f.png",
        b"/og/bl%00og.png", b"/og/%00.png", b"/og/bl\xd0\xbeg.png", b"/og/%D0%BElog.png", b"/og/blog%C2%A0.png",
        b"/og/BLOG.png", b"/og/-.png", b"/og/blog..png", b"/og/" + b"a" * 5000 + b".png",
        b"/og/%252e%252e.png", b"/og/blog.png.png",
    )),
    # formats and extensions
    *((f"/og/blog.{e}".encode(), 404, "unknown format") for e in ("gif", "PNG", "pdf", "html", "svgz", "tiff", "bmp", "json")),
    (b"/og/blog.jpg", 200, None),
    (b"/og/blog.jpeg", 200, None),
    (b"/og/blog.webp", 200, None),
    (b"/og/blog.svg", 200, None),
    (b"/og/blog", 405, None),
    (b"/og/.png", 405, None),
    (b"/og/blog.", 405, None),
    (b"/og/stored/..%2f..%2fetc%2fpasswd", 404, None),
    (b"/og/stored/.hidden.png", 404, "no such image"),
    (b"/og/stored/nope.png", 404, "no such image"),
    (b"/og/_gallery/blog.png", 404, None),  # the gallery is off
]


def _id(item: tuple[bytes | str, int, str | None]) -> str:
    target = item[0] if isinstance(item[0], bytes) else item[0].encode()
    return target[:40].decode("latin-1").encode("unicode_escape").decode()[:40]


@pytest.mark.parametrize(("target", "status", "message"), REQUESTS, ids=[_id(r) for r in REQUESTS])
def test_hostile_requests(server: str, target: bytes | str, status: int, message: str | None) -> None:
    if isinstance(target, str):
        target = target.encode()
    got, head, body = raw_request(server, target)
    assert got == status, (got, body[:200])
    assert got != 500
    if status == 200:
        if b"image/png" in head:
            size = png_size(body)
            assert size in ((1200, 630), (2400, 1260))
        else:
            assert b"image/" in head
    elif b"text/plain" in head:
        assert body.endswith(b"\n") and len(body) < 400 and b"\r" not in body[:-1]
        if message is not None:
            assert message.encode() in body
    else:
        # Paths no route matches get the application's own short 404/405 page.
        assert status in (404, 405, 414) and message is None and len(body) < 1000


def test_the_corpus_is_large_enough() -> None:
    assert len(REQUESTS) + len(SIGNATURES) + len(WEBHOOK_BODIES) >= 80


SIGNATURES = ["", "A" * 5000, "%%%not-base64%%%", "=====", "AAAA", "\u00e9", "sig with spaces", "-" * 27, "0" * 27]


@pytest.mark.parametrize("signature", SIGNATURES)
def test_bad_signatures(signed: str, signature: str) -> None:
    status, _, body = raw_request(signed, f"/og/blog.png?title=x&sig={quote(signature)}".encode())
    assert status == 403 and body == b"missing or invalid signature\n"


def test_unsigned_and_valid(signed: str) -> None:
    assert raw_request(signed, b"/og/blog.png?title=x")[0] == 403
    status, _, page = raw_request(signed, b"/posts/hello")
    assert status == 200
    url = page.split(b'property="og:image" content="')[1].split(b'"')[0].replace(b"&amp;", b"&")
    assert raw_request(signed, url.removeprefix(signed.encode()))[0] == 200


def _signed_post(server: str, body: bytes, secret: bytes = WEBHOOK_SECRET) -> tuple[int, bytes]:
    signature = b"sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest().encode()
    status, _, content = raw_request(
        server, b"/og/blog", b"POST", body, b"Content-Type: application/json\r\nX-Svgog-Signature: " + signature + b"\r\n"
    )
    return status, content


WEBHOOK_BODIES: list[tuple[bytes, int, str]] = [
    (b"x" * 70_000, 413, "larger than"),
    (b"[" * 70_000, 413, "larger than"),
    (b'{"a":' * 5000 + b"1" + b"}" * 5000, 400, "not JSON"),
    (b"[" * 5000 + b"]" * 5000, 400, "not JSON"),
    (b"not json", 400, "not JSON"),
    (b"", 400, "not JSON"),
    (b"\xff\xfe\x00", 400, "not JSON"),
    (b"null", 400, "object of strings"),
    (b'"a string"', 400, "object of strings"),
    (b'{"title": 1}', 400, "object of strings"),
    (b'{"title": null}', 400, "object of strings"),
    (b'{"title": ["a"]}', 400, "object of strings"),
    (b'{"title": true}', 400, "object of strings"),
    (b'{"title": "\\u0000"}', 400, "U+0000"),
    (b'{"title": "\\ud800"}', 400, "U+D800"),
    (b'{"nope": "x"}', 400, "no such field"),
    (b'{"title": "' + b"x" * 2000 + b'"}', 400, "limit is 1000"),
    (b'{"title": "Valid"}', 200, "stored"),
]


@pytest.mark.parametrize(("body", "status", "message"), WEBHOOK_BODIES, ids=[b[:20].decode("latin-1") for b, _, _ in WEBHOOK_BODIES])
def test_hostile_webhook_bodies(server: str, body: bytes, status: int, message: str) -> None:
    got, content = _signed_post(server, body)
    assert got == status, content[:200]
    assert message.encode() in content


def test_webhook_signature_checked_before_anything(server: str) -> None:
    assert _signed_post(server, b'{"title": "x"}', secret=b"wrong")[0] == 403
    status, _, _ = raw_request(server, b"/og/blog", b"POST", b'{"title": "x"}', b"X-Svgog-Signature: sha256=\r\n")
    assert status == 403


HOSTILE_VALUES = [
    "a\x00b", "\ud800", "\udfff", "\ufffe", "x" * 1001, "\x1b[31m", "\u202eevil", "a\u200bb", "%ED%A0%80",
    "<script>", "&xxe;", "]]>", "\r\n\r\n", "👩‍👩‍👧‍👦" * 100, "\u0301" * 800, "W" * 1000, "", " ", None, 3, 2.5,
    b"bytes", ["a"], {"a": "b"}, True, float("nan"),
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=[repr(v)[:20] for v in HOSTILE_VALUES])
def test_library_raises_only_svgog_errors(value: object) -> None:
    renderer = Renderer()
    try:
        result = renderer.render("blog", {"title": value})
    except SvgogError:
        return
    assert png_size(result.data) == (1200, 630)


@pytest.mark.parametrize(
    "name", ["..", "../app", "blog/../blog", "bl\x00og", "bl\u043eg", "", "a" * 500, "BLOG", ".hidden", "blog.png", None, 3]
)
def test_library_template_names(name: object) -> None:
    from svgog import TemplateNotFound

    with pytest.raises(TemplateNotFound):
        Renderer().render_png(name)  # type: ignore[arg-type]


@pytest.mark.parametrize("scale", [1e9, -1, float("nan"), float("inf"), 0, "2", None, True])
def test_library_scales(scale: object) -> None:
    from svgog import InvalidInput

    with pytest.raises(InvalidInput):
        Renderer().render("blog", title="x", scale=scale)  # type: ignore[arg-type]


def test_webhook_stored_file_is_served(server: str, tmp_path: Path) -> None:
    status, content = _signed_post(server, json.dumps({"title": "Served after a hostile run"}).encode())
    assert status == 200
    url = json.loads(content)["url"]
    got, head, body = raw_request(server, url.removeprefix(server).encode())
    assert got == 200 and png_size(body) == (1200, 630)
