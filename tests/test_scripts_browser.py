"""Scripts as Chromium sets them: the same text, in the same font files, at the same size.

For the titles of :data:`corpus.BROWSER` (Arabic with and without vowel
marks and mixed with Latin and figures, Hebrew mixed with Latin, Persian
with zero-width non-joiners, Urdu, Devanagari conjuncts, Japanese, Chinese,
Korean, emoji, combining marks, soft hyphens, Inter's contextual arrows),
svgog fits the title into a box drawn in a small template (a ``title-box``
rectangle, in which svgog lays lines out as CSS does: each line as tall as
the line height, the primary font's ascent and descent centred in it; no
shrinking). Chromium then sets the same text in an HTML page whose
``@font-face`` rules load exactly the font files svgog's report names, in
the report's order, at the report's size (a face of a collection, such as
Noto Sans CJK's ``.ttc``, is written out as a font of its own first:
``@font-face`` loads only a collection's first face). Three comparisons:

- **Glyphs**: each of svgog's lines in a block of its own (``white-space:
  pre``), so the browser shapes, orders (bidi) and aligns every line itself
  but breaks where svgog broke. The pictures must match within the browser
  tests' tolerance (:data:`browser.MAX_DIFFERING`), counted over the text's
  area rather than the whole card, so that a misplaced mark counts: the
  same joining forms, the same mark positions, the same order of the runs
  of a mixed line.
- **Line breaks**: the whole title in one block of the box's width; the
  lines Chromium makes (each grapheme's ``Range`` rectangle says which line
  it is on) must be svgog's lines. The block states svgog's documented
  rules in CSS (``line-break: strict``, ``overflow-wrap: break-word``, and
  ``word-break: keep-all`` for Korean; see :func:`page`).
- **Letter spacing**: a few titles of :data:`corpus.LETTER_SPACED` with the
  letter spacing of the bundled templates, glyphs compared as above.

Chromium snaps line boxes to whole pixels (it rounds the font's ascent and
descent and floors the half-leading: here the first baseline lands 0.76 px
above the exact CSS position) and paints text on whole CSS pixels
vertically, even at a device scale factor of 2. So the box is placed so
that every exact baseline falls on a whole pixel, Chromium's first baseline
is read once from a zero-size inline block at the end of a line, and every
line is moved by what the rounding took (each test checks, with such a
block on each line, that its lines then sit on the exact baselines): the
glyphs are compared where CSS puts them, with no rounding left. svgog's
vertical placement is checked against that exact position too.

Emoji have no font in either: svgog draws the bundled Twemoji images, so
the page draws them as Twemoji's script embeds them in web pages, an
``<img>`` of the same SVG, one em square, with svgog's metrics: 0.08 em of
margin on each side (an advance of 1.16 em) and 0.14 em below the baseline
(the image's top 0.86 em above it).

Every glyph comparison is saved side by side in ``tests/output/`` (svgog,
Chromium, differing pixels in red), passing or not, for a person to look at;
a line-break comparison that fails is saved too.
"""

from __future__ import annotations

import base64
import html
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import regex
from browser import MAX_DIFFERING, Chromium, difference, over_white, side_by_side
from corpus import BROWSER, LETTER_SPACED
from fontTools.ttLib import TTCollection, TTFont
from helpers import ROOT, pixels
from test_text_corpus import cluster_source, emoji_image, font_files

import svgog
from svgog.text.typeset import FitReport

WIDTH, HEIGHT = 1200, 630
SIZE = 56
#: The distance between baselines: a whole number of pixels, so that every baseline can sit on one.
LINE = 73
PRIMARY = "Inter Bold"
INK = "#111827"


def baseline_offset(path: Path, size: float = SIZE, line: float = LINE) -> float:
    """How far below a CSS line box's top its baseline is (CSS 2.1, 10.8.1), read from the font file.

    The font's ascent and descent (``hhea``, or ``OS/2`` typographic metrics
    when the font says to use them) are centred in the line box.
    """
    with TTFont(path, lazy=True) as font:
        os2 = font["OS/2"]
        if os2.fsSelection & (1 << 7):  # USE_TYPO_METRICS
            ascent, descent = os2.sTypoAscender, -os2.sTypoDescender
        else:
            ascent, descent = font["hhea"].ascent, -font["hhea"].descent
        scale = size / font["head"].unitsPerEm
    return (line - (ascent + descent) * scale) / 2 + ascent * scale


#: The first baseline, on a whole pixel; the box's top follows from it.
FIRST_BASELINE = 117.0
LEFT, WIDE, LINES = 100, 1000, 7
TOP = FIRST_BASELINE - baseline_offset(ROOT / "fonts" / "inter" / "Inter-Bold.otf")
#: The letter spacing of the ``box-spaced`` template (the bundled templates set -0.015em to -0.025em).
SPACING = "-0.02em"


def template(spacing: str = "normal") -> str:
    """The template ``box``: a ``title-box`` rectangle and the text ``title`` at :data:`SIZE` px, no shrinking."""
    return f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="{WIDTH}" height="{HEIGHT}"
     viewBox="0 0 {WIDTH} {HEIGHT}">
  <rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>
  <rect id="title-box" x="{LEFT}" y="{TOP!r}" width="{WIDE}" height="{LINES * LINE}" fill="none"/>
  <!-- The designed baseline is above the box: the first line sits where CSS puts it. -->
  <text id="title" x="{LEFT}" y="{TOP - 20:.0f}" og:fit="none" og:line-height="{LINE / SIZE!r}"
        font-family="Inter" font-weight="700" font-size="{SIZE}" letter-spacing="{spacing}" fill="{INK}">Title</text>
</svg>
"""


#: Each grapheme of a block's text (an emoji image's ``alt``) with the top and bottom of its
#: last client rectangle (none: null). The last: at a soft hyphen that breaks a line, Chromium
#: gives the grapheme after it the hyphen's rectangle, on the line before, first.
GRAPHEMES = """
box => {
  const segmenter = new Intl.Segmenter(undefined, {granularity: "grapheme"});
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.ELEMENT_NODE) {
      if (node.tagName === "IMG") {
        const rect = node.getBoundingClientRect();
        found.push([node.alt, rect.top, rect.bottom]);
      }
      continue;
    }
    for (const {segment, index} of segmenter.segment(node.data)) {
      const range = document.createRange();
      range.setStart(node, index);
      range.setEnd(node, index + segment.length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0 || r.height > 0);
      const last = rects[rects.length - 1];
      found.push(last ? [segment, last.top, last.bottom] : [segment, null, null]);
    }
  }
  return found;
}
"""
BASELINES = "[...document.querySelectorAll('.baseline')].map(e => e.getBoundingClientRect().bottom)"
FONTS_FAILED = (
    "document.fonts.ready.then(() => [...document.fonts].filter(f => f.status === 'error').map(f => f.family))"
)


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> svgog.Renderer:
    """A default renderer (bundled and system fonts) whose templates are ``box`` and ``box-spaced``."""
    directory = tmp_path_factory.mktemp("templates")
    (directory / "box.svg").write_text(template(), encoding="utf-8")
    (directory / "box-spaced.svg").write_text(template(SPACING), encoding="utf-8")
    return svgog.Renderer(templates=[directory])


class WebFonts:
    """Font files as ``@font-face`` can load them, by full name."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._urls: dict[str, str] = {}

    def url(self, full_name: str) -> str:
        """A ``file:`` URL of the face: its own file, or the face written out of its collection."""
        if full_name not in self._urls:
            face = font_files()[full_name]
            path = face.path
            if path.suffix.lower() in (".ttc", ".otc"):
                path = self.directory / f"{face.path.stem}-{face.index}.otf"
                with TTCollection(face.path, lazy=True) as collection:
                    collection.fonts[face.index].save(path)
            self._urls[full_name] = path.as_uri()
        return self._urls[full_name]


@pytest.fixture(scope="module")
def web_fonts(tmp_path_factory: pytest.TempPathFactory) -> WebFonts:
    return WebFonts(tmp_path_factory.mktemp("web-fonts"))


@cache
def _svgog(renderer: svgog.Renderer, title: str, name: str = "box") -> tuple[bytes, FitReport]:
    result = renderer.render(name, title=title)
    report = result.reports[0]
    assert report.fonts[0] == PRIMARY and report.size == SIZE, report
    assert report.missing == () and not report.truncated, report
    return result.data, report


@cache
def _emoji_uri(name: str) -> str:
    with zipfile.ZipFile(ROOT / "fonts" / "twemoji" / "twemoji-svg.zip") as archive:
        data = archive.read(f"{name}.svg")
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def markup(text: str, fonts: tuple[str, ...]) -> str:
    """HTML for a text: emoji clusters as Twemoji ``<img>`` elements (``alt``: the cluster), the rest escaped."""
    parts = []
    for cluster in regex.findall(r"\X", text):
        name = emoji_image(cluster)
        if name is not None and cluster_source(cluster, fonts) == "emoji":
            parts.append(f'<img class="emoji" alt="{html.escape(cluster)}" src="{_emoji_uri(name)}">')
        else:
            parts.append(html.escape(cluster))
    return "".join(parts)


_HANGUL = regex.compile(r"\p{Hangul}")


def page(report: FitReport, body: str, web_fonts: WebFonts, spacing: str = "normal") -> str:
    """A page with the box where svgog's is, in the report's fonts (a family each, in order) and size.

    The block breaks lines by svgog's documented rules, which are CSS
    settings: Japanese *kinsoku* as ``line-break: strict`` (no line starts
    with a small kana or the prolonged sound mark ー, which ``normal``
    allows), a word wider than the box broken between graphemes
    (``overflow-wrap: break-word``), and Korean words kept whole
    (``word-break: keep-all``, as Korean headlines are set; CSS's
    ``normal`` breaks between any two Hangul syllables).
    """
    faces = "\n".join(
        f'@font-face {{ font-family: "svgog-{i}"; src: url("{web_fonts.url(name)}"); }}'
        for i, name in enumerate(report.fonts)
    )
    families = ", ".join(f'"svgog-{i}"' for i in range(len(report.fonts)))
    language = "ko" if _HANGUL.search("".join(report.lines)) else "und"
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
{faces}
html, body {{ margin: 0; background: #ffffff; }}
#box {{ position: absolute; left: {LEFT}px; top: {TOP:.6f}px; width: {WIDE}px; color: {INK};
        font: {report.size}px/{LINE}px {families}; letter-spacing: {spacing};
        line-break: strict; overflow-wrap: break-word; }}
#box:lang(ko) {{ word-break: keep-all; }}
.line {{ white-space: pre; position: relative; }}
.baseline {{ display: inline-block; width: 0; height: 0; }}
img.emoji {{ width: 1em; height: 1em; margin: 0 0.08em; vertical-align: -0.14em; }}
</style></head><body><div id="box" dir="auto" lang="{language}">{body}</div></body></html>
"""


def show(chromium: Chromium, document: str, directory: Path) -> np.ndarray:
    """Chromium's picture of a page (at the card's size), once every font has loaded."""
    path = directory / "page.html"
    path.write_text(document, encoding="utf-8")
    picture = chromium.render(path, WIDTH, HEIGHT)
    _check_fonts(chromium)
    return picture


def open_page(chromium: Chromium, document: str, directory: Path) -> None:
    """Lay a page out in Chromium (every font loaded) without taking its picture."""
    path = directory / "page.html"
    path.write_text(document, encoding="utf-8")
    chromium.page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    chromium.page.goto(path.as_uri())
    _check_fonts(chromium)


def _check_fonts(chromium: Chromium) -> None:
    failed = chromium.page.evaluate(FONTS_FAILED)
    assert not failed, f"Chromium could not load {failed}"


# -- Glyphs -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snap(chromium: Chromium, web_fonts: WebFonts, tmp_path_factory: pytest.TempPathFactory) -> float:
    """How far Chromium's first baseline is from the exact one: what its rounding took.

    With a fixed line height only the primary font's metrics place baselines,
    so the same for every line of every title (each test checks it did).
    """
    report = FitReport(field="title", size=SIZE, lines=("H",), truncated=False, fonts=(PRIMARY,))
    body = '<div class="line">H<span class="baseline"></span></div>'
    show(chromium, page(report, body, web_fonts), tmp_path_factory.mktemp("snap"))
    (snapped,) = chromium.page.evaluate(BASELINES)
    return FIRST_BASELINE - snapped


def compare_glyphs(
    label: str, png: bytes, report: FitReport, web_fonts: WebFonts, chromium: Chromium, snap: float,
    directory: Path, spacing: str = "normal",
) -> None:
    """svgog's picture against Chromium's, each of svgog's lines a block of its own, on the exact baselines."""
    marker = '<span class="baseline"></span>'
    body = "".join(
        f'<div class="line" style="top: {snap:.6f}px">{markup(line, report.fonts)}{marker}</div>'
        for line in report.lines
    )
    theirs = show(chromium, page(report, body, web_fonts, spacing), directory)
    exact = [FIRST_BASELINE + i * LINE for i in range(len(report.lines))]
    placed = chromium.page.evaluate(BASELINES)
    assert placed == pytest.approx(exact, abs=1 / 64), f"Chromium's baselines {placed} are not the exact {exact}"
    ours = pixels(png)
    area = text_area(ours, theirs)
    fraction, differing = difference(ours[area], theirs[area])
    mask = np.zeros(ours.shape[:2], bool)
    mask[area] = differing
    path = side_by_side(f"scripts-{label}", ours, theirs, mask)
    assert fraction <= MAX_DIFFERING, (
        f"{label}: {fraction:.2%} of the text's pixels differ from Chromium (limit {MAX_DIFFERING:.2%}); see {path}"
    )


@pytest.mark.parametrize("name", list(BROWSER))
def test_glyphs_match_chromium(
    name: str, renderer: svgog.Renderer, web_fonts: WebFonts, chromium: Chromium, snap: float, tmp_path: Path
) -> None:
    png, report = _svgog(renderer, BROWSER[name])
    compare_glyphs(name, png, report, web_fonts, chromium, snap, tmp_path)


@pytest.mark.parametrize("name", list(LETTER_SPACED))
def test_letter_spacing_matches_chromium(
    name: str, renderer: svgog.Renderer, web_fonts: WebFonts, chromium: Chromium, snap: float, tmp_path: Path
) -> None:
    """Letter spacing as browsers apply it: after every letter, but not in cursive scripts (Arabic).

    CSS Text 3 leaves cursive scripts unspaced, as their letters join;
    Hebrew and Devanagari are not cursive, and Chromium spaces them.
    """
    png, report = _svgog(renderer, LETTER_SPACED[name], "box-spaced")
    compare_glyphs(f"spaced-{name}", png, report, web_fonts, chromium, snap, tmp_path, SPACING)


def text_area(*pictures: np.ndarray, margin: int = 3) -> tuple[slice, slice]:
    """The rectangle around the ink of all the pictures (anything not white), a little larger.

    Differences are counted there, not over the whole card: a caron that
    collides with its capital changes 0.1% of a card's pixels but 1% of a
    line's.
    """
    inked = np.zeros(pictures[0].shape[:2], bool)
    for picture in pictures:
        inked |= (over_white(picture) < 250).any(axis=2)
    rows, columns = np.nonzero(inked.any(axis=1))[0], np.nonzero(inked.any(axis=0))[0]
    assert len(rows), "nothing drawn"
    return (
        slice(max(rows[0] - margin, 0), rows[-1] + margin + 1),
        slice(max(columns[0] - margin, 0), columns[-1] + margin + 1),
    )


# -- Line breaks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grapheme:
    text: str
    top: float | None
    bottom: float | None


def comparable(line: str) -> str:
    """A line as text to compare: NFC (as svgog takes values), white space collapsed (as CSS and
    svgog collapse it), without soft hyphens, zero-width spaces or the hyphen a soft hyphen made."""
    if line.endswith("\u00ad-"):
        line = line[:-1]
    line = line.replace("\u00ad", "").replace("\u200b", "")
    return re.sub(r"[ \t\n\r\f]+", " ", unicodedata.normalize("NFC", line)).strip()


def lines_of(graphemes: list[Grapheme]) -> list[str]:
    """Chromium's lines: graphemes grouped by the line box the middle of their rectangle is in.

    A grapheme with no rectangle (a collapsed space at a line's end) stays
    on the line of the grapheme before it.
    """
    lines: dict[int, str] = {}
    current = 0
    for grapheme in graphemes:
        if grapheme.top is not None and grapheme.bottom is not None:
            current = int(((grapheme.top + grapheme.bottom) / 2 - TOP) // LINE)
        lines[current] = lines.get(current, "") + grapheme.text
    return [comparable(lines[k]) for k in sorted(lines) if comparable(lines[k])]


@pytest.mark.parametrize("name", list(BROWSER))
def test_line_breaks_match_chromium(
    name: str, renderer: svgog.Renderer, web_fonts: WebFonts, chromium: Chromium, tmp_path: Path
) -> None:
    png, report = _svgog(renderer, BROWSER[name])
    document = page(report, markup(BROWSER[name], report.fonts), web_fonts)
    open_page(chromium, document, tmp_path)
    graphemes = [Grapheme(*g) for g in chromium.page.evaluate(GRAPHEMES, chromium.page.query_selector("#box"))]
    ours, theirs = [comparable(line) for line in report.lines], lines_of(graphemes)
    if ours != theirs:
        theirs_picture = show(chromium, document, tmp_path)
        ours_picture = pixels(png)
        _, mask = difference(ours_picture, theirs_picture)
        path = side_by_side(f"scripts-{name}-breaks", ours_picture, theirs_picture, mask)
        pytest.fail(f"{name}: svgog breaks {ours}, Chromium breaks {theirs}; see {path}")
