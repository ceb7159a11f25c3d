"""Fonts as web and design-tool exports bring them: WOFF2, variable fonts, fonts from bytes.

Every check uses real fonts (tests/fonts/) and, where it is about drawing, real
rendering: svgog's own, and Chromium's as the reference.
"""

from __future__ import annotations

import base64
import struct
import threading
import tracemalloc
from pathlib import Path

import brotli
import numpy as np
import pytest
from browser import MAX_DIFFERING, Chromium, assert_same_picture, difference
from fontTools.ttLib import TTFont
from helpers import ROOT, pixels, save_output

import svgog
from svgog import FontError, FontRegistry
from svgog.fontfiles import MAX_FONT_DATA_BYTES
from svgog.fontmatch import best_face
from svgog.fonts import FontFace, FontInfo, load_face, read_font_info
from svgog.text.runs import FontChain, Measurer
from svgog.text.shaping import shape

FONTS = ROOT / "tests" / "fonts"
OUTFIT = FONTS / "outfit" / "outfit-latin-wght-normal.woff2"
PLAY_DIR = FONTS / "play"
PLAY_BOLD = PLAY_DIR / "play-latin-700-normal.woff2"
INTER_ITALICS = FONTS / "inter-italic"


@pytest.fixture(scope="module")
def registry() -> FontRegistry:
    """The bundled fonts plus Outfit, Play and the Inter italics, from their folders."""
    return FontRegistry([OUTFIT.parent, PLAY_DIR, INTER_ITALICS])


def decompressed(path: Path, directory: Path) -> Path:
    """A WOFF/WOFF2 file as plain TrueType, decompressed by fontTools."""
    font = TTFont(path)
    font.flavor = None
    target = directory / (path.stem + ".ttf")
    font.save(target)
    return target


def advance(face: FontFace, text: str) -> float:
    """The width HarfBuzz shapes a text to, in font units."""
    return shape(face, text).advance


def ink(png: bytes) -> float:
    """How much a transparent-background picture is covered, in pixels."""
    return float(pixels(png)[..., 3].astype(np.float64).sum() / 255)


# --- WOFF2 and WOFF ---------------------------------------------------------------------------


def test_woff2_registers_from_a_folder_and_by_file() -> None:
    from_folder = FontRegistry([PLAY_DIR], bundled=False)
    assert from_folder.families == ["Play"]
    assert {from_folder.match("Play", w).info.full_name for w in (400, 700)} == {"Play Regular", "Play Bold"}
    by_file = FontRegistry([PLAY_BOLD], bundled=False)
    face = by_file.match("Play", 400)  # the only face there is
    assert face.info.path == PLAY_BOLD.resolve() and face.info.weight == 700
    # HarfBuzz is given the decompressed TrueType tables, not the WOFF2 container.
    assert "glyf" in face.harfbuzz_font().face.table_tags and face.glyph_for("H") is not None


def test_woff2_advances_kerning_and_outlines_equal_the_decompressed_font(tmp_path: Path) -> None:
    woff2 = FontRegistry([PLAY_BOLD], bundled=False).match("Play")
    ttf = FontRegistry([decompressed(PLAY_BOLD, tmp_path)], bundled=False).match("Play")
    assert woff2 is not ttf
    text = "Hamburg AVATAR Typography 0123456789"
    assert [advance(woff2, c) for c in text] == [advance(ttf, c) for c in text]
    assert advance(woff2, "AV") == advance(ttf, "AV")  # Play has no kerning: both the sum of the advances
    assert woff2.outline(woff2.glyph_for("g")).path_at(0) == ttf.outline(ttf.glyph_for("g")).path_at(0)  # type: ignore[arg-type]
    assert Measurer(FontChain([woff2], None)).at(64)(text) == Measurer(FontChain([ttf], None)).at(64)(text)


def test_harfbuzz_shapes_a_woff2_face() -> None:
    # HarfBuzz given WOFF2 bytes would see an empty font and shape every character to .notdef.
    face = FontRegistry([PLAY_BOLD], bundled=False).match("Play")
    run = shape(face, "Hamburg AVATAR")
    assert run.glyphs == tuple(face.glyph_for(c) for c in "Hamburg AVATAR") and 0 not in run.glyphs
    assert run.advance == sum(face.harfbuzz_font().get_glyph_h_advance(g) for g in run.glyphs)


def test_woff_1_is_read_too(tmp_path: Path) -> None:
    font = TTFont(PLAY_BOLD)
    font.flavor = "woff"
    font.save(tmp_path / "play-bold.woff")
    face = FontRegistry([tmp_path], bundled=False).match("Play")
    reference = FontRegistry([PLAY_BOLD], bundled=False).match("Play")
    assert face.info.full_name == "Play Bold" and advance(face, "Hamburg") == advance(reference, "Hamburg")


def test_corrupt_woff2_is_a_font_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "Broken.woff2"
    bad.write_bytes(b"wOF2" + bytes(range(256)) * 8)
    with pytest.raises(FontError) as folder:
        FontRegistry([tmp_path], bundled=False)
    assert folder.value.path == str(bad.resolve())
    with pytest.raises(FontError) as named:
        FontRegistry([bad], bundled=False)
    assert named.value.path == str(bad.resolve())


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_truncated_woff2_is_a_font_error(tmp_path: Path, fraction: float) -> None:
    data = PLAY_BOLD.read_bytes()
    cut = tmp_path / "Cut.woff2"
    cut.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(FontError) as info:
        FontRegistry([cut], bundled=False)
    assert info.value.path == str(cut.resolve())


def test_a_woff2_that_expands_beyond_what_it_declares_is_refused_unexpanded() -> None:
    """A decompression bomb: Play's header and table directory, then 256 MB of zeros, compressed."""
    from fontTools.ttLib.woff2 import WOFF2DirectoryEntry

    data = PLAY_BOLD.read_bytes()
    (tables,) = struct.unpack_from(">H", data, 12)
    rest = data[48:]
    for _ in range(tables):
        rest = WOFF2DirectoryEntry().fromString(rest)
    compressor = brotli.Compressor(quality=1)
    zeros = bytes(1 << 20)
    stream = b"".join(compressor.process(zeros) for _ in range(256)) + compressor.finish()
    bomb = bytearray(data[: len(data) - len(rest)] + stream)
    struct.pack_into(">I", bomb, 8, len(bomb))  # length
    struct.pack_into(">I", bomb, 20, len(stream))  # totalCompressedSize
    tracemalloc.start()
    try:
        with pytest.raises(FontError, match="larger than it declares"):
            FontRegistry(bundled=False).add_data(bytes(bomb), source="bomb.woff2")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, "the stream was not expanded"


def test_a_collection_of_decompressed_woff2_faces(tmp_path: Path) -> None:
    from fontTools.ttLib import TTCollection

    collection = TTCollection()
    collection.fonts = [TTFont(decompressed(PLAY_DIR / f"play-latin-{w}-normal.woff2", tmp_path)) for w in (400, 700)]
    collection.save(tmp_path / "play.ttc")
    registry = FontRegistry([tmp_path / "play.ttc"], bundled=False)
    bold = registry.match("Play", 700)
    assert (bold.info.index, bold.info.full_name) == (1, "Play Bold")
    reference = FontRegistry([PLAY_BOLD], bundled=False).match("Play")
    assert advance(bold, "Hamburg") == advance(reference, "Hamburg")
    # The collection's faces share one mapping of the file.
    regular = registry.match("Play", 400)
    assert regular.info.index == 0 and regular._source is bold._source


# --- variable fonts ---------------------------------------------------------------------------


def test_variable_font_registers_its_family_with_the_weight_range(registry: FontRegistry) -> None:
    (entry,) = read_font_info(OUTFIT)
    assert (entry.family, entry.weight_range, entry.style) == ("Outfit", (100.0, 900.0), "normal")
    assert [axis.tag for axis in entry.axes] == ["wght"] and entry.location == ()
    assert "Outfit" in registry.families and "Outfit Thin" not in registry.families
    found = registry.find("Outfit", 500)
    assert found is not None and found.location == (("wght", 500.0),) and found.weight_range is None


def test_outfit_weights_are_four_instances_growing_with_weight(registry: FontRegistry) -> None:
    faces = [registry.match("Outfit", w) for w in (100, 400, 800, 900)]
    assert len({id(f) for f in faces}) == 4
    assert [f.info.weight for f in faces] == [100, 400, 800, 900]
    assert [f.info.full_name for f in faces] == ["Outfit Thin", "Outfit Regular", "Outfit ExtraBold", "Outfit Black"]
    assert faces[2].info.postscript_name == "Outfit-ExtraBold"
    widths = [advance(f, "Hamburg") for f in faces]
    assert widths == sorted(widths) and len(set(widths)) == 4, widths
    # The stem of "l" is its whole ink width: measurably thicker at every step.
    bounds = [f.glyph_bounds(f.glyph_for("l")) for f in faces]  # type: ignore[arg-type]
    stems = [b[2] - b[0] for b in bounds if b is not None]
    assert len(stems) == 4 and all(b - a > 10 for a, b in zip(stems, stems[1:])), stems  # font units of 1000
    assert stems[3] > 4 * stems[0], stems
    # Each weight is the one variable font drawn at a location, not a copy of it.
    assert faces[2].harfbuzz_font().get_var_coords_design() == [800.0]
    assert len({id(f._source) for f in faces}) == 1


def test_a_location_shapes_and_draws_as_a_static_instance_made_there(tmp_path: Path) -> None:
    """HarfBuzz at wght=800 gives the advances, kerning and outlines of fontTools' static instance at 800."""
    from fontTools.varLib.instancer import instantiateVariableFont

    static = instantiateVariableFont(TTFont(OUTFIT), {"wght": 800})
    static.flavor = None
    static["name"].setName("Outfit Static", 16, 3, 1, 0x409)
    static.save(tmp_path / "outfit-800.ttf")
    registry = FontRegistry([OUTFIT, tmp_path / "outfit-800.ttf"], bundled=False)
    face, reference = registry.match("Outfit", 800), registry.match("Outfit Static", 800)
    assert not reference.info.axes and face.info.axes
    text = "Hamburg AVATAR To"
    ours, theirs = shape(face, text), shape(reference, text)
    assert ours.glyphs == theirs.glyphs and ours.advance == theirs.advance
    assert [x for x, _y in ours.positions] == [x for x, _y in theirs.positions]
    # The instancer rounds the outline to whole units; HarfBuzz keeps the fractions.
    for char in "Hag":
        mine, static_bounds = face.glyph_bounds(face.glyph_for(char)), reference.glyph_bounds(reference.glyph_for(char))  # type: ignore[arg-type]
        assert mine is not None and static_bounds is not None
        assert all(abs(a - b) <= 1 for a, b in zip(mine, static_bounds)), (char, mine, static_bounds)
    assert (face.x_height, face.cap_height) == (reference.x_height, reference.cap_height)


def test_an_instance_costs_no_copy_of_the_font(registry: FontRegistry) -> None:
    import time

    started = time.perf_counter()
    faces = [registry.match("Outfit", weight) for weight in range(101, 900, 7)]
    assert all(advance(face, "H") for face in faces)
    assert time.perf_counter() - started < 0.5, "an instance takes microseconds, not a copy of the font"


def test_an_unnamed_location_is_named_by_its_axis_value(registry: FontRegistry) -> None:
    face = registry.match("Outfit", 850)
    assert (face.info.full_name, face.info.postscript_name) == ("Outfit wght=850", "Outfit_850wght")
    lighter, heavier = registry.match("Outfit", 800), registry.match("Outfit", 900)
    assert advance(lighter, "H") < advance(face, "H") < advance(heavier, "H")


def test_weights_outside_the_range_clamp(registry: FontRegistry) -> None:
    assert registry.match("Outfit", 950) is registry.match("Outfit", 900)
    assert registry.match("Outfit", 1) is registry.match("Outfit", 100)


def test_the_same_instance_is_made_once_per_process(registry: FontRegistry) -> None:
    first = registry.match("Outfit", 700)
    assert registry.match("Outfit", 700) is first
    assert FontRegistry([OUTFIT]).match("Outfit", 700) is first
    assert load_face(registry.find("Outfit", 700)) is first  # type: ignore[arg-type]


def test_instances_made_from_many_threads_are_one_face(registry: FontRegistry) -> None:
    faces: list[FontFace] = []

    def match() -> None:
        faces.append(registry.match("Outfit", 650))

    threads = [threading.Thread(target=match) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(faces) == 6 and all(face is faces[0] for face in faces)


def test_heavier_weight_draws_more_ink(tmp_path: Path) -> None:
    for weight in (100, 800):
        (tmp_path / f"w{weight}.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100">'
            f'<text x="10" y="70" font-family="Outfit" font-weight="{weight}" font-size="56">Hamburg</text></svg>',
            encoding="utf-8",
        )
    renderer = svgog.Renderer(templates=tmp_path, fonts=[OUTFIT])
    thin, heavy = renderer.render_png("w100"), renderer.render_png("w800")
    save_output("font-formats-outfit-100.png", thin)
    save_output("font-formats-outfit-800.png", heavy)
    assert ink(heavy) > 2.5 * ink(thin), (ink(thin), ink(heavy))


def test_css_matching_with_ranges() -> None:
    """CSS Fonts 4 §5.2 over ranges, on descriptions alone (no font is loaded)."""

    def face(name: str, weights: tuple[float, float], stretches: tuple[float, float] = (100, 100)) -> FontInfo:
        return FontInfo(None, 0, "F", int(weights[0]), "normal", name, name, weights, stretches[0], stretches)

    light, variable, black = face("light", (300, 300)), face("variable", (500, 700)), face("black", (900, 900))
    faces = [light, variable, black]
    assert best_face(faces, 600, "normal", 100) is variable  # inside the range: exact
    assert best_face(faces, 450, "normal", 100) is variable  # 400-500: up to 500 first
    assert best_face(faces, 350, "normal", 100) is light  # below 400: lighter first
    assert best_face(faces, 800, "normal", 100) is black  # above 500: heavier first
    assert best_face([light, variable], 800, "normal", 100) is variable  # then the nearest end below
    condensed, wide = face("condensed", (400, 400), (75, 87.5)), face("wide", (400, 400), (112.5, 125))
    assert best_face([condensed, wide], 400, "normal", 100) is condensed  # at or below 100%: narrower first
    assert best_face([condensed, wide], 400, "normal", 110) is wide  # above 100%: wider first
    heavy_normal = face("heavy normal", (700, 700))
    assert best_face([condensed, heavy_normal], 400, "normal", 100) is heavy_normal  # width before weight


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", ["Inter-Bold", "'Inter-Bold'", "Inter Bold", '"Inter Bold"'])
def test_postscript_and_full_names_pick_the_exact_face(registry: FontRegistry, family: str) -> None:
    face = registry.match(family, 400)  # the name wins over the requested weight
    assert face.info.full_name == "Inter Bold" and face.info.style == "normal"
    assert face is registry.match("Inter", 700)


def test_names_of_italics_and_variable_instances(registry: FontRegistry) -> None:
    assert registry.match("Inter-BoldItalic").info.full_name == "Inter Bold Italic"
    assert registry.match("Inter", 700, "italic").info.full_name == "Inter Bold Italic"
    assert registry.match("Inter", 500, "italic").info.full_name == "Inter Italic"
    extra_bold = registry.match("Outfit-ExtraBold", 400)
    assert extra_bold is registry.match("Outfit", 800)
    # The name ID 1 family that fontconfig (and so Chromium) knows still finds the family.
    assert registry.match("Outfit Thin", 700) is registry.match("Outfit", 700)


# --- metrics ----------------------------------------------------------------------------------


def test_x_height_and_cap_height(registry: FontRegistry, tmp_path: Path) -> None:
    inter = registry.match("Inter")
    assert (inter.x_height, inter.cap_height) == (1536, 2048)
    play = registry.match("Play")
    assert (play.x_height, play.cap_height) == (484, 649)
    # Without OS/2 heights, they are measured from 'x' and 'H'.
    font = TTFont(decompressed(PLAY_BOLD, tmp_path))
    font["OS/2"].sxHeight = font["OS/2"].sCapHeight = 0
    font["name"].setName("Play Measured", 1, 3, 1, 0x409)
    font.save(tmp_path / "measured.ttf")
    measured = FontRegistry([tmp_path / "measured.ttf"], bundled=False).match("Play Measured")
    assert measured.x_height == measured.glyph_bounds(measured.glyph_for("x"))[3]  # type: ignore[arg-type, index]
    assert measured.cap_height == measured.glyph_bounds(measured.glyph_for("H"))[3]  # type: ignore[arg-type, index]
    assert abs(measured.x_height - 484) < 20 and abs(measured.cap_height - 649) < 20


def test_heights_default_to_half_and_seven_tenths_of_an_em(tmp_path: Path) -> None:
    from fontTools import subset

    font = TTFont(decompressed(PLAY_BOLD, tmp_path))
    subsetter = subset.Subsetter()
    subsetter.populate(text="ao")
    subsetter.subset(font)
    font["OS/2"].sxHeight = font["OS/2"].sCapHeight = 0
    font.save(tmp_path / "ao.ttf")
    face = FontRegistry([tmp_path / "ao.ttf"], bundled=False).match("Play")
    assert (face.x_height, face.cap_height) == (500, 700)


# --- fonts from bytes (@font-face) ------------------------------------------------------------


def test_add_data_registers_a_font_with_its_own_names() -> None:
    registry = FontRegistry(bundled=False)
    infos = registry.add_data(PLAY_BOLD.read_bytes(), source="card.svg @font-face")
    assert [(i.family, i.weight, i.style, i.path) for i in infos] == [("Play", 700, "normal", None)]
    face = registry.match("Play")
    assert face.info.full_name == "Play Bold" and face.glyph_for("H") is not None
    assert registry.match("Play-Bold") is face


def test_descriptors_override_family_weight_and_style() -> None:
    registry = FontRegistry()
    registry.add_data(PLAY_BOLD.read_bytes(), source="t", family="Brand", weight=400, style="italic")
    face = registry.match("Brand", 400, "italic")
    assert (face.info.family, face.info.weight, face.info.style) == ("Brand", 400, "italic")
    assert registry.match("Brand", 700, "normal") is face  # the only face of the family
    # As with @font-face, the font answers to the declared family only.
    assert registry.find("Play") is None and registry.find("Play-Bold") is None
    assert "Brand" in registry.families and "Brand" not in registry.fallback_families()


def test_a_weight_range_descriptor_selects_instances_inside_it() -> None:
    registry = FontRegistry(bundled=False)
    registry.add_data(OUTFIT.read_bytes(), source="t", family="Display", weight=(300, 700))
    assert [registry.match("Display", w).info.weight for w in (100, 300, 500, 700, 900)] == [300, 300, 500, 700, 700]
    assert registry.match("Display", 500).info.full_name == "Display Medium"
    single = FontRegistry(bundled=False)
    single.add_data(OUTFIT.read_bytes(), source="t", family="Heavy", weight=800)
    heavy = single.match("Heavy", 400)
    assert heavy.info.location == (("wght", 800.0),)
    assert advance(heavy, "Hamburg") == advance(FontRegistry([OUTFIT]).match("Outfit", 800), "Hamburg")


def test_the_same_bytes_share_one_face() -> None:
    data = OUTFIT.read_bytes()
    first, second = FontRegistry(bundled=False), FontRegistry(bundled=False)
    first.add_data(data, source="a.svg", family="Outfit", weight=(100, 900))
    second.add_data(bytes(data), source="b.svg", family="Outfit", weight=(100, 900))
    assert first.match("Outfit", 600) is second.match("Outfit", 600)
    assert first.version == second.version


def test_overlay_sees_both_and_leaves_the_parent_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = FontRegistry([PLAY_DIR])
    families, version = parent.families, parent.version
    play = parent.match("Play", 700)
    read: list[Path] = []
    original = Path.read_bytes

    def spy(self: Path) -> bytes:
        read.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    child = parent.overlay()
    child.add_data(OUTFIT.read_bytes(), source="card.svg", family="Outfit Web", weight=(100, 900))
    assert read == [OUTFIT], "the overlay reads no font file again"
    assert child.match("Play", 700) is play
    assert child.match("Outfit Web", 800).info.full_name == "Outfit Web ExtraBold"
    assert child.match("Inter", 700) is parent.match("Inter", 700)
    assert parent.find("Outfit Web") is None
    assert parent.families == families and parent.version == version
    assert child.version != version
    assert child.families == [*families, "Outfit Web"]


def test_version_changes_with_the_fonts_in_memory() -> None:
    base = FontRegistry(bundled=False)
    versions = {base.version}
    for family, weight in [("A", 400), ("A", 700), ("B", 700)]:
        overlay = base.overlay()
        overlay.add_data(PLAY_BOLD.read_bytes(), source="t", family=family, weight=weight)
        versions.add(overlay.version)
    assert len(versions) == 4
    again = base.overlay()
    again.add_data(PLAY_BOLD.read_bytes(), source="other label", family="B", weight=700)
    assert again.version in versions


def test_a_declared_family_hides_a_file_family_of_the_same_name() -> None:
    parent = FontRegistry([PLAY_DIR])
    child = parent.overlay()
    child.add_data(OUTFIT.read_bytes(), source="t", family="Play", weight=(100, 900))
    assert child.match("Play", 700).info.full_name == "Play Bold" and child.match("Play", 700).info.axes
    assert parent.match("Play", 700).info.full_name == "Play Bold" and not parent.match("Play", 700).info.axes


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", {}, "not a font"),
        (b"wOF2" + bytes(100), {}, "cannot read font"),
        (b"OTTO" + bytes(100), {}, "no family name"),
        (bytes(MAX_FONT_DATA_BYTES + 1), {}, "at most"),
        (None, {"weight": 0}, "font-weight"),
        (None, {"weight": (100, 1200)}, "font-weight"),
        (None, {"style": "slanted"}, "font-style"),
        (None, {"family": "  "}, "font-family"),
    ],
)
def test_bad_font_data_is_a_font_error_naming_its_source(data: bytes | None, options: dict, message: str) -> None:
    with pytest.raises(FontError, match=message) as info:
        FontRegistry(bundled=False).add_data(data or PLAY_BOLD.read_bytes(), source="card.svg @font-face", **options)
    assert info.value.path == "card.svg @font-face"


# --- against the browser ----------------------------------------------------------------------


def test_outfit_800_and_play_bold_look_as_in_chromium(tmp_path: Path, chromium: Chromium) -> None:
    """A card in Outfit ExtraBold (variable WOFF2) and Play Bold (WOFF2), as svgog and Chromium draw it.

    Chromium's fontconfig knows Outfit only as "Outfit Thin" (its name ID 1), so the
    card also carries the font as a web export would: an ``@font-face`` rule with a
    ``data:`` URI and a weight range. svgog draws from its own registry either way.
    """
    outfit = base64.b64encode(OUTFIT.read_bytes()).decode("ascii")
    card = tmp_path / "card.svg"
    card.write_text(
        f"""<svg xmlns="http://www.w3.org/2000/svg" width="560" height="200" viewBox="0 0 560 200">
  <style>@font-face {{ font-family: "Outfit"; font-weight: 100 900;
    src: url(data:font/woff2;base64,{outfit}) format("woff2"); }}</style>
  <rect width="560" height="200" fill="#ffffff"/>
  <text x="24" y="78" font-family="Outfit" font-weight="800" font-size="56" fill="#111827">Hamburg 800</text>
  <text x="24" y="162" font-family="Play" font-weight="700" font-size="56" fill="#1d4ed8">Play Bold AV</text>
</svg>
""",
        encoding="utf-8",
    )
    renderer = svgog.Renderer(templates=tmp_path, fonts=[OUTFIT, PLAY_DIR])
    png = renderer.render_png("card")
    save_output("font-formats-card-svgog.png", png)
    ours = pixels(png)
    theirs = chromium.render(card, 560, 200)
    # The standard tolerance (0.5%): drawing the neighbouring weight (Outfit Bold for
    # ExtraBold) differs in about 2.5%, Play Regular for Bold in 5.5%.
    tolerance = MAX_DIFFERING
    assert_same_picture("font-formats-card", ours, theirs, max_differing=tolerance)
    assert (ours[..., :3] < 128).all(axis=2).sum() > 3000, "both drew the text, not two blank cards"
    card.write_text(card.read_text(encoding="utf-8").replace('font-weight="800"', 'font-weight="700"'), encoding="utf-8")
    bold = svgog.Renderer(templates=tmp_path, fonts=[OUTFIT, PLAY_DIR]).render_png("card")
    assert difference(pixels(bold), theirs)[0] > tolerance, "the tolerance tells ExtraBold from Bold"
