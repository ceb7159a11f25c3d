"""Every placeholder kind: filled, absent, invalid; metadata; Figma and Inkscape exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import pixels, png_size
from lxml import etree

from svgog import InvalidValue, MissingField, Renderer, TemplateError, UnknownField
from svgog.fonts import FontRegistry
from svgog.template import Template

FIXTURES = Path(__file__).resolve().parent / "templates"
SVG = "{http://www.w3.org/2000/svg}"

CARD = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="400" height="200"
     og:class="theme" class="dark">
  <metadata>
    <og:template description="A card for tests">
      <og:field name="title" required="true" max-length="40" sample="Sample title"/>
      <og:field name="theme" default="dark" allowed="dark light" description="Color scheme"/>
      <og:field name="accent" default="#38bdf8"/>
    </og:template>
  </metadata>
  <style>.dark .bg{fill:#000000} .light .bg{fill:#ffffff}</style>
  <rect class="bg" width="400" height="200"/>
  <rect id="swatch" x="10" y="10" width="30" height="30" fill="#ff0000" og:fill="accent"/>
  <rect x="50" y="10" width="30" height="30" fill="#00ff00" og:opacity="glow"/>
  <rect x="90" y="10" width="30" height="30" fill="#0000ff" og:if="badge"/>
  <rect x="130" y="10" width="30" height="30" fill="#ffff00" og:unless="badge"/>
  <rect x="170" y="10" width="30" height="30" fill="#ff00ff" og:if="theme=light"/>
  <text id="title" x="10" y="120" og:width="380" font-family="Inter" font-size="30" fill="#888">Title</text>
  <text id="badge" x="10" y="180" og:width="200" font-family="Inter" font-size="16" fill="#888"></text>
</svg>"""


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> Renderer:
    directory = tmp_path_factory.mktemp("templates")
    (directory / "card.svg").write_text(CARD)
    return Renderer(templates=directory)


def at(data: bytes, x: int, y: int) -> list[int]:
    return pixels(data)[y, x, :3].tolist()


def test_fields_and_kinds(renderer: Renderer) -> None:
    template = renderer.template("card")
    kinds = {name: field.kind for name, field in template.fields.items()}
    assert kinds == {"title": "text", "badge": "text", "accent": "color", "glow": "number", "theme": "choice"}
    assert template.description == "A card for tests"
    assert template.fields["title"].required and template.fields["title"].sample == "Sample title"
    assert template.fields["theme"].allowed == ("dark", "light")


def test_color_placeholder(renderer: Renderer) -> None:
    assert at(renderer.render_png("card", title="t"), 20, 20) == [56, 189, 248]  # the declared default
    assert at(renderer.render_png("card", title="t", accent="rgb(1, 2, 3)"), 20, 20) == [1, 2, 3]
    assert at(renderer.render_png("card", title="t", accent="teal"), 20, 20) == [0, 128, 128]


@pytest.mark.parametrize(
    "value", ["url(#swatch)", "red; stroke: blue", '"/><script>', "#12", "rgb(1,2)", "javascript:alert(1)"]
)
def test_colors_cannot_inject(renderer: Renderer, value: str) -> None:
    with pytest.raises(InvalidValue, match="is not a CSS color") as info:
        renderer.render_png("card", title="t", accent=value)
    assert info.value.field == "accent" and info.value.template == "card"


def test_number_placeholder(renderer: Renderer) -> None:
    assert at(renderer.render_png("card", title="t", glow="0"), 60, 20) == [0, 0, 0]
    assert at(renderer.render_png("card", title="t"), 60, 20) == [0, 255, 0]
    for bad in ("2", "-1", "nan", "1e9", "half"):
        with pytest.raises(InvalidValue, match="from 0 to 1"):
            renderer.render_png("card", title="t", glow=bad)


def test_choice_placeholder_switches_the_theme(renderer: Renderer) -> None:
    assert at(renderer.render_png("card", title="t"), 300, 60) == [0, 0, 0]
    assert at(renderer.render_png("card", title="t", theme="light"), 300, 60) == [255, 255, 255]
    with pytest.raises(InvalidValue, match="not one of dark, light"):
        renderer.render_png("card", title="t", theme="blue")
    with pytest.raises(InvalidValue, match="single word"):
        renderer.render_png("card", title="t", theme="dark light")


def test_conditions(renderer: Renderer) -> None:
    without = renderer.render_png("card", title="t")
    with_badge = renderer.render_png("card", title="t", badge="NEW")
    assert at(without, 100, 20) == [0, 0, 0] and at(without, 140, 20) == [255, 255, 0]
    assert at(with_badge, 100, 20) == [0, 0, 255] and at(with_badge, 140, 20) == [0, 0, 0]
    assert at(renderer.render_png("card", title="t", theme="light"), 180, 20) == [255, 0, 255]
    assert at(without, 180, 20) == [0, 0, 0]


def test_required_and_limits(renderer: Renderer) -> None:
    with pytest.raises(MissingField, match="'title' is required"):
        renderer.render_png("card")
    with pytest.raises(MissingField):
        renderer.render_png("card", title="   ")
    with pytest.raises(InvalidValue, match="limit is 40"):
        renderer.render_png("card", title="x" * 41)
    with pytest.raises(UnknownField):
        renderer.render_png("card", title="t", subtitle="x")


def test_scale_option(renderer: Renderer) -> None:
    result = renderer.render("card", title="t", scale=2)
    assert (result.width, result.height) == (800, 400) and png_size(result.data) == (800, 400)
    assert at(result.data, 40, 40) == [56, 189, 248]
    from svgog import InvalidInput

    for bad in (0, -1, 100, float("nan"), "2", True):
        with pytest.raises(InvalidInput, match="scale"):
            renderer.render("card", title="t", scale=bad)  # type: ignore[arg-type]


def test_figma_export() -> None:
    renderer = Renderer(templates=FIXTURES)
    template = renderer.template("figma")
    assert set(template.fields) == {"title", "Author_name", "Brand", "avatar"}  # title_2 folds into title
    assert template.fields["avatar"].kind == "image"
    result = renderer.render("figma", {"title": "A long title that has to wrap in the Figma box", "Author_name": "Ana"})
    titles = [r for r in result.reports if r.field == "title"]
    assert len(titles) == 2 and len(titles[0].lines) >= 2  # the boxed one wraps, the footer copy does not
    svg = renderer.render_svg("figma", title="x")
    root = etree.fromstring(svg.encode())
    assert root.find(f".//{SVG}rect[@id='title-box']") is None, "box guides are not drawn"
    assert root.find(f".//{SVG}g[@id='avatar']/{SVG}image") is not None, "the image fill became a clipped image"
    assert png_size(result.data) == (1200, 630)


def test_inkscape_export() -> None:
    renderer = Renderer(templates=FIXTURES)
    template = renderer.template("inkscape")
    assert set(template.fields) == {"headline", "byline", "background"}
    assert template.fields["headline"].default == "Inkscape sample\nheadline"
    data = renderer.render_png("inkscape", headline="New headline", background="#000000", byline="")
    image = pixels(data)
    assert image[5, 5, :3].tolist() == [0, 0, 0]
    assert not np.any(np.all(image[500:560, 96:400, :3] == [146, 64, 14], axis=2)), "the empty byline is removed"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('<rect og:fill="not a name!"/>', "og:fill needs a field name"),
        ('<rect og:if=""/>', "og:if needs a field name"),
        ('<image id="pic" og:fit="stretch"/>', "og:fit 'stretch'"),
        ('<rect og:fallback-fonts="Inter"/>', "belongs on the root"),
        ('<metadata><og:template><og:field name="ghost"/></og:template></metadata>', "declared but no element"),
        ('<metadata><og:template><og:field name="t" colour="red"/></og:template></metadata><text id="t">x</text>', "unknown attribute 'colour'"),
        ('<metadata><og:template><og:field name="t" required="maybe"/></og:template></metadata><text id="t">x</text>', "required='maybe'"),
        ('<metadata><og:template><og:field name="t" allowed="a b" default="c"/></og:template></metadata><text id="t">x</text>', "default 'c' is not one of"),
        ('<text id="t">x</text><rect og:fill="t"/>', "used as text and as color"),
        ('<rect id="t-box" width="0" height="5"/><text id="t">x</text>', "positive width"),
    ],
)
def test_template_mistakes(body: str, message: str) -> None:
    source = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="100" height="100">{body}</svg>'
    with pytest.raises(TemplateError, match=message):
        Template.from_bytes("t", source.encode(), FontRegistry())
