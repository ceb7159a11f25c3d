"""Image URLs as a new user meets them: cache busting, scale, page tags, proxies, CDNs, gallery assets.

Each test goes through a real HTTP server where the route is the feature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from conftest import serve
from flask import Flask
from helpers import png_size
from itsdangerous import Signer
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from svgog import InvalidInput, Renderer
from svgog.flask import og_image_url, og_meta

CDN = "https://cdn.example.com/og"


class _Tags(HTMLParser):
    """``<meta>`` tags by property or name, each tag once."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}
        self.repeated: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = values.get("property") or values.get("name")
        if tag == "meta" and key and values.get("content") is not None:
            if key in self.tags:
                self.repeated.append(key)
            self.tags[key] = values["content"] or ""


def tags_of(html: str) -> dict[str, str]:
    parser = _Tags()
    parser.feed(html)
    assert not parser.repeated, f"tags given twice: {parser.repeated}"
    return parser.tags


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET through the real server (errors included)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def renders(app: Flask) -> int:
    return int(app.extensions["svgog"].renders)


def with_query(url: str, pairs: list[tuple[str, str]]) -> str:
    parts = urlsplit(url)
    return parts._replace(query=urlencode(pairs)).geturl()


@pytest.fixture(scope="module")
def deployed() -> Iterator[tuple[Flask, str]]:
    """The demo app as deployed (signed URLs), behind a real server, with its app for counting renders."""
    app = create_app()
    running = serve(app)
    yield app, next(running)
    running.close()


def page_tags(base: str, path: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    status, _, body = get(base + path, headers)
    assert status == 200
    return tags_of(body.decode("utf-8"))


# -- ?v=2: cache busting that signing does not refuse ---------------------------------------


def test_v_is_not_signed_and_renders_nothing_new(deployed: tuple[Flask, str]) -> None:
    app, base = deployed
    url = page_tags(base, "/posts/hello")["og:image"]
    pairs = parse_qsl(urlsplit(url).query)
    version = dict(pairs)["v"]
    status, headers, original = get(url)
    assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    before = renders(app)

    appended = url + "&v=2"  # what the README tells users to do
    status, headers, data = get(appended)
    assert status == 200 and data == original
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"  # the hash is still in the URL

    replaced = with_query(url, [(k, "2" if k == "v" else value) for k, value in pairs])
    status, headers, data = get(replaced)
    assert status == 200 and data == original
    assert headers["Cache-Control"] == "public, max-age=86400"  # no content hash: not immutable
    assert headers["ETag"].strip('"').startswith(version)

    for bust in ("3", "", "x" * 200, "2026-11-25"):
        assert get(with_query(url, [*pairs, ("v", bust)]))[0] == 200
    assert renders(app) == before  # v changes the URL, never the image

    # Everything else is still signed: fields, scale, format, names that only look like v.
    for forged in (
        with_query(url, [*pairs, ("V", "2")]),
        with_query(url, [*pairs, ("scale", "2")]),
        with_query(url, [(k, "Forged" if k == "title" else value) for k, value in pairs]),
        with_query(url, [*pairs, ("author", "Mallory")]),
        with_query(url, [*pairs, ("v ", "2")]),
        url.replace("/og/blog.png", "/og/blog.jpg"),
        url.replace("/og/blog.png", "/og/x.png"),
    ):
        status, _, body = get(forged)
        assert status == 403, forged
        assert body == b"missing or invalid signature\n"
    assert renders(app) == before


def test_urls_signed_before_v_was_unsigned_keep_working(deployed: tuple[Flask, str]) -> None:
    """Platforms cached image URLs whose signature covered ``v`` too: they still verify, exactly as they were."""
    app, base = deployed
    with app.test_request_context("/", base_url=base):
        url = og_image_url("blog", title="Shared last year")
    pairs = [(k, value) for k, value in parse_qsl(urlsplit(url).query) if k != "sig"]
    payload = "blog.png?" + "&".join(f"{quote(k, safe='')}={quote(value, safe='')}" for k, value in sorted(pairs))
    old = Signer(app.config["SECRET_KEY"], salt="svgog.image-url", digest_method=None).get_signature(payload.encode())
    legacy = with_query(url, [*pairs, ("sig", old.decode())])
    assert legacy != url
    status, _, data = get(legacy)
    assert status == 200 and png_size(data) == (1200, 630)
    assert get(with_query(legacy, [*pairs, ("title", "Forged")]))[0] in (400, 403)
    assert get(with_query(legacy, [(k, "Forged" if k == "title" else value) for k, value in pairs] + [("sig", old.decode())]))[0] == 403


def test_og_image_url_and_og_meta_accept_v(deployed: tuple[Flask, str]) -> None:
    app, base = deployed
    with app.test_request_context("/", base_url=base):
        plain = og_image_url("blog", title="Busted", author="Jane")
        busted = og_image_url("blog", title="Busted", author="Jane", v=2)
        tags = tags_of(str(og_meta("blog", title="Busted", author="Jane", v="2026-11")))
    version = dict(parse_qsl(urlsplit(plain).query))["v"]
    assert dict(parse_qsl(urlsplit(busted).query))["v"] == f"{version}-2"
    assert dict(parse_qsl(urlsplit(tags["og:image"]).query))["v"] == f"{version}-2026-11"
    assert busted != plain and tags["og:image"] not in (plain, busted)
    _, _, expected = get(plain)
    for url in (busted, tags["og:image"]):
        status, headers, data = get(url)
        assert status == 200 and data == expected
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


# -- scale: one spelling, signed ----------------------------------------------------------------


def test_scale_in_og_image_url_og_meta_and_the_route(deployed: tuple[Flask, str]) -> None:
    app, base = deployed
    with app.test_request_context("/", base_url=base):
        double = og_image_url("blog", title="Retina", scale=2)
        single = og_image_url("blog", title="Retina")
        tags = tags_of(str(og_meta("blog", title="Retina", scale=2)))
        with pytest.raises(InvalidInput, match="scale must be one of 1, 2"):
            og_image_url("blog", title="Retina", scale=3)
    assert dict(parse_qsl(urlsplit(double).query))["scale"] == "2"
    status, _, data = get(double)
    assert status == 200 and png_size(data) == (2400, 1260)
    assert tags["og:image:width"] == "2400" and tags["og:image:height"] == "1260"
    assert png_size(get(tags["og:image"])[2]) == (2400, 1260)
    assert png_size(get(single)[2]) == (1200, 630)
    # The signature covers scale: it changes the image.
    assert get(single + "&scale=2")[0] == 403
    assert get(double.replace("scale=2", "scale=1"))[0] == 403
    assert get(double.replace("scale=2", "scale=2.0"))[0] == 403


def test_scale_is_a_query_parameter_when_unsigned(live_server: str) -> None:
    status, _, data = get(f"{live_server}/og/blog.png?title=Unsigned&scale=2")
    assert status == 200 and png_size(data) == (2400, 1260)


def test_fields_named_like_parameters(deployed: tuple[Flask, str]) -> None:
    """quote and profile have a field called ``name``, as the template argument is called."""
    app, base = deployed
    with app.test_request_context("/", base_url=base):
        url = og_image_url("quote", quote="It just works.", name="Ana Lima")
        tags = tags_of(str(og_meta("quote", title="A quote", quote="It just works.", name="Ana Lima")))
    assert dict(parse_qsl(urlsplit(url).query))["name"] == "Ana Lima"
    for image in (url, tags["og:image"]):
        status, headers, data = get(image)
        assert status == 200 and "X-Svgog-Fallback" not in headers and png_size(data) == (1200, 630)


# -- og_meta: the page's own properties ---------------------------------------------------------

HOSTILE_TITLE = 'Quotes "double" & \'single\' <b>bold</b> — Über 東京 🎉'
HOSTILE_TEXT = '"><script>alert(1)</script> & more <i>'


def test_og_meta_writes_the_page_properties_escaped(tmp_path: Path) -> None:
    app = create_app({"TRUSTED_HOSTS": ["blog.example.com", "localhost"]})
    with app.test_request_context("/posts/x?utm_source=feed", base_url="https://blog.example.com"):
        html = str(
            og_meta(
                "blog",
                title=HOSTILE_TITLE,
                description=HOSTILE_TEXT,
                site_name="Blog & Co <Ltd>",
                type="article",
                author="Jane",
            )
        )
    assert "<script" not in html and "<b>" not in html and "<i>" not in html
    tags = tags_of(html)
    assert tags["og:url"] == "https://blog.example.com/posts/x"  # the canonical page, no tracking query
    assert tags["og:title"] == tags["twitter:title"] == HOSTILE_TITLE
    assert tags["og:description"] == tags["twitter:description"] == HOSTILE_TEXT
    assert tags["og:site_name"] == "Blog & Co <Ltd>"
    assert tags["og:type"] == "article"
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == HOSTILE_TITLE  # alt defaults to the title
    card = dict(parse_qsl(urlsplit(tags["og:image"]).query))
    assert card["title"] == HOSTILE_TITLE and card["author"] == "Jane"
    assert "description" not in card  # blog has no description field: it describes the page only
    assert app.test_client().get(tags["og:image"].removeprefix("https://blog.example.com")).status_code == 200


def test_og_meta_defaults_and_explicit_values() -> None:
    app = create_app({"SVGOG_SITE_NAME": "Configured site", "TRUSTED_HOSTS": ["example.org"]})
    with app.test_request_context("/about", base_url="https://example.org"):
        tags = tags_of(str(og_meta("minimal", title="About")))
        explicit = tags_of(
            str(
                og_meta(
                    "docs",
                    "A diagram of the API",
                    title="Docs",
                    description="Both the page's and the card's",
                    url="https://example.org/docs/",
                    site_name="Docs site",
                    fields={"product": "svgog"},
                )
            )
        )
    assert tags["og:type"] == "website" and tags["og:url"] == "https://example.org/about"
    assert tags["og:site_name"] == "Configured site" and tags["og:title"] == "About"
    assert "og:description" not in tags and "twitter:description" not in tags
    assert explicit["og:url"] == "https://example.org/docs/" and explicit["og:site_name"] == "Docs site"
    assert explicit["og:image:alt"] == "A diagram of the API"
    card = dict(parse_qsl(urlsplit(explicit["og:image"]).query))
    assert card["description"] == "Both the page's and the card's"  # docs has a description field
    assert card["product"] == "svgog" and card["title"] == "Docs"


def test_demo_pages_carry_the_required_properties(deployed: tuple[Flask, str]) -> None:
    _, base = deployed
    post = page_tags(base, "/posts/text-fitting")
    assert post["og:url"] == f"{base}/posts/text-fitting"
    assert post["og:type"] == "article" and post["og:site_name"] == "svgog demo blog"
    assert post["og:title"].startswith("Text that fits") and post["og:description"]
    assert post["twitter:title"] == post["og:title"] and post["twitter:description"] == post["og:description"]
    index = page_tags(base, "/")
    assert index["og:url"] == f"{base}/" and index["og:type"] == "website"
    for tags in (post, index):
        for required in ("og:title", "og:type", "og:image", "og:url"):  # ogp.me's four required properties
            assert tags[required]
        status, headers, data = get(tags["og:image"])
        assert status == 200 and "X-Svgog-Fallback" not in headers and png_size(data) == (1200, 630)


# -- behind a reverse proxy, and on a CDN -------------------------------------------------------


def test_proxy_fix_gives_https_urls() -> None:
    app = create_app({"TRUSTED_HOSTS": ["blog.example.com"]})  # the host the proxy forwards
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    running = serve(app)
    base = next(running)
    try:
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "blog.example.com", "X-Forwarded-For": "203.0.113.9"}
        tags = page_tags(base, "/posts/hello", forwarded)
        assert tags["og:image"].startswith("https://blog.example.com/og/blog.png?")
        assert tags["twitter:image"] == tags["og:image"]
        assert tags["og:url"] == "https://blog.example.com/posts/hello"
        # The proxy forwards the image's path to the application: it is served.
        path = tags["og:image"].removeprefix("https://blog.example.com")
        status, headers, data = get(base + path, forwarded)
        assert status == 200 and headers["Content-Type"] == "image/png" and png_size(data) == (1200, 630)
    finally:
        running.close()


def test_without_proxy_fix_forwarded_headers_are_not_trusted(deployed: tuple[Flask, str]) -> None:
    _, base = deployed
    tags = page_tags(base, "/posts/hello", {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
    assert tags["og:image"].startswith(f"{base}/og/blog.png?")


def test_base_url_puts_image_urls_on_a_cdn(tmp_path: Path) -> None:
    storage = tmp_path / "stored"
    app = create_app({"SVGOG_BASE_URL": CDN + "/", "SVGOG_WEBHOOK_SECRET": "hook", "SVGOG_STORAGE_DIR": str(storage)})
    running = serve(app)
    base = next(running)
    try:
        tags = page_tags(base, "/posts/hello")
        assert tags["og:image"].startswith(f"{CDN}/blog.png?") and tags["twitter:image"] == tags["og:image"]
        assert tags["og:url"] == f"{base}/posts/hello"  # the page itself stays where it is
        # The CDN forwards /og/... to the application: the signed URL is served.
        status, _, data = get(base + "/og/" + tags["og:image"].removeprefix(CDN + "/"))
        assert status == 200 and png_size(data) == (1200, 630)
        # No request needed: a background job or a static build makes the same URLs.
        with app.app_context():
            assert og_image_url("blog", title="Hello, world").startswith(f"{CDN}/blog.png?title=Hello%2C+world")
        # The webhook's answer is on the base too.
        body = json.dumps({"title": "Stored"}).encode()
        signature = "sha256=" + hmac.new(b"hook", body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            f"{base}/og/blog", data=body, headers={"X-Svgog-Signature": signature, "Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        assert answer["url"].startswith(f"{CDN}/stored/") and answer["url"].endswith(".png")
        status, _, stored = get(base + "/og/" + answer["url"].removeprefix(CDN + "/"))
        assert status == 200 and png_size(stored) == (1200, 630)
    finally:
        running.close()


@pytest.mark.parametrize("bad", ["cdn.example.com/og", "ftp://cdn.example.com/og", "https://cdn.example.com/og?x=1", "https:///og", "/og"])
def test_base_url_must_be_absolute_http(bad: str) -> None:
    with pytest.raises(ValueError, match="SVGOG_BASE_URL"):
        create_app({"SVGOG_BASE_URL": bad})


# -- gallery samples that name the templates' own assets ----------------------------------------


def gallery_query(app: Flask, name: str) -> dict[str, str]:
    """The values the gallery's form sends for a template: samples, else defaults, non-empty."""
    template = app.extensions["svgog"].renderer.template(name)
    values = {f.name: f.sample if f.sample is not None else (f.default or "") for f in template.fields.values()}
    return {k: v for k, v in values.items() if v != ""}


@pytest.mark.parametrize("name", ["profile", "quote"])
def test_gallery_previews_of_templates_with_bundled_assets(live_server: str, name: str) -> None:
    query = gallery_query(create_app(), name)
    assert query["avatar"] == "assets/avatar.svg"
    status, headers, data = get(f"{live_server}/og/_gallery/{name}.png?{urlencode(query)}")
    assert status == 200, data[:200]
    assert headers["Content-Type"] == "image/png" and png_size(data) == (1200, 630)
    status, _, svg = get(f"{live_server}/og/_gallery/{name}.svg?{urlencode(query)}")
    assert status == 200 and b"data:image/svg+xml;base64," in svg  # the avatar, inlined
    status, _, report = get(f"{live_server}/og/_gallery/{name}.json?{urlencode(query)}")
    assert status == 200 and "error" not in json.loads(report)


def test_declared_assets_through_signed_urls(deployed: tuple[Flask, str]) -> None:
    app, base = deployed
    with app.test_request_context("/", base_url=base):
        url = og_image_url("quote", quote="It just works.", avatar="assets/avatar.svg")
    status, headers, data = get(url)
    assert status == 200 and "X-Svgog-Fallback" not in headers and png_size(data) == (1200, 630)


@pytest.mark.parametrize(
    "value",
    [
        "./assets/avatar.svg",  # the same file, but not the declared value
        "assets//avatar.svg",
        "assets/../assets/avatar.svg",
        " assets/avatar.svg",
        "quote.svg",  # a file in the templates' directory
        "../app.py",
        "/etc/passwd",
        "file:///etc/passwd",
        "assets/avatar.svg\x00",
    ],
)
def test_only_the_declared_value_reads_the_templates_directory(live_server: str, value: str) -> None:
    status, _, body = get(f"{live_server}/og/quote.png?{urlencode({'quote': 'x', 'avatar': value})}")
    assert status == 400 and body.startswith(b"template 'quote', field 'avatar'")


def _hostile_templates(tmp_path: Path) -> Path:
    """Templates whose declared images point outside their directory, directly and through a link."""
    outside = tmp_path / "secret.svg"
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>')
    templates = tmp_path / "templates"
    (templates / "assets").mkdir(parents=True)
    os.symlink(outside, templates / "assets" / "link.svg")
    (templates / "assets" / "ok.svg").write_text(outside.read_text())
    for name, default in (("escape", "../secret.svg"), ("linked", "assets/link.svg"), ("fine", "assets/ok.svg")):
        (templates / f"{name}.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="100" height="100">'
            f'<metadata><og:template><og:field name="pic" default="{default}"/></og:template></metadata>'
            '<image id="pic" width="50" height="50"/></svg>'
        )
    return templates


def test_declared_images_stay_inside_the_template_directory(tmp_path: Path) -> None:
    app = create_app({"SVGOG_SIGNING": False, "SVGOG_GALLERY": True, "SVGOG_TEMPLATES": str(_hostile_templates(tmp_path))})
    running = serve(app)
    base = next(running)
    try:
        for name, value in (("escape", "../secret.svg"), ("linked", "assets/link.svg")):
            for prefix in ("/og/", "/og/_gallery/"):
                status, _, body = get(f"{base}{prefix}{name}.png?{urlencode({'pic': value})}")
                assert status == 400 and body.startswith(f"template {name!r}, field 'pic'".encode()), body
                assert b"stay inside" in body or b"no image" in body
        status, _, data = get(f"{base}/og/fine.png?{urlencode({'pic': 'assets/ok.svg'})}")
        assert status == 200 and png_size(data) == (100, 100)
    finally:
        running.close()


# -- unset declared fields draw nothing, through every entry point ------------------------------


def test_unset_fields_are_empty_through_the_route_the_webhook_and_build(renderer: Renderer, tmp_path: Path) -> None:
    """The blog's ``author`` has a sample ("Jane Doe") and no default: given only a title, the signed route
    through a real server, the webhook (and the file it stores) and ``svgog build`` in its own process all
    draw the library's image, which is not the one with the sample drawn."""
    title = "A post with no author, from every entry point"
    (tmp_path / "posts.json").write_text(json.dumps([{"title": title}]))
    out = tmp_path / "built"
    build = subprocess.Popen(  # runs while the server answers
        [str(Path(sys.executable).with_name("svgog")), "build", "blog", str(tmp_path / "posts.json"), "-o", str(out), "-j", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        expected = renderer.render_png("blog", title=title)
        assert expected != renderer.render_png("blog", title=title, author="Jane Doe")  # not vacuous
        storage = tmp_path / "stored"
        app = create_app({"SVGOG_WEBHOOK_SECRET": "hook", "SVGOG_STORAGE_DIR": str(storage)})
        running = serve(app)
        base = next(running)
        try:
            # 1. The image route, signed, through the real server.
            with app.test_request_context("/", base_url=base):
                url = og_image_url("blog", title=title)
            assert sorted(k for k, _ in parse_qsl(urlsplit(url).query)) == ["sig", "title", "v"]
            status, headers, routed = get(url)
            assert status == 200 and headers["Content-Type"] == "image/png" and "X-Svgog-Fallback" not in headers
            assert routed == expected
            # 2. The webhook: a signed POST with only a title, and the file it stores.
            body = json.dumps({"title": title}).encode()
            signature = "sha256=" + hmac.new(b"hook", body, hashlib.sha256).hexdigest()
            request = urllib.request.Request(
                f"{base}/og/blog", data=body, headers={"X-Svgog-Signature": signature, "Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = json.load(response)
            stored = [f for f in storage.iterdir() if f.suffix == ".png"]
            assert [f.name for f in stored] == [f"{answer['etag']}.png"]
            assert stored[0].read_bytes() == expected
            status, _, served = get(base + urlsplit(answer["url"]).path)
            assert status == 200 and served == expected
        finally:
            running.close()
        # 3. svgog build, in its own process, on a one-record JSON with only a title.
        output, _ = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    assert build.returncode == 0, output
    assert "rendered 1, skipped 0, failed 0" in output, output
    images = json.loads((out / "manifest.json").read_text())["images"]
    assert len(images) == 1
    assert (out / next(iter(images))).read_bytes() == expected
