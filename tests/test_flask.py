"""The Flask extension and blueprint, through the test client and a real server."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import png_size

from svgog import Renderer
from svgog.flask import SvgOg, og_image_url


def test_png(client: FlaskClient) -> None:
    response = client.get("/og/blog.png?title=Hello+world&author=Jane")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert png_size(response.data) == (1200, 630)
    assert response.headers["Cache-Control"] == "public, max-age=86400"


def test_svg_preview(client: FlaskClient) -> None:
    response = client.get("/og/blog.svg?title=Hello")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<path" in response.data and b"<text" not in response.data
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/og/nope.png", 404, "no such template 'nope'"),
        ("/og/blog.gif", 404, "unknown format 'gif'"),
        ("/og/bl%2Eog.png", 404, "no such template"),
        ("/og/blog.png?title=" + "x" * 10000, 400, "limit is 1000"),
        ("/og/blog.png?title=a%00b", 400, "U+0000"),
        ("/og/blog.png?title=%ED%A0%80", 400, "not valid UTF-8"),
        ("/og/blog.png?title=%C0%AE", 400, "not valid UTF-8"),
        ("/og/blog.png?" + "&".join(f"p{i}=1" for i in range(10000)), 400, "too many parameters"),
        ("/og/blog.png?subtitle=x", 400, "no such field 'subtitle'"),
        ("/og/blog.png?title=a&title=b", 400, "given more than once"),
    ],
)
def test_errors_are_short_plain_messages(client: FlaskClient, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert message in text
    assert text.count("\n") == 1 and len(text) < 400


def test_reserved_parameters_are_not_fields(client: FlaskClient) -> None:
    plain = client.get("/og/blog.png?title=Same")
    busted = client.get("/og/blog.png?title=Same&v=2&_=1732500000")
    assert busted.status_code == 200
    assert busted.data == plain.data


def test_only_get(client: FlaskClient) -> None:
    assert client.post("/og/blog.png").status_code == 405


def test_init_app_and_config(tmp_path: pytest.TempPathFactory) -> None:
    app = Flask(__name__)
    app.config.update(SVGOG_URL_PREFIX="/cards", SVGOG_MAX_AGE=60, SVGOG_MAX_LENGTH=10, SVGOG_SIGNING=False)
    app.config["TRUSTED_HOSTS"] = ["localhost"]  # absolute URLs name only trusted hosts
    extension = SvgOg()
    extension.init_app(app)
    assert isinstance(app.extensions["svgog"].renderer, Renderer)
    client = app.test_client()
    response = client.get("/cards/blog.png?title=short")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert client.get("/cards/blog.png?title=far+too+long").status_code == 400
    assert client.get("/og/blog.png").status_code == 404
    with app.test_request_context("/"):
        assert SvgOg.renderer() is app.extensions["svgog"].renderer
        url = og_image_url("blog", title="A B")
        assert url.startswith("http://localhost/cards/blog.png?title=A+B&v=") and "sig=" not in url
        assert client.get(url).status_code == 200


def test_a_shared_renderer_can_be_passed_in(renderer: Renderer) -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "k"
    SvgOg(app, renderer=renderer)
    assert app.extensions["svgog"].renderer is renderer


def test_real_server(live_server: str) -> None:
    query = urlencode({"title": "Über real HTTP — with kerning: AV", "author": "Jane"})
    with urllib.request.urlopen(f"{live_server}/og/blog.png?{query}", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/png"
        assert png_size(response.read()) == (1200, 630)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/og/nope.png", 404),
        ("/og/blog.png?title=" + "x" * 10000, 400),
        ("/og/blog.png?title=" + quote("\x00"), 400),
        ("/og/blog.png?unknown=1", 400),
    ],
)
def test_real_server_errors(live_server: str, path: str, status: int) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(live_server + path, timeout=30)
    assert info.value.code == status
    assert info.value.headers["Content-Type"].startswith("text/plain")
    body = info.value.read().decode()
    info.value.close()
    assert body.endswith("\n") and len(body) < 400
