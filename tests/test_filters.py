"""SVG filters (shadows, blurs, color effects) drawn by svgog, compared with Chromium.

Each picture is rendered for real: svgog through CairoSVG and svgog.filters,
Chromium from the same document. Where a test compares with Chromium it also
renders svgog's picture without the filter and checks that *that* picture
fails the comparison, so a filter that silently stopped drawing fails the test.
The documents under tests/filters/ are shaped like real exports (Figma,
Inkscape 1.x) and svgog templates; small synthetic ones are inline.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from browser import MAX_DIFFERING, Chromium, difference, over_white, side_by_side
from helpers import ROOT, pixels
from lxml import etree

import svgog
from svgog import filters
from svgog.raster import svg_to_png

FIXTURES = ROOT / "tests" / "filters"
SVG_NS = "http://www.w3.org/2000/svg"


# --- Helpers ----------------------------------------------------------------------------------


def without_filters(svg: bytes) -> bytes:
    """The document with every ``filter`` property removed (attributes and style declarations)."""
    root = etree.fromstring(svg)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.attrib.pop("filter", None)
        style = element.get("style")
        if style and "filter" in style:
            kept = [d for d in style.split(";") if d.split(":")[0].strip() != "filter"]
            element.set("style", ";".join(kept))
    return etree.tostring(root)


def svgog_picture(svg: bytes, width: int, height: int) -> np.ndarray:
    return pixels(svg_to_png(svg, width=width, height=height))


#: A channel difference the color tests allow: the usual tolerance (40) is for antialiasing, and
#: would let a blur in the wrong color space pass (it differs by 10 to 30 levels).
COLOR_TOLERANCE = 8


def compared(name: str, picture: np.ndarray, browser: np.ndarray, *, strict: bool = False) -> float:
    """Assert svgog's picture is Chromium's; keep them side by side in tests/output/ for a person to look at.

    :param strict: Also hold colors to :data:`COLOR_TOLERANCE`.
    """
    fraction, mask = difference(picture, browser)
    path = side_by_side(f"filters-{name}", picture, browser, mask)
    assert fraction <= MAX_DIFFERING, f"{name}: {fraction:.2%} of pixels differ from Chromium; see {path}"
    if strict:
        close, _ = difference(picture, browser, tolerance=COLOR_TOLERANCE)
        assert close <= MAX_DIFFERING, f"{name}: {close:.2%} of pixels differ by more than {COLOR_TOLERANCE} levels"
    return fraction


def same_as_chromium(
    name: str, svg: bytes, width: int, height: int, chromium: Chromium, *, strict: bool = False
) -> float:
    """Assert svgog draws ``svg`` as Chromium does, and that it would not without the filters."""
    browser = chromium.render(svg, width, height)
    fraction = compared(name, svgog_picture(svg, width, height), browser, strict=strict)
    unfiltered, _ = difference(svgog_picture(without_filters(svg), width, height), browser)
    assert unfiltered > MAX_DIFFERING, f"{name}: the filter changes too little to be tested ({unfiltered:.2%})"
    print(f"{name}: {fraction:.3%} differ from Chromium (without filters: {unfiltered:.2%})")
    return fraction


def document(body: str, defs: str, width: int = 400, height: int = 300, background: str = "#f8fafc") -> bytes:
    return (
        f'<svg xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" width="{width}" height="{height}">'
        f'<rect width="100%" height="100%" fill="{background}"/><defs>{defs}</defs>{body}</svg>'
    ).encode()


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- Design-tool exports ----------------------------------------------------------------------


def test_figma_drop_shadow(chromium: Chromium) -> None:
    svg = fixture("figma-drop-shadow.svg")
    same_as_chromium("figma-drop-shadow", svg, 600, 400, chromium)
    # Below the card (which ends at y=290) the shadow darkens the background.
    picture, plain = over_white(svgog_picture(svg, 600, 400)), over_white(svgog_picture(without_filters(svg), 600, 400))
    assert (plain[300, 300] == (241, 245, 249)).all()
    assert picture[300, 300].sum() < plain[300, 300].sum() - 60
    # Figma's shadow is knocked out under the shape ("out" with hardAlpha): the card stays white.
    assert (picture[190, 400] == (255, 255, 255)).all()


def test_figma_inner_shadow(chromium: Chromium) -> None:
    svg = fixture("figma-inner-shadow.svg")
    same_as_chromium("figma-inner-shadow", svg, 600, 400, chromium)
    picture = over_white(svgog_picture(svg, 600, 400))
    # Dark just inside the top edge, the plain fill in the middle, nothing outside.
    assert picture[104, 300].sum() < picture[200, 300].sum() - 150
    assert (picture[200, 300] == (0x81, 0x8C, 0xF8)).all()
    assert (picture[96, 300] == (0xE0, 0xE7, 0xFF)).all()


def test_figma_layer_blur(chromium: Chromium) -> None:
    same_as_chromium("figma-layer-blur", fixture("figma-layer-blur.svg"), 600, 400, chromium, strict=True)


def test_figma_two_stacked_shadows(chromium: Chromium) -> None:
    svg = fixture("figma-two-shadows.svg")
    same_as_chromium("figma-two-shadows", svg, 600, 400, chromium)
    picture = over_white(svgog_picture(svg, 600, 400))
    # The second shadow is orange and offset right and down: tinted background there.
    red, green, blue = picture[270, 440].astype(int)
    assert red > blue + 30


def test_inkscape_drop_shadow_in_millimetres(chromium: Chromium) -> None:
    """Inkscape 1.x: style="color-interpolation-filters:sRGB", a region in box fractions, a mm viewBox."""
    svg = fixture("inkscape-drop-shadow.svg")
    same_as_chromium("inkscape-drop-shadow", svg, 605, 378, chromium)


# --- Primitives -------------------------------------------------------------------------------


def test_fe_drop_shadow(chromium: Chromium) -> None:
    svg = document(
        '<rect x="100" y="80" width="200" height="120" rx="12" fill="#fde047" filter="url(#s)"/>',
        '<filter id="s"><feDropShadow dx="8" dy="10" stdDeviation="6" flood-color="#1e3a8a" flood-opacity="0.7"/>'
        "</filter>",
    )
    same_as_chromium("fe-drop-shadow", svg, 400, 300, chromium, strict=True)


SPACES = {
    # How the color space is given: (filter attributes, blur attributes).
    "linearRGB": ("", ""),
    "sRGB": ('color-interpolation-filters="sRGB"', ""),
    "sRGB-in-style": ('style="color-interpolation-filters:sRGB"', ""),  # as Inkscape writes it
    "linearRGB-on-the-primitive": ('color-interpolation-filters="sRGB"', 'color-interpolation-filters="linearRGB"'),
}


def blurred_red_and_green(space: str) -> bytes:
    on_filter, on_blur = SPACES[space]
    return document(
        '<g filter="url(#b)"><rect x="80" y="70" width="120" height="160" fill="#e11d48"/>'
        '<rect x="200" y="70" width="120" height="160" fill="#22c55e"/></g>',
        f'<filter id="b" {on_filter}><feGaussianBlur stdDeviation="9" {on_blur}/></filter>',
    )


@pytest.mark.parametrize("space", list(SPACES))
def test_gaussian_blur_in_both_color_spaces(space: str, chromium: Chromium) -> None:
    """linearRGB by default, sRGB from the filter (attribute or style), a primitive's own value first."""
    svg = blurred_red_and_green(space)
    same_as_chromium(f"blur-{space}", svg, 400, 300, chromium, strict=True)
    # Blurring in the other space would fail the color tolerance.
    other = "sRGB" if space.startswith("linearRGB") else "linearRGB"
    wrong, _ = difference(
        svgog_picture(blurred_red_and_green(other), 400, 300), chromium.render(svg, 400, 300), tolerance=COLOR_TOLERANCE
    )
    assert wrong > MAX_DIFFERING


def test_flood_colors(chromium: Chromium) -> None:
    """flood-color takes what SVG allows: names, #rgb, #rrggbbaa, rgb(), rgba(), hsl(), currentColor."""
    colors = [
        "rebeccapurple", "#f80", "#22c55e80", "rgb(14 165 233)", "rgba(225, 29, 72, 0.6)", "hsl(45deg 93% 47%)",
        "hsla(160, 84%, 39%, 0.5)", "currentColor", "transparent",
    ]  # fmt: skip
    body = "".join(
        f'<rect x="{10 + i * 42}" y="100" width="36" height="100" fill="#000" color="#be185d" filter="url(#f{i})"/>'
        for i in range(len(colors))
    )
    defs = "".join(
        f'<filter id="f{i}" x="0" y="0" width="1" height="1"><feFlood flood-color="{color}" flood-opacity="0.9"/>'
        "</filter>"
        for i, color in enumerate(colors)
    )
    same_as_chromium("flood-colors", document(body, defs), 400, 300, chromium, strict=True)


def test_color_spaces_give_different_pictures() -> None:
    """Red blurred into green: through dark olive in sRGB, through bright yellow-brown in linear light."""
    edge = {}
    for space in ("linearRGB", "sRGB"):
        svg = document(
            '<g filter="url(#b)"><rect x="0" y="0" width="200" height="300" fill="#ff0000"/>'
            '<rect x="200" y="0" width="200" height="300" fill="#00ff00"/></g>',
            f'<filter id="b" color-interpolation-filters="{space}"><feGaussianBlur stdDeviation="20"/></filter>',
        )
        edge[space] = svgog_picture(svg, 400, 300)[150, 200, :3].astype(int)
    assert edge["linearRGB"].sum() > edge["sRGB"].sum() + 80


def test_anisotropic_blur(chromium: Chromium) -> None:
    svg = document(
        '<rect x="120" y="100" width="160" height="100" fill="#0ea5e9" filter="url(#b)"/>',
        '<filter id="b" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="24 2"/></filter>',
    )
    same_as_chromium("blur-anisotropic", svg, 400, 300, chromium, strict=True)


@pytest.mark.parametrize(
    "kind", ['type="saturate" values="0.2"', 'type="hueRotate" values="135"', 'type="luminanceToAlpha"']
)
def test_color_matrix(kind: str, chromium: Chromium) -> None:
    svg = document(
        '<g filter="url(#m)"><rect x="40" y="60" width="100" height="180" fill="#e11d48"/>'
        '<rect x="150" y="60" width="100" height="180" fill="#2563eb"/>'
        '<rect x="260" y="60" width="100" height="180" fill="#84cc16"/></g>',
        f'<filter id="m"><feColorMatrix {kind}/></filter>',
    )
    same_as_chromium(f"color-matrix-{kind.split()[0][6:-1]}", svg, 400, 300, chromium, strict=True)


BLEND_MODES = [
    "normal", "multiply", "screen", "overlay", "darken", "lighten", "color-dodge", "color-burn", "hard-light",
    "soft-light", "difference", "exclusion", "hue", "saturation", "color", "luminosity",
]  # fmt: skip


def test_blend_modes(chromium: Chromium) -> None:
    body, defs = [], []
    for i, mode in enumerate(BLEND_MODES):
        x, y = 10 + (i % 4) * 97, 10 + (i // 4) * 72
        defs.append(
            f'<filter id="b{i}" x="0" y="0" width="1" height="1"><feFlood flood-color="#3b82f6" flood-opacity="0.8" '
            f'result="f"/><feBlend in="SourceGraphic" in2="f" mode="{mode}"/></filter>'
        )
        body.append(
            f'<g filter="url(#b{i})"><rect x="{x}" y="{y}" width="88" height="64" fill="#f97316"/>'
            f'<rect x="{x + 24}" y="{y + 16}" width="40" height="32" fill="#fef08a" fill-opacity="0.6"/></g>'
        )
    same_as_chromium("blend-modes", document("".join(body), "".join(defs), 400, 300), 400, 300, chromium, strict=True)


def test_merge_with_subregions(chromium: Chromium) -> None:
    svg = document(
        '<rect x="80" y="60" width="160" height="120" fill="#a855f7" filter="url(#m)"/>',
        '<filter id="m" x="-20%" y="-20%" width="170%" height="170%">'
        '<feOffset dx="60" dy="50" result="moved"/>'
        '<feFlood flood-color="#22d3ee" flood-opacity="0.6" x="70" y="50" width="120" height="80" result="box"/>'
        '<feGaussianBlur in="SourceGraphic" stdDeviation="4" y="100" height="200" result="half"/>'
        '<feMerge><feMergeNode in="moved"/><feMergeNode in="box"/><feMergeNode in="half"/></feMerge></filter>',
    )
    same_as_chromium("merge-subregions", svg, 400, 300, chromium, strict=True)


def test_background_and_paint_inputs_read_as_unknown_names(chromium: Chromium) -> None:
    """Chromium no longer knows BackgroundImage & co: the previous result, or the source when first."""
    svg = document(
        '<rect x="60" y="60" width="120" height="90" fill="#a855f7" filter="url(#first)"/>'
        '<rect x="230" y="60" width="120" height="90" fill="#0ea5e9" filter="url(#later)"/>',
        '<filter id="first" x="-50%" y="-50%" width="200%" height="200%"><feOffset in="FillPaint" dx="20" dy="40"/>'
        '</filter><filter id="later" x="-50%" y="-50%" width="200%" height="200%">'
        '<feOffset dx="-20" dy="50" result="moved"/><feColorMatrix type="hueRotate" values="90"/>'
        '<feMerge><feMergeNode in="BackgroundImage"/><feMergeNode in="SourceGraphic"/></feMerge></filter>',
    )
    same_as_chromium("unknown-inputs", svg, 400, 300, chromium, strict=True)


def test_composite_operators(chromium: Chromium) -> None:
    operators = ["over", "in", "out", "atop", "xor", 'arithmetic" k1="0.6" k2="0.5" k3="0.5" k4="0.05']
    body = "".join(
        f'<circle cx="{60 + i * 56}" cy="150" r="30" fill="#ef4444" filter="url(#c{i})"/>' for i in range(6)
    )
    defs = "".join(
        f'<filter id="c{i}" x="-50%" y="-50%" width="200%" height="200%"><feFlood flood-color="#22c55e" '
        f'x="{50 + i * 56}" y="110" width="40" height="40" result="g"/>'
        f'<feComposite in="SourceGraphic" in2="g" operator="{op}"/></filter>'
        for i, op in enumerate(operators)
    )
    same_as_chromium("composite-operators", document(body, defs), 400, 300, chromium, strict=True)


def test_component_transfer_and_morphology(chromium: Chromium) -> None:
    svg = document(
        '<g filter="url(#t)"><rect x="30" y="40" width="100" height="100" fill="#e11d48"/>'
        '<rect x="140" y="40" width="100" height="100" fill="#2563eb" fill-opacity="0.5"/></g>'
        '<path d="M40 180 h120 v12 h-120 z M200 170 l60 90 l60 -90 z" fill="#0f766e" filter="url(#d)"/>'
        '<rect x="260" y="30" width="110" height="110" fill="#7c3aed" filter="url(#e)"/>',
        '<filter id="t"><feComponentTransfer><feFuncR type="table" tableValues="1 0.2 0.5"/>'
        '<feFuncG type="discrete" tableValues="0 0.5 1"/><feFuncB type="gamma" amplitude="2" exponent="0.5" '
        'offset="0.1"/><feFuncA type="linear" slope="0.8" intercept="0.1"/></feComponentTransfer></filter>'
        '<filter id="d" x="-20%" y="-20%" width="140%" height="140%">'
        '<feMorphology operator="dilate" radius="6 3"/></filter>'
        '<filter id="e"><feMorphology operator="erode" radius="20"/></filter>',
    )
    same_as_chromium("transfer-morphology", svg, 400, 300, chromium, strict=True)


def test_negative_deviation_passes_the_input_through(chromium: Chromium) -> None:
    svg = document(
        '<rect x="100" y="80" width="200" height="120" fill="#e11d48" filter="url(#n)"/>',
        '<filter id="n"><feGaussianBlur stdDeviation="-4"/><feOffset dx="30" dy="20"/></filter>',
    )
    same_as_chromium("negative-deviation", svg, 400, 300, chromium)


def test_feoffset_moves_once() -> None:
    """CairoSVG's own feOffset handling (a translation) must not add to svgog's."""
    svg = document(
        '<rect x="100" y="100" width="50" height="50" fill="#000" filter="url(#o)"/>',
        '<filter id="o" x="0" y="0" width="3" height="3"><feOffset dx="50" dy="0"/></filter>',
        background="#fff",
    )
    picture = svgog_picture(svg, 400, 300)
    assert picture[125, 175, 0] < 10  # moved by 50
    assert picture[125, 225, 0] > 245  # not by 100
    assert picture[125, 125, 0] > 245


def test_empty_filter_hides_the_element(chromium: Chromium) -> None:
    svg = document(
        '<rect x="100" y="80" width="200" height="120" fill="#e11d48" filter="url(#e)"/>', '<filter id="e"/>'
    )
    same_as_chromium("empty-filter", svg, 400, 300, chromium)


# --- Units, regions, transforms ---------------------------------------------------------------


def test_object_bounding_box_and_user_space_units(chromium: Chromium) -> None:
    svg = document(
        '<rect x="60" y="60" width="120" height="90" fill="#0ea5e9" filter="url(#bbox)"/>'
        '<rect x="230" y="150" width="120" height="90" fill="#f43f5e" filter="url(#user)"/>',
        # Fractions of the box everywhere; a region that cuts the shadow on the right.
        '<filter id="bbox" primitiveUnits="objectBoundingBox" x="-0.1" y="-0.2" width="1.25" height="1.6">'
        '<feOffset dx="0.15" dy="0.2" result="o"/><feGaussianBlur stdDeviation="0.03 0.05"/>'
        '<feFlood flood-color="#f59e0b" x="0.5" y="0.5" width="0.3" height="0.3" result="f"/>'
        '<feMerge><feMergeNode in="o"/><feMergeNode in="f"/><feMergeNode in="SourceGraphic"/></feMerge></filter>'
        # User units, Figma-style, with a region that cuts the blur.
        '<filter id="user" filterUnits="userSpaceOnUse" x="200" y="140" width="190" height="120">'
        '<feGaussianBlur stdDeviation="10"/></filter>',
    )
    same_as_chromium("units", svg, 400, 300, chromium)


def test_scaled_viewbox_scales_deviations_and_offsets(chromium: Chromium) -> None:
    # Drawn at 1.5x: the Figma filter's user-space region, offset and blur all scale.
    svg = fixture("figma-drop-shadow.svg").replace(b'width="600" height="400"', b'width="900" height="600"', 1)
    same_as_chromium("figma-drop-shadow-1.5x", svg, 900, 600, chromium)


def test_transformed_elements(chromium: Chromium) -> None:
    """Rotation: offsets turn with the element; a scaled group scales its blur."""
    svg = document(
        '<g transform="rotate(35 120 150)">'
        '<rect x="60" y="110" width="120" height="80" fill="#8b5cf6" filter="url(#s)"/></g>'
        '<g transform="translate(250 60) scale(2 1.2)"><rect x="0" y="40" width="50" height="80" fill="#f97316" '
        'filter="url(#s)"/></g>',
        '<filter id="s"><feDropShadow dx="14" dy="0" stdDeviation="3" flood-opacity="0.8"/></filter>',
    )
    same_as_chromium("transformed", svg, 400, 300, chromium)


def test_filter_on_use(chromium: Chromium) -> None:
    star = "M60 10 L75 50 L115 50 L82 75 L95 115 L60 90 L25 115 L38 75 L5 50 L45 50 Z"
    svg = document(
        '<use href="#star" x="40" y="40" filter="url(#s)"/><use xlink:href="#star" x="220" y="100" filter="url(#b)"/>',
        f'<path id="star" d="{star}" fill="#ea580c"/>'
        '<filter id="s"><feDropShadow dx="10" dy="10" stdDeviation="5" flood-color="#1d4ed8"/></filter>'
        '<filter id="b"><feGaussianBlur stdDeviation="5"/></filter>',
    )
    same_as_chromium("use", svg, 400, 300, chromium)


def test_nested_filters(chromium: Chromium) -> None:
    svg = document(
        '<g filter="url(#b)"><rect x="50" y="50" width="180" height="120" fill="#0ea5e9"/>'
        '<rect x="170" y="120" width="150" height="120" fill="#facc15" filter="url(#s)"/></g>',
        '<filter id="s"><feDropShadow dx="12" dy="12" stdDeviation="6"/></filter>'
        '<filter id="b" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="3"/></filter>',
    )
    same_as_chromium("nested", svg, 400, 300, chromium)


def test_opacity_applies_to_the_filtered_result(chromium: Chromium) -> None:
    # (Chromium cuts a nested filter's result at odd bounds inside a group that has both
    # opacity and a filter; svgog does not copy that, so this test keeps them apart.)
    svg = document(
        '<g filter="url(#s)" opacity="0.5"><rect x="60" y="60" width="150" height="100" fill="#0ea5e9"/>'
        '<rect x="120" y="120" width="120" height="100" fill="#facc15"/></g>',
        '<filter id="s"><feDropShadow dx="10" dy="10" stdDeviation="5" flood-opacity="1"/></filter>',
    )
    same_as_chromium("opacity", svg, 400, 300, chromium)
    # The group is filtered whole, then made half transparent: where the yellow square covers
    # the blue one, only yellow shows (half over the background), no blue through it.
    picture = over_white(svgog_picture(svg, 400, 300)).astype(int)
    assert np.abs(picture[140, 180] - (249, 227, 136)).max() <= 3


def test_element_partly_off_canvas(chromium: Chromium) -> None:
    """A blur reaches into the picture from what lies outside it."""
    svg = document(
        '<rect x="-120" y="-60" width="300" height="200" fill="#0ea5e9" filter="url(#b)"/>',
        '<filter id="b"><feGaussianBlur stdDeviation="25"/></filter>',
    )
    same_as_chromium("off-canvas", svg, 400, 300, chromium)


# --- Templates: text, scale, static layers ------------------------------------------------------


@pytest.fixture(scope="module")
def templates() -> svgog.Renderer:
    return svgog.Renderer(templates=FIXTURES)


def template_as_chromium_sees_it(name: str, scale: float = 1) -> bytes:
    """The template file itself (its sample text), at ``scale`` times its size."""
    root = etree.fromstring(fixture(f"{name}.svg"))
    root.set("width", str(round(1200 * scale)))
    root.set("height", str(round(630 * scale)))
    return etree.tostring(root)


@pytest.mark.parametrize("scale", [1, 2])
def test_filter_on_template_text(scale: int, templates: svgog.Renderer, chromium: Chromium, tmp_path: Path) -> None:
    """A ``<text>`` with a filter becomes a filtered group of glyphs."""
    fields = {"title": "Shadows survive", "tag": "glowing tags"}
    result = templates.render("text-shadow", fields, scale=scale)
    assert (result.width, result.height) == (1200 * scale, 630 * scale)
    svg = templates.render_svg("text-shadow", fields)
    assert re.search(r'<g[^>]*id="title"[^>]*filter="url\(#text-shadow\)"', svg), "the text's group keeps its filter"
    browser = chromium.render(template_as_chromium_sees_it("text-shadow", scale), result.width, result.height)
    fraction = compared(f"template-text-{scale}x", pixels(result.data), browser)
    # Without the filters the picture differs (the shadow and the glow are gone).
    (tmp_path / "text-shadow.svg").write_bytes(without_filters(fixture("text-shadow.svg")))
    plain = svgog.Renderer(templates=tmp_path).render("text-shadow", fields, scale=scale)
    unfiltered, _ = difference(pixels(plain.data), browser)
    assert unfiltered > MAX_DIFFERING
    print(f"template-text-{scale}x: {fraction:.3%} differ from Chromium (without filters: {unfiltered:.2%})")


def test_filters_in_the_static_layer(templates: svgog.Renderer, chromium: Chromium, tmp_path: Path) -> None:
    template = templates.template("static-glow")
    _, _, layer = template.fill_layers({"title": "Drawn once, reused"}, {})
    assert layer is not None, "the filtered background is a static layer"
    first = templates.render("static-glow", title="Drawn once, reused")
    again = templates.render("static-glow", title="Drawn once, reused")  # over the cached layer
    assert again.data == first.data
    browser = chromium.render(FIXTURES / "static-glow.svg", 1200, 630)
    fraction = compared("static-layer", pixels(first.data), browser)
    # The blurred glow reaches beyond its circle (into the corner, 250 px from its centre,
    # radius 190), and its centre is no longer the flat violet fill.
    picture = over_white(pixels(first.data)).astype(int)
    assert picture[20, 1180, 2] > 0x20 + 10
    (tmp_path / "static-glow.svg").write_bytes(without_filters(fixture("static-glow.svg")))
    plain = svgog.Renderer(templates=tmp_path).render("static-glow", title="Drawn once, reused")
    unfiltered, _ = difference(pixels(plain.data), browser)
    assert unfiltered > MAX_DIFFERING
    print(f"static-layer: {fraction:.3%} differ from Chromium (without filters: {unfiltered:.2%})")


# --- Limits --------------------------------------------------------------------------------------


def test_huge_deviation(chromium: Chromium) -> None:
    """A 20,000 px deviation blurs as Chromium's largest (266 px): linear time, bounded memory."""
    svg = document(
        '<rect x="0" y="120" width="1200" height="510" fill="#2563eb" filter="url(#h)"/>',
        '<filter id="h" filterUnits="userSpaceOnUse" x="0" y="0" width="1200" height="630">'
        '<feGaussianBlur stdDeviation="20000"/></filter>',
        1200,
        630,
        background="#ffffff",
    )
    same_as_chromium("huge-deviation", svg, 1200, 630, chromium)
    # Not blurred to nothing, not left sharp: a soft, even wash.
    picture = over_white(svgog_picture(svg, 1200, 630))
    assert 60 < 255 - int(picture[400, 600, 0]) < 200
    assert abs(int(picture[125, 600, 0]) - int(picture[115, 600, 0])) < 5


def test_full_canvas_filter(chromium: Chromium) -> None:
    svg = document(
        '<g filter="url(#f)"><rect width="1200" height="630" fill="url(#g)"/>'
        '<circle cx="300" cy="300" r="200" fill="#fde047"/><circle cx="900" cy="200" r="150" fill="#22d3ee"/></g>'
        '<rect x="200" y="150" width="800" height="330" rx="24" fill="#fff" filter="url(#d)"/>',
        '<linearGradient id="g"><stop offset="0" stop-color="#f43f5e"/><stop offset="1" stop-color="#6366f1"/>'
        '</linearGradient><filter id="f"><feGaussianBlur stdDeviation="30"/><feColorMatrix type="saturate" '
        'values="1.4"/></filter><filter id="d"><feDropShadow dx="0" dy="12" stdDeviation="16" flood-opacity="0.35"/>'
        "</filter>",
        1200,
        630,
    )
    same_as_chromium("full-canvas", svg, 1200, 630, chromium)


def test_blur_matches_three_box_passes() -> None:
    """The running-sum blur equals the spec's three box blurs done one by one (odd and even boxes)."""
    rng = np.random.default_rng(7)
    line = (rng.random(60) * (rng.random(60) > 0.4)).astype(np.float32)
    for sigma in (2.0, 3.2, 6.0, 40.0):
        d = int(sigma * 3 * np.sqrt(2 * np.pi) / 4 + 0.5)
        half = d // 2
        boxes = [(half, half)] * 3 if d % 2 else [(half, half - 1), (half - 1, half), (half, half)]
        pad = 4 * d
        expected = np.concatenate([np.zeros(pad), line, np.zeros(pad)])
        for before, after in boxes:
            size = before + after + 1
            windows = [expected[max(0, i - before) : i + after + 1] for i in range(len(expected))]
            expected = np.array([window.sum() / size for window in windows])
        source = np.zeros((1, 60, 4), np.float32)
        source[0, :, 3] = line
        spec = filters.FilterSpec("b", {"filterUnits": "userSpaceOnUse", "x": "-1000", "y": "-1000",
                                        "width": "3000", "height": "3000"},
                                  (filters.Primitive("feGaussianBlur", {"stdDeviation": f"{sigma} 0"}),))  # fmt: skip
        placement = filters.Placement((1, 0, 0, 1, 0, 0), None, (60, 1), (0, 0, 60, 1))
        result = filters.apply(spec, placement, (0, 0, 60, 1), source)
        assert np.abs(result[0, :, 3] - expected[pad : pad + 60]).max() < 1e-5


# --- Reporting ------------------------------------------------------------------------------------


UNSUPPORTED = b"""<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">
  <defs>
    <filter id="noise">
      <feOffset dx="40"/><feTurbulence baseFrequency="0.05"/><feComposite in2="SourceGraphic" operator="in"/>
    </filter>
    <filter id="shadow"><feDropShadow dx="4" dy="4" stdDeviation="3"/></filter>
    <linearGradient id="paint"/>
  </defs>
  <rect width="400" height="300" fill="#ffffff"/>
  <rect id="noisy" x="20" y="20" width="100" height="100" fill="#e11d48" filter="url(#noise)"/>
  <rect id="lifted" x="150" y="20" width="100" height="100" fill="#2563eb" filter="url(#shadow)"/>
  <rect id="lost" x="20" y="150" width="100" height="100" fill="#16a34a" filter="url(#missing)"/>
  <rect id="css" x="150" y="150" width="100" height="100" fill="#f59e0b" style="filter: blur(4px)"/>
  <rect x="280" y="150" width="100" height="100" fill="#7c3aed" filter="url(#paint)"/>
  <foreignObject x="280" y="20" width="100" height="100">
    <div xmlns="http://www.w3.org/1999/xhtml" style="backdrop-filter:blur(4px);height:100%;width:100%"></div>
  </foreignObject>
</svg>"""


def test_unsupported_filters_are_listed() -> None:
    found = filters.unsupported_filters(etree.fromstring(UNSUPPORTED))
    by_element = {problem.element: problem for problem in found}
    assert set(by_element) == {"rect#noisy", "rect#lost", "rect#css", "rect", "div"}
    assert by_element["div"].feature == "backdrop-filter"  # Figma's background blur
    noisy = by_element["rect#noisy"]
    line = next(n for n, text in enumerate(UNSUPPORTED.decode().splitlines(), 1) if 'id="noisy"' in text)
    assert (noisy.line, noisy.filter_id, noisy.feature) == (line, "noise", "feTurbulence")
    assert "feTurbulence" in str(noisy) and f"line {line}" in str(noisy)
    assert by_element["rect#lost"].feature == "url(#missing)"
    assert by_element["rect#css"].feature == "blur(4px)"
    assert "not a <filter>" in by_element["rect"].message
    assert "rect#lifted" not in by_element, "a filter svgog draws is not reported"


def test_unsupported_filters_draw_the_element_unfiltered() -> None:
    drawn = over_white(svgog_picture(UNSUPPORTED, 400, 300))
    plain = over_white(svgog_picture(without_filters(UNSUPPORTED), 400, 300))
    # Everything but the shadowed square is exactly as without filters (no CairoSVG offset either).
    mask = np.ones(drawn.shape[:2], bool)
    mask[10:140, 140:270] = False
    assert (drawn[mask] == plain[mask]).all()
    assert (drawn[70, 70] == (0xE1, 0x1D, 0x48)).all()
    assert not (drawn[10:140, 140:270] == plain[10:140, 140:270]).all()


def test_bundled_templates_have_no_unsupported_filters() -> None:
    for path in sorted((ROOT / "templates_svg").glob("*.svg")):
        assert filters.unsupported_filters(etree.parse(str(path)).getroot()) == [], path.name
