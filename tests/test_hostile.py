"""Hostile input through a real server on 127.0.0.1: a specific status, a short message, never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from conftest import serve
from helpers import png_size

from app import create_app
from svgog import InvalidInput, Renderer, SvgogError
from svgog.flask import og_image_url

WEBHOOK_SECRET = b"hostile-secret"


def raw_request(
    base: str, target: bytes, method: bytes = b"GET", body: bytes = b"", headers: bytes = b"", *, host: bytes | None = None
) -> tuple[int, bytes, bytes]:
    """Send bytes exactly as given (no client-side checks); return (status, headers, body)."""
    address, port = base.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=60) as connection:
        sent_host = host if host is not None else address.encode()
        request = method + b" " + target + b" HTTP/1.1\r\nHost: " + sent_host + b"\r\nConnection: close\r\n"
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


@pytest.fixture(scope="module")
def gallery() -> Iterator[str]:
    """The demo as deployed with the gallery explicitly on, serving no WebP."""
    running = serve(create_app({"SVGOG_GALLERY": True, "SVGOG_FORMATS": ["png", "jpg", "svg"]}))
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
    # colors: finite numbers in range, in a syntax the renderer draws (never the fallback image)
    (b"/og/blog.png?accent=rgb(0%200%200%20/%201e999%25)", 400, "not a CSS color"),
    (b"/og/blog.png?accent=rgb(1e308%201e308%201e308)", 400, "not a CSS color"),
    (b"/og/blog.png?accent=rgb(1e308,0,0)", 400, "not a CSS color"),
    (b"/og/blog.png?accent=rgb(300,0,0)", 400, "not a CSS color"),
    (b"/og/blog.png?accent=rgba(0,0,0,1.5)", 400, "not a CSS color"),
    (b"/og/blog.png?accent=rgb(-1%200%200)", 400, "not a CSS color"),
    (b"/og/blog.png?accent=hsl(1e308turn%2050%25%2050%25)", 400, "not a CSS color"),
    (b"/og/blog.png?accent=hsl(120%20150%25%2050%25)", 400, "not a CSS color"),
    (b"/og/blog.png?accent=rgb(15%2023%2042)", 200, None),
    (b"/og/blog.png?accent=rgb(15%2023%2042%20/%2050%25)", 200, None),
    (b"/og/blog.png?accent=hsl(120deg%2050%25%2050%25%20/%200.5)", 200, None),
    (b"/og/blog.png?accent=%23ff000080", 200, None),
    (b"/og/blog.png?accent=RebeccaPurple", 200, None),
    # a number is text like any other: 5000 digits are only too long
    (b"/og/blog.png?title=" + b"9" * 5000, 400, "limit is 1000"),
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
        assert b"x-svgog-fallback" not in head.lower(), "a valid request is drawn, not answered with the fallback"
        assert b"x-content-type-options: nosniff" in head.lower()
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
    assert len(REQUESTS) + len(SIGNATURES) + len(WEBHOOK_BODIES) + len(GALLERY_REQUESTS) + len(HOSTS) >= 80


SIGNATURES = ["", "A" * 5000, "%%%not-base64%%%", "=====", "AAAA", "\u00e9", "sig with spaces", "-" * 27, "0" * 27]


@pytest.mark.parametrize("signature", SIGNATURES)
def test_bad_signatures(signed: str, signature: str) -> None:
    status, _, body = raw_request(signed, f"/og/blog.png?title=x&sig={quote(signature)}".encode())
    assert status == 403 and body == b"missing or invalid signature\n"


def _signed_image_url(signed: str) -> str:
    status, _, page = raw_request(signed, b"/posts/hello")
    assert status == 200
    url = page.split(b'property="og:image" content="')[1].split(b'"')[0].replace(b"&amp;", b"&").decode()
    return url.removeprefix(signed)


# Other spellings of a valid signature: each decodes to the same bytes with a lenient
# base64 decoder, and each would be one more URL (one more CDN cache entry) for one image.
SPELLINGS = [
    lambda s: s + "=",
    lambda s: s + "==",
    lambda s: s + "===",
    lambda s: s + "=" * 8,
    lambda s: s + "....",
    lambda s: s[:5] + ".." + s[5:],
    lambda s: s[:5] + "." + s[5:] + "=",
    lambda s: s + "~=",
    lambda s: " " + s + "=",
    lambda s: s + "\n=",
    lambda s: s + "\u00e9",
    lambda s: s.lower() if s != s.lower() else s.upper(),
]


@pytest.mark.parametrize("spell", SPELLINGS, ids=[f"spelling{i}" for i in range(len(SPELLINGS))])
def test_only_the_canonical_signature_verifies(signed: str, spell: object) -> None:
    url = _signed_image_url(signed)
    path, _, query = url.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    sig = dict(pairs)["sig"]
    variant = spell(sig)  # type: ignore[operator]
    assert variant != sig
    target = path + "?" + urlencode([(k, variant if k == "sig" else v) for k, v in pairs])
    status, _, body = raw_request(signed, target.encode())
    assert status == 403 and body == b"missing or invalid signature\n", (variant, body)
    assert raw_request(signed, url.encode())[0] == 200


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


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


_SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
# Avatars CairoSVG failed on (a 500 from the gallery): svgog drops the <tref> and the dangling
# markers (browsers draw nothing for them either) and draws the rest.
BROKEN_AVATARS = [
    _svg_uri(_SVG + '<text><tref xlink:href="#missing"/></text></svg>'),
    _svg_uri(_SVG + '<path d="M0 0L5 5" stroke="red" marker-end="url(#missing)"/></svg>'),
]
# Avatars that made CairoSVG work for tens of seconds or without end: refused by measuring them.
_USES = "".join(f'<g id="l{i}">' + f'<use xlink:href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, 11))
COSTLY_AVATARS = [
    _svg_uri(_SVG + '<defs><rect id="l0" width="1" height="1"/>' + _USES + '</defs><use xlink:href="#l10"/></svg>'),
    _svg_uri(_SVG + '<g id="a"><use xlink:href="#b"/></g><g id="b"><use xlink:href="#a"/></g></svg>'),
    _svg_uri(_SVG + '<defs><marker id="m">' + '<circle r="1"/>' * 50 + '</marker></defs><path marker-mid="url(#m)" d="M0 0'
             + " L1 1" * 200 + '"/></svg>'),
]
G = "/og/_gallery/"

# (target, status, content type or message); the gallery's previews are unsigned, but get the
# image route's limits: its formats, its errors, its headers, and never a 500.
GALLERY_REQUESTS: list[tuple[str, int, str]] = [
    *((f"{G}blog.{e}?{urlencode({'accent': c})}", 400, "not a CSS color")
      for e in ("png", "svg") for c in ("rgb(0 0 0 / 1e999%)", "rgb(1e308 1e308 1e308)", "rgb(300, 0, 0)")),
    *((f"{G}blog.json?{urlencode({'accent': c})}", 200, "not a CSS color") for c in ("rgb(0 0 0 / 1e999%)", "rgb(1e308 1e308 1e308)")),
    *((f"{G}quote.png?{urlencode({'quote': 'x', 'avatar': a})}", 200, "image/png") for a in BROKEN_AVATARS),
    *((f"{G}quote.json?{urlencode({'quote': 'x', 'avatar': a})}", 200, "application/json") for a in BROKEN_AVATARS),
    *((f"{G}quote.svg?{urlencode({'quote': 'x', 'avatar': a})}", 200, "image/svg+xml") for a in BROKEN_AVATARS),
    *((f"{G}quote.{e}?{urlencode({'quote': 'x', 'avatar': a})}", 400, "SVG image refused")
      for e in ("png", "svg") for a in COSTLY_AVATARS),
    (f"{G}blog.png?title=Hello", 200, "image/png"),
    (f"{G}blog.jpeg?title=Hello", 200, "image/jpeg"),
    (f"{G}blog.svg?title=Hello", 200, "image/svg+xml"),
    (f"{G}blog.json?title=Hello", 200, "application/json"),
    (f"{G}blog.webp?title=Hello", 404, "unknown format"),  # not in SVGOG_FORMATS
    (f"{G}blog.gif", 404, "unknown format"),
    (f"{G}nope.png", 404, "no such template"),
    (f"{G}blog.png?scale=3", 400, "scale must be one of"),
    (f"{G}blog.png?scale=1e9", 400, "scale must be one of"),
    (f"{G}blog.png?title=%ED%A0%80", 400, "not valid UTF-8"),
    (f"{G}blog.png?title=a&title=b", 400, "given more than once"),
    (f"{G}blog.png?nope=x", 400, "no such field"),
    (f"{G}blog.svg?title=" + "9" * 5000, 400, "limit is 1000"),
]


@pytest.mark.parametrize(("target", "status", "expected"), GALLERY_REQUESTS, ids=[_id((t, 0, None)) for t, _, _ in GALLERY_REQUESTS])
def test_hostile_gallery_previews(gallery: str, target: str, status: int, expected: str) -> None:
    got, head, body = raw_request(gallery, target.encode())
    assert got == status, (got, body[:200])
    lower = head.lower()
    if status == 200 and expected.startswith(("image/", "application/")):
        assert f"content-type: {expected}".encode() in lower
    elif expected.startswith(("image/", "application/")):
        raise AssertionError("a refusal is a message")
    else:
        assert expected.encode() in body, body[:200]
    if b"content-type: image/" in lower:
        assert b"x-content-type-options: nosniff" in lower
    if b"content-type: image/svg+xml" in lower:
        assert b"content-security-policy: default-src 'none'" in lower


def test_the_gallery_is_off_in_production(signed: str) -> None:
    for target in (b"/og/", b"/og/_gallery/blog.png?title=x", b"/og/_gallery/blog.svg", b"/og/_gallery/blog.json"):
        assert raw_request(signed, target)[0] == 404


# (method, target, Host header, status): a Host the site does not name is refused, never written into a page.
HOSTS: list[tuple[bytes, bytes, bytes, int]] = [
    (b"GET", b"/posts/hello", b"evil.example", 400),
    (b"GET", b"/posts/hello", b"evil.example:80", 400),
    (b"GET", b"/", b"evil.example", 400),
    (b"GET", b"/posts/hello", b"127.0.0.1.evil.example", 400),
    (b"GET", b"/posts/hello", b"localhost.evil.example", 400),
    (b"GET", b"/posts/hello", b"evil.example@127.0.0.1", 400),
    (b"GET", b"/posts/hello", b"", 400),
    (b"GET", b"/og/blog.png?title=x", b"evil.example", 400),
    (b"GET", b"/posts/hello", b"localhost", 200),
    (b"GET", b"/posts/hello", b"127.0.0.1:1", 200),
]


@pytest.mark.parametrize(("method", "target", "host", "status"), HOSTS, ids=[f"{h.decode()}{t.decode()}" for _, t, h, _ in HOSTS])
def test_untrusted_hosts_are_not_reflected(signed: str, method: bytes, target: bytes, host: bytes, status: int) -> None:
    got, head, body = raw_request(signed, target, method, host=host)
    assert got == status and got != 500, body[:200]
    assert b"//evil" not in head + body and b"//127.0.0.1.evil" not in body
    if status == 200 and target.startswith(b"/posts/"):
        image = body.split(b'property="og:image" content="')[1].split(b'"')[0]
        assert image.startswith(b"http://" + host + b"/og/blog.png?")


def test_forwarded_hosts_are_not_reflected(signed: str) -> None:
    forwarded = b"X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\nForwarded: host=evil.example\r\n"
    status, _, body = raw_request(signed, b"/posts/hello", headers=forwarded)
    assert status == 200 and b"evil" not in body


def test_webhook_on_an_untrusted_host(server: str) -> None:
    body = b'{"title": "Host"}'
    signature = b"sha256=" + hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest().encode()
    headers = b"Content-Type: application/json\r\nX-Svgog-Signature: " + signature + b"\r\n"
    status, _, content = raw_request(server, b"/og/blog", b"POST", body, headers, host=b"evil.example")
    assert status == 400 and b"//evil" not in content


def _chunked_upload(base: str, total: int, *, chunk: int = 8192, pause: float = 0.002) -> tuple[int, int]:
    """POST ``total`` bytes as a chunked body, a little at a time; (status, bytes sent before the answer)."""
    host, port = base.removeprefix("http://").split(":")
    body = b"x" * chunk
    signature = b"sha256=" + hmac.new(WEBHOOK_SECRET, b"", hashlib.sha256).hexdigest().encode()
    with socket.create_connection((host, int(port)), timeout=60) as connection:
        connection.sendall(
            b"POST /og/blog HTTP/1.1\r\nHost: " + host.encode() + b"\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/json\r\nX-Svgog-Signature: " + signature + b"\r\nConnection: close\r\n\r\n"
        )
        sent = 0
        connection.setblocking(False)
        response = b""
        try:
            while sent < total:
                try:
                    response += connection.recv(65536)
                except BlockingIOError:
                    pass
                if response:
                    break
                try:
                    connection.sendall(f"{chunk:x}\r\n".encode() + body + b"\r\n")
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    time.sleep(pause)
                    continue
                sent += chunk
                time.sleep(pause)
            if not response and sent >= total:
                connection.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        connection.setblocking(True)
        while b"\r\n\r\n" not in response:
            part = connection.recv(65536)
            if not part:
                break
            response += part
    return int(response.split(b" ", 2)[1]), sent


def test_a_chunked_webhook_body_is_refused_before_it_is_all_sent(server: str) -> None:
    status, sent = _chunked_upload(server, 1024 * 1024)
    assert status == 413
    # The server read at most the limit (64 KiB) plus what the sockets' buffers hold.
    assert sent < 512 * 1024, f"the 413 came only after {sent} bytes"


def test_a_small_chunked_webhook_body_is_read(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    body = json.dumps({"title": "Chunked"}).encode()
    signature = b"sha256=" + hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest().encode()
    with socket.create_connection((host, int(port)), timeout=60) as connection:
        connection.sendall(
            b"POST /og/blog HTTP/1.1\r\nHost: " + host.encode() + b"\r\nTransfer-Encoding: chunked\r\n"
            b"X-Svgog-Signature: " + signature + b"\r\nConnection: close\r\n\r\n"
            + b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:5], body[5:]))
            + b"0\r\n\r\n"
        )
        response = b""
        while part := connection.recv(65536):
            response += part
    assert response.startswith(b"HTTP/1.1 200") and b'"url"' in response


HOSTILE_VALUES = [
    "a\x00b", "\ud800", "\udfff", "\ufffe", "x" * 1001, "\x1b[31m", "\u202eevil", "a\u200bb", "%ED%A0%80",
    "<script>", "&xxe;", "]]>", "\r\n\r\n", "👩‍👩‍👧‍👦" * 100, "\u0301" * 800, "W" * 1000, "", " ", None, 3, 2.5,
    b"bytes", ["a"], {"a": "b"}, True, float("nan"), 10**5000, -(10**4301), 10**1001, float("inf"),
]


def _value_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        return f"int of {value.bit_length()} bits"
    return repr(value)[:20]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=[_value_id(v) for v in HOSTILE_VALUES])
def test_library_raises_only_svgog_errors(value: object) -> None:
    renderer = Renderer()
    try:
        result = renderer.render("blog", {"title": value})
    except SvgogError:
        return
    assert png_size(result.data) == (1200, 630)


def _value_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        return f"int of {value.bit_length()} bits"
    return repr(value)[:20]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=[_value_id(v) for v in HOSTILE_VALUES])
def test_image_urls_raise_only_svgog_errors(value: object) -> None:
    app = create_app({"TRUSTED_HOSTS": ["localhost"]})
    with app.test_request_context("/"):
        try:
            url = og_image_url("blog", title=value)
        except SvgogError:
            return
    assert url.startswith("http://localhost/og/blog.png?")


HOSTILE_KEYS: list[object] = [1, None, 2.5, b"title", ("title",), True, frozenset({"title"})]


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=[repr(k)[:20] for k in HOSTILE_KEYS])
def test_field_names_that_are_not_text(key: object) -> None:
    renderer = Renderer()
    with pytest.raises(InvalidInput, match="field names are text"):
        renderer.render("blog", {key: "x"})  # type: ignore[dict-item]
    with pytest.raises(InvalidInput, match="field names are text"):
        renderer.prepare("blog", {"title": "x", key: "y"})  # type: ignore[dict-item]
    app = create_app({"TRUSTED_HOSTS": ["localhost"]})
    with app.test_request_context("/"), pytest.raises(InvalidInput):
        from svgog.flask import og_meta

        og_meta("blog", title="x", fields={key: "y"})


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
