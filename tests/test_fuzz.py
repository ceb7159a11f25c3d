"""Property-based fuzzing: any text in any field, any small template: an image or a typed error."""

from __future__ import annotations

import pytest
from helpers import png_size
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svgog import Renderer, SvgogError, TemplateError
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
