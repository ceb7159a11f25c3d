"""Every corpus title in every bundled template: inside its box, no line too wide, nothing missing.

Each title of :mod:`corpus` is rendered into the headline text of every
bundled template (``title``; ``bio`` on the profile card, ``quote`` on the
quote card) by a default :class:`~svgog.Renderer`: the bundled fonts, then
the system's fonts through fontconfig. Three checks, each against something
svgog does not compute itself:

(a) **Ink**: the pixels that differ from the same card with an invisible
    title (a zero-width space) lie inside the box the template declares
    (:meth:`TextSlot.bounds`, moved by the ``<use>`` that places the text,
    times the scale), give or take 1 px of antialiasing.
(b) **Widths**: every reported line, shaped at the reported size by
    ``uharfbuzz`` directly on the font files the report names (found by the
    full name in their ``name`` table, among the bundled files and the files
    ``fc-list`` lists), is no wider than the box. Nothing of svgog's
    measuring takes part: the test splits the line into grapheme clusters
    (``regex``), gives each cluster the first named font whose ``cmap`` has
    all its characters (as CSS font fallback does), shapes each run of one
    font with HarfBuzz's defaults, and adds the template's ``letter-spacing``
    after every visible cluster but the last, except in the cursive scripts,
    which CSS sets without it (Arabic, Syriac, N'Ko...). An emoji image is 1.16 em wide
    (:data:`svgog.text.emoji.ADVANCE`, a design constant of the bundled
    Twemoji, not a measurement).
    The pixels of (a) do not make this redundant: svgog nudges a line whose
    ink leaves the box back inside it, so a line measured too narrow could
    still draw inside the box while its advances overlap.
(c) **Coverage**: ``report.missing`` is exactly the characters of the
    grapheme clusters that no font on this machine draws (every face's
    ``cmap`` read with fontTools) and that have no Twemoji image: nothing for
    every script the machine has a font for. ``make fonts`` installs
    Debian's fonts-noto-cjk, fonts-noto-core and DejaVu, which draw every
    script of the corpus, so there nothing may be missing.

Every title is rendered once per template at 1x (a thousand renderings,
about 25 s). At 2x each title is rendered into one template, in turn, so
every template sees a tenth of the corpus, of every script, at 2x: a 2x
rendering costs more than twice a 1x one, and the whole matrix at 2x would
double this file's time. ``SVGOG_FULL_CORPUS=1`` renders every title into
every template at 2x too.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
import regex
import uharfbuzz as hb
from corpus import BROWSER, SCRIPTS
from fontTools.ttLib import TTFont
from helpers import OUTPUT, ROOT, png_size, save_output
from lxml import etree
from PIL import Image, ImageChops, ImageDraw

from svgog import Renderer
from svgog.text.emoji import ADVANCE as EMOJI_ADVANCE
from svgog.text.typeset import FitReport

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
#: The text each template's headline is, when it is not ``title``.
HEADLINE = {"profile": "bio", "quote": "quote"}
#: Other fields a template needs to render at all.
REQUIRED = {"profile": {"name": "Jane Doe"}}
#: A title that draws nothing and changes nothing else: the picture every rendering is compared with.
INVISIBLE = "\u200b"
#: Antialiasing may reach this far outside the box, in pixels.
INK_TOLERANCE = 1
#: Widths are sums of HarfBuzz advances; this much is rounding.
WIDTH_TOLERANCE = 0.01
FULL = os.environ.get("SVGOG_FULL_CORPUS", "") not in ("", "0")

RENDERER = Renderer()
TEMPLATES = RENDERER.names()
#: ``(id, title)`` for every corpus title, by script: ``arabic3`` is the fourth Arabic title.
TITLES = [(f"{script}{k}", title) for script, titles in SCRIPTS.items() for k, title in enumerate(titles)]


def _at_2x(index: int, template: int) -> bool:
    """Whether title ``index`` is rendered into template ``template`` at 2x too: one template per title, in turn."""
    return FULL or template == index % len(TEMPLATES)


CASES = [
    pytest.param(name, scale, title, id=f"{name}-{scale}x-{tid}")
    for t, name in enumerate(TEMPLATES)
    for scale in (1, 2)
    for i, (tid, title) in enumerate(TITLES)
    if scale == 1 or _at_2x(i, t)
]
LAYOUTS = [pytest.param(name, title, id=f"{name}-{tid}") for name in TEMPLATES for tid, title in TITLES]


@pytest.fixture(autouse=True, scope="module")
def _quiet() -> Iterator[None]:
    """Characters no font has are logged as warnings; here the reports are checked instead."""
    logger = logging.getLogger("svgog")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


# -- The box each template declares ------------------------------------------------------------


def _fields(name: str, value: str) -> dict[str, str]:
    return {**REQUIRED.get(name, {}), HEADLINE.get(name, "title"): value}


@cache
def title_box(name: str) -> tuple[float, float, float, float]:
    """``(left, top, right, bottom)`` of the headline's box on the card, in user units.

    :meth:`TextSlot.bounds` is where the ``<text>`` is declared; a text
    defined in ``<defs>`` is drawn where the ``<use>`` that the filled card
    keeps puts it (the release, docs and square cards move the title down
    when a field under it is empty; the profile card moves its text blocks).
    """
    template = RENDERER.template(name)
    field = HEADLINE.get(name, "title")
    slot = next(s for s in template.text_slots if s.field == field)
    bounds = slot.bounds()
    assert bounds is not None, f"{name}: the {field} text has no box"
    left, top, right, bottom = bounds
    element = etree.parse(str(template.path)).getroot().find(f".//*[@id='{slot.element_id}']")
    assert element is not None
    if not any(a.tag == f"{SVG}defs" for a in element.iterancestors()):
        return bounds
    ids = {e.get("id") for e in [element, *element.iterancestors()] if e.get("id")}
    filled = etree.fromstring(RENDERER.render(name, _fields(name, INVISIBLE), format="svg").data)
    uses = [
        use
        for use in filled.iter(f"{SVG}use")
        if (use.get("href") or use.get(XLINK_HREF) or "").removeprefix("#") in ids
    ]
    assert len(uses) == 1, f"{name}: {len(uses)} <use> elements draw the {field} text"
    dx, dy = float(uses[0].get("x", "0")), float(uses[0].get("y", "0"))
    for ancestor in uses[0].iterancestors():
        transform = (ancestor.get("transform") or "").strip()
        if transform:
            moved = re.fullmatch(r"translate\(\s*([-\d.]+)(?:[\s,]+([-\d.]+))?\s*\)", transform)
            assert moved, f"{name}: a transform this test does not read: {transform!r}"
            dx, dy = dx + float(moved.group(1)), dy + float(moved.group(2) or 0)
    return left + dx, top + dy, right + dx, bottom + dy


@cache
def letter_spacing(name: str) -> float:
    """The headline's ``letter-spacing`` in em, read from the template file."""
    template = RENDERER.template(name)
    slot = next(s for s in template.text_slots if s.field == HEADLINE.get(name, "title"))
    element = etree.parse(str(template.path)).getroot().find(f".//*[@id='{slot.element_id}']")
    assert element is not None
    value = (element.get("letter-spacing") or "0").strip()
    if value in ("0", "normal"):
        return 0.0
    assert value.endswith("em"), f"{name}: letter-spacing {value!r} (this test reads em)"
    return float(value[:-2])


# -- Rendering, once per template, scale and title ---------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one rendering showed: where its title's pixels are, and its fit report."""

    #: ``(left, top, right, bottom)`` of the changed pixels (right and bottom exclusive), or ``None``.
    changed: tuple[int, int, int, int] | None
    report: FitReport


@cache
def invisible(name: str, scale: int) -> Image.Image:
    image = Image.open(BytesIO(RENDERER.render(name, _fields(name, INVISIBLE), scale=scale).data))
    image.load()
    return image


@cache
def outcome(name: str, scale: int, title: str) -> Outcome:
    result = RENDERER.render(name, _fields(name, title), scale=scale)
    template = RENDERER.template(name)
    assert png_size(result.data) == (template.width * scale, template.height * scale)
    image = Image.open(BytesIO(result.data))
    changed = ImageChops.difference(image, invisible(name, scale)).getbbox()
    field = HEADLINE.get(name, "title")
    return Outcome(changed, next(r for r in result.reports if r.field == field))


def _save_failure(name: str, scale: int, title: str, box: tuple[float, ...]) -> Path:
    """The card with the box in red and the title's changed pixels in magenta, for a person to look at."""
    base = invisible(name, scale).convert("RGB")
    image = Image.open(BytesIO(RENDERER.render(name, _fields(name, title), scale=scale).data)).convert("RGB")
    mask = ImageChops.difference(image, base).convert("L").point(lambda v: 255 if v else 0)
    marked = Image.composite(Image.new("RGB", image.size, (255, 0, 255)), image, mask)
    ImageDraw.Draw(marked).rectangle([round(v * scale) for v in box], outline=(255, 0, 0))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"corpus-{name}-{scale}x-{zlib.crc32(title.encode()):08x}.png"
    marked.save(path)
    return path


# -- (a) ink ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "scale", "title"), CASES)
def test_ink_stays_in_the_box(name: str, scale: int, title: str) -> None:
    seen = outcome(name, scale, title)
    left, top, right, bottom = (v * scale for v in title_box(name))
    if not _drawable_clusters(title):
        assert seen.changed is None, "a title of characters no font has drew something"
        return
    assert seen.changed is not None, f"the title drew nothing: {seen.report}"
    x0, y0, x1, y1 = seen.changed
    inside = (
        x0 >= left - INK_TOLERANCE
        and y0 >= top - INK_TOLERANCE
        and x1 <= right + INK_TOLERANCE
        and y1 <= bottom + INK_TOLERANCE
    )
    if not inside:
        path = _save_failure(name, scale, title, title_box(name))
        pytest.fail(
            f"ink {seen.changed} leaves the box {(left, top, right, bottom)} "
            f"(size {seen.report.size}, lines {seen.report.lines}); see {path}"
        )
    if scale != 1:
        assert seen.report == outcome(name, 1, title).report, "the layout depends on the scale"


# -- (b) widths, by HarfBuzz on the font files --------------------------------------------------


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int
    cmap: frozenset[int]

    def covers(self, chars: str) -> bool:
        """Whether the face has every character, as written or composed or decomposed (HarfBuzz does both)."""
        return any(
            all(ord(c) in self.cmap for c in form)
            for form in (chars, unicodedata.normalize("NFC", chars), unicodedata.normalize("NFD", chars))
        )


@cache
def font_files() -> dict[str, FontFile]:
    """Every font on this machine that svgog may use, by full name (``name`` ID 4): bundled, then the system's."""
    bundled = [(p, 0) for p in sorted((ROOT / "fonts").rglob("*")) if p.suffix.lower() in (".otf", ".ttf")]
    try:
        listed = subprocess.run(
            ["fc-list", "--format", "%{file}\t%{index}\n"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        listed = ""
    system = sorted({(Path(f), int(i)) for f, _, i in (line.partition("\t") for line in listed.splitlines()) if f})
    found: dict[str, FontFile] = {}
    for path, index in bundled + system:
        if path.suffix.lower() not in (".otf", ".ttf", ".ttc", ".otc"):
            continue
        with TTFont(path, fontNumber=index, lazy=True) as font:
            name = font["name"].getDebugName(4)
            cmap = frozenset(font.getBestCmap() or ())
        if name:
            found.setdefault(name, FontFile(path, index, cmap))
    return found


@cache
def _harfbuzz_font(path: Path, index: int) -> hb.Font:
    return hb.Font(hb.Face(hb.Blob.from_file_path(str(path)), index))


@cache
def twemoji() -> frozenset[str]:
    with zipfile.ZipFile(ROOT / "fonts" / "twemoji" / "twemoji-svg.zip") as archive:
        return frozenset(n.removesuffix(".svg") for n in archive.namelist())


_IGNORABLE = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cc}]")
# UTS #51: emoji presentation by default, a flag, or made emoji by VS16, a keycap, a skin tone, a ZWJ or tags.
_EMOJI = regex.compile(
    r"\p{Emoji_Presentation}|\p{Regional_Indicator}|.+[\ufe0f\u20e3\u200d\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]",
    regex.S,
)
# Scripts set without letter spacing: the cursive ones, as CSS and Chromium do (Hebrew, Devanagari and
# Thai are spaced; test_scripts_browser.py compares with Chromium).
_NO_SPACING = regex.compile(r"[\p{Arabic}\p{Syriac}\p{Nko}\p{Mandaic}\p{Mongolian}\p{Adlam}\p{Hanifi_Rohingya}]")


def emoji_image(cluster: str) -> str | None:
    """The Twemoji image name of a cluster, if the bundled set has one."""
    full = "-".join(f"{ord(c):x}" for c in cluster)
    bare = "-".join(f"{ord(c):x}" for c in cluster if c != "\ufe0f")
    return next((name for name in (full, bare) if name in twemoji()), None)


def _visible(cluster: str) -> str:
    return "".join(c for c in cluster if not _IGNORABLE.match(c))


def cluster_source(cluster: str, fonts: tuple[str, ...]) -> str | None:
    """``"emoji"``, the full name of the first of ``fonts`` that draws the cluster, or ``None``."""
    image = emoji_image(cluster)
    if image is not None and _EMOJI.match(cluster):
        return "emoji"
    visible = _visible(cluster)
    found = next((name for name in fonts if font_files()[name].covers(visible)), None)
    if found is None and image is not None:
        return "emoji"
    return found


def harfbuzz_width(line: str, fonts: tuple[str, ...], size: float, spacing: float) -> float:
    """The advance of ``line`` at ``size`` px in ``fonts``; ``spacing`` px after each spaced cluster but the last."""
    runs: list[list[str]] = []  # [source, text]
    for cluster in regex.findall(r"\X", line):
        if not _visible(cluster):
            continue  # format characters (ZWSP, soft hyphen) draw nothing and take no space
        source = cluster_source(cluster, fonts) or "missing"
        if runs and runs[-1][0] == source:
            runs[-1][1] += cluster
        else:
            runs.append([source, cluster])
    width = 0.0
    spaced = 0
    last_spaced = False
    for source, text in runs:
        if source == "missing":
            continue
        if source == "emoji":
            count = len(regex.findall(r"\X", text))
            width += count * EMOJI_ADVANCE * size
            spaced, last_spaced = spaced + count, True
            continue
        face = font_files()[source]
        font = _harfbuzz_font(face.path, face.index)
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(font, buffer)
        width += sum(p.x_advance for p in buffer.glyph_positions) * size / font.face.upem
        last_spaced = not _NO_SPACING.search(text)
        if last_spaced:
            spaced += len({info.cluster for info in buffer.glyph_infos})
    return width + (spaced - last_spaced) * spacing


@pytest.mark.parametrize(("name", "title"), LAYOUTS)
def test_no_line_is_wider_than_the_box_by_harfbuzz(name: str, title: str) -> None:
    report = outcome(name, 1, title).report
    unknown = [font for font in report.fonts if font not in font_files()]
    assert not unknown, f"no font file has the full name {unknown}"
    left, _, right, _ = title_box(name)
    spacing = letter_spacing(name) * report.size
    for line in report.lines:
        width = harfbuzz_width(line, report.fonts, report.size, spacing)
        assert width <= right - left + WIDTH_TOLERANCE, (
            f"{line!r} is {width:.2f} px wide at {report.size} px in {report.fonts}; the box is {right - left:g}"
        )


# -- (c) nothing missing that a font on this machine has ----------------------------------------


@cache
def _drawable(cluster: str) -> bool:
    visible = _visible(cluster)
    if not visible.strip():
        return True
    return emoji_image(cluster) is not None or any(face.covers(visible) for face in font_files().values())


def _drawable_clusters(title: str) -> bool:
    return any(_visible(c).strip() and _drawable(c) for c in regex.findall(r"\X", title))


def undrawable(title: str) -> set[str]:
    """The characters of the clusters of ``title`` that no font here has and no emoji image shows."""
    return {c for cluster in regex.findall(r"\X", title) if not _drawable(cluster) for c in _visible(cluster)}


@pytest.mark.parametrize(("name", "title"), LAYOUTS)
def test_nothing_is_missing_that_a_font_here_has(name: str, title: str) -> None:
    report = outcome(name, 1, title).report
    assert {c for c in report.missing if not c.isspace()} == undrawable(title), report


def test_the_machine_has_a_font_for_every_script() -> None:
    """What (c) proves depends on the fonts installed: ``make fonts`` installs one for every script of the corpus."""
    without = {script for script, titles in SCRIPTS.items() if any(undrawable(t) for t in titles)}
    assert not without, f"no font on this machine for {sorted(without)}: run make fonts"


# -- Pictures to look at ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*BROWSER, "japanese-kinsoku", "thai", "arabic-repeated"])
def test_keep_pictures_to_look_at(kind: str) -> None:
    title = {
        **BROWSER,
        "japanese-kinsoku": SCRIPTS["japanese"][0],
        "thai": SCRIPTS["thai"][1],
        "arabic-repeated": SCRIPTS["arabic"][3],
    }[kind]
    save_output(f"corpus-{kind}.png", RENDERER.render_png("blog", title=title))
