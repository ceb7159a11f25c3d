"""Every speed-up draws the picture the straightforward pipeline draws.

The straightforward pipeline is the filled template as a standard SVG file
(text as ``<path>`` outlines, emoji as their SVG shapes) drawn whole by
CairoSVG. A render takes shortcuts: the static layer drawn once and kept,
static pieces from cached pixels, glyphs from the glyph cache's coverage
masks at quantized subpixel positions, emoji replayed from recorded
pictures, dynamic content drawn with cairo without CairoSVG, and the PNG's
unchanged rows taken from the static layer's compressed rows.

Tolerance: at most 0.3% of the pixels may differ by more than 8 levels (of
255) in a channel — a glyph placed 1/32 px away from its exact position
changes an edge pixel by up to ~20 levels, glyphs that overlap (joined Arabic
letters) are composited one over the other rather than filled as one shape,
and a card full of text has tens of thousands of edge pixels; measured: 0.13%
at worst, a card of 40 joined Arabic words — and 0.5% for titles with emoji
(cairo replays a recorded emoji through an intermediate image, which moves
its edges by a fraction of a pixel; measured: 0.28% at worst). A lost line
break changes about 1% of a card, a wrong title colour about 3%.
Side-by-side images of failures are saved in ``tests/output``.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
from corpus import SCRIPTS
from helpers import OUTPUT, ROOT, pixels
from PIL import Image

import svgog
from svgog import direct, raster
from svgog.text.segment import is_emoji

DESIGN_TOOLS = ROOT / "tests" / "design_tools"
TEST_FONTS = ROOT / "tests" / "fonts"
LEVELS = 8
SHARE = 0.003
EMOJI_SHARE = 0.005

_renderers: dict[tuple[str, ...], svgog.Renderer] = {}


def _renderer(*templates: Path) -> svgog.Renderer:
    key = tuple(str(t) for t in templates)
    if key not in _renderers:
        _renderers[key] = svgog.Renderer(templates=list(templates) or None, fonts=[TEST_FONTS] if templates else None)
    return _renderers[key]


def _compare(renderer: svgog.Renderer, name: str, fields: dict[str, str], label: str) -> str:
    """Render both ways and compare; returns how the render drew the dynamic part."""
    job = renderer.prepare(name, fields)
    template = job.template
    uris = {f: renderer.images.resolve(v, template=name, field=f) for f, v in job.images.items()}
    document, _, layer = template.fill_layers(job.values, uris)
    path = "whole" if layer is None else "direct" if direct.plan(document, template.width, template.height) else "cairosvg"
    fast = pixels(job.run().data).astype(int)
    svg, _ = template.fill(job.values, uris, raster=False)
    base_dir = template.path.parent if template.path is not None else None
    slow = pixels(raster.svg_to_png(svg, width=template.width, height=template.height, base_dir=base_dir)).astype(int)
    differs = np.abs(fast - slow).max(axis=2) > LEVELS
    allowed = EMOJI_SHARE if any(is_emoji(c) for c in "".join(fields.values())) else SHARE
    if differs.mean() > allowed:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        side = np.concatenate([fast, slow], axis=1).astype(np.uint8)
        target = OUTPUT / f"fast-{label}.png"
        Image.fromarray(side).save(target)
        raise AssertionError(f"{label}: {differs.mean():.3%} of pixels differ by more than {LEVELS} levels; see {target}")
    return path


def _samples(template: svgog.Template) -> dict[str, str]:
    return {name: field.sample for name, field in template.fields.items() if field.sample}


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_bundled_templates(theme: str) -> None:
    renderer = _renderer()
    paths = {}
    for name in renderer.names():
        paths[name] = _compare(renderer, name, {**_samples(renderer.template(name)), "theme": theme}, f"{name}-{theme}")
    # The shortcut is taken: texts of the bundled templates are drawn without CairoSVG.
    assert sum(path == "direct" for path in paths.values()) >= 8, paths


def test_card_a_and_every_corpus_title() -> None:
    """The benchmark card, and each title of the text corpus in a bundled template (all of them in turn)."""
    assert _compare(_renderer(ROOT / "bench"), "card_a", {"title": "How to Generate OG Images"}, "card_a") == "direct"
    renderer = _renderer()
    names = [n for n in renderer.names() if "title" in renderer.template(n).fields]
    titles = [title for script in SCRIPTS.values() for title in script]
    for index, title in enumerate(titles):
        name = names[index % len(names)]
        fields = {**_samples(renderer.template(name)), "title": title}
        _compare(renderer, name, fields, f"corpus-{name}-{zlib.crc32(title.encode()):08x}")


def test_design_tool_corpus() -> None:
    files = [p for p in sorted(DESIGN_TOOLS.rglob("*.svg")) if "sources" not in p.parts]
    assert len(files) >= 30
    for path in files:
        renderer = _renderer(path.parent)
        label = "design-" + path.relative_to(DESIGN_TOOLS).as_posix().removesuffix(".svg").replace("/", "-")
        _compare(renderer, path.stem, _samples(renderer.template(path.stem)), label)


_HASHES = """
import hashlib, sys
import svgog
renderer = svgog.Renderer(templates=[sys.argv[1], sys.argv[2]])
for name, title in (("card_a", "How to Generate OG Images"), ("blog", "Hello world"), ("card_a", "x")):
    for format in ("png", "jpg"):
        print(hashlib.sha256(renderer.render(name, title=title, format=format).data).hexdigest())
"""


def test_a_card_is_the_same_bytes_whatever_was_rendered_before() -> None:
    """A fresh process and one that has drawn other cards (other glyphs, emoji, CJK) give the same bytes."""
    import hashlib
    import subprocess
    import sys

    templates = [str(ROOT / "bench"), str(ROOT / "templates_svg")]
    fresh = subprocess.run([sys.executable, "-c", _HASHES, *templates], capture_output=True, text=True, check=True)
    renderer = svgog.Renderer(templates=templates)
    for index, title in enumerate(("Ünïcødé ☃ 🚀 and more", "日本語のタイトル", "A much longer title " * 6)):
        renderer.render_png("card_a", title=f"{title} {index}")
        renderer.render("blog", title=title, format="jpg")
    here = [
        hashlib.sha256(renderer.render(name, title=title, format=format).data).hexdigest()
        for name, title in (("card_a", "How to Generate OG Images"), ("blog", "Hello world"), ("card_a", "x"))
        for format in ("png", "jpg")
    ]
    assert here == fresh.stdout.split()


def test_renderers_with_other_fonts_do_not_share_static_texts(tmp_path: Path) -> None:
    """A text no field fills is part of the cached static layer: drawn with each renderer's own fonts."""
    (tmp_path / "brand.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200">'
        '<rect width="600" height="200" fill="#123"/>'
        '<text x="20" y="80" font-family="Play" font-size="48" fill="#fff">Brand mark</text>'
        '<text id="title" x="20" y="160" font-family="Inter" font-size="40" fill="#fff">Title</text></svg>'
    )
    with_play = svgog.Renderer(templates=[tmp_path], fonts=[TEST_FONTS])
    without = svgog.Renderer(templates=[tmp_path])
    first = _compare(with_play, "brand", {"title": "Same title"}, "brand-play")
    second = _compare(without, "brand", {"title": "Same title"}, "brand-inter")
    assert first == second == "direct"
    assert with_play.render_png("brand", title="Same title") != without.render_png("brand", title="Same title")
