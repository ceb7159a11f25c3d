"""The CSS cascade of templates: sheets, the style attribute, shorthands, inheritance, units."""

from __future__ import annotations

import pytest
from lxml import etree

from svgog.css import Cascade, Stylesheet, expand_font, family_list
from svgog.units import LengthError, to_user_units
from svgog.xmlsafe import parse_svg

SVG = "http://www.w3.org/2000/svg"


def document(body: str, *, style: str = "") -> etree._Element:
    sheet = f"<style>{style}</style>" if style else ""
    return parse_svg(f'<svg xmlns="{SVG}" width="100" height="100">{sheet}{body}</svg>'.encode(), "t")


def by_id(root: etree._Element, name: str) -> etree._Element:
    return next(e for e in root.iter() if e.get("id") == name)


def test_specificity_order_and_important() -> None:
    root = document(
        '<g class="dark"><text id="t" class="fg title" fill="green" style="fill:purple">x</text></g>',
        style=".dark .fg{fill:red} text{fill:blue} #t{fill:orange} .title{fill:navy}",
    )
    t = by_id(root, "t")
    # The style attribute beats every normal rule, which beat the presentation attribute.
    assert Cascade(root).value(t, "fill") == "purple"
    root = document(
        '<text id="t" class="fg" style="fill:purple">x</text>', style=".fg{fill:red !important} #t{fill:blue}"
    )
    assert Cascade(root).value(by_id(root, "t"), "fill") == "red"
    root = document(
        '<text id="t" class="fg" style="fill:purple !important">x</text>', style=".fg{fill:red !important}"
    )
    assert Cascade(root).value(by_id(root, "t"), "fill") == "purple"


def test_id_beats_class_beats_type_whatever_the_order() -> None:
    root = document('<rect id="r" class="c"/>', style="#r{fill:red} .c{fill:blue} rect{fill:green}")
    assert Cascade(root).value(by_id(root, "r"), "fill") == "red"
    root = document('<rect id="r" class="c"/>', style=".c{fill:blue} rect{fill:green}")
    assert Cascade(root).value(by_id(root, "r"), "fill") == "blue"


def test_illustrator_class_lists_combine() -> None:
    root = document(
        '<text id="t" class="st1 st2 st3">x</text>',
        style=".st1{font-family:'Inter-Bold';}.st2{font-size:64px;}.st3{fill:#FFFFFF;}",
    )
    cascade = Cascade(root)
    t = by_id(root, "t")
    assert family_list(cascade.value(t, "font-family") or "") == ["Inter-Bold"]
    assert (cascade.value(t, "font-size"), cascade.value(t, "fill")) == ("64px", "#FFFFFF")


def test_font_shorthand_expands_in_place() -> None:
    root = document(
        '<text id="a" class="f">x</text><text id="b" class="f g">y</text>',
        style=".f{font: italic 700 48px/1.25 'Cal Sans', sans-serif} .g{font-weight:400}",
    )
    cascade = Cascade(root)
    a, b = by_id(root, "a"), by_id(root, "b")
    assert cascade.value(a, "font-style") == "italic"
    assert cascade.value(a, "font-weight") == "700"
    assert cascade.value(a, "font-size") == "48px"
    assert family_list(cascade.value(a, "font-family") or "") == ["Cal Sans", "sans-serif"]
    assert cascade.value(b, "font-weight") == "400"  # a later longhand wins over the shorthand's
    # A shorthand resets what it does not name.
    assert expand_font("20px Inter") == [
        ("font-style", "normal"),
        ("font-variant", "normal"),
        ("font-weight", "normal"),
        ("font-stretch", "normal"),
        ("font-size", "20px"),
        ("line-height", "normal"),
        ("font-family", "Inter"),
    ]
    assert expand_font("caption") is None and expand_font("bold") is None


def test_inheritance_and_keywords() -> None:
    root = document(
        '<g id="g" fill="red" opacity="0.5" style="font-size:30px">'
        '<text id="t">x<tspan id="s" fill="inherit" opacity="inherit">y</tspan></text>'
        '<text id="u" opacity="inherit">z</text></g>'
    )
    cascade = Cascade(root)
    assert cascade.value(by_id(root, "t"), "fill") == "red"  # inherited
    assert cascade.value(by_id(root, "t"), "opacity") is None  # not inherited
    assert cascade.value(by_id(root, "u"), "opacity") == "0.5"  # unless asked to
    assert cascade.value(by_id(root, "s"), "opacity") is None  # from a parent that has none
    assert cascade.value(by_id(root, "s"), "font-size") == "30px"


def test_media_rules_apply_for_screens_only() -> None:
    root = document(
        '<rect id="r" class="c"/>',
        style="@media screen{.c{fill:red}} @media print{.c{fill:blue}} @media (prefers-color-scheme: dark){.c{fill:black}}",
    )
    assert Cascade(root).value(by_id(root, "r"), "fill") == "red"


def test_problems_are_listed_not_raised() -> None:
    root = document('<rect id="r"/>', style="@import url(other.css); rect:hover{fill:red} @keyframes k{} .ok{fill:red}")
    sheet = Stylesheet(root)
    messages = [p.message for p in sheet.problems]
    assert any("@import" in m for m in messages)
    assert any("@keyframes" in m for m in messages)


def test_font_face_rules_are_read() -> None:
    root = document(
        "",
        style='@font-face{font-family:"Brand Sans";src:url(data:font/woff2;base64,AAAA) format("woff2");'
        "font-weight:100 900;font-style:italic}",
    )
    (face,) = Stylesheet(root).font_faces
    assert face.family == "Brand Sans"
    assert face.sources == (("data:font/woff2;base64,AAAA", "woff2"),)
    assert face.weight == (100, 900) and face.style == "italic"


def test_inline_writes_the_cascade_into_the_document() -> None:
    root = document(
        '<g class="dark"><rect id="r" class="bg" fill="green"/><use id="u" href="#r"/></g>',
        style=".dark .bg{fill:#111;stroke:red !important}",
    )
    cascade = Cascade(root)
    cascade.inline()
    rect = by_id(root, "r")
    assert rect.get("style") == "fill:#111;stroke:red"
    assert rect.get("fill") == "green"  # overridden by the style, as the sheet did
    assert not next(root.iter(f"{{{SVG}}}style")).text
    # The result reads the same without the sheet.
    assert Cascade(root).value(rect, "fill") == "#111"


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("317.5mm", {}, 1200.0),
        ("1in", {}, 96.0),
        ("2.54cm", {}, 96.0),
        ("12pt", {}, 16.0),
        ("1pc", {}, 16.0),
        ("4Q", {}, 96 / 25.4),
        ("2em", {"font_size": 30}, 60.0),
        ("2ex", {"font_size": 30}, 30.0),
        ("2ex", {"font_size": 30, "x_height": 16}, 32.0),
        ("50%", {"percent_of": 630}, 315.0),
        (" -1.5e1 ", {}, -15.0),
    ],
)
def test_lengths(text: str, options: dict[str, float], expected: float) -> None:
    assert to_user_units(text, **options) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["12 px", "wide", "3furlongs", "50%", "1e999", ""])
def test_bad_lengths(text: str) -> None:
    with pytest.raises(LengthError):
        to_user_units(text)
