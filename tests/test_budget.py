"""The render budget: documents measured before drawing, drawing stopped at a deadline, failures remembered.

Each hostile document here made CairoSVG work for seconds to minutes (or
without end) before svgog measured what it asks for; now it is refused
before anything is drawn, with a message naming the limit.
"""

from __future__ import annotations

import base64
import struct
import time
import zlib
from pathlib import Path

import pytest
from helpers import pixels, png_size

from app import create_app
from svgog import (
    InvalidValue,
    RenderBudget,
    Renderer,
    RenderError,
    RenderTimeout,
    TemplateError,
)
from svgog.budget import measure
from svgog.flask import og_image_url
from svgog.xmlsafe import parse_svg

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(body: str, size: int = 100) -> str:
    return f'<svg {NS} width="{size}" height="{size}">{body}</svg>'


def uri(document: str | bytes, kind: str = "image/svg+xml") -> str:
    data = document.encode() if isinstance(document, str) else document
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def use_levels(levels: int, fan: int, base: int = 1) -> str:
    """``levels`` groups, each using the one below ``fan`` times: fan**levels drawn copies of the base."""
    parts = ['<defs><g id="l0">' + "".join(f'<rect x="{i}" width="1" height="1"/>' for i in range(base)) + "</g>"]
    for level in range(1, levels + 1):
        parts.append(f'<g id="l{level}">' + f'<use xlink:href="#l{level - 1}"/>' * fan + "</g>")
    return svg("".join(parts) + f'</defs><use xlink:href="#l{levels}"/>')


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` x ``height`` 1-bit pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width // 8 + 1) * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def avatar(renderer: Renderer, value: str) -> bytes:
    return renderer.render_png("quote", quote="Measured first", name="Ada", avatar=value)


GZIP = b"\x1f\x8b\x08" + b"\0" * 20

HOSTILE = {
    # The 2.7 KB value: ~10^10 references for CairoSVG to walk (15-19 s before, then the fallback).
    "ten levels of ten uses": (use_levels(10, 10), "more than 5000 elements"),
    # 38 KB that never finished: 10^4 copies of 1,000 rectangles.
    "four levels of ten over a thousand rects": (use_levels(4, 10, 1000), "more than 5000 elements"),
    # 3 MB of plain rectangles (5.6 s).
    "sixty thousand rects": (svg('<rect width="3" height="4" fill="red"/>' * 60000), "has more than 5000 elements"),
    "a reference cycle": (
        svg('<g id="a"><use xlink:href="#b"/></g><g id="b"><use xlink:href="#a"/></g>'),
        "reference cycle",
    ),
    "a use of its own ancestor": (svg('<g id="a"><rect width="1" height="1"/><use xlink:href="#a"/></g>'), "cycle"),
    "pattern tiles on many shapes": (
        svg(
            '<defs><pattern id="p" width="2" height="2">' + '<rect width="1" height="1"/>' * 100 + "</pattern></defs>"
            + '<rect width="9" height="9" fill="url(#p)"/>' * 100
        ),
        "more than 5000 elements",
    ),
    "a pattern inherited by a group": (
        svg(
            '<defs><pattern id="p" width="2" height="2">' + '<circle r="1"/>' * 100 + "</pattern></defs>"
            + '<g fill="url(#p)">' + '<rect width="9" height="9"/>' * 60 + "</g>"
        ),
        "more than 5000 elements",
    ),
    "markers on every vertex": (
        svg('<defs><marker id="m">' + '<circle r="1"/>' * 50 + '</marker></defs><path style="marker:url(#m)" d="M0 0'
            + " L1 1" * 200 + '"/>'),
        "more than 5000 elements",
    ),  # fmt: skip
    "a clip path used by many": (
        svg('<defs><clipPath id="c">' + '<circle r="5"/>' * 200 + "</clipPath></defs>"
            + '<rect clip-path="url(#c)" width="9" height="9"/>' * 40),
        "more than 5000 elements",
    ),  # fmt: skip
    "a style sheet's pattern": (
        svg(
            "<style>.p{fill:url(#p)}</style>"
            '<defs><pattern id="p" width="2" height="2">' + '<rect width="1" height="1"/>' * 100 + "</pattern></defs>"
            + '<rect class="p" width="9" height="9"/>' * 100
        ),
        "more than 5000 elements",
    ),
    "deep nesting": (svg("<g>" * 60 + '<rect width="1" height="1"/>' + "</g>" * 60), "levels deep"),
    "megabytes of path data through uses": (
        svg('<defs><path id="p" d="M0 0' + " L1 2" * 20000 + '"/></defs>' + '<use xlink:href="#p"/>' * 10),
        "bytes of path data",
    ),
    "many filters": (
        svg('<filter id="f"><feGaussianBlur stdDeviation="4"/></filter>' + '<rect filter="url(#f)" width="5" height="5"/>' * 40),
        "elements with a filter",
    ),
    "a 20000x20000 picture inside": (
        svg(f'<image width="10" height="10" xlink:href="{uri(png_header_only(20000, 20000), "image/png")}"/>'),
        "pixels together",
    ),
    "a gzip picture inside": (svg(f'<image width="9" height="9" href="{uri(GZIP)}"/>'), "compressed"),
    "a picture fetched by a picture": (svg('<image width="9" height="9" href="https://example.com/a.png"/>'), "not a data: URI"),
}


def _nested_pictures(depth: int) -> str:
    document = svg('<rect width="5" height="5"/>')
    for _ in range(depth):
        document = svg(f'<image width="9" height="9" href="{uri(document)}"/>')
    return document


HOSTILE["pictures inside pictures inside pictures"] = (_nested_pictures(5), "nests SVG pictures more than 3 deep")


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_svg_values_are_refused_before_drawing(case: str, renderer: Renderer) -> None:
    document, message = HOSTILE[case]
    started = time.process_time()
    with pytest.raises(InvalidValue, match="SVG image refused: .*" + message) as error:
        avatar(renderer, uri(document))
    assert error.value.field == "avatar"
    # Refused after measuring, not after drawing: far below the second a render may take.
    assert time.process_time() - started < 1.0, "refused only after drawing"


def test_the_cost_counts_every_expansion() -> None:
    root = parse_svg(use_levels(3, 10).encode(), "t")
    cost = measure(root, RenderBudget(elements=10**6), ValueError)
    # 1000 rects each in a group by a use; 100 and 10 groups by their uses; the outer group, its use, the root.
    assert cost.elements == 1000 * 3 + 100 * 2 + 10 * 2 + 2 + 1
    with pytest.raises(ValueError, match="more than 2000 elements"):
        measure(root, RenderBudget(elements=2000), ValueError)


def test_a_reasonable_svg_value_still_renders(renderer: Renderer) -> None:
    body = (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#0ea5e9"/><stop offset="1" stop-color="#6366f1"/>'
        '</linearGradient><circle id="dot" r="4" fill="#fff"/></defs><circle cx="50" cy="50" r="50" fill="url(#g)"/>'
        + "".join(f'<use xlink:href="#dot" x="{20 + i * 15}" y="50"/>' for i in range(5))
    )
    png = avatar(renderer, uri(svg(body)))
    assert png_size(png) == (1200, 630)
    image = pixels(png)
    assert tuple(image[526][116][:3]) != tuple(image[526][60][:3]), "the avatar is drawn"


def test_tref_and_markers_naming_nothing_are_dropped_not_fatal(renderer: Renderer) -> None:
    # CairoSVG failed on both (TypeError, AttributeError): the card became the fallback image.
    document = svg(
        '<rect width="100" height="100" fill="#16a34a"/><text y="50"><tref xlink:href="#nothing"/>kept</text>'
        '<path d="M0 0 L50 50" stroke="#000" marker-end="url(#missing)" style="marker-start:url(#gone)"/>'
    )
    png = avatar(renderer, uri(document))
    r, g, b, _ = pixels(png)[526][100]
    assert g > 120 and r < 60 and b < 120, "the avatar is drawn"


def test_the_deadline_stops_drawing_that_measures_within_the_limits() -> None:
    # 3,000 stroked circles are within the element limit and take about half a second to draw.
    document = svg('<circle r="40" cx="50" cy="50" fill="red" stroke="blue" stroke-width="3"/>' * 3000)
    strict = Renderer(budget=RenderBudget(seconds=0.05))
    started = time.process_time()
    with pytest.raises(RenderTimeout, match="more than 0.05 s of CPU time") as error:
        avatar(strict, uri(document))
    assert isinstance(error.value, RenderError) and error.value.template == "quote"
    assert time.process_time() - started < 1.0
    # The same renderer draws an ordinary card within its deadline.
    assert png_size(strict.render_png("blog", title="Still drawn")) == (1200, 630)


def test_a_template_over_the_budget_is_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "heavy.svg").write_text(
        svg('<rect width="1" height="1"/>' * 6000, 200)
    )
    with pytest.raises(TemplateError, match="has more than 5000 elements"):
        Renderer(templates=tmp_path).template("heavy")
    # A budget of its own lets it in.
    roomy = Renderer(templates=tmp_path, budget=RenderBudget(elements=20000))
    assert roomy.template("heavy").cost.elements > 6000


def test_every_picture_drawn_is_size_checked_before_decoding(tmp_path: Path) -> None:
    # A template's own picture is not a field value; the check before decoding still holds for it.
    (tmp_path / "card.svg").write_text(svg('<image width="50" height="50" href="bomb.png"/>'))
    for width, height in ((10000, 5000), (20000, 20000)):  # 50 megapixels, and more than Pillow opens
        (tmp_path / "bomb.png").write_bytes(png_header_only(width, height))
        with pytest.raises(RenderError, match=r"the limit is 40000000 pixels"):
            Renderer(templates=tmp_path).render_png("card")


def test_failures_are_remembered_and_answered_without_rendering() -> None:
    app = create_app({"SECRET_KEY": "k" * 32, "SVGOG_ALLOWED_HOSTS": [], "TESTING": True})
    state = app.extensions["svgog"]
    bomb = uri(svg('<circle r="40" cx="50" cy="50" fill="red" stroke="blue" stroke-width="3"/>' * 3000))
    state.renderer = Renderer(budget=RenderBudget(seconds=0.05))
    with app.test_request_context("/"):
        url = og_image_url("quote", quote="Again", name="Ada", avatar=bomb, _external=False)
    client = app.test_client()
    first = client.get(url)
    assert first.status_code == 200 and first.headers["X-Svgog-Fallback"] == "1"
    before = state.renders
    again = client.get(url)
    assert again.status_code == 200 and again.data == first.data
    assert state.renders == before, "the failure was answered from memory"


def test_a_refused_value_is_a_400_each_time_without_rendering_again() -> None:
    app = create_app({"SECRET_KEY": "k" * 32, "TESTING": True})
    state = app.extensions["svgog"]
    with app.test_request_context("/"):
        url = og_image_url("quote", quote="Bomb", name="Ada", avatar=uri(use_levels(10, 10)), _external=False)
    client = app.test_client()
    first = client.get(url)
    assert first.status_code == 400 and b"more than 5000 elements" in first.data
    before = state.renders
    assert client.get(url).status_code == 400 and state.renders == before


def test_the_gallery_answers_a_hostile_avatar_with_an_error_not_a_500() -> None:
    client = create_app({"SVGOG_GALLERY": True, "SECRET_KEY": "k" * 32, "TESTING": True}).test_client()
    for value, status in ((uri(use_levels(10, 10)), 400), (uri(svg('<text><tref xlink:href="#x"/></text>')), 200)):
        response = client.get("/og/_gallery/quote.png", query_string={"quote": "Q", "name": "N", "avatar": value})
        assert response.status_code == status, response.data[:200]


def test_the_budget_is_a_setting() -> None:
    app = create_app({"SECRET_KEY": "k" * 32, "SVGOG_BUDGET": {"elements": 100, "seconds": 0.5}, "TESTING": True})
    budget = app.extensions["svgog"].renderer.budget
    assert (budget.elements, budget.seconds, budget.depth) == (100, 0.5, RenderBudget().depth)
    with pytest.raises(RuntimeError, match="SVGOG_BUDGET"):
        create_app({"SECRET_KEY": "k" * 32, "SVGOG_BUDGET": {"elements": -1}, "TESTING": True})
    with pytest.raises(ValueError, match="seconds"):
        RenderBudget(seconds=0)


def test_the_bundled_templates_cost_little_of_the_budget(renderer: Renderer) -> None:
    for name in renderer.names():
        cost = renderer.template(name).cost
        assert cost.elements < RenderBudget().elements // 5, name
        assert cost.depth < RenderBudget().depth // 4, name
