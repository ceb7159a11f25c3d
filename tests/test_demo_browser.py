"""The demo blog and its gallery in a real browser (Debian's Chromium, headless).

The post page shows its own social preview: whatever the window's width, the
picture keeps the card's 1200x630 proportions. The gallery's templates that
show a portrait (``profile``, ``quote``) render their sample avatar.
Screenshots go to ``tests/output/`` to be looked at.
"""

from __future__ import annotations

import shutil

import pytest
from browser import Chromium
from helpers import OUTPUT

CARD_RATIO = 1200 / 630


@pytest.fixture(autouse=True)
def _browser_available() -> None:
    assert shutil.which("chromium"), "make test installs Debian's chromium"


def _wait_loaded(page: object, selector: str) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "s => [...document.querySelectorAll(s)].every(img => img.complete && img.naturalWidth > 0)",
        arg=selector,
        timeout=30000,
    )


@pytest.mark.parametrize("width", [1280, 400])
def test_post_preview_keeps_the_card_proportions(signed_server: str, chromium: Chromium, width: int) -> None:
    page = chromium.browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{signed_server}/posts/svg-templates")
        _wait_loaded(page, "body > img")
        box = page.locator("body > img").evaluate(
            "img => { const r = img.getBoundingClientRect(); return [r.width, r.height, img.naturalWidth, img.naturalHeight]; }"
        )
        rendered_width, rendered_height, natural_width, natural_height = box
        assert (natural_width, natural_height) == (1200, 630)
        assert rendered_width == pytest.approx(min(760, width - 32), abs=1)  # the column, less its padding
        assert rendered_width / rendered_height == pytest.approx(CARD_RATIO, rel=0.01), box
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"demo-post-{width}.png"), full_page=True)
    finally:
        page.close()


@pytest.mark.parametrize("width", [1280, 400])
def test_index_previews_keep_the_card_proportions(signed_server: str, chromium: Chromium, width: int) -> None:
    page = chromium.browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{signed_server}/")
        boxes = page.locator("li img").evaluate_all(
            "imgs => imgs.map(img => { const r = img.getBoundingClientRect(); return [r.width, r.height]; })"
        )
        assert len(boxes) == 3
        for rendered_width, rendered_height in boxes:  # before and after loading: no layout shift
            assert rendered_width / rendered_height == pytest.approx(CARD_RATIO, rel=0.01), boxes
        page.screenshot(path=str(OUTPUT / f"demo-index-{width}.png"))
    finally:
        page.close()


def test_gallery_shows_the_sample_avatars(signed_server: str, chromium: Chromium) -> None:
    page = chromium.browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{signed_server}/og/")
        for name in ("profile", "quote"):
            section = page.locator(f"#template-{name}")
            assert section.locator("[name=avatar]").input_value() == "assets/avatar.svg"
            for kind in ("png", "svg"):
                image = section.locator(f"img.{kind}")
                page.wait_for_function(
                    "img => img.complete && img.naturalWidth > 0 && img.src.includes('avatar=')",
                    arg=image.element_handle(),
                    timeout=30000,
                )
            page.wait_for_function(
                "body => body.children.length > 0", arg=section.locator("table.report tbody").element_handle(), timeout=30000
            )
            assert 'colspan="5"' not in section.locator("table.report tbody").inner_html()  # no error row
            OUTPUT.mkdir(parents=True, exist_ok=True)
            section.screenshot(path=str(OUTPUT / f"gallery-{name}.png"))
    finally:
        page.close()
