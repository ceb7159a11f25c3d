"""The Django app (``svgog.django``): real servers on 127.0.0.1, real HTTP.

gunicorn (and once ``runserver``) serves a project made by
:mod:`parity_django`; the answers are compared with the Flask extension's
for the same URLs, signed with the same key. The example site in
``examples/django_site`` is started as deployed and fetched as a crawler
fetches a page and its preview.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest

pytest.importorskip("django")

import parity_django  # noqa: E402
from flask import Flask  # noqa: E402
from helpers import png_size  # noqa: E402
from markupsafe import escape  # noqa: E402

from svgog.flask import SvgOg, og_image_url, og_meta  # noqa: E402
from svgog.serving import Service, UrlSigner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "django_site"
SECRET = "django-tests-" + "k" * 20
WEBHOOK_SECRET = "django-webhook-secret"
SITE_NAME = "Example & Co"
FILE_STORAGE = "django.core.files.storage.FileSystemStorage"


@dataclass
class Answer:
    """An HTTP response, whatever its status."""

    status: int
    headers: Message
    body: bytes

    def json(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.body)
        return document


def fetch(
    url: str,
    method: str = "GET",
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | Iterator[bytes] | None = None,
    chunked: bool = False,
) -> Answer:
    """One request with http.client: no redirects followed, no exception for 4xx and 5xx."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=dict(headers or {}), encode_chunked=chunked)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Server:
    """A running test project: ``base`` is where ``svgog.django.urls`` is mounted."""

    base: str
    media: Path
    cache: Path

    @property
    def origin(self) -> str:
        return self.base.rsplit("/", 1)[0]

    def renders(self) -> int:
        return int(self.state()["renders"])

    def state(self) -> dict[str, Any]:
        return fetch(self.origin + "/_test/renders").json()


def django_settings(media: Path, cache: Path) -> dict[str, object]:
    """Django's settings of the main test server: a file-based cache alias and a file-system storage."""
    return {
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "svgog": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(cache),
                "TIMEOUT": 3600,
            },
        },
        "STORAGES": {"default": {"BACKEND": FILE_STORAGE, "OPTIONS": {"location": str(media), "base_url": "/media/"}}},
        "MEDIA_ROOT": str(media),
        "MEDIA_URL": "/media/",
    }


SVGOG_SETTINGS = {"webhook_secret": WEBHOOK_SECRET, "storage": "default", "cache_alias": "svgog", "site_name": SITE_NAME}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn: signed URLs, images cached in a FileBasedCache alias, the webhook storing through a storage."""
    directory = tmp_path_factory.mktemp("django")
    media, cache = directory / "media", directory / "cache"
    base, stop = parity_django.start(SVGOG_SETTINGS, SECRET, django=django_settings(media, cache))
    try:
        yield Server(base, media, cache)
    finally:
        stop()


@pytest.fixture(scope="module")
def dir_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn: the webhook storing in ``SVGOG_STORAGE_DIR``, svgog's own in-memory cache."""
    directory = tmp_path_factory.mktemp("django-dir")
    settings = {"webhook_secret": WEBHOOK_SECRET, "storage_dir": directory / "stored"}
    base, stop = parity_django.start(settings, SECRET)
    try:
        yield Server(base, directory / "stored", directory)
    finally:
        stop()


@pytest.fixture(scope="module")
def core() -> Service:
    """The serving core with the servers' key: the URLs every adapter signs alike."""
    return Service.from_config({}, secret_key=SECRET)


@pytest.fixture(scope="module")
def flask_app() -> Flask:
    """The Flask extension with the same key and settings, to compare answers with."""
    app = Flask("svgog-django-parity")
    app.config.update(SECRET_KEY=SECRET, TRUSTED_HOSTS=["127.0.0.1", "localhost"], SVGOG_SITE_NAME=SITE_NAME)
    SvgOg(app)
    return app


# -- the image -------------------------------------------------------------------------------------


def test_a_signed_image_is_answered_as_flask_answers_it(server: Server, core: Service, flask_app: Flask) -> None:
    path = core.image_url("blog", "png", {"title": "Django, über HTTP", "author": "Jane"}, prefix="/og")
    answer = fetch(server.origin + path)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "image/png"
    assert png_size(answer.body) == (1200, 630)
    assert answer.headers["ETag"].startswith('"') and len(answer.headers["ETag"]) == 34
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"  # the URL has its hash
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    reference = flask_app.test_client().get(path)
    assert reference.status_code == 200
    for name in ("Content-Type", "Content-Length", "ETag", "Cache-Control", "X-Content-Type-Options"):
        assert answer.headers[name] == reference.headers[name], name
    assert answer.body == reference.data


def test_an_unversioned_url_is_cached_for_max_age(server: Server, core: Service) -> None:
    pairs = [("title", "No version")]
    query = urlencode([*pairs, ("sig", UrlSigner(SECRET).sign("blog.png", pairs))])
    answer = fetch(f"{server.base}/blog.png?{query}")
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "public, max-age=86400"


def test_304_has_no_body_type_or_length(server: Server, core: Service) -> None:
    url = server.origin + core.image_url("blog", "png", {"title": "Conditional"}, prefix="/og")
    first = fetch(url)
    again = fetch(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304 and again.body == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert "Content-Type" not in again.headers and "Content-Length" not in again.headers
    assert fetch(url, headers={"If-None-Match": '"other"'}).status == 200


def test_head_has_the_headers_of_get_and_no_body(server: Server, core: Service) -> None:
    url = server.origin + core.image_url("blog", "png", {"title": "Head"}, prefix="/og")
    got, head = fetch(url), fetch(url, "HEAD")
    assert head.status == 200 and head.body == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Cache-Control", "X-Content-Type-Options"):
        assert head.headers[name] == got.headers[name], name
    assert int(head.headers["Content-Length"]) == len(got.body)


def refused_paths() -> list[tuple[str, int]]:
    """Paths the core refuses, with their statuses (signed with the servers' key where that matters)."""
    signer = UrlSigner(SECRET)

    def signed(path: str, pairs: list[tuple[str, str]]) -> str:
        return f"/og/{path}?" + urlencode([*pairs, ("sig", signer.sign(path, pairs))])

    good = signed("blog.png", [("title", "Hi")])
    return [
        (good.replace("title=Hi", "title=Ho"), 403),  # tampered
        ("/og/blog.png?title=Hi", 403),  # unsigned
        (good + "A", 403),  # another spelling of the signature
        (signed("blog.png", [("subtitle", "x")]), 400),  # no such field
        (signed("blog.png", [("title", "a\x00b")]), 400),  # a control character
        (signed("blog.png", [("title", "x" * 2000)]), 400),  # too long
        ("/og/blog.png?title=%ED%A0%80", 400),  # not UTF-8
        (signed("blog.png", [("scale", "3")]), 400),  # a scale not served
        (signed("nope.png", [("title", "Hi")]), 404),  # no such template
        ("/og/blog.gif?title=Hi", 404),  # no such format
    ]


@pytest.mark.parametrize(("path", "status"), refused_paths())
def test_refusals_are_flasks_short_messages(server: Server, flask_app: Flask, path: str, status: int) -> None:
    answer = fetch(server.origin + path)
    reference = flask_app.test_client().get(path)
    assert (answer.status, reference.status_code) == (status, status)
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert answer.body == reference.data
    assert answer.body.endswith(b"\n") and answer.body.count(b"\n") == 1


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        ("PUT", "/og/blog.png", 405, "GET, HEAD"),
        ("DELETE", "/og/blog.png", 405, "GET, HEAD"),
        ("POST", "/og/blog.png", 405, "GET, HEAD"),  # the core's 405, not Django's CSRF page
        ("GET", "/og/blog", 405, "POST"),
        ("PUT", "/og/blog", 405, "POST"),
        ("POST", "/og/stored/x.png", 405, "GET, HEAD"),
        ("GET", "/og/", 404, None),
        ("GET", "/og/a/b.png", 404, None),
    ],
)
def test_methods_and_paths(server: Server, method: str, path: str, status: int, allow: str | None) -> None:
    answer = fetch(server.origin + path, method)
    assert answer.status == status
    assert answer.headers["Allow"] == allow


def test_a_name_with_dots_takes_the_extension_after_the_last(server: Server, flask_app: Flask) -> None:
    for path in ("/og/bl.og.png", "/og/bl%2Eog.png"):
        answer = fetch(server.origin + path)
        reference = flask_app.test_client().get(path)
        assert (answer.status, answer.body) == (reference.status_code, reference.data)


# -- the cache -------------------------------------------------------------------------------------


def test_images_are_kept_in_the_django_cache_alias(server: Server, core: Service, tmp_path: Path) -> None:
    assert server.state()["cache"] == "DjangoCache('svgog')"
    url = server.origin + core.image_url("blog", "png", {"title": f"Cached {time.time_ns()}"}, prefix="/og")
    before = server.renders()
    entries = set(server.cache.glob("*.djcache"))
    first = fetch(url)
    assert first.status == 200
    assert server.renders() == before + 1
    assert set(server.cache.glob("*.djcache")) - entries, "no entry in the FileBasedCache's directory"
    second = fetch(url)
    assert second.body == first.body
    assert server.renders() == before + 1  # from the cache, nothing rendered
    # Another process with the same cache alias (as with Redis): the image is there already.
    base, stop = parity_django.start(SVGOG_SETTINGS, SECRET, django=django_settings(tmp_path / "media", server.cache))
    try:
        other = Server(base, tmp_path / "media", server.cache)
        assert fetch(other.origin + urlsplit(url).path + "?" + urlsplit(url).query).body == first.body
        assert other.renders() == 0
    finally:
        stop()


# -- the webhook -----------------------------------------------------------------------------------


def post(base: str, name: str, fields: Mapping[str, str], *, query: str = "", signature: str | None = None) -> Answer:
    body = json.dumps(dict(fields)).encode()
    headers = {"Content-Type": "application/json", "X-Svgog-Signature": signature or sign(body)}
    return fetch(f"{base}/{name}{query}", "POST", headers=headers, body=body)


def test_the_webhook_stores_through_the_django_storage(server: Server) -> None:
    fields = {"title": f"Stored {time.time_ns()}", "author": "Jane"}
    before = server.renders()
    answer = post(server.base, "blog", fields)
    assert answer.status == 200, answer.body
    document = answer.json()
    key = str(document["etag"])
    assert document == {"url": f"{server.origin}/media/{key}.png", "width": 1200, "height": 630, "etag": key}
    assert png_size((server.media / f"{key}.png").read_bytes()) == (1200, 630)
    assert server.renders() == before + 1
    image = fetch(str(document["url"]))
    assert image.status == 200 and image.body == (server.media / f"{key}.png").read_bytes()
    # The same content again: the same answer, nothing rendered, nothing written.
    assert post(server.base, "blog", fields).json() == document
    assert server.renders() == before + 1
    assert sorted(p.name for p in server.media.iterdir() if p.name.startswith(key)) == [f"{key}.png"]
    # stored/ sends the client to the storage's URL.
    moved = fetch(f"{server.base}/stored/{key}.png")
    assert moved.status == 302 and moved.headers["Location"] == f"/media/{key}.png"
    assert fetch(f"{server.base}/stored/{'0' * 32}.png").status == 404
    assert fetch(f"{server.base}/stored/..%2Fsecret.png").status == 404
    jpeg = post(server.base, "blog", fields, query="?format=jpg")
    assert jpeg.status == 200 and str(jpeg.json()["url"]).endswith(".jpg")


@pytest.mark.parametrize(
    ("name", "body", "signature", "status"),
    [
        ("blog", b'{"title": "x"}', sign(b'{"title": "y"}'), 403),
        ("blog", b'{"title": "x"}', None, 403),
        ("blog", b"not json", sign(b"not json"), 400),
        ("blog", b'{"title": 1}', sign(b'{"title": 1}'), 400),
        ("nope", b'{"title": "x"}', sign(b'{"title": "x"}'), 404),
        ("blog", b'{"subtitle": "x"}', sign(b'{"subtitle": "x"}'), 400),
    ],
)
def test_webhook_refusals(server: Server, name: str, body: bytes, signature: str | None, status: int) -> None:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Svgog-Signature"] = signature
    answer = fetch(f"{server.base}/{name}", "POST", headers=headers, body=body)
    assert answer.status == status
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_the_webhook_refuses_unknown_hosts_before_rendering(server: Server) -> None:
    body = json.dumps({"title": f"Evil {time.time_ns()}"}).encode()
    before = server.renders()
    headers = {"Host": "evil.example", "X-Svgog-Signature": sign(body)}
    assert fetch(f"{server.base}/blog", "POST", headers=headers, body=body).status == 400
    assert server.renders() == before


def test_a_large_body_is_refused_before_it_is_read(server: Server) -> None:
    # Content-Length says 100 MB and nothing follows: the answer cannot wait for the body.
    parts = urlsplit(server.base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.putrequest("POST", parts.path + "/blog")
        connection.putheader("Content-Length", str(100 * 1024 * 1024))
        connection.putheader("X-Svgog-Signature", "sha256=00")
        connection.endheaders()
        started = time.monotonic()
        response = connection.getresponse()
        assert response.status == 413
        assert b"larger than 65536 bytes" in response.read()
        assert time.monotonic() - started < 5
    finally:
        connection.close()


def test_a_chunked_body_is_read_from_the_stream(server: Server) -> None:
    # No Content-Length: read from the stream, at most one byte past the limit.
    chunks = iter([b"{", b" " * 70_000, b"}"])
    too_large = fetch(f"{server.base}/blog", "POST", body=chunks, chunked=True, headers={"X-Svgog-Signature": "x"})
    assert too_large.status == 413
    body = json.dumps({"title": "Chunked"}).encode()
    chunks = iter([body[:5], body[5:]])
    answer = fetch(f"{server.base}/blog", "POST", body=chunks, chunked=True, headers={"X-Svgog-Signature": sign(body)})
    assert answer.status == 200, answer.body
    assert str(answer.json()["url"]).startswith(f"{server.origin}/media/")


def test_the_webhook_stores_in_svgog_storage_dir(dir_server: Server) -> None:
    assert str(dir_server.state()["cache"]).startswith("<svgog.cache.MemoryCache")
    answer = post(dir_server.base, "blog", {"title": "In a directory"})
    assert answer.status == 200, answer.body
    key = str(answer.json()["etag"])
    assert answer.json()["url"] == f"{dir_server.base}/stored/{key}.png"
    assert (dir_server.media / f"{key}.png").is_file()
    image = fetch(str(answer.json()["url"]))
    assert image.status == 200 and image.headers["Content-Type"] == "image/png"
    assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert png_size(image.body) == (1200, 630)
    again = fetch(str(answer.json()["url"]), headers={"If-None-Match": image.headers["ETag"]})
    assert again.status == 304


# -- template tags ---------------------------------------------------------------------------------

TAG_CASES: list[tuple[str, list[Any], dict[str, Any]]] = [
    (
        "og_meta",
        ["blog"],
        {
            "title": "Hello & <world>",
            "description": 'He said "hi" — it\'s ok',
            "type": "article",
            "author": "Jane",
            "date": "November 2, 2026",
        },
    ),
    (
        "og_meta",
        ["minimal", "An alt text"],
        {"title": "Short", "site_name": "Other", "format": "jpg", "scale": 2, "v": "2", "url": "https://example.com/p?x=1"},
    ),
    ("og_meta", ["docs"], {"title": "Page", "description": "Summary", "fields": {"title": "Card", "section": "API"}}),
    ("og_meta", ["blog"], {"title": "Webp", "format": "webp", "author": "A"}),
    ("og_image_url", ["blog"], {"title": "x & y", "author": "Jane"}),
    ("og_image_url", ["blog", "webp"], {"title": "Twice", "scale": 2, "v": "3"}),
    ("og_image_url", ["minimal"], {"title": "A path", "_external": False}),
]


@pytest.mark.parametrize(("tag", "args", "kwargs"), TAG_CASES)
def test_template_tags_write_what_flask_writes(
    server: Server, flask_app: Flask, tag: str, args: list[Any], kwargs: dict[str, Any]
) -> None:
    spec = json.dumps({"tag": tag, "args": args, "kwargs": kwargs})
    answer = fetch(f"{server.origin}/_test/tags?spec={quote(spec)}")
    assert answer.status == 200, answer.body
    with flask_app.test_request_context("/_test/tags", base_url=server.origin):
        function = og_meta if tag == "og_meta" else og_image_url
        expected = str(escape(function(*args, **kwargs)))
    assert answer.body.decode() == expected
    if tag == "og_meta":
        page = str(escape(kwargs.get("url", server.origin + "/_test/tags")))
        assert f'<meta property="og:url" content="{page}">' in expected
        assert f'<meta property="og:image" content="{server.origin}/og/' in expected


# -- runserver -------------------------------------------------------------------------------------


def test_runserver_serves_the_same_routes(core: Service) -> None:
    """``manage.py runserver --noreload``, with a storage that cannot be written."""
    broken = {"default": {"BACKEND": FILE_STORAGE, "OPTIONS": {"location": "/dev/null/svgog", "base_url": "/media/"}}}
    settings = {"webhook_secret": WEBHOOK_SECRET, "storage": "default"}
    base, stop = parity_django.start(settings, SECRET, django={"STORAGES": broken}, server="runserver")
    try:
        url = base.rsplit("/", 1)[0] + core.image_url("blog", "png", {"title": "runserver"}, prefix="/og")
        answer = fetch(url)
        assert answer.status == 200 and png_size(answer.body) == (1200, 630)
        assert fetch(url, "HEAD").body == b""
        assert fetch(url, headers={"If-None-Match": answer.headers["ETag"]}).status == 304
        assert fetch(base + "/blog.png?title=x").status == 403
        failed = post(base, "blog", {"title": "Nowhere to go"})
        assert failed.status == 503 and failed.headers["Retry-After"] == "30"
        assert failed.body == b"the image could not be stored\n"
        assert fetch(f"{base}/stored/{'0' * 32}.png").status == 404
    finally:
        stop()


NO_URL_STORAGE = """
from django.core.files.storage import FileSystemStorage


class NoUrlStorage(FileSystemStorage):
    \"\"\"A storage whose files have no URL (as some private buckets).\"\"\"

    def url(self, name):
        raise NotImplementedError("no URLs here")
"""


def test_a_storage_without_urls_is_served_by_svgog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A storage whose ``url()`` is not implemented: the answer names ``stored/``, which reads through it."""
    (tmp_path / "nourl_storage.py").write_text(NO_URL_STORAGE)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    files = tmp_path / "files"
    storages = {"default": {"BACKEND": "nourl_storage.NoUrlStorage", "OPTIONS": {"location": str(files)}}}
    settings = {"webhook_secret": WEBHOOK_SECRET, "storage": "default"}
    base, stop = parity_django.start(settings, SECRET, django={"STORAGES": storages})
    try:
        answer = post(base, "blog", {"title": "Served by svgog"}, query="?format=webp")
        assert answer.status == 200, answer.body
        key = str(answer.json()["etag"])
        assert answer.json()["url"] == f"{base}/stored/{key}.webp"
        image = fetch(f"{base}/stored/{key}.webp")
        assert image.status == 200 and image.headers["Content-Type"] == "image/webp"
        assert image.body == (files / f"{key}.webp").read_bytes()
        assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert image.headers["X-Content-Type-Options"] == "nosniff"
        assert fetch(f"{base}/stored/{key}.webp", headers={"If-None-Match": f'"{key}.webp"'}).status == 304
        assert fetch(f"{base}/stored/{key}.png").status == 404
    finally:
        stop()


# -- the example site ------------------------------------------------------------------------------


class MetaTags(HTMLParser):
    """The ``<meta property|name=... content=...>`` tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key and found.get("content") is not None:
            self.tags.setdefault(key, str(found["content"]))


def example_env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE")}
    env["PYTHONPATH"] = os.pathsep.join([str(EXAMPLE), str(ROOT)])
    env.update(more)
    return env


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site as deployed: gunicorn, a SECRET_KEY from the environment, DEBUG off."""
    command = [
        str(parity_django.BIN / "gunicorn"), "--bind", "127.0.0.1:0", "--workers", "1", "--threads", "4",
        "--worker-class", "gthread", "--no-control-socket", "django_site.wsgi:application",
    ]  # fmt: skip
    env = example_env(SECRET_KEY="example-" + "s" * 40)
    origin, stop = parity_django.launch(command, EXAMPLE, env, port=None, ready="/")
    try:
        yield origin
    finally:
        stop()
        for log in EXAMPLE.glob("server.log"):
            log.unlink()


def test_the_example_post_page_previews_as_a_crawler_sees_it(example: str) -> None:
    page = fetch(example + "/posts/hello/")
    assert page.status == 200
    parser = MetaTags()
    parser.feed(page.body.decode())
    tags = parser.tags
    assert tags["og:title"] == "Hello, world" and tags["og:type"] == "article"
    assert tags["og:url"] == example + "/posts/hello/"
    assert tags["og:site_name"] == "svgog Django example"
    assert tags["og:image"].startswith(example + "/og/blog.png?") and "sig=" in tags["og:image"]
    # As Facebook's and X's crawlers fetch it: no cookies, their own user agent.
    image = fetch(tags["og:image"], headers={"User-Agent": "facebookexternalhit/1.1", "Accept": "*/*"})
    assert image.status == 200
    assert image.headers["Content-Type"] == tags["og:image:type"] == "image/png"
    assert png_size(image.body) == (int(tags["og:image:width"]), int(tags["og:image:height"]))
    assert tags["twitter:image"] == tags["og:image"]


def test_the_example_refuses_unknown_hosts(example: str) -> None:
    assert fetch(example + "/posts/hello/", headers={"Host": "evil.example"}).status == 400


def test_the_example_needs_a_secret_key_unless_debugging() -> None:
    check = [sys.executable, "manage.py", "check"]
    refused = subprocess.run(check, cwd=EXAMPLE, env=example_env(), capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr
    debugging = subprocess.run(check, cwd=EXAMPLE, env=example_env(DJANGO_DEBUG="1"), capture_output=True, text=True)
    assert debugging.returncode == 0, debugging.stderr
    assert "no issues" in debugging.stdout


# -- imports and checks ----------------------------------------------------------------------------

IMPORTS = """
import sys
import svgog
assert not [m for m in sys.modules if m == "django" or m.startswith("django.")], "import svgog imported Django"
import svgog.django
assert not [m for m in sys.modules if m == "django" or m.startswith("django.")], "import svgog.django imported Django"
assert callable(svgog.django.service)
print("ok")
"""


def test_importing_svgog_or_svgog_django_does_not_import_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", IMPORTS], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


CHECKS = """
import json
import django
from django.conf import settings

settings.configure(
    SECRET_KEY="k", ALLOWED_HOSTS=["example.com"], INSTALLED_APPS=["svgog.django"],
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)
django.setup()
from django.core.checks import run_checks
from django.test import override_settings
from django.core.exceptions import ImproperlyConfigured
import svgog.django

cases = {
    "fine": {},
    "unknown cache alias": {"SVGOG_CACHE_ALIAS": "redis"},
    "both caches": {"SVGOG_CACHE_ALIAS": "default", "SVGOG_CACHE": None},
    "unknown storage": {"SVGOG_STORAGE": "s3"},
    "both storages": {"SVGOG_STORAGE": "default", "SVGOG_STORAGE_DIR": "/tmp"},
    "no key": {"SECRET_KEY": "", "SVGOG_SECRET_KEY": None},
    "bad base url": {"SVGOG_BASE_URL": "cdn.example.com"},
    "any host": {"ALLOWED_HOSTS": ["*"]},
    "any host with a base url": {"ALLOWED_HOSTS": ["*"], "SVGOG_BASE_URL": "https://cdn.example.com/og"},
    "typo": {"SVGOG_MAX_AGES": 1},
    "flask only": {"SVGOG_URL_PREFIX": "/cards"},
    "storage without a url": {"SVGOG_STORAGE": "default"},
    "storage with a url": {"SVGOG_STORAGE": "default", "MEDIA_URL": "/media/"},
    "storage that cannot load": {
        "SVGOG_STORAGE": "default", "STORAGES": {"default": {"BACKEND": "nowhere.Storage"}},
    },
}
found = {}
for name, values in cases.items():
    with override_settings(**values):
        ids = [m.id for m in run_checks()]
        try:
            state = svgog.django.service()
            built = [type(state).__name__, repr(state.cache), state.max_age]
        except ImproperlyConfigured as exc:
            built = ["ImproperlyConfigured", str(exc)]
    found[name] = [ids, built]
with override_settings(SVGOG_MAX_AGE=60, SVGOG_CACHE_ALIAS="default"):
    found["override"] = [[], [repr(svgog.django.service().cache), svgog.django.service().max_age]]
# Without a request, absolute URLs need SVGOG_BASE_URL.
try:
    svgog.django.og_meta("blog", title="No request")
except ImproperlyConfigured as exc:
    found["no request"] = str(exc)
with override_settings(SVGOG_BASE_URL="https://cdn.example.com/og/"):
    found["base url"] = [
        str(svgog.django.og_meta("blog", title="T", url="https://example.com/p")),
        svgog.django.og_image_url("blog", title="T"),
    ]
print(json.dumps(found))
"""


def test_system_checks_and_settings() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", CHECKS], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    ids, (kind, cache, max_age) = found["fine"]
    assert (ids, kind, max_age) == ([], "Service", 86400)
    assert cache.startswith("<svgog.cache.MemoryCache object")
    for case in ("unknown cache alias", "both caches", "unknown storage", "both storages", "no key", "bad base url"):
        ids, built = found[case]
        assert ids == ["svgog.E001"], case
        assert built[0] == "ImproperlyConfigured", case
    assert "SVGOG_CACHE_ALIAS = 'redis' is not a key of CACHES" in found["unknown cache alias"][1][1]
    assert found["any host"][0] == ["svgog.W001"]
    assert found["any host with a base url"][0] == []
    assert found["typo"][0] == ["svgog.W002"]
    assert found["flask only"][0] == ["svgog.W003"]
    assert found["storage without a url"][0] == ["svgog.W004"]
    assert found["storage with a url"] == [[], ["Service", found["storage with a url"][1][1], 86400]]
    assert found["storage that cannot load"][0] == ["svgog.E001"]
    # override_settings (a project's own tests) builds the service again from the new settings.
    assert found["override"] == [[], ["DjangoCache('default')", 60]]
    assert "needs a host: set SVGOG_BASE_URL, or pass the request" in found["no request"]
    tags, url = found["base url"]
    assert url.startswith("https://cdn.example.com/og/blog.png?title=T&v=") and "&sig=" in url
    assert f'<meta property="og:image" content="{url.replace("&", "&amp;")}">' in tags
    assert '<meta property="og:url" content="https://example.com/p">' in tags

