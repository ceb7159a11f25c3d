"""Titles in many scripts: never outside the box, never tofu, for every script with a font."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from corpus import ALL, CJK, EMOJI, RTL
from helpers import pixels, png_size, save_output

from svgog import Renderer

# The CJK subset alone: the other test fonts would join the fallback chain.
TEST_FONTS = Path(__file__).resolve().parent / "fonts" / "NotoSansCJKjp-Bold-subset.otf"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    # The CJK subset is only added as a font: fallback picks it up by itself.
    return Renderer(fonts=[TEST_FONTS])


@pytest.fixture(scope="module")
def empty(renderer: Renderer) -> np.ndarray:
    return pixels(renderer.render_png("blog", title=""))


@pytest.mark.parametrize("title", ALL, ids=[f"{i:02d}" for i in range(len(ALL))])
def test_title_stays_in_its_box_and_has_no_missing_characters(
    renderer: Renderer, empty: np.ndarray, title: str
) -> None:
    slot = next(s for s in renderer.template("blog").text_slots if s.field == "title")
    left, top, right, bottom = slot.bounds()  # type: ignore[misc]
    result = renderer.render("blog", title=title)
    assert png_size(result.data) == (1200, 630)
    report = next(r for r in result.reports if r.field == "title")
    assert report.missing == (), report
    changed = np.any(pixels(result.data) != empty, axis=2)
    ys, xs = np.nonzero(changed)
    assert len(xs) > 0, "the title drew nothing"
    assert xs.min() >= left - 1 and xs.max() <= right + 1, (xs.min(), xs.max())
    assert ys.min() >= top - 1 and ys.max() <= bottom + 1, (ys.min(), ys.max(), top, bottom)


@pytest.mark.parametrize(
    ("name", "title"),
    [("arabic", RTL[1]), ("hebrew-mixed", RTL[5]), ("japanese", CJK[0]), ("japanese-latin", CJK[2]), ("emoji", EMOJI[1]), ("flags", EMOJI[2])],
)
def test_keep_pictures_to_look_at(renderer: Renderer, name: str, title: str) -> None:
    save_output(f"corpus-{name}.png", renderer.render_png("blog", title=title))
