"""One behaviour in every framework: the same HTTP tests against Flask, ASGI (uvicorn) and Django, each on a real server.

Each adapter is started by its ``tests/parity_<framework>.py`` helper with the
same svgog settings and key; image URLs are signed by a service of their own
(the signature is the shared signer's, so one URL is valid on all three).
Statuses, the headers that matter, messages and the image bytes must agree.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from helpers import png_size
from test_hostile import REQUESTS

from svgog.resources import bundled_templates_dir
from svgog.serving import Service

FRAMEWORKS = ["flask", "asgi", "django"]
KEY = "parity-key-" + "k" * 24
WEBHOOK_SECRET = "parity-webhook-secret"
#: Headers a client or a cache acts on: every adapter must send the same.
HEADERS = ("content-type", "cache-control", "etag", "x-content-type-options", "content-security-policy",
           "x-svgog-fallback", "retry-after", "allow")  # fmt: skip
#: A template whose picture cannot be decoded: every render of it fails, and the fallback answers.
BROKEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">'
    '<text id="title" x="40" y="100" font-size="60">Broken</text>'
    '<image x="0" y="0" width="100" height="100" href="data:image/png;base64,iVBORw0KGgoAAAAAAAAAAAAAAAAAAAAAAAAA"/>'
    "</svg>"
)


def request(base: str, method: str, target: str | bytes, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request; ``target`` is relative to the server's root, sent as given."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        path = target if isinstance(target, str) else target.decode("latin-1")
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body or method == "POST":
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        connection.close()


def essential(headers: dict[str, str], status: int) -> dict[str, str]:
    found = {name: headers[name] for name in HEADERS if name in headers}
    if "content-type" in found:  # "text/plain; charset=utf-8" and "text/plain;charset=utf-8" are one type
        found["content-type"] = found["content-type"].replace(" ", "").lower()
    if status in (404, 405) and found.get("content-type", "").startswith("text/html"):
        # A path none of svgog's routes takes: the framework's own error page (Flask's is HTML,
        # and its Allow names OPTIONS too). The status and the methods allowed must still agree.
        found.pop("content-type")
    if "allow" in found:
        found["allow"] = ", ".join(sorted(set(found["allow"].replace(" ", "").split(",")) - {"OPTIONS", "HEAD"}))
    return found


class Servers:
    """The three adapters, each serving two configurations: signed with the webhook, and open."""

    def __init__(self, root: Path) -> None:
        templates = root / "templates"
        templates.mkdir()
        (templates / "broken.svg").write_text(BROKEN)
        self.storage = root / "storage"
        self.storage.mkdir()
        common: dict[str, Any] = {"templates": [str(templates), str(bundled_templates_dir())], "site_name": "Parity"}
        self.signed_settings = {
            **common, "signing": True, "webhook_secret": WEBHOOK_SECRET, "storage_dir": str(self.storage),
        }  # fmt: skip
        self.open_settings = {
            **common, "signing": False, "webhook_secret": WEBHOOK_SECRET, "storage_dir": str(self.storage),
        }  # fmt: skip
        # Builds the URLs: a service of the test's own, with the servers' key and templates.
        self.signer = Service.from_config(self.signed_settings, secret_key=KEY)
        self.signed: dict[str, str] = {}
        self.open: dict[str, str] = {}
        self._stops: list[Any] = []

    def start(self) -> None:
        for framework in FRAMEWORKS:
            module = importlib.import_module(f"parity_{framework}")
            for settings, into in ((self.signed_settings, self.signed), (self.open_settings, self.open)):
                base, stop = module.start(dict(settings), KEY)
                self._stops.append(stop)
                into[framework] = base

    def stop(self) -> None:
        for stop in self._stops:
            stop()

    def url(self, base: str, name: str, format: str = "png", **fields: Any) -> str:
        """A path (and query) under the server's root for the signed image."""
        prefix = urlsplit(base).path
        return self.signer.image_url(name, format, fields, prefix=prefix)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    running = Servers(tmp_path_factory.mktemp("parity"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


def everywhere(servers: Servers, method: str, target_of: Any, **options: Any) -> dict[str, tuple[int, dict[str, str], bytes]]:
    """The same request to every framework's signed server: ``target_of(base)`` gives the target."""
    return {f: request(base, method, target_of(base), **options) for f, base in servers.signed.items()}


def assert_agree(answers: dict[str, tuple[int, dict[str, str], bytes]], *, body: bool = True) -> tuple[int, dict[str, str], bytes]:
    first = answers[FRAMEWORKS[0]]
    routed = not first[1].get("content-type", "").startswith("text/html")
    for framework, answer in answers.items():
        assert answer[0] == first[0], f"{framework} answers {answer[0]}, flask {first[0]}: {answer[2][:200]!r}"
        mine, flask = essential(answer[1], answer[0]), essential(first[1], first[0])
        if not routed:
            mine.pop("content-type", None)
        assert mine == flask, framework
        if body and routed:
            assert answer[2] == first[2], f"{framework}'s body differs"
    return first


def test_a_signed_image_is_the_same_everywhere(servers: Servers) -> None:
    status, headers, body = assert_agree(everywhere(servers, "GET", lambda b: servers.url(b, "blog", title="Parity")))
    assert status == 200 and headers["content-type"] == "image/png" and png_size(body) == (1200, 630)
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff" and headers["etag"].startswith('"')


def test_every_format_and_scale(servers: Servers) -> None:
    for format in ("jpg", "webp", "svg"):
        status, headers, _ = assert_agree(everywhere(servers, "GET", lambda b: servers.url(b, "blog", format, title="F")))
        assert status == 200, format
    _, headers, _ = assert_agree(everywhere(servers, "GET", lambda b: servers.url(b, "blog", "svg", title="S")))
    assert headers["content-security-policy"].startswith("default-src 'none'")
    doubled = everywhere(servers, "GET", lambda b: servers.signer.image_url("blog", "png", {"title": "x2"}, prefix=urlsplit(b).path, scale=2))
    assert png_size(assert_agree(doubled)[2]) == (2400, 1260)


def test_not_modified_and_head(servers: Servers) -> None:
    _, headers, _ = request(servers.signed["flask"], "GET", servers.url(servers.signed["flask"], "blog", title="Tag"))
    etag = headers["etag"]
    status, _, body = assert_agree(everywhere(servers, "GET", lambda b: servers.url(b, "blog", title="Tag"), headers={"If-None-Match": etag}))
    assert status == 304 and body == b""
    status, headers, body = assert_agree(everywhere(servers, "HEAD", lambda b: servers.url(b, "blog", title="Tag")))
    assert status == 200 and body == b"" and headers["content-type"] == "image/png"


def test_an_unversioned_url_is_cached_for_max_age(servers: Servers) -> None:
    def unversioned(base: str) -> str:
        url = servers.url(base, "blog", title="Plain")
        path, _, query = url.partition("?")
        return path + "?" + "&".join(p for p in query.split("&") if not p.startswith("v="))

    status, headers, _ = assert_agree(everywhere(servers, "GET", unversioned))
    assert status == 200 and headers["cache-control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        (lambda url: url.replace("title=Sig", "title=Sig2"), 403, b"missing or invalid signature"),
        (lambda url: url.split("&sig=")[0], 403, b"missing or invalid signature"),
        (lambda url: url + "%3D", 403, b"missing or invalid signature"),
        (lambda url: url + "&v=2", 200, None),
        (lambda url: url.replace("blog.png", "nope.png"), 403, b"missing or invalid signature"),  # the name is signed
        (lambda url: url.replace("blog.png", "blog.gif"), 404, b"unknown format"),
    ],
)
def test_signatures_and_names(servers: Servers, change: Any, status: int, message: bytes | None) -> None:
    got, headers, body = assert_agree(everywhere(servers, "GET", lambda b: change(servers.url(b, "blog", title="Sig"))), body=status != 200)
    assert got == status
    if message is not None:
        assert message in body and headers["content-type"].replace(" ", "") == "text/plain;charset=utf-8"


def test_a_failed_render_gets_the_fallback_image(servers: Servers) -> None:
    status, headers, body = assert_agree(everywhere(servers, "GET", lambda b: servers.url(b, "broken", title="x")))
    assert status == 200 and headers["x-svgog-fallback"] == "1" and headers["cache-control"] == "public, max-age=60"
    assert png_size(body)[0] > 0


def _signed_body(fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(fields).encode()
    signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Svgog-Signature": signature, "Content-Type": "application/json"}


def test_the_webhook_stores_and_serves_the_image(servers: Servers) -> None:
    body, headers = _signed_body({"title": "Stored everywhere"})
    answers = everywhere(servers, "POST", lambda b: urlsplit(b).path + "/blog", body=body, headers=headers)
    status, _, _ = assert_agree(answers, body=False)
    assert status == 200
    documents = {f: json.loads(answer[2]) for f, answer in answers.items()}
    etags = {document["etag"] for document in documents.values()}
    assert len(etags) == 1, "one content, one key"
    for framework, document in documents.items():
        assert (document["width"], document["height"]) == (1200, 630)
        stored = urlsplit(document["url"])
        assert stored.path.endswith(f"/stored/{document['etag']}.png") or framework == "django", document["url"]
        got, got_headers, image = request(servers.signed[framework], "GET", stored.path)
        assert got == 200 and got_headers["content-type"] == "image/png" and png_size(image) == (1200, 630), framework
        assert got_headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("body", "signed", "status", "message"),
    [
        (b'{"title": "x"}', False, 403, b"X-Svgog-Signature"),
        (b"not json", True, 400, b"not JSON"),
        (b'{"title": 5}', True, 400, b"JSON object of strings"),
        (b'{"nope": "x"}', True, 400, b"no such field"),
        (b'{"title": "' + b"x" * 70_000 + b'"}', True, 413, b"larger than"),
    ],
)
def test_webhook_refusals(servers: Servers, body: bytes, signed: bool, status: int, message: bytes) -> None:
    headers = _signed_body({})[1]
    if signed:
        headers["X-Svgog-Signature"] = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    got, _, text = assert_agree(everywhere(servers, "POST", lambda b: urlsplit(b).path + "/blog", body=body, headers=headers))
    assert got == status and message in text


def test_methods_not_allowed(servers: Servers) -> None:
    status, headers, _ = assert_agree(everywhere(servers, "POST", lambda b: urlsplit(b).path + "/blog.png"), body=False)
    assert status == 405 and "GET" in headers.get("allow", "")
    status, _, _ = assert_agree(everywhere(servers, "GET", lambda b: urlsplit(b).path + "/blog"), body=False)
    assert status == 405


#: The hostile corpus's image requests that reach the application on every server (the
#: servers' own limits on request lines differ: gunicorn refuses more than 4094 bytes).
HOSTILE = [
    (target if isinstance(target, bytes) else target.encode(), status, message)
    for target, status, message in REQUESTS
    if len(target) < 4000 and (target if isinstance(target, bytes) else target.encode()).isascii()
    and status != 414 and b"_gallery" not in (target if isinstance(target, bytes) else target.encode())
]


def test_the_hostile_corpus_gets_the_same_answers(servers: Servers) -> None:
    assert len(HOSTILE) > 100
    for target, status, message in HOSTILE:
        answers = {}
        for framework, base in servers.open.items():
            path = urlsplit(base).path + target.decode("latin-1").removeprefix("/og")
            answers[framework] = request(base, "GET", path)
        got = assert_agree(answers, body=status != 200)
        assert got[0] == status, (target[:80], got[0], got[2][:200])
        if message is not None and got[2]:
            assert message.encode() in got[2], (target[:80], got[2][:200])
