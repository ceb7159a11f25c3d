"""The gallery page in a real browser (Debian's Chromium, headless, shared with the other browser tests)."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest
from browser import Chromium
from helpers import OUTPUT


def test_typing_a_title_updates_the_preview(signed_server: str, chromium: Chromium) -> None:
    page = chromium.browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{signed_server}/og/")
        section = page.locator("#template-blog")
        png = section.locator("img.png")
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=png.element_handle(), timeout=30000
        )
        title = section.locator("[name=title]")
        title.fill("Typed in a real browser")
        expected = quote("Typed in a real browser").replace("%20", "+")
        page.wait_for_function(
            "([img, text]) => img.src.includes(text) && img.complete && img.naturalWidth > 0",
            arg=[png.element_handle(), expected],
            timeout=30000,
        )
        size = png.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert size == [1200, 630]
        page.wait_for_function(
            "table => table.textContent.includes('Typed in a real browser')",
            arg=section.locator("table.report").element_handle(),
            timeout=30000,
        )
        assert section.locator("svg.overlay rect").count() >= 1
        OUTPUT.mkdir(parents=True, exist_ok=True)
        section.screenshot(path=str(OUTPUT / "gallery-blog.png"))
    finally:
        page.close()


@pytest.fixture(autouse=True)
def _browser_available() -> None:
    assert shutil.which("chromium"), "make test installs Debian's chromium"
