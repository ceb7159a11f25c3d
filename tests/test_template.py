"""Template parsing: placeholders, attributes, inheritance and mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from svgog import Renderer, TemplateError
from svgog.fonts import FontRegistry
from svgog.template import Template

FONTS = FontRegistry()
SVG = "{http://www.w3.org/2000/svg}"


def template(body: str, *, root: str = 'width="600" height="300"') -> Template:
    source = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" '
        f'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        f'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" {root}>{body}</svg>'
    )
    return Template.from_bytes("t", source.encode(), FONTS)


def test_fields_from_ids_and_inkscape_labels() -> None:
    t = template(
        '<text id="title">A</text><text id="text12" inkscape:label="author">B</text><text>static</text>'
        '<text id="not#a#name">x</text>'
    )
    assert list(t.fields) == ["title", "author"]
    assert t.fields["author"].default == "B"
    assert len(t.text_slots) == 4


def test_styles_inherit_and_style_beats_attributes() -> None:
    t = template(
        '<g font-family="Inter" font-weight="bold" style="font-size:40px">'
        '<text id="a" font-size="10" style="text-anchor:middle" x="300" y="100">A</text></g>'
    )
    (slot,) = t.text_slots
    assert slot.chain.primary.info.weight == 700
    assert slot.spec.size == 10  # its own attribute beats the inherited style
    assert slot.spec.anchor == "middle"
    assert (slot.spec.x, slot.spec.y) == (300, 100)


def test_points_are_converted_to_pixels() -> None:
    (slot,) = template('<text id="a" font-size="48pt">A</text>').text_slots
    assert slot.spec.size == 64


def test_figma_style_tspans_give_position_and_text() -> None:
    t = template(
        '<text id="title" font-family="Inter" font-size="32"><tspan x="80" y="120">Figma </tspan>'
        "<tspan>title</tspan></text>"
    )
    (slot,) = t.text_slots
    assert (slot.spec.x, slot.spec.y) == (80, 120)
    assert slot.default == "Figma title"


def test_inkscape_line_tspans_become_line_breaks() -> None:
    t = template(
        '<text id="t" xml:space="preserve" style="font-size:20px;font-family:Inter" x="10" y="30">'
        '<tspan sodipodi:role="line" x="10" y="30">First line</tspan>'
        '<tspan sodipodi:role="line" x="10" y="55">Second line</tspan></text>'
    )
    assert t.fields["t"].default == "First line\nSecond line"
    svg, reports = t.fill({})
    assert reports[0].lines == ("First line", "Second line")


def test_size_from_viewbox() -> None:
    t = template("", root='viewBox="0 0 1080 1080"')
    assert (t.width, t.height) == (1080, 1080)


def test_replacement_group_keeps_presentation_attributes() -> None:
    t = template('<text id="t" fill="#123456" opacity="0.5" transform="rotate(3)" style="fill-opacity:.8;font-size:30px">Hi</text>')
    svg, _ = t.fill({"t": "Hello"})
    group = etree.fromstring(svg).find(f"{SVG}g")
    assert group is not None
    assert group.get("fill") == "#123456" and group.get("opacity") == "0.5"
    assert group.get("transform") == "rotate(3)"
    assert group.get("style") == "fill-opacity:.8"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('<text id="t" og:widht="10">x</text>', "unknown attribute og:widht"),
        ('<rect id="r" og:width="10"/>', "og:width belongs on a <text>"),
        ('<text id="t" og:fit="squeeze">x</text>', "og:fit 'squeeze' is not one of shrink, none"),
        ('<text id="t" og:valign="center">x</text>', "og:valign 'center'"),
        ('<text id="t" font-size="40" og:min-size="50">x</text>', "og:min-size 50 is larger"),
        ('<text id="t" text-transform="shout">x</text>', "text-transform 'shout'"),
        ('<text id="t" og:width="wide">x</text>', "og:width 'wide': 'wide' is not a length"),
        ('<text id="t" og:width="-5">x</text>', "og:width must be positive"),
        ('<text id="t" og:max-lines="0">x</text>', "og:max-lines '0'"),
        ('<text id="t" font-size="big">x</text>', "font-size 'big'"),
        ('<text id="t" x="3furlongs">x</text>', "x '3furlongs': .* unknown unit"),
        ('<text id="t" font-weight="heavy">x</text>', "font-weight 'heavy'"),
        ('<text id="t" text-anchor="left">x</text>', "text-anchor 'left'"),
    ],
)
def test_template_mistakes_name_the_element_and_line(body: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message) as info:
        template("\n" + body)
    assert info.value.line == 2 and info.value.template == "t"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b"<html/>", "not <svg>"),
        (b'<svg width="10" height="10"/>', "not <svg> in the SVG namespace"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "needs a width"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="10"/>', "needs a width .* or a viewBox"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="12furlongs" height="10"/>', "width '12furlongs'"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="10"/>', "outside 1..10000"),
        (b"not xml at all", "not well-formed"),
    ],
)
def test_unusable_documents(source: bytes, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        Template.from_bytes("t", source, FONTS)


def test_edited_template_is_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "card.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><text id="a">x</text></svg>')
    renderer = Renderer(templates=tmp_path)
    assert list(renderer.template("card").fields) == ["a"]
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><text id="bb">x</text></svg>')
    assert list(renderer.template("card").fields) == ["bb"]


def test_missing_template_directory() -> None:
    with pytest.raises(TemplateError, match="does not exist"):
        Renderer(templates="/nonexistent/templates")
