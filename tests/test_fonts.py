"""The font registry: matching, metrics, kerning, outlines, fallbacks, bad files."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from svgog import FontError, FontRegistry
from svgog.fonts import FontFace, load_face, match_weight
from svgog.text.runs import FontChain, Measurer
from svgog.text.shaping import shape

CJK_SUBSET = Path(__file__).resolve().parent / "fonts" / "NotoSansCJKjp-Bold-subset.otf"


@pytest.fixture(scope="module")
def registry() -> FontRegistry:
    return FontRegistry()


def test_bundled_inter_weights(registry: FontRegistry) -> None:
    assert registry.default_family == "Inter"
    weights = {registry.match("Inter", w).info.weight for w in (400, 500, 600, 700)}
    assert weights == {400, 500, 600, 700}


@pytest.mark.parametrize(
    ("wanted", "got"),
    [(100, 400), (300, 400), (450, 500), (550, 600), (650, 700), (800, 700), (900, 700)],
)
def test_nearest_weight_like_css(registry: FontRegistry, wanted: int, got: int) -> None:
    assert registry.match("Inter", wanted).info.weight == got


def test_weight_matching_rules() -> None:
    assert match_weight([300, 600], 500) == 300  # 400-500: up to 500, then down
    assert match_weight([300, 600], 350) == 300  # below 400: down first
    assert match_weight([300, 600], 700) == 600  # above 500: up first, then down


def test_family_lists_and_generic_families(registry: FontRegistry) -> None:
    assert registry.match(["No Such Font", "Inter"], 700).info.full_name == "Inter Bold"
    assert registry.match("sans-serif").info.family == "Inter"
    assert registry.match("'Inter Semi Bold'").info.weight == 600


def test_italic_falls_back_to_normal(registry: FontRegistry) -> None:
    assert registry.match("Inter", 400, "italic").info.style == "normal"


def test_unknown_family_is_a_font_error(registry: FontRegistry) -> None:
    with pytest.raises(FontError, match="Comic Sans"):
        registry.match("Comic Sans")


def advance(face: FontFace, text: str) -> float:
    """The width HarfBuzz shapes a text to, in font units."""
    return shape(face, text).advance


def test_kerned_pair_is_narrower_than_its_advances(registry: FontRegistry) -> None:
    face = registry.match("Inter", 700)
    assert advance(face, "AV") < advance(face, "A") + advance(face, "V")
    measure = Measurer(FontChain([face], None)).at(64)
    separate = measure("A") + measure("V")
    assert measure("AV") < separate - 1  # more than a pixel at 64 px


def test_class_based_kerning_applies(registry: FontRegistry) -> None:
    # "To" is kerned through class pairs (GPOS PairPos format 2) in Inter.
    face = registry.match("Inter", 400)
    assert advance(face, "To") < advance(face, "T") + advance(face, "o")
    assert advance(face, "oo") == 2 * advance(face, "o")


def test_vertical_metrics(registry: FontRegistry) -> None:
    face = registry.match("Inter", 400)
    assert face.ascender > 0 > face.descender
    assert face.units_per_em == 2816


def test_outlines_are_cached_and_shift_by_first_number(registry: FontRegistry) -> None:
    face = registry.match("Inter", 700)
    glyph = face.glyph_for("H")
    assert glyph is not None and face.glyph_for("\U0010fffd") is None
    outline = face.outline(glyph)
    assert outline is face.outline(glyph)
    at_zero, at_hundred = outline.path_at(0), outline.path_at(100)
    assert at_zero.startswith("M") and at_zero[1:].split()[0] != at_hundred[1:].split()[0]
    assert at_zero.split(" ", 1)[1] == at_hundred.split(" ", 1)[1]
    assert face.outline(face.glyph_for(" ")).path_at(0) == ""  # type: ignore[arg-type]
    assert face.glyph_bounds(glyph) == outline.bounds and outline.bounds is not None
    assert outline.bounds[3] == face.cap_height  # H's top is the cap height


def test_faces_load_once_per_process(registry: FontRegistry) -> None:
    other = FontRegistry()
    assert other.match("Inter", 700) is registry.match("Inter", 700)


def test_outlines_drawn_from_many_threads_agree(registry: FontRegistry) -> None:
    face = registry.match("Inter", 500)
    chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    results: list[list[str]] = []

    def draw() -> None:
        results.append([face.outline(face.glyph_for(c)).path_at(0) for c in chars])  # type: ignore[arg-type]

    threads = [threading.Thread(target=draw) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r == results[0] for r in results)


def test_user_font_directory(tmp_path: Path) -> None:
    bundled = FontRegistry().match("Inter", 600).info.path
    (tmp_path / "Brand.otf").write_bytes(bundled.read_bytes())
    registry = FontRegistry([tmp_path], bundled=False)
    assert registry.families == ["Inter"]
    assert registry.match("Inter").info.path == (tmp_path / "Brand.otf").resolve()


def test_corrupt_font_file_is_a_font_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "Broken.ttf"
    bad.write_bytes(b"\x00\x01\x00\x00" + b"garbage" * 50)
    with pytest.raises(FontError) as info:
        FontRegistry([tmp_path])
    assert info.value.path == str(bad.resolve())


def test_truncated_font_file_is_a_font_error(tmp_path: Path) -> None:
    source = FontRegistry().match("Inter", 400).info.path.read_bytes()
    cut = tmp_path / "Cut.otf"
    cut.write_bytes(source[: len(source) // 3])
    with pytest.raises(FontError):
        registry = FontRegistry([cut], bundled=False)
        load_face(registry.find("Inter"))  # type: ignore[arg-type]


def test_missing_font_path_is_a_font_error(tmp_path: Path) -> None:
    with pytest.raises(FontError, match="no such font"):
        FontRegistry([tmp_path / "nope"])


def test_harfbuzz_kerning_matches_the_fonts_gpos_pairs(registry: FontRegistry) -> None:
    """Pairs shaped by HarfBuzz are as wide as their advances plus the GPOS pair values fontTools decompiles."""
    from fontTools.ttLib import TTFont

    face = registry.match("Inter", 700)
    font = TTFont(face.info.path)
    characters: dict[str, str] = {}
    for code, name in font.getBestCmap().items():
        if chr(code).isalpha():
            characters.setdefault(name, chr(code))
    advances = {name: width for name, (width, _lsb) in font["hmtx"].metrics.items()}
    gpos = font["GPOS"].table
    kern = [i for r in gpos.FeatureList.FeatureRecord if r.FeatureTag == "kern" for i in r.Feature.LookupListIndex]
    pairs: dict[tuple[str, str], int] = {}
    for index in sorted(set(kern)):
        for sub in gpos.LookupList.Lookup[index].SubTable:
            sub = getattr(sub, "ExtSubTable", sub)
            if sub.Format == 1:
                for first, pair_set in zip(sub.Coverage.glyphs, sub.PairSet):
                    for record in pair_set.PairValueRecord:
                        pairs.setdefault((first, record.SecondGlyph), getattr(record.Value1, "XAdvance", 0) or 0)
            else:
                classes2 = sorted(sub.ClassDef2.classDefs.items())
                for first in sub.Coverage.glyphs:
                    c1 = sub.ClassDef1.classDefs.get(first, 0)
                    for second, c2 in classes2:
                        value = sub.Class1Record[c1].Class2Record[c2].Value1
                        pairs.setdefault((first, second), getattr(value, "XAdvance", 0) or 0)
    checked = 0
    for (first, second), value in pairs.items():
        if value and first in characters and second in characters:
            text = characters[first] + characters[second]
            assert advance(face, text) == advances[first] + advances[second] + value, (text, value)
            checked += 1
    assert checked > 200


def test_faces_read_their_fonts_lazily_and_share_one_mapping(tmp_path: Path) -> None:
    # A copy of its own: faces are shared per file, and other tests in this process may have drawn with it.
    font = tmp_path / CJK_SUBSET.name
    shutil.copyfile(CJK_SUBSET, font)
    registry = FontRegistry([font], bundled=False)
    face = registry.match("Noto Sans CJK JP", 700)
    assert face._font is None and face._metrics is None, "matching reads nothing beyond the names"
    assert face.has_char("漢") and not face.has_char("\U0010fffd")
    assert face.covers("漢字") and not face.covers("漢\u0639")
    assert ord("漢") in face.unicodes() and face.units_per_em == 1000
    other = FontRegistry([font], bundled=False).match("Noto Sans CJK JP", 700)
    assert other is face


def test_fallback_face_picks_the_first_family_that_has_every_character() -> None:
    registry = FontRegistry([CJK_SUBSET])
    cjk = registry.fallback_face("漢", 700, "normal")
    assert cjk is not None and cjk.info.family == "Noto Sans CJK JP"
    assert registry.fallback_face("漢", 700, "normal", lang="ja") is cjk  # decisions are cached
    arabic = registry.fallback_face("\u0639", 400, "normal")
    assert arabic is not None and arabic.info.family == "Noto Sans Arabic"
    assert registry.fallback_face("\u0639\u200d", 400, "normal") is arabic  # format characters need no glyph
    assert registry.fallback_face("漢\u0639", 400, "normal") is None  # no one face has both
    assert registry.fallback_face("\U0010fffd", 400, "normal") is None
    assert registry.fallback_face("\u200d", 400, "normal") is None  # nothing to draw
    # The system's fonts are asked only when the registry was made to; without
    # svgog.systemfonts (or a system font that has it), the answer stays None.
    assert FontRegistry(system_fonts=True).fallback_face("\U0010fffd", 400, "normal") is None
