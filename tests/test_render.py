"""Rendering the bundled template for real, through CairoSVG."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from helpers import (
    FORTY_WORDS,
    PNG_MAGIC,
    compare_golden,
    pixels,
    png_size,
    save_output,
)
from lxml import etree

import svgog
from svgog import InvalidValue, Renderer, TemplateNotFound, UnknownField
from svgog.resources import bundled_templates_dir
from svgog.text.runs import Measurer

SVG = "{http://www.w3.org/2000/svg}"
GOLDEN_FIELDS = {
    "title": "Golden images keep every pixel honest",
    "author": "Jane Doe",
    "date": "November 25, 2026",
    "site": "The Svgog Blog",
    "domain": "example.com",
}


def test_png_is_1200_by_630(renderer: Renderer) -> None:
    data = renderer.render_png("blog", title="Hello world")
    assert data[:8] == PNG_MAGIC
    assert png_size(data) == (1200, 630)
    assert pixels(data).shape == (630, 1200, 4)


def test_module_level_api_uses_the_bundled_template() -> None:
    data = svgog.render_png("blog", title="Hello")
    assert png_size(data) == (1200, 630)
    assert "<path" in svgog.render_svg("blog", title="Hello")


def test_fields_can_be_given_as_a_mapping(renderer: Renderer) -> None:
    by_keyword = renderer.render_svg("blog", title="Same")
    assert renderer.render_svg("blog", {"title": "Same"}) == by_keyword


def test_filled_svg_draws_text_as_paths(renderer: Renderer) -> None:
    svg = renderer.render_svg("blog", title="Kerning AV", author="Ana")
    root = etree.fromstring(svg.encode())
    assert not list(root.iter(f"{SVG}text")), "no <text> may reach CairoSVG"
    title = root.find(f".//{SVG}g[@id='title']")
    assert title is not None and title.get("fill") == "#ffffff"
    paths = title.findall(f"{SVG}path")
    assert len(paths) == 1  # one path per line
    assert paths[0].get("transform", "").startswith("matrix(")


def test_long_title_shrinks_to_the_minimum_then_truncates(renderer: Renderer) -> None:
    slot = next(s for s in renderer.template("blog").text_slots if s.field == "title")
    result = renderer.render("blog", title=FORTY_WORDS)
    title = next(r for r in result.reports if r.field == "title")
    assert title.font == "Inter Bold" and title.shrunk
    assert title.size == slot.spec.min_size  # shrunk as far as allowed, then truncated
    assert title.truncated
    assert title.lines[-1].endswith("\u2026")
    assert len(title.lines) >= 3
    words = FORTY_WORDS.split()
    kept = " ".join(title.lines).rstrip("\u2026").split()
    assert kept == words[: len(kept)], "lines keep whole words in order"


def test_medium_title_fits_at_full_size(renderer: Renderer) -> None:
    result = renderer.render("blog", format="svg", title="How to Generate OG Images Dynamically with an API in 2026")
    title = next(r for r in result.reports if r.field == "title")
    assert title.size == 64 and not title.truncated and not title.shrunk


def test_title_ink_stays_inside_its_box(renderer: Renderer) -> None:
    slot = next(s for s in renderer.template("blog").text_slots if s.field == "title")
    left, top, right, bottom = slot.bounds()  # type: ignore[misc]
    long = renderer.render_png("blog", title=FORTY_WORDS)
    empty = renderer.render_png("blog", title="")
    save_output("blog-forty-words.png", long)
    changed = np.any(pixels(long) != pixels(empty), axis=2)
    ys, xs = np.nonzero(changed)
    assert len(xs) > 20000, "the title should have drawn plenty of ink"
    # Anti-aliasing may touch the pixel around the box edge, never further.
    assert xs.min() >= left - 1 and xs.max() <= right + 1
    assert ys.min() >= top - 1 and ys.max() <= bottom + 1
    # The box is used: ink reaches its lower part.
    assert ys.max() > top + 0.75 * (bottom - top)


def test_golden_image(renderer: Renderer) -> None:
    data = renderer.render_png("blog", GOLDEN_FIELDS)
    save_output("blog-golden.png", data)
    compare_golden("blog", data)


def test_golden_comparison_notices_a_different_title(renderer: Renderer) -> None:
    data = renderer.render_png("blog", {**GOLDEN_FIELDS, "title": "A different title entirely"})
    with pytest.raises(AssertionError, match="RMS difference"):
        compare_golden("blog", data)


def test_unset_declared_fields_are_empty_samples_are_for_previews(renderer: Renderer, tmp_path: Path) -> None:
    template = renderer.template("blog")
    assert template.fields["author"].sample == "Jane Doe" and template.fields["author"].default is None
    result = renderer.render("blog", title="A post with no author")
    author = next(r for r in result.reports if r.field == "author")
    assert author.lines == ()  # not the sample "Jane Doe"
    # A declared default is drawn; a text layer the metadata does not declare keeps its own text.
    (tmp_path / "card.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="400" height="200">'
        '<metadata><og:template><og:field name="a" default="Default A" sample="Sample A"/>'
        '<og:field name="b" sample="Sample B"/></og:template></metadata>'
        '<text id="a" x="10" y="40">Own A</text><text id="b" x="10" y="80">Own B</text>'
        '<text id="brand" x="10" y="120">Acme</text><rect id="r" og:if="b" width="5" height="5"/></svg>'
    )
    own = Renderer(templates=tmp_path)
    lines = {r.field: r.lines for r in own.render("card").reports}
    assert lines == {"a": ("Default A",), "b": (), "brand": ("Acme",)}
    assert "<rect" not in own.render_svg("card")  # og:if sees the unset declared field as empty
    assert "<rect" in own.render_svg("card", b="Given")


def test_empty_value_draws_nothing(renderer: Renderer) -> None:
    svg = renderer.render_svg("blog", author="")
    group = etree.fromstring(svg.encode()).find(f".//{SVG}g[@id='author']")
    assert group is not None and len(group) == 0


def test_end_anchored_text_ends_at_x(renderer: Renderer) -> None:
    slot = next(s for s in renderer.template("blog").text_slots if s.field == "domain")
    assert slot.spec.anchor == "end"
    width = Measurer(slot.chain).at(slot.spec.size)("HIH")
    short = pixels(renderer.render_png("blog", domain="HIH"))
    blank = pixels(renderer.render_png("blog", domain=""))
    xs = np.nonzero(np.any(short != blank, axis=2))[1]
    # H's side bearings are a pixel or two at 24 px.
    assert slot.spec.x - width <= xs.min() <= slot.spec.x - width + 4
    assert slot.spec.x - 4 <= xs.max() <= slot.spec.x


def test_same_input_gives_identical_bytes(renderer: Renderer) -> None:
    assert renderer.render_png("blog", title="Stable") == renderer.render_png("blog", title="Stable")


def test_unknown_template(renderer: Renderer) -> None:
    with pytest.raises(TemplateNotFound, match="nope"):
        renderer.render_png("nope")
    with pytest.raises(TemplateNotFound):
        renderer.render_png("../templates_svg/blog")


def test_unknown_field_names_template_and_field(renderer: Renderer) -> None:
    with pytest.raises(UnknownField) as info:
        renderer.render_png("blog", subtitle="x")
    assert info.value.template == "blog"
    assert "subtitle" in str(info.value) and "title" in str(info.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 1001, "limit is 1000"),
        ("nul\x00byte", "U+0000"),
        ("bell\x07", "U+0007"),
        ("lone \ud800 surrogate", "U+D800"),
        ("\ufffe", "U+FFFE"),
        (b"bytes", "expected text"),
        (None, "expected text"),
        (True, "expected text"),
    ],
)
def test_unusable_values_raise_invalid_value(renderer: Renderer, value: object, message: str) -> None:
    with pytest.raises(InvalidValue, match=re.escape(message)) as info:
        renderer.render_png("blog", title=value)
    assert info.value.field == "title" and info.value.template == "blog"
    assert isinstance(info.value, svgog.SvgogError)


def test_numbers_are_accepted_as_text(renderer: Renderer) -> None:
    result = renderer.render("blog", format="svg", date=2026)
    assert next(r for r in result.reports if r.field == "date").lines == ("2026",)


def test_max_length_is_configurable() -> None:
    short = Renderer(max_length=5)
    with pytest.raises(InvalidValue, match="limit is 5"):
        short.render_png("blog", title="too long")


def test_missing_characters_are_reported_not_drawn_as_boxes(renderer: Renderer) -> None:
    result = renderer.render("blog", format="svg", title="Tofu \U0010fffd here")  # private use: no font has it
    title = next(r for r in result.reports if r.field == "title")
    assert title.missing == ("\U0010fffd",)


def test_png_encoder_keeps_every_pixel(renderer: Renderer) -> None:
    """svgog's PNG encoder gives the pixels Pillow reads from cairo's surface, opaque or not."""
    import cairocffi
    from PIL import Image

    from svgog import pngwriter, raster

    job = renderer.prepare("blog", {"title": "Encoders agree"})
    svg, _ = job.template.fill(job.values, {}, raster=True)
    opaque = raster.draw(svg, width=1200, height=630)
    translucent = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 64, 16)
    context = cairocffi.Context(translucent)
    for i in range(64):
        context.set_source_rgba(i / 64, 0.3, 0.8, i / 63)
        context.rectangle(i, 0, 1, 16)
        context.fill()
    translucent.flush()
    for surface, expect_opaque in ((opaque, True), (translucent, False)):
        data = bytes(surface.get_data())
        args = (data, surface.get_width(), surface.get_height(), surface.get_stride())
        assert pngwriter.is_opaque(*args) is expect_opaque
        png = raster.encode_png(surface)
        decoded = pixels(png)
        assert decoded.shape == (surface.get_height(), surface.get_width(), 4)
        # Pillow's own reading of cairo's premultiplied pixels is the reference.
        mode = "BGRX" if expect_opaque else "BGRa"
        reference = Image.frombuffer("RGBA" if not expect_opaque else "RGB", (args[1], args[2]), data, "raw", mode, args[3], 1)
        assert np.array_equal(decoded, np.asarray(reference.convert("RGBA")))


@pytest.mark.parametrize("name", ["blog", "quote", "release"])
def test_fast_glyph_drawing_matches_path_drawing(name: str) -> None:
    """Glyphs drawn from cached cairo paths give the picture CairoSVG draws from path data."""
    from helpers import rms_difference

    from svgog import raster

    renderer = Renderer(templates=["bench", str(Path(__file__).resolve().parents[1] / "templates_svg")])
    for template_name in ("card_a", name):
        samples = {f: s.sample for f, s in renderer.template(template_name).fields.items() if s.sample}
        job = renderer.prepare(template_name, samples)
        fast_svg, _ = job.template.fill(job.values, {}, raster=True)
        path_svg, _ = job.template.fill(job.values, {}, raster=False)
        assert b"glyphs" in fast_svg and b"glyphs" not in path_svg
        size = {"width": job.template.width, "height": job.template.height}
        base = job.template.path.parent if job.template.path else None
        fast = pixels(raster.svg_to_png(fast_svg, base_dir=base, **size))
        slow = pixels(raster.svg_to_png(path_svg, base_dir=base, **size))
        assert rms_difference(fast, slow) < 0.5


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_static_layers_give_the_same_pictures(theme: str) -> None:
    """Drawing over a cached static layer equals drawing the whole document, for every template."""
    from helpers import rms_difference

    from svgog import raster

    renderer = Renderer()
    for name in renderer.names():
        template = renderer.template(name)
        samples = {f: s.sample for f, s in template.fields.items() if s.sample}
        job = renderer.prepare(name, {**samples, "theme": theme})
        for _ in range(2):  # the second render uses the cached layer
            layered = pixels(job.run().data)
        whole_svg, _ = template.fill(job.values, {}, raster=False)
        whole = pixels(raster.svg_to_png(whole_svg, width=template.width, height=template.height, base_dir=template.path.parent))
        assert rms_difference(layered, whole) < 0.5, name


def test_reports_of_decorative_text_name_their_element_by_line(renderer: Renderer) -> None:
    """A text no field fills is reported with ``field=None`` and named by its id or its line."""
    source = {name: (bundled_templates_dir() / f"{name}.svg").read_text().splitlines() for name in ("event", "quote")}
    for name, drawn, fields in (("event", "SPEAKER", {"title": "T"}), ("quote", "\u201c", {"quote": "Q", "name": "N"})):
        report = next(r for r in renderer.render(name, fields).reports if r.field is None and drawn in "".join(r.lines))
        assert report.element is None and report.line is not None
        assert drawn in source[name][report.line - 1]  # where the element's start tag ends
        assert report.label == f"text on line {report.line}"
    title = next(r for r in renderer.render("event", title="T").reports if r.field == "title")
    assert title.label == "field 'title'" and title.line is not None
