"""What design-tool files ask of svgog, filled with values: runs, lines, frames, alignment, units, fonts.

How each file looks unfilled is compared with Chromium in ``test_design_tools.py``;
these tests fill the templates with new values, which no browser can show.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import pixels

from svgog import Renderer
from svgog.template import Template

ROOT = Path(__file__).resolve().parents[1]
TEST_FONTS = ROOT / "tests" / "fonts"
HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" '
    'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
    'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" {size}>'
)


@pytest.fixture(scope="module")
def fonts_renderer(tmp_path_factory: pytest.TempPathFactory) -> Renderer:
    return Renderer(templates=[tmp_path_factory.mktemp("templates")], fonts=[TEST_FONTS])


def card(renderer: Renderer, name: str, body: str, *, size: str = 'width="1200" height="630"') -> Template:
    path = renderer.template_dirs[0] / f"{name}.svg"
    path.write_text(HEAD.format(size=size) + '<rect width="100%" height="100%" fill="#fff"/>' + body + "</svg>")
    return renderer.template(name)


def ink_box(png: bytes, region: tuple[int, int, int, int] | None = None) -> tuple[int, int, int, int]:
    """``(left, top, right, bottom)`` of the non-white pixels."""
    image = pixels(png)[..., :3].astype(int)
    dark = image.sum(axis=2) < 600
    if region is not None:
        mask = np.zeros_like(dark)
        left, top, right, bottom = region
        mask[top:bottom, left:right] = True
        dark &= mask
    ys, xs = np.nonzero(dark)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_a_value_takes_the_first_runs_style(fonts_renderer: Renderer) -> None:
    card(
        fonts_renderer,
        "runs",
        '<text id="title" x="80" y="200" font-family="Inter" font-size="64" font-weight="700" fill="#111">'
        'Bello<tspan fill="#0ea5e9" font-weight="400">Treno</tspan></text>',
    )
    own = fonts_renderer.render("runs", format="svg")
    assert own.reports[0].fonts == ("Inter Bold", "Inter Regular")
    assert 'fill="#0ea5e9"' in own.data.decode()
    value = fonts_renderer.render("runs", title="Hello", format="svg")
    assert value.reports[0].fonts == ("Inter Bold",)
    assert 'fill="#0ea5e9"' not in value.data.decode()
    assert value.reports[0].lines == ("Hello",)


def test_tspans_can_be_fields_of_their_own(fonts_renderer: Renderer) -> None:
    template = card(
        fonts_renderer,
        "byline",
        '<text id="text4" x="80" y="300" font-family="Inter" font-size="32" fill="#333">by '
        '<tspan id="author" fill="#c00" font-weight="700">Jane Doe</tspan> on '
        '<tspan id="tspan9" inkscape:label="date">May 1</tspan></text>',
    )
    assert set(template.fields) == {"author", "date"}
    assert template.fields["author"].default == "Jane Doe"
    result = fonts_renderer.render("byline", author="Ana Lima", format="svg")
    assert result.reports[0].lines == ("by Ana Lima on May 1",)
    assert 'fill="#c00"' in result.data.decode()  # the value keeps its run's color
    assert result.reports[0].field == "author"


def test_line_tspans_and_separators_are_lines(fonts_renderer: Renderer) -> None:
    template = card(
        fonts_renderer,
        "lines",
        '<text id="title" x="80" y="200" font-family="Inter" font-size="40">'
        '<tspan x="80" dy="0">First line</tspan><tspan x="80" dy="1.5em">Second line</tspan></text>'
        '<text id="figma" x="80" y="500" font-family="Inter" font-size="30">One\u2028Two</text>',
    )
    assert template.fields["title"].default == "First line\nSecond line"
    assert template.fields["figma"].default == "One\nTwo"
    slot = template.text_slots[0]
    assert slot.spec.line_height == pytest.approx(1.5)  # from the design, not the default 1.2
    result = fonts_renderer.render("lines", figma="Alpha\u2028Beta")
    assert result.reports[1].lines == ("Alpha", "Beta")
    assert result.reports[0].lines == ("First line", "Second line")
    top, bottom = ink_box(result.data, (0, 100, 1200, 320))[1::2]
    assert bottom - top > 60  # two lines 60 px apart, not one


def test_inkscape_frames_wrap_values(fonts_renderer: Renderer) -> None:
    card(
        fonts_renderer,
        "frame",
        '<defs><rect id="frame" x="100" y="100" width="500" height="300"/></defs>'
        '<text id="title" xml:space="preserve" style="font-size:48px;line-height:1.25;font-family:Inter;'
        'shape-inside:url(#frame);fill:#000"><tspan x="100" y="146">Short</tspan></text>'
        '<text id="inline" x="900" y="500" style="font-size:30px;font-family:Inter;inline-size:400px;'
        'text-anchor:middle;fill:#000">x</text>',
    )
    words = "A title long enough to wrap three times inside the text frame Inkscape drew for it"
    result = fonts_renderer.render("frame", title=words, inline="Centred lines around their x, wrapped to 400")
    left, top, right, bottom = ink_box(result.data, (0, 0, 700, 450))
    assert 100 <= left and right <= 600 and 100 <= top and bottom <= 400
    assert len(result.reports[0].lines) >= 3
    left, _, right, _ = ink_box(result.data, (650, 420, 1200, 630))
    assert 700 <= left and right <= 1100 and abs((left + right) / 2 - 900) < 12


def test_figma_keeps_a_centred_title_centred(fonts_renderer: Renderer) -> None:
    # Figma writes each line's own x (centred), never text-anchor.
    card(
        fonts_renderer,
        "centred",
        '<rect id="title-box" x="100" y="100" width="1000" height="300" fill="#eee"/>'
        '<text id="title" fill="black" xml:space="preserve" style="white-space: pre" font-family="Inter" '
        'font-size="64" font-weight="bold" letter-spacing="0em"><tspan x="472.761" y="201.273">Centred</tspan></text>'
        '<rect id="right-box" x="100" y="450" width="1000" height="100" fill="#eee"/>'
        '<text id="right" fill="black" xml:space="preserve" style="white-space: pre" font-family="Inter" '
        'font-size="40"><tspan x="1002.386" y="514.545">Right</tspan></text>',
    )
    template = fonts_renderer.template("centred")
    assert [slot.spec.align for slot in template.text_slots] == ["middle", "end"]
    result = fonts_renderer.render("centred", title="A much longer title that still sits in the middle", right="Flush")
    left, _, right, _ = ink_box(result.data, (0, 90, 1200, 420))
    assert abs((left + right) / 2 - 600) < 6
    _, _, right, _ = ink_box(result.data, (0, 440, 1200, 560))
    assert 1092 <= right <= 1100


@pytest.mark.parametrize(
    ("baseline", "text", "expected"),
    [
        ("central", "HHH", "centre"),  # between ascender and descender: about mid cap for Inter
        ("middle", "xxx", "centre"),  # half the x-height above the alphabetic baseline
        ("text-top", "HHH", "top"),
        ("hanging", "HHH", "top"),
        ("alphabetic", "HHH", "bottom"),
    ],
)
def test_dominant_baseline_moves_the_text(fonts_renderer: Renderer, baseline: str, text: str, expected: str) -> None:
    card(
        fonts_renderer,
        f"baseline-{baseline}",
        f'<text id="t" x="600" y="315" text-anchor="middle" dominant-baseline="{baseline}" '
        f'font-family="Inter" font-size="100">{text}</text>',
    )
    _, top, _, bottom = ink_box(fonts_renderer.render(f"baseline-{baseline}").data)
    where = {"centre": abs((top + bottom) / 2 - 315) < 8, "top": 305 < top < 340, "bottom": abs(bottom - 315) <= 2}
    assert where[expected], (top, bottom)


def test_units_and_percentages(fonts_renderer: Renderer) -> None:
    template = card(
        fonts_renderer,
        "units",
        '<text id="title" x="50%" y="2in" text-anchor="middle" font-family="Inter" font-size="3em">Units</text>',
        size='width="317.5mm" height="166.6875mm" viewBox="0 0 1200 630"',
    )
    assert (template.width, template.height) == (1200, 630)
    slot = template.text_slots[0]
    assert (slot.spec.x, slot.spec.y, slot.spec.size) == (600, 192, 48)
    percent = card(fonts_renderer, "percent", "", size='width="100%" height="100%" viewBox="0 0 1200 630"')
    assert (percent.width, percent.height) == (1200, 630)


def test_sheets_drive_layout(fonts_renderer: Renderer) -> None:
    card(
        fonts_renderer,
        "sheet",
        "<style>.st0{fill:#0F172A;}.st1{font-family:'Inter-Bold';}.st2{font-size:72px;}"
        ".headline{font:600 50px Inter}</style>"
        '<text id="title" transform="matrix(1 0 0 1 80 200)" class="st0 st1 st2">Illustrator</text>'
        '<text id="sub" class="headline" x="80" y="400">Shorthand</text>',
    )
    title, sub = fonts_renderer.render("sheet").reports
    assert (title.size, title.fonts) == (72, ("Inter Bold",))
    assert (sub.size, sub.fonts) == (50, ("Inter Semi Bold",))


def test_missing_fonts_fall_back_and_say_so(fonts_renderer: Renderer) -> None:
    template = card(
        fonts_renderer,
        "fallback",
        '<text id="title" x="80" y="200" font-family="SF Pro Rounded" font-size="64">Rounded</text>'
        '<text id="serif" x="80" y="400" font-family="Georgia, serif" font-style="italic" font-size="64">Serif</text>'
        '<text id="play" x="80" y="550" font-family="Play" font-style="italic" font-size="64">Play</text>',
        size='width="1200" height="630" og:fallback-fonts="Comic Neue, Noto Sans Arabic"',
    )
    result = fonts_renderer.render("fallback", format="svg")
    title, serif, play = result.reports
    assert title.fonts == ("Inter Regular",)
    assert '"SF Pro Rounded" is not registered' in title.substitutions[0]
    assert "--fonts DIR" in title.substitutions[0]
    assert serif.fonts == ("Inter Italic",)  # the test fonts have Inter's italic
    assert '"Georgia" is not registered' in serif.substitutions[0]
    assert play.fonts[0] == "Play Regular"
    assert any("no italic face: slanted" in s for s in play.substitutions)
    # The slant is a shear in the glyphs' transform, as browsers synthesize it.
    assert "matrix(0.064 0 0.016 -0.064" in result.data.decode()
    assert any("Comic Neue" in note.message for note in template.notes)


def test_a_missing_family_is_drawn_with_the_templates_fallback_font(fonts_renderer: Renderer) -> None:
    card(
        fonts_renderer,
        "substitute",
        '<text id="title" x="80" y="200" font-family="Cal Sans" font-size="64">Cal Sans</text>'
        '<text id="generic" x="80" y="400" font-family="Cal Sans, sans-serif" font-size="64">Generic</text>',
        # Noto Sans Arabic has no Latin letters: it is passed over for this Latin text.
        size='width="1200" height="630" og:fallback-fonts="Comic Neue, Noto Sans Arabic, Play"',
    )
    title, generic = fonts_renderer.render("substitute", format="svg").reports
    assert title.fonts == ("Play Regular",)
    assert '"Cal Sans" is not registered, drawn with Play;' in title.substitutions[0]
    assert "name a registered family in font-family or og:fallback-fonts" in title.substitutions[0]
    assert generic.fonts == ("Inter Regular",)  # a generic family in the list comes before og:fallback-fonts
    assert "drawn with Inter" in generic.substitutions[0]


def test_a_missing_family_is_drawn_with_the_renderers_fallback_font(tmp_path: Path) -> None:
    renderer = Renderer(templates=[tmp_path], fonts=[TEST_FONTS], fallback_fonts=["Play"])
    card(renderer, "renderer", '<text id="title" x="80" y="200" font-family="Cal Sans" font-size="64">Cal</text>')
    card(
        renderer,
        "own",
        '<text id="title" x="80" y="200" font-family="Cal Sans" font-size="64">Cal</text>',
        size='width="1200" height="630" og:fallback-fonts="Outfit"',
    )
    (by_renderer,) = renderer.render("renderer", format="svg").reports
    assert by_renderer.fonts == ("Play Regular",)
    assert "drawn with Play;" in by_renderer.substitutions[0]
    (by_template,) = renderer.render("own", format="svg").reports  # the template's own list comes first
    assert by_template.fonts[0].startswith("Outfit")
    assert "drawn with Outfit;" in by_template.substitutions[0]
    plain = Renderer(templates=[tmp_path], fonts=[TEST_FONTS]).render("renderer", format="svg").reports[0]
    assert plain.fonts == ("Inter Regular",)  # no fallback list: the default family, as before


def test_a_face_named_by_its_full_name_has_no_weight_warning(fonts_renderer: Renderer, tmp_path: Path) -> None:
    link = ROOT / "tests" / "design_tools" / "illustrator" / "link.svg"  # font-family 'Inter-Bold'
    assert not [str(p) for p in fonts_renderer.check_file(link) if "has no weight" in str(p)]
    path = tmp_path / "heavy.svg"
    path.write_text(
        HEAD.format(size='width="1200" height="630"')
        + '<text id="title" x="80" y="200" font-family="Play" font-weight="900" font-size="64">Heavy</text></svg>'
    )
    problems = [str(p) for p in fonts_renderer.check_file(path)]
    assert any("Play has no weight 900: drawn at 700" in p for p in problems), problems


def test_letter_spacing_in_pixels_shrinks_with_the_text(fonts_renderer: Renderer) -> None:
    card(
        fonts_renderer,
        "spacing",
        '<text id="title" x="80" y="200" og:width="600" og:min-size="20" font-family="Inter" font-size="80" '
        'letter-spacing="10">Wide</text>',
    )
    wide = fonts_renderer.render("spacing", title="Spaced words that must shrink to fit").reports[0]
    assert wide.size < 80 and len(wide.lines) == 1
    left, _, right, _ = wide.ink
    assert right - left <= 600


def test_check_reports_what_it_cannot_honour(fonts_renderer: Renderer, tmp_path: Path) -> None:
    path = tmp_path / "busy.svg"
    path.write_text(
        HEAD.format(size='width="1200" height="630"')
        + '<defs><filter id="noise"><feTurbulence baseFrequency="0.5"/></filter></defs>'
        + '<style>@import url(x.css); .a{fill:red}</style>'
        + '<a href="https://example.com"><rect width="10" height="10" filter="url(#noise)"/></a>'
        + '<text id="title" x="80" y="200" og:widht="2" font-family="SF Pro Rounded">T</text>'
        + '<text id="other" x="80" y="300" og:fit="squeeze">T</text>'
        + '<text id="wide" x="1100" y="300" font-size="80">Off the edge</text>'
        + "</svg>"
    )
    problems = [str(p) for p in fonts_renderer.check_file(path)]
    text = "\n".join(problems)
    assert "error: unknown attribute og:widht" in text
    assert "error: og:fit 'squeeze'" in text  # every problem, not the first
    assert "warning: text field 'title': font-family \"SF Pro Rounded\"" in text
    assert "feTurbulence" in text
    assert "@import" in text
    assert "runs off the canvas" in text
    assert "example.com" not in text  # a link is not a resource
    assert sum(": error:" in p for p in problems) == 2


def test_check_accepts_svgogs_own_output(fonts_renderer: Renderer, tmp_path: Path) -> None:
    path = tmp_path / "own.svg"
    path.write_text(Renderer().render_svg("blog", title="Own"))
    problems = [p for p in fonts_renderer.check_file(path) if p.level == "error"]
    assert problems == []
