"""The browser as the reference for pictures: headless Chromium with svgog's fonts.

Chromium (Debian's package, driven by Playwright) renders an SVG document with
the same font files svgog uses, through a private fontconfig configuration:
only the bundled fonts and the test fonts exist for it, and every family it
cannot find (``sans-serif``, ``serif``, a design's "SF Pro Rounded") means
Inter, as it does in svgog. Its screenshot is compared with svgog's PNG by
:func:`difference`, with a tolerance for antialiasing.

Chromium on Linux rounds every glyph advance to a whole pixel at a device
scale factor of 1 (it positions glyphs at sub-pixel offsets only on denser
screens), so a line of text drifts by a few pixels from its exact width, the
width design tools, browsers on other systems and svgog use. The reference is
therefore drawn at twice the size, as on a high-density screen, and averaged
down to the card's size.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
from fontTools.ttLib import TTFont
from helpers import OUTPUT, ROOT
from PIL import Image

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Grayscale antialiasing, as cairo draws: subpixel (LCD) text would
    # differ in color at every glyph edge.
    "--disable-lcd-text",
    "--font-render-hinting=none",
]
TEST_FONTS = ROOT / "tests" / "fonts"
#: Every font svgog's design-tool tests use: the bundled ones and the test fonts.
FONT_DIRS = [ROOT / "fonts" / "inter", ROOT / "fonts" / "noto", TEST_FONTS]
#: Families a browser may ask for by default; svgog reads them all as Inter.
DEFAULT_FAMILIES = [
    "sans-serif", "serif", "monospace", "cursive", "fantasy", "system-ui",
    "Arial", "Helvetica", "Times New Roman", "Times", "Courier New", "DejaVu Sans", "DejaVu Serif",
]  # fmt: skip

#: A channel difference up to this much is antialiasing, not a different picture.
CHANNEL_TOLERANCE = 40
#: Above this fraction of differing pixels, two pictures differ.
MAX_DIFFERING = 0.005


def _fontconfig(directory: Path) -> Path:
    """A fontconfig configuration that knows only svgog's font files.

    WOFF and WOFF2 files are decompressed to plain OpenType first: fontconfig
    does not index them everywhere.
    """
    plain = directory / "fonts"
    plain.mkdir()
    for source in FONT_DIRS:
        for path in sorted(source.rglob("*")):
            if path.suffix.lower() in (".woff", ".woff2"):
                with TTFont(path) as font:
                    font.flavor = None
                    font.save(plain / (path.stem + ".ttf"))
    dirs = "\n".join(f"  <dir>{d}</dir>" for d in [*FONT_DIRS, plain])
    aliases = "\n".join(
        f'  <alias binding="same"><family>{family}</family><prefer><family>Inter</family></prefer></alias>'
        for family in DEFAULT_FAMILIES
    )
    aliases += "\n" + "\n".join(_postscript_names())
    config = directory / "fonts.conf"
    config.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
{dirs}
  <cachedir>{directory / "cache"}</cachedir>
{aliases}
  <match target="pattern">
    <edit name="family" mode="append_last" binding="weak"><string>Inter</string></edit>
  </match>
  <!-- Outlines as designed: no hinting snaps stems and heights to pixels (svgog draws none). -->
  <match target="font">
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="hintstyle" mode="assign"><const>hintnone</const></edit>
    <edit name="autohint" mode="assign"><bool>false</bool></edit>
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit>
  </match>
</fontconfig>
""",
        encoding="utf-8",
    )
    return config


# fontconfig's weights for CSS weights 100..900.
_FC_WEIGHTS = {100: 0, 200: 40, 300: 50, 400: 80, 500: 100, 600: 180, 700: 200, 800: 205, 900: 210}


def _postscript_names() -> list[str]:
    """fontconfig rules that find a face by its PostScript name (``Inter-Bold``), as browsers on macOS do.

    Illustrator names fonts that way (``font-family: 'Inter-Bold'``); Chromium
    on Linux would otherwise fall back to the regular face, which no designer
    sees on their own machine.
    """
    rules = []
    for source in FONT_DIRS:
        for path in sorted(source.rglob("*")):
            if path.suffix.lower() not in (".otf", ".ttf", ".woff", ".woff2"):
                continue
            with TTFont(path, lazy=True) as font:
                names = font["name"]
                name, family = names.getDebugName(6), names.getDebugName(16) or names.getDebugName(1)
                variable = "fvar" in font
                weight_class, selection = font["OS/2"].usWeightClass, font["OS/2"].fsSelection
            if not name or not family or variable:
                continue
            weight = min(_FC_WEIGHTS, key=lambda w: abs(w - weight_class))
            slant = 100 if selection & 1 else 0
            rules.append(
                f'  <match target="pattern"><test name="family"><string>{name}</string></test>'
                f'<edit name="family" mode="assign" binding="strong"><string>{family}</string></edit>'
                f'<edit name="weight" mode="assign" binding="strong"><int>{_FC_WEIGHTS[weight]}</int></edit>'
                f'<edit name="slant" mode="assign" binding="strong"><int>{slant}</int></edit></match>'
            )
    return rules


@dataclass
class Chromium:
    """A running headless Chromium that renders SVG documents to pixels."""

    browser: Any
    page: Any
    #: The page's DevTools session: screenshots through it skip Playwright's slow PNG round trip.
    devtools: Any = None

    def render(self, svg: Path | bytes, width: int, height: int) -> np.ndarray:
        """The document as Chromium draws it at ``width`` x ``height``: RGBA, transparent background.

        A file is opened where it lies, so its relative references resolve
        as in svgog; bytes are written to a temporary file first.
        """
        with tempfile.TemporaryDirectory() as scratch:
            if isinstance(svg, bytes):
                path = Path(scratch) / "document.svg"
                path.write_bytes(svg)
            else:
                path = svg.resolve()
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.goto(path.as_uri())
            self.page.evaluate("document.fonts.ready")
            png = self._screenshot(width, height)
        with Image.open(BytesIO(png)) as image:
            return _halve(np.asarray(image.convert("RGBA")), width, height)

    def _screenshot(self, width: int, height: int) -> bytes:
        """The page's top-left ``width`` x ``height`` at twice the size, as PNG, on a transparent background."""
        if self.devtools is None:
            return self.page.screenshot(omit_background=True, clip={"x": 0, "y": 0, "width": width, "height": height})  # type: ignore[no-any-return]
        # The same pixels as page.screenshot (checked: no channel differs), encoded with a fast
        # PNG setting (optimizeForSpeed): each picture costs about half the time.
        shot = self.devtools.send(
            "Page.captureScreenshot",
            {"format": "png", "optimizeForSpeed": True, "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 2}},
        )
        return base64.b64decode(shot["data"])


def _halve(rgba: np.ndarray, width: int, height: int) -> np.ndarray:
    """Average a double-size RGBA picture down to ``width`` x ``height`` (in premultiplied color)."""
    picture = rgba[: height * 2, : width * 2].astype(np.float32)
    alpha = picture[..., 3:4] * np.float32(1 / 255)
    picture[..., :3] *= alpha
    picture[..., 3:4] = alpha
    blocks = picture.reshape(height, 2, width, 2, 4).sum(axis=(1, 3), dtype=np.float64) / 4
    cover = blocks[..., 3:4]
    color = np.where(cover > 0, blocks[..., :3] / np.maximum(cover, 1e-9), 0)
    return np.concatenate([color, cover * 255], axis=2).round().clip(0, 255).astype(np.uint8)


def launch() -> Iterator[Chromium]:
    """Start Chromium with svgog's fonts only; stop it afterwards."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        config = _fontconfig(Path(scratch))
        env = {**os.environ, "FONTCONFIG_FILE": str(config)}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS, env=env)
            try:
                page = browser.new_page(device_scale_factor=2)
                devtools = page.context.new_cdp_session(page)
                devtools.send("Emulation.setDefaultBackgroundColorOverride", {"color": {"r": 0, "g": 0, "b": 0, "a": 0}})
                yield Chromium(browser, page, devtools)
            finally:
                browser.close()


def over_white(rgba: np.ndarray) -> np.ndarray:
    """An RGBA picture composited over white, as RGB integers."""
    color = rgba[..., :3].astype(np.int32)
    alpha = rgba[..., 3:4].astype(np.int32)
    return (color * alpha + 255 * (255 - alpha) + 127) // 255


def _unmatched(a: np.ndarray, b: np.ndarray, tolerance: int) -> np.ndarray:
    """Pixels of ``a`` with no pixel within 1 px in ``b`` within ``tolerance`` per channel."""
    height, width, _ = a.shape
    padded = np.pad(b, ((1, 1), (1, 1), (0, 0)), mode="edge")
    matched = np.zeros((height, width), bool)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            shifted = padded[dy : dy + height, dx : dx + width]
            matched |= (np.abs(a - shifted) <= tolerance).all(axis=2)
    return ~matched


def difference(svgog: np.ndarray, browser: np.ndarray, *, tolerance: int = CHANNEL_TOLERANCE) -> tuple[float, np.ndarray]:
    """The fraction of pixels that differ, and the mask of those pixels.

    Both pictures are composited over white. A pixel matches when a pixel
    within 1 px in the other picture is within ``tolerance`` in every
    channel (antialiasing and sub-pixel placement differ between renderers);
    it differs when it fails that test in either direction.
    """
    assert svgog.shape == browser.shape, f"sizes differ: {svgog.shape} vs {browser.shape}"
    a, b = over_white(svgog), over_white(browser)
    mask = _unmatched(a, b, tolerance) | _unmatched(b, a, tolerance)
    return float(mask.mean()), mask


def side_by_side(name: str, svgog: np.ndarray, browser: np.ndarray, mask: np.ndarray) -> Path:
    """Save svgog's picture, Chromium's, and the differing pixels (red) side by side."""
    a, b = over_white(svgog).astype(np.uint8), over_white(browser).astype(np.uint8)
    marked = (a // 3 + 170).astype(np.uint8)
    marked[mask] = (255, 0, 0)
    gap = np.full((a.shape[0], 8, 3), 128, np.uint8)
    picture = np.concatenate([a, gap, b, gap, marked], axis=1)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}-svgog-chromium-diff.png"
    Image.fromarray(picture, "RGB").save(path)
    return path


def assert_same_picture(
    name: str, svgog: np.ndarray, browser: np.ndarray, *, max_differing: float = MAX_DIFFERING
) -> float:
    """Fail (saving the pictures side by side) when more than ``max_differing`` of the pixels differ."""
    fraction, mask = difference(svgog, browser)
    if fraction > max_differing:
        path = side_by_side(name, svgog, browser, mask)
        raise AssertionError(f"{name}: {fraction:.2%} of pixels differ from Chromium (limit {max_differing:.2%}); see {path}")
    return fraction
