"""Every bundled template's SVG preview, as Chromium draws it, is the PNG svgog draws.

The gallery shows the filled SVG "for debugging": it must be the same picture. Styles
reach the SVG inline (see :mod:`svgog.css`), so a browser's reading of ``<use>``
and of class rules cannot differ from CairoSVG's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import Chromium, assert_same_picture
from helpers import pixels

from svgog import Renderer
from svgog.resources import bundled_templates_dir

RENDERER = Renderer()


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled templates, so previews can be written beside their assets."""
    copy = tmp_path_factory.mktemp("templates") / "templates"
    shutil.copytree(bundled_templates_dir(), copy)
    return copy


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("name", RENDERER.names())
def test_svg_preview_is_the_png(name: str, theme: str, templates: Path, chromium: Chromium) -> None:
    template = RENDERER.template(name)
    fields = {f: spec.sample for f, spec in template.fields.items() if spec.sample is not None}
    fields["theme"] = theme
    png = RENDERER.render(name, fields)
    preview = templates / f"{name}-{theme}-preview.svg"
    preview.write_text(RENDERER.render_svg(name, fields), encoding="utf-8")
    assert_same_picture(f"bundled-{name}-{theme}-svg", pixels(png.data), chromium.render(preview, png.width, png.height))
