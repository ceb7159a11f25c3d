"""System fonts through the real fontconfig: discovery, parsing and choosing a face per cluster.

Nothing here stands in for fontconfig. The fonts these tests need (Debian's
fontconfig, fonts-noto-cjk and DejaVu) are installed by ``make test``; tests of
discovery point ``FONTCONFIG_FILE`` at a configuration of their own, listing
one directory with fonts made for the test.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from svgog.errors import FontError
from svgog.systemfonts import LIST_FORMAT, SystemFont, SystemFonts, script_language

FONTS = Path(__file__).parent / "fonts"
CJK_SUBSET = FONTS / "NotoSansCJKjp-Bold-subset.otf"
PLAY = FONTS / "play" / "play-latin-400-normal.woff2"
FC_LIST = shutil.which("fc-list")

@pytest.fixture(autouse=True)
def _fontconfig_installed() -> None:
    assert FC_LIST is not None, "make test installs fontconfig (fc-list)"


@pytest.fixture(scope="module")
def system() -> SystemFonts:
    return SystemFonts.discover()


def require(system: SystemFonts, *families: str) -> None:
    """Fail, naming them, unless every family is installed (``make test`` installs them)."""
    installed = {font.family for font in system.fonts}
    missing = [family for family in families if family not in installed]
    assert not missing, f"make test installs fonts-noto-cjk and fonts-dejavu; not installed: {', '.join(missing)}"


def fontconfig_faces(char: str) -> set[tuple[str, int]]:
    """The outline faces fontconfig itself says cover ``char``: (file, face index)."""
    assert FC_LIST is not None
    pattern = f":outline=true:charset={ord(char):x}"
    listed = subprocess.run(
        [FC_LIST, "--format", "%{file}\t%{index}\n", pattern], capture_output=True, text=True, check=True
    ).stdout
    return {(path, int(index) & 0xFFFF) for path, index in (line.split("\t") for line in listed.splitlines())}


@pytest.fixture()
def fontconfig_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], Path]:
    """A fonts directory that is all fontconfig sees: returns it; fill it before discovering."""

    def configure() -> Path:
        fonts = tmp_path / "fonts"
        fonts.mkdir(exist_ok=True)
        config = tmp_path / "fonts.conf"
        config.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            f"<fontconfig><dir>{escape(str(fonts))}</dir>"
            f"<cachedir>{escape(str(tmp_path / 'cache'))}</cachedir></fontconfig>\n",
            encoding="utf-8",
        )
        monkeypatch.setenv("FONTCONFIG_FILE", str(config))
        return fonts

    return configure


def odd_font(target: Path, family: str) -> None:
    """A small font (Play, ASCII and é only: no combining accent) whose family name is ``family``."""
    font = TTFont(PLAY)
    font.flavor = None
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[*range(0x20, 0x7F), 0xE9])
    subsetter.subset(font)
    names = font["name"]
    for name_id in (1, 4, 6, 16, 17):
        names.removeNames(nameID=name_id)
    names.setName(family, 1, 3, 1, 0x409)
    names.setName("奇妙な書体", 1, 3, 1, 0x411)  # a Japanese family name as well: the English one is primary
    names.setName(f"{family} Regular", 4, 3, 1, 0x409)
    names.setName("OddFamily-Regular", 6, 3, 1, 0x409)
    font.save(target)


# -- Japanese, Chinese, Korean -------------------------------------------------------------


@pytest.mark.parametrize("text", ["ひらがな", "カタカナ", "東京タワー", "ー"])
def test_kana_is_japanese(system: SystemFonts, text: str) -> None:
    require(system, "Noto Sans CJK JP")
    found = system.for_cluster(text)
    assert found is not None and found.family == "Noto Sans CJK JP"
    assert system.for_cluster(text, lang="ja") == found


def test_kanji_follow_the_language(system: SystemFonts) -> None:
    require(system, "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans CJK KR")
    expected = {
        "ja": "JP",
        "ja-JP": "JP",
        "zh-cn": "SC",
        "zh-Hans": "SC",
        "zh_CN.UTF-8": "SC",
        "zh-SG": "SC",
        "zh": "SC",
        "zh-tw": "TC",
        "zh-Hant": "TC",
        "zh-HK": "HK",
        "zh-Hant-HK": "HK",
        "zh-MO": "HK",
        "ko": "KR",
        "ko-KR": "KR",
    }
    for lang, region in expected.items():
        found = system.for_cluster("漢字", lang=lang)
        assert found is not None and found.family == f"Noto Sans CJK {region}", lang
        assert found.generic == "sans-serif" and found.weight == 400 and found.style == "normal"
    # Without a language Han gets Japanese forms, as fontconfig gives it in a non-CJK locale.
    found = system.for_cluster("漢")
    assert found is not None and found.family == "Noto Sans CJK JP"


def test_chinese_titles(system: SystemFonts) -> None:
    require(system, "Noto Sans CJK SC", "Noto Sans CJK TC")
    simplified = [system.for_cluster(c, lang="zh-cn") for c in "简体中文标题"]
    traditional = [system.for_cluster(c, lang="zh-tw") for c in "繁體中文標題"]
    assert {font.family for font in simplified if font} == {"Noto Sans CJK SC"} and all(simplified)
    assert {font.family for font in traditional if font} == {"Noto Sans CJK TC"} and all(traditional)


def test_hangul_is_korean(system: SystemFonts) -> None:
    require(system, "Noto Sans CJK KR")
    for lang in (None, "ko"):
        found = system.for_cluster("한", lang=lang)
        assert found is not None and found.family == "Noto Sans CJK KR"
    # With another CJK language the face made for it still draws Hangul: the text stays in one face.
    found = system.for_cluster("한", lang="ja")
    assert found is not None and found.family == "Noto Sans CJK JP" and found.covers(ord("한"))


def test_sans_serif_before_serif_and_monospace(system: SystemFonts) -> None:
    require(system, "Noto Sans CJK JP", "Noto Serif CJK JP", "Noto Sans Mono CJK JP")
    generics = {font.family: font.generic for font in system.fonts}
    assert generics["Noto Sans CJK JP"] == "sans-serif"
    assert generics["Noto Serif CJK JP"] == "serif"
    assert generics["Noto Sans Mono CJK JP"] == "monospace"
    for lang in (None, "ja", "zh-cn", "ko"):
        found = system.for_cluster("字", lang=lang)
        assert found is not None and found.family.startswith("Noto Sans CJK ")


def test_weight_and_style(system: SystemFonts) -> None:
    require(system, "Noto Sans CJK JP")
    bold = system.for_cluster("日", weight=700)
    assert bold is not None and (bold.family, bold.weight) == ("Noto Sans CJK JP", 700)
    assert Path(bold.path).name == "NotoSansCJK-Bold.ttc"
    assert system.for_cluster("日", weight=600) == bold  # above 500: heavier first
    assert system.for_cluster("日", weight=900) == bold
    regular = system.for_cluster("日", weight=300)  # below 400: lighter first, then heavier
    assert regular is not None and regular.weight == 400 and regular.family == "Noto Sans CJK JP"
    italic = system.for_cluster("日", style="italic", weight=700)
    assert italic == bold  # no italic CJK face: the upright one


def test_italic_falls_back_to_oblique(system: SystemFonts) -> None:
    require(system, "DejaVu Sans")
    upright = system.for_cluster("★")
    assert upright is not None and (upright.family, upright.style, upright.weight) == ("DejaVu Sans", "normal", 400)
    italic = system.for_cluster("★", style="italic")
    assert italic is not None and (italic.family, italic.style) == ("DejaVu Sans", "oblique")
    bold_italic = system.for_cluster("★", style="oblique 10deg", weight=700)
    assert bold_italic is not None and (bold_italic.style, bold_italic.weight) == ("oblique", 700)
    condensed = system.for_cluster("★", stretch=87.5)
    assert condensed is not None and condensed.stretch == 87.5 and condensed.family == "DejaVu Sans"


# -- Other scripts, emoji, combining sequences, nothing ------------------------------------


@pytest.mark.parametrize("char", ["ก", "ب", "א", "Ω", "Ж", "€", "😀", "❤", "∑"])
def test_agrees_with_fontconfig_on_coverage(system: SystemFonts, char: str) -> None:
    """A face is found exactly when fontconfig knows one covering the character, and it is one of those."""
    covering = fontconfig_faces(char)
    found = system.for_cluster(char)
    if not covering:
        assert found is None
    else:
        assert found is not None and (found.path, found.index) in covering


# Letters of scripts without Han unification (where svgog deliberately goes by the script's language).
_ONE_PER_SCRIPT = "ก ক क த ب א Ж Ω ა Ա က ខ ∑".split()


@pytest.mark.parametrize("char", _ONE_PER_SCRIPT)
def test_chooses_the_family_fc_match_chooses(system: SystemFonts, char: str) -> None:
    """The family is the one ``fc-match sans-serif:charset=…`` names, when fontconfig finds a face covering it."""
    assert FC_LIST is not None
    fc_match = str(Path(FC_LIST).with_name("fc-match"))
    answer = subprocess.run(
        [fc_match, "--format", "%{family[0]}\t%{file}", f"sans-serif:charset={ord(char):x}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    family, path = answer.split("\t")
    found = system.for_cluster(char)
    if not any(covering == path for covering, _ in fontconfig_faces(char)):
        assert found is None, f"fontconfig has no face for {char!r}"
    else:
        assert found is not None and found.family == family, (char, found, family)


def test_the_newer_font_wins_a_tie() -> None:
    lines = [
        listing_line("/f/looped.ttf\tAa Looped=en,", version="65536", charset="e01-e3a"),
        listing_line("/f/sans.ttf\tZz Sans=en,", version="131072", charset="e01-e3a"),
    ]
    found = SystemFonts.from_listing("\n".join(lines)).for_cluster("\u0e01")
    assert found is not None and found.family == "Zz Sans"


def test_script_language_preferred(system: SystemFonts) -> None:
    for char, lang in (("ก", "th"), ("ب", "ar"), ("א", "he")):
        claiming = [f for f in system.fonts if f.covers(ord(char)) and lang in f.langs and f.outline]
        found = system.for_cluster(char)
        if claiming:
            assert found is not None and lang in found.langs, char


def test_emoji_sequences_need_no_joiners_or_selectors(system: SystemFonts) -> None:
    smile = system.for_cluster("☺")
    assert smile is not None, "DejaVu Sans (make test installs it) draws U+263A"
    assert system.for_cluster("☺\ufe0f") is not None  # VS16 needs no glyph
    assert system.for_cluster("☺\ufe0e") == smile
    for sequence in ("👩\u200d💻", "🇯🇵", "👍🏽"):
        found = system.for_cluster(sequence)
        needed = [c for c in sequence if c != "\u200d"]
        if found is not None:
            assert all(found.covers(ord(c)) for c in needed)
        else:
            assert not any(all(f.covers(ord(c)) for c in needed) for f in system.fonts if f.outline)


def test_combining_sequences(system: SystemFonts) -> None:
    for cluster in ("e\u0301", "a\u0328\u0301", "ḗ"):
        found = system.for_cluster(cluster)
        if any(all(f.covers(ord(c)) for c in cluster) for f in system.fonts if f.outline):
            assert found is not None and all(found.covers(ord(c)) for c in cluster), cluster
    # A face with the precomposed letter beats one that would compose it from l + U+0301.
    require(system, "DejaVu Sans", "Noto Sans CJK JP")
    found = system.for_cluster("ĺ", lang="ja")
    assert found is not None and found.covers(ord("ĺ"))


@pytest.mark.parametrize("cluster", ["\ue000", "\U0010fffd", "\u0378", "\U000e0100", "\u200d", "", "A\ue000"])
def test_nobody_draws_it(system: SystemFonts, cluster: str) -> None:
    assert system.for_cluster(cluster) is None


def test_script_language() -> None:
    assert script_language("한국어") == "ko"
    assert script_language("ひらがな") == script_language("カタカナ") == script_language("漢字かな") == "ja"
    assert script_language("ภาษาไทย") == "th"
    assert script_language("العربية") == "ar"
    assert script_language("ㄅㄆ") == "zh-tw"
    assert script_language("Ωμέγα") == "el"
    assert script_language("漢字") is None
    assert script_language("123 !?") is None
    assert script_language("") is None


# -- Discovery ------------------------------------------------------------------------------


def test_discovery_is_fast_compact_and_cached(system: SystemFonts) -> None:
    assert SystemFonts.discover() is system
    started = time.perf_counter()
    again = SystemFonts.discover(refresh=True)
    elapsed = time.perf_counter() - started
    assert again is not system and again.fonts == system.fonts
    assert SystemFonts.discover() is again
    assert elapsed < 2.0  # about 30 ms here; generous for a busy machine
    assert system.fonts and all(isinstance(font, SystemFont) for font in system.fonts)
    # Faces with the same coverage share one array (the faces of a collection often do).
    arrays = {id(font.coverage) for font in system.fonts}
    assert len(arrays) <= len(system.fonts)
    assert all(font.coverage.typecode == "I" and len(font.coverage) % 2 == 0 for font in system.fonts)


def test_lookups_are_memoized(system: SystemFonts) -> None:
    first = system.for_cluster("A", weight=500, lang="en-US")
    assert system.for_cluster("A", weight=500, lang="en-US") is first
    started = time.perf_counter()
    for _ in range(10_000):
        system.for_cluster("A", weight=500, lang="en-US")
    per_lookup = (time.perf_counter() - started) / 10_000
    assert per_lookup < 50e-6  # about 1 µs here


def test_custom_configuration_sees_exactly_its_font(fontconfig_dir: Callable[[], Path]) -> None:
    fonts = fontconfig_dir()
    shutil.copy(CJK_SUBSET, fonts / CJK_SUBSET.name)
    found = SystemFonts.discover()
    assert [(Path(f.path), f.index) for f in found.fonts] == [(fonts / CJK_SUBSET.name, 0)]
    (face,) = found.fonts
    assert (face.family, face.weight, face.style, face.generic) == ("Noto Sans CJK JP", 700, "normal", "sans-serif")
    assert face.covers(ord("日")) and face.covers(ord("한")) and not face.covers(ord("丁"))
    assert found.for_cluster("日本", weight=400, lang="zh-cn") == face  # the only face: nearest weight, any language
    assert found.for_cluster("丁") is None
    assert found.for_cluster("ก") is None
    assert SystemFonts.discover() is found


def test_tricky_names_survive_fc_list(fontconfig_dir: Callable[[], Path]) -> None:
    family = 'Odd, Family: "A\\B" = C\tD, |x|'
    fonts = fontconfig_dir()
    target = fonts / "odd, name: = \\ \t x\ny.ttf"  # every separator the listing uses, and a newline
    odd_font(target, family)
    found = SystemFonts.discover()
    (face,) = found.fonts
    assert face.path == str(target)
    assert face.family == family
    assert face.families == (family, "奇妙な書体")
    assert face.covers(ord("é")) and not face.covers(0x301)
    # HarfBuzz composes e + U+0301 into é when the font has only é: the face draws the cluster.
    assert found.for_cluster("e\u0301") == face
    assert found.for_cluster("日") is None


def test_a_variable_font_is_one_face_with_a_weight_range(fontconfig_dir: Callable[[], Path]) -> None:
    fonts = fontconfig_dir()
    shutil.copy(FONTS / "outfit" / "outfit-latin-wght-normal.woff2", fonts)
    (face,) = SystemFonts.discover().fonts  # not its nine named instances besides
    assert face.variable and face.instance == 0
    assert face.weight_range == (100, 900) and face.weights == (100, 900) and face.weight == 400
    assert SystemFonts.discover().for_cluster("A", weight=650) == face


def test_concurrent_discovery_runs_once(fontconfig_dir: Callable[[], Path]) -> None:
    fonts = fontconfig_dir()
    shutil.copy(CJK_SUBSET, fonts)
    results: list[SystemFonts] = []
    threads = [threading.Thread(target=lambda: results.append(SystemFonts.discover())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(result is results[0] for result in results)
    answers = set()
    threads = [
        threading.Thread(target=lambda: answers.add(results[0].for_cluster("日", weight=700))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 1 and None not in answers


@pytest.mark.parametrize("command", ["/nonexistent/fc-list", "fc-list-not-installed"])
def test_missing_fc_list_means_no_fonts(command: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="svgog.systemfonts"):
        found = SystemFonts.discover(command=command, refresh=True)
    assert found.fonts == ()
    assert found.for_cluster("日") is None
    assert len(caplog.records) == 1 and "not found" in caplog.records[0].getMessage()


def test_without_fc_pattern_names_class_the_faces(system: SystemFonts, tmp_path: Path) -> None:
    """fc-list alone (no fc-pattern beside it) finds the same faces; their names say what they are."""
    assert FC_LIST is not None
    alone = tmp_path / "fc-list"
    alone.symlink_to(FC_LIST)
    found = SystemFonts.discover(command=str(alone))
    assert {(f.path, f.index) for f in found.fonts} == {(f.path, f.index) for f in system.fonts}
    generics = {font.family: font.generic for font in found.fonts}
    for family, generic in (("DejaVu Sans", "sans-serif"), ("DejaVu Serif", "serif"), ("DejaVu Sans Mono", "monospace")):
        assert generics.get(family, generic) == generic


def test_failing_fc_list_means_no_fonts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    failing = tmp_path / "fc-list"
    failing.write_text("#!/bin/sh\necho 'Fontconfig error: broken' >&2\nexit 1\n")
    failing.chmod(0o755)
    with caplog.at_level(logging.DEBUG, logger="svgog.systemfonts"):
        found = SystemFonts.discover(command=str(failing), refresh=True)
    assert found.fonts == ()
    assert len(caplog.records) == 1 and "broken" in caplog.records[0].getMessage()


# -- Parsing ---------------------------------------------------------------------------------


def listing_line(head: str, *, index: str = "0", weight: str = "80", charset: str = "20-7e", **fields: str) -> str:
    """One line as LIST_FORMAT prints it, with ``head`` (file and families) already escaped."""
    plain = {"slant": "0", "width": "100", "spacing": "", "variable": "False", "outline": "True", "color": "False"}
    plain["version"] = "65536"
    plain.update(fields)
    lang = plain.pop("lang", "en|fr")
    return "\t".join(
        [head, index, plain["slant"], weight, plain["width"], plain["spacing"], plain["variable"]]
        + [plain["outline"], plain["color"], plain["version"], lang, charset]
    )


def escaped(text: str) -> str:
    """``text`` as fontconfig's ``escape(\\\t\n,=)`` converter prints it."""
    return re.sub(r"([\\\t\n,=])", r"\\\1", text)


def test_parses_escaped_paths_and_family_names() -> None:
    odd_path, odd_family = "/f/a,b=c\\d\te.ttf", 'Odd, Family: "A\\B"=C\tD,'
    lines = [
        # Every separator in the path and family; a second family name, in Japanese, listed first.
        listing_line(f"{escaped(odd_path)}\t奇妙=ja,{escaped(odd_family)}=en,", charset="20-7e a0 3000-30ff"),
        # An escaped newline inside the path joins two physical lines.
        listing_line(f"{escaped('/f/new' + chr(10) + 'line.otf')}\tPlain=en,", weight="200", slant="100", width="87"),
        listing_line("/f/c.ttc\tMono=en,", index="2", spacing="100", lang=""),
        "not a listing line",
        "",
    ]
    fonts = SystemFonts.from_listing("\n".join(lines) + "\n").fonts
    by_path = {font.path: font for font in fonts}
    odd = by_path[odd_path]
    assert odd.family == odd_family and odd.families == (odd_family, "奇妙")
    assert odd.langs == frozenset({"en", "fr"})
    assert [odd.covers(c) for c in (0x1F, 0x20, 0x7E, 0x7F, 0xA0, 0xA1, 0x2FFF, 0x3000, 0x30FF, 0x3100)] == [
        False, True, True, False, True, False, False, True, True, False,
    ]  # fmt: skip
    plain = by_path["/f/new\nline.otf"]
    assert (plain.weight, plain.style, plain.stretch, plain.generic) == (700, "italic", 87.5, "sans-serif")
    mono = by_path["/f/c.ttc"]
    assert (mono.index, mono.generic, mono.langs) == (2, "monospace", frozenset())
    assert len(fonts) == 3


def test_variable_faces_replace_their_instances_and_duplicates_count_once() -> None:
    head = "/f/v.ttf\tVary=en,"
    lines = [
        listing_line(head, weight="[0 210]", width="[75 100]", variable="True"),
        listing_line(head, weight="0"),  # the default instance
        listing_line(head, index=str(4 << 16), weight="80"),  # a named instance
        listing_line("/f/s.ttf\tStatic=en,", index=str(3 << 16), weight="200"),  # an instance with no variable face
        listing_line("/f/s.ttf\tStatic=en,", index=str(3 << 16), weight="200"),  # listed twice
        listing_line("/f/bitmap.ttf\tColor=en,", outline="False", color="True", charset="1f600"),
    ]
    fonts = SystemFonts.from_listing("\n".join(lines))
    by_path = {font.path: font for font in fonts.fonts}
    assert len(fonts.fonts) == 3
    vary = by_path["/f/v.ttf"]
    assert vary.variable and vary.weight_range == (100, 900) and vary.stretch_range == (75.0, 100.0)
    assert (vary.weight, vary.stretch) == (400, 100.0)
    static = by_path["/f/s.ttf"]
    assert (static.index, static.instance, static.weight) == (0, 3, 700)
    bitmap = by_path["/f/bitmap.ttf"]
    assert bitmap.color and not bitmap.outline
    assert fonts.for_cluster("😀") is None  # svgog draws outlines: a bitmap-only face is never chosen


def test_preferences_order_families_and_class_them() -> None:
    lines = [
        listing_line("/f/b.ttf\tBeta Sans=en,"),
        listing_line("/f/a.ttf\tAlpha=en,"),
        listing_line("/f/s.ttf\tSome Serif=en,"),
        listing_line("/f/m.ttf\tMincho Thing=en,"),
        listing_line("/f/t.ttf\tTimesish=en,"),
    ]
    preferences = {"sans-serif": ["Zeta", "beta sans", "sans-serif"], "serif": ["Timesish", "serif"]}
    fonts = SystemFonts.from_listing("\n".join(lines), preferences=preferences)
    generics = {font.family: font.generic for font in fonts.fonts}
    assert generics == {
        "Beta Sans": "sans-serif",
        "Alpha": "sans-serif",  # unclassed families are sans-serif, as fontconfig's 49-sansserif.conf makes them
        "Some Serif": "serif",
        "Mincho Thing": "serif",
        "Timesish": "serif",
    }
    # The desktop's preferred sans-serif first (compared ignoring case and blanks), then the others.
    assert [font.family for font in fonts.fonts][:2] == ["Beta Sans", "Alpha"]
    found = fonts.for_cluster("x")
    assert found is not None and found.family == "Beta Sans"


def test_list_format_escapes_strings() -> None:
    assert LIST_FORMAT.count(r"|escape(\\\t\n,=)") == 2 and LIST_FORMAT.endswith("%{charset}\n")


def test_requests_are_checked() -> None:
    fonts = SystemFonts()
    with pytest.raises(FontError):
        fonts.for_cluster("a", weight=0)
    with pytest.raises(FontError):
        fonts.for_cluster("a", weight=1001)
    with pytest.raises(FontError):
        fonts.for_cluster("a", style="bold")
    with pytest.raises(FontError):
        fonts.for_cluster("a", stretch=-5)
    assert fonts.for_cluster("a", style="Oblique 12deg", weight=1, stretch=200) is None
