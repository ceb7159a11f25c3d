"""Line breaking and truncation, measured with the bundled Inter metrics."""

from __future__ import annotations

import pytest

from svgog.fonts import FontRegistry
from svgog.text.breaking import chars, ellipsize, fit, split_word, wrap
from svgog.text.runs import FontChain, Measurer


class Measure:
    """Inter Bold at 64 px, with a ``measure`` method like the old shaper's."""

    def __init__(self) -> None:
        self.measure = Measurer(FontChain([FontRegistry().match("Inter", 700)], None)).at(64)


@pytest.fixture(scope="module")
def measure() -> Measure:
    return Measure()


def test_wraps_after_the_last_word_that_fits(measure: Measure) -> None:
    text = "Generate social cards from templates"
    # A box just wider than "Generate social" but narrower than "Generate social cards".
    two_words = measure.measure("Generate social")
    three_words = measure.measure("Generate social cards")
    assert two_words < three_words
    width = (two_words + three_words) / 2
    lines = wrap(text, width, measure.measure)
    assert lines[0] == "Generate social"
    assert all(measure.measure(line) <= width for line in lines)
    assert " ".join(lines) == text


def test_a_box_exactly_as_wide_as_a_line_keeps_it(measure: Measure) -> None:
    width = measure.measure("Generate social cards")
    assert wrap("Generate social cards from templates", width, measure.measure)[0] == "Generate social cards"


def test_ellipsis_follows_the_last_whole_word_that_leaves_room(measure: Measure) -> None:
    text = "Alpha Beta Gamma Delta Epsilon Zeta"
    width = measure.measure("Alpha Beta Gamma")
    fitted = fit(text, width, measure.measure, max_lines=1)
    assert fitted.truncated
    # "Alpha Beta Gamma…" is wider than the box, so the ellipsis goes after "Beta".
    assert measure.measure("Alpha Beta Gamma\u2026") > width
    assert fitted.lines == ("Alpha Beta\u2026",)
    assert measure.measure(fitted.lines[0]) <= width


def test_truncates_on_the_last_allowed_line(measure: Measure) -> None:
    words = "one two three four five six seven eight nine ten eleven twelve".split()
    width = measure.measure("three four five")
    fitted = fit(" ".join(words), width, measure.measure, max_lines=2)
    assert len(fitted.lines) == 2
    assert fitted.truncated
    assert fitted.lines[1].endswith("\u2026")
    assert all(measure.measure(line) <= width for line in fitted.lines)


def test_text_that_fits_is_not_truncated(measure: Measure) -> None:
    fitted = fit("Hello world", 1000, measure.measure, max_lines=3)
    assert (fitted.lines, fitted.truncated) == (("Hello world",), False)


def test_an_over_long_word_breaks_between_graphemes(measure: Measure) -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitänswitwe"
    width = measure.measure("Donaudampf")
    lines = wrap(word, width, measure.measure)
    assert len(lines) > 1
    assert "".join(lines) == word
    assert all(measure.measure(line) <= width for line in lines)


def test_an_over_long_word_prefers_hyphens_and_slashes(measure: Measure) -> None:
    url = "https://example.com/blog/2026/generating-open-graph-images"
    width = measure.measure("https://example.com/blog/")
    lines = wrap(url, width, measure.measure)
    assert "".join(lines) == url
    assert all(line.endswith(("/", "-")) for line in lines[:-1])
    assert all(measure.measure(line) <= width for line in lines)


def test_a_grapheme_wider_than_the_box_gets_a_line_of_its_own() -> None:
    assert split_word("WWW", 0.5, chars) == ["W", "W", "W"]


def test_accents_and_flags_are_never_split() -> None:
    text = "e\u0301e\u0301\U0001f1ef\U0001f1f5"
    pieces = split_word(text, 1, chars)
    assert pieces == ["e\u0301", "e\u0301", "\U0001f1ef\U0001f1f5"]


def test_empty_and_blank_text_give_no_lines(measure: Measure) -> None:
    assert wrap("", 500, measure.measure) == []
    assert wrap("   \n  ", 500, measure.measure) == []
    assert fit("", 500, measure.measure, max_lines=3)[:2] == ((), False)


def test_hard_line_breaks_are_kept() -> None:
    assert wrap("first\nsecond line", 100, chars) == ["first", "second line"]


def test_without_a_width_only_hard_breaks_end_lines() -> None:
    assert wrap("a long line\nnext", None, chars) == ["a long line", "next"]


def test_ellipsis_cuts_a_single_word_when_nothing_else_fits(measure: Measure) -> None:
    width = measure.measure("Supercal")
    line = ellipsize("Supercalifragilistic", width, measure.measure)
    assert line.endswith("\u2026") and line.startswith("Super")
    assert measure.measure(line) <= width


def test_no_punctuation_before_the_ellipsis() -> None:
    assert ellipsize("Hello, world again", 8, chars) == "Hello\u2026"
    assert fit("one, two, three, four", 10, chars, max_lines=1).lines == ("one, two\u2026",)


def test_custom_ellipsis_is_measured() -> None:
    line = ellipsize("aaa bbb ccc", 10, chars, ellipsis=" [more]")
    assert line == "aaa [more]"
    assert len(line) <= 10


# -- UAX #14 essentials ---------------------------------------------------------------------------


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2007", "\u2060"])
def test_no_break_spaces_and_joiners_hold_words_together(space: str) -> None:
    text = f"Renders in 7{space}ms on two cores"
    for width in range(6, 30):
        lines = wrap(text, width, chars)
        assert any(f"7{space}ms" in line for line in lines), (width, lines)
        assert all(not line.startswith("ms") for line in lines)


def test_no_break_spaces_are_not_collapsed() -> None:
    assert wrap("a\u00a0\u00a0b  c", 100, chars) == ["a\u00a0\u00a0b c"]


def test_french_quotes_with_narrow_no_break_spaces_never_split() -> None:
    text = "Un rendu «\u202fcomplet\u202f» en trois millisecondes"
    for width in range(12, 40):
        lines = wrap(text, width, chars)
        assert not any(line.startswith("»") or line.endswith("«") for line in lines), (width, lines)


def test_no_break_before_closing_or_after_opening_punctuation() -> None:
    # From the width of "( vraiment )" up: narrower boxes split it as any over-long word.
    for width in range(12, 28):
        lines = wrap("Est-ce ( vraiment ) fini ?", width, chars)
        assert not any(line.startswith((")", "?")) or line.endswith("(") for line in lines), (width, lines)


def test_zero_width_space_is_a_break_opportunity() -> None:
    assert wrap("alpha\u200bbeta\u200bgamma", 11, chars) == ["alpha\u200bbeta\u200b", "gamma"]


def test_a_soft_hyphen_break_draws_a_hyphen() -> None:
    word = "Donau\u00addampf\u00adschiff\u00adfahrt"
    lines = wrap(word, 14, chars)
    assert lines == ["Donau\u00addampf\u00ad-", "schiff\u00adfahrt"]
    # Unbroken, a soft hyphen draws nothing; broken, its hyphen is measured.
    assert wrap(word, 40, chars) == [word]
    assert all(chars(line) <= 14 for line in lines)
    fitted = fit(word + " ist lang", 14, chars, max_lines=2)
    assert fitted.truncated and not fitted.lines[-1].endswith("-\u2026")


def test_soft_hyphen_breaks_are_drawn_in_a_real_render() -> None:
    from svgog import Renderer

    renderer = Renderer()
    result = renderer.render(
        "blog", format="svg", title="Donau\u00addampf\u00adschiff\u00adfahrts\u00adgesellschafts\u00adkapitäns\u00admütze"
    )
    title = next(r for r in result.reports if r.field == "title")
    assert len(title.lines) > 1
    assert all(line.endswith("\u00ad-") for line in title.lines[:-1]), title.lines
