"""Every bundled template: passes the checker, renders its samples, keeps long titles in their box."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import FORTY_WORDS, pixels, png_size, save_output

from svgog import Renderer

RENDERER = Renderer()
NAMES = RENDERER.names()
SIZES = {(1200, 630), (1200, 600), (1080, 1080)}


def test_the_library_is_complete() -> None:
    for name in ("blog", "docs", "product", "event", "quote", "profile", "release", "minimal"):
        assert name in NAMES
    assert {(RENDERER.template(n).width, RENDERER.template(n).height) for n in NAMES} == SIZES


@pytest.mark.parametrize("name", NAMES)
def test_check_passes_without_warnings(name: str) -> None:
    assert [str(p) for p in RENDERER.check(name)] == []


@pytest.mark.parametrize("name", NAMES)
def test_light_and_dark_themes_and_an_accent(name: str) -> None:
    template = RENDERER.template(name)
    assert set(template.fields["theme"].allowed) == {"dark", "light"}
    assert template.fields["accent"].kind == "color"
    samples = {f: spec.sample for f, spec in template.fields.items() if spec.sample is not None}
    dark = RENDERER.render_png(name, {**samples, "theme": "dark"})
    light = RENDERER.render_png(name, {**samples, "theme": "light", "accent": "#e11d48"})
    assert png_size(dark) == png_size(light) == (template.width, template.height)
    assert pixels(dark)[..., :3].mean() < pixels(light)[..., :3].mean(), "the light theme is lighter"
    save_output(f"template-{name}-dark.png", dark)
    save_output(f"template-{name}-light.png", light)


def _main_text(name: str) -> str:
    """The template's main text: the field with the largest box."""
    slots = [s for s in RENDERER.template(name).text_slots if s.field and s.bounds()]

    def area(slot):  # type: ignore[no-untyped-def]
        left, top, right, bottom = slot.bounds()
        return (right - left) * (bottom - top)

    return str(max(slots, key=area).field)


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("name", NAMES)
def test_forty_word_title_stays_in_its_box(name: str, theme: str) -> None:
    template = RENDERER.template(name)
    field = "title" if "title" in template.fields else _main_text(name)
    samples = {f: s.sample for f, s in template.fields.items() if s.sample is not None}
    samples["theme"] = theme
    slots = [s for s in template.text_slots if s.field == field]
    bounds = [s.bounds() for s in slots]
    assert all(b is not None for b in bounds), f"{field} has a box"
    long = RENDERER.render(name, {**samples, field: FORTY_WORDS})
    # The same card with an invisible title (a zero-width space, which also
    # satisfies required fields) shows where the title's ink is.
    empty = RENDERER.render_png(name, {**samples, field: "\u200b"})
    changed = np.any(pixels(long.data) != pixels(empty), axis=2)
    ys, xs = np.nonzero(changed)
    assert len(xs), "the title drew something"
    inside = np.zeros_like(changed)
    for left, top, right, bottom in bounds:  # type: ignore[misc]
        inside[max(0, int(top) - 1) : int(bottom) + 2, max(0, int(left) - 1) : int(right) + 2] = True
    outside = changed & ~inside
    assert not outside.any(), f"ink outside the box at {np.argwhere(outside)[:5].tolist()}"
    report = next(r for r in long.reports if r.field == field)
    assert report.truncated or report.shrunk
    save_output(f"template-{name}-{theme}-forty.png", long.data)
