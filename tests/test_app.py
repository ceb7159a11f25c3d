"""The demo blog: its pages point platforms at absolute og:image URLs that work."""

from __future__ import annotations

import urllib.request
from html.parser import HTMLParser

from flask.testing import FlaskClient
from helpers import png_size


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            key = values.get("property") or values.get("name")
            if key and values.get("content") is not None:
                self.tags[key] = values["content"]  # type: ignore[assignment]


def meta_tags(html: str) -> dict[str, str]:
    parser = _Meta()
    parser.feed(html)
    return parser.tags


def test_index_lists_posts_with_previews(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("/og/blog.png?") == 3


def test_post_page_meta_tags(client: FlaskClient) -> None:
    tags = meta_tags(client.get("/posts/text-fitting").get_data(as_text=True))
    assert tags["og:image"].startswith("http://localhost/og/blog.png?")
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"
    assert tags["twitter:card"] == "summary_large_image"
    image = client.get(tags["og:image"].removeprefix("http://localhost"))
    assert image.status_code == 200 and png_size(image.data) == (1200, 630)


def test_unknown_post_is_404(client: FlaskClient) -> None:
    assert client.get("/posts/nope").status_code == 404


def test_og_image_url_works_through_a_real_server(signed_server: str) -> None:
    with urllib.request.urlopen(f"{signed_server}/posts/svg-templates", timeout=30) as response:
        tags = meta_tags(response.read().decode())
    assert tags["og:image"].startswith(f"{signed_server}/og/blog.png?")
    assert "sig=" in tags["og:image"] and "v=" in tags["og:image"]
    with urllib.request.urlopen(tags["og:image"], timeout=30) as response:
        assert response.headers["Content-Type"] == "image/png"
        assert png_size(response.read()) == (1200, 630)
