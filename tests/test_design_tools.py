"""Design-tool exports look in svgog as they look in a browser.

Every SVG file under ``tests/design_tools/`` (Figma, Illustrator and Inkscape
exports and hand-written cards; its README describes each) is rendered by
svgog with no field values, so every text keeps the template's own text, and
by headless Chromium with the same fonts (``tests/browser.py``); the two
pictures must match within the browser tests' tolerance.

Two more checks keep the corpus honest: Chromium draws each file as a card
whose fields svgog finds, and each feature a file stands for changes
Chromium's picture by more than the tolerance when it is stripped from the
file. A file that stopped exercising its feature (an edit, a re-export) would
fail there instead of passing the comparison for the wrong reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from browser import (
    MAX_DIFFERING,
    TEST_FONTS,
    Chromium,
    assert_same_picture,
    difference,
    over_white,
)
from helpers import ROOT, pixels

import svgog

CORPUS_DIR = ROOT / "tests" / "design_tools"
#: Every card is 1200x630 (or the same size in mm, inches or percentages).
CARD = (1200, 630)

#: The features the corpus stands for, numbered as in its README.
FEATURES = {
    1: "physical and relative units",
    2: "a font family the renderer lacks",
    3: "styles on <tspan>",
    4: "inline rich text",
    5: "<style> rules and the font shorthand",
    6: "Inkscape text frames (shape-inside, inline-size)",
    7: "Figma centred and right-aligned text in a box",
    8: "drop shadows and blurs",
    9: "dominant-baseline",
    10: "multi-line text (tspans, U+2028)",
    11: "@font-face with a data: URI",
    12: "variable and WOFF2 fonts",
    13: "italic, real and synthetic",
    14: "letter-spacing",
    15: "links",
    16: "embedded images",
    17: "gradients, clip paths and masks",
    18: "text-transform, text-decoration, opacity",
}


@dataclass(frozen=True)
class Edit:
    """A regular-expression substitution that must match at least once."""

    pattern: str
    replacement: str | Callable[[re.Match[str]], str]
    flags: int = 0

    def __call__(self, svg: str) -> str:
        edited, count = re.subn(self.pattern, self.replacement, svg, flags=self.flags)
        assert count, f"{self.pattern!r} matches nothing: the file changed, update its strip"
        return edited


def inside(element: str, pattern: str, replacement: str) -> Edit:
    """Substitute only within the ``<text>`` whose ``id`` or ``inkscape:label`` is ``element``."""

    def edit(match: re.Match[str]) -> str:
        return Edit(pattern, replacement)(match.group(0))

    return Edit(rf'<text\b[^>]*\b(?:id|inkscape:label)="{re.escape(element)}".*?</text>', edit, re.DOTALL)


@dataclass(frozen=True)
class Strip:
    """One feature of a file, and the edits that remove it."""

    feature: int
    what: str
    edits: tuple[Edit, ...]

    def __call__(self, svg: str) -> str:
        for edit in self.edits:
            svg = edit(svg)
        return svg


@dataclass(frozen=True)
class Card:
    """What a corpus file holds: its fields, and the features its picture depends on."""

    texts: tuple[str, ...]
    strips: tuple[Strip, ...]
    images: tuple[str, ...] = ()


def without(feature: int, what: str, *edits: Edit) -> Strip:
    """The file without ``feature`` (a number of :data:`FEATURES`): ``what`` the edits do."""
    return Strip(feature, what, edits)


def sub(pattern: str, replacement: str, flags: int = 0) -> Edit:
    return Edit(pattern, replacement, flags)


NO_FILTERS = r' filter="url\(#[\w-]+\)"'

CORPUS: dict[str, Card] = {
    # -- Figma: hand-written in the shape Figma's SVG export writes -------------
    "figma/centered.svg": Card(
        texts=("eyebrow", "title", "subtitle", "url"),
        strips=(
            without(7, "every line of the centred title and subtitle moved to the box's left edge",
                  inside("title", r'<tspan x="[\d.]+"', '<tspan x="100"'),
                  inside("subtitle", r'<tspan x="[\d.]+"', '<tspan x="100"')),
        ),
    ),
    "figma/drop-shadow.svg": Card(
        texts=("badge", "title", "subtitle", "author", "role", "brand"),
        strips=(without(8, "the filter0_d/filter1_d drop shadows removed (panel and title)", sub(NO_FILTERS, "")),),
    ),
    "figma/image-fill.svg": Card(
        texts=("kicker", "title", "author", "role"),
        images=("cover", "avatar"),
        strips=(
            without(16, "the image fills (pattern + use + data: PNG) replaced by a flat colour",
                  sub(r'fill="url\(#pattern\d_20_2\)"', 'fill="#334155"')),
            without(17, "the alpha mask that fades the cover removed", sub(r' mask="url\(#mask0_20_2\)"', "")),
        ),
    ),
    "figma/inner-shadow.svg": Card(
        texts=("title", "subtitle", "cta"),
        strips=(without(8, "the inner shadows (filter_i, filter_di) removed", sub(NO_FILTERS, "")),),
    ),
    "figma/italic-woff2.svg": Card(
        texts=("kicker", "title", "note"),
        strips=(
            without(13, "font-style italic removed (Inter Italic and Bold Italic)",
                  sub(r' font-style="italic"', "")),
            without(12, "Play (WOFF2) replaced by Inter", sub(r'font-family="Play"', 'font-family="Inter"')),
        ),
    ),
    "figma/layer-blur.svg": Card(
        texts=("glow", "title", "subtitle", "handle"),
        strips=(
            without(8, "the layer blurs (filter_f) removed, on shapes and on text", sub(NO_FILTERS, "")),
            without(17, "the title's gradient fill replaced by its middle colour",
                  sub(r'fill="url\(#paint0_linear_12_4\)"', 'fill="#A78BFA"')),
        ),
    ),
    "figma/letter-spacing.svg": Card(
        texts=("eyebrow", "title", "date", "url"),
        strips=(without(14, "letter-spacing (em and px) set to 0em",
                      sub(r'letter-spacing="(?!0em")[^"]+"', 'letter-spacing="0em"')),),
    ),
    "figma/line-separator.svg": Card(
        texts=("Quote_mark", "quote", "author"),
        strips=(
            without(10, "the quote's per-line x/y dropped: the lines after U+2028 and LF run on",
                  inside("quote", r'</tspan><tspan x="[\d.]+" y="[\d.]+">', "</tspan><tspan>")),
        ),
    ),
    "figma/missing-font.svg": Card(
        texts=("app", "title", "subtitle"),
        strips=(without(2, "the missing families (SF Pro Rounded, Cal Sans) replaced by Play",
                      sub(r'font-family="(?:SF Pro Rounded|Cal Sans)"', 'font-family="Play"')),),
    ),
    "figma/right-aligned.svg": Card(
        texts=("kicker", "title", "subtitle", "date", "price"),
        strips=(
            without(7, "every line of the right-aligned title and subtitle moved to the box's left edge",
                  inside("title", r'<tspan x="[\d.]+"', '<tspan x="480"'),
                  inside("subtitle", r'<tspan x="[\d.]+"', '<tspan x="560"')),
        ),
    ),
    # -- Illustrator: Save As SVG (.stN classes) and Export As (.cls-N) ---------
    "illustrator/ai-shadow.svg": Card(
        texts=("title", "subtitle", "footer"),
        strips=(without(8, "the AI_Shadow_1 filter removed from the style sheet",
                      sub(r"\s*filter: url\(#AI_Shadow_1\);", "")),),
    ),
    "illustrator/export-as.svg": Card(
        texts=("eyebrow", "title", "price"),
        strips=(
            without(4, "the runs' classes removed (one style for the whole text)",
                  sub(r'<tspan class="cls-\d" ', "<tspan ")),
            without(14, "letter-spacing rules removed", sub(r"\s*letter-spacing: [^;]+;", "")),
        ),
    ),
    "illustrator/image-clip.svg": Card(
        texts=("episode", "title", "guest"),
        images=("avatar", "logo"),
        strips=(
            without(16, "the embedded images removed", sub(r"<image [^>]*>\s*</image>", "")),
            without(17, "the circular clip path (clipPath > use) removed",
                  sub(r"\.st1\{clip-path:url\(#SVGID_3_\);\}", "")),
            without(17, "the SVGID_1_ gradient replaced by its first stop",
                  sub(r"\.st0\{fill:url\(#SVGID_1_\);\}", ".st0{fill:#3B0764;}")),
        ),
    ),
    "illustrator/link.svg": Card(
        texts=("title", "details", "cta"),
        strips=(without(15, "the <a xlink:href> and the button it wraps removed", sub(r"<a\b.*?</a>", "", re.DOTALL)),),
    ),
    "illustrator/save-as.svg": Card(
        texts=("eyebrow", "title", "subtitle", "brand"),
        strips=(
            without(5, "the <style> element (classes st0..st12) removed",
                  sub(r'<style type="text/css">.*?</style>', "", re.DOTALL)),
            without(10, "the title's second line placed after the first (its x and y dropped)",
                  inside("title", r'<tspan x="0" y="86.4"', "<tspan")),
        ),
    ),
    # -- Inkscape 1.2: written by Inkscape itself (inkscape/make_exports.py) ----
    "inkscape/clip-mask-gradient.svg": Card(
        texts=("title", "subtitle"),
        strips=(
            without(17, "the clip path Inkscape made removed", sub(r'\s+clip-path="url\(#clipPath\d+\)"', "")),
            without(17, "the mask Inkscape made removed", sub(r'\s+mask="url\(#mask\d+\)"', "")),
            without(17, "the background gradient replaced by its first stop",
                  sub(r"fill:url\(#linearGradient2\)", "fill:#1e1b4b")),
        ),
    ),
    "inkscape/decoration-opacity.svg": Card(
        texts=("watermark", "eyebrow", "title", "subtitle", "url"),
        strips=(
            without(18, "the underlines removed", sub(r"text-decoration:underline;text-decoration-line:underline;", "")),
            without(18, "opacity and fill-opacity on text removed",
                  sub(r"opacity:0\.12;", ""), sub(r"fill-opacity:0\.65", "fill-opacity:1")),
        ),
    ),
    "inkscape/drop-shadow-blur.svg": Card(
        texts=("title", "subtitle"),
        strips=(without(8, "the Drop Shadow and blur filters removed", sub(r";filter:url\(#filter\d\)", "")),),
    ),
    "inkscape/image-link.svg": Card(
        texts=("kicker", "title", "subtitle", "cta"),
        images=("cover",),
        strips=(
            without(16, 'preserveAspectRatio="none" removed: the stretched image keeps its aspect ratio',
                  sub(r'\s+preserveAspectRatio="none"', "")),
            without(15, "the <a> and the button it wraps removed", sub(r"<a\b.*?</a>", "", re.DOTALL)),
        ),
    ),
    "inkscape/inline-size.svg": Card(
        texts=("title", "details", "date"),
        strips=(without(6, "text-anchor middle and end made start", sub(r"text-anchor:(?:middle|end)", "text-anchor:start")),),
    ),
    "inkscape/mm-frames.svg": Card(
        texts=("title", "venue", "edition"),
        strips=(
            without(1, "the mm width and height read as px", sub(r'width="317.5mm"', 'width="317.5"'),
                  sub(r'height="166.6875mm"', 'height="166.6875"')),
            without(6, "the centred frame's lines moved to the frame's left edge",
                  inside("title", r'<tspan\s+x="[\d.]+"', '<tspan x="31.75"')),
        ),
    ),
    "inkscape/plain-letter-spacing.svg": Card(
        texts=("eyebrow", "title", "dates", "venue"),
        strips=(without(14, "letter-spacing (px and em) removed", sub(r"letter-spacing:[^;]+;", "")),),
    ),
    "inkscape/shape-inside.svg": Card(
        texts=("brand", "title", "description"),
        strips=(
            without(6, "the SVG 1.1 fallback lines of the shape-inside frames unpositioned",
                  sub(r'<tspan\s+x="[\d.]+"\s+y="[\d.]+"', "<tspan")),
        ),
    ),
    "inkscape/tspan-styles.svg": Card(
        texts=("brand", "title", "subtitle", "url"),
        strips=(
            without(3, "the line tspans' styles removed (the <text> says black bold)",
                  sub(r'(<tspan\s+sodipodi:role="line"[^>]*?)\s+style="[^"]*"', r"\1")),
            without(4, "the inline runs' styles removed",
                  sub(r'(<tspan\s+)style="[^"]*"(\s+id="tspan\d+">)', r"\1\2")),
        ),
    ),
    # -- hand-written, the way public og-image SVGs are -------------------------
    "handwritten/baselines.svg": Card(
        texts=("heading", "alphabetic", "middle", "central", "hanging", "text-after-edge", "text-before-edge"),
        strips=(without(9, "dominant-baseline removed", sub(r' dominant-baseline="[^"]+"', "")),),
    ),
    "handwritten/dy-lines.svg": Card(
        texts=("quote", "author"),
        strips=(
            without(10, "dy removed: the lines are drawn over each other", sub(r' dy="1.25em"', "")),
            without(13, "font-style italic removed", sub(r' font-style="italic"', "")),
        ),
    ),
    "handwritten/fallback-families.svg": Card(
        texts=("site", "title", "title2", "author", "meta"),
        strips=(without(2, "Georgia, 'Times New Roman', serif replaced by Play",
                      sub(r"font-family=\"Georgia, 'Times New Roman', serif\"", 'font-family="Play"')),),
    ),
    "handwritten/fe-drop-shadow.svg": Card(
        texts=("title", "subtitle", "url"),
        strips=(without(8, "feDropShadow and feGaussianBlur filters removed", sub(NO_FILTERS, "")),),
    ),
    "handwritten/fontface-data-uri.svg": Card(
        texts=("eyebrow", "title", "title2", "subtitle"),
        strips=(without(11, "the @font-face rule removed", sub(r"@font-face \{.*?\}", "", re.DOTALL)),),
    ),
    "handwritten/fontface-variable.svg": Card(
        texts=("kicker", "title", "title2", "footer"),
        strips=(
            without(11, "the @font-face rule removed", sub(r"@font-face \{.*?\}", "", re.DOTALL)),
            without(12, "weights 300 and 800 of the variable font made 400",
                  sub(r"font-weight: (?:300|800)", "font-weight: 400")),
        ),
    ),
    "handwritten/inch-root.svg": Card(
        texts=("eyebrow", "title", "subtitle", "footer"),
        strips=(without(1, "the size in inches read as px",
                      sub(r'width="12.5in" height="6.5625in"', 'width="12.5" height="6.5625"')),),
    ),
    "handwritten/letter-spacing.svg": Card(
        texts=("eyebrow", "title", "subtitle", "author", "date"),
        strips=(without(14, "letter-spacing (px, em, unitless, inherited) removed",
                      sub(r' letter-spacing="[^"]*"', ""), sub(r'style="letter-spacing: [^"]*"', 'style=""')),),
    ),
    "handwritten/link.svg": Card(
        texts=("kicker", "title", "subtitle", "cta"),
        strips=(without(15, "the <a> elements and what they wrap removed", sub(r"<a\b.*?</a>", "", re.DOTALL)),),
    ),
    "handwritten/middle-middle.svg": Card(
        texts=("title", "subtitle", "url"),
        strips=(
            without(9, 'dominant-baseline="middle" removed', sub(r' dominant-baseline="middle"', "")),
            without(1, "percentages read as user units", sub(r'="(\d+)%"', r'="\1"')),
        ),
    ),
    "handwritten/rich-inline.svg": Card(
        texts=("title", "subtitle", "note", "footer"),
        strips=(without(4, "the runs' attributes removed (one style per text)", sub(r"<tspan [^>]*>", "<tspan>")),),
    ),
    "handwritten/stylesheet.svg": Card(
        texts=("kind", "badge", "title", "title2", "author", "role", "site", "date"),
        strips=(
            without(5, "the <style> element removed", sub(r"<style>.*?</style>", "", re.DOTALL)),
            without(5, "the font shorthand of .title removed", sub(r"font: 700 66px/1.2 Inter, sans-serif; ", "")),
        ),
    ),
    "handwritten/transform-decoration.svg": Card(
        texts=("eyebrow", "title", "old_price", "price", "note", "url", "watermark"),
        strips=(
            without(18, "text-transform removed", sub(r' style="text-transform: \w+"', "")),
            without(18, "opacity and fill-opacity removed", sub(r' (?:fill-)?opacity="[\d.]+"', "")),
        ),
    ),
    "handwritten/units.svg": Card(
        texts=("title", "title2", "subtitle", "footer"),
        strips=(without(1, "the units of in, cm, pc, pt, ex and em lengths dropped",
                      sub(r'="([\d.]+)(?:in|cm|pc|pt|ex|em)"', r'="\1"')),),
    ),
}

FILES = sorted(
    path.relative_to(CORPUS_DIR).as_posix()
    for path in CORPUS_DIR.rglob("*.svg")
    if path.relative_to(CORPUS_DIR).parts[:2] != ("inkscape", "sources")
)
#: Strips checked per feature: two files each show that the corpus fails without it (every
#: Chromium render of a stripped file costs about half a second; more add little sensitivity).
STRIPS_PER_FEATURE = 2


def _strips() -> list[Any]:
    """Every file's first strip (so each file shows its picture depends on what it is there
    for), and more strips while a feature has fewer than :data:`STRIPS_PER_FEATURE`."""
    chosen, counts = [], Counter[int]()
    for name in FILES:
        for index, strip in enumerate(CORPUS[name].strips if name in CORPUS else (), 1):
            if index == 1 or counts[strip.feature] < STRIPS_PER_FEATURE:
                counts[strip.feature] += 1
                chosen.append(pytest.param(name, strip, id=f"{name}-{index}-feature{strip.feature}"))
    return chosen


STRIPS = _strips()


@cache
def renderer(directory: Path) -> svgog.Renderer:
    """One renderer per corpus directory, with the test fonts (Play, Outfit, Inter italics)."""
    return svgog.Renderer(templates=[directory], fonts=[TEST_FONTS])


_pictures: dict[tuple[str, int, int], np.ndarray] = {}


def chromium_picture(chromium: Chromium, name: str, size: tuple[int, int] = CARD) -> np.ndarray:
    """Chromium's picture of a corpus file, rendered once per size."""
    key = (name, *size)
    if key not in _pictures:
        _pictures[key] = chromium.render(CORPUS_DIR / name, *size)
    return _pictures[key]


def output_name(name: str) -> str:
    return "design-" + name.removesuffix(".svg").replace("/", "-")


def test_every_file_is_described() -> None:
    assert len(FILES) >= 32
    assert set(FILES) == set(CORPUS), "add the file to CORPUS (fields, features) and to the README"
    readme = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    missing = [name for name in FILES if f"`{name}`" not in readme]
    assert not missing, f"not in tests/design_tools/README.md: {missing}"


def test_every_feature_is_checked() -> None:
    checked = {strip.feature for card in CORPUS.values() for strip in card.strips}
    assert checked == set(FEATURES), f"features no strip checks: {sorted(set(FEATURES) - checked)}"


def test_every_file_has_a_strip_checked() -> None:
    checked = {param.values[0] for param in STRIPS}
    unchecked = [name for name in FILES if CORPUS[name].strips and name not in checked]
    assert not unchecked, f"no strip of these files is checked against Chromium: {unchecked}"


@pytest.mark.parametrize("name", FILES)
def test_looks_as_in_chromium(name: str, chromium: Chromium) -> None:
    path = CORPUS_DIR / name
    result = renderer(path.parent).render(path.stem)
    assert (result.width, result.height) == CARD, f"svgog's size is {result.width}x{result.height}"
    reference = chromium_picture(chromium, name, (result.width, result.height))
    assert_same_picture(output_name(name), pixels(result.data), reference)


@pytest.mark.parametrize("name", FILES)
def test_is_a_card_with_fields(name: str, chromium: Chromium) -> None:
    picture = over_white(chromium_picture(chromium, name)).reshape(-1, 3)
    colors, counts = np.unique(picture, axis=0, return_counts=True)
    assert counts.max() < 0.98 * len(picture), "Chromium draws (almost) one colour"
    assert len(colors) > 200, "Chromium draws no text or shading"
    path = CORPUS_DIR / name
    card = CORPUS[name]
    fields = renderer(path.parent).template(path.stem).fields
    expected = {text: "text" for text in card.texts} | {image: "image" for image in card.images}
    kinds = {wanted: fields[wanted].kind if wanted in fields else None for wanted in expected}
    assert kinds == expected, f"fields svgog finds: {sorted(fields)}"


@pytest.mark.parametrize(("name", "strip"), STRIPS)
def test_stripping_the_feature_changes_the_picture(name: str, strip: Strip, chromium: Chromium) -> None:
    """The corpus stays sensitive: without the feature, Chromium's picture fails the comparison.

    The stripped document is rendered from a scratch directory: corpus files embed
    their images and fonts (``data:`` URIs) and reference nothing beside them.
    """
    svg = (CORPUS_DIR / name).read_text(encoding="utf-8")
    stripped = chromium.render(strip(svg).encode("utf-8"), *CARD)
    fraction, _ = difference(stripped, chromium_picture(chromium, name))
    assert fraction > MAX_DIFFERING, (
        f"{name} without {FEATURES[strip.feature]} ({strip.what}) differs in only {fraction:.2%} of pixels"
    )
