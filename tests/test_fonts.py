"""The font registry: matching, metrics, kerning, outlines, bad files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from svgog import FontError, FontRegistry
from svgog.fonts import load_face, match_weight
from svgog.text.runs import FontChain, Measurer


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


def test_kerned_pair_is_narrower_than_its_advances(registry: FontRegistry) -> None:
    face = registry.match("Inter", 700)
    a, v = face.glyph("A"), face.glyph("V")
    assert a and v
    assert face.kerning(a, v) < 0
    measure = Measurer(FontChain([face], None)).at(64)
    separate = measure("A") + measure("V")
    assert measure("AV") < separate - 1  # more than a pixel at 64 px


def test_class_based_kerning_applies(registry: FontRegistry) -> None:
    # "To" is kerned through class pairs (GPOS PairPos format 2) in Inter.
    face = registry.match("Inter", 400)
    assert face.kerning(face.glyph("T"), face.glyph("o")) < 0
    assert face.kerning(face.glyph("o"), face.glyph("o")) == 0


def test_vertical_metrics(registry: FontRegistry) -> None:
    face = registry.match("Inter", 400)
    assert face.ascender > 0 > face.descender
    assert face.units_per_em == 2816


def test_outlines_are_cached_and_shift_by_first_number(registry: FontRegistry) -> None:
    face = registry.match("Inter", 700)
    outline = face.outline(face.glyph("H"))
    assert outline is face.outline(face.glyph("H"))
    at_zero, at_hundred = outline.path_at(0), outline.path_at(100)
    assert at_zero.startswith("M") and at_zero[1:].split()[0] != at_hundred[1:].split()[0]
    assert at_zero.split(" ", 1)[1] == at_hundred.split(" ", 1)[1]
    assert face.outline(face.glyph(" ")).path_at(0) == ""


def test_faces_load_once_per_process(registry: FontRegistry) -> None:
    other = FontRegistry()
    assert other.match("Inter", 700) is registry.match("Inter", 700)


def test_outlines_drawn_from_many_threads_agree(registry: FontRegistry) -> None:
    face = registry.match("Inter", 500)
    chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    results: list[list[str]] = []

    def draw() -> None:
        results.append([face.outline(face.glyph(c)).path_at(0) for c in chars])

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


def test_binary_kerning_matches_fonttools(registry: FontRegistry) -> None:
    """Pairs read from raw GPOS bytes equal fontTools' decompiled values."""
    from fontTools.ttLib import TTFont

    face = registry.match("Inter", 700)
    font = TTFont(face.info.path)
    gpos = font["GPOS"].table
    kern = [i for r in gpos.FeatureList.FeatureRecord if r.FeatureTag == "kern" for i in r.Feature.LookupListIndex]
    checked = 0
    for index in sorted(set(kern)):
        for sub in gpos.LookupList.Lookup[index].SubTable:
            sub = getattr(sub, "ExtSubTable", sub)
            if sub.Format == 1:
                for first, pair_set in list(zip(sub.Coverage.glyphs, sub.PairSet))[:40]:
                    for record in pair_set.PairValueRecord[:5]:
                        expected = getattr(record.Value1, "XAdvance", 0) or 0
                        assert face.kerning(first, record.SecondGlyph) == expected, (first, record.SecondGlyph)
                        checked += 1
            else:
                classes2 = sorted(sub.ClassDef2.classDefs.items())[:60]
                for first in sub.Coverage.glyphs[:30]:
                    c1 = sub.ClassDef1.classDefs.get(first, 0)
                    for second, c2 in classes2:
                        value = sub.Class1Record[c1].Class2Record[c2].Value1
                        expected = getattr(value, "XAdvance", 0) or 0
                        if expected:
                            assert face.kerning(first, second) == expected, (first, second)
                            checked += 1
    assert checked > 200
