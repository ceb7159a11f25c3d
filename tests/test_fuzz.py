"""Property-based fuzzing: any text in any field, any small template: an image or a typed error."""

from __future__ import annotations

import base64
import struct
import time
import zlib

import pytest
from helpers import png_size
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svgog import RenderBudget, Renderer, SvgogError, TemplateError
from svgog.fonts import FontRegistry
from svgog.template import Template

RENDERER = Renderer()
FONTS = FontRegistry()
TEXT_FIELDS = [(name, field) for name in RENDERER.names() for field, spec in RENDERER.template(name).fields.items() if spec.kind == "text"]
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("name", "field"), TEXT_FIELDS[::2], ids=[f"{n}.{f}" for n, f in TEXT_FIELDS[::2]])
@FUZZ
@given(value=st.text(st.characters(blacklist_categories=()), min_size=0, max_size=300))
def test_any_text_in_any_field(name: str, field: str, value: str) -> None:
    template = RENDERER.template(name)
    try:
        first = RENDERER.render(name, {field: value})
    except SvgogError:
        return
    assert png_size(first.data) == (template.width, template.height)
    assert RENDERER.render(name, {field: value}).data == first.data, "rendering is deterministic"


ATTRIBUTE_VALUES = st.one_of(
    st.sampled_from(["", "0", "-5", "1e999", "nan", "abc", "10px", "12pt", "3em", "100%", "start", "balance", "cover"]),
    st.text(max_size=12),
)
OG_NAMES = st.sampled_from(
    ["width", "height", "max-lines", "line-height", "fit", "wrap", "align", "valign", "min-size", "ellipsis",
     "fill", "if", "unless", "class", "opacity", "bogus", "fallback-fonts"]
)  # fmt: skip
PLAIN_NAMES = st.sampled_from(["x", "y", "font-size", "font-weight", "font-family", "text-anchor", "letter-spacing", "style"])


@st.composite
def templates(draw: st.DrawFn) -> bytes:
    """Small templates: mostly valid SVG with random attributes, sometimes broken XML."""
    children = []
    for index in range(draw(st.integers(0, 4))):
        tag = draw(st.sampled_from(["text", "rect", "image", "g", "circle"]))
        attributes = {f"og:{k}": v for k, v in draw(st.dictionaries(OG_NAMES, ATTRIBUTE_VALUES, max_size=3)).items()}
        attributes.update(draw(st.dictionaries(PLAIN_NAMES, ATTRIBUTE_VALUES, max_size=3)))
        attributes["id"] = draw(st.sampled_from(["title", "author", f"f{index}", "bad id", "title_2"]))
        rendered = " ".join(f'{k}="{_escape(v)}"' for k, v in attributes.items())
        body = _escape(draw(st.text(max_size=20))) if tag == "text" else ""
        children.append(f"<{tag} {rendered}>{body}</{tag}>")
    size = draw(st.sampled_from(['width="200" height="100"', 'viewBox="0 0 300 150"', 'width="0" height="5"', ""]))
    document = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" {size}>\n' + "\n".join(children) + "\n</svg>"
    if draw(st.booleans()) and draw(st.booleans()):
        cut = draw(st.integers(0, len(document)))
        document = document[:cut] + draw(st.sampled_from(["<", "&", "]]>", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "\x00", ""]))
    return document.encode("utf-8", "surrogatepass")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=templates(), value=st.text(max_size=40))
def test_random_templates_fail_with_template_errors(source: bytes, value: str) -> None:
    try:
        template = Template.from_bytes("fuzz", source, FONTS)
    except TemplateError as exc:
        assert exc.template == "fuzz"
        assert exc.line is None or exc.line >= 1
        return
    except SvgogError:
        return
    fields = {name: value for name, field in template.fields.items() if field.kind in ("text", "flag")}
    try:
        svg, _ = template.fill(fields)
    except SvgogError:
        return
    from svgog.raster import svg_to_png

    try:
        png = svg_to_png(svg, width=template.width, height=template.height, template="fuzz")
    except SvgogError:
        return
    assert png_size(png) == (template.width, template.height)


# --- Nested SVG image values: reference graphs, pictures inside pictures, filters ------------------

SVG_NS_DECLARATIONS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
BUDGETED = Renderer(budget=RenderBudget(seconds=0.5))


def _data_uri(data: bytes, kind: str) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _png_header(width: int, height: int) -> bytes:
    """A PNG's signature and header claiming ``width`` x ``height`` (the pixels need not follow)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunk = struct.pack(">I", len(header)) + b"IHDR" + header + struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return b"\x89PNG\r\n\x1a\n" + chunk


@st.composite
def svg_images(draw: st.DrawFn, depth: int = 0) -> str:
    """SVG pictures built from groups that use one another (cycles too), patterns, markers,
    clip paths, filters, rasters of any claimed size and SVG pictures inside them."""
    groups = draw(st.integers(1, 6))
    defs = [
        '<filter id="f"><feGaussianBlur stdDeviation="3"/><feOffset dx="2" dy="2"/></filter>',
        '<pattern id="p" width="4" height="4"><rect width="2" height="2"/><circle r="1"/></pattern>',
        '<marker id="m"><circle r="1"/><rect width="1" height="1"/></marker>',
        '<clipPath id="c"><circle cx="50" cy="50" r="40"/></clipPath>',
    ]
    for index in range(groups):
        parts = []
        for _ in range(draw(st.integers(0, 8))):
            kind = draw(st.sampled_from(["rect", "circle", "path", "use", "use", "use", "image", "text"]))
            paint = draw(st.sampled_from(["", ' fill="url(#p)"', ' filter="url(#f)"', ' clip-path="url(#c)"', ' stroke="#000"']))
            if kind == "use":
                target = draw(st.integers(0, groups - 1))  # any group: references up, down and to itself
                parts.append(f'<use xlink:href="#g{target}"{paint}/>')
            elif kind == "path":
                points = " ".join(f"L{draw(st.integers(0, 99))} {draw(st.integers(0, 99))}" for _ in range(draw(st.integers(1, 40))))
                parts.append(f'<path d="M0 0 {points}" marker-mid="url(#m)"{paint}/>')
            elif kind == "image":
                if depth < 4 and draw(st.booleans()):
                    href = _data_uri(draw(svg_images(depth=depth + 1)).encode(), "image/svg+xml")
                else:
                    size = (draw(st.integers(1, 30000)), draw(st.integers(1, 30000)))
                    href = _data_uri(_png_header(*size), "image/png")
                parts.append(f'<image width="20" height="20" href="{href}"{paint}/>')
            elif kind == "text":
                parts.append(f'<text y="20"{paint}>{"x" * draw(st.integers(0, 200))}</text>')
            else:
                parts.append(f'<{kind} width="30" height="30" r="10"{paint}/>')
        defs.append(f'<g id="g{index}">{"".join(parts)}</g>')
    fan = draw(st.integers(1, 12))
    body = f'<use xlink:href="#g{groups - 1}"/>' * fan
    return f'<svg {SVG_NS_DECLARATIONS} width="100" height="100"><defs>{"".join(defs)}</defs>{body}</svg>'


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(document=svg_images())
def test_nested_svg_image_values_render_or_fail_typed_within_the_budget(document: str) -> None:
    started = time.process_time()
    try:
        png = BUDGETED.render_png("quote", quote="Q", name="N", avatar=_data_uri(document.encode(), "image/svg+xml"))
    except SvgogError:
        pass
    else:
        assert png_size(png) == (1200, 630)
    # Measuring, filling and encoding around a drawing stopped at 0.5 s of CPU.
    assert time.process_time() - started < 2.0
