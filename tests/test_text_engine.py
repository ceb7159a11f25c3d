"""Fitting policy, alignment, balance, fallback and shaping behaviour."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import numpy as np
import pytest
from helpers import pixels

from svgog import FontRegistry, Renderer, UnsupportedText
from svgog.fonts import FontFace
from svgog.template import Template
from svgog.text.breaking import balanced_lines, chars, fit, line_text
from svgog.text.runs import FontChain, Measurer
from svgog.text.segment import atoms
from svgog.text.shaping import shape

FONTS = FontRegistry()
# The CJK subset alone: the other test fonts would join the fallback chain.
TEST_FONTS = Path(__file__).resolve().parent / "fonts" / "NotoSansCJKjp-Bold-subset.otf"
INTER_BOLD = FONTS.match("Inter", 700)

LATIN_TITLES = [
    "Hello world",
    "How to Generate OG Images Dynamically with an API in 2026",
    "WAVY TYPOGRAPHY: AVOID AWKWARD KERNING PAIRS",
    "Typography: To, Ta, Te, Yo, Vo, Wa, P., F., T.",
    "The quick brown fox jumps over the lazy dog",
    "Crème brûlée, jalapeño, naïve façade",
    "Zürich → Köln: 15% off, €49.99",
    "“Smart quotes” and ‘apostrophes’ — dashes – too",
    "Release v2.0.0-rc.1 is out",
    "iPhone 16 Pro Max review: the camera is the story",
    "Q&A: everything about OG images",
    "1/3 of all links shared are never clicked",
    "AVAVAVAVAV TTTTooooo LLLLTTTT",
    "Why we rewrote our build pipeline (twice)",
    "Ελληνικά και Русский",
    "fi fl ff ffi office affluent",
    "Numbers 1234567890 and symbols #@&*()[]{}",
    "lowercase only title for a minimalist brand",
    "ALL CAPS HEADLINES ARE HARDER TO READ",
    "Yesterday, Today, Tomorrow: P.S. V.A.T.",
]


def text_template(attributes: str, *, text: str = "x", size: int = 40, root: str = "") -> Template:
    source = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="800" height="400" {root}>'
        f'<rect width="800" height="400" fill="#fff"/>'
        f'<text id="t" x="100" y="100" font-family="Inter" font-weight="700" font-size="{size}" {attributes}>{text}</text>'
        "</svg>"
    )
    return Template.from_bytes("t", source.encode(), FONTS)


def report(template: Template, value: str):  # type: ignore[no-untyped-def]
    return template.fill({"t": value})[1][0]


@pytest.mark.parametrize("title", LATIN_TITLES)
def test_latin_widths_agree_with_harfbuzz(title: str) -> None:
    """The measurer (font chain, pieces, memo) measures Latin as HarfBuzz shapes it, within 1 px at 64 px."""
    ours = Measurer(FontChain([INTER_BOLD], None)).at(64)(title)
    theirs = shape(INTER_BOLD, title).advance * 64 / INTER_BOLD.units_per_em
    assert abs(ours - theirs) <= 1.0, (ours, theirs)


def test_shrinks_before_truncating() -> None:
    t = text_template('og:width="300" og:max-lines="1" og:min-size="20"')
    fits_smaller = report(t, "A slightly long line")
    assert fits_smaller.shrunk and not fits_smaller.truncated
    assert 20 <= fits_smaller.size < 40
    too_long = report(t, "A line that is far too long to fit even at the smallest allowed size")
    assert too_long.size == 20 and too_long.truncated


def test_fit_none_keeps_the_size() -> None:
    t = text_template('og:width="300" og:max-lines="1" og:fit="none"')
    result = report(t, "A slightly long line")
    assert result.size == 40 and result.truncated


def test_height_decides_line_count() -> None:
    t = text_template('og:width="300" og:height="200" og:line-height="1.2"')
    # 200 px holds (200 - 1.21*40) / 48 + 1 = 4 lines at 40 px, and 5 only smaller.
    four = report(t, "one\ntwo\nthree\nfour")
    assert len(four.lines) == 4 and four.size == 40 and not four.truncated
    five = report(t, "one\ntwo\nthree\nfour\nfive")
    assert len(five.lines) == 5 and five.shrunk and not five.truncated


def test_custom_ellipsis_and_minimum() -> None:
    t = text_template('og:width="200" og:max-lines="1" og:fit="none" og:ellipsis=" [more]"')
    assert report(t, "words words words words words words").lines[0].endswith(" [more]")


@pytest.mark.parametrize(
    ("align", "expected_left"),
    [("start", 100), ("end", 500 - 1), ("middle", 300)],
)
def test_horizontal_alignment_in_the_box(align: str, expected_left: float) -> None:
    t = text_template(f'og:width="400" og:align="{align}"', text="Hi")
    svg, _ = t.fill({"t": "HH"})
    from svgog.raster import svg_to_png

    image = pixels(svg_to_png(svg, width=800, height=400))
    xs = np.nonzero(np.any(image[..., :3] < 128, axis=2))[1]
    width = xs.max() - xs.min()
    centre = (xs.min() + xs.max()) / 2
    if align == "start":
        assert abs(xs.min() - 100) <= 4
    elif align == "end":
        assert abs(xs.max() - 500) <= 4
    else:
        assert abs(centre - 300) <= 2 and width > 20


def test_vertical_alignment_in_the_box() -> None:
    from svgog.raster import svg_to_png

    def ink_rows(valign: str) -> tuple[int, int]:
        t = text_template(f'og:width="400" og:height="300" og:valign="{valign}"')
        svg, _ = t.fill({"t": "Hx"})
        image = pixels(svg_to_png(svg, width=800, height=400))
        ys = np.nonzero(np.any(image[..., :3] < 128, axis=2))[0]
        return int(ys.min()), int(ys.max())

    top, middle, bottom = ink_rows("top"), ink_rows("middle"), ink_rows("bottom")
    assert top[0] < middle[0] < bottom[0]
    box_top = 100 - INTER_BOLD.ascender / INTER_BOLD.units_per_em * 40
    assert abs((middle[0] + middle[1]) / 2 - (box_top + 150)) < 12
    assert bottom[1] <= box_top + 300 + 1


def test_text_transform_and_letter_spacing() -> None:
    upper = text_template('og:width="600" style="text-transform:uppercase"')
    assert report(upper, "shout it").lines == ("SHOUT IT",)
    capital = text_template('og:width="600" text-transform="capitalize"')
    assert report(capital, "hello wide world").lines == ("Hello Wide World",)
    plain, spaced = text_template('og:width="600"'), text_template('og:width="600" letter-spacing="5"')
    narrow = Measurer(plain.text_slots[0].styles).at(40)("abcd")
    wide = Measurer(spaced.text_slots[0].styles).at(40)("abcd")
    assert wide == pytest.approx(narrow + 4 * 5)
    # Pixel spacing shrinks with a shrunk text, so its words never run together.
    assert Measurer(spaced.text_slots[0].styles).at(20, 0.5)("abcd") == pytest.approx(narrow / 2 + 4 * 2.5)


def test_balanced_wrapping_evens_lines() -> None:
    measure = Measurer(FontChain([INTER_BOLD], None)).at(64)
    text = "The quick brown fox jumps over the lazy dog"
    greedy = fit(text, 1000, measure).lines
    even = fit(text, 1000, measure, balance=True).lines
    assert len(even) == len(greedy) == 2
    spread = lambda lines: max(map(measure, lines)) - min(map(measure, lines))  # noqa: E731
    assert spread(even) < spread(greedy)


BALANCE_TITLES = [
    "Ship it today",
    "How to Generate OG Images Dynamically with an API in 2026",
    "The quick brown fox jumps over the lazy dog",
    "A short title that ends with an orphan",
    "Ten things we learned shipping a font engine",
    "Why we rewrote our build pipeline twice",
    "Design once, render everywhere, forever",
    "One two three four five six seven eight nine",
]


@pytest.mark.parametrize("title", BALANCE_TITLES)
@pytest.mark.parametrize("width", [260, 400, 560])
def test_balance_leaves_no_orphan_when_an_alternative_exists(title: str, width: int) -> None:
    measure = Measurer(FontChain([INTER_BOLD], None)).at(40)
    items = atoms(title)
    lines = fit(title, width, measure, balance=True).lines
    if len(lines) < 2 or len(lines[-1].split()) > 1:
        return
    # The last line is a single word: check by brute force that no other
    # breaking into the same number of lines fits without one.
    count = len(lines)
    for cuts in itertools.combinations(range(1, len(items)), count - 1):
        bounds = [0, *cuts, len(items)]
        candidate = [line_text(items[a:b]) for a, b in zip(bounds, bounds[1:])]
        if all(measure(line) <= width for line in candidate):
            assert len(candidate[-1].split()) == 1, f"{candidate} avoids the orphan in {lines}"


def test_balance_keeps_the_line_count() -> None:
    items = atoms("aa bb cc dd ee ff")
    assert len(balanced_lines(items, 8, chars, 2) or []) == 2
    assert balanced_lines(items, 2, chars, 2) is None  # cannot fit in two lines


def test_fallback_chain_order() -> None:
    template = text_template('og:width="600"', root='og:fallback-fonts="Noto Sans Hebrew"')
    families = [face.info.family for face in template.text_slots[0].chain.faces]
    assert families[0] == "Inter" and families[1] == "Noto Sans Hebrew"
    renderer = Renderer(fonts=[TEST_FONTS], fallback_fonts=["Noto Sans Arabic"])
    chain = renderer.template("blog").text_slots[1].chain
    names = [face.info.family for face in chain.faces]
    assert names[:3] == ["Inter", "Noto Sans Arabic", "Noto Sans CJK JP"]  # configured, added, bundled


def test_unknown_fallback_families() -> None:
    from svgog import FontError

    # The renderer's own settings are the caller's to fix: an error.
    with pytest.raises(FontError, match="Comic"):
        Renderer(fallback_fonts=["Comic Sans"])
    # A design names fonts it cannot know the renderer lacks: left out, and said so.
    template = text_template("", root='og:fallback-fonts="Comic Sans, Noto Sans Arabic"')
    assert [note.message for note in template.notes if "Comic" in note.message] == [
        "og:fallback-fonts names 'Comic Sans', which no registered font has: left out of the chain"
    ]
    assert "Noto Sans Arabic" in [face.info.family for face in template.text_slots[0].chain.faces]


def test_missing_characters_are_reported_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    renderer = Renderer(system_fonts=False)  # no CJK font
    with caplog.at_level(logging.WARNING, logger="svgog"):
        result = renderer.render("blog", format="svg", title="漢字 title")
    title = next(r for r in result.reports if r.field == "title")
    assert title.missing == ("字", "漢")
    assert "U+6F22" in caplog.text and "fonts-noto-cjk" in caplog.text
    assert result.warnings and "U+6F22" in result.warnings[0]
    with pytest.raises(UnsupportedText, match=r"U\+6F22") as info:
        Renderer(strict=True, system_fonts=False).render_png("blog", title="漢字 title")
    assert info.value.field == "title"
    # Other scripts name Noto's package for them; a character no font anywhere has
    # (private use) is missing with the system's fonts too, and names no package.
    thai = renderer.render("blog", format="svg", title="ภาษา").warnings
    assert len(thai) == 1 and "U+0E20" in thai[0] and "fonts-noto-core" in thai[0]
    result = Renderer().render("blog", title="\U0010fffd x")
    title = next(r for r in result.reports if r.field == "title")
    assert title.missing == ("\U0010fffd",)
    assert "U+10FFFD" in result.warnings[0] and "apt-get" not in result.warnings[0]


def test_the_systems_fonts_draw_what_the_renderers_lack() -> None:
    """Japanese, Chinese and Korean with no configuration, on a machine with fonts-noto-cjk (make test installs it)."""
    renderer = Renderer()
    japanese = next(r for r in renderer.render("blog", title="Next.js と Flask で OG 画像を生成する方法").reports if r.field == "title")
    assert japanese.missing == ()
    assert any("CJK" in font for font in japanese.fonts), japanese.fonts
    korean = next(r for r in renderer.render("blog", title="안녕하세요 세계").reports if r.field == "title")
    assert korean.missing == () and any("CJK KR" in font for font in korean.fonts), korean.fonts


def test_every_run_is_shaped_by_harfbuzz() -> None:
    """Arabic joins, Latin gets HarfBuzz's default features, nothing is reported unshaped."""
    result = Renderer(strict=True).render("blog", format="svg", title="Hello مرحبا")
    title = next(r for r in result.reports if r.field == "title")
    assert title.missing == () and title.lines == ("Hello مرحبا",)
    arabic = FONTS.match("Noto Sans Arabic")
    joined = shape(arabic, "مرحبا", rtl=True, cursive=True, spacing=100.0)
    assert list(joined.glyphs) != [arabic.glyph_for(c) for c in reversed("مرحبا")], "joining forms"
    assert joined.advance == shape(arabic, "مرحبا", rtl=True).advance, "no letter spacing in cursive scripts"
    # Letter spacing follows every cluster: a letter with its combining mark is one.
    plain, spaced = shape(INTER_BOLD, "ne\u0301"), shape(INTER_BOLD, "ne\u0301", spacing=100.0)
    assert plain.clusters == spaced.clusters == 2 and spaced.advance == plain.advance + 200
    # A right-to-left run comes out in visual order, brackets mirrored.
    rtl = shape(INTER_BOLD, "(a", rtl=True)
    assert rtl.glyphs == (INTER_BOLD.glyph_for("a"), INTER_BOLD.glyph_for(")"))


def test_emoji_are_measured_like_glyphs() -> None:
    chain = FontChain([INTER_BOLD], Renderer().emoji)
    measure = Measurer(chain).at(64)
    assert measure("🚀") == pytest.approx(1.16 * 64)
    assert measure("a🚀b") == pytest.approx(measure("a") + measure("🚀") + measure("b"))
    pieces = chain.pieces("Hi 👩🏽‍💻!")
    assert [p.kind for p in pieces] == ["face", "emoji", "face"]


def test_faces_are_shared(renderer: Renderer) -> None:
    chain = renderer.template("blog").text_slots[1].chain
    assert all(isinstance(face, FontFace) for face in chain.faces)


CJK_FONT = FontRegistry([TEST_FONTS]).match("Noto Sans CJK JP", 700)


@pytest.mark.parametrize("width", range(120, 720, 37))
def test_kinsoku_and_whole_latin_words_in_cjk(width: int) -> None:
    from svgog.text.segment import NO_LINE_END, NO_LINE_START

    measure = Measurer(FontChain([INTER_BOLD, CJK_FONT], None)).at(32)
    text = "「括弧」や（丸括弧）が行頭や行末に来ないように、TypeScriptとPythonで処理します。"
    lines = fit(text, width, measure).lines
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in NO_LINE_START, lines
    for line in lines[:-1]:
        assert line[-1] not in NO_LINE_END, lines
    for word in ("TypeScript", "Python"):
        if measure(word) <= width:
            assert any(word in line for line in lines), lines


@pytest.mark.parametrize(
    ("template", "title"),
    [
        ("blog", " ".join(["عربي"] * 80)),
        ("docs", " ".join(["عربي"] * 10)),
        ("docs", "Mixed: Flask ❤️ عربي and עברית in one line"),
        ("square", "Négative letter spacing must still fit the box of the square card"),
    ],
)
def test_right_to_left_text_is_measured_as_it_is_drawn(template: str, title: str) -> None:
    """Lines are measured with the bidi levels and shaping they are drawn with: none leaves its box."""
    renderer = Renderer()
    result = renderer.render(template, title=title)
    report = next(r for r in result.reports if r.field == "title")
    slot = next(s for s in renderer.template(template).text_slots if s.field == "title")
    left, top, right, bottom = slot.bounds()
    ink_left, ink_top, ink_right, ink_bottom = report.ink
    assert left - 0.5 <= ink_left and ink_right <= right + 0.5, (report.lines, report.ink, slot.bounds())
    assert top - 0.5 <= ink_top and ink_bottom <= bottom + 0.5


def test_negative_letter_spacing_never_pushes_ink_out_of_the_box() -> None:
    """With negative spacing the last glyph reaches past the line's measured width: the box allows for it."""
    renderer = Renderer()
    words = "When Wolves Were Waving We Watched Wide Windows Wobble Wildly Without Worry".split()
    for template in ("minimal", "docs", "product"):
        slot = next(s for s in renderer.template(template).text_slots if s.field == "title")
        left, _, right, _ = slot.bounds()
        for count in range(3, len(words)):
            report = next(r for r in renderer.render(template, title=" ".join(words[:count])).reports if r.field == "title")
            assert left - 0.5 <= report.ink[0] and report.ink[2] <= right + 0.5, (template, count, report.ink)
